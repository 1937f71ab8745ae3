//! The estimators: AMCEs, marginal means, their subgroup differences,
//! the subgroup F/Wald tests, level frequencies and profile predictions.
//!
//! Conventions follow cregg 0.3.7 (see `design.rs` and `ols.rs` for the
//! variance): normal-theory z, p and intervals; reference levels reported
//! as rows with estimate 0 and no standard error.

use serde::{Deserialize, Serialize};

use super::data::ConjointData;
use super::design::{AmceLayout, Options, RowFilter, Sample};
use super::error::ConjointError;
use super::linalg::{Cholesky, Matrix};
use super::ols::OlsFit;
use crate::error::Result;
use crate::math;

/// What a row estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// Average marginal component effect (relative to the reference level).
    Amce,
    /// Marginal mean.
    Mm,
    /// Difference of AMCEs between a group and the reference group.
    AmceDifference,
    /// Difference of marginal means between a group and the reference group.
    MmDifference,
    /// Predicted outcome of a profile.
    Prediction,
}

impl Statistic {
    /// The name used in CSV and JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Statistic::Amce => "amce",
            Statistic::Mm => "mm",
            Statistic::AmceDifference => "amce_difference",
            Statistic::MmDifference => "mm_difference",
            Statistic::Prediction => "prediction",
        }
    }
}

/// How an outcome is measured, which fixes what its marginal means are
/// compared with in a plot and which outcomes share an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    /// 0/1 with exactly half of every respondent's profiles chosen (a
    /// forced choice between two profiles): marginal means centre on 0.5.
    ForcedChoice,
    /// Any other 0/1 outcome (a yes/no rating of each profile).
    Binary,
    /// A rating or any other number.
    Numeric,
}

impl OutcomeType {
    /// The type of `outcome` in `data` (after `--binarize`).
    pub fn of(data: &ConjointData, outcome: &str, opts: &Options) -> Result<OutcomeType> {
        let o = outcome_index(data, outcome)?;
        let n = data.respondent_ids.len();
        let (mut rows, mut ones) = (vec![0u64; n], vec![0u64; n]);
        for (i, &raw) in data.outcomes[o].values.iter().enumerate() {
            let y = opts.binarize.map_or(raw, |b| b.apply(raw));
            if y.is_nan() {
                continue;
            }
            if y != 0.0 && y != 1.0 {
                return Ok(OutcomeType::Numeric);
            }
            let r = data.respondent[i] as usize;
            rows[r] += 1;
            ones[r] += y as u64;
        }
        let half = rows.iter().zip(&ones).all(|(&n, &k)| 2 * k == n);
        Ok(if half && rows.iter().any(|&n| n > 0) {
            OutcomeType::ForcedChoice
        } else {
            OutcomeType::Binary
        })
    }
}

/// One estimate, as printed and serialized (and read back by `topics
/// report`). `std_error` and the rest are `None` for reference levels (as
/// in cregg). `outcome_type`, `feature_label` and `h0` were added later:
/// files without them still read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateRow {
    /// The outcome column estimated.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Whether the outcome was a choice or a rating, when recorded.
    pub outcome_type: Option<OutcomeType>,
    /// What the row estimates.
    pub statistic: Statistic,
    /// The feature (column name).
    pub feature: String,
    /// The feature's display name (the design's label, else its column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_label: Option<String>,
    /// The level.
    pub level: String,
    /// The point estimate.
    pub estimate: f64,
    #[serde(default)]
    /// Respondent-clustered standard error.
    pub std_error: Option<f64>,
    #[serde(default)]
    /// `(estimate − h0) / std_error`.
    pub z: Option<f64>,
    #[serde(default)]
    /// Two-sided p-value of `z`.
    pub p: Option<f64>,
    /// The null value `z` and `p` test against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub h0: Option<f64>,
    #[serde(default)]
    /// Lower end of the `1 − alpha` confidence interval.
    pub lower: Option<f64>,
    #[serde(default)]
    /// Upper end of the `1 − alpha` confidence interval.
    pub upper: Option<f64>,
    /// The subgroup, or `"<group> - <reference group>"` for differences.
    #[serde(rename = "BY", default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// How a restricted design's estimate averages over the restricted
    /// combinations (`uniform`, `randomization:FILE`, `plain_means`);
    /// absent for unrestricted designs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<String>,
}

