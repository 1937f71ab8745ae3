//! A fitted LDA model: what it holds, what it answers, and its file format.
//!
//! On disk a model is one JSON document:
//! `{"format": "topics-model", "schema_version": 1, "model": {...},
//! "checksum": "<sha256>"}`. The checksum covers the exact bytes of `model`,
//! so a truncated or edited file is refused on load instead of giving wrong
//! topics.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::chains::{ChainReport, Fitted, Pooled};
use super::params::LdaParams;
use super::state::State;
use crate::corpus::{CorpusReport, PruneOptions, Vocabulary};
use crate::text::TextOptions;

mod format;
mod summary;

use format::ModelData;
pub use format::{sha256_hex, SCHEMA_VERSION};

/// The log-likelihood trace: the training joint log p(w, z) per token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Sweeps at which the log-likelihood was computed (1-based).
    pub iteration: Vec<usize>,
    /// The log-likelihood per token at each of those sweeps.
    pub ll_per_token: Vec<f64>,
}

/// One fitted answer: its id, its text, its token count and its topic
/// counts. The text is kept so that a reopened model can quote the answers
/// that best show each topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocTopics {
    /// The answer's id.
    pub id: String,
    #[serde(default)]
    /// The answer as written (empty in models written before texts were kept).
    pub text: String,
    /// Tokens of the answer in the fit.
    pub length: usize,
    /// Tokens of the answer assigned to each topic.
    pub counts: Vec<u32>,
}

/// Where the fitted answers came from, for reproducibility.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInput {
    /// The input path as given.
    pub path: String,
    /// SHA-256 of the input bytes.
    pub sha256: String,
    /// The vocabulary pruning used, so a refit can repeat it.
    pub prune: Option<PruneOptions>,
}

/// A fitted topic model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "ModelData")]
pub struct LdaModel {
    params: LdaParams,
    text: TextOptions,
    vocab: Vocabulary,
    alpha: Vec<f64>,
    beta: f64,
    /// Topic-major counts: `n_kw[k * V + w]`.
    n_kw: Vec<u32>,
    n_k: Vec<u64>,
    documents: Vec<DocTopics>,
    corpus: CorpusReport,
    trace: Trace,
    /// Provenance; filled in by the caller that knows the input.
    pub input: ModelInput,
    version: String,
    /// Posterior draws of the document-topic counts, each `D × K`
    /// document-major (see [`LdaParams::saved_samples`]).
    doc_topic_samples: Vec<Vec<u32>>,
    /// How the chains agreed, when more than one ran.
    chains: Option<ChainReport>,
    /// The posterior sums over every pooled chain's draws, when several
    /// chains ran.
    pooled: Option<Pooled>,
    /// The checksum of the model data, from load or save (labels files
    /// name the model they were made for by it); not serialized.
    checksum: Checksum,
}

/// A cache of [`LdaModel::checksum`]: equality of models ignores it.
#[derive(Debug, Clone, Default)]
struct Checksum(std::sync::OnceLock<String>);

impl PartialEq for Checksum {
    fn eq(&self, _: &Checksum) -> bool {
        true
    }
}

impl LdaModel {
    /// The model of a finished fit (its kept chain, the chain report and
    /// the saved draws); `answers` are the fitted documents' (id, text), in
    /// corpus order.
    pub(crate) fn from_fitted(
        fitted: Fitted,
        answers: impl Iterator<Item = (String, String)>,
        vocab: Vocabulary,
        report: CorpusReport,
        params: LdaParams,
        text: TextOptions,
    ) -> LdaModel {
        let mut model = Self::from_state(
            &fitted.state,
            answers,
            vocab,
            report,
            params,
            text,
            fitted.trace,
        );
        model.doc_topic_samples = fitted.samples;
        model.chains = fitted.report;
        model.pooled = fitted.pooled;
        model
    }

    /// How the chains of the fit agreed, when more than one ran.
    pub fn chains(&self) -> Option<&ChainReport> {
        self.chains.as_ref()
    }

