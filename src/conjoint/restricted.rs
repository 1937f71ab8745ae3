//! The AMCE of a restricted design (Hainmueller, Hopkins & Yamamoto 2014):
//! each dependent pair of features enters the regression with its
//! interaction, and each level's effect is its main coefficient plus a
//! weighted sum of its interaction coefficients, the weights describing how
//! the other feature of the pair was distributed ([`super::randomization`]).
//!
//! The model is the one R's `lm` / `survey::svyglm` fits for
//! `y ~ A * B + C + …`: the intercept, every feature's non-reference
//! dummies, then per pair the interaction dummies with A's levels varying
//! fastest. Restrictions make some of those columns empty or linear
//! combinations of earlier ones; like R, a column is dropped when it is a
//! combination of the kept columns before it (these are the "not
//! estimable" coefficients of cregg and cjoint), so which interaction
//! coefficients exist — and hence the uniform weights — match cregg's.
//!
//! Standard errors are the delta method on the same clustered covariance:
//! the AMCE is `w'β`, its variance `w'Vw`.

use std::sync::Arc;

use super::data::ConjointData;
use super::design::{AmceLayout, Options, Sample};
use super::error::ConjointError;
use super::estimate::{self, EstimateRow, Statistic, Subset};
use super::linalg::Matrix;
use super::ols::{BinaryDesign, OlsFit};
use super::randomization::{amce_key, Pair, Weighting};
use crate::error::Result;

/// Relative pivot under which a column counts as a combination of the
/// columns before it. Dummy designs give pivots of a few percent of the
/// column's count or exactly 0 up to rounding (1e-13), so any threshold in
/// between decides as R's QR does (tolerance 1e-7 on the norm).
const DEPENDENT: f64 = 1e-9;

/// The full column layout: the main-effects model, then one block of
/// interaction dummies per pair.
struct Layout {
    mains: AmceLayout,
    /// First column of each pair's block.
    blocks: Vec<usize>,
    ncols: usize,
}

impl Layout {
    fn new(data: &ConjointData, pairs: &[Pair]) -> Layout {
        let mains = AmceLayout::new(data, 0);
        let mut next = mains.base;
        let mut blocks = Vec::with_capacity(pairs.len());
        for p in pairs {
            blocks.push(next);
            next += (data.features[p.a].levels.len() - 1) * (data.features[p.b].levels.len() - 1);
        }
        Layout {
            mains,
            blocks,
            ncols: next,
        }
    }

    /// The column of pair `p`'s interaction of a-level `i ≥ 1` with b-level `j ≥ 1`.
    fn interaction(
        &self,
        data: &ConjointData,
        pairs: &[Pair],
        p: usize,
        i: usize,
        j: usize,
    ) -> usize {
        let la = data.features[pairs[p].a].levels.len();
        self.blocks[p] + (j - 1) * (la - 1) + (i - 1)
    }

    /// The switched-on columns of row `i`.
    fn active(&self, data: &ConjointData, pairs: &[Pair], i: usize, out: &mut Vec<u32>) {
        out.clear();
        out.push(0);
        let levels = data.row_levels(i);
        for (f, &l) in levels.iter().enumerate() {
            if l > 0 {
                out.push(self.mains.column(f, l as usize) as u32);
            }
        }
        for (p, pair) in pairs.iter().enumerate() {
            let (la, lb) = (levels[pair.a] as usize, levels[pair.b] as usize);
            if la > 0 && lb > 0 {
                out.push(self.interaction(data, pairs, p, la, lb) as u32);
            }
        }
    }

    /// A readable name for full column `c`.
    fn name(&self, data: &ConjointData, pairs: &[Pair], c: usize) -> String {
        if c < self.mains.base {
            return self.mains.name(data, c, &[]);
        }
        let p = self.blocks.iter().rposition(|&b| b <= c).unwrap_or(0);
        let (fa, fb) = (&data.features[pairs[p].a], &data.features[pairs[p].b]);
        let within = c - self.blocks[p];
        let (i, j) = (
            within % (fa.levels.len() - 1) + 1,
            within / (fa.levels.len() - 1) + 1,
        );
        format!(
            "{}={} × {}={}",
            fa.name, fa.levels[i], fb.name, fb.levels[j]
        )
    }
}

/// The fitted restricted model: the kept columns and their fit.
struct RestrictedFit {
    layout: Layout,
    /// Full column → position among the kept columns.
    kept: Vec<Option<usize>>,
    fit: OlsFit,
}