/// Normal-theory inference for one estimate.
/// `what` is (outcome, statistic, feature, level).
pub(crate) fn row(
    what: (&str, Statistic, &str, &str),
    estimate: f64,
    std_error: Option<f64>,
    h0: f64,
    by: Option<String>,
    opts: &Options,
) -> EstimateRow {
    let (outcome, statistic, feature, level) = what;
    let crit = math::normal_quantile(1.0 - opts.alpha / 2.0);
    let (z, p, lower, upper) = match std_error {
        Some(se) => {
            let z = (estimate - h0) / se;
            (
                Some(z),
                Some(math::normal_two_sided_p(z)),
                Some(estimate - crit * se),
                Some(estimate + crit * se),
            )
        }
        None => (None, None, None, None),
    };
    EstimateRow {
        outcome: outcome.to_string(),
        outcome_type: None,
        statistic,
        feature: feature.to_string(),
        feature_label: None,
        level: level.to_string(),
        estimate,
        std_error,
        z,
        p,
        h0: z.map(|_| h0),
        lower,
        upper,
        by,
        weighting: None,
    }
}

/// The `BY` of a difference between group `gi` and the reference group
/// (as cregg labels it).
fn difference_label(groups: &[String], gi: usize) -> Option<String> {
    Some(format!("{} - {}", groups[gi], groups[0]))
}

/// The estimate and standard error of coefficient `column`; the reference
/// level has no column and is 0 with no standard error.
fn level_coefficient(fit: &OlsFit, column: Option<usize>) -> (f64, Option<f64>) {
    match column {
        None => (0.0, None),
        Some(c) => (fit.beta[c], Some(fit.std_error(c))),
    }
}

/// Fills in what a reader of the rows needs beyond the numbers: the
/// outcome's type and each feature's display name.
pub(crate) fn describe_rows(
    data: &ConjointData,
    outcome: &str,
    opts: &Options,
    mut rows: Vec<EstimateRow>,
) -> Result<Vec<EstimateRow>> {
    let kind = OutcomeType::of(data, outcome, opts)?;
    for r in &mut rows {
        super::restricted::mark_plain_means(r, opts);
        r.outcome_type = Some(kind);
        r.feature_label = data
            .features
            .iter()
            .find(|f| f.name == r.feature)
            .map(|f| f.label.clone());
    }
    Ok(rows)
}

pub(crate) fn outcome_index(data: &ConjointData, outcome: &str) -> Result<usize> {
    data.outcomes
        .iter()
        .position(|o| o.name == outcome)
        .ok_or_else(|| ConjointError::Request(format!("outcome '{outcome}' was not read")).into())
}

/// Rows dropped from `outcome` because it is missing.
pub fn missing_outcomes(data: &ConjointData, outcome: &str) -> Result<usize> {
    let o = outcome_index(data, outcome)?;
    Ok(data.outcomes[o]
        .values
        .iter()
        .filter(|v| v.is_nan())
        .count())
}

fn groups(data: &ConjointData) -> Result<&super::data::Grouping> {
    data.by
        .as_ref()
        .ok_or_else(|| ConjointError::Request("this estimate needs --by COL".into()).into())
}

pub(crate) fn describe(outcome: &str, statistic: &str, group: Option<&str>) -> String {
    match group {
        Some(g) => format!("{statistic} of '{outcome}' in group '{g}'"),
        None => format!("{statistic} of '{outcome}'"),
    }
}

/// The rows an estimate is fitted on and the `BY` label its rows carry:
/// every row, or one `--by` group's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subset<'a> {
    /// Which rows enter the fit.
    pub(crate) filter: RowFilter,
    /// The group's name, for the rows' `BY` and for messages.
    pub(crate) group: Option<&'a str>,
}

