//! The intertopic distance map: Jensen–Shannon divergence between topics'
//! word distributions, placed in two dimensions by classical
//! (Torgerson) multidimensional scaling, as LDAvis's default `jsPCA`.

use serde::Serialize;

use crate::lda::LdaModel;

/// Jensen–Shannon divergence (natural log, so at most ln 2):
/// ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q) / 2.
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let m = 0.5 * (a + b);
        if a > 0.0 {
            sum += 0.5 * a * (a / m).ln();
        }
        if b > 0.0 {
            sum += 0.5 * b * (b / m).ln();
        }
    }
    sum.max(0.0)
}

/// The K × K Jensen–Shannon divergences between the rows of `phi`.
pub fn jsd_matrix(phi: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = phi.len();
    let mut d = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..i {
            let x = jensen_shannon(&phi[i], &phi[j]);
            d[i][j] = x;
            d[j][i] = x;
        }
    }
    d
}

/// Classical scaling of a distance matrix into `dims` coordinates (R's
/// `cmdscale`): the top eigenvectors of −½ J D² J, scaled by the square
/// root of their eigenvalues (negative eigenvalues count as 0). Each axis
/// is oriented so that its largest coordinate is positive, which makes the
/// map the same on every run.
pub fn classical_mds(distances: &[Vec<f64>], dims: usize) -> Vec<Vec<f64>> {
    let n = distances.len();
    if n == 0 {
        return Vec::new();
    }
    let sq: Vec<Vec<f64>> = distances
        .iter()
        .map(|r| r.iter().map(|d| d * d).collect())
        .collect();
    let row_mean: Vec<f64> = sq
        .iter()
        .map(|r| r.iter().sum::<f64>() / n as f64)
        .collect();
    let grand = row_mean.iter().sum::<f64>() / n as f64;
    let mut b = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            b[i][j] = -0.5 * (sq[i][j] - row_mean[i] - row_mean[j] + grand);
        }
    }
    let (values, vectors) = symmetric_eigen(b);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &c| values[c].total_cmp(&values[a]).then(a.cmp(&c)));
    let mut coords = vec![vec![0.0; dims]; n];
    for (axis, &e) in order.iter().take(dims).enumerate() {
        let scale = values[e].max(0.0).sqrt();
        let column: Vec<f64> = (0..n).map(|i| vectors[i][e] * scale).collect();
        let sign = orientation(&column);
        for i in 0..n {
            coords[i][axis] = sign * column[i];
        }
    }
    coords
}

/// +1 or −1 so that the coordinate of largest magnitude is positive (the
/// first such on ties).
fn orientation(column: &[f64]) -> f64 {
    let mut best = 0;
    for (i, x) in column.iter().enumerate() {
        if x.abs() > column[best].abs() + 1e-12 {
            best = i;
        }
    }
    if column.get(best).copied().unwrap_or(0.0) < 0.0 {
        -1.0
    } else {
        1.0
    }
}

/// Eigenvalues and eigenvectors (as columns) of a symmetric matrix by
/// cyclic Jacobi rotations: exact to rounding for the small K × K
/// matrices of topic maps, with no linear-algebra dependency.
fn symmetric_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v = vec![vec![0.0; n]; n];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let scale: f64 = a
        .iter()
        .flatten()
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt()
        .max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-15 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() <= f64::MIN_POSITIVE {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                #[allow(clippy::needless_range_loop)] // two rows at once
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

/// What the report draws: each topic's position and size, and the table of
/// divergences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntertopicMap {
    /// K × K Jensen–Shannon divergences (natural log).
    pub divergence: Vec<Vec<f64>>,
    /// Horizontal position of each topic (classical scaling of the divergences).
    pub x: Vec<f64>,
    /// Vertical position of each topic.
    pub y: Vec<f64>,
    /// Token share of each topic (circle area in the map).
    pub share: Vec<f64>,
}

impl IntertopicMap {
    /// The map of a fitted model's topics.
    pub fn from_model(model: &LdaModel) -> IntertopicMap {
        let phi: Vec<Vec<f64>> = (0..model.k()).map(|t| model.phi_row(t)).collect();
        let divergence = jsd_matrix(&phi);
        let coords = classical_mds(&divergence, 2);
        IntertopicMap {
            x: coords.iter().map(|c| c[0]).collect(),
            y: coords.iter().map(|c| c[1]).collect(),
            share: (0..model.k()).map(|t| model.token_share(t)).collect(),
            divergence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsd_by_hand() {
        // Disjoint supports: ln 2, the maximum.
        assert!((jensen_shannon(&[1.0, 0.0], &[0.0, 1.0]) - 2f64.ln()).abs() < 1e-15);
        // p = (.5,.5), q = (1,0), m = (.75,.25):
        // ½(.5 ln(.5/.75) + .5 ln(.5/.25)) + ½ ln(1/.75) = 0.215762
        let by_hand =
            0.5 * (0.5 * (0.5f64 / 0.75).ln() + 0.5 * 2f64.ln()) + 0.5 * (1.0f64 / 0.75).ln();
        let got = jensen_shannon(&[0.5, 0.5], &[1.0, 0.0]);
        assert!((got - by_hand).abs() < 1e-15);
        assert!((got - 0.215762).abs() < 1e-6);
        assert_eq!(jensen_shannon(&[0.3, 0.7], &[0.3, 0.7]), 0.0);
        let m = jsd_matrix(&[vec![0.5, 0.5], vec![1.0, 0.0]]);
        assert_eq!(m[0][1], m[1][0]);
    }

    fn euclid(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn mds_recovers_planar_distances() {
        // Points known by construction: a 3-4-5 triangle and a fourth point.
        // Classical scaling of Euclidean distances of planar points
        // reproduces every distance exactly (Torgerson 1952).
        let pts = [[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0]];
        let d: Vec<Vec<f64>> = pts
            .iter()
            .map(|a| pts.iter().map(|b| euclid(a, b)).collect())
            .collect();
        let coords = classical_mds(&d, 2);
        for i in 0..4 {
            for j in 0..4 {
                assert!(
                    (euclid(&coords[i], &coords[j]) - d[i][j]).abs() < 1e-9,
                    "{i} {j}"
                );
            }
        }
        // Centered at the origin.
        let cx: f64 = coords.iter().map(|c| c[0]).sum();
        assert!(cx.abs() < 1e-9);
    }

    #[test]
    fn mds_is_deterministic_in_orientation() {
        let d = vec![vec![0.0, 2.0], vec![2.0, 0.0]];
        let c = classical_mds(&d, 2);
        // Two points 2 apart on the first axis, the larger one positive;
        // no second dimension.
        assert!((c[0][0].abs() - 1.0).abs() < 1e-12 && (c[1][0].abs() - 1.0).abs() < 1e-12);
        assert!(c[0][0].max(c[1][0]) > 0.0);
        assert!(c[0][1].abs() < 1e-12);
        assert_eq!(classical_mds(&[vec![0.0]], 2), vec![vec![0.0, 0.0]]);
    }
}
