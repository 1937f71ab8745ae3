//! Dense symmetric linear algebra for the small systems of conjoint models
//! (tens to a few hundred coefficients): a Cholesky factorization, solves
//! and the inverse.
//!
//! Dummy-coded conjoint designs give well-conditioned normal equations
//! (X'X holds counts), so Cholesky in f64 reproduces R's QR-based
//! estimates to about 1e-13; a hand-written factorization keeps
//! `nalgebra`/`faer` (and their build time) out of the crate.

/// A square matrix stored row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Number of rows (and columns).
    pub n: usize,
    /// The `n × n` entries, row by row.
    pub data: Vec<f64>,
}

impl Matrix {
    /// An `n × n` matrix of zeros.
    pub fn zeros(n: usize) -> Matrix {
        Matrix {
            n,
            data: vec![0.0; n * n],
        }
    }

    /// The entry at row `i`, column `j`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    /// Sets the entry at row `i`, column `j`.
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.n + j] = v;
    }

    /// Copies the upper triangle onto the lower one.
    pub fn symmetrize_from_upper(&mut self) {
        for i in 0..self.n {
            for j in 0..i {
                self.data[i * self.n + j] = self.data[j * self.n + i];
            }
        }
    }

    /// `self * other` for square matrices of the same size.
    pub fn mul(&self, other: &Matrix) -> Matrix {
        let n = self.n;
        let mut out = Matrix::zeros(n);
        for i in 0..n {
            for k in 0..n {
                let a = self.data[i * n + k];
                if a == 0.0 {
                    continue;
                }
                let row = &other.data[k * n..(k + 1) * n];
                let dst = &mut out.data[i * n..(i + 1) * n];
                for (d, &b) in dst.iter_mut().zip(row) {
                    *d += a * b;
                }
            }
        }
        out
    }

    /// The quadratic form `x' self x`.
    pub fn quad_form(&self, x: &[f64]) -> f64 {
        let n = self.n;
        (0..n)
            .map(|i| x[i] * (0..n).map(|j| self.data[i * n + j] * x[j]).sum::<f64>())
            .sum()
    }
}

/// The lower-triangular Cholesky factor `L` of a symmetric
/// positive-definite matrix (`A = L L'`).
#[derive(Debug, Clone)]
pub struct Cholesky {
    l: Matrix,
}

/// The matrix is not positive definite: the column where the
/// factorization broke down (a coefficient that is a linear combination of
/// the earlier ones, or has no data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Singular {
    /// The 0-based column whose pivot vanished.
    pub column: usize,
}

/// Relative size under which a pivot counts as zero.
const PIVOT_TOLERANCE: f64 = 1e-10;

impl Cholesky {
    /// Factorizes `a`, or names the first column that makes it singular.
    pub fn new(a: &Matrix) -> Result<Cholesky, Singular> {
        let n = a.n;
        let mut l = Matrix::zeros(n);
        for j in 0..n {
            let diag = a.get(j, j);
            let mut d = diag;
            for k in 0..j {
                d -= l.get(j, k) * l.get(j, k);
            }
            // NaN (from NaN input) fails too.
            if d.is_nan() || d <= PIVOT_TOLERANCE * diag.abs().max(f64::MIN_POSITIVE) {
                return Err(Singular { column: j });
            }
            let ljj = d.sqrt();
            l.set(j, j, ljj);
            for i in j + 1..n {
                let mut s = a.get(i, j);
                for k in 0..j {
                    s -= l.get(i, k) * l.get(j, k);
                }
                l.set(i, j, s / ljj);
            }
        }
        Ok(Cholesky { l })
    }

    /// Solves `A x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.l.n;
        let mut y = b.to_vec();
        // Forward substitution: L z = b.
        for i in 0..n {
            let row = &self.l.data[i * n..i * n + i];
            let s = y[i] - row.iter().zip(&y[..i]).map(|(l, z)| l * z).sum::<f64>();
            y[i] = s / self.l.get(i, i);
        }
        // Back substitution: L' x = z.
        for i in (0..n).rev() {
            let s = y[i] - (i + 1..n).map(|k| self.l.get(k, i) * y[k]).sum::<f64>();
            y[i] = s / self.l.get(i, i);
        }
        y
    }

    /// `A⁻¹`, column by column.
    pub fn inverse(&self) -> Matrix {
        let n = self.l.n;
        let mut inv = Matrix::zeros(n);
        let mut e = vec![0.0; n];
        for j in 0..n {
            e.iter_mut().for_each(|v| *v = 0.0);
            e[j] = 1.0;
            let col = self.solve(&e);
            for (i, v) in col.into_iter().enumerate() {
                inv.set(i, j, v);
            }
        }
        // Exact symmetry, whatever the rounding.
        for i in 0..n {
            for j in 0..i {
                let v = 0.5 * (inv.get(i, j) + inv.get(j, i));
                inv.set(i, j, v);
                inv.set(j, i, v);
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() {
        let a = Matrix {
            n: 3,
            data: vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0],
        };
        let ch = Cholesky::new(&a).unwrap();
        let x = ch.solve(&[1.0, 2.0, 3.0]);
        let back: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| a.get(i, j) * x[j]).sum())
            .collect();
        for (b, want) in back.iter().zip([1.0, 2.0, 3.0]) {
            assert!((b - want).abs() < 1e-14);
        }
        let id = a.mul(&ch.inverse());
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((id.get(i, j) - want).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn collinear_column_is_named() {
        // Column 2 = column 0 + column 1 in the design, so X'X is singular.
        let a = Matrix {
            n: 3,
            data: vec![2.0, 1.0, 3.0, 1.0, 2.0, 3.0, 3.0, 3.0, 6.0],
        };
        assert_eq!(Cholesky::new(&a).unwrap_err(), Singular { column: 2 });
    }
}