impl<'a> Subset<'a> {
    /// Every row, no `BY`.
    pub(crate) const ALL: Subset<'static> = Subset {
        filter: RowFilter::All,
        group: None,
    };

    /// The rows of `--by` group `index`, named `name`.
    fn group(index: usize, name: &'a str) -> Subset<'a> {
        Subset {
            filter: RowFilter::Group(index as u32),
            group: Some(name),
        }
    }
}

/// AMCEs: OLS of the outcome on all feature dummies, clustered by
/// respondent.
pub fn amce(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    amce_in(data, outcome, Subset::ALL, opts)
}

/// Refuses an outcome (after `--binarize`, if given) with a value other
/// than 0 or 1, naming the first such row.
fn require_binary(data: &ConjointData, outcome: &str, opts: &Options, what: &str) -> Result<()> {
    let o = outcome_index(data, outcome)?;
    let column = &data.outcomes[o];
    for (i, &raw) in column.values.iter().enumerate() {
        let y = opts.binarize.map_or(raw, |b| b.apply(raw));
        if !y.is_nan() && y != 0.0 && y != 1.0 {
            return Err(ConjointError::NotBinary {
                path: data.path.clone(),
                line: data.line[i],
                column: column.name.clone(),
                value: raw,
                what: what.to_string(),
            }
            .into());
        }
    }
    Ok(())
}

/// The rows of `filter` with a value of `outcome`, as a fit takes them.
fn sample_of(
    data: &ConjointData,
    outcome: &str,
    filter: RowFilter,
    opts: &Options,
) -> Result<Sample> {
    let o = outcome_index(data, outcome)?;
    Ok(Sample::new(data, o, filter, opts))
}

fn amce_fit(
    data: &ConjointData,
    outcome: &str,
    rows: Subset,
    opts: &Options,
) -> Result<(AmceLayout, OlsFit)> {
    let sample = sample_of(data, outcome, rows.filter, opts)?;
    let layout = AmceLayout::new(data, 0);
    let design = layout.rows(data, &sample);
    let fit = sample.fit(
        &design,
        opts,
        &|c| layout.name(data, c, &[]),
        &describe(outcome, "AMCE", rows.group),
    )?;
    Ok((layout, fit))
}

fn amce_in(
    data: &ConjointData,
    outcome: &str,
    rows: Subset,
    opts: &Options,
) -> Result<Vec<EstimateRow>> {
    if let Some(w) = &opts.weighting {
        return super::restricted::amce_in(data, outcome, rows, opts, w);
    }
    let (layout, fit) = amce_fit(data, outcome, rows, opts)?;
    amce_rows(data, outcome, rows.group, opts, |f, l| {
        let c = layout.column(f, l);
        Ok((fit.beta[c], fit.std_error(c)))
    })
}

/// The AMCE rows of every feature's levels, reference first (estimate 0,
/// no standard error), `effect(feature, level ≥ 1)` giving the estimate
/// and its standard error.
pub(crate) fn amce_rows(
    data: &ConjointData,
    outcome: &str,
    group: Option<&str>,
    opts: &Options,
    mut effect: impl FnMut(usize, usize) -> Result<(f64, f64)>,
) -> Result<Vec<EstimateRow>> {
    let mut rows = Vec::new();
    for (f, feature) in data.features.iter().enumerate() {
        for (l, level) in feature.levels.iter().enumerate() {
            let (est, se) = match l {
                0 => (0.0, None),
                _ => effect(f, l).map(|(e, s)| (e, Some(s)))?,
            };
            rows.push(row(
                (outcome, Statistic::Amce, &feature.name, level),
                est,
                se,
                0.0,
                group.map(str::to_string),
                opts,
            ));
        }
    }
    describe_rows(data, outcome, opts, rows)
}

/// Marginal means: for each feature, `y ~ 0 + level` with the same
/// clustered variance; z tests against `opts.h0`.
pub fn mm(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    mm_in(data, outcome, Subset::ALL, opts)
}

