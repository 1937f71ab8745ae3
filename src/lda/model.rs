//! A fitted LDA model: what it holds, what it answers, and its file format.
//!
//! On disk a model is one JSON document:
//! `{"format": "topics-model", "schema_version": 1, "model": {...},
//! "checksum": "<sha256>"}`. The checksum covers the exact bytes of `model`,
//! so a truncated or edited file is refused on load instead of giving wrong
//! topics.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::chains::{ChainReport, Fitted};
use super::params::LdaParams;
use super::state::State;
use crate::corpus::{CorpusReport, PruneOptions, Vocabulary};
use crate::error::{Error, Result};
use crate::text::TextOptions;

/// The model file layout this build writes. Files with a larger version
/// come from a newer `topics` and are refused with that reason.
pub const SCHEMA_VERSION: u32 = 1;
const FORMAT: &str = "topics-model";

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ModelData", try_from = "ModelData")]
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

/// The serialized form: topic-word counts are stored sparsely.
#[derive(Serialize, Deserialize)]
struct ModelData {
    version: String,
    params: LdaParams,
    text: TextOptions,
    input: ModelInput,
    corpus: CorpusReport,
    alpha: Vec<f64>,
    beta: f64,
    vocabulary: Vocabulary,
    /// Per topic, `[word id, count]` pairs with count > 0.
    topic_word_counts: Vec<Vec<[u32; 2]>>,
    documents: Vec<DocTopics>,
    trace: Trace,
    /// Posterior draws of the document-topic counts (`D × K` each).
    #[serde(default)]
    doc_topic_samples: Vec<Vec<u32>>,
    /// How the chains agreed (absent: one chain ran, as in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chains: Option<ChainReport>,
}

impl From<LdaModel> for ModelData {
    fn from(m: LdaModel) -> ModelData {
        let v = m.vocab.len();
        let topic_word_counts = (0..m.params.k)
            .map(|t| {
                m.n_kw[t * v..(t + 1) * v]
                    .iter()
                    .enumerate()
                    .filter(|(_, &n)| n > 0)
                    .map(|(w, &n)| [w as u32, n])
                    .collect()
            })
            .collect();
        ModelData {
            version: m.version,
            params: m.params,
            text: m.text,
            input: m.input,
            corpus: m.corpus,
            alpha: m.alpha,
            beta: m.beta,
            vocabulary: m.vocab,
            topic_word_counts,
            documents: m.documents,
            trace: m.trace,
            doc_topic_samples: m.doc_topic_samples,
            chains: m.chains,
        }
    }
}

impl TryFrom<ModelData> for LdaModel {
    type Error = String;

    /// Rebuilds the model, refusing data that contradicts itself (see
    /// [`ModelData::check`]): a file whose checksum was recomputed after an
    /// edit must still give an error, never a panic or a wrong θ.
    fn try_from(mut d: ModelData) -> std::result::Result<LdaModel, String> {
        d.check_settings()?;
        let (n_kw, n_k) = d.dense_topic_word_counts()?;
        d.check_documents(&n_k)?;
        d.check_draws()?;
        if let Some(report) = &d.chains {
            report.check(d.params.k)?;
        }
        d.vocabulary.rebuild_index();
        Ok(LdaModel {
            params: d.params,
            text: d.text,
            vocab: d.vocabulary,
            alpha: d.alpha,
            beta: d.beta,
            n_kw,
            n_k,
            documents: d.documents,
            corpus: d.corpus,
            trace: d.trace,
            input: d.input,
            version: d.version,
            doc_topic_samples: d.doc_topic_samples,
            chains: d.chains,
            checksum: Checksum::default(),
        })
    }
}

