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

pub(crate) mod findings;
mod page;
pub mod svg;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::conjoint::estimate::EstimateRow;
use crate::error::{Error, Result};
use crate::explore::{
    document_words, Diagnostics, IntertopicMap, Labels, Ranking, TopicDiagnostics, TopicWordMatrix,
    COHERENCE_WORDS, DEFAULT_LAMBDA,
};
use crate::lda::{LdaModel, Quote};
use crate::link::output::LinkResult;

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
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            words: 15,
            quotes: 5,
            lambda: DEFAULT_LAMBDA,
            model_path: String::new(),
            served: false,
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

/// One row of a conjoint result (`topics conjoint --format json`): the
/// same type the estimators return, read back.
pub type ConjointRow = EstimateRow;

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
    /// A `topics conjoint --format json` result (see [`load_conjoint`]).
    pub conjoint: Option<Vec<EstimateRow>>,
    /// A `topics link --format json` result (see [`load_link`]).
    pub link: Option<LinkResult>,
    pub served: bool,
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
        conjoint: Option<Vec<EstimateRow>>,
        link: Option<LinkResult>,
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

/// What `topics conjoint --format json` writes, for messages.
const CONJOINT_KIND: &str = "a `topics conjoint --format json` result (an array of estimate rows with outcome, statistic, feature, level, estimate, …)";

/// What `topics link --format json` writes, for messages.
const LINK_KIND: &str = "a `topics link --format json` result (an object with summary, join, groups, rows, tests, words_levels, …)";

/// Reads a conjoint result: the JSON array of estimate rows that `topics
/// conjoint --format json` writes (with or without the later
/// `outcome_type`, `feature_label` and `h0`). Any other kind of file (a
/// link result, frequencies, a test table) is refused, saying what it
/// looks like.
pub fn load_conjoint(path: &Path) -> Result<Vec<EstimateRow>> {
    let value = load_value(path)?;
    let bad = |reason: String| Error::BadResults {
        path: path.to_path_buf(),
        reason,
    };
    let estimate_rows = |v: &serde_json::Value| match v {
        serde_json::Value::Array(items)
            if !items.is_empty() && items.iter().all(|r| r.get("estimate").is_some()) =>
        {
            Some(items.clone())
        }
        _ => None,
    };
    // The array itself, or (as earlier versions read) an object holding
    // it under `rows`, `estimates` or `results` that is not a link result.
    let held = || {
        if is_link(&value) {
            return None;
        }
        ["rows", "estimates", "results"]
            .iter()
            .find_map(|k| value.get(k).and_then(estimate_rows))
    };
    let rows = match estimate_rows(&value).or_else(held) {
        Some(rows) => rows,
        None => {
            return Err(bad(format!(
                "expected {CONJOINT_KIND}; this file looks like {}",
                looks_like(&value)
            )))
        }
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            EstimateRow::deserialize(row).map_err(|e| bad(format!("row {}: {e}", i + 1)))
        })
        .collect()
}

/// Reads a link result as `topics link --format json` writes it; any other
/// kind of file is refused, saying what it looks like.
pub fn load_link(path: &Path) -> Result<LinkResult> {
    let value = load_value(path)?;
    if !is_link(&value) {
        return Err(Error::BadResults {
            path: path.to_path_buf(),
            reason: format!(
                "expected {LINK_KIND}; this file looks like {}",
                looks_like(&value)
            ),
        });
    }
    LinkResult::deserialize(&value).map_err(|e| Error::BadResults {
        path: path.to_path_buf(),
        reason: format!("an incomplete or damaged `topics link --format json` result: {e}"),
    })
}

/// Whether `value` has the shape of a `topics link --format json` result.
fn is_link(value: &serde_json::Value) -> bool {
    ["summary", "join", "rows", "words_levels"]
        .iter()
        .all(|k| value.get(k).is_some())
}

/// The old name of [`load_link`], kept for its callers.
pub fn load_json(path: &Path) -> Result<LinkResult> {
    load_link(path)
}

