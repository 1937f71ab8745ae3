//! The model file format: a JSON envelope with a schema version and a
//! SHA-256 checksum of the model data, written atomically, and the checks
//! that a loaded file is what a fit can produce.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Checksum, DocTopics, LdaModel, ModelInput, Trace};
use crate::corpus::{CorpusReport, Vocabulary};
use crate::error::{Error, Result};
use crate::lda::chains::{ChainReport, Pooled};
use crate::lda::params::LdaParams;
use crate::text::TextOptions;

/// The model file layout this build writes. Files with a larger version
/// come from a newer `topics` and are refused with that reason.
pub const SCHEMA_VERSION: u32 = 1;
const FORMAT: &str = "topics-model";

/// The serialized form: topic-word counts are stored sparsely. Models are
/// read through it; [`ModelView`] writes the same fields in the same order.
#[derive(Deserialize)]
pub(super) struct ModelData {
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
    #[serde(default)]
    chains: Option<ChainReport>,
    /// The posterior sums over the pooled chains' draws (absent: one
    /// chain ran, or a file from before chains were pooled).
    #[serde(default)]
    pooled: Option<Pooled>,
}

/// [`ModelData`] borrowed from a model, for writing: the model is
/// serialized where it lies, its sparse topic-word pairs produced as they
/// are written, instead of being copied into a `ModelData` first (a copy
/// of every answer's text and of the posterior draws).
#[derive(Serialize)]
struct ModelView<'a> {
    version: &'a str,
    params: &'a LdaParams,
    text: &'a TextOptions,
    input: &'a ModelInput,
    corpus: &'a CorpusReport,
    alpha: &'a [f64],
    beta: f64,
    vocabulary: &'a Vocabulary,
    topic_word_counts: SparseRows<'a>,
    documents: &'a [DocTopics],
    trace: &'a Trace,
    doc_topic_samples: &'a [Vec<u32>],
    #[serde(skip_serializing_if = "Option::is_none")]
    chains: &'a Option<ChainReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pooled: &'a Option<Pooled>,
}

/// Topic-major `K × V` counts written as, per topic, the `[word id, count]`
/// pairs with count > 0.
struct SparseRows<'a> {
    counts: &'a [u32],
    v: usize,
}

/// One topic's row of [`SparseRows`].
struct SparseRow<'a>(&'a [u32]);

impl Serialize for SparseRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.counts.chunks_exact(self.v.max(1)).map(SparseRow))
    }
}

impl Serialize for SparseRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let pairs = self.0.iter().enumerate().filter(|(_, &n)| n > 0);
        s.collect_seq(pairs.map(|(w, &n)| [w as u32, n]))
    }
}

impl Serialize for LdaModel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ModelView {
            version: &self.version,
            params: &self.params,
            text: &self.text,
            input: &self.input,
            corpus: &self.corpus,
            alpha: &self.alpha,
            beta: self.beta,
            vocabulary: &self.vocab,
            topic_word_counts: SparseRows {
                counts: &self.n_kw,
                v: self.vocab.len(),
            },
            documents: &self.documents,
            trace: &self.trace,
            doc_topic_samples: &self.doc_topic_samples,
            chains: &self.chains,
            pooled: &self.pooled,
        }
        .serialize(s)
    }
}

impl TryFrom<ModelData> for LdaModel {
    type Error = String;

    /// Rebuilds the model, refusing data that contradicts itself (the
    /// `check_*` methods of `ModelData`): a file whose checksum was
    /// recomputed after an edit must still give an error, never a panic or a
    /// wrong θ.
    fn try_from(mut d: ModelData) -> std::result::Result<LdaModel, String> {
        d.check_settings()?;
        let (n_kw, n_k) = d.dense_topic_word_counts()?;
        d.check_documents(&n_k)?;
        d.check_draws()?;
        if let Some(report) = &d.chains {
            report.check(d.params.k)?;
        }
        d.check_pooled()?;
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
            pooled: d.pooled,
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

    /// The pooled sums: only beside a chain report, `documents × k` sums
    /// over at least one draw, each answer's summing to its length times
    /// the draws.
    fn check_pooled(&self) -> std::result::Result<(), String> {
        let Some(pooled) = &self.pooled else {
            return Ok(());
        };
        if self.chains.is_none() {
            return Err("the model has pooled draws but no chain report".to_string());
        }
        let k = self.params.k;
        if pooled.draws == 0 || Some(pooled.sums.len()) != self.documents.len().checked_mul(k) {
            return Err(format!(
                "the pooled draws hold {} sums over {} draws, not {} answers × k = {k} over at least one",
                pooled.sums.len(),
                pooled.draws,
                self.documents.len()
            ));
        }
        for (doc, sums) in self.documents.iter().zip(pooled.sums.chunks_exact(k)) {
            // Checked: an edited file may hold sums that overflow.
            let sum = sums.iter().try_fold(0u64, |a, &n| a.checked_add(n));
            let wanted = (doc.length as u64).checked_mul(pooled.draws as u64);
            if sum.is_none() || sum != wanted {
                let sum = sum.map_or("more than 2^64".to_string(), |s| s.to_string());
                return Err(format!(
                    "the pooled draws give answer '{}' {sum} tokens over {} draws, not {} × {}",
                    doc.id, pooled.draws, doc.length, pooled.draws
                ));
            }
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
    /// Writes the model atomically (temporary file, sync, rename). The
    /// model is streamed into the file while its checksum is computed, so
    /// a large model is never held twice in memory.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, |w| {
            write!(
                w,
                "{{\"format\":\"{FORMAT}\",\"schema_version\":{SCHEMA_VERSION},\"model\":"
            )?;
            let checksum = write_hashed(self, &mut *w)?;
            let _ = self.checksum.0.set(checksum.clone());
            writeln!(w, ",\"checksum\":\"{checksum}\"}}")
        })
    }