fn mm_in(
    data: &ConjointData,
    outcome: &str,
    rows: Subset,
    opts: &Options,
) -> Result<Vec<EstimateRow>> {
    let group = rows.group;
    let sample = sample_of(data, outcome, rows.filter, opts)?;
    let fits = sample.fit_means(data, opts, &describe(outcome, "marginal means", group))?;
    let mut rows = Vec::new();
    for (feature, fit) in data.features.iter().zip(&fits) {
        for (l, level) in feature.levels.iter().enumerate() {
            rows.push(row(
                (outcome, Statistic::Mm, &feature.name, level),
                fit.beta[l],
                Some(fit.std_error(l)),
                opts.h0,
                group.map(str::to_string),
                opts,
            ));
        }
    }
    describe_rows(data, outcome, opts, rows)
}

/// AMCEs fitted separately in each `--by` group (as cregg's `cj(..., by =)`).
pub fn amce_by(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    per_group(data, |rows| amce_in(data, outcome, rows, opts))
}

/// Marginal means in each `--by` group.
pub fn mm_by(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    per_group(data, |rows| mm_in(data, outcome, rows, opts))
}

/// Runs `estimate` on each `--by` group's rows, in group order.
fn per_group(
    data: &ConjointData,
    estimate: impl Fn(Subset) -> Result<Vec<EstimateRow>>,
) -> Result<Vec<EstimateRow>> {
    let g = groups(data)?;
    let mut rows = Vec::new();
    for (i, name) in g.groups.iter().enumerate() {
        rows.extend(estimate(Subset::group(i, name))?);
    }
    Ok(rows)
}

/// Differences of each group's marginal means from the first group's,
/// with SE = √(SE₁² + SE₂²) (groups hold different respondents).
pub fn mm_diffs(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    let g = groups(data)?;
    let per_group: Vec<Vec<EstimateRow>> = g
        .groups
        .iter()
        .enumerate()
        .map(|(i, name)| mm_in(data, outcome, Subset::group(i, name), opts))
        .collect::<Result<_>>()?;
    let reference = &per_group[0];
    let mut rows = Vec::new();
    for (gi, group_rows) in per_group.iter().enumerate().skip(1) {
        for (a, b) in group_rows.iter().zip(reference) {
            let se = match (a.std_error, b.std_error) {
                (Some(x), Some(y)) => Some((x * x + y * y).sqrt()),
                _ => None,
            };
            rows.push(row(
                (outcome, Statistic::MmDifference, &a.feature, &a.level),
                a.estimate - b.estimate,
                se,
                0.0,
                difference_label(&g.groups, gi),
                opts,
            ));
        }
    }
    describe_rows(data, outcome, opts, rows)
}

/// Differences of AMCEs between groups from one pooled model interacting
/// every feature with the group, clustered by respondent (as cregg's
/// `amce_diffs`).
pub fn amce_diffs(data: &ConjointData, outcome: &str, opts: &Options) -> Result<Vec<EstimateRow>> {
    super::restricted::refuse(opts, "--estimate amce-diffs")?;
    let (layout, fit) = interacted_fit(data, outcome, opts)?;
    let g = groups(data)?;
    let mut rows = Vec::new();
    for gi in 1..g.groups.len() {
        for (f, feature) in data.features.iter().enumerate() {
            for (l, level) in feature.levels.iter().enumerate() {
                let column = (l > 0).then(|| layout.group_column(gi, Some((f, l))));
                let (est, se) = level_coefficient(&fit, column);
                rows.push(row(
                    (outcome, Statistic::AmceDifference, &feature.name, level),
                    est,
                    se,
                    0.0,
                    difference_label(&g.groups, gi),
                    opts,
                ));
            }
        }
    }
    describe_rows(data, outcome, opts, rows)
}

fn interacted_fit(
    data: &ConjointData,
    outcome: &str,
    opts: &Options,
) -> Result<(AmceLayout, OlsFit)> {
    let g = groups(data)?;
    if g.groups.len() < 2 {
        return Err(ConjointError::Request(format!(
            "--by {}: needs at least two groups, found {}",
            g.column,
            g.groups.len()
        ))
        .into());
    }
    let sample = sample_of(data, outcome, RowFilter::Grouped, opts)?;
    let layout = AmceLayout::new(data, g.groups.len() - 1);
    let design = layout.rows(data, &sample);
    let fit = sample.fit(
        &design,
        opts,
        &|c| layout.name(data, c, &g.groups),
        &describe(outcome, "interacted AMCE model", None),
    )?;
    Ok((layout, fit))
}