impl ModelData {
    /// The settings, the vocabulary, the priors and the trace: each must be
    /// what a fit can produce.
    fn check_settings(&self) -> std::result::Result<(), String> {
        self.params
            .validate()
            .map_err(|e| format!("the saved settings are invalid: {e}"))?;
        self.vocabulary.check()?;
        let k = self.params.k;
        if self.alpha.len() != k {
            return Err(format!(
                "the model says k = {k} but stores {} alpha values",
                self.alpha.len()
            ));
        }
        if let Some((t, a)) = self
            .alpha
            .iter()
            .enumerate()
            .find(|(_, a)| !(a.is_finite() && **a > 0.0))
        {
            return Err(format!(
                "alpha of topic {t} is {a}; priors must be positive and finite"
            ));
        }
        if !(self.beta.is_finite() && self.beta > 0.0) {
            return Err(format!(
                "beta is {}; priors must be positive and finite",
                self.beta
            ));
        }
        // θ divides by Σα and φ by n_k + Vβ: those must be finite too.
        let alpha_sum: f64 = self.alpha.iter().sum();
        let beta_sum = self.vocabulary.len() as f64 * self.beta;
        if !(alpha_sum.is_finite() && beta_sum.is_finite()) {
            return Err(format!(
                "the priors sum to {alpha_sum} (alpha) and {beta_sum} (beta × terms); they must be finite"
            ));
        }
        if self.trace.iteration.len() != self.trace.ll_per_token.len() {
            return Err(format!(
                "the trace has {} iterations but {} log-likelihoods",
                self.trace.iteration.len(),
                self.trace.ll_per_token.len()
            ));
        }
        Ok(())
    }

    /// The dense `K × V` topic-word counts and the topic totals, refusing
    /// word ids outside the vocabulary, a word listed twice in a topic and
    /// a table too large to hold (rather than aborting on allocation).
    fn dense_topic_word_counts(&self) -> std::result::Result<(Vec<u32>, Vec<u64>), String> {
        let k = self.params.k;
        let v = self.vocabulary.len();
        if self.topic_word_counts.len() != k {
            return Err(format!(
                "the model says k = {k} but stores {} topics",
                self.topic_word_counts.len()
            ));
        }
        let too_large = || format!("{k} topics × {v} terms is too large a model to hold in memory");
        let cells = k.checked_mul(v).ok_or_else(too_large)?;
        let mut n_kw: Vec<u32> = Vec::new();
        n_kw.try_reserve_exact(cells).map_err(|_| too_large())?;
        n_kw.resize(cells, 0);
        let mut n_k = vec![0u64; k];
        for (t, pairs) in self.topic_word_counts.iter().enumerate() {
            for &[w, n] in pairs {
                if w as usize >= v {
                    return Err(format!(
                        "topic {t} refers to word {w}, beyond the vocabulary of {v}"
                    ));
                }
                let cell = &mut n_kw[t * v + w as usize];
                if *cell != 0 {
                    return Err(format!("topic {t} lists word {w} twice"));
                }
                if n == 0 {
                    return Err(format!("topic {t} lists word {w} with a count of 0"));
                }
                *cell = n;
                n_k[t] += n as u64;
            }
        }
        Ok((n_kw, n_k))
    }

    /// Each fitted answer: at least one token and `k` topic counts summing
    /// to its length; together the answers' topic counts must be the topic
    /// totals of the topic-word table (every token is counted in both).
    /// Answer ids need not be unique: a model fitted through the library
    /// may repeat one, and `link` reports such ids instead of joining them.
    fn check_documents(&self, n_k: &[u64]) -> std::result::Result<(), String> {
        let k = self.params.k;
        let mut column_sums = vec![0u64; k];
        if self.documents.is_empty() || self.vocabulary.is_empty() {
            return Err(format!(
                "the model has {} fitted answers and {} terms; a fit has at least one of each",
                self.documents.len(),
                self.vocabulary.len()
            ));
        }
        for doc in &self.documents {
            if doc.length == 0 {
                return Err(format!(
                    "answer '{}' has no tokens; answers without words are never part of a fit",
                    doc.id
                ));
            }
            if doc.counts.len() != k {
                return Err(format!(
                    "answer '{}' has {} topic counts, not k = {k}",
                    doc.id,
                    doc.counts.len()
                ));
            }
            let sum: u64 = doc.counts.iter().map(|&n| n as u64).sum();
            if sum != doc.length as u64 {
                return Err(format!(
                    "answer '{}' has {} tokens but its topic counts sum to {sum}",
                    doc.id, doc.length
                ));
            }
            for (total, &n) in column_sums.iter_mut().zip(&doc.counts) {
                *total += n as u64;
            }
        }
        if let Some(t) = (0..k).find(|&t| column_sums[t] != n_k[t]) {
            return Err(format!(
                "topic {t} has {} tokens in its word counts but {} in the answers' topic counts",
                n_k[t], column_sums[t]
            ));
        }
        let total: u64 = n_k.iter().sum();
        if total != self.corpus.tokens as u64 {
            return Err(format!(
                "the corpus report says {} tokens but the counts hold {total}",
                self.corpus.tokens
            ));
        }
        Ok(())
    }