/// What a JSON document seems to be, for a refusal.
fn looks_like(value: &serde_json::Value) -> String {
    use serde_json::Value;
    let has = |v: &Value, keys: &[&str]| keys.iter().all(|k| v.get(k).is_some());
    match value {
        Value::Array(items) if items.is_empty() => "an empty array".into(),
        Value::Array(items) => {
            let first = &items[0];
            if has(first, &["statistic", "estimate"]) {
                let n = items.len();
                let s = if n == 1 { "" } else { "s" };
                format!("a `topics conjoint --format json` result ({n} estimate row{s})")
            } else if has(first, &["count", "proportion"]) {
                "the level frequencies of `topics conjoint --estimate freqs` (not estimates)".into()
            } else if has(first, &["wald_chi2"]) {
                "the tests of `topics conjoint --estimate anova` (not estimates)".into()
            } else {
                format!("an array of {} {}", items.len(), kind_of(first))
            }
        }
        v if is_link(v) => "a `topics link --format json` result".into(),
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().take(6).map(String::as_str).collect();
            let more = if map.len() > 6 { ", …" } else { "" };
            format!("an object with keys {}{more}", keys.join(", "))
        }
        other => kind_of(other),
    }
}

fn kind_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
    .to_string()
}

/// Reads a JSON file as a value.
fn load_value(path: &Path) -> Result<serde_json::Value> {
    let text = crate::io::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| Error::BadResults {
        path: path.to_path_buf(),
        reason: format!("not valid JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conjoint_rows_old_and_new() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        let old = r#"{"outcome":"chosen","statistic":"amce","feature":"예산","level":"높음","estimate":-0.1,"std_error":0.02,"z":-5,"p":0.0,"lower":-0.14,"upper":-0.06,"BY":"men"}"#;
        std::fs::write(&p, format!("[{old}]")).unwrap();
        let rows = load_conjoint(&p).unwrap();
        assert_eq!(rows[0].feature, "예산");
        assert_eq!(rows[0].by.as_deref(), Some("men"));
        assert_eq!((rows[0].feature_label.as_ref(), rows[0].h0), (None, None));
        let new = r#"{"outcome":"chosen","outcome_type":"forced_choice","statistic":"mm","feature":"budget","feature_label":"예산","level":"높음","estimate":0.4,"std_error":0.02,"z":-5,"p":0.0,"h0":0.5,"lower":0.36,"upper":0.44}"#;
        std::fs::write(&p, format!("[{new}]")).unwrap();
        let rows = load_conjoint(&p).unwrap();
        assert_eq!(rows[0].feature_label.as_deref(), Some("예산"));
        assert_eq!(
            rows[0].outcome_type,
            Some(crate::conjoint::estimate::OutcomeType::ForcedChoice)
        );
        assert_eq!(rows[0].h0, Some(0.5));
        // Earlier versions also read an object holding the rows.
        std::fs::write(&p, format!("{{\"meta\":{{}},\"rows\":[{new}]}}")).unwrap();
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

    #[test]
    fn the_wrong_kind_of_file_is_refused_saying_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(
            &p,
            r#"[{"feature":"f","level":"a","count":3,"proportion":0.5}]"#,
        )
        .unwrap();
        let err = load_conjoint(&p).unwrap_err();
        assert_eq!(err.exit_code(), 41);
        assert!(err.to_string().ends_with("r.json: expected a `topics conjoint --format json` result (an array of estimate rows with outcome, statistic, feature, level, estimate, …); this file looks like the level frequencies of `topics conjoint --estimate freqs` (not estimates)"), "{err}");
        std::fs::write(
            &p,
            r#"{"summary":{},"join":{},"rows":[],"words_levels":{}}"#,
        )
        .unwrap();
        let err = load_conjoint(&p).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("this file looks like a `topics link --format json` result"),
            "{err}"
        );
        let err = load_link(&p).unwrap_err();
        assert!(err.to_string().contains("r.json: an incomplete or damaged `topics link --format json` result: missing field"), "{err}");
        std::fs::write(
            &p,
            r#"[{"outcome":"chosen","statistic":"amce","feature":"f","level":"a","estimate":0}]"#,
        )
        .unwrap();
        let err = load_link(&p).unwrap_err();
        assert_eq!(err.exit_code(), 41);
        assert!(err.to_string().ends_with("r.json: expected a `topics link --format json` result (an object with summary, join, groups, rows, tests, words_levels, …); this file looks like a `topics conjoint --format json` result (1 estimate row)"), "{err}");
        std::fs::write(&p, r#"{"vocab":[],"k":3,"a":1,"b":2,"c":3,"d":4,"e":5}"#).unwrap();
        let err = load_link(&p).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("this file looks like an object with keys a, b, c, d, e, k, …"),
            "{err}"
        );
    }
}
