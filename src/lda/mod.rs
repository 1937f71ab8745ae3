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
/// The special functions, now in [`crate::math`]; this path is kept.
pub use crate::math;
mod model;
mod params;
mod sparse;
mod state;

pub use export::{DocTheta, FitResult, Quote, TopicSummary, WordProb};
pub use infer::{fold_in_theta, InferOptions, Inferer, Inferred};
pub use model::{sha256_hex, DocTopics, LdaModel, ModelInput, Trace, SCHEMA_VERSION};
pub use params::{Kernel, LdaParams};

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::text::TextOptions;
use sparse::SparseState;
use state::State;

/// What the sampler reports after each sweep (for progress bars).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Sweeps done so far (1-based).
    pub iteration: usize,
    /// Sweeps asked for in all.
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
    let (state, trace, samples) = run_chain(corpus, params, progress)?;
    let answers = corpus.docs.iter().map(|d| (d.id.clone(), d.text.clone()));
    let mut model = LdaModel::from_state(
        &state,
        answers,
        corpus.vocab.clone(),
        corpus.report.clone(),
        params.clone(),
        text,
        trace,
    );
    model.set_doc_topic_samples(samples);
    Ok(model)
}

/// [`fit`], taking the corpus: the answers' texts move into the model and
/// the word ids are freed before the model is built, so a large corpus is
/// not held twice at the end of the fit.
pub fn fit_owned(
    corpus: Corpus,
    params: &LdaParams,
    text: TextOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<LdaModel> {
    let (state, trace, samples) = run_chain(&corpus, params, progress)?;
    let Corpus {
        vocab,
        docs,
        report,
    } = corpus;
    let answers = docs.into_iter().map(|d| (d.id, d.text));
    let mut model =
        LdaModel::from_state(&state, answers, vocab, report, params.clone(), text, trace);
    model.set_doc_topic_samples(samples);
    Ok(model)
}

/// Runs the chain: the final counts, the likelihood trace and the saved
/// draws of the document-topic counts.
fn run_chain(
    corpus: &Corpus,
    params: &LdaParams,
    progress: &mut dyn FnMut(Progress),
) -> Result<(State, Trace, Vec<Vec<u32>>)> {
    let mut sampler = Sampler::new(corpus, params)?;
    let mut trace = Trace::default();
    let mut samples = Vec::new();
    for iteration in 1..=params.iterations {
        sampler.sweep();
        if params.optimize_interval > 0
            && iteration > params.burn_in
            && iteration % params.optimize_interval == 0
        {
            sampler.chain.optimize_hyperparameters();
        }
        let record = iteration % params.trace_interval == 0 || iteration == params.iterations;
        let ll_per_token = record.then(|| sampler.ll_per_token());
        if let Some(ll) = ll_per_token {
            trace.iteration.push(iteration);
            trace.ll_per_token.push(ll);
        }
        if params.is_saved_sample(iteration) {
            samples.push(sampler.chain.doc_topic_counts());
        }
        progress(Progress {
            iteration,
            iterations: params.iterations,
            ll_per_token,
        });
    }
    Ok((sampler.chain.into_state(), trace, samples))
}

/// A Gibbs chain advanced one sweep at a time: what [`fit`] drives, open
/// for benchmarks and custom stopping rules. Hyperparameters stay fixed.
pub struct Sampler {
    chain: Chain,
    pool: rayon::ThreadPool,
    seed: u64,
    sweeps: usize,
    tokens: usize,
}

impl Sampler {
    /// Checks `params` against `corpus` and assigns random initial topics.
    pub fn new(corpus: &Corpus, params: &LdaParams) -> Result<Sampler> {
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
        Ok(Sampler {
            chain: Chain::new(corpus, params),
            pool: thread_pool(params.threads)?,
            seed: params.seed,
            sweeps: 0,
            tokens: corpus.docs.iter().map(|d| d.words.len()).sum(),
        })
    }

    /// Redraws every token's topic once (on the sampler's own threads).
    pub fn sweep(&mut self) {
        self.sweeps += 1;
        let (chain, seed, sweeps) = (&mut self.chain, self.seed, self.sweeps);
        self.pool.install(|| chain.sweep(seed, sweeps));
    }

    /// Sweeps done so far.
    pub fn sweeps(&self) -> usize {
        self.sweeps
    }

    /// Tokens in the corpus (each sweep samples this many).
    pub fn tokens(&self) -> usize {
        self.tokens
    }

    /// The joint log-likelihood log p(w, z) per token of the current state.
    pub fn ll_per_token(&self) -> f64 {
        self.chain.log_likelihood() / self.tokens as f64
    }
}

/// A pool of `threads` workers (all cores when `None`). The sparse kernel's
/// result does not depend on its size.
fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| {
            Error::param(
                "--threads",
                format!("could not start the worker threads: {e}"),
            )
        })
}

/// One Gibbs chain in the layout of its kernel.
enum Chain {
    Dense {
        state: State,
        rng: Xoshiro256PlusPlus,
    },
    Sparse(SparseState),
}

impl Chain {
    /// Random initial assignments. The sparse kernel needs every
    /// document-topic count to fit its packed layout; a corpus that does not
    /// (a document over 65,535 tokens at K > 32,768) runs the dense kernel.
    fn new(corpus: &Corpus, params: &LdaParams) -> Chain {
        let v = corpus.vocab.len();
        if params.kernel == Kernel::Sparse && sparse::supports(&corpus.docs, params.k) {
            let tokens = corpus.docs.iter().map(|d| d.words.len()).sum();
            return Chain::Sparse(SparseState::init(
                &corpus.docs,
                v,
                params.k,
                params.alpha,
                params.beta,
                params.seed,
                sparse::default_shards(tokens),
            ));
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
        let state = State::init(
            &corpus.docs,
            v,
            params.k,
            params.alpha,
            params.beta,
            &mut rng,
        );
        Chain::Dense { state, rng }
    }

    fn sweep(&mut self, seed: u64, iteration: usize) {
        match self {
            Chain::Dense { state, rng } => state.sweep_dense(rng),
            Chain::Sparse(s) => s.sweep(seed, iteration),
        }
    }

    fn optimize_hyperparameters(&mut self) {
        match self {
            Chain::Dense { state, .. } => {
                hyper::optimize_alpha(state);
                hyper::optimize_beta(state);
            }
            Chain::Sparse(s) => {
                let mut counts = s.to_state();
                hyper::optimize_alpha(&mut counts);
                hyper::optimize_beta(&mut counts);
                s.alpha = counts.alpha;
                s.beta = counts.beta;
            }
        }
    }

    /// Dense document-topic counts (`D × K`) of the current state.
    fn doc_topic_counts(&self) -> Vec<u32> {
        match self {
            Chain::Dense { state, .. } => state.n_dk.clone(),
            Chain::Sparse(s) => s.doc_topic_counts(),
        }
    }

    fn log_likelihood(&self) -> f64 {
        match self {
            Chain::Dense { state, .. } => state.log_likelihood(),
            Chain::Sparse(s) => s.log_likelihood(),
        }
    }

    fn into_state(self) -> State {
        match self {
            Chain::Dense { state, .. } => state,
            Chain::Sparse(s) => s.into_state(),
        }
    }
}
