//! Designs that restrict which levels can appear together (an immigrant
//! doctor must have a degree) change what an AMCE means: the
//! restricted-design AMCE of Hainmueller, Hopkins & Yamamoto (2014) averages
//! each level's effect over the levels of the attribute it depends on, as
//! the design randomized them ([`super::restricted`], `--randomization`),
//! while a plain dummy regression averages over combinations that never
//! occur. A restricted design is therefore refused unless the analyst says
//! how to weight it (`--randomization FILE|uniform`) or asks for the
//! unrestricted model explicitly (`--unrestricted`).

use super::data::{ConjointData, Spec};
use super::error::ConjointError;
use crate::error::Result;

/// Expected count above which an empty pair of levels cannot be chance
/// (P(0 | Poisson(20)) ≈ 2e-9).
const MIN_EXPECTED: f64 = 20.0;

/// A pair of levels that never appear together although, were features
/// independent, they should have appeared about `expected` times.
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyCell {
    /// The first feature.
    pub feature_a: String,
    /// Its level.
    pub level_a: String,
    /// The second feature.
    pub feature_b: String,
    /// Its level.
    pub level_b: String,
    /// How often the pair would appear if features were independent.
    pub expected: f64,
}

/// Pairs of levels of different features that never co-occur although
/// they would be expected at least 20 times under independent
/// randomization.
pub fn empty_cells(data: &ConjointData) -> Vec<EmptyCell> {
    let n = data.nrows();
    let nf = data.features.len();
    let marginals: Vec<Vec<u64>> = (0..nf)
        .map(|f| {
            let mut c = vec![0u64; data.features[f].levels.len()];
            (0..n).for_each(|i| c[data.level(i, f)] += 1);
            c
        })
        .collect();
    let mut cells = Vec::new();
    for a in 0..nf {
        for b in a + 1..nf {
            let lb = data.features[b].levels.len();
            let mut joint = vec![0u64; data.features[a].levels.len() * lb];
            (0..n).for_each(|i| joint[data.level(i, a) * lb + data.level(i, b)] += 1);
            for (ia, &ca) in marginals[a].iter().enumerate() {
                for (ib, &cb) in marginals[b].iter().enumerate() {
                    let expected = ca as f64 * cb as f64 / n as f64;
                    if joint[ia * lb + ib] == 0 && expected >= MIN_EXPECTED {
                        cells.push(EmptyCell {
                            feature_a: data.features[a].name.clone(),
                            level_a: data.features[a].levels[ia].clone(),
                            feature_b: data.features[b].name.clone(),
                            level_b: data.features[b].levels[ib].clone(),
                            expected,
                        });
                    }
                }
            }
        }
    }
    cells
}

/// The design file, for messages.
fn design_name(spec: &Spec) -> String {
    spec.design_path
        .as_ref()
        .map_or("the design".to_string(), |p| p.display().to_string())
}

/// Refuses a restricted design (declared in the design file, or visible as
/// empty level pairs in the data) unless `allow_unrestricted`; the message
/// names `--randomization`.
pub fn check(data: &ConjointData, spec: &Spec, allow_unrestricted: bool) -> Result<()> {
    if allow_unrestricted {
        return Ok(());
    }
    let advice = "pass --randomization FILE (the design's joint probabilities, as cjoint) or --randomization uniform \
(equal weight over the combinations the data show, as cregg) for the restricted-design AMCE of Hainmueller, Hopkins & Yamamoto (2014); \
or (topics conjoint) pass --unrestricted to estimate the main-effects model anyway (it averages over level combinations that never occur)";
    if !spec.restrictions.is_empty() {
        let where_ = design_name(spec);
        return Err(ConjointError::Restricted {
            message: format!(
                "{where_}: the design declares {} restriction(s) between features (first: {}); {advice}",
                spec.restrictions.len(),
                spec.restrictions[0]
            ),
        }
        .into());
    }
    if spec.randomization.is_some() {
        let where_ = design_name(spec);
        return Err(ConjointError::Restricted {
            message: format!(
                "{where_}: the design carries a randomization of dependent features; pass --randomization design to use it, or {}",
                advice.trim_start_matches("pass ")
            ),
        }
        .into());
    }
    let cells = empty_cells(data);
    if let Some(first) = cells.first() {
        let mut pairs: Vec<String> = cells
            .iter()
            .map(|c| format!("{} × {}", c.feature_a, c.feature_b))
            .collect();
        pairs.dedup();
        return Err(ConjointError::Restricted {
            message: format!(
                "{}: the design looks restricted: {} pair(s) of levels never appear together ({}), \
e.g. {}='{}' with {}='{}' (expected {:.0} times if randomized independently); {advice}",
                data.path.display(),
                cells.len(),
                pairs.join(", "),
                first.feature_a,
                first.level_a,
                first.feature_b,
                first.level_b,
                first.expected
            ),
        }
        .into());
    }
    Ok(())
}
