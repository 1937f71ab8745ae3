//! Least squares on a 0/1 design with respondent-clustered (sandwich)
//! variance — the one computation behind every conjoint estimate.
//!
//! A conjoint design matrix is all dummies: each row switches on one column
//! per feature (plus the intercept and, in interacted models, a few more).
//! Storing only the switched-on columns makes X'X, the residuals and the
//! cluster scores cost O(rows × active²) instead of O(rows × columns²).
//!
//! Variance (cregg, via `survey::svyglm`):
//! `V = c · (X'WX)⁻¹ [Σ_g s_g s_g'] (X'WX)⁻¹`, `s_g = Σ_{i∈g} w_i x_i e_i`,
//! with `c = G/(G−1)`; cjoint and Stata multiply `c` by `(N−1)/(N−K)`.

use rayon::prelude::*;

use super::linalg::{Cholesky, Matrix, Singular};

/// Rows of a 0/1 design matrix, each as the list of its columns that are 1
/// (compressed sparse rows).
#[derive(Debug, Clone, Default)]
pub struct BinaryDesign {
    /// Number of columns (coefficients).
    pub ncols: usize,
    offsets: Vec<usize>,
    cols: Vec<u32>,
}

impl BinaryDesign {
    /// An empty design with `ncols` columns.
    pub fn new(ncols: usize) -> BinaryDesign {
        BinaryDesign {
            ncols,
            offsets: vec![0],
            cols: Vec::new(),
        }
    }

    /// Appends a row whose columns `active` are 1 (each column at most once).
    pub fn push_row(&mut self, active: &[u32]) {
        self.cols.extend_from_slice(active);
        self.offsets.push(self.cols.len());
    }

    /// Number of rows pushed.
    pub fn nrows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The columns that are 1 in row `i`.
    pub fn row(&self, i: usize) -> &[u32] {
        &self.cols[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// A 0/1 design matrix as the fit reads it: row by row, each row the list
/// of its columns that are 1. [`BinaryDesign`] stores the lists; a layout
/// can instead work each row out when asked (no copy of the design).
pub trait DesignRows: Sync {
    /// Number of columns (coefficients).
    fn ncols(&self) -> usize;
    /// Number of rows.
    fn nrows(&self) -> usize;
    /// The columns that are 1 in row `i` (each at most once), possibly
    /// written into `buf`.
    fn row<'s>(&'s self, i: usize, buf: &'s mut Vec<u32>) -> &'s [u32];
}

impl DesignRows for BinaryDesign {
    fn ncols(&self) -> usize {
        self.ncols
    }

    fn nrows(&self) -> usize {
        BinaryDesign::nrows(self)
    }

    fn row<'s>(&'s self, i: usize, _buf: &'s mut Vec<u32>) -> &'s [u32] {
        BinaryDesign::row(self, i)
    }
}

/// Which small-sample factor multiplies the clustered sandwich.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VarianceKind {
    /// `G/(G−1)`, as cregg (survey::svyglm) computes it.
    #[default]
    Cregg,
    /// `G/(G−1) · (N−1)/(N−K)`, as cjoint and Stata compute it.
    Cjoint,
}

/// A fitted model: coefficients, their clustered covariance, and the sums
/// the F test needs.
#[derive(Debug, Clone)]
pub struct OlsFit {
    /// The coefficients, in design column order.
    pub beta: Vec<f64>,
    /// Their respondent-clustered covariance.
    pub vcov: Matrix,
    /// Rows used.
    pub n: usize,
    /// Clusters (respondents) in those rows.
    pub clusters: usize,
    /// Weighted residual sum of squares.
    pub rss: f64,
}

impl OlsFit {
    /// Clustered standard error of coefficient `j`.
    pub fn std_error(&self, j: usize) -> f64 {
        self.vcov.get(j, j).sqrt()
    }
}

/// The inputs of one fit, aligned row by row with the design.
pub struct OlsInput<'a> {
    /// The 0/1 design matrix.
    pub design: &'a dyn DesignRows,
    /// The outcome of each design row.
    pub y: &'a [f64],
    /// The weight of each design row (weighted least squares), if any.
    pub weights: Option<&'a [f64]>,
    /// The rows of each cluster (respondent).
    pub clusters: &'a Clusters,
}

/// Rows per parallel chunk: fixed, so sums are added in the same order
/// whatever the number of threads (same input → same bits).
const CHUNK: usize = 8192;

/// Clusters per parallel block of the meat, fixed for the same reason.
const CLUSTERS_PER_BLOCK: usize = 1024;

/// Fits weighted least squares and its clustered covariance.
pub fn fit(input: &OlsInput<'_>, kind: VarianceKind) -> Result<OlsFit, Singular> {
    let k = input.design.ncols();
    let n = input.design.nrows();
    let (xtx, xty) = normal_equations(input);
    let chol = Cholesky::new(&xtx)?;
    let beta = chol.solve(&xty);
    let bread = chol.inverse();
    let (meat, rss) = cluster_meat(input, &beta);
    let n_clusters = input.clusters.len();
    let g = n_clusters as f64;
    let mut c = if n_clusters > 1 {
        g / (g - 1.0)
    } else {
        f64::NAN
    };
    if kind == VarianceKind::Cjoint {
        c *= (n as f64 - 1.0) / (n as f64 - k as f64);
    }
    let mut vcov = bread.mul(&meat).mul(&bread);
    vcov.data.iter_mut().for_each(|v| *v *= c);
    Ok(OlsFit {
        beta,
        vcov,
        n,
        clusters: n_clusters,
        rss,
    })
}

fn weight(input: &OlsInput<'_>, i: usize) -> f64 {
    input.weights.map_or(1.0, |w| w[i])
}

/// X'WX (full) and X'Wy, summed over fixed chunks of rows in parallel.
fn normal_equations(input: &OlsInput<'_>) -> (Matrix, Vec<f64>) {
    let k = input.design.ncols();
    let n = input.design.nrows();
    let chunks: Vec<(Vec<f64>, Vec<f64>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut xtx = vec![0.0; k * k];
            let mut xty = vec![0.0; k];
            let mut buf = Vec::new();
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let w = weight(input, i);
                let cols = input.design.row(i, &mut buf);
                for (a, &p) in cols.iter().enumerate() {
                    let p = p as usize;
                    xty[p] += w * input.y[i];
                    for &q in &cols[a..] {
                        let q = q as usize;
                        let (r, s) = if p <= q { (p, q) } else { (q, p) };
                        xtx[r * k + s] += w;
                    }
                }
            }
            (xtx, xty)
        })
        .collect();
    let mut xtx = Matrix::zeros(k);
    let mut xty = vec![0.0; k];
    for (a, b) in chunks {
        xtx.data.iter_mut().zip(a).for_each(|(d, v)| *d += v);
        xty.iter_mut().zip(b).for_each(|(d, v)| *d += v);
    }
    xtx.symmetrize_from_upper();
    (xtx, xty)
}

