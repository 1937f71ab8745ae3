//! Several Gibbs chains from one seed, and the one the model keeps.
//!
//! A single collapsed Gibbs chain on a few thousand tokens now and then
//! settles in a poorer mode, and which one depends on the seed. On a small
//! corpus several chains cost little: [`run`] starts them from streams
//! derived from the seed (chain 0 uses the seed itself, so one chain is the
//! plain fit), advances them in lockstep with the chains in parallel, and
//! keeps one by a stated criterion ([`ChainPick`]). The result depends on
//! the seed and the number of chains only, never on the number of threads:
//! each chain's draws come from its own streams and the pick is a
//! deterministic function of the finished chains.
//!
//! How well the chains agreed is kept as a [`ChainReport`]: for each topic
//! of the kept chain, the mean cosine similarity of its word distribution to
//! its matched topic (Hungarian matching) in each other chain. A topic the
//! other chains do not find is fragile, and the summary says so.
//!
//! The chains that found the kept chain's topics (mean matched similarity
//! at least [`POOL_SIMILARITY`]) are pooled for θ: their saved draws, with
//! topics relabelled to the kept chain's, all enter the posterior mean of
//! each answer's topic counts ([`Pooled`]), and the model's saved draws are
//! taken in turn from them. On a few thousand tokens one chain's draws of a
//! short answer's topics are noisy; averaging over chains that agree on the
//! topics recovers known themes better (see `examples/theme_agreement.rs`)
//! without mixing topics that only one chain found.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::Trace;
use super::params::LdaParams;
use super::state::State;
use super::{Chain, Progress};
use crate::corpus::Corpus;
use crate::error::Result;
use crate::explore::match_topics;

/// How a fit with several chains chooses the one the model keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainPick {
    /// The chain with the highest joint log-likelihood log p(w, z) per
    /// token, averaged over the sweeps whose states are saved as posterior
    /// draws (less noisy than the last sweep alone); ties go to the lower
    /// chain number.
    #[default]
    LogLikelihood,
    /// The chain whose topics agree best with the other chains' (the
    /// highest mean matched cosine similarity of φ): the medoid of the runs.
    Consensus,
}

impl ChainPick {
    /// The criterion in words, for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            ChainPick::LogLikelihood => "highest log-likelihood",
            ChainPick::Consensus => "closest to the other chains",
        }
    }
}

/// Token sweeps (tokens × iterations, summed over chains) that automatic
/// chains may spend, so a few hundred short answers (≈3,000 tokens at
/// 1,000 sweeps) get [`MAX_AUTO_CHAINS`] chains: on this project's 2-core
/// test machine (`lscpu`: Intel Xeon, AVX-512, when last measured) the
/// default fit of the 313 bundled answers, 32 chains at K = 3, takes
/// 0.70–0.81 s in wall time, tokenizing included.
pub const AUTO_CHAIN_BUDGET: usize = 100_000_000;

/// The most chains the automatic choice runs. On the bundled answers
/// (`examples/data/README.md`, seeds 11–40) the median agreement with the
/// true themes rises up to 32 chains and not past them, while the spread
/// between seeds keeps shrinking more slowly (English sd 0.0088 at 8
/// chains, 0.0056 at 32, 0.0031 at 64); 32 keep the default fit of a few
/// hundred answers at 0.6–1.3 s on two cores, where 64 would double it.
pub const MAX_AUTO_CHAINS: usize = 32;

/// Corpora with more tokens than this keep one chain unless asked: there a
/// single chain mixes well enough, and each chain holds its own copy of the
/// sampler state.
pub const MAX_AUTO_CHAIN_TOKENS: usize = 50_000;

/// The number of chains `chains: None` (auto) runs: one above
/// [`MAX_AUTO_CHAIN_TOKENS`] tokens, else as many as fit in
/// [`AUTO_CHAIN_BUDGET`] token sweeps, between 1 and [`MAX_AUTO_CHAINS`].
/// A function of the corpus size and the settings only, never of the
/// machine, so the same input gives the same model everywhere.
pub fn auto_chains(tokens: usize, iterations: usize) -> usize {
    if tokens > MAX_AUTO_CHAIN_TOKENS {
        return 1;
    }
    let per_chain = tokens.saturating_mul(iterations).max(1);
    (AUTO_CHAIN_BUDGET / per_chain).clamp(1, MAX_AUTO_CHAINS)
}

