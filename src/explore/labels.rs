//! Topic labels, kept in a small file next to the model.
//!
//! Topic ids never change once a model is fitted; analysts name topics
//! ("Trust", "Cost") as they read them. The names live in
//! `MODEL.labels.json` beside `MODEL`, so the model file (and its checksum)
//! stays untouched and every view, export and report applies the same
//! names. The file is small JSON that co-authors can also edit by hand:
//!
//! ```json
//! {"format": "topics-labels", "k": 3, "model_checksum": "9f2c…", "labels": {"0": "Trust", "2": "Cost"}}
//! ```
//!
//! `model_checksum` is the checksum of the model the labels were made for:
//! a refitted model has other topics under the same ids, so labels made for
//! another model are refused rather than shown on the wrong topics (files
//! written before the checksum was kept are accepted when K matches). A
//! refit carries labels over only to the topics that match their old ones
//! ([`carry_over`]).
//!
//! Edits go through [`Labels::update_for`], which holds an exclusive lock on
//! `MODEL.labels.json.lock` while it re-reads, edits and atomically rewrites
//! the file, so concurrent editors (several `topics label` runs, the
//! service) never lose an edit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lda::LdaModel;

const FORMAT: &str = "topics-labels";
/// Labels longer than this are refused: they are meant for table headers.
const MAX_LABEL_CHARS: usize = 200;

/// The labels of a model's topics (unlabeled topics have none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    k: usize,
    labels: BTreeMap<usize, String>,
    /// The checksum of the model these labels belong to, when known.
    model_checksum: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct LabelsFile {
    format: String,
    k: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model_checksum: Option<String>,
    labels: BTreeMap<usize, String>,
}

impl Labels {
    /// No labels for a model with `k` topics.
    pub fn empty(k: usize) -> Labels {
        Labels {
            k,
            labels: BTreeMap::new(),
            model_checksum: None,
        }
    }

    /// No labels, bound to `model` (saving them records its checksum).
    pub fn for_model(model: &LdaModel) -> Labels {
        Labels {
            model_checksum: Some(model.checksum().to_string()),
            ..Labels::empty(model.k())
        }
    }

    /// `model.json` → `model.json.labels.json`.
    pub fn path_for(model_path: &Path) -> PathBuf {
        let mut name = model_path.as_os_str().to_owned();
        name.push(".labels.json");
        PathBuf::from(name)
    }