/// The test that the AMCEs differ between groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnovaRow {
    /// The outcome column tested.
    pub outcome: String,
    #[serde(rename = "BY")]
    /// The `--by` column whose groups are compared.
    pub by: String,
    /// cregg's nested-model F test (`anova(glm(y ~ features),
    /// glm(y ~ features * by), test = "F")`): not clustered.
    #[serde(rename = "F")]
    pub f: f64,
    /// Numerator degrees of freedom of `f` (the group terms).
    pub df1: usize,
    /// Denominator degrees of freedom of `f` (residual).
    pub df2: usize,
    /// p-value of `f`.
    pub p: f64,
    /// Wald χ² of all group terms in the interacted model, with the
    /// respondent-clustered covariance.
    pub wald_chi2: f64,
    /// Degrees of freedom of `wald_chi2`.
    pub wald_df: usize,
    /// p-value of `wald_chi2`.
    pub wald_p: f64,
}

/// Does the effect of the features depend on the group? Gives cregg's
/// unclustered F test and a respondent-clustered Wald test.
pub fn anova(data: &ConjointData, outcome: &str, opts: &Options) -> Result<AnovaRow> {
    let g = groups(data)?;
    let (reduced_layout, reduced) = amce_fit(
        data,
        outcome,
        Subset {
            filter: RowFilter::Grouped,
            group: None,
        },
        opts,
    )?;
    let (layout, full) = interacted_fit(data, outcome, opts)?;
    let df1 = layout.ncols() - reduced_layout.ncols();
    let df2 = full.n - layout.ncols();
    let f = ((reduced.rss - full.rss) / df1 as f64) / (full.rss / df2 as f64);
    let tested: Vec<usize> = (layout.base..layout.ncols()).collect();
    let q = tested.len();
    let mut v = Matrix::zeros(q);
    for (a, &i) in tested.iter().enumerate() {
        for (b, &j) in tested.iter().enumerate() {
            v.set(a, b, full.vcov.get(i, j));
        }
    }
    let b: Vec<f64> = tested.iter().map(|&i| full.beta[i]).collect();
    let chol = Cholesky::new(&v).map_err(|s| ConjointError::NotIdentified {
        what: format!("the clustered Wald test of '{outcome}' by '{}'", g.column),
        coefficient: layout.name(data, tested[s.column], &g.groups),
    })?;
    let wald: f64 = b.iter().zip(chol.solve(&b)).map(|(x, y)| x * y).sum();
    Ok(AnovaRow {
        outcome: outcome.to_string(),
        by: g.column.clone(),
        f,
        df1,
        df2,
        p: math::f_sf(f, df1 as f64, df2 as f64),
        wald_chi2: wald,
        wald_df: q,
        wald_p: math::chi2_sf(wald, q as f64),
    })
}

/// How often a level was shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreqRow {
    /// The feature (column name).
    pub feature: String,
    /// The level.
    pub level: String,
    /// Profiles showing the level.
    pub count: u64,
    /// Sum of the survey weights of those profiles (as cregg's `cj_freqs`
    /// with `weights =`), when weighted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_count: Option<f64>,
    /// Share of the feature's profiles (in the group, when grouped);
    /// the weighted share when weighted.
    pub proportion: f64,
    #[serde(rename = "BY", skip_serializing_if = "Option::is_none")]
    /// The `--by` group, when grouped.
    pub by: Option<String>,
}

/// Display counts of every level (a randomization check), overall or per
/// `--by` group. Counts all profile rows, whatever the outcome.
pub fn freqs(data: &ConjointData, by_group: bool) -> Result<Vec<FreqRow>> {
    freqs_in(data, by_group, None)
}