    /// Each saved posterior draw: `documents × k` counts, each answer's
    /// summing to its length (a draw is a full assignment of its tokens).
    fn check_draws(&self) -> std::result::Result<(), String> {
        let k = self.params.k;
        for (s, draw) in self.doc_topic_samples.iter().enumerate() {
            if Some(draw.len()) != self.documents.len().checked_mul(k) {
                return Err(format!(
                    "saved posterior draw {s} has {} counts, not {} answers × k = {k}",
                    draw.len(),
                    self.documents.len()
                ));
            }
            for (doc, counts) in self.documents.iter().zip(draw.chunks_exact(k)) {
                let sum: u64 = counts.iter().map(|&n| n as u64).sum();
                if sum != doc.length as u64 {
                    return Err(format!(
                        "saved posterior draw {s} gives answer '{}' {sum} tokens, not {}",
                        doc.id, doc.length
                    ));
                }
            }
        }
        Ok(())
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
            .collect();
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
        let length = self.documents[doc].length as f64;
        let alpha_sum: f64 = self.alpha.iter().sum();
        counts
            .iter()
            .zip(&self.alpha)
            .map(|(&n, &a)| (n as f64 + a) / (length + alpha_sum))
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

    /// θ_dk = (n_dk + α_k) / (n_d + Σα) for the `doc`-th fitted answer.
    pub fn theta(&self, doc: usize) -> Vec<f64> {
        let d = &self.documents[doc];
        let alpha_sum: f64 = self.alpha.iter().sum();
        d.counts
            .iter()
            .zip(&self.alpha)
            .map(|(&n, &a)| (n as f64 + a) / (d.length as f64 + alpha_sum))
            .collect()
    }

    /// The share of all tokens assigned to a topic.
    pub fn token_share(&self, topic: usize) -> f64 {
        self.n_k[topic] as f64 / self.num_tokens().max(1) as f64
    }

    /// The `n` answers with the highest θ for a topic (stm's
    /// `findThoughts`): (document index, θ_k), ties by position.
    pub fn top_documents(&self, topic: usize, n: usize) -> Vec<(usize, f64)> {
        let mut scored: Vec<(usize, f64)> = (0..self.documents.len())
            .map(|d| (d, self.theta(d)[topic]))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(n);
        scored
    }

    /// The `n` most probable words of a topic, with φ; ties by word id.
    pub fn top_words(&self, topic: usize, n: usize) -> Vec<(u32, f64)> {
        let counts = self.topic_word_counts(topic);
        let mut ids: Vec<u32> = (0..counts.len() as u32).collect();
        ids.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        ids.truncate(n);
        ids.into_iter().map(|w| (w, self.phi(topic, w))).collect()
    }

    /// Writes the model atomically (temporary file, sync, rename). The
    /// model is streamed into the file while its checksum is computed, so
    /// a large model is never held twice in memory.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, |w| {
            write!(
                w,
                "{{\"format\":\"{FORMAT}\",\"schema_version\":{SCHEMA_VERSION},\"model\":"
            )?;
            let mut hashing = HashingWriter {
                inner: &mut *w,
                hasher: Sha256::new(),
            };
            serde_json::to_writer(&mut hashing, self).map_err(std::io::Error::other)?;
            let checksum = hex(&hashing.hasher.finalize());
            let _ = self.checksum.0.set(checksum.clone());
            writeln!(w, ",\"checksum\":\"{checksum}\"}}")
        })
    }

    /// SHA-256 of the model data as in its file: kept from load or save,
    /// else computed from the data as `save` would write it.
    pub fn checksum(&self) -> &str {
        self.checksum.0.get_or_init(|| {
            let mut hashing = HashingWriter {
                inner: std::io::sink(),
                hasher: Sha256::new(),
            };
            let _ = serde_json::to_writer(&mut hashing, self);
            hex(&hashing.hasher.finalize())
        })
    }

    /// Reads a model, checking its format, schema version and checksum.
    pub fn load(path: &Path) -> Result<LdaModel> {
        let text = crate::io::read_text(path).map_err(|e| match e {
            Error::InvalidUtf8 { path, .. } | Error::NulByte { path, .. } => Error::BadModel {
                path,
                reason: "not a topics model (the file is not text)".into(),
            },
            other => other,
        })?;
        Self::from_json(&text, path)
    }

    /// Parses a model file's contents; `path` is used in messages.
    pub fn from_json(text: &str, path: &Path) -> Result<LdaModel> {
        let bad = |reason: String| Error::BadModel {
            path: path.to_path_buf(),
            reason,
        };
        #[derive(Deserialize)]
        struct Envelope<'a> {
            format: Option<String>,
            schema_version: Option<u32>,
            checksum: Option<String>,
            #[serde(borrow)]
            model: Option<&'a serde_json::value::RawValue>,
        }
        let env: Envelope = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                bad(format!(
                    "the model file is truncated (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            } else {
                bad(format!("not a topics model: {e}"))
            }
        })?;
        if env.format.as_deref() != Some(FORMAT) {
            return Err(bad(
                "not a topics model (no \"format\": \"topics-model\")".into()
            ));
        }
        let version = env
            .schema_version
            .ok_or_else(|| bad("no schema_version".into()))?;
        if version > SCHEMA_VERSION {
            return Err(bad(format!(
                "written by a newer topics (model schema {version}); this build reads schema {SCHEMA_VERSION} and older: upgrade topics"
            )));
        }
        let raw = env.model.ok_or_else(|| bad("no model data".into()))?;
        let expected = env.checksum.ok_or_else(|| bad("no checksum".into()))?;
        if sha256_hex(raw.get().as_bytes()) != expected {
            return Err(bad(
                "checksum mismatch: the model file was changed or damaged after it was written"
                    .into(),
            ));
        }
        let data: ModelData =
            serde_json::from_str(raw.get()).map_err(|e| bad(format!("invalid model data: {e}")))?;
        let model = LdaModel::try_from(data)
            .map_err(|reason| bad(format!("invalid model data: {reason}")))?;
        let _ = model.checksum.0.set(expected);
        Ok(model)
    }

    /// A readable summary in the spirit of tomotopy's `summary()`.
    pub fn summary(&self, top_n: usize) -> String {
        self.summary_labeled(top_n, &[])
    }

    /// [`LdaModel::summary`] with the analyst's topic labels shown beside
    /// the topic ids (`labels[k]`, where given).
    pub fn summary_labeled(&self, top_n: usize, labels: &[Option<String>]) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let c = &self.corpus;
        let p = &self.params;
        let _ = writeln!(s, "<Corpus>");
        let _ = writeln!(
            s,
            "| answers: {} read, {} fitted, {} blank, {} without words after preprocessing",
            c.answers,
            self.documents.len(),
            c.blank_ids.len(),
            c.empty_ids.len()
        );
        let _ = writeln!(
            s,
            "| tokens: {}   vocabulary: {} terms ({} before pruning)",
            self.num_tokens(),
            self.vocab.len(),
            c.terms_before_pruning
        );
        let _ = writeln!(s, "<Settings>");
        let _ = writeln!(
            s,
            "| k: {}   iterations: {}   seed: {}   burn-in: {}   optimize-interval: {}",
            p.k, p.iterations, p.seed, p.burn_in, p.optimize_interval
        );
        let _ = writeln!(
            s,
            "| alpha: {} (initial {}; sum {:.4})   beta: {:.5} (initial {})",
            format_alpha(&self.alpha),
            p.alpha,
            self.alpha.iter().sum::<f64>(),
            self.beta,
            p.beta
        );
        let _ = writeln!(s, "<Fit>");
        let _ = writeln!(s, "| log-likelihood per token: {:.4}", self.ll_per_token());
        if let Some(chains) = &self.chains {
            let _ = writeln!(s, "{}", chains.summary_line());
        }
        let _ = writeln!(s, "<Topics>");
        for t in 0..self.k() {
            let words: Vec<&str> = self
                .top_words(t, top_n)
                .iter()
                .map(|&(w, _)| self.vocab.display(w))
                .collect();
            let label = match labels.get(t) {
                Some(Some(name)) => format!(" {name}"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "| #{t}{label} ({:.1}% of tokens): {}",
                100.0 * self.token_share(t),
                words.join(", ")
            );
        }
        s
    }
}

fn format_alpha(alpha: &[f64]) -> String {
    let shown: Vec<String> = alpha.iter().take(8).map(|a| format!("{a:.4}")).collect();
    let more = if alpha.len() > 8 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Passes bytes through while hashing them.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
