//! Special functions used by the sampler and its diagnostics.

/// ln Γ(x) for x > 0 (libm's `lgamma`, accurate to a few ulps).
#[inline]
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ψ(x + n) − ψ(x) for a non-negative integer n, computed exactly as
/// Σ_{i<n} 1/(x + i). Minka's fixed point for Dirichlet parameters only ever
/// needs digamma differences at integer offsets (counts), so no digamma
/// approximation is involved.
pub fn digamma_diff(x: f64, n: usize) -> f64 {
    (0..n).map(|i| 1.0 / (x + i as f64)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_reference_values() {
        // Γ(5) = 24; Γ(0.5) = √π.
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    }

    #[test]
    fn digamma_diff_reference() {
        // ψ(3.5) − ψ(0.5) = 1/0.5 + 1/1.5 + 1/2.5 = 3.0666…
        assert!((digamma_diff(0.5, 3) - (2.0 + 1.0 / 1.5 + 0.4)).abs() < 1e-15);
        assert_eq!(digamma_diff(0.7, 0), 0.0);
    }
}