    /// `model.json` → `model.json.labels.json.lock`: the file editors lock.
    /// It is never renamed or removed (the labels file itself is replaced
    /// on every write, so a lock on it would not exclude a later opener).
    pub fn lock_path_for(model_path: &Path) -> PathBuf {
        let mut name = Labels::path_for(model_path).into_os_string();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// The labels of the model at `model_path` checked against K only (no
    /// model at hand); none if the labels file does not exist yet. Prefer
    /// [`Labels::load_for_model`], which also checks the model's checksum.
    pub fn load_for(model_path: &Path, k: usize) -> Result<Labels> {
        let path = Labels::path_for(model_path);
        if !path.exists() {
            return Ok(Labels::empty(k));
        }
        let text = crate::io::read_text(&path)?;
        Labels::from_json(&text, &path, k)
    }

    /// Reads the labels beside `model_path` for `model`, refusing labels
    /// made for another model (exit 40); none if the file does not exist.
    /// A file without a checksum (older `topics`) is accepted when K
    /// matches; the returned labels are bound to `model` either way.
    pub fn load_for_model(model_path: &Path, model: &LdaModel) -> Result<Labels> {
        let path = Labels::path_for(model_path);
        if !path.exists() {
            return Ok(Labels::for_model(model));
        }
        let text = crate::io::read_text(&path)?;
        let mut labels = Labels::from_json(&text, &path, model.k())?;
        if let Some(theirs) = &labels.model_checksum {
            if theirs != model.checksum() {
                return Err(Error::BadLabels {
                    path,
                    reason: format!(
                        "these labels were made for another model (checksum {}…; {} has {}…): \
                         was the model refitted without carrying them over? Label the topics anew \
                         after moving this file away, or refit with `topics fit … -o {}` over the \
                         model they were made for, which carries them to the matching topics",
                        short(theirs),
                        crate::io::display_path(model_path).display(),
                        short(model.checksum()),
                        crate::io::display_path(model_path).display(),
                    ),
                });
            }
        }
        labels.model_checksum = Some(model.checksum().to_string());
        Ok(labels)
    }

    /// Parses a labels file's contents (checking K, not the checksum);
    /// `path` is used in messages.
    pub fn from_json(text: &str, path: &Path, k: usize) -> Result<Labels> {
        let bad = |reason: String| Error::BadLabels {
            path: path.to_path_buf(),
            reason,
        };
        let file: LabelsFile =
            serde_json::from_str(text).map_err(|e| bad(format!("not a labels file: {e}")))?;
        if file.format != FORMAT {
            return Err(bad(format!(
                "not a labels file (format is \"{}\", expected \"{FORMAT}\")",
                file.format
            )));
        }
        if file.k != k {
            return Err(bad(format!(
                "these labels are for a model with {} topics, but the model has {k}: was the model refitted? Move the labels file away to start afresh",
                file.k
            )));
        }
        let mut labels = Labels::empty(k);
        labels.model_checksum = file.model_checksum;
        for (topic, label) in file.labels {
            labels.set(topic, &label).map_err(|e| bad(e.to_string()))?;
        }
        Ok(labels)
    }

    /// "2", "#2", "topic 2" or a label ("Trust"; exact after trim, else a
    /// unique case-insensitive match) → topic id. Anything else is an
    /// [`Error::InvalidParameter`] (exit 8) listing the topics, so that
    /// every command taking a topic takes its label too.
    pub fn resolve(&self, reference: &str) -> Result<usize> {
        let wanted = reference.trim();
        if let Some(t) = topic_number(wanted) {
            if t < self.k {
                return Ok(t);
            }
            return Err(Error::param(
                "topic",
                format!("topic {t} does not exist; {}", self.choices()),
            ));
        }
        if let Some((&t, _)) = self.labels.iter().find(|(_, l)| l.as_str() == wanted) {
            return Ok(t);
        }
        let lower = wanted.to_lowercase();
        let matches: Vec<usize> = self
            .labels
            .iter()
            .filter(|(_, l)| l.to_lowercase() == lower)
            .map(|(&t, _)| t)
            .collect();
        match matches[..] {
            [t] => Ok(t),
            [] => Err(Error::param(
                "topic",
                format!("no topic is labeled \"{wanted}\"; {}", self.choices()),
            )),
            _ => Err(Error::param(
                "topic",
                format!(
                    "\"{wanted}\" matches the labels of topics {}; write the label exactly or give the number",
                    matches
                        .iter()
                        .map(|t| format!("{t} (\"{}\")", self.labels[t]))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// What a topic reference may be, for messages.
    fn choices(&self) -> String {
        let range = format!("the model has topics 0 to {}", self.k.saturating_sub(1));
        if self.labels.is_empty() {
            return format!("{range} (none labeled)");
        }
        let named: Vec<String> = self
            .labels
            .iter()
            .map(|(t, l)| format!("{t} \"{l}\""))
            .collect();
        format!("{range}, labeled {}", named.join(", "))
    }

    fn check_topic(&self, topic: usize) -> Result<()> {
        if topic >= self.k {
            return Err(Error::param(
                "topic",
                format!(
                    "topic {topic} does not exist; the model has topics 0 to {}",
                    self.k.saturating_sub(1)
                ),
            ));
        }
        Ok(())
    }

    /// Names `topic`. Refuses an empty label (removing is
    /// [`Labels::remove`]), a label another topic has (compared without
    /// case, since references resolve without case; the message names that
    /// topic), and a label that reads as a topic reference ("3", "#3",
    /// "topic 3"), which would make `--topic 3` mean two things.
    pub fn set(&mut self, topic: usize, label: &str) -> Result<()> {
        self.check_topic(topic)?;
        let label = label.trim();
        let refuse = |reason: String| Err(Error::param("label", reason));
        if label.is_empty() {
            return refuse(format!(
                "the label of topic {topic} is empty; to remove a label use `topics label MODEL {topic} --remove`"
            ));
        }
        if label.chars().any(char::is_control) {
            return refuse("a label must be a single line without control characters".into());
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return refuse(format!("longer than {MAX_LABEL_CHARS} characters"));
        }
        if topic_number(label).is_some() {
            return refuse(format!(
                "\"{label}\" reads as a topic number; a label must be a name (e.g. \"Trust\")"
            ));
        }
        let lower = label.to_lowercase();
        if let Some((&other, theirs)) = self
            .labels
            .iter()
            .find(|(&t, l)| t != topic && l.to_lowercase() == lower)
        {
            return refuse(format!(
                "\"{label}\" already names topic {other} (\"{theirs}\"); choose another label, or first remove it there with `topics label MODEL {other} --remove`"
            ));
        }
        self.labels.insert(topic, label.to_string());
        Ok(())
    }

    /// Removes `topic`'s label (no error if it had none).
    pub fn remove(&mut self, topic: usize) -> Result<()> {
        self.check_topic(topic)?;
        self.labels.remove(&topic);
        Ok(())
    }

    /// The label of `topic`, if it has one.
    pub fn get(&self, topic: usize) -> Option<&str> {
        self.labels.get(&topic).map(String::as_str)
    }

    /// What views show: the label, or `Topic 3` for an unlabeled topic.
    pub fn name(&self, topic: usize) -> String {
        match self.get(topic) {
            Some(label) => label.to_string(),
            None => format!("Topic {topic}"),
        }
    }

    /// One entry per topic (`None` where unlabeled), for JSON output.
    pub fn to_vec(&self) -> Vec<Option<String>> {
        (0..self.k)
            .map(|t| self.get(t).map(str::to_string))
            .collect()
    }

    /// Number of topics the labels are for.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Whether no topic is labeled.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labeled topics and their labels, by topic.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &str)> {
        self.labels.iter().map(|(&t, l)| (t, l.as_str()))
    }

    /// The checksum of the model these labels belong to, when known.
    pub fn model_checksum(&self) -> Option<&str> {
        self.model_checksum.as_deref()
    }

    /// Writes `model_path`'s labels file atomically. Not locked: editors
    /// that read the file first should use [`Labels::update_for`].
    pub fn save_for(&self, model_path: &Path) -> Result<()> {
        let path = Labels::path_for(model_path);
        let file = LabelsFile {
            format: FORMAT.into(),
            k: self.k,
            model_checksum: self.model_checksum.clone(),
            labels: self.labels.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| Error::BadLabels {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        crate::io::write_atomic(&path, |w| writeln!(w, "{text}"))
    }

    /// Runs `f` holding the exclusive lock on `model_path`'s labels
    /// (`MODEL.labels.json.lock`, created if needed). Blocks while another
    /// process or thread holds it; the lock is released when `f` returns.
    pub fn locked<T>(model_path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let path = Labels::lock_path_for(model_path);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        let result = f();
        // Closing the file releases the lock too; unlocking first says so.
        let _ = file.unlock();
        result
    }

    /// Locked read-modify-write of MODEL.labels.json: takes an exclusive
    /// lock, re-reads the file from disk (checked against `model`), applies
    /// `edit`, writes atomically, unlocks. Concurrent callers (processes or
    /// threads) never lose an edit. When `edit` fails nothing is written.
    pub fn update_for<T>(
        model_path: &Path,
        model: &LdaModel,
        edit: impl FnOnce(&mut Labels) -> Result<T>,
    ) -> Result<(Labels, T)> {
        Labels::locked(model_path, || {
            let mut labels = Labels::load_for_model(model_path, model)?;
            let out = edit(&mut labels)?;
            labels.save_for(model_path)?;
            Ok((labels, out))
        })
    }
}

/// `3`, `#3`, `topic 3` (any case, spaces allowed after `#`/`topic`) → 3.
fn topic_number(text: &str) -> Option<usize> {
    let lower = text.trim().to_lowercase();
    let digits = lower
        .strip_prefix('#')
        .or_else(|| lower.strip_prefix("topic"))
        .unwrap_or(&lower)
        .trim();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

fn short(checksum: &str) -> &str {
    &checksum[..checksum.len().min(12)]
}

/// Opens a model and the labels beside it: what every view starts with.
/// Labels made for another model are refused (exit 40).
pub fn open_model(path: &Path) -> Result<(LdaModel, Labels)> {
    let model = LdaModel::load(path)?;
    let labels = Labels::load_for_model(path, &model)?;
    Ok((model, labels))
}

/// Where a word weighs most: the topic holding the largest share of the
/// word's tokens in the fit (its P(topic | word)), with every topic's share.
#[derive(Debug, Clone, PartialEq)]
pub struct WordTopic {
    /// The topic holding most of the word's tokens.
    pub topic: usize,
    /// The model's term for the word (e.g. the stem `famili`).
    pub term: String,
    /// The word's tokens in the fit.
    pub tokens: u64,
    /// Per topic, the share of the word's tokens assigned to it.
    pub shares: Vec<f64>,
}

/// A word names a topic only when that topic holds at least this many
/// times the share of the word's tokens of any other topic.
pub const WORD_LEAD: f64 = 2.0;

/// The topic a word names: `word` goes through the model's own tokenizer
/// (so `Family` finds the stem `famili`, `가족끼리` finds `가족`) and must
/// give one term of the vocabulary; the topic holding the largest share of
/// that term's tokens is chosen.
///
/// Rule: refused as ambiguous unless the leading topic holds at least
/// [`WORD_LEAD`] (2) times the share of the next topic, since a word split
/// between topics does not say which one it names; the message gives every
/// share. Refused too when the word is not in the vocabulary or gives no
/// or several terms. Errors are `Error::param("word", …)` (exit 8).
pub fn topic_of_word(model: &LdaModel, word: &str) -> Result<WordTopic> {
    let analyzer = crate::text::Analyzer::new(model.text_options().clone())?;
    let mut terms: Vec<String> = analyzer.tokens(word).into_iter().map(|t| t.term).collect();
    terms.dedup();
    let bad = |reason: String| Error::param("word", reason);
    let term = match &terms[..] {
        [] => {
            return Err(bad(format!(
                "\"{word}\" leaves no word after the model's preprocessing (a stopword?); see `topics tokenize`"
            )))
        }
        [one] => one.clone(),
        many => {
            return Err(bad(format!(
                "\"{word}\" gives several words ({}); give one",
                many.join(", ")
            )))
        }
    };
    let id = model.vocab().id(&term).ok_or_else(|| {
        bad(format!(
            "\"{word}\" (term \"{term}\") is not in the model's vocabulary; `topics words MODEL` lists the topics' words"
        ))
    })?;
    let counts: Vec<u64> = (0..model.k())
        .map(|t| model.topic_word_counts(t)[id as usize] as u64)
        .collect();
    let tokens: u64 = counts.iter().sum();
    if tokens == 0 {
        return Err(bad(format!(
            "\"{word}\" (term \"{term}\") has no tokens in the fit"
        )));
    }
    let shares: Vec<f64> = counts.iter().map(|&n| n as f64 / tokens as f64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]).then(a.cmp(&b)));
    let (best, next) = (order[0], order.get(1).copied());
    if let Some(next) = next {
        if shares[best] < WORD_LEAD * shares[next] {
            let listed: Vec<String> = order
                .iter()
                .take_while(|&&t| shares[t] > 0.0)
                .map(|&t| format!("topic {t} {:.0}%", 100.0 * shares[t]))
                .collect();
            return Err(bad(format!(
                "\"{word}\" is ambiguous: its {tokens} tokens are split {}; a word names a topic only when its leading topic holds at least {WORD_LEAD} times the share of the next; label it by number instead (topics label MODEL {best} \"…\")",
                listed.join(", ")
            )));
        }
    }
    Ok(WordTopic {
        topic: best,
        term,
        tokens,
        shares,
    })
}

/// The similarity of φ a label needs to follow its topic into a refit
/// ([`carry_over`]): cosine over words matched by their string. Topics of
/// the same data found again by another seed score above 0.9 on the
/// bundled examples; a topic that split or merged scores well below.
pub const CARRY_OVER_MIN_SIMILARITY: f64 = 0.8;

/// What happened to one label in a refit.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMove {
    /// The label.
    pub label: String,
    /// The topic it named in the old model.
    pub from: usize,
    /// The new topic it names, or `None` when it was dropped.
    pub to: Option<usize>,
    /// The new topic matched to `from` (whether or not it was good enough).
    pub partner: Option<usize>,
    /// Cosine similarity of φ of `from` and `partner`.
    pub similarity: f64,
}

impl std::fmt::Display for LabelMove {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.to, self.partner) {
            (Some(to), _) => write!(
                f,
                "label \"{}\": topic {} -> topic {to}, similarity {:.2}",
                self.label, self.from, self.similarity
            ),
            (None, Some(p)) => write!(
                f,
                "label \"{}\" dropped: its topic {} matches no new topic well (best: topic {p}, similarity {:.2} < {CARRY_OVER_MIN_SIMILARITY})",
                self.label, self.from, self.similarity
            ),
            (None, None) => write!(
                f,
                "label \"{}\" dropped: its topic {} has no counterpart (the new model has fewer topics)",
                self.label, self.from
            ),
        }
    }
}

/// The labels of a refitted model and what moved.
#[derive(Debug, Clone, PartialEq)]
pub struct CarryOver {
    /// The new model's labels (bound to it).
    pub labels: Labels,
    /// One entry per old label, in old topic order.
    pub moves: Vec<LabelMove>,
}

/// Carries `old_labels` of `old` over to `new`: the topics are matched one
/// to one (Hungarian method, [`super::matching::match_models`]) by cosine
/// similarity of φ over words matched by their string, and a label follows
/// its topic only when the match reaches `min_similarity`; otherwise it is
/// dropped, never left on a topic it did not name.
pub fn carry_over(
    old: &LdaModel,
    old_labels: &Labels,
    new: &LdaModel,
    min_similarity: f64,
) -> CarryOver {
    let matches = super::matching::match_models(old, new);
    let mut labels = Labels::for_model(new);
    let mut moves = Vec::new();
    for (from, label) in old_labels.iter() {
        let partner = matches.get(from).copied().flatten();
        let (to, similarity) = match partner {
            Some((p, s)) if s >= min_similarity => (Some(p), s),
            Some((_, s)) => (None, s),
            None => (None, 0.0),
        };
        if let Some(to) = to {
            // One-to-one matching and distinct old labels: cannot clash.
            labels.labels.insert(to, label.to_string());
        }
        moves.push(LabelMove {
            label: label.to_string(),
            from,
            to,
            partner: partner.map(|p| p.0),
            similarity,
        });
    }
    CarryOver { labels, moves }
}

/// What a refit did to the labels beside the model ([`refit_for`]).
#[derive(Debug)]
pub enum Refit {
    /// There was no labels file; only the model was written.
    NoLabels,
    /// The labels were matched to the new topics; the labels file now
    /// belongs to the new model.
    Carried(CarryOver),
    /// The previous model could not be read (`reason`), so there was
    /// nothing to match the labels against: they were dropped (listed by
    /// their old topic) and the labels file now belongs to the new model,
    /// without labels.
    Dropped {
        /// Why the previous model could not be read.
        reason: Error,
        /// The dropped labels, by their old 0-based topic.
        labels: Vec<(usize, String)>,
    },
    /// The labels file itself is unreadable (`0`); it was left as it was
    /// (every view refuses it, exit 40).
    Unreadable(Error),
}

/// For `topics fit -o PATH` over an existing model: under the labels lock,
/// reads the labels of the model now at `model_path`, runs `save` (which
/// writes `new` there), then writes the labels carried over to `new`
/// ([`carry_over`] with `min_similarity`). Labels are never left on a
/// topic nobody matched them to: when the previous model is unreadable they
/// are dropped, unless the file was already made for `new` itself (an
/// identical refit), which keeps it.
pub fn refit_for(
    model_path: &Path,
    new: &LdaModel,
    min_similarity: f64,
    save: impl FnOnce() -> Result<()>,
) -> Result<Refit> {
    let path = Labels::path_for(model_path);
    if !path.exists() {
        save()?;
        return Ok(Refit::NoLabels);
    }
    Labels::locked(model_path, || {
        let old = LdaModel::load(model_path)
            .and_then(|m| Labels::load_for_model(model_path, &m).map(|l| (m, l)));
        let file = crate::io::read_text(&path).and_then(|text| {
            serde_json::from_str::<LabelsFile>(&text).map_err(|e| Error::BadLabels {
                path: path.clone(),
                reason: format!("not a labels file: {e}"),
            })
        });
        save()?;
        let file = match file {
            Ok(file) => file,
            Err(e) => return Ok(Refit::Unreadable(e)),
        };
        let reason = match old {
            Ok((old, old_labels)) => {
                let carried = carry_over(&old, &old_labels, new, min_similarity);
                carried.labels.save_for(model_path)?;
                return Ok(Refit::Carried(carried));
            }
            Err(reason) => reason,
        };
        if file.model_checksum.as_deref() == Some(new.checksum()) {
            let kept = Labels::load_for_model(model_path, new)?;
            let moves = kept
                .iter()
                .map(|(t, l)| LabelMove {
                    label: l.to_string(),
                    from: t,
                    to: Some(t),
                    partner: Some(t),
                    similarity: 1.0,
                })
                .collect();
            return Ok(Refit::Carried(CarryOver {
                labels: kept,
                moves,
            }));
        }
        Labels::for_model(new).save_for(model_path)?;
        Ok(Refit::Dropped {
            reason,
            labels: file.labels.into_iter().collect(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_sits_next_to_the_model() {
        assert_eq!(
            Labels::path_for(Path::new("out/model.json")),
            PathBuf::from("out/model.json.labels.json")
        );
        assert_eq!(
            Labels::lock_path_for(Path::new("out/model.json")),
            PathBuf::from("out/model.json.labels.json.lock")
        );
    }

    #[test]
    fn set_get_remove_and_validate() {
        let mut l = Labels::empty(3);
        l.set(2, "  신뢰 Trust ").unwrap();
        assert_eq!(l.get(2), Some("신뢰 Trust"));
        assert_eq!(l.name(0), "Topic 0");
        assert_eq!(l.to_vec(), vec![None, None, Some("신뢰 Trust".to_string())]);
        l.remove(2).unwrap();
        l.remove(2).unwrap();
        assert_eq!(l.get(2), None);
        assert_eq!(
            l.set(3, "x").unwrap_err().to_string(),
            "invalid topic: topic 3 does not exist; the model has topics 0 to 2"
        );
        assert_eq!(
            l.set(0, "a\nb").unwrap_err().to_string(),
            "invalid label: a label must be a single line without control characters"
        );
        assert_eq!(
            l.set(1, "  ").unwrap_err().to_string(),
            "invalid label: the label of topic 1 is empty; to remove a label use `topics label MODEL 1 --remove`"
        );
        for number in ["3", "#1", "Topic 2", "topic12"] {
            let err = l.set(0, number).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid label: \"{number}\" reads as a topic number; a label must be a name (e.g. \"Trust\")")
            );
            assert_eq!(err.exit_code(), 8);
        }
    }

    #[test]
    fn duplicates_are_refused_naming_the_other_topic() {
        let mut l = Labels::empty(3);
        l.set(0, "Trust").unwrap();
        assert_eq!(
            l.set(1, "trust ").unwrap_err().to_string(),
            "invalid label: \"trust\" already names topic 0 (\"Trust\"); choose another label, or first remove it there with `topics label MODEL 0 --remove`"
        );
        // Renaming a topic to its own label (another case) is fine.
        l.set(0, "TRUST").unwrap();
        assert_eq!(l.get(0), Some("TRUST"));
        assert_eq!(l.get(1), None);
    }

    #[test]
    fn references_resolve_by_number_or_label() {
        let mut l = Labels::empty(3);
        l.set(0, "Trust").unwrap();
        l.set(2, "Cost of living").unwrap();
        assert_eq!(l.resolve("1").unwrap(), 1);
        assert_eq!(l.resolve("#2").unwrap(), 2);
        assert_eq!(l.resolve(" topic 0 ").unwrap(), 0);
        assert_eq!(l.resolve("Trust").unwrap(), 0);
        assert_eq!(l.resolve(" cost OF living").unwrap(), 2);
        let err = l.resolve("Trus").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid topic: no topic is labeled \"Trus\"; the model has topics 0 to 2, labeled 0 \"Trust\", 2 \"Cost of living\""
        );
        assert_eq!(err.exit_code(), 8);
        assert_eq!(
            l.resolve("#3").unwrap_err().to_string(),
            "invalid topic: topic 3 does not exist; the model has topics 0 to 2, labeled 0 \"Trust\", 2 \"Cost of living\""
        );
        assert_eq!(
            Labels::empty(2).resolve("x").unwrap_err().to_string(),
            "invalid topic: no topic is labeled \"x\"; the model has topics 0 to 1 (none labeled)"
        );
    }

    #[test]
    fn ambiguous_case_insensitive_references_are_refused() {
        // Only a hand-built set can hold two labels equal without case.
        let mut l = Labels::empty(3);
        l.labels.insert(0, "Trust".into());
        l.labels.insert(2, "TRUST".into());
        assert_eq!(l.resolve("TRUST").unwrap(), 2);
        assert_eq!(
            l.resolve("trust").unwrap_err().to_string(),
            "invalid topic: \"trust\" matches the labels of topics 0 (\"Trust\"), 2 (\"TRUST\"); write the label exactly or give the number"
        );
    }

    #[test]
    fn round_trip_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("m.json");
        assert_eq!(Labels::load_for(&model, 2).unwrap(), Labels::empty(2));
        let mut l = Labels::empty(2);
        l.set(1, "Cost").unwrap();
        l.save_for(&model).unwrap();
        assert_eq!(Labels::load_for(&model, 2).unwrap(), l);
        let err = Labels::load_for(&model, 3).unwrap_err();
        assert!(err.to_string().ends_with(
            "m.json.labels.json: these labels are for a model with 2 topics, but the model has 3: was the model refitted? Move the labels file away to start afresh"
        ), "{err}");
        assert_eq!(err.exit_code(), 40);
        let p = Path::new("x.labels.json");
        let err = Labels::from_json(
            "{\"format\": \"topics-labels\",\n \"k\": 2, \"labels\": {\"5\": \"x\"}}",
            p,
            2,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.labels.json: invalid topic: topic 5 does not exist; the model has topics 0 to 1"
        );
        let err = Labels::from_json(
            "{\"format\": \"topics-labels\", \"k\": 2, \"labels\": {\"0\": \"A\", \"1\": \"a\"}}",
            p,
            2,
        )
        .unwrap_err();
        assert!(err.to_string().contains("already names topic 0"), "{err}");
        let err =
            Labels::from_json("{\"format\": \"topics-labels\",\n \"k\": 2,", p, 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.labels.json: not a labels file: EOF while parsing a value at line 2 column 8"
        );
    }

    #[test]
    fn topic_numbers() {
        assert_eq!(topic_number("12"), Some(12));
        assert_eq!(topic_number("# 4"), Some(4));
        assert_eq!(topic_number("TOPIC 3"), Some(3));
        assert_eq!(topic_number("Topic"), None);
        assert_eq!(topic_number("3a"), None);
        assert_eq!(topic_number("-1"), None);
    }

    /// A small fitted model: `k` topics over `text` (pretokenized), seed.
    fn model(text: &str, k: usize, seed: u64) -> LdaModel {
        use crate::corpus::{Corpus, PruneOptions};
        use crate::text::{Analyzer, TextOptions};
        let answers = crate::io::answers_from_lines(text);
        let options = TextOptions {
            pretokenized: true,
            ..Default::default()
        };
        let analyzer = Analyzer::new(options.clone()).unwrap();
        let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE).unwrap();
        let params = crate::lda::LdaParams {
            k,
            iterations: 100,
            seed,
            ..Default::default()
        };
        crate::lda::fit(&corpus, &params, options, &mut |_| {}).unwrap()
    }

    const THEMES: &str = "apple pear plum\npear plum apple\nplum apple pear\napple pear\n\
        rock stone sand\nstone sand rock\nsand rock stone\nrock sand\n\
        red blue green\nblue green red\ngreen red blue\nred green\n";

    /// The topic of `m` where `word` weighs most.
    fn topic_of(m: &LdaModel, word: &str) -> usize {
        topic_of_word(m, word).unwrap().topic
    }

    #[test]
    fn labels_follow_their_topics_into_a_refit() {
        let old = model(THEMES, 3, 1);
        let new = (2..40)
            .map(|seed| model(THEMES, 3, seed))
            .find(|m| topic_of(m, "apple") != topic_of(&old, "apple"))
            .expect("some seed numbers the topics otherwise");
        let mut labels = Labels::for_model(&old);
        labels.set(topic_of(&old, "apple"), "Fruit").unwrap();
        labels.set(topic_of(&old, "rock"), "Stones").unwrap();
        let carried = carry_over(&old, &labels, &new, CARRY_OVER_MIN_SIMILARITY);
        assert_eq!(carried.labels.get(topic_of(&new, "apple")), Some("Fruit"));
        assert_eq!(carried.labels.get(topic_of(&new, "rock")), Some("Stones"));
        assert_eq!(carried.labels.model_checksum(), Some(new.checksum()));
        let fruit = &carried.moves[carried
            .moves
            .iter()
            .position(|m| m.label == "Fruit")
            .unwrap()];
        assert_eq!(fruit.from, topic_of(&old, "apple"));
        assert_eq!(fruit.to, Some(topic_of(&new, "apple")));
        assert!(fruit.similarity > 0.95, "{fruit:?}");
        assert_eq!(
            fruit.to_string(),
            format!(
                "label \"Fruit\": topic {} -> topic {}, similarity {:.2}",
                fruit.from,
                topic_of(&new, "apple"),
                fruit.similarity
            )
        );
        // Against a model of other words nothing reaches the threshold.
        let other = model("x y z\ny z x\nq w e\nw e q\n", 3, 1);
        let dropped = carry_over(&old, &labels, &other, CARRY_OVER_MIN_SIMILARITY);
        assert!(dropped.labels.is_empty());
        assert!(dropped
            .moves
            .iter()
            .all(|m| m.to.is_none() && m.similarity == 0.0));
        // Fewer topics: with three labelled topics and two new ones, one
        // label is left without a partner whichever way the fit falls.
        let mut three = labels.clone();
        three.set(topic_of(&old, "red"), "Colours").unwrap();
        let two = model(THEMES, 2, 1);
        let fewer = carry_over(&old, &three, &two, 0.0);
        assert_eq!(fewer.moves.len(), 3);
        assert_eq!(
            fewer.moves.iter().filter(|m| m.partner.is_some()).count(),
            2
        );
    }

    #[test]
    fn labels_for_another_model_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let a = model(THEMES, 3, 1);
        let b = model(THEMES, 3, 2);
        a.save(&path).unwrap();
        Labels::update_for(&path, &a, |l| l.set(0, "A")).unwrap();
        let err = Labels::load_for_model(&path, &b).unwrap_err();
        assert_eq!(err.exit_code(), 40);
        assert!(
            err.to_string()
                .contains("these labels were made for another model"),
            "{err}"
        );
        assert_eq!(Labels::load_for_model(&path, &a).unwrap().get(0), Some("A"));
    }

    #[test]
    fn concurrent_threads_never_lose_an_edit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let m = model(THEMES, 12, 1);
        m.save(&path).unwrap();
        std::thread::scope(|s| {
            for t in 0..12 {
                let (path, m) = (&path, &m);
                s.spawn(move || {
                    Labels::update_for(path, m, |l| l.set(t, &format!("T{t}"))).unwrap()
                });
            }
        });
        let labels = Labels::load_for_model(&path, &m).unwrap();
        assert_eq!(labels.iter().count(), 12, "{labels:?}");
        // A failing edit writes nothing.
        let before = std::fs::read_to_string(Labels::path_for(&path)).unwrap();
        assert!(Labels::update_for(&path, &m, |l| l.set(1, labels.get(0).unwrap())).is_err());
        assert_eq!(
            std::fs::read_to_string(Labels::path_for(&path)).unwrap(),
            before
        );
    }
}
