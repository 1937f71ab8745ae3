//! Simulated restricted designs with known AMCEs, to check that the
//! restricted-design intervals cover the truth (`examples/restricted_coverage.rs`
//! and the tests below).
//!
//! Design: education (3 levels) × job (4 levels) randomized jointly with
//! the top job shown only with the top education, plus an independent
//! gender. Respondents choose between two profiles with probability
//! `0.5 + u(A) − u(B)`, where `u` has education × job interactions, so the
//! AMCE depends on how it averages over the other attribute. The true AMCE
//! of level `l` is `Σ_k w_k (u(l, k) − u(0, k))` over the levels `k` of the
//! other attribute shown with both `l` and the reference level, with `w_k`
//! the design's P(k | l) on that support (cjoint) or equal (cregg's uniform).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::json;

use super::data::{ConjointData, Spec};
use super::design::Options;
use super::estimate;
use super::randomization::{choose, resolve, RandomizationFile, Request};
use crate::error::Result;

/// Levels of education (rows of the joint table).
pub const EDUCATION: [&str; 3] = ["none", "school", "degree"];
/// Levels of job (columns); `doctor` needs a degree.
pub const JOB: [&str; 4] = ["cleaner", "driver", "clerk", "doctor"];
/// Levels of the independent feature.
pub const GENDER: [&str; 2] = ["female", "male"];

/// Utility of each (education, job) cell: interactions on purpose.
const CELL: [[f64; 4]; 3] = [
    [0.00, 0.05, 0.02, 0.0],
    [0.04, 0.12, 0.03, 0.0],
    [0.08, 0.10, 0.20, 0.25],
];
/// Utility of being male.
const MALE: f64 = -0.04;

/// P(education, job): proportional to independent margins on the allowed
/// cells (doctor only with a degree).
pub fn joint() -> [[f64; 4]; 3] {
    let (pe, pj) = ([0.3, 0.3, 0.4], [0.3, 0.3, 0.2, 0.2]);
    let mut p = [[0.0; 4]; 3];
    for (e, row) in p.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            if j < 3 || e == 2 {
                *cell = pe[e] * pj[j];
            }
        }
    }
    let total: f64 = p.iter().flatten().sum();
    p.iter_mut().flatten().for_each(|v| *v /= total);
    p
}

/// The randomization file of the design (cjoint's form).
pub fn randomization() -> serde_json::Value {
    json!({
        "dependence": {"education": "job", "job": "education"},
        "education_job": {
            "rows": "education", "cols": "job",
            "row_levels": EDUCATION, "col_levels": JOB,
            "prob": joint(),
        }
    })
}

/// The true AMCE of every non-reference level, as `(feature, level,
/// value)`: under the design's probabilities when `design`, else uniform.
pub fn true_amces(design: bool) -> Vec<(String, String, f64)> {
    let p = joint();
    let mut out = Vec::new();
    // Education's AMCE averages over jobs; job's over education.
    for l in 1..3 {
        let support: Vec<usize> = (0..4).filter(|&k| p[0][k] > 0.0 && p[l][k] > 0.0).collect();
        let w = |k: usize| if design { p[l][k] } else { 1.0 };
        let total: f64 = support.iter().map(|&k| w(k)).sum();
        let v = support
            .iter()
            .map(|&k| w(k) * (CELL[l][k] - CELL[0][k]))
            .sum::<f64>()
            / total;
        out.push(("education".into(), EDUCATION[l].into(), v));
    }
    for l in 1..4 {
        let support: Vec<usize> = (0..3).filter(|&k| p[k][0] > 0.0 && p[k][l] > 0.0).collect();
        let w = |k: usize| if design { p[k][l] } else { 1.0 };
        let total: f64 = support.iter().map(|&k| w(k)).sum();
        let v = support
            .iter()
            .map(|&k| w(k) * (CELL[k][l] - CELL[k][0]))
            .sum::<f64>()
            / total;
        out.push(("job".into(), JOB[l].into(), v));
    }
    out.push(("gender".into(), "male".into(), MALE));
    out
}

/// A draw of (education, job) from the joint table.
fn draw_cell(rng: &mut impl Rng, p: &[[f64; 4]; 3]) -> (usize, usize) {
    let mut u: f64 = rng.random();
    for (e, row) in p.iter().enumerate() {
        for (j, &q) in row.iter().enumerate() {
            if u < q {
                return (e, j);
            }
            u -= q;
        }
    }
    (2, 3)
}

/// One experiment as CSV text: `respondents` × `tasks` forced choices.
pub fn csv(respondents: usize, tasks: usize, seed: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let p = joint();
    let mut out = String::from("id,education,job,gender,chosen\n");
    for r in 0..respondents {
        for _ in 0..tasks {
            let profiles: Vec<(usize, usize, usize)> = (0..2)
                .map(|_| {
                    let (e, j) = draw_cell(&mut rng, &p);
                    (e, j, rng.random_range(0..2))
                })
                .collect();
            let u = |&(e, j, g): &(usize, usize, usize)| CELL[e][j] + MALE * g as f64;
            let first = rng.random::<f64>() < 0.5 + u(&profiles[0]) - u(&profiles[1]);
            for (i, (e, j, g)) in profiles.iter().enumerate() {
                let chosen = u8::from((i == 0) == first);
                let _ = writeln!(
                    out,
                    "{r},{},{},{},{chosen}",
                    EDUCATION[*e], JOB[*j], GENDER[*g]
                );
            }
        }
    }
    out
}