/// The chains `params` asks for on a corpus of `tokens` tokens.
pub fn resolve_chains(params: &LdaParams, tokens: usize) -> usize {
    params
        .chains
        .unwrap_or_else(|| auto_chains(tokens, params.iterations))
}

/// The seed of chain `chain`: the fit's seed for chain 0 (one chain is the
/// plain fit), a SplitMix64-decorrelated one for the others.
pub fn chain_seed(seed: u64, chain: usize) -> u64 {
    if chain == 0 {
        return seed;
    }
    let mut x = seed ^ (chain as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The mean matched topic similarity to the kept chain from which a chain
/// is pooled for θ: it found the same topics, so its draws, relabelled,
/// are draws of the same θ.
///
/// The bar is this or, when lower, the kept chain's similarity to itself
/// over its saved draws (its φ at the first saved draw against its final
/// φ): a chain as close to the kept chain as the kept chain's own topics
/// are across the draws that make θ is in its mode.
///
/// Why 0.97 and not a looser 0.9: on the bundled Korean answers the 32
/// chains of a fit fall into two modes, one at 0.975–0.996 to the kept
/// chain and one at 0.94–0.963 whose topics put a few template sentences'
/// words elsewhere (정부 거짓말 깨닫다 with the trust topic), while the kept
/// chain stays at 0.98–0.995 to itself. At 0.9 θ was averaged over both,
/// two solutions mixed; see `examples/data/README.md` for what the
/// stricter bar changed in agreement with the true themes. Why the kept
/// chain's own similarity when it is lower: on the 341 Gadarian answers
/// (K = 3) a chain's topics move to about 0.92 of themselves over the
/// saved draws, and no other chain reaches 0.97, so a fixed 0.97 would
/// pool none of the chains at 0.90–0.94 that sit in the same mode.
pub const POOL_SIMILARITY: f64 = 0.97;

/// A similarity to three decimals, as the summary's other similarities,
/// without trailing zeros (0.97, not 0.970; 0.923).
fn similarity_text(x: f64) -> String {
    let text = format!("{x:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The bar of [`POOL_SIMILARITY`] in models written before the bar was
/// kept in the report (they pooled at 0.9).
fn legacy_pool_bar() -> f64 {
    0.9
}

/// How the chains of a fit agreed, kept in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainReport {
    /// The chain the model holds (0-based).
    pub kept: usize,
    /// The criterion that chose it.
    pub pick: ChainPick,
    /// Each chain's final joint log-likelihood per token.
    pub ll_per_token: Vec<f64>,
    /// Each chain's score under [`ChainReport::pick`] (higher is better).
    pub score: Vec<f64>,
    /// For each topic of the kept chain, the mean over the other chains of
    /// the cosine similarity of φ to its matched topic there.
    pub topic_similarity: Vec<f64>,
    /// The chains whose draws enter θ (the kept chain first), those that
    /// found the kept chain's topics (see [`POOL_SIMILARITY`]); empty in
    /// models written before chains were pooled.
    #[serde(default)]
    pub pooled: Vec<usize>,
    /// The mean matched similarity to the kept chain from which a chain was
    /// pooled: [`POOL_SIMILARITY`], or the kept chain's own similarity
    /// across its saved draws when that was lower.
    #[serde(default = "legacy_pool_bar")]
    pub pool_bar: f64,
}

/// Below this mean matched similarity a topic is called fragile: the other
/// chains found something else in its place.
pub const FRAGILE_SIMILARITY: f64 = 0.8;

impl ChainReport {
    /// Chains run.
    pub fn chains(&self) -> usize {
        self.ll_per_token.len()
    }

    /// The mean of [`ChainReport::topic_similarity`] over topics.
    pub fn mean_similarity(&self) -> f64 {
        let n = self.topic_similarity.len().max(1) as f64;
        self.topic_similarity.iter().sum::<f64>() / n
    }

    /// The topics the other chains did not find (matched similarity below
    /// [`FRAGILE_SIMILARITY`]).
    pub fn fragile_topics(&self) -> Vec<usize> {
        (0..self.topic_similarity.len())
            .filter(|&t| self.topic_similarity[t] < FRAGILE_SIMILARITY)
            .collect()
    }

    /// The summary's line: chains run, which was kept and why, and how
    /// well the others agreed with it, naming fragile topics.
    pub fn summary_line(&self) -> String {
        let fragile = self.fragile_topics();
        let verdict = if fragile.is_empty() {
            "every topic found by all chains".to_string()
        } else {
            let ids: Vec<String> = fragile.iter().map(|t| format!("#{t}")).collect();
            format!(
                "fragile: {} (similarity below {FRAGILE_SIMILARITY}; read with care)",
                ids.join(", ")
            )
        };
        let pooled = match self.pooled.len() {
            0 => String::new(),
            1 => format!(
                "; θ from the kept chain alone (no other chain matched its topics at a mean similarity of {} or more)",
                similarity_text(self.pool_bar)
            ),
            n => format!(
                "; θ averaged over the {n} of {} chains whose topics match these at a mean similarity of {} or more",
                self.chains(),
                similarity_text(self.pool_bar)
            ),
        };
        format!(
            "| chains: {} (kept chain {}, {}); agreement with the others: mean matched topic similarity {:.3}; {verdict}{pooled}",
            self.chains(),
            self.kept,
            self.pick.describe(),
            self.mean_similarity(),
        )
    }

    /// Checks a report read from a model file against the model's `k`.
    pub(crate) fn check(&self, k: usize) -> std::result::Result<(), String> {
        let n = self.ll_per_token.len();
        if n < 2 || self.score.len() != n || self.kept >= n {
            return Err(format!(
                "the chain report has {n} chains, {} scores and keeps chain {}",
                self.score.len(),
                self.kept
            ));
        }
        if self.topic_similarity.len() != k {
            return Err(format!(
                "the chain report has {} topic similarities, not k = {k}",
                self.topic_similarity.len()
            ));
        }
        if !self.pooled.is_empty() && self.pooled[0] != self.kept {
            return Err(format!(
                "the chain report pools chains {:?} but keeps chain {}",
                self.pooled, self.kept
            ));
        }
        if let Some(c) = self.pooled.iter().find(|&&c| c >= n) {
            return Err(format!("the chain report pools chain {c} of {n} chains"));
        }
        if !(self.pool_bar > 0.0 && self.pool_bar <= 1.0) {
            return Err(format!(
                "the chain report's pool bar {} is not a similarity in (0, 1]",
                self.pool_bar
            ));
        }
        Ok(())
    }
}

/// The posterior mean of the answers' topic counts over the saved draws of
/// every pooled chain, kept exactly as integer sums: `sums[d * K + k]` is
/// the count of topic `k` in answer `d` summed over `draws` draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pooled {
    /// Draws summed (saved draws per chain × pooled chains).
    pub draws: u32,
    /// Topic counts summed over the draws, `D × K` document-major.
    pub sums: Vec<u64>,
}

/// A finished fit: the kept chain's counts and trace, the saved draws (in
/// turn from the pooled chains), and, when more than one chain ran, the
/// chain report and the pooled posterior sums.
pub(crate) struct Fitted {
    pub state: State,
    pub trace: Trace,
    pub samples: Vec<Vec<u32>>,
    pub report: Option<ChainReport>,
    pub pooled: Option<Pooled>,
}

/// One chain with what it records as it runs.
struct Run {
    chain: Chain,
    seed: u64,
    /// Whether to keep φ at the first saved draw (several chains only).
    snapshot: bool,
    record: Record,
}

/// What a chain records as it runs.
#[derive(Default)]
struct Record {
    trace: Trace,
    samples: Vec<Vec<u32>>,
    /// Log-likelihoods per token of the sweeps saved as draws.
    saved_ll: Vec<f64>,
    /// φ at the first saved draw, when several chains run (for
    /// [`pool_bar`]).
    first_saved_phi: Option<Vec<Vec<f64>>>,
}

impl Run {
    /// One sweep, then the hyperparameter step, the log-likelihood and the
    /// saved draw that `params` asks for after sweep `iteration`; returns
    /// the log-likelihood per token when the trace records it.
    fn step(&mut self, params: &LdaParams, iteration: usize, tokens: f64) -> Option<f64> {
        self.chain.sweep(self.seed, iteration);
        if params.optimize_interval > 0
            && iteration > params.burn_in
            && iteration.is_multiple_of(params.optimize_interval)
        {
            self.chain.optimize_hyperparameters();
        }
        let saved = params.is_saved_sample(iteration);
        let traced =
            iteration.is_multiple_of(params.trace_interval) || iteration == params.iterations;
        let ll = (traced || saved).then(|| self.chain.log_likelihood() / tokens);
        let rec = &mut self.record;
        if let (true, Some(ll)) = (traced, ll) {
            rec.trace.iteration.push(iteration);
            rec.trace.ll_per_token.push(ll);
        }
        if saved {
            if self.snapshot && rec.samples.is_empty() {
                rec.first_saved_phi = Some(self.chain.phi());
            }
            rec.samples.push(self.chain.doc_topic_counts());
            rec.saved_ll.extend(ll);
        }
        ll.filter(|_| traced)
    }
}

/// Runs the chains `params` asks for and keeps one (see the module doc).
/// With a `start`, every chain begins at its topics (see
/// [`super::fit_from`]).
pub(crate) fn run(
    corpus: &Corpus,
    params: &LdaParams,
    start: Option<&[Vec<u16>]>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fitted> {
    super::check_fit(corpus, params)?;
    let pool = super::thread_pool(params.threads)?;
    let tokens = corpus.num_tokens();
    let n = resolve_chains(params, tokens);
    let mut runs: Vec<Run> = (0..n)
        .map(|c| {
            let seed = chain_seed(params.seed, c);
            Run {
                chain: Chain::new(corpus, params, seed, start),
                seed,
                snapshot: n > 1,
                record: Record::default(),
            }
        })
        .collect();
    for iteration in 1..=params.iterations {
        let lls: Vec<Option<f64>> = pool.install(|| {
            runs.par_iter_mut()
                .map(|r| r.step(params, iteration, tokens as f64))
                .collect()
        });
        progress(Progress {
            iteration,
            iterations: params.iterations,
            ll_per_token: lls.into_iter().flatten().reduce(f64::max),
        });
    }
    let (states, records): (Vec<State>, Vec<Record>) = pool.install(|| {
        runs.into_par_iter()
            .map(|r| (r.chain.into_state(), r.record))
            .unzip()
    });
    Ok(keep_one(records, states, params.chain_pick))
}

/// φ rows (K × V) of a chain's counts.
pub(super) fn phi(state: &State) -> Vec<Vec<f64>> {
    let (k, v) = (state.k, state.v);
    let vbeta = v as f64 * state.beta;
    (0..k)
        .map(|t| {
            let total = state.n_k[t] as f64 + vbeta;
            (0..v)
                .map(|w| (state.n_wk[w * k + t] as f64 + state.beta) / total)
                .collect()
        })
        .collect()
}

/// `matches[i][j][t]`: the topic of chain `j` matched to topic `t` of chain
/// `i`, and the cosine similarity of their word distributions (each topic
/// itself, similarity 1, on the diagonal).
fn pairwise_matches(phis: &[Vec<Vec<f64>>]) -> Vec<Vec<Vec<(usize, f64)>>> {
    let n = phis.len();
    let k = phis[0].len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        return (0..k).map(|t| (t, 1.0)).collect();
                    }
                    match_topics(&phis[i], &phis[j])
                })
                .collect()
        })
        .collect()
}

