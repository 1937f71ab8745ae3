//! Hyperparameter optimization by Minka's fixed-point iteration, as MALLET's
//! `learnParameters` and tomotopy's `optimizeParameters` do: an asymmetric
//! document-topic prior alpha and a symmetric topic-word prior beta.
//!
//! Both updates need Σ_d [ψ(n_d + a) − ψ(a)] over many count values. They
//! are computed from histograms of the counts, so one update costs
//! O(K · max count) rather than O(D · K).

use super::state::State;

/// Fixed-point iterations per optimization call (MALLET uses 200 with a
/// tolerance; 20 converge to ~1e-6 relative from a warm start).
const FIXED_POINT_ITERATIONS: usize = 20;
/// Keeps a topic whose counts vanished from driving alpha to zero.
const MIN_ALPHA: f64 = 1e-5;

/// Histogram of values: `h[n]` = how many of `counts` equal `n` (n ≥ 1).
fn histogram(counts: impl Iterator<Item = usize>) -> Vec<u64> {
    let mut h: Vec<u64> = Vec::new();
    for n in counts.filter(|&n| n > 0) {
        if n >= h.len() {
            h.resize(n + 1, 0);
        }
        h[n] += 1;
    }
    h
}

/// Σ_n h\[n\] · (ψ(a + n) − ψ(a)), with ψ(a + n) − ψ(a) = Σ_{i<n} 1/(a + i)
/// accumulated as n grows.
fn digamma_sum(h: &[u64], a: f64) -> f64 {
    let mut total = 0.0;
    let mut running = 0.0;
    for (n, &count) in h.iter().enumerate().skip(1) {
        running += 1.0 / (a + (n - 1) as f64);
        if count > 0 {
            total += count as f64 * running;
        }
    }
    total
}

/// Updates `state.alpha` (asymmetric) by Minka's fixed point:
/// α_k ← α_k · Σ_d [ψ(n_dk + α_k) − ψ(α_k)] / Σ_d [ψ(n_d + Σα) − ψ(Σα)].
pub(crate) fn optimize_alpha(state: &mut State) {
    let k = state.k;
    let length_hist = histogram((0..state.num_docs()).map(|d| state.doc_len(d)));
    let topic_hists: Vec<Vec<u64>> = (0..k)
        .map(|t| histogram((0..state.num_docs()).map(|d| state.n_dk[d * k + t] as usize)))
        .collect();
    for _ in 0..FIXED_POINT_ITERATIONS {
        let alpha_sum: f64 = state.alpha.iter().sum();
        let denominator = digamma_sum(&length_hist, alpha_sum);
        if denominator <= 0.0 {
            return;
        }
        for (alpha, hist) in state.alpha.iter_mut().zip(&topic_hists) {
            let numerator = digamma_sum(hist, *alpha);
            *alpha = (*alpha * numerator / denominator).max(MIN_ALPHA);
        }
    }
}