/// [`freqs`] with the survey weights read with the data: each level's
/// weighted count is the sum of its profiles' weights and the proportion
/// is the weighted share, as cregg's `cj_freqs(..., weights = ~w)`
/// (`survey::svytable`) computes them.
pub fn freqs_weighted(data: &ConjointData, by_group: bool) -> Result<Vec<FreqRow>> {
    let weights = data.weights.as_ref().ok_or_else(|| {
        ConjointError::Request("weighted frequencies need a weights column (--weights)".into())
    })?;
    freqs_in(data, by_group, Some(&weights.values))
}

fn freqs_in(data: &ConjointData, by_group: bool, weights: Option<&[f64]>) -> Result<Vec<FreqRow>> {
    let group_names: Vec<Option<String>> = if by_group {
        groups(data)?.groups.iter().cloned().map(Some).collect()
    } else {
        vec![None]
    };
    let mut rows = Vec::new();
    for (gi, group) in group_names.iter().enumerate() {
        for (f, feature) in data.features.iter().enumerate() {
            let mut counts = vec![0u64; feature.levels.len()];
            let mut sums = vec![0.0f64; feature.levels.len()];
            for i in 0..data.nrows() {
                let in_group =
                    !by_group || data.by.as_ref().and_then(|b| b.of_row[i]) == Some(gi as u32);
                if in_group {
                    counts[data.level(i, f)] += 1;
                    sums[data.level(i, f)] += weights.map_or(1.0, |w| w[i]);
                }
            }
            let total: f64 = sums.iter().sum();
            for (l, level) in feature.levels.iter().enumerate() {
                rows.push(FreqRow {
                    feature: feature.name.clone(),
                    level: level.clone(),
                    count: counts[l],
                    weighted_count: weights.map(|_| sums[l]),
                    proportion: if total > 0.0 {
                        sums[l] / total
                    } else {
                        f64::NAN
                    },
                    by: group.clone(),
                });
            }
        }
    }
    Ok(rows)
}

/// A profile to predict: every feature's level, or the levels with the
/// highest / lowest AMCE.
#[derive(Debug, Clone, PartialEq)]
pub enum Profile {
    /// Every feature at its level with the highest AMCE.
    MostLikely,
    /// Every feature at its level with the lowest AMCE.
    LeastLikely,
    /// `(feature, level)` for every feature.
    Levels(Vec<(String, String)>),
}

impl std::str::FromStr for Profile {
    type Err = ConjointError;

