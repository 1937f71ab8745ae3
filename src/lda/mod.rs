//! Latent Dirichlet allocation by collapsed Gibbs sampling.
//!
//! [`fit`] runs the sampler on a [`Corpus`] with [`LdaParams`] and returns an
//! [`LdaModel`]: the topics (word counts, φ), each answer's topic shares (θ),
//! the optimized priors and the log-likelihood trace. The same seed and the
//! same input give the same model.
//!
//! ```
//! use topics::{corpus::{Corpus, PruneOptions}, io::answers_from_lines, lda};
//! use topics::text::{Analyzer, TextOptions};
//!
//! let answers = answers_from_lines("apple banana apple\nbanana cherry\ncherry apple");
//! let analyzer = Analyzer::new(TextOptions { pretokenized: true, ..Default::default() })?;
//! let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE)?;
//! let params = lda::LdaParams { k: 2, iterations: 50, ..Default::default() };
//! let model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {})?;
//! assert_eq!(model.k(), 2);
//! let theta = model.theta(0);
//! assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! # Ok::<(), topics::Error>(())
//! ```

mod export;
mod hyper;
mod infer;
pub mod math;
mod model;
mod params;
mod state;

pub use export::{DocTheta, FitResult, Quote, TopicSummary, WordProb};
pub use infer::{InferOptions, Inferred};
pub use model::{sha256_hex, DocTopics, LdaModel, ModelInput, Trace, SCHEMA_VERSION};
pub use params::LdaParams;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::text::TextOptions;
use state::State;

/// What the sampler reports after each sweep (for progress bars).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Sweeps done so far (1-based).
    pub iteration: usize,
    pub iterations: usize,
    /// The joint log-likelihood per token, on sweeps where it was computed.
    pub ll_per_token: Option<f64>,
}

/// Fits LDA to `corpus`. `progress` is called after every sweep.
pub fn fit(
    corpus: &Corpus,
    params: &LdaParams,
    text: TextOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<LdaModel> {
    params.validate()?;
    if corpus.docs.is_empty() || corpus.vocab.is_empty() {
        return Err(Error::param(
            "corpus",
            "no answer has any token left to fit (after stopwords and vocabulary pruning)",
        ));
    }
    if params.k > corpus.docs.len() {
        return Err(Error::param(
            "-k",
            format!(
                "{} topics for {} answers with words: use at most one topic per answer",
                params.k,
                corpus.docs.len()
            ),
        ));
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let mut state = State::init(
        &corpus.docs,
        corpus.vocab.len(),
        params.k,
        params.alpha,
        params.beta,
        &mut rng,
    );
    let tokens = state.num_tokens() as f64;
    let mut trace = Trace::default();
    let mut samples = Vec::new();
    for iteration in 1..=params.iterations {
        state.sweep_dense(&mut rng);
        if params.optimize_interval > 0
            && iteration > params.burn_in
            && iteration % params.optimize_interval == 0
        {
            hyper::optimize_alpha(&mut state);
            hyper::optimize_beta(&mut state);
        }
        let record = iteration % params.trace_interval == 0 || iteration == params.iterations;
        let ll_per_token = record.then(|| state.log_likelihood() / tokens);
        if let Some(ll) = ll_per_token {
            trace.iteration.push(iteration);
            trace.ll_per_token.push(ll);
        }
        if params.is_saved_sample(iteration) {
            samples.push(state.n_dk.clone());
        }
        progress(Progress {
            iteration,
            iterations: params.iterations,
            ll_per_token,
        });
    }
    let mut model = LdaModel::from_state(&state, corpus, params.clone(), text, trace);
    model.set_doc_topic_samples(samples);
    Ok(model)
}