    /// The model of a finished chain; `answers` are the fitted documents'
    /// (id, text), in corpus order.
    pub(crate) fn from_state(
        state: &State,
        answers: impl Iterator<Item = (String, String)>,
        vocab: Vocabulary,
        report: CorpusReport,
        params: LdaParams,
        text: TextOptions,
        trace: Trace,
    ) -> LdaModel {
        let (k, v) = (state.k, state.v);
        let mut n_kw = vec![0u32; k * v];
        for w in 0..v {
            for t in 0..k {
                n_kw[t * v + w] = state.n_wk[w * k + t];
            }
        }
        let documents = answers
            .enumerate()
            .map(|(d, (id, text))| DocTopics {
                id,
                text,
                length: state.doc_len(d),
                counts: state.doc_counts(d).to_vec(),
            })
            .collect::<Vec<DocTopics>>();
        LdaModel {
            params,
            text,
            vocab,
            alpha: state.alpha.clone(),
            beta: state.beta,
            n_kw,
            n_k: state.n_k.clone(),
            documents,
            corpus: report,
            trace,
            input: ModelInput::default(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            doc_topic_samples: Vec::new(),
            chains: None,
            pooled: None,
            checksum: Checksum::default(),
        }
    }

    /// How many posterior draws of θ the model keeps.
    pub fn num_theta_draws(&self) -> usize {
        self.doc_topic_samples.len()
    }

    /// θ of the `doc`-th fitted answer in posterior draw `draw`
    /// (0 = earliest kept; the last equals [`LdaModel::theta`]), with the
    /// final alpha: (n_dk⁽ˢ⁾ + α_k) / (n_d + Σα).
    pub fn theta_draw(&self, draw: usize, doc: usize) -> Vec<f64> {
        let k = self.k();
        let counts = &self.doc_topic_samples[draw][doc * k..(doc + 1) * k];
        self.shares(doc, counts.iter().map(|&n| n as f64))
    }

    /// (n_k + α_k) / (n_d + Σα) for the `doc`-th answer's topic counts
    /// `counts` (one draw, the final state or their mean): the one
    /// expression every θ is read with.
    fn shares(&self, doc: usize, counts: impl Iterator<Item = f64>) -> Vec<f64> {
        let length = self.documents[doc].length as f64;
        let alpha_sum: f64 = self.alpha.iter().sum();
        counts
            .zip(&self.alpha)
            .map(|(n, &a)| (n + a) / (length + alpha_sum))
            .collect()
    }

    /// Number of topics.
    pub fn k(&self) -> usize {
        self.params.k
    }

    /// The fit's settings (K, priors, sweeps, seed).
    pub fn params(&self) -> &LdaParams {
        &self.params
    }

    /// How answers were tokenized; inference on new answers must use the same.
    pub fn text_options(&self) -> &TextOptions {
        &self.text
    }

    /// The terms the model counts.
    pub fn vocab(&self) -> &Vocabulary {
        &self.vocab
    }

    /// The document-topic prior after optimization (one value per topic).
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// The topic-word prior after optimization.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// The fitted answers with their topic counts.
    pub fn documents(&self) -> &[DocTopics] {
        &self.documents
    }

    /// What reading and pruning kept and dropped.
    pub fn corpus_report(&self) -> &CorpusReport {
        &self.corpus
    }

    /// The log-likelihood over sweeps.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The `topics` version that fitted the model.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Tokens assigned to each topic.
    pub fn topic_counts(&self) -> &[u64] {
        &self.n_k
    }

    /// Total tokens in the fit.
    pub fn num_tokens(&self) -> u64 {
        self.n_k.iter().sum()
    }

    /// The final joint log-likelihood per token.
    pub fn ll_per_token(&self) -> f64 {
        self.trace.ll_per_token.last().copied().unwrap_or(f64::NAN)
    }

    /// φ_kw = (n_kw + β) / (n_k + Vβ).
    pub fn phi(&self, topic: usize, word: u32) -> f64 {
        let v = self.vocab.len();
        (self.n_kw[topic * v + word as usize] as f64 + self.beta)
            / (self.n_k[topic] as f64 + v as f64 * self.beta)
    }

    /// The whole word distribution of a topic.
    pub fn phi_row(&self, topic: usize) -> Vec<f64> {
        (0..self.vocab.len() as u32)
            .map(|w| self.phi(topic, w))
            .collect()
    }

    /// Raw topic-word counts of a topic (indexed by word id).
    pub fn topic_word_counts(&self, topic: usize) -> &[u32] {
        let v = self.vocab.len();
        &self.n_kw[topic * v..(topic + 1) * v]
    }

    /// θ_dk = (n̄_dk + α_k) / (n_d + Σα) for the `doc`-th fitted answer,
    /// where n̄_dk is the posterior mean of its topic counts: over the saved
    /// draws of every pooled chain (topics relabelled to the kept chain's),
    /// else the saved draws, else the final state (models without draws).
    /// One Gibbs state of a short answer is a noisy draw; the mean is the
    /// estimate, and it equals the mean of [`LdaModel::theta_draw`] when
    /// one chain ran.
    pub fn theta(&self, doc: usize) -> Vec<f64> {
        let alpha_sum: f64 = self.alpha.iter().sum();
        (0..self.k())
            .map(|t| self.theta_of(doc, t, alpha_sum))
            .collect()
    }

    /// θ of one topic in one answer, given Σα: the same expression (hence
    /// the same bits) as that topic's entry of [`LdaModel::theta`].
    fn theta_of(&self, doc: usize, topic: usize, alpha_sum: f64) -> f64 {
        let n = self.mean_count(doc, topic);
        (n + self.alpha[topic]) / (self.documents[doc].length as f64 + alpha_sum)
    }

    /// The posterior mean of one answer's count of one topic: the pooled
    /// sums over their draws when several chains were pooled, else the
    /// mean of the saved draws, else the final state. Read from the draws
    /// on each call rather than kept, so that a large corpus holds no
    /// second `D × K` table; sums of integer counts are exact, so the mean
    /// is the same bits on every machine.
    fn mean_count(&self, doc: usize, topic: usize) -> f64 {
        let i = doc * self.k() + topic;
        if let Some(p) = &self.pooled {
            return p.sums[i] as f64 / p.draws as f64;
        }
        if self.doc_topic_samples.is_empty() {
            return self.documents[doc].counts[topic] as f64;
        }
        let sum: u64 = self.doc_topic_samples.iter().map(|d| d[i] as u64).sum();
        sum as f64 / self.doc_topic_samples.len() as f64
    }

    /// θ of the kept chain's final state alone, (n_dk + α_k) / (n_d + Σα):
    /// one posterior draw (what tomotopy's `get_topic_dist` gives), noisier
    /// than [`LdaModel::theta`].
    pub fn final_theta(&self, doc: usize) -> Vec<f64> {
        let counts = self.documents[doc].counts.iter().map(|&n| n as f64);
        self.shares(doc, counts)
    }

    /// The posterior sums over the pooled chains' draws, when several
    /// chains ran.
    pub fn pooled(&self) -> Option<&Pooled> {
        self.pooled.as_ref()
    }

    /// The share of all tokens assigned to a topic.
    pub fn token_share(&self, topic: usize) -> f64 {
        self.n_k[topic] as f64 / self.num_tokens().max(1) as f64
    }

    /// The `n` answers with the highest θ for a topic (stm's
    /// `findThoughts`): (document index, θ_k), ties by position.
    pub fn top_documents(&self, topic: usize, n: usize) -> Vec<(usize, f64)> {
        let alpha_sum: f64 = self.alpha.iter().sum();
        let scored: Vec<(usize, f64)> = (0..self.documents.len())
            .map(|d| (d, self.theta_of(d, topic, alpha_sum)))
            .collect();
        top_n(scored, n, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)))
    }

    /// The `n` answers with the highest θ for a topic, one per text: an
    /// answer several respondents wrote word for word (case and spacing
    /// aside; short answers repeat often, "모름", "Not sure.") is shown once,
    /// by its highest-θ copy, with the document indices of the others, so
    /// `n` quotes are `n` different things said. (document index, θ_k, the
    /// other documents with its text in document order); ties by position.
    /// Answers without a kept text (models written before texts were kept)
    /// are never merged.
    pub fn top_distinct_documents(&self, topic: usize, n: usize) -> Vec<DistinctDocument> {
        let alpha_sum: f64 = self.alpha.iter().sum();
        let keys: Vec<String> = self.documents.iter().map(|d| text_key(&d.text)).collect();
        let mut same: HashMap<&str, Vec<usize>> = HashMap::new();
        for (d, key) in keys.iter().enumerate().filter(|(_, k)| !k.is_empty()) {
            same.entry(key.as_str()).or_default().push(d);
        }
        let scored: Vec<(usize, f64)> = (0..self.documents.len())
            .map(|d| (d, self.theta_of(d, topic, alpha_sum)))
            .collect();
        let cmp = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // The head of the ranking, widened until it holds `n` texts (or is
        // all of it): a selection, not a sort of every answer, as a few
        // repeats among the best answers are the usual case.
        let mut head = n.max(1).saturating_mul(2);
        let order = loop {
            let top = top_n(scored.clone(), head, cmp);
            let (blank, texts): (Vec<&str>, Vec<&str>) = top
                .iter()
                .map(|&(d, _)| keys[d].as_str())
                .partition(|k| k.is_empty());
            let texts: HashSet<&str> = texts.into_iter().collect();
            if texts.len() + blank.len() >= n || top.len() == scored.len() {
                break top;
            }
            head = head.saturating_mul(2);
        };
        let mut shown: HashSet<&str> = HashSet::new();
        let mut out = Vec::with_capacity(n.min(order.len()));
        for (doc, theta) in order {
            if out.len() == n {
                break;
            }
            let key = keys[doc].as_str();
            if !key.is_empty() && !shown.insert(key) {
                continue;
            }
            let same_text = same
                .get(key)
                .map(|docs| docs.iter().copied().filter(|&o| o != doc).collect())
                .unwrap_or_default();
            out.push(DistinctDocument {
                doc,
                theta,
                same_text,
            });
        }
        out
    }

    /// The `n` most probable words of a topic, with φ; ties by word id.
    pub fn top_words(&self, topic: usize, n: usize) -> Vec<(u32, f64)> {
        let counts = self.topic_word_counts(topic);
        let ids: Vec<u32> = (0..counts.len() as u32).collect();
        let ids = top_n(ids, n, |&a, &b| {
            counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b))
        });
        ids.into_iter().map(|w| (w, self.phi(topic, w))).collect()
    }
}