/// Updates the symmetric `state.beta` by Minka's fixed point:
/// β ← β · Σ_k Σ_w [ψ(n_kw + β) − ψ(β)] / (V · Σ_k [ψ(n_k + Vβ) − ψ(Vβ)]).
pub(crate) fn optimize_beta(state: &mut State) {
    let word_hist = histogram(state.n_wk.iter().map(|&n| n as usize));
    let total_hist = histogram(state.n_k.iter().map(|&n| n as usize));
    let v = state.v as f64;
    for _ in 0..FIXED_POINT_ITERATIONS {
        let numerator = digamma_sum(&word_hist, state.beta);
        let denominator = v * digamma_sum(&total_hist, v * state.beta);
        if denominator <= 0.0 || numerator <= 0.0 {
            return;
        }
        state.beta *= numerator / denominator;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::digamma_diff;

    #[test]
    fn digamma_sum_matches_direct_sum() {
        let counts = [3usize, 1, 3, 0, 7];
        let h = histogram(counts.iter().copied());
        let direct: f64 = counts.iter().map(|&n| digamma_diff(0.3, n)).sum();
        assert!((digamma_sum(&h, 0.3) - direct).abs() < 1e-12);
    }

    /// Dirichlet-multinomial log-likelihood of document-topic counts.
    fn dm_log_likelihood(s: &State, alpha: &[f64]) -> f64 {
        use crate::math::ln_gamma;
        let a: f64 = alpha.iter().sum();
        (0..s.num_docs())
            .map(|d| {
                let c = s.doc_counts(d);
                ln_gamma(a) - ln_gamma(s.doc_len(d) as f64 + a)
                    + (0..s.k)
                        .map(|t| ln_gamma(c[t] as f64 + alpha[t]) - ln_gamma(alpha[t]))
                        .sum::<f64>()
            })
            .sum()
    }

    /// After the fixed point converges, alpha maximizes the
    /// Dirichlet-multinomial likelihood: its finite-difference gradient is
    /// zero, and topics used more get the larger alpha.
    #[test]
    fn alpha_fixed_point_maximizes_likelihood() {
        use crate::corpus::Document;
        use rand::SeedableRng;
        let docs: Vec<Document> = (0..300)
            .map(|d| Document {
                id: d.to_string(),
                text: String::new(),
                words: vec![0; 12],
            })
            .collect();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        let mut s = State::init(&docs, 1, 3, 1.0, 0.1, &mut rng);
        for d in 0..300 {
            let a = (d * 7 % 11) as u32; // 0..=10, varies between documents
            let b = (d % 3) as u32;
            s.n_dk[d * 3..d * 3 + 3].copy_from_slice(&[a, b, 12 - a - b]);
        }
        for _ in 0..50 {
            optimize_alpha(&mut s);
        }
        let alpha = s.alpha.clone();
        for t in 0..3 {
            let h = 1e-6;
            let mut up = alpha.clone();
            up[t] += h;
            let mut down = alpha.clone();
            down[t] -= h;
            let grad = (dm_log_likelihood(&s, &up) - dm_log_likelihood(&s, &down)) / (2.0 * h);
            assert!(grad.abs() < 1e-3, "topic {t}: gradient {grad} at {alpha:?}");
        }
        // Mean counts are 5, 1 and 6 of 12 tokens.
        assert!(alpha[2] > alpha[0] && alpha[0] > alpha[1], "{alpha:?}");
    }

    /// The symmetric Dirichlet-multinomial log-likelihood of the
    /// topic-word counts as a function of beta.
    fn beta_log_likelihood(s: &State, beta: f64) -> f64 {
        use crate::math::ln_gamma;
        let v = s.v as f64;
        let mut ll = 0.0;
        for t in 0..s.k {
            ll += ln_gamma(v * beta) - ln_gamma(s.n_k[t] as f64 + v * beta);
        }
        for &n in &s.n_wk {
            ll += ln_gamma(n as f64 + beta) - ln_gamma(beta);
        }
        ll
    }

    #[test]
    fn beta_fixed_point_maximizes_likelihood() {
        use crate::corpus::Document;
        use rand::SeedableRng;
        // Four blocks of ten words; each document draws from one block,
        // unevenly, so the topics are clear and beta's optimum is finite.
        let docs: Vec<Document> = (0..100)
            .map(|d| Document {
                id: d.to_string(),
                text: String::new(),
                words: (0..20)
                    .map(|i| ((d % 4) * 10 + (i * i + d) % 10 / (1 + i % 3)) as u32)
                    .collect(),
            })
            .collect();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut s = State::init(&docs, 40, 4, 0.1, 0.01, &mut rng);
        for _ in 0..30 {
            s.sweep_dense(&mut rng);
        }
        for _ in 0..10 {
            optimize_beta(&mut s);
        }
        let (b, h) = (s.beta, 1e-7);
        let grad = (beta_log_likelihood(&s, b + h) - beta_log_likelihood(&s, b - h)) / (2.0 * h);
        assert!(grad.abs() < 1e-3, "gradient {grad} at beta {b}");
    }
}