/// X'WX of a 0/1 design (small: tens to a few hundred columns).
fn gram(design: &BinaryDesign, weights: Option<&[f64]>) -> Matrix {
    let k = design.ncols;
    let mut m = Matrix::zeros(k);
    for i in 0..design.nrows() {
        let w = weights.map_or(1.0, |w| w[i]);
        for &p in design.row(i) {
            for &q in design.row(i) {
                m.data[p as usize * k + q as usize] += w;
            }
        }
    }
    m
}

/// R's choice of estimable columns: left to right, a column is kept unless
/// it is a linear combination of the kept ones (an incremental Cholesky
/// factor of X'WX over the kept columns).
fn estimable_columns(xtx: &Matrix) -> Vec<bool> {
    let k = xtx.n;
    let mut kept: Vec<usize> = Vec::new();
    // Row r of the factor L holds the kept columns' coefficients.
    let mut l: Vec<Vec<f64>> = Vec::new();
    let mut keep = vec![false; k];
    for (j, kept_j) in keep.iter_mut().enumerate() {
        let diag = xtx.get(j, j);
        if diag <= 0.0 {
            continue;
        }
        let mut z = Vec::with_capacity(kept.len());
        for (r, &c) in kept.iter().enumerate() {
            let s = xtx.get(j, c) - (0..r).map(|t| l[r][t] * z[t]).sum::<f64>();
            z.push(s / l[r][r]);
        }
        let d = diag - z.iter().map(|v| v * v).sum::<f64>();
        if d > DEPENDENT * diag {
            z.push(d.sqrt());
            l.push(z);
            kept.push(j);
            *kept_j = true;
        }
    }
    keep
}

fn fit(
    data: &ConjointData,
    sample: &Sample,
    pairs: &[Pair],
    opts: &Options,
    what: &str,
) -> Result<RestrictedFit> {
    let layout = Layout::new(data, pairs);
    let mut full = BinaryDesign::new(layout.ncols);
    let mut active = Vec::new();
    for &i in &sample.rows {
        layout.active(data, pairs, i, &mut active);
        full.push_row(&active);
    }
    let keep = estimable_columns(&gram(&full, sample.weights.as_deref()));
    let mut kept = vec![None; layout.ncols];
    let mut n = 0;
    for (c, &k) in keep.iter().enumerate() {
        if k {
            kept[c] = Some(n);
            n += 1;
        }
    }
    let mut design = BinaryDesign::new(n);
    let mut row = Vec::new();
    for i in 0..full.nrows() {
        row.clear();
        row.extend(
            full.row(i)
                .iter()
                .filter_map(|&c| kept[c as usize].map(|k| k as u32)),
        );
        design.push_row(&row);
    }
    let full_column: Vec<usize> = (0..layout.ncols).filter(|&c| keep[c]).collect();
    let fit = sample.fit(
        &design,
        opts,
        &|c| layout.name(data, pairs, full_column[c]),
        what,
    )?;
    Ok(RestrictedFit { layout, kept, fit })
}

/// The weights `w` (over kept columns) that make level `l` of feature `f`'s
/// AMCE `w'β`.
fn level_weights(
    data: &ConjointData,
    pairs: &[Pair],
    rf: &RestrictedFit,
    f: usize,
    l: usize,
    what: &str,
) -> Result<Vec<(usize, f64)>> {
    let not_identified = |coefficient: String| -> crate::Error {
        ConjointError::NotIdentified {
            what: what.to_string(),
            coefficient,
        }
        .into()
    };
    let main_full = rf.layout.mains.column(f, l);
    let main =
        rf.kept[main_full].ok_or_else(|| not_identified(rf.layout.name(data, pairs, main_full)))?;
    let mut w = vec![(main, 1.0)];
    let Some(p) = pairs.iter().position(|p| p.a == f || p.b == f) else {
        return Ok(w);
    };
    let pair = &pairs[p];
    let g = if pair.a == f { pair.b } else { pair.a };
    let ng = data.features[g].levels.len();
    let lb = data.features[pair.b].levels.len();
    // (full interaction column, P(f = level, g = k)) for k = level of g.
    let cell = |level: usize, k: usize| {
        let (i, j) = if pair.a == f { (level, k) } else { (k, level) };
        let col = (i > 0 && j > 0).then(|| rf.layout.interaction(data, pairs, p, i, j));
        let prob = pair.prob.as_ref().map(|pr| pr[i * lb + j]);
        (col.and_then(|c| rf.kept[c]), prob)
    };
    let estimable: Vec<usize> = (1..ng).filter_map(|k| cell(l, k).0).collect();
    match &pair.prob {
        None => {
            // cregg: 1 for the main coefficient, 1/(1 + m) for each of
            // the m estimable interaction coefficients.
            let share = 1.0 / (1 + estimable.len()) as f64;
            w.extend(estimable.iter().map(|&c| (c, share)));
        }
        Some(_) => {
            // cjoint: P(g = k | f = level), over the levels k of g that
            // the reference level of f is also shown with.
            let supported = |k: usize| cell(0, k).1.unwrap_or(0.0) > 0.0;
            let mass = |k: usize| cell(l, k).1.unwrap_or(0.0) * f64::from(u8::from(supported(k)));
            let total: f64 = (0..ng).map(mass).sum();
            if total <= 0.0 {
                return Err(not_identified(format!(
                    "{}={} (never shown with a level of {} that the reference level '{}' is shown with)",
                    data.features[f].name,
                    data.features[f].levels[l],
                    data.features[g].name,
                    data.features[f].levels[0]
                )));
            }
            for k in 1..ng {
                if let (Some(c), _) = cell(l, k) {
                    w.push((c, mass(k) / total));
                }
            }
        }
    }
    Ok(w)
}