/// The mean matched similarity of two chains' topics.
fn mean_match(matches: &[(usize, f64)]) -> f64 {
    matches.iter().map(|&(_, s)| s).sum::<f64>() / matches.len().max(1) as f64
}

/// A saved draw of another chain with its topics relabelled to the kept
/// chain's: `to_kept[t]` is that chain's topic matched to kept topic `t`.
fn relabel(draw: &[u32], to_kept: &[(usize, f64)]) -> Vec<u32> {
    let k = to_kept.len();
    draw.chunks_exact(k)
        .flat_map(|counts| to_kept.iter().map(move |&(j, _)| counts[j]))
        .collect()
}

/// The chains pooled for θ: the kept chain, then in order every other chain
/// whose topics match the kept chain's with mean similarity at least `bar`
/// ([`pool_bar`]).
fn pooled_chains(kept: usize, to_kept: &[Vec<(usize, f64)>], bar: f64) -> Vec<usize> {
    std::iter::once(kept)
        .chain((0..to_kept.len()).filter(|&j| j != kept && mean_match(&to_kept[j]) >= bar))
        .collect()
}

/// The similarity from which a chain is pooled with the kept one:
/// [`POOL_SIMILARITY`], or the kept chain's own mean matched similarity
/// between its φ at the first saved draw and its final φ when that is
/// lower (without the first φ, [`POOL_SIMILARITY`]).
fn pool_bar(first_saved_phi: Option<&[Vec<f64>]>, final_phi: &[Vec<f64>]) -> f64 {
    first_saved_phi.map_or(POOL_SIMILARITY, |first| {
        mean_match(&match_topics(first, final_phi)).min(POOL_SIMILARITY)
    })
}

