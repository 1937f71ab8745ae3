//! θ for new answers with the topics held fixed.
//!
//! Each new answer is sampled on its own: z ~ φ_kw · (n_dk + α_k), with φ
//! frozen at the fitted model's values (tomotopy's `infer`). θ is averaged
//! over the second half of the sweeps, which is steadier than the last
//! state for short answers. Every answer has its own random stream derived
//! from the seed and its position, so results do not depend on threads.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::model::LdaModel;
use super::state::draw_cumulative;
use crate::error::{Error, Result};
use crate::io::Answer;
use crate::text::Analyzer;

/// Settings of inference on new answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InferOptions {
    /// Gibbs sweeps per answer (default 100); θ averages the second half.
    pub iterations: usize,
    /// Seed of the sampler (same seed and input give the same θ).
    pub seed: u64,
}

impl Default for InferOptions {
    fn default() -> Self {
        InferOptions {
            iterations: 100,
            seed: 1,
        }
    }
}

/// θ of one new answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// The answer's id.
    pub id: String,
    /// Topic shares; the prior mean α/Σα when no word is known.
    pub theta: Vec<f64>,
    /// Tokens the model knows.
    pub known_tokens: usize,
    /// Tokens absent from the model's vocabulary (ignored).
    pub unknown_tokens: usize,
}

/// What inference needs besides the model: its text pipeline and φ laid
/// out word-major. Built once and reused across calls (`topics serve`
/// shares one by all requests): building the Korean analyzer costs
/// 0.15–0.3 s, far more than inferring a few answers.
#[derive(Debug)]
pub struct Inferer {
    analyzer: Analyzer,
    phi_wk: Vec<f64>,
}

impl LdaModel {
    /// Builds the reusable part of [`LdaModel::infer`] for this model.
    pub fn inferer(&self) -> Result<Inferer> {
        Ok(Inferer {
            analyzer: Analyzer::new(self.text_options().clone())?,
            phi_wk: self.word_major_phi(),
        })
    }

    /// Infers θ for `answers`, tokenized with the model's own pipeline.
    pub fn infer(&self, answers: &[Answer], options: InferOptions) -> Result<Vec<Inferred>> {
        if options.iterations == 0 {
            return Err(Error::param("--iterations", "must be at least 1"));
        }
        self.infer_with(&self.inferer()?, answers, options)
    }

    /// [`LdaModel::infer`] with a prepared [`Inferer`] (from
    /// [`LdaModel::inferer`] of this same model).
    pub fn infer_with(
        &self,
        inferer: &Inferer,
        answers: &[Answer],
        options: InferOptions,
    ) -> Result<Vec<Inferred>> {
        if options.iterations == 0 {
            return Err(Error::param("--iterations", "must be at least 1"));
        }
        let (analyzer, phi_wk) = (&inferer.analyzer, &inferer.phi_wk);
        Ok(answers
            .par_iter()
            .enumerate()
            .map(|(i, answer)| {
                let mut known = Vec::new();
                let mut unknown = 0;
                for tok in analyzer.tokens(&answer.text) {
                    match self.vocab().id(&tok.term) {
                        Some(w) => known.push(w),
                        None => unknown += 1,
                    }
                }
                let seed = options.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let theta = self.sample_theta(&known, phi_wk, options.iterations, seed);
                Inferred {
                    id: answer.id.clone(),
                    theta,
                    known_tokens: known.len(),
                    unknown_tokens: unknown,
                }
            })
            .collect())
    }

    /// φ laid out word-major (`[w * K + k]`), the layout
    /// [`fold_in_theta`] reads.
    pub fn word_major_phi(&self) -> Vec<f64> {
        let k = self.k();
        let v = self.vocab().len();
        let mut phi = vec![0.0; v * k];
        for t in 0..k {
            for w in 0..v {
                phi[w * k + t] = self.phi(t, w as u32);
            }
        }
        phi
    }

    fn sample_theta(
        &self,
        words: &[u32],
        phi_wk: &[f64],
        iterations: usize,
        seed: u64,
    ) -> Vec<f64> {
        fold_in_theta(self.alpha(), phi_wk, words, iterations, seed)
    }
}

/// θ of one answer with the topics fixed (`phi_wk` from
/// [`LdaModel::word_major_phi`]): collapsed Gibbs over its tokens,
/// z ~ φ_kw (n_dk + α_k), θ averaged over the second half of `iterations`
/// sweeps. With no words, the prior mean α/Σα. Shared by `infer` and the
/// held-out likelihood of `select-k` (document completion).
pub fn fold_in_theta(
    alpha: &[f64],
    phi_wk: &[f64],
    words: &[u32],
    iterations: usize,
    seed: u64,
) -> Vec<f64> {
    let k = alpha.len();
    let alpha_sum: f64 = alpha.iter().sum();
    if words.is_empty() || iterations == 0 {
        return alpha.iter().map(|a| a / alpha_sum).collect();
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut z: Vec<usize> = words.iter().map(|_| rng.random_range(0..k)).collect();
    let mut n_dk = vec![0u32; k];
    for &t in &z {
        n_dk[t] += 1;
    }
    let mut cumulative = vec![0.0; k];
    let mut theta_sum = vec![0.0; k];
    let keep_from = iterations / 2;
    let denominator = words.len() as f64 + alpha_sum;
    for sweep in 0..iterations {
        for (i, &w) in words.iter().enumerate() {
            n_dk[z[i]] -= 1;
            let row = &phi_wk[w as usize * k..(w as usize + 1) * k];
            let mut sum = 0.0;
            for t in 0..k {
                sum += row[t] * (n_dk[t] as f64 + alpha[t]);
                cumulative[t] = sum;
            }
            z[i] = draw_cumulative(&cumulative, &mut rng);
            n_dk[z[i]] += 1;
        }
        if sweep >= keep_from {
            for t in 0..k {
                theta_sum[t] += (n_dk[t] as f64 + alpha[t]) / denominator;
            }
        }
    }
    let kept = (iterations - keep_from) as f64;
    theta_sum.iter().map(|s| s / kept).collect()
}