/// Σ_g s_g s_g' with s_g = Σ_{i∈g} w_i x_i e_i, and the weighted RSS.
///
/// Rows are visited cluster by cluster (a counting sort by cluster), so
/// memory stays O(rows) whatever the number of clusters and coefficients,
/// and fixed blocks of clusters are summed in parallel, then added in
/// order (same bits whatever the thread count).
fn cluster_meat(input: &OlsInput<'_>, beta: &[f64]) -> (Matrix, f64) {
    let k = input.design.ncols();
    let Clusters { starts, order } = input.clusters;
    let n_clusters = input.clusters.len();
    let parts: Vec<(Vec<f64>, f64)> = (0..n_clusters.div_ceil(CLUSTERS_PER_BLOCK))
        .into_par_iter()
        .map(|block| {
            let mut m = Matrix::zeros(k);
            let mut s = vec![0.0; k];
            let mut rss = 0.0;
            let mut buf = Vec::new();
            let first = block * CLUSTERS_PER_BLOCK;
            for g in first..(first + CLUSTERS_PER_BLOCK).min(n_clusters) {
                s.iter_mut().for_each(|v| *v = 0.0);
                for &i in &order[starts[g]..starts[g + 1]] {
                    let i = i as usize;
                    let cols = input.design.row(i, &mut buf);
                    let fitted: f64 = cols.iter().map(|&c| beta[c as usize]).sum();
                    let e = input.y[i] - fitted;
                    let w = weight(input, i);
                    rss += w * e * e;
                    for &c in cols {
                        s[c as usize] += w * e;
                    }
                }
                add_outer_upper(&mut m, &s);
            }
            (m.data, rss)
        })
        .collect();
    let mut meat = Matrix::zeros(k);
    let mut rss = 0.0;
    for (part, r) in parts {
        meat.data.iter_mut().zip(part).for_each(|(d, v)| *d += v);
        rss += r;
    }
    meat.symmetrize_from_upper();
    (meat, rss)
}