/// The pooled chains' saved draws, relabelled: the posterior sums over all
/// of them (added as they are read, no relabelled copy kept), and the
/// `saved` draws taken in turn from each chain (the last one from the kept
/// chain, so the last saved draw stays the final state).
fn pool_draws(
    records: &[Record],
    pooled: &[usize],
    to_kept: &[Vec<(usize, f64)>],
) -> (Pooled, Vec<Vec<u32>>) {
    let kept = &records[pooled[0]].samples;
    let k = to_kept[pooled[0]].len();
    let mut sums = vec![0u64; kept.first().map_or(0, Vec::len)];
    let mut draws = 0u32;
    for &c in pooled {
        for draw in &records[c].samples {
            for (sums, counts) in sums.chunks_exact_mut(k).zip(draw.chunks_exact(k)) {
                for (sum, &(j, _)) in sums.iter_mut().zip(&to_kept[c]) {
                    *sum += counts[j] as u64;
                }
            }
            draws += 1;
        }
    }
    let saved = kept.len();
    let turns = (0..saved)
        .map(|s| {
            let c = pooled[(saved - 1 - s) % pooled.len()];
            relabel(&records[c].samples[s], &to_kept[c])
        })
        .collect();
    (Pooled { draws, sums }, turns)
}

/// The index of the highest score, the lowest index among ties.
fn best(scores: &[f64]) -> usize {
    (0..scores.len()).fold(0, |b, i| if scores[i] > scores[b] { i } else { b })
}