/// `w'β` and `√(w'Vw)`.
fn combine(fit: &OlsFit, w: &[(usize, f64)]) -> (f64, f64) {
    let est = w.iter().map(|&(c, x)| x * fit.beta[c]).sum();
    let var: f64 = w
        .iter()
        .map(|&(c, x)| x * w.iter().map(|&(d, y)| y * fit.vcov.get(c, d)).sum::<f64>())
        .sum();
    (est, var.sqrt())
}

/// AMCEs of a restricted design under `weighting`, in the layout of
/// [`estimate::amce`]: every feature's levels, reference first (estimate 0,
/// no standard error).
pub(crate) fn amce_in(
    data: &ConjointData,
    outcome: &str,
    rows: Subset,
    opts: &Options,
    weighting: &Arc<Weighting>,
) -> Result<Vec<EstimateRow>> {
    let o = estimate::outcome_index(data, outcome)?;
    let sample = Sample::new(data, o, rows.filter, opts);
    let what = estimate::describe(outcome, "restricted-design AMCE", rows.group);
    let pairs = &weighting.pairs;
    let rf = fit(data, &sample, pairs, opts, &what)?;
    let mut rows = estimate::amce_rows(data, outcome, rows.group, opts, |f, l| {
        Ok(combine(
            &rf.fit,
            &level_weights(data, pairs, &rf, f, l, &what)?,
        ))
    })?;
    let key = amce_key(weighting);
    for r in &mut rows {
        r.weighting = Some(key.clone());
    }
    Ok(rows)
}

/// Marks a marginal-mean row of a restricted design: it is the plain mean
/// of the profiles shown (as cregg), whatever the weighting of the AMCEs.
pub fn mark_plain_means(row: &mut EstimateRow, opts: &Options) {
    let mm = matches!(row.statistic, Statistic::Mm | Statistic::MmDifference);
    if mm && opts.weighting.is_some() && row.weighting.is_none() {
        row.weighting = Some(super::randomization::MM_KEY.to_string());
    }
}

/// Refuses an estimate that has no restricted-design version yet.
pub fn refuse(opts: &Options, what: &str) -> Result<()> {
    match opts.weighting {
        Some(_) => Err(ConjointError::Restricted {
            message: format!(
                "{what} is not available for restricted designs (--randomization); AMCEs (also by --by group) and marginal means are"
            ),
        }
        .into()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column 2 = column 0 − column 1 is dropped; column 3 is kept.
    #[test]
    fn dependent_columns_are_dropped_left_to_right() {
        // X rows: [1,1,0,0], [1,0,1,1], [1,0,1,0], [1,1,0,1]
        let mut d = BinaryDesign::new(4);
        for r in [&[0u32, 1][..], &[0, 2, 3], &[0, 2], &[0, 1, 3]] {
            d.push_row(r);
        }
        assert_eq!(
            estimable_columns(&gram(&d, None)),
            [true, true, false, true]
        );
        let mut empty = BinaryDesign::new(2);
        empty.push_row(&[0]);
        assert_eq!(estimable_columns(&gram(&empty, None)), [true, false]);
    }
}
