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

mod chains;
mod export;
mod hyper;
mod infer;
/// The special functions, now in [`crate::math`]; this path is kept.
pub use crate::math;
mod model;
mod params;
mod sparse;
mod state;

pub use chains::{
    auto_chains, chain_seed, resolve_chains, ChainPick, ChainReport, Pooled, AUTO_CHAIN_BUDGET,
    FRAGILE_SIMILARITY, MAX_AUTO_CHAINS, MAX_AUTO_CHAIN_TOKENS, POOL_SIMILARITY,
};
pub use export::{DocTheta, FitResult, Quote, TopicSummary, WordProb};
pub use infer::{fold_in_theta, InferOptions, Inferer, Inferred};
pub use model::{
    dominant_topic, sha256_hex, DistinctDocument, DocTopics, LdaModel, ModelInput, Trace,
    SCHEMA_VERSION,
};
pub use params::{Kernel, LdaParams};
pub use sparse::{instruction_set, InstructionSet};

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

/// Fits LDA to `corpus`. `progress` is called after every sweep. Small
/// corpora run several chains and keep one (see [`LdaParams::chains`]).
pub fn fit(
    corpus: &Corpus,
    params: &LdaParams,
    text: TextOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<LdaModel> {
    fit_started(corpus, params, text, None, progress)
}

/// [`fit`] with every chain started from `start` instead of random topics:
/// `start[d][i]` is the topic of the `i`-th word of `corpus.docs[d]`. Each
/// chain then samples on its own stream, as in [`fit`].
///
/// For diagnostics more than for fitting: starting at known themes (the
/// bundled answers' `sentences.csv`) shows where the sampler goes from the
/// truth, and at what likelihood, which a random start cannot tell apart
/// from a search that failed (`examples/theme_agreement.rs --start truth`).
pub fn fit_from(
    corpus: &Corpus,
    params: &LdaParams,
    text: TextOptions,
    start: &[Vec<u16>],
    progress: &mut dyn FnMut(Progress),
) -> Result<LdaModel> {
    check_start(corpus, params.k, start)?;
    fit_started(corpus, params, text, Some(start), progress)
}

/// The chains from `start` (random topics when `None`), then the model.
fn fit_started(
    corpus: &Corpus,
    params: &LdaParams,
    text: TextOptions,
    start: Option<&[Vec<u16>]>,
    progress: &mut dyn FnMut(Progress),
) -> Result<LdaModel> {
    let fitted = chains::run(corpus, params, start, progress)?;
    let answers = corpus.docs.iter().map(|d| (d.id.clone(), d.text.clone()));
    Ok(LdaModel::from_fitted(
        fitted,
        answers,
        corpus.vocab.clone(),
        corpus.report.clone(),
        params.clone(),
        text,
    ))
}

/// A start gives every answer one topic per word, each below `k`.
fn check_start(corpus: &Corpus, k: usize, start: &[Vec<u16>]) -> Result<()> {
    if start.len() != corpus.docs.len() {
        return Err(Error::param(
            "start",
            format!(
                "topics for {} answers, but the corpus fits {}",
                start.len(),
                corpus.docs.len()
            ),
        ));
    }
    for (doc, topics) in corpus.docs.iter().zip(start) {
        if topics.len() != doc.words.len() {
            return Err(Error::param(
                "start",
                format!(
                    "answer {}: {} topics for its {} words",
                    doc.id,
                    topics.len(),
                    doc.words.len()
                ),
            ));
        }
        if let Some(&t) = topics.iter().find(|&&t| t as usize >= k) {
            return Err(Error::param(
                "start",
                format!(
                    "answer {}: topic {t}, but there are {k} topics (0 to {})",
                    doc.id,
                    k - 1
                ),
            ));
        }
    }
    Ok(())
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
    let fitted = chains::run(&corpus, params, None, progress)?;
    let Corpus {
        vocab,
        docs,
        report,
    } = corpus;
    let answers = docs.into_iter().map(|d| (d.id, d.text));
    Ok(LdaModel::from_fitted(
        fitted,
        answers,
        vocab,
        report,
        params.clone(),
        text,
    ))
}

/// Checks `params` against `corpus`: valid settings, something to fit and
/// no more topics than answers.
fn check_fit(corpus: &Corpus, params: &LdaParams) -> Result<()> {
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
    Ok(())
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
    /// Checks `params` against `corpus` and assigns random initial topics
    /// (one chain, from `params.seed`, whatever `params.chains` says).
    pub fn new(corpus: &Corpus, params: &LdaParams) -> Result<Sampler> {
        check_fit(corpus, params)?;
        Ok(Sampler {
            chain: Chain::new(corpus, params, params.seed, None),
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
    /// Random initial assignments from `seed`. The sparse kernel needs
    /// every document-topic count to fit its packed layout; a corpus that
    /// does not (a document over 65,535 tokens at K > 32,768) runs the dense
    /// kernel.
    ///
    /// With a `start`, every token begins at the topic it gives instead.
    fn new(corpus: &Corpus, params: &LdaParams, seed: u64, start: Option<&[Vec<u16>]>) -> Chain {
        let v = corpus.vocab.len();
        let (docs, k, alpha, beta) = (&corpus.docs, params.k, params.alpha, params.beta);
        if params.kernel == Kernel::Sparse && sparse::supports(docs, k) {
            let tokens = docs.iter().map(|d| d.words.len()).sum();
            let shards = sparse::default_shards(tokens);
            return Chain::Sparse(match start {
                Some(start) => SparseState::init_from(docs, v, k, alpha, beta, shards, start),
                None => SparseState::init(docs, v, k, alpha, beta, seed, shards, None),
            });
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let state = match start {
            Some(start) => State::init_from(docs, v, k, alpha, beta, start),
            None => State::init(docs, v, k, alpha, beta, &mut rng),
        };
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

    /// φ rows (K × V) of the current state.
    fn phi(&self) -> Vec<Vec<f64>> {
        match self {
            Chain::Dense { state, .. } => chains::phi(state),
            Chain::Sparse(s) => chains::phi(&s.to_state()),
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