    /// SHA-256 of the model data as in its file: kept from load or save,
    /// else computed from the data as `save` would write it.
    pub fn checksum(&self) -> &str {
        self.checksum
            .0
            .get_or_init(|| write_hashed(self, std::io::sink()).unwrap_or_default())
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
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `model` as JSON to `out` and returns the SHA-256 (hex) of the
/// bytes written. serde_json writes many small pieces; they are gathered
/// in a large buffer first, so that the hash and `out` see few large
/// writes (the bytes, hence the checksum, are the same).
fn write_hashed(model: &LdaModel, out: impl std::io::Write) -> std::io::Result<String> {
    let mut buffered = std::io::BufWriter::with_capacity(
        1 << 16,
        HashingWriter {
            inner: out,
            hasher: Sha256::new(),
        },
    );
    let mut json = serde_json::Serializer::with_formatter(&mut buffered, SmallCounts);
    model.serialize(&mut json).map_err(std::io::Error::other)?;
    let hashing = buffered.into_inner().map_err(|e| e.into_error())?;
    Ok(hex(&hashing.hasher.finalize()))
}

/// serde_json's compact format, with counts below 100 (most of a model's
/// numbers: the posterior draws and the answers' topic counts) written as
/// one or two fixed-size bytes instead of through a general conversion and
/// a copy of variable length. The same bytes as `serde_json::to_writer`.
struct SmallCounts;

impl serde_json::ser::Formatter for SmallCounts {
    #[inline]
    fn write_u32<W: ?Sized + std::io::Write>(&mut self, w: &mut W, n: u32) -> std::io::Result<()> {
        match n {
            0..=9 => w.write_all(&[b'0' + n as u8]),
            10..=99 => w.write_all(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]),
            _ => serde_json::ser::CompactFormatter.write_u32(w, n),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corpus, PruneOptions};
    use crate::text::Analyzer;

    #[test]
    fn small_counts_write_what_serde_json_writes() {
        let counts: Vec<u32> = (0..1200).chain([9_999, 10_000, u32::MAX]).collect();
        let value = (&counts, [[0u32, 99], [100, 7]], 0.25f64, "a\"b");
        let mut fast = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut fast,
                SmallCounts,
            ))
            .unwrap();
        assert_eq!(fast, serde_json::to_vec(&value).unwrap());
        let text = String::from_utf8(fast).unwrap();
        assert!(text.starts_with("[[0,1,2,"), "{}", &text[..20]);
        assert!(text.ends_with(",9999,10000,4294967295],[[0,99],[100,7]],0.25,\"a\\\"b\"]"));
    }

    #[test]
    fn the_checksum_is_the_sha256_of_the_written_model() {
        let answers = crate::io::answers_from_lines("a b a c\nb c d\nd a b\nc c d");
        let text = crate::text::TextOptions {
            pretokenized: true,
            ..Default::default()
        };
        let analyzer = Analyzer::new(text.clone()).unwrap();
        let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE).unwrap();
        let params = LdaParams {
            k: 2,
            iterations: 30,
            ..Default::default()
        };
        let model = crate::lda::fit(&corpus, &params, text, &mut |_| {}).unwrap();
        let mut written = Vec::new();
        let checksum = write_hashed(&model, &mut written).unwrap();
        assert_eq!(checksum, sha256_hex(&written));
        // The same bytes as serde_json's own writer, and they read back.
        assert_eq!(written, serde_json::to_vec(&model).unwrap());
        let back: LdaModel = serde_json::from_slice(&written).unwrap();
        assert_eq!(back, model);
        assert_eq!(model.checksum(), checksum);
    }
}
