//! Topic prevalence by a respondent covariate: mean θ of each topic among
//! the respondents of each covariate level, as stm's `estimateEffect`
//! reports for a categorical covariate.
//!
//! Intervals come from a respondent bootstrap that is also a method of
//! composition over θ: each replicate picks one posterior draw of θ at
//! random and resamples respondents with replacement within each covariate
//! level (so every level keeps its size, as the groups are fixed by the
//! covariate). The spread of the replicates thus holds both the sampling
//! of respondents and the uncertainty of θ. The point estimate is the mean
//! over all draws; intervals are bootstrap percentiles. The replicates use
//! one seeded random stream in a fixed order, so the same seed gives the
//! same intervals on every machine.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::explore::Labels;

/// One row: a topic's mean θ in one covariate level, or the difference of
/// a level's mean from the reference (first) level's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrevalenceRow {
    /// The covariate's column.
    pub covariate: String,
    /// The level, or `<level> - <reference level>` for differences.
    pub level: String,
    /// `mean` or `difference`.
    pub statistic: Cow<'static, str>,
    /// The topic's 0-based number.
    pub topic: usize,
    /// The topic's name (label or number).
    pub name: String,
    /// Respondents in the level (both levels for differences).
    pub respondents: usize,
    /// Mean θ of the topic (or the difference of means).
    pub estimate: f64,
    /// Standard deviation of the bootstrap replicates.
    pub std_error: f64,
    /// Lower end of the bootstrap percentile interval.
    pub lower: f64,
    /// Upper end of the bootstrap percentile interval.
    pub upper: f64,
}

/// Settings of the bootstrap.
#[derive(Debug, Clone, Copy)]
pub struct BootstrapOptions {
    /// Bootstrap replicates (respondents resampled).
    pub replicates: usize,
    /// Seed of the resampling (same seed, same intervals).
    pub seed: u64,
    /// 1 − confidence level of the intervals.
    pub alpha: f64,
}

impl BootstrapOptions {
    /// Checked settings: at least 2 replicates (`--bootstrap`, exit 8), for
    /// a spread, and α in (0, 1) (`--alpha`, exit 8).
    pub fn new(replicates: usize, seed: u64, alpha: f64) -> crate::Result<BootstrapOptions> {
        if replicates < 2 {
            return Err(crate::Error::param(
                "--bootstrap",
                "needs at least 2 replicates",
            ));
        }
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(crate::Error::param(
                "--alpha",
                format!("{alpha} is not between 0 and 1"),
            ));
        }
        Ok(BootstrapOptions {
            replicates,
            seed,
            alpha,
        })
    }
}

/// Mean θ per topic by the covariate `values[i]` of respondent `i`
/// (`None`: left out), with `theta[s][i]` = θ of respondent `i` in draw
/// `s`. `levels` fixes the level order (first = reference); levels that no
/// respondent has are skipped.
pub fn prevalence(
    covariate: &str,
    values: &[Option<String>],
    theta: &[Vec<Vec<f64>>],
    levels: &[String],
    labels: &Labels,
    opts: &BootstrapOptions,
) -> Vec<PrevalenceRow> {
    let k = labels.k();
    let members: Vec<(String, Vec<usize>)> = levels
        .iter()
        .map(|l| {
            let idx: Vec<usize> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.as_deref() == Some(l.as_str()))
                .map(|(i, _)| i)
                .collect();
            (l.clone(), idx)
        })
        .filter(|(_, idx)| !idx.is_empty())
        .collect();
    let m = theta.len();
    let mean_of = |s: usize, idx: &[usize], t: usize| -> f64 {
        idx.iter().map(|&i| theta[s][i][t]).sum::<f64>() / idx.len() as f64
    };
    // Point estimates: the mean over draws of each level's mean θ.
    let point: Vec<Vec<f64>> = members
        .iter()
        .map(|(_, idx)| {
            (0..k)
                .map(|t| (0..m).map(|s| mean_of(s, idx, t)).sum::<f64>() / m as f64)
                .collect()
        })
        .collect();
    // reps[b][level][topic]
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(opts.seed);
    let mut reps: Vec<Vec<Vec<f64>>> = Vec::with_capacity(opts.replicates);
    let mut sample = Vec::new();
    for _ in 0..opts.replicates {
        let s = rng.random_range(0..m);
        let mut rep = Vec::with_capacity(members.len());
        for (_, idx) in &members {
            sample.clear();
            sample.extend((0..idx.len()).map(|_| idx[rng.random_range(0..idx.len())]));
            rep.push((0..k).map(|t| mean_of(s, &sample, t)).collect::<Vec<f64>>());
        }
        reps.push(rep);
    }
    let mut rows = Vec::new();
    for (li, (level, idx)) in members.iter().enumerate() {
        for t in 0..k {
            let draws: Vec<f64> = reps.iter().map(|r| r[li][t]).collect();
            rows.push(row(
                covariate,
                level,
                "mean_theta",
                t,
                labels,
                idx.len(),
                point[li][t],
                draws,
                opts.alpha,
            ));
        }
    }
    for (li, (level, idx)) in members.iter().enumerate().skip(1) {
        let (reference, ref_idx) = &members[0];
        for t in 0..k {
            let draws: Vec<f64> = reps.iter().map(|r| r[li][t] - r[0][t]).collect();
            rows.push(row(
                covariate,
                &format!("{level} - {reference}"),
                "difference",
                t,
                labels,
                idx.len() + ref_idx.len(),
                point[li][t] - point[0][t],
                draws,
                opts.alpha,
            ));
        }
    }
    rows
}

