//! The shareable report: one self-contained HTML file that opens offline.
//!
//! Everything the page shows is computed here in Rust and embedded as one
//! JSON document (`<script type="application/json" id="report-data">`);
//! charts are inline SVG drawn here; a little plain JavaScript builds the
//! tables, the λ slider and the CSV downloads. No web fonts, no CDN, no
//! request of any kind: co-authors open the file from an e-mail attachment
//! on a machine without the tool or a network.
//!
//! The same page is what `topics serve` sends, with `served` set so that
//! the page offers label editing through the service's API.

mod page;
pub mod svg;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::explore::{
    document_words, Diagnostics, IntertopicMap, Labels, Ranking, TopicDiagnostics, TopicWordMatrix,
    COHERENCE_WORDS, DEFAULT_LAMBDA,
};
use crate::lda::{LdaModel, Quote};

pub use page::render_html;

/// How much the report shows.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Words per topic in each ranking.
    pub words: usize,
    /// Representative answers per topic.
    pub quotes: usize,
    /// The λ the slider starts at.
    pub lambda: f64,
    /// The model file name shown in the overview.
    pub model_path: String,
    /// Whether the page is sent by `topics serve` (enables label editing).
    pub served: bool,
    /// The serving process's secret the page sends back as
    /// `X-Topics-Token` with every state-changing request; `None` for a
    /// report file.
    pub token: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            words: 15,
            quotes: 5,
            lambda: DEFAULT_LAMBDA,
            model_path: String::new(),
            served: false,
            token: None,
        }
    }
}

/// Settings and provenance shown in the overview.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub topics_version: String,
    pub model_version: String,
    pub model_path: String,
    pub input_path: String,
    pub input_sha256: String,
    pub k: usize,
    pub seed: u64,
    pub iterations: usize,
    pub burn_in: usize,
    pub optimize_interval: usize,
    pub alpha_initial: f64,
    pub beta_initial: f64,
    pub alpha: Vec<f64>,
    pub beta: f64,
    pub ll_per_token: f64,
    pub answers: usize,
    pub fitted_answers: usize,
    pub blank_answers: usize,
    pub empty_answers: usize,
    pub tokens: u64,
    pub vocabulary: usize,
    pub text_options: serde_json::Value,
}

/// One topic's identity.
#[derive(Debug, Clone, Serialize)]
pub struct TopicInfo {
    pub id: usize,
    pub label: Option<String>,
    pub share: f64,
}

/// A word under one ranking.
#[derive(Debug, Clone, Serialize)]
pub struct WordScore {
    pub word: String,
    pub score: f64,
    pub prob: f64,
}

/// The top words of every topic under one ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankingWords {
    pub by: &'static str,
    /// Per topic.
    pub words: Vec<Vec<WordScore>>,
}

/// A word the λ slider may bring into a topic's top list.
#[derive(Debug, Clone, Serialize)]
pub struct RelevanceCandidate {
    pub word: String,
    pub log_phi: f64,
    pub log_lift: f64,
    pub prob: f64,
}

/// One row of a conjoint result (`topics conjoint --format json`): cregg's
/// columns; the inference columns are empty for reference levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConjointRow {
    pub outcome: String,
    pub statistic: String,
    pub feature: String,
    pub level: String,
    pub estimate: f64,
    #[serde(default)]
    pub std_error: Option<f64>,
    #[serde(default)]
    pub z: Option<f64>,
    #[serde(default)]
    pub p: Option<f64>,
    #[serde(default)]
    pub lower: Option<f64>,
    #[serde(default)]
    pub upper: Option<f64>,
    #[serde(rename = "BY", default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// Everything the page shows, embedded as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub meta: Meta,
    pub topics: Vec<TopicInfo>,
    pub lambda: f64,
    pub top_n: usize,
    /// Every ranking but relevance (which the slider recomputes).
    pub rankings: Vec<RankingWords>,
    /// Per topic: every word that is in the top `top_n` by relevance at
    /// some slider position (λ in steps of 0.01), so the page ranks exactly.
    pub relevance: Vec<Vec<RelevanceCandidate>>,
    pub map: IntertopicMap,
    /// The most salient words overall (Chuang et al. 2012; LDAvis's
    /// default view), with their saliency.
    pub salient: Vec<WordScore>,
    pub quotes: Vec<Vec<Quote>>,
    pub diagnostics: Vec<TopicDiagnostics>,
    pub coherence_words: usize,
    pub conjoint: Option<Vec<ConjointRow>>,
    /// Kept as written so that its keys keep their order on the page.
    pub link: Option<Box<serde_json::value::RawValue>>,
    pub served: bool,
    /// See [`ReportOptions::token`] (`null` in a report file).
    pub token: Option<String>,
}