/// Each chain's score under `pick`: the mean log-likelihood per token of
/// its saved sweeps, or its mean matched similarity to the other chains.
fn scores(runs: &[Record], matches: &[Vec<Vec<(usize, f64)>>], pick: ChainPick) -> Vec<f64> {
    let n = runs.len();
    match pick {
        ChainPick::LogLikelihood => runs
            .iter()
            .map(|r| r.saved_ll.iter().sum::<f64>() / r.saved_ll.len().max(1) as f64)
            .collect(),
        ChainPick::Consensus => (0..n)
            .map(|i| {
                let total: f64 = (0..n)
                    .filter(|&j| j != i)
                    .map(|j| mean_match(&matches[i][j]))
                    .sum();
                total / (n - 1) as f64
            })
            .collect(),
    }
}

/// Chooses the chain to keep among the finished `runs`, pools the chains
/// that found its topics, and reports how the others agreed with it.
fn keep_one(runs: Vec<Record>, mut states: Vec<State>, pick: ChainPick) -> Fitted {
    if runs.len() == 1 {
        let run = runs.into_iter().next().expect("one chain");
        return Fitted {
            state: states.pop().expect("one state"),
            trace: run.trace,
            samples: run.samples,
            report: None,
            pooled: None,
        };
    }
    let phis: Vec<Vec<Vec<f64>>> = states.iter().map(phi).collect();
    let matches = pairwise_matches(&phis);
    let score = scores(&runs, &matches, pick);
    let kept = best(&score);
    // `matches[kept][j][t]`: chain j's topic matched to kept topic t.
    let to_kept = &matches[kept];
    let bar = pool_bar(runs[kept].first_saved_phi.as_deref(), &phis[kept]);
    let pooled = pooled_chains(kept, to_kept, bar);
    let (sums, samples) = pool_draws(&runs, &pooled, to_kept);
    let report = ChainReport {
        kept,
        pick,
        ll_per_token: runs
            .iter()
            .map(|r| r.trace.ll_per_token.last().copied().unwrap_or(f64::NAN))
            .collect(),
        score,
        topic_similarity: topic_similarity(&matches, kept),
        pooled,
        pool_bar: bar,
    };
    let run = runs.into_iter().nth(kept).expect("kept chain");
    Fitted {
        state: states.swap_remove(kept),
        trace: run.trace,
        samples,
        report: Some(report),
        pooled: (sums.draws > 0).then_some(sums),
    }
}