/// One-hot codes of the rows of a marginal-means fit: row `i`'s level of
/// every feature (a slice of the data's level matrix).
pub type RowCodes<'a> = dyn Fn(usize) -> &'a [u16] + Sync + 'a;

/// The marginal-means models of all features at once (`y ~ 0 + level` per
/// feature, clustered): each is a one-hot design, so X'WX is diagonal
/// (the weighted count of each level), β a weighted mean per level and
/// the bread `1/count`; one pass over the rows gives every feature's
/// sums and one pass over the clusters every feature's meat, instead of
/// two passes per feature over a materialized design.
///
/// The sums run over the same fixed chunks of rows and blocks of clusters
/// as [`fit`], and round as [`fit`] rounds a diagonal system, so the
/// results are the bits [`fit`] gives on each feature's one-hot design,
/// whatever the number of threads. `nlevels[f]` is feature f's level count;
/// a feature with a level that has no weight in the rows gets
/// `Err(Singular { column: level })`.
pub fn fit_one_hot(
    codes: &RowCodes<'_>,
    nlevels: &[usize],
    y: &[f64],
    weights: Option<&[f64]>,
    clusters: &Clusters,
    kind: VarianceKind,
) -> Vec<Result<OlsFit, Singular>> {
    let offsets: Vec<usize> = nlevels
        .iter()
        .scan(0, |next, &l| {
            let o = *next;
            *next += l;
            Some(o)
        })
        .collect();
    let total: usize = nlevels.iter().sum();
    let at = |i: usize, f: usize| offsets[f] + codes(i)[f] as usize;
    let w_of = |i: usize| weights.map_or(1.0, |w| w[i]);
    let n = y.len();
    let nf = nlevels.len();
    // Pass 1: Σw and Σwy of every (feature, level).
    let sums: Vec<(Vec<f64>, Vec<f64>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let (mut sw, mut swy) = (vec![0.0; total], vec![0.0; total]);
            let first = c * CHUNK;
            for (i, &yi) in y.iter().enumerate().take(first + CHUNK).skip(first) {
                let w = w_of(i);
                for f in 0..nf {
                    let j = at(i, f);
                    sw[j] += w;
                    swy[j] += w * yi;
                }
            }
            (sw, swy)
        })
        .collect();
    let (mut sw, mut swy) = (vec![0.0; total], vec![0.0; total]);
    for (a, b) in sums {
        sw.iter_mut().zip(a).for_each(|(d, v)| *d += v);
        swy.iter_mut().zip(b).for_each(|(d, v)| *d += v);
    }
    // As the Cholesky solve of a diagonal system rounds: (b/√d)/√d.
    let beta: Vec<f64> = sw
        .iter()
        .zip(&swy)
        .map(|(&w, &wy)| {
            if w > 0.0 {
                wy / w.sqrt() / w.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    let (meats, rss) = one_hot_meats(&at, &w_of, y, &beta, nlevels, &offsets, clusters);
    let g = clusters.len() as f64;
    let c = if clusters.len() > 1 {
        g / (g - 1.0)
    } else {
        f64::NAN
    };
    (0..nf)
        .map(|f| {
            let (o, k) = (offsets[f], nlevels[f]);
            // No weight (or NaN): the level is not identified.
            if let Some(column) =
                (0..k).find(|&l| sw[o + l].partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
            {
                return Err(Singular { column });
            }
            let mut factor = c;
            if kind == VarianceKind::Cjoint {
                factor *= (n as f64 - 1.0) / (n as f64 - k as f64);
            }
            // The bread B·M·B of `fit`, with B = diag((1/√d)/√d) as its
            // Cholesky inverse rounds, and the factor last: same bits.
            let bread: Vec<f64> = sw[o..o + k]
                .iter()
                .map(|&d| 1.0 / d.sqrt() / d.sqrt())
                .collect();
            let mut vcov = Matrix::zeros(k);
            for p in 0..k {
                for q in 0..k {
                    let v = bread[p] * meats[f].get(p, q) * bread[q];
                    vcov.set(p, q, v * factor);
                }
            }
            Ok(OlsFit {
                beta: beta[o..o + k].to_vec(),
                vcov,
                n,
                clusters: clusters.len(),
                rss: rss[f],
            })
        })
        .collect()
}

/// Every feature's Σ_g s_g s_g' and weighted RSS for [`fit_one_hot`],
/// over fixed blocks of clusters added in order.
fn one_hot_meats(
    at: &(dyn Fn(usize, usize) -> usize + Sync),
    w_of: &(dyn Fn(usize) -> f64 + Sync),
    y: &[f64],
    beta: &[f64],
    nlevels: &[usize],
    offsets: &[usize],
    clusters: &Clusters,
) -> (Vec<Matrix>, Vec<f64>) {
    let Clusters { starts, order } = clusters;
    let n_clusters = clusters.len();
    let nf = nlevels.len();
    let empty = || -> Vec<Matrix> { nlevels.iter().map(|&k| Matrix::zeros(k)).collect() };
    let parts: Vec<(Vec<Matrix>, Vec<f64>)> = (0..n_clusters.div_ceil(CLUSTERS_PER_BLOCK))
        .into_par_iter()
        .map(|block| {
            let mut meats = empty();
            let mut rss = vec![0.0; nf];
            let mut s = vec![0.0; beta.len()];
            let first = block * CLUSTERS_PER_BLOCK;
            for g in first..(first + CLUSTERS_PER_BLOCK).min(n_clusters) {
                s.iter_mut().for_each(|v| *v = 0.0);
                for &i in &order[starts[g]..starts[g + 1]] {
                    let i = i as usize;
                    let w = w_of(i);
                    for (f, r) in rss.iter_mut().enumerate() {
                        let j = at(i, f);
                        let e = y[i] - beta[j];
                        *r += w * e * e;
                        s[j] += w * e;
                    }
                }
                for (f, m) in meats.iter_mut().enumerate() {
                    let sf = &s[offsets[f]..offsets[f] + nlevels[f]];
                    add_outer_upper(m, sf);
                }
            }
            (meats, rss)
        })
        .collect();
    let mut meats = empty();
    let mut rss = vec![0.0; nf];
    for (part, r) in parts {
        for (m, p) in meats.iter_mut().zip(part) {
            m.data.iter_mut().zip(p.data).for_each(|(d, v)| *d += v);
        }
        rss.iter_mut().zip(r).for_each(|(d, v)| *d += v);
    }
    meats.iter_mut().for_each(Matrix::symmetrize_from_upper);
    (meats, rss)
}

/// Adds the upper triangle of `s s'` to `m` (zeros in `s` skipped).
fn add_outer_upper(m: &mut Matrix, s: &[f64]) {
    let k = m.n;
    for (p, &sp) in s.iter().enumerate() {
        if sp == 0.0 {
            continue;
        }
        let row = &mut m.data[p * k..(p + 1) * k];
        for (q, &sq) in s.iter().enumerate().skip(p) {
            row[q] += sp * sq;
        }
    }
}

/// Rows grouped by cluster (a counting sort, stable within a cluster):
/// computed once per sample and shared by all its fits (marginal means fit
/// one model per feature on the same rows).
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    /// Where each cluster's rows start in `order` (length clusters + 1).
    starts: Vec<usize>,
    order: Vec<u32>,
}

impl Clusters {
    /// `cluster[i]` is row i's cluster, numbered `0..n_clusters`.
    pub fn new(cluster: &[u32], n_clusters: usize) -> Clusters {
        let mut starts = vec![0usize; n_clusters + 1];
        for &c in cluster {
            starts[c as usize + 1] += 1;
        }
        for g in 0..n_clusters {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; cluster.len()];
        for (i, &c) in cluster.iter().enumerate() {
            order[next[c as usize]] = i as u32;
            next[c as usize] += 1;
        }
        Clusters { starts, order }
    }

    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// True when there are no clusters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 1 + 2·x on a design with one dummy; two clusters.
    #[test]
    fn exact_fit_has_zero_variance_and_right_coefficients() {
        let mut d = BinaryDesign::new(2);
        for x in [0u32, 1, 0, 1] {
            if x == 1 {
                d.push_row(&[0, 1]);
            } else {
                d.push_row(&[0]);
            }
        }
        let y = [1.0, 3.0, 1.0, 3.0];
        let cl = [0, 0, 1, 1];
        let input = OlsInput {
            design: &d,
            y: &y,
            weights: None,
            clusters: &Clusters::new(&cl, 2),
        };
        let f = fit(&input, VarianceKind::Cregg).unwrap();
        assert!((f.beta[0] - 1.0).abs() < 1e-14 && (f.beta[1] - 2.0).abs() < 1e-14);
        assert!(f.vcov.data.iter().all(|v| v.abs() < 1e-28));
    }

    /// A mean with one row per cluster: the clustered SE is the HC0
    /// standard error times √(G/(G−1)), i.e. the usual sd/√n.
    #[test]
    fn clustered_mean_equals_textbook_standard_error() {
        let y = [2.0, 4.0, 4.0, 5.0, 7.0, 9.0];
        let mut d = BinaryDesign::new(1);
        y.iter().for_each(|_| d.push_row(&[0]));
        let cl: Vec<u32> = (0..6).collect();
        let input = OlsInput {
            design: &d,
            y: &y,
            weights: None,
            clusters: &Clusters::new(&cl, 6),
        };
        let f = fit(&input, VarianceKind::Cregg).unwrap();
        let mean = 31.0 / 6.0;
        let var: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 5.0;
        assert!((f.beta[0] - mean).abs() < 1e-14);
        assert!((f.std_error(0) - (var / 6.0).sqrt()).abs() < 1e-14);
    }

    /// Same input, same bits, whatever the number of threads.
    #[test]
    fn thread_count_does_not_change_the_result() {
        let (n, k) = (30_000usize, 6usize);
        let mut d = BinaryDesign::new(k);
        let mut y = Vec::new();
        let mut cl = Vec::new();
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for i in 0..n {
            // Level 0 of each feature is the reference (no column).
            let (a, b) = (next() % 4, next() % 3);
            let mut row = vec![0u32];
            if a > 0 {
                row.push(a as u32);
            }
            if b > 0 {
                row.push(3 + b as u32);
            }
            d.push_row(&row);
            y.push((next() % 100) as f64 / 100.0);
            cl.push((i / 7) as u32);
        }
        let groups = n.div_ceil(7);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let input = OlsInput {
                    design: &d,
                    y: &y,
                    weights: None,
                    clusters: &Clusters::new(&cl, groups),
                };
                fit(&input, VarianceKind::Cregg).unwrap()
            })
        };
        let (one, four) = (run(1), run(4));
        assert_eq!(one.beta, four.beta);
        assert_eq!(one.vcov, four.vcov);
        assert_eq!(one.rss.to_bits(), four.rss.to_bits());
    }

    /// The fused marginal-means fit gives the bits of one `fit` per
    /// feature on its one-hot design, weighted, with both variances, and
    /// the same bits on one thread or four.
    #[test]
    fn one_hot_fit_is_the_per_feature_fit_bit_for_bit() {
        let (n, nlevels) = (20_000usize, [3usize, 5, 2]);
        let mut state = 99u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut codes = Vec::new();
        let (mut y, mut w, mut cl) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            codes.extend(nlevels.iter().map(|&k| (next() % k) as u16));
            y.push((next() % 7) as f64 / 3.0);
            w.push(0.5 + (i / 5 % 3) as f64);
            cl.push((i / 5) as u32);
        }
        let clusters = Clusters::new(&cl, n.div_ceil(5));
        let row = |i: usize| &codes[i * 3..i * 3 + 3];
        for kind in [VarianceKind::Cregg, VarianceKind::Cjoint] {
            let run = |threads: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| fit_one_hot(&row, &nlevels, &y, Some(&w), &clusters, kind))
            };
            let (one, four) = (run(1), run(4));
            for f in 0..3 {
                let mut d = BinaryDesign::new(nlevels[f]);
                (0..n).for_each(|i| d.push_row(&[u32::from(row(i)[f])]));
                let input = OlsInput {
                    design: &d,
                    y: &y,
                    weights: Some(&w),
                    clusters: &clusters,
                };
                let want = fit(&input, kind).unwrap();
                for got in [&one[f], &four[f]] {
                    let got = got.as_ref().unwrap();
                    assert_eq!(got.beta, want.beta);
                    assert_eq!(got.vcov, want.vcov);
                    assert_eq!(got.rss.to_bits(), want.rss.to_bits());
                }
            }
        }
    }
}