/// The spec of the simulated data, with the design's level order.
pub fn spec() -> Spec {
    let levels = [
        ("education", &EDUCATION[..]),
        ("job", &JOB[..]),
        ("gender", &GENDER[..]),
    ];
    Spec {
        respondent: Some("id".into()),
        features: levels.iter().map(|(f, _)| f.to_string()).collect(),
        levels: levels
            .iter()
            .map(|(f, l)| (f.to_string(), l.iter().map(|s| s.to_string()).collect()))
            .collect(),
        outcomes: vec!["chosen".into()],
        ..Spec::default()
    }
}

/// How often one level's intervals covered its true AMCE.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCoverage {
    /// The feature.
    pub feature: String,
    /// The level.
    pub level: String,
    /// Its true AMCE under the weighting.
    pub truth: f64,
    /// Mean estimate over the experiments.
    pub mean_estimate: f64,
    /// Experiments whose interval covered the truth.
    pub covered: usize,
    /// Experiments.
    pub reps: usize,
}

/// Coverage of every level's interval over `reps` experiments (seeds
/// `seed..seed + reps`, `respondents` × 5 tasks each), under the design's
/// weighting (`design`) or the uniform one, at `opts`' confidence level.
pub fn coverage(
    reps: usize,
    respondents: usize,
    seed: u64,
    design: bool,
    opts: &Options,
) -> Result<Vec<LevelCoverage>> {
    let spec = spec();
    let file = RandomizationFile::from_value(&randomization(), Path::new("simulated.json"))?;
    let mut out: Vec<LevelCoverage> = true_amces(design)
        .into_iter()
        .map(|(feature, level, truth)| LevelCoverage {
            feature,
            level,
            truth,
            mean_estimate: 0.0,
            covered: 0,
            reps,
        })
        .collect();
    for rep in 0..reps as u64 {
        let text = csv(respondents, 5, seed + rep);
        let data = ConjointData::parse(&text, Path::new("simulated.csv"), &spec)?;
        let weighting = if design {
            Some(Arc::new(resolve(&data, &file)?))
        } else {
            choose(&data, &spec, Some(&Request::Uniform), false)?
        };
        let opts = Options {
            weighting,
            ..opts.clone()
        };
        let rows = estimate::amce(&data, "chosen", &opts)?;
        for c in &mut out {
            let r = rows
                .iter()
                .find(|r| r.feature == c.feature && r.level == c.level)
                .expect("every level is estimated");
            c.mean_estimate += r.estimate / reps as f64;
            let (lo, hi) = (r.lower.unwrap_or(f64::NAN), r.upper.unwrap_or(f64::NAN));
            c.covered += usize::from(lo <= c.truth && c.truth <= hi);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Truth by hand for two levels: a degree vs none averages over the
    /// three jobs shown with no education; a doctor is compared only among
    /// degree holders.
    #[test]
    fn true_amces_follow_the_support() {
        let uniform = true_amces(false);
        let degree = uniform.iter().find(|t| t.1 == "degree").unwrap().2;
        assert!((degree - (0.08 + 0.05 + 0.18) / 3.0).abs() < 1e-15);
        let doctor = uniform.iter().find(|t| t.1 == "doctor").unwrap().2;
        assert!((doctor - 0.17).abs() < 1e-15);
        let design = true_amces(true);
        let degree_design = design.iter().find(|t| t.1 == "degree").unwrap().2;
        assert!((degree_design - (0.3 * 0.08 + 0.3 * 0.05 + 0.2 * 0.18) / 0.8).abs() < 1e-15);
    }

    /// 95% intervals cover the true AMCEs in 40 simulated experiments
    /// (240 intervals per weighting): the share must lie in [0.90, 0.99]
    /// (binomial sd at 0.95 is 0.014), and the mean estimate must be near
    /// the truth; `examples/restricted_coverage.rs` runs many more.
    #[test]
    fn intervals_cover_the_true_amces() {
        for design in [false, true] {
            let levels = coverage(40, 300, 1000, design, &Options::default()).unwrap();
            let covered: usize = levels.iter().map(|c| c.covered).sum();
            let total: usize = levels.iter().map(|c| c.reps).sum();
            let share = covered as f64 / total as f64;
            assert!(
                (0.90..=0.99).contains(&share),
                "design weighting {design}: {covered} of {total} intervals cover ({share})"
            );
            for c in &levels {
                assert!(
                    (c.mean_estimate - c.truth).abs() < 0.02,
                    "{c:?}: the mean estimate is far from the truth"
                );
            }
        }
    }
}
