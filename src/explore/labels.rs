//! Topic labels, kept in a small file next to the model.
//!
//! Topic ids never change once a model is fitted; analysts name topics
//! ("Trust", "Cost") as they read them. The names live in
//! `MODEL.labels.json` beside `MODEL`, so the model file (and its checksum)
//! stays untouched and every view, export and report applies the same
//! names. The file is small JSON that co-authors can also edit by hand:
//!
//! ```json
//! {"format": "topics-labels", "k": 3, "labels": {"0": "Trust", "2": "Cost"}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const FORMAT: &str = "topics-labels";
/// Labels longer than this are refused: they are meant for table headers.
const MAX_LABEL_CHARS: usize = 200;

/// The labels of a model's topics (unlabeled topics have none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    k: usize,
    labels: BTreeMap<usize, String>,
}

#[derive(Serialize, Deserialize)]
struct LabelsFile {
    format: String,
    k: usize,
    labels: BTreeMap<usize, String>,
}

impl Labels {
    /// No labels for a model with `k` topics.
    pub fn empty(k: usize) -> Labels {
        Labels {
            k,
            labels: BTreeMap::new(),
        }
    }

    /// `model.json` → `model.json.labels.json`.
    pub fn path_for(model_path: &Path) -> PathBuf {
        let mut name = model_path.as_os_str().to_owned();
        name.push(".labels.json");
        PathBuf::from(name)
    }

    /// The labels of the model at `model_path`; none if the labels file
    /// does not exist yet.
    pub fn load_for(model_path: &Path, k: usize) -> Result<Labels> {
        let path = Labels::path_for(model_path);
        if !path.exists() {
            return Ok(Labels::empty(k));
        }
        let text = crate::io::read_text(&path)?;
        Labels::from_json(&text, &path, k)
    }

    /// Parses a labels file's contents; `path` is used in messages.
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
        for (topic, label) in file.labels {
            labels.set(topic, &label).map_err(|e| bad(e.to_string()))?;
        }
        Ok(labels)
    }

    /// Names `topic`; an empty (or all-space) label removes the name.
    pub fn set(&mut self, topic: usize, label: &str) -> Result<()> {
        if topic >= self.k {
            return Err(Error::param(
                "topic",
                format!(
                    "topic {topic} does not exist; the model has topics 0 to {}",
                    self.k.saturating_sub(1)
                ),
            ));
        }
        let label = label.trim();
        if label.chars().any(char::is_control) {
            return Err(Error::param(
                "label",
                "a label must be a single line without control characters",
            ));
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::param(
                "label",
                format!("longer than {MAX_LABEL_CHARS} characters"),
            ));
        }
        if label.is_empty() {
            self.labels.remove(&topic);
        } else {
            self.labels.insert(topic, label.to_string());
        }
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

    pub fn k(&self) -> usize {
        self.k
    }

    /// Writes `model_path`'s labels file atomically.
    pub fn save_for(&self, model_path: &Path) -> Result<()> {
        let path = Labels::path_for(model_path);
        let file = LabelsFile {
            format: FORMAT.into(),
            k: self.k,
            labels: self.labels.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| Error::BadLabels {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        crate::io::write_atomic(&path, |w| writeln!(w, "{text}"))
    }
}

/// Opens a model and the labels beside it: what every view starts with.
pub fn open_model(path: &Path) -> Result<(crate::lda::LdaModel, Labels)> {
    let model = crate::lda::LdaModel::load(path)?;
    let labels = Labels::load_for(path, model.k())?;
    Ok((model, labels))
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
    }

    #[test]
    fn set_get_remove_and_validate() {
        let mut l = Labels::empty(3);
        l.set(2, "  신뢰 Trust ").unwrap();
        assert_eq!(l.get(2), Some("신뢰 Trust"));
        assert_eq!(l.name(0), "Topic 0");
        assert_eq!(l.to_vec(), vec![None, None, Some("신뢰 Trust".to_string())]);
        l.set(2, "").unwrap();
        assert_eq!(l.get(2), None);
        assert_eq!(
            l.set(3, "x").unwrap_err().to_string(),
            "invalid topic: topic 3 does not exist; the model has topics 0 to 2"
        );
        assert_eq!(
            l.set(0, "a\nb").unwrap_err().to_string(),
            "invalid label: a label must be a single line without control characters"
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
        let err =
            Labels::from_json("{\"format\": \"topics-labels\",\n \"k\": 2,", p, 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.labels.json: not a labels file: EOF while parsing a value at line 2 column 8"
        );
    }
}

// stand-in: replaced by the labels branch
// Minimal versions of the CONTRACTS section 1 API that `topics serve`
// codes against; the labels branch's real ones replace this block at merge.
impl Labels {
    /// "2", "#2" or a label (exact after trim, else a unique
    /// case-insensitive match) -> topic id.
    pub fn resolve(&self, reference: &str) -> Result<usize> {
        let r = reference.trim();
        let listing = || {
            (0..self.k)
                .map(|t| match self.get(t) {
                    Some(l) => format!("{t} ({l})"),
                    None => t.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Ok(t) = r.trim_start_matches('#').parse::<usize>() {
            if t < self.k {
                return Ok(t);
            }
        } else if let Some((&t, _)) = self.labels.iter().find(|(_, l)| l.as_str() == r) {
            return Ok(t);
        } else {
            let lower = r.to_lowercase();
            let found: Vec<usize> = (0..self.k)
                .filter(|&t| self.get(t).is_some_and(|l| l.to_lowercase() == lower))
                .collect();
            if let [t] = found[..] {
                return Ok(t);
            }
        }
        Err(Error::param(
            "topic",
            format!("no topic '{r}'; the topics are {}", listing()),
        ))
    }

    /// Removes `topic`'s label (no error if it had none).
    pub fn remove(&mut self, topic: usize) -> Result<()> {
        self.set(topic, "")
    }

    /// Locked read-modify-write of MODEL.labels.json.
    pub fn update_for<T>(
        model_path: &Path,
        model: &crate::lda::LdaModel,
        edit: impl FnOnce(&mut Labels) -> Result<T>,
    ) -> Result<(Labels, T)> {
        let mut lock_path = Labels::path_for(model_path).into_os_string();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let io = |source: std::io::Error| Error::Io {
            path: lock_path.clone(),
            source,
        };
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        lock.lock().map_err(io)?;
        let mut labels = Labels::load_for_model(model_path, model)?;
        let value = edit(&mut labels)?;
        labels.save_for(model_path)?;
        drop(lock);
        Ok((labels, value))
    }

    /// Reads the labels beside `model_path` for `model`.
    pub fn load_for_model(model_path: &Path, model: &crate::lda::LdaModel) -> Result<Labels> {
        Labels::load_for(model_path, model.k())
    }
}
// end of stand-in
