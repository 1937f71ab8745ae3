//! Training parameters, with their defaults and validation.

use serde::{Deserialize, Serialize};

use super::chains::ChainPick;
use crate::error::{Error, Result};

/// Settings of a collapsed Gibbs LDA fit.
///
/// Defaults (see [`LdaParams::default`]) suit a few hundred short answers:
/// `k` 10, 1000 iterations, `alpha` 0.1 per topic, `beta` 0.01, seed 1,
/// hyperparameter optimization every 10 iterations after 100 of burn-in,
/// automatic chains (several on small corpora, one on large ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LdaParams {
    /// Number of topics.
    pub k: usize,
    /// Gibbs sweeps over the corpus.
    pub iterations: usize,
    /// Initial Dirichlet prior on each document's topics, per topic (not
    /// summed over topics), as tomotopy's `alpha`.
    pub alpha: f64,
    /// Symmetric Dirichlet prior on each topic's words.
    pub beta: f64,
    /// Seed of the random stream: the same seed and input give the same
    /// model.
    pub seed: u64,
    /// Sweeps before hyperparameters are first optimized.
    pub burn_in: usize,
    /// Optimize asymmetric alpha and symmetric beta every this many sweeps
    /// after burn-in (Minka's fixed point, as MALLET); 0 turns it off.
    pub optimize_interval: usize,
    /// Record the log-likelihood every this many sweeps (the final sweep is
    /// always recorded).
    pub trace_interval: usize,
    /// Posterior draws of every answer's topic counts kept in the model:
    /// the states after the last `saved_samples` sweeps that are
    /// `sample_interval` apart (the final state is the last draw). They let
    /// later analyses carry the uncertainty of θ (`topics link`).
    #[serde(default = "default_saved_samples")]
    pub saved_samples: usize,
    /// Sweeps between saved draws (thinning).
    #[serde(default = "default_sample_interval")]
    pub sample_interval: usize,
    /// The sampling kernel (sparse unless asked otherwise). Models saved
    /// before this field existed load with the default.
    #[serde(default)]
    pub kernel: Kernel,
    /// Worker threads (`None`: all cores). The result does not depend on
    /// it: the same seed gives the same model on any number of threads.
    #[serde(default)]
    pub threads: Option<usize>,
    /// Independent Gibbs chains, each from its own stream derived from
    /// `seed`; the model keeps one by `chain_pick`. `None` (the default):
    /// as many as cost little on this corpus (see
    /// [`super::auto_chains`]: several on a few hundred answers, one on a
    /// large corpus), which makes small fits far less dependent on the
    /// seed's luck. `Some(1)` is the plain single-chain fit. Models saved
    /// before this field existed ran one chain and load as `Some(1)`.
    #[serde(default = "one_chain")]
    pub chains: Option<usize>,
    /// How the kept chain is chosen when several run.
    #[serde(default)]
    pub chain_pick: ChainPick,
}

/// Most chains a fit may ask for (each holds a copy of the sampler state).
pub const MAX_CHAINS: usize = 64;

fn one_chain() -> Option<usize> {
    Some(1)
}

/// How each Gibbs sweep draws topics. Both draw from the full conditional;
/// they differ in speed (and in rounding: the sparse kernel's dense-row
/// layout weighs topics in single precision).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// Word-by-word, block-parallel sampler (see `lda::sparse`) with the
    /// document counts as dense vector rows or sparse lists, whichever
    /// samples the corpus faster at this K.
    #[default]
    Sparse,
    /// The plain O(K) sampler, single-threaded: the reference the sparse
    /// kernel is tested against.
    Dense,
}

fn default_saved_samples() -> usize {
    20
}

fn default_sample_interval() -> usize {
    10
}

impl Default for LdaParams {
    fn default() -> Self {
        LdaParams {
            k: 10,
            iterations: 1000,
            alpha: 0.1,
            beta: 0.01,
            seed: 1,
            burn_in: 100,
            optimize_interval: 10,
            trace_interval: 10,
            saved_samples: default_saved_samples(),
            sample_interval: default_sample_interval(),
            kernel: Kernel::Sparse,
            threads: None,
            chains: None,
            chain_pick: ChainPick::default(),
        }
    }
}

impl LdaParams {
    /// Whether the state after sweep `iteration` is kept as a posterior
    /// draw: one of the last `saved_samples` sweeps `sample_interval` apart,
    /// ending with the final sweep.
    pub fn is_saved_sample(&self, iteration: usize) -> bool {
        let before_end = self.iterations - iteration;
        before_end.is_multiple_of(self.sample_interval)
            && before_end / self.sample_interval < self.saved_samples
    }

    /// Checks every parameter, naming the flag that is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.k == 0 {
            return Err(Error::param(
                "-k",
                "the number of topics must be at least 1",
            ));
        }
        if self.k > u16::MAX as usize {
            return Err(Error::param(
                "-k",
                format!("{} topics is more than {}", self.k, u16::MAX),
            ));
        }
        if self.iterations == 0 {
            return Err(Error::param("--iterations", "must be at least 1"));
        }
        positive("--alpha", self.alpha)?;
        positive("--beta", self.beta)?;
        if self.trace_interval == 0 {
            return Err(Error::param("--trace-interval", "must be at least 1"));
        }
        if self.sample_interval == 0 {
            return Err(Error::param("--sample-interval", "must be at least 1"));
        }
        if self.threads == Some(0) {
            return Err(Error::param("--threads", "must be at least 1"));
        }
        match self.chains {
            Some(0) => return Err(Error::param("--chains", "must be at least 1")),
            Some(n) if n > MAX_CHAINS => {
                return Err(Error::param(
                    "--chains",
                    format!("{n} chains is more than {MAX_CHAINS}"),
                ))
            }
            _ => {}
        }
        Ok(())
    }
}

fn positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::param(
            name,
            format!("{value} is not a positive number"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_values_by_flag() {
        let d = LdaParams::default;
        let cases = [
            (
                LdaParams { k: 0, ..d() },
                "invalid -k: the number of topics must be at least 1",
            ),
            (
                LdaParams {
                    alpha: f64::NAN,
                    ..d()
                },
                "invalid --alpha: NaN is not a positive number",
            ),
            (
                LdaParams { beta: -0.1, ..d() },
                "invalid --beta: -0.1 is not a positive number",
            ),
            (
                LdaParams {
                    threads: Some(0),
                    ..d()
                },
                "invalid --threads: must be at least 1",
            ),
            (
                LdaParams {
                    chains: Some(0),
                    ..d()
                },
                "invalid --chains: must be at least 1",
            ),
            (
                LdaParams {
                    chains: Some(65),
                    ..d()
                },
                "invalid --chains: 65 chains is more than 64",
            ),
        ];
        for (params, message) in cases {
            assert_eq!(params.validate().unwrap_err().to_string(), message);
        }
        assert!(LdaParams::default().validate().is_ok());
    }

    /// Model files written before `kernel` and `threads` existed still load.
    #[test]
    fn old_params_without_kernel_or_threads_deserialize() {
        let old = r#"{"k":3,"iterations":5,"alpha":0.1,"beta":0.01,"seed":1,"burn_in":0,"optimize_interval":0,"trace_interval":1}"#;
        let p: LdaParams = serde_json::from_str(old).unwrap();
        assert_eq!(p.kernel, Kernel::Sparse);
        assert_eq!(p.threads, None);
        assert_eq!(p.k, 3);
        // They ran one chain, picked by nothing.
        assert_eq!(p.chains, Some(1));
        assert_eq!(p.chain_pick, ChainPick::LogLikelihood);
    }
}
