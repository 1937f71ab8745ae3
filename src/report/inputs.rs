//! Reading the results a report embeds: a `topics conjoint --format json`
//! or `topics link --format json` file, refused with a message saying what
//! it looks like when it is another kind of file.

use std::path::Path;

use serde::Deserialize;

use crate::conjoint::estimate::EstimateRow;
use crate::error::{Error, Result};
use crate::explore::ValidationResult;
use crate::link::output::LinkResult;

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
    load_result(path, is_link, LINK_KIND, "topics link")
}

/// What `topics validate --format json` writes, for messages.
const VALIDATION_KIND: &str = "a `topics validate --format json` result (an object with codes, agreeing, kappa, topics, coded_answers, …)";

/// Reads a validation as `topics validate --format json` writes it; any
/// other kind of file is refused, saying what it looks like.
pub fn load_validation(path: &Path) -> Result<ValidationResult> {
    load_result(path, is_validation, VALIDATION_KIND, "topics validate")
}

/// Reads the JSON object `command --format json` writes (recognized by
/// `is_kind`, described by `kind`); another kind of file is refused,
/// saying what it looks like, and a damaged one saying what is missing.
fn load_result<T: serde::de::DeserializeOwned>(
    path: &Path,
    is_kind: fn(&serde_json::Value) -> bool,
    kind: &str,
    command: &str,
) -> Result<T> {
    let value = load_value(path)?;
    let bad = |reason: String| Error::BadResults {
        path: path.to_path_buf(),
        reason,
    };
    if !is_kind(&value) {
        return Err(bad(format!(
            "expected {kind}; this file looks like {}",
            looks_like(&value)
        )));
    }
    T::deserialize(&value).map_err(|e| {
        bad(format!(
            "an incomplete or damaged `{command} --format json` result: {e}"
        ))
    })
}

/// Whether `value` has the shape of a `topics validate --format json` result.
fn is_validation(value: &serde_json::Value) -> bool {
    ["codes", "kappa", "coded_answers"]
        .iter()
        .all(|k| value.get(k).is_some())
}

/// Whether `value` has the shape of a `topics link --format json` result.
fn is_link(value: &serde_json::Value) -> bool {
    ["summary", "join", "rows", "words_levels"]
        .iter()
        .all(|k| value.get(k).is_some())
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
        v if is_validation(v) => "a `topics validate --format json` result".into(),
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