#[allow(clippy::too_many_arguments)]
fn row(
    covariate: &str,
    level: &str,
    statistic: &'static str,
    topic: usize,
    labels: &Labels,
    respondents: usize,
    estimate: f64,
    mut draws: Vec<f64>,
    alpha: f64,
) -> PrevalenceRow {
    let n = draws.len() as f64;
    let mean = draws.iter().sum::<f64>() / n;
    let sd = (draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    draws.sort_by(f64::total_cmp);
    PrevalenceRow {
        covariate: covariate.to_string(),
        level: level.to_string(),
        statistic: statistic.into(),
        topic,
        name: labels.name(topic),
        respondents,
        estimate,
        std_error: sd,
        lower: quantile(&draws, alpha / 2.0),
        upper: quantile(&draws, 1.0 - alpha / 2.0),
    }
}

/// Quantile of sorted values with linear interpolation (R's type 7).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The order of a covariate's levels: the design's (when it lists them),
/// then any other value the data holds (so none is dropped), numbers
/// numerically and text alphabetically.
pub fn level_order(values: &[Option<String>], design: Option<&Vec<String>>) -> Vec<String> {
    let mut levels: Vec<String> = design.cloned().unwrap_or_default();
    let mut extra: Vec<String> = values
        .iter()
        .flatten()
        .filter(|v| !levels.contains(v))
        .cloned()
        .collect();
    extra.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
    extra.dedup();
    levels.extend(extra);
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_options_are_checked() {
        let o = BootstrapOptions::new(2, 9, 0.1).unwrap();
        assert_eq!((o.replicates, o.seed, o.alpha), (2, 9, 0.1));
        let e = BootstrapOptions::new(1, 9, 0.05).unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert_eq!(
            e.to_string(),
            "invalid --bootstrap: needs at least 2 replicates"
        );
        let e = BootstrapOptions::new(100, 9, 0.0).unwrap_err();
        assert_eq!(e.to_string(), "invalid --alpha: 0 is not between 0 and 1");
    }

    #[test]
    fn quantile_type_7() {
        // R: quantile(c(1, 2, 3, 4), c(.25, .5, .9)) = 1.75, 2.5, 3.7.
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile(&v, 0.25) - 1.75).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&v, 0.9) - 3.7).abs() < 1e-12);
    }

    #[test]
    fn means_by_level_and_seeded_intervals() {
        let labels = Labels::empty(2);
        let values: Vec<Option<String>> = ["b", "a", "a", "b", "c", "a"]
            .iter()
            .map(|s| Some(s.to_string()))
            .chain([None])
            .collect();
        // Two draws; respondents of level a: θ_0 = .9 .7 .8 (draw 0) and
        // .7 .7 .7 (draw 1): mean over draws = (0.8 + 0.7) / 2 = 0.75.
        let d0 = vec![
            vec![0.2, 0.8],
            vec![0.9, 0.1],
            vec![0.7, 0.3],
            vec![0.4, 0.6],
            vec![0.5, 0.5],
            vec![0.8, 0.2],
            vec![0.5, 0.5],
        ];
        let mut d1 = d0.clone();
        for i in [1, 2, 5] {
            d1[i] = vec![0.7, 0.3];
        }
        let opts = BootstrapOptions {
            replicates: 200,
            seed: 7,
            alpha: 0.05,
        };
        let order = level_order(&values, None);
        assert_eq!(order, ["a", "b", "c"]);
        // The design's order first; values it does not list still count.
        let design = vec!["c".to_string(), "b".to_string()];
        assert_eq!(level_order(&values, Some(&design)), ["c", "b", "a"]);
        let numbers: Vec<Option<String>> = ["10", "9", "x"]
            .iter()
            .map(|s| Some(s.to_string()))
            .collect();
        assert_eq!(level_order(&numbers, None), ["9", "10", "x"]);
        let rows = prevalence(
            "x",
            &values,
            &[d0.clone(), d1.clone()],
            &order,
            &labels,
            &opts,
        );
        assert_eq!(rows.len(), 3 * 2 + 2 * 2);
        assert_eq!((rows[0].level.as_str(), rows[0].respondents), ("a", 3));
        assert!((rows[0].estimate - 0.75).abs() < 1e-12);
        assert!(rows[0].lower <= rows[0].estimate && rows[0].estimate <= rows[0].upper);
        // b: θ_0 = .2 .4 in both draws → 0.3; difference b − a = −0.45.
        let diff = rows
            .iter()
            .find(|r| r.level == "b - a" && r.topic == 0)
            .unwrap();
        assert!((diff.estimate + 0.45).abs() < 1e-12);
        assert_eq!(diff.statistic, "difference");
        // Level c has one respondent: no spread within a draw, so only
        // the draw (identical here) varies: a zero-width interval.
        let c = rows
            .iter()
            .find(|r| r.level == "c" && r.topic == 1)
            .unwrap();
        assert_eq!((c.lower, c.upper, c.std_error), (0.5, 0.5, 0.0));
        let again = prevalence("x", &values, &[d0, d1], &order, &labels, &opts);
        assert_eq!(rows, again);
    }
}