/// Words in the overall saliency table (LDAvis shows 30).
const SALIENT_WORDS: usize = 30;

/// The slider's positions: λ = 0, 0.01, …, 1.
const SLIDER_STEPS: usize = 100;

impl ReportData {
    /// Gathers the report of `model` with its labels and optional results.
    pub fn build(
        model: &LdaModel,
        labels: &Labels,
        options: &ReportOptions,
        conjoint: Option<Vec<ConjointRow>>,
        link: Option<Box<serde_json::value::RawValue>>,
    ) -> Result<ReportData> {
        if !(0.0..=1.0).contains(&options.lambda) {
            return Err(Error::param(
                "--lambda",
                format!("{} is not in [0, 1]", options.lambda),
            ));
        }
        let matrix = TopicWordMatrix::from_model(model);
        let docs = document_words(model)?;
        let diagnostics = Diagnostics::compute(model, &docs, COHERENCE_WORDS);
        let k = model.k();
        let rankings = Ranking::all(options.lambda)
            .into_iter()
            .filter(|r| !matches!(r, Ranking::Relevance { .. }))
            .map(|r| RankingWords {
                by: r.name(),
                words: (0..k)
                    .map(|t| {
                        matrix
                            .top_words_named(model, t, r, options.words)
                            .into_iter()
                            .map(|w| WordScore {
                                word: w.word,
                                score: w.score,
                                prob: w.prob,
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        Ok(ReportData {
            meta: meta(model, options),
            topics: (0..k)
                .map(|t| TopicInfo {
                    id: t,
                    label: labels.get(t).map(str::to_string),
                    share: model.token_share(t),
                })
                .collect(),
            lambda: options.lambda,
            top_n: options.words,
            rankings,
            relevance: (0..k)
                .map(|t| relevance_candidates(model, &matrix, t, options.words))
                .collect(),
            map: IntertopicMap::from_model(model),
            salient: most_salient(model, &matrix, SALIENT_WORDS),
            quotes: (0..k)
                .map(|t| model.topic_summary(t, 0, options.quotes).quotes)
                .collect(),
            diagnostics: diagnostics.topics,
            coherence_words: diagnostics.coherence_words,
            conjoint,
            link,
            served: options.served,
            token: options.token.clone(),
        })
    }

    /// The name views show for a topic: `#3 Trust` or `Topic 3`.
    pub fn topic_name(&self, topic: usize) -> String {
        match &self.topics[topic].label {
            Some(l) => format!("#{topic} {l}"),
            None => format!("Topic {topic}"),
        }
    }
}

fn meta(model: &LdaModel, options: &ReportOptions) -> Meta {
    let p = model.params();
    let c = model.corpus_report();
    Meta {
        topics_version: env!("CARGO_PKG_VERSION").to_string(),
        model_version: model.version().to_string(),
        model_path: options.model_path.clone(),
        input_path: model.input.path.clone(),
        input_sha256: model.input.sha256.clone(),
        k: model.k(),
        seed: p.seed,
        iterations: p.iterations,
        burn_in: p.burn_in,
        optimize_interval: p.optimize_interval,
        alpha_initial: p.alpha,
        beta_initial: p.beta,
        alpha: model.alpha().to_vec(),
        beta: model.beta(),
        ll_per_token: model.ll_per_token(),
        answers: c.answers,
        fitted_answers: model.documents().len(),
        blank_answers: c.blank_ids.len(),
        empty_answers: c.empty_ids.len(),
        tokens: model.num_tokens(),
        vocabulary: model.vocab().len(),
        text_options: serde_json::to_value(model.text_options()).unwrap_or(serde_json::Value::Null),
    }
}

/// The `n` most salient words; ties to the lower word id.
fn most_salient(model: &LdaModel, matrix: &TopicWordMatrix, n: usize) -> Vec<WordScore> {
    let saliency = matrix.saliency();
    let mut ids: Vec<usize> = (0..saliency.len()).collect();
    ids.sort_by(|&a, &b| saliency[b].total_cmp(&saliency[a]).then(a.cmp(&b)));
    ids.truncate(n);
    ids.into_iter()
        .map(|w| WordScore {
            word: model.vocab().display(w as u32).to_string(),
            score: saliency[w],
            prob: matrix.word_prob()[w],
        })
        .collect()
}

/// The union of the top `n` relevance words over the slider's positions.
fn relevance_candidates(
    model: &LdaModel,
    matrix: &TopicWordMatrix,
    topic: usize,
    n: usize,
) -> Vec<RelevanceCandidate> {
    let mut ids: Vec<u32> = Vec::new();
    for step in 0..=SLIDER_STEPS {
        let lambda = step as f64 / SLIDER_STEPS as f64;
        for w in matrix.top_words(topic, Ranking::Relevance { lambda }, n) {
            if !ids.contains(&w.word_id) {
                ids.push(w.word_id);
            }
        }
    }
    ids.sort_unstable();
    let phi = &matrix.phi()[topic];
    ids.into_iter()
        .map(|w| {
            let (p, pw) = (phi[w as usize], matrix.word_prob()[w as usize]);
            RelevanceCandidate {
                word: model.vocab().display(w).to_string(),
                log_phi: p.ln(),
                log_lift: if pw > 0.0 {
                    (p / pw).ln()
                } else {
                    f64::NEG_INFINITY
                },
                prob: p,
            }
        })
        .collect()
}

/// Reads a conjoint result: a JSON array of rows, or an object holding such
/// an array (under `rows`, `estimates` or any key).
pub fn load_conjoint(path: &Path) -> Result<Vec<ConjointRow>> {
    let value = load_value(path)?;
    let bad = |reason: String| Error::BadResults {
        path: path.to_path_buf(),
        reason,
    };
    let rows = find_rows(&value).ok_or_else(|| {
        bad("no conjoint rows found: expected an array of objects with outcome, statistic, feature, level, estimate (as `topics conjoint --format json` writes)".into())
    })?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            ConjointRow::deserialize(row).map_err(|e| bad(format!("row {}: {e}", i + 1)))
        })
        .collect()
}

/// The first array of objects that have an `estimate` key.
fn find_rows(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match value {
        serde_json::Value::Array(items)
            if items.first().is_some_and(|r| r.get("estimate").is_some()) =>
        {
            Some(items)
        }
        serde_json::Value::Object(map) => ["rows", "estimates", "results"]
            .iter()
            .filter_map(|k| map.get(*k))
            .chain(map.values())
            .find_map(find_rows),
        _ => None,
    }
}

/// Reads any JSON file; the link result is shown as it is, keys in the
/// order its producer wrote them.
pub fn load_json(path: &Path) -> Result<Box<serde_json::value::RawValue>> {
    let text = crate::io::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| Error::BadResults {
        path: path.to_path_buf(),
        reason: format!("not valid JSON: {e}"),
    })
}

/// Reads a JSON file as a value (for looking inside it).
fn load_value(path: &Path) -> Result<serde_json::Value> {
    serde_json::from_str(load_json(path)?.get()).map_err(|e| Error::BadResults {
        path: path.to_path_buf(),
        reason: format!("not valid JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conjoint_rows_from_array_or_object() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        let row = r#"{"outcome":"chosen","statistic":"amce","feature":"예산","level":"높음","estimate":-0.1,"std_error":0.02,"z":-5,"p":0.0,"lower":-0.14,"upper":-0.06,"BY":"men"}"#;
        std::fs::write(&p, format!("[{row}]")).unwrap();
        let rows = load_conjoint(&p).unwrap();
        assert_eq!(rows[0].feature, "예산");
        assert_eq!(rows[0].by.as_deref(), Some("men"));
        std::fs::write(&p, format!("{{\"meta\":{{}},\"rows\":[{row}]}}")).unwrap();
        assert_eq!(load_conjoint(&p).unwrap(), rows);
        std::fs::write(&p, r#"[{"outcome":"x","estimate":1}]"#).unwrap();
        let err = load_conjoint(&p).unwrap_err();
        assert_eq!(err.exit_code(), 41);
        assert!(
            err.to_string()
                .ends_with("c.json: row 1: missing field `statistic`"),
            "{err}"
        );
        std::fs::write(&p, "{\"a\": 1,").unwrap();
        assert!(load_conjoint(&p)
            .unwrap_err()
            .to_string()
            .contains("not valid JSON: EOF while parsing"));
    }
}