/// One of a topic's representative answers ([`LdaModel::top_distinct_documents`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DistinctDocument {
    /// The document's index.
    pub doc: usize,
    /// The topic's share θ in it.
    pub theta: f64,
    /// The other documents written the same way, in document order.
    pub same_text: Vec<usize>,
}

/// What two answers must share to count as the same text: their words,
/// case and spacing aside. Empty for an answer without a kept text.
fn text_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The first `n` of `items` in the order `cmp`, sorted: what sorting all of
/// them and keeping `n` gives when `cmp` is a total order without ties (as
/// the callers' are, ties broken by index), but only the `n` are sorted.
fn top_n<T>(
    mut items: Vec<T>,
    n: usize,
    mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if n < items.len() {
        items.select_nth_unstable_by(n, &mut cmp);
        items.truncate(n);
    }
    items.sort_by(cmp);
    items
}

/// The topic with the largest share of `theta`, the lower id on a tie: an
/// answer's dominant topic, as every view and the `link` groups call it.
pub fn dominant_topic(theta: &[f64]) -> usize {
    theta
        .iter()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 {
                (i, v)
            } else {
                best
            }
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_the_same_text_whatever_their_case_and_spacing() {
        assert_eq!(text_key("  Not   sure. "), text_key("not sure."));
        assert_ne!(text_key("Not sure."), text_key("Not sure"));
        assert_eq!(text_key("모름"), "모름");
        // No kept text: never one text with another answer.
        assert_eq!(text_key(""), "");
    }

    #[test]
    fn top_n_is_the_head_of_the_full_sort() {
        // Pseudo-random keys with many repeats, ties broken by index.
        let keys: Vec<u32> = (0..500u32).map(|i| (i * 7919 + 13) % 37).collect();
        let cmp = |a: &u32, b: &u32| keys[*b as usize].cmp(&keys[*a as usize]).then(a.cmp(b));
        let mut all: Vec<u32> = (0..500).collect();
        all.sort_by(cmp);
        for n in [0, 1, 5, 37, 499, 500, 600] {
            let top = top_n((0..500).collect(), n, cmp);
            assert_eq!(top, all[..n.min(500)], "n = {n}");
        }
    }
}