    /// `most`, `least`, or `feature=level; feature=level; ...` (`;`
    /// separates, since levels may contain commas).
    fn from_str(s: &str) -> Result<Profile, ConjointError> {
        match s.trim() {
            "most" => return Ok(Profile::MostLikely),
            "least" => return Ok(Profile::LeastLikely),
            _ => {}
        }
        let pairs = s
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                p.split_once('=')
                    .map(|(f, l)| (f.trim().to_string(), l.trim().to_string()))
                    .ok_or_else(|| {
                        ConjointError::Request(format!(
                            "--profile '{s}': '{}' is not feature=level (separate pairs with ';', or use 'most' / 'least')",
                            p.trim()
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Profile::Levels(pairs))
    }
}

/// Predicted outcome (for a choice: the probability of being chosen) of
/// each profile, `x'β̂` from the AMCE model, with SE `√(x'Vx)`.
pub fn predict(
    data: &ConjointData,
    outcome: &str,
    profiles: &[Profile],
    opts: &Options,
) -> Result<Vec<EstimateRow>> {
    predict_over(data, outcome, profiles, opts, false)
}

/// [`predict`] in each `--by` group, from that group's own AMCE model (as
/// the other `--by` estimates): `most` and `least` pick each group's own
/// most and least likely profile.
pub fn predict_by(
    data: &ConjointData,
    outcome: &str,
    profiles: &[Profile],
    opts: &Options,
) -> Result<Vec<EstimateRow>> {
    predict_over(data, outcome, profiles, opts, true)
}

/// [`predict`] on every row, or (`by_group`) in each `--by` group, after
/// the checks a prediction needs: an unrestricted design (a restricted one
/// has no `x'β̂` over the allowed cells yet) and a binary outcome.
fn predict_over(
    data: &ConjointData,
    outcome: &str,
    profiles: &[Profile],
    opts: &Options,
    by_group: bool,
) -> Result<Vec<EstimateRow>> {
    super::restricted::refuse(opts, "--estimate predict")?;
    require_binary(data, outcome, opts, "a predicted probability")?;
    match by_group {
        true => per_group(data, |rows| predict_in(data, outcome, profiles, rows, opts)),
        false => predict_in(data, outcome, profiles, Subset::ALL, opts),
    }
}

fn predict_in(
    data: &ConjointData,
    outcome: &str,
    profiles: &[Profile],
    rows: Subset,
    opts: &Options,
) -> Result<Vec<EstimateRow>> {
    let group = rows.group;
    let (layout, fit) = amce_fit(data, outcome, rows, opts)?;
    let mut rows = Vec::new();
    for profile in profiles {
        let levels = profile_levels(data, &layout, &fit, profile)?;
        let mut x = vec![0.0; layout.ncols()];
        x[0] = 1.0;
        for (f, &l) in levels.iter().enumerate() {
            if l > 0 {
                x[layout.column(f, l)] = 1.0;
            }
        }
        let estimate: f64 = x.iter().zip(&fit.beta).map(|(a, b)| a * b).sum();
        let se = fit.vcov.quad_form(&x).sqrt();
        let label = levels
            .iter()
            .enumerate()
            .map(|(f, &l)| format!("{}={}", data.features[f].name, data.features[f].levels[l]))
            .collect::<Vec<_>>()
            .join("; ");
        let name = match profile {
            Profile::MostLikely => "most likely",
            Profile::LeastLikely => "least likely",
            Profile::Levels(_) => "profile",
        };
        let mut r = row(
            (outcome, Statistic::Prediction, name, &label),
            estimate,
            Some(se),
            0.0,
            None,
            opts,
        );
        r.z = None;
        r.p = None;
        r.h0 = None;
        r.by = group.map(str::to_string);
        rows.push(r);
    }
    describe_rows(data, outcome, opts, rows)
}

fn profile_levels(
    data: &ConjointData,
    layout: &AmceLayout,
    fit: &OlsFit,
    profile: &Profile,
) -> Result<Vec<usize>> {
    let coef = |f: usize, l: usize| {
        if l == 0 {
            0.0
        } else {
            fit.beta[layout.column(f, l)]
        }
    };
    let pick = |better: &dyn Fn(f64, f64) -> bool| -> Vec<usize> {
        data.features
            .iter()
            .enumerate()
            .map(|(f, feature)| {
                (1..feature.levels.len()).fold(0, |best, l| {
                    if better(coef(f, l), coef(f, best)) {
                        l
                    } else {
                        best
                    }
                })
            })
            .collect()
    };
    match profile {
        Profile::MostLikely => Ok(pick(&|a, b| a > b)),
        Profile::LeastLikely => Ok(pick(&|a, b| a < b)),
        Profile::Levels(pairs) => {
            let mut levels = vec![None; data.features.len()];
            for (name, level) in pairs {
                let f = data.feature_index(name).ok_or_else(|| {
                    ConjointError::Request(format!(
                        "--profile: '{name}' is not a feature (features: {})",
                        data.features
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
                let l = data.features[f]
                    .levels
                    .iter()
                    .position(|x| x == level)
                    .ok_or_else(|| {
                        ConjointError::Request(format!(
                            "--profile: feature '{name}' has no level '{level}' (levels: {})",
                            data.features[f].levels.join(", ")
                        ))
                    })?;
                levels[f] = Some(l);
            }
            levels
                .iter()
                .enumerate()
                .map(|(f, l)| {
                    l.ok_or_else(|| {
                        ConjointError::Request(format!(
                            "--profile: a full profile needs every feature; '{}' is missing",
                            data.features[f].name
                        ))
                        .into()
                    })
                })
                .collect()
        }
    }
}
