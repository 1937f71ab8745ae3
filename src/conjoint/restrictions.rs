//! Designs that restrict which levels can appear together (an immigrant
//! doctor must have a degree) change what an AMCE means: the
//! restricted-design AMCE of Hainmueller, Hopkins & Yamamoto (2014) averages
//! each level's effect over the levels of the attribute it depends on, as
//! the design randomized them ([`super::restricted`], `--randomization`),
//! while a plain dummy regression averages over combinations that never
//! occur. A restricted design is therefore refused unless the analyst says
//! how to weight it (`--randomization FILE|uniform`) or asks for the
//! unrestricted model explicitly (`--unrestricted`).

use rayon::prelude::*;

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
    let sizes: Vec<usize> = data.features.iter().map(|f| f.levels.len()).collect();
    let pairs: Vec<(usize, usize)> = (0..nf)
        .flat_map(|a| (a + 1..nf).map(move |b| (a, b)))
        .collect();
    let tables = PairTables::new(&sizes, &pairs);
    let counts = tables.count(data);
    let mut marginals: Vec<Vec<u64>> = sizes.iter().map(|&l| vec![0; l]).collect();
    for i in 0..n {
        for (f, &l) in data.row_levels(i).iter().enumerate() {
            marginals[f][l as usize] += 1;
        }
    }
    let mut cells = Vec::new();
    for (p, &(a, b)) in pairs.iter().enumerate() {
        let joint = &counts[tables.start[p]..tables.start[p] + sizes[a] * sizes[b]];
        for ia in 0..sizes[a] {
            for ib in 0..sizes[b] {
                let expected = marginals[a][ia] as f64 * marginals[b][ib] as f64 / n as f64;
                if joint[ia * sizes[b] + ib] == 0 && expected >= MIN_EXPECTED {
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
    cells
}

/// The joint level counts of every pair of features, laid end to end in one
/// vector so that one pass over the rows (row-major levels) fills them all.
struct PairTables<'a> {
    sizes: &'a [usize],
    pairs: &'a [(usize, usize)],
    /// Where pair p's `sizes[a] × sizes[b]` table starts.
    start: Vec<usize>,
}

impl<'a> PairTables<'a> {
    fn new(sizes: &'a [usize], pairs: &'a [(usize, usize)]) -> PairTables<'a> {
        let mut start = Vec::with_capacity(pairs.len() + 1);
        let mut at = 0;
        for &(a, b) in pairs {
            start.push(at);
            at += sizes[a] * sizes[b];
        }
        start.push(at);
        PairTables {
            sizes,
            pairs,
            start,
        }
    }

    /// Counts every pair's cells: row chunks in parallel, their integer
    /// counts summed (so the result is the same for any thread count).
    fn count(&self, data: &ConjointData) -> Vec<u64> {
        const CHUNK: usize = 1 << 16;
        let n = data.nrows();
        let total = self.start[self.pairs.len()];
        (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut t = vec![0u64; total];
                for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                    let row = data.row_levels(i);
                    for (p, &(a, b)) in self.pairs.iter().enumerate() {
                        t[self.start[p] + row[a] as usize * self.sizes[b] + row[b] as usize] += 1;
                    }
                }
                t
            })
            .reduce(
                || vec![0u64; total],
                |mut x, y| {
                    x.iter_mut().zip(&y).for_each(|(x, y)| *x += y);
                    x
                },
            )
    }
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