/// For each topic of the kept chain, the mean over the other chains of its
/// matched similarity.
fn topic_similarity(matches: &[Vec<Vec<(usize, f64)>>], kept: usize) -> Vec<f64> {
    let n = matches.len();
    let k = matches[kept][kept].len();
    (0..k)
        .map(|t| {
            (0..n)
                .filter(|&j| j != kept)
                .map(|j| matches[kept][j][t].1)
                .sum::<f64>()
                / (n - 1) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_chains_spend_the_budget_on_small_corpora_only() {
        // The bundled answers: ~2,800 tokens at 1,000 sweeps.
        assert_eq!(auto_chains(2_800, 1000), MAX_AUTO_CHAINS);
        assert_eq!(auto_chains(7_500, 1000), 13);
        assert_eq!(auto_chains(25_000, 1000), 4);
        assert_eq!(auto_chains(50_000, 1000), 2);
        // A large corpus keeps one chain, however few its sweeps.
        assert_eq!(auto_chains(50_000, 10), MAX_AUTO_CHAINS);
        assert_eq!(auto_chains(50_001, 10), 1);
        // ap.txt at 200 sweeps.
        assert_eq!(auto_chains(435_838, 200), 1);
        assert_eq!(auto_chains(0, 0), MAX_AUTO_CHAINS);
    }

    #[test]
    fn chain_zero_is_the_plain_seed_and_the_others_differ() {
        assert_eq!(chain_seed(7, 0), 7);
        let seeds: Vec<u64> = (0..8).map(|c| chain_seed(7, c)).collect();
        let mut unique = seeds.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 8);
        assert_ne!(chain_seed(7, 1), chain_seed(8, 1));
    }

    /// A finished two-topic chain over four words whose topic-word counts
    /// are `n_wk` (word-major), with saved log-likelihoods `saved_ll`.
    fn finished(n_wk: [u32; 8], saved_ll: f64) -> (Record, State) {
        let n_k = vec![
            (0..4).map(|w| n_wk[2 * w] as u64).sum(),
            (0..4).map(|w| n_wk[2 * w + 1] as u64).sum(),
        ];
        let n_dk = n_k.iter().map(|&n| n as u32).collect();
        let state = State::from_counts(2, 4, &[40], n_dk, n_wk.to_vec(), n_k, vec![0.1; 2], 0.01);
        let mut record = Record {
            saved_ll: vec![saved_ll, saved_ll],
            ..Record::default()
        };
        record.trace.ll_per_token = vec![saved_ll];
        (record, state)
    }

    /// Chains 0 and 1 find topics {w0, w1} and {w2, w3}; chain 2 finds
    /// {w0, w2} and {w1, w3} but has the highest log-likelihood. Each
    /// criterion keeps the chain it says: the best LL keeps 2, consensus
    /// keeps 0 (the first of the two that agree), and the report says how
    /// well the others agreed with the kept one.
    fn three_chains() -> (Vec<Record>, Vec<State>) {
        let clean = [10, 0, 10, 0, 0, 10, 0, 10];
        let crossed = [10, 0, 0, 10, 10, 0, 0, 10];
        let chains = [
            finished(clean, -5.2),
            finished(clean, -5.1),
            finished(crossed, -5.0),
        ];
        chains.into_iter().unzip()
    }

    #[test]
    fn each_criterion_keeps_the_chain_it_names() {
        let (records, states) = three_chains();
        let by_ll = keep_one(records, states, ChainPick::LogLikelihood);
        let report = by_ll.report.unwrap();
        assert_eq!(report.kept, 2);
        assert_eq!(report.score, vec![-5.2, -5.1, -5.0]);
        assert_eq!(
            by_ll.state.n_wk[2..4],
            [0, 10],
            "the crossed chain's counts"
        );

        let (records, states) = three_chains();
        let by_consensus = keep_one(records, states, ChainPick::Consensus);
        let report = by_consensus.report.unwrap();
        assert_eq!(report.kept, 0);
        assert_eq!(by_consensus.state.n_wk[2..4], [10, 0]);
        // Chain 0 matches chain 1 exactly and chain 2 halfway.
        let cross = report.topic_similarity[0] * 2.0 - 1.0;
        assert!((0.4..0.6).contains(&cross), "{report:?}");
        assert!(report.score[0] > report.score[2]);
        assert_eq!(report.score[0], report.score[1]);
    }

    /// Chain 0 (best LL) and chain 1 find the same topics, chain 1 with the
    /// labels swapped; chain 2 finds crossed topics. Chains 0 and 1 are
    /// pooled, chain 1's draws relabelled; chain 2 is left out. The saved
    /// draws alternate between them, the last from the kept chain.
    #[test]
    fn chains_that_found_the_kept_topics_are_pooled_relabelled() {
        let with_draws = |n_wk, ll, draws: Vec<Vec<u32>>| {
            let (mut record, state) = finished(n_wk, ll);
            record.samples = draws;
            (record, state)
        };
        let (records, states): (Vec<Record>, Vec<State>) = [
            with_draws(
                [10, 0, 10, 0, 0, 10, 0, 10],
                -5.0,
                vec![vec![30, 10], vec![28, 12]],
            ),
            with_draws(
                [0, 10, 0, 10, 10, 0, 10, 0],
                -5.1,
                vec![vec![9, 31], vec![11, 29]],
            ),
            with_draws(
                [10, 0, 0, 10, 10, 0, 0, 10],
                -5.2,
                vec![vec![20, 20], vec![20, 20]],
            ),
        ]
        .into_iter()
        .unzip();
        let fitted = keep_one(records, states, ChainPick::LogLikelihood);
        let report = fitted.report.unwrap();
        assert_eq!(report.kept, 0);
        assert_eq!(report.pooled, vec![0, 1]);
        let pooled = fitted.pooled.unwrap();
        assert_eq!(pooled.draws, 4);
        assert_eq!(pooled.sums, vec![30 + 28 + 31 + 29, 10 + 12 + 9 + 11]);
        assert_eq!(fitted.samples, vec![vec![31, 9], vec![28, 12]]);
    }

    #[test]
    fn a_fit_without_saved_draws_pools_nothing() {
        let (records, states) = three_chains();
        let fitted = keep_one(records, states, ChainPick::LogLikelihood);
        assert!(fitted.pooled.is_none());
        assert!(fitted.samples.is_empty());
    }

    #[test]
    fn relabel_reads_each_kept_topic_from_its_match() {
        // Two answers, three topics; the other chain's topic 2 is kept 0.
        let to_kept = [(2, 0.98), (0, 0.96), (1, 0.99)];
        assert_eq!(
            relabel(&[1, 2, 3, 4, 5, 6], &to_kept),
            vec![3, 1, 2, 6, 4, 5]
        );
        assert!((mean_match(&to_kept) - 2.93 / 3.0).abs() < 1e-12);
        // Chain 0 (mean 0.977) is pooled; chain 2 (0.96, like the other
        // mode of the bundled Korean answers) is not.
        let others = [to_kept.to_vec(), vec![(0, 1.0); 3], vec![(0, 0.96); 3]];
        assert_eq!(
            pooled_chains(1, &others, POOL_SIMILARITY),
            vec![1, 0],
            "chain 2's mean similarity 0.96 is below {POOL_SIMILARITY}"
        );
        // With a kept chain that moves to 0.95 of itself, chain 2 is in
        // its mode.
        assert_eq!(pooled_chains(1, &others, 0.95), vec![1, 0, 2]);
    }

    /// The bar is the kept chain's similarity to itself over its saved
    /// draws when that is below [`POOL_SIMILARITY`], else the constant.
    #[test]
    fn the_pool_bar_is_the_kept_chain_moving_against_itself() {
        let last = vec![vec![0.5, 0.5, 0.0], vec![0.0, 0.0, 1.0]];
        // The first saved φ: topic 0 the same, topic 1 shifted; the
        // topics come back in the other order, which matching undoes.
        let moved = vec![vec![0.0, 0.6, 0.8], vec![0.5, 0.5, 0.0]];
        let own = (1.0 + 0.8) / 2.0;
        assert!((pool_bar(Some(&moved), &last) - own).abs() < 1e-12);
        assert_eq!(pool_bar(Some(&last), &last), POOL_SIMILARITY);
        assert_eq!(pool_bar(None, &last), POOL_SIMILARITY);
        assert_eq!(similarity_text(0.97), "0.97");
        assert_eq!(similarity_text(0.92341), "0.923");
        assert_eq!(similarity_text(1.0), "1");
    }

    #[test]
    fn best_takes_the_first_of_ties() {
        assert_eq!(best(&[1.0, 3.0, 3.0, 2.0]), 1);
        assert_eq!(best(&[-5.0]), 0);
    }
}
