//! Entry points shared by the `cargo fuzz` targets in `fuzz/` and the
//! regular test that replays their corpora (`tests/fuzz_corpus.rs`), so
//! CI checks every saved input without a nightly toolchain.
//!
//! Each function must return normally for any input: errors are fine,
//! panics, hangs and unbounded allocation are bugs.

use std::path::Path;
use std::sync::OnceLock;

use crate::io::{parse_answers, InputOptions};
use crate::lda::LdaModel;
use crate::text::{Analyzer, TextOptions};

/// Parses bytes as a model file.
pub fn model_reader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = LdaModel::from_json(text, Path::new("fuzz.json"));
    }
}

/// Reads bytes as an answers file in every layout.
pub fn answers_reader(data: &[u8]) {
    let Ok(text) = crate::io::decode_utf8(data.to_vec(), Path::new("fuzz")) else {
        return;
    };
    for name in ["fuzz.txt", "fuzz.csv", "fuzz.tsv"] {
        let _ = parse_answers(&text, Path::new(name), &InputOptions::default());
        let named = InputOptions {
            text_column: Some("answer".into()),
            id_column: Some("id".into()),
            ..InputOptions::default()
        };
        let _ = parse_answers(&text, Path::new(name), &named);
    }
}

/// The roles [`conjoint_reader`] reads a CSV with: respondent `id`,
/// features `a` and `b`, outcome `y`, weights `w`, groups `g`.
pub fn conjoint_reader_spec() -> crate::conjoint::data::Spec {
    crate::conjoint::data::Spec {
        respondent: Some("id".into()),
        features: vec!["a".into(), "b".into()],
        outcomes: vec!["y".into()],
        weights: Some("w".into()),
        by: Some("g".into()),
        ..Default::default()
    }
}

/// Reads bytes as a conjoint CSV (respondent `id`, features `a` and `b`,
/// outcome `y`, weights `w`, groups `g`) and runs every estimate on it,
/// unweighted and weighted: any of them may refuse the data, none may
/// panic.
pub fn conjoint_reader(data: &[u8]) {
    use crate::conjoint::data::ConjointData;
    use crate::conjoint::design::Options;
    use crate::conjoint::estimate::{self, Profile};

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(conjoint) = ConjointData::parse(text, Path::new("fuzz.csv"), &conjoint_reader_spec())
    else {
        return;
    };
    let profiles = [Profile::MostLikely, Profile::LeastLikely];
    let _ = estimate::missing_outcomes(&conjoint, "y");
    for weighted in [false, true] {
        let opts = Options {
            weighted,
            ..Options::default()
        };
        let _ = estimate::amce(&conjoint, "y", &opts);
        let _ = estimate::mm(&conjoint, "y", &opts);
        let _ = estimate::amce_by(&conjoint, "y", &opts);
        let _ = estimate::mm_by(&conjoint, "y", &opts);
        let _ = estimate::mm_diffs(&conjoint, "y", &opts);
        let _ = estimate::amce_diffs(&conjoint, "y", &opts);
        let _ = estimate::anova(&conjoint, "y", &opts);
        let _ = estimate::predict(&conjoint, "y", &profiles, &opts);
        let _ = estimate::predict_by(&conjoint, "y", &profiles, &opts);
    }
    let _ = estimate::freqs(&conjoint, false);
    let _ = estimate::freqs(&conjoint, true);
    let _ = estimate::freqs_weighted(&conjoint, false);
    let _ = estimate::freqs_weighted(&conjoint, true);
}

/// A restricted conjoint for [`randomization`]: 12 respondents × 8
/// profiles, features `a` (x, y, z), `b` (p, q) and `c` (u, v), where
/// `a = z` is never shown with `b = q`; outcome `y`, groups `g`.
pub fn restricted_conjoint_csv() -> String {
    let mut csv = String::from("id,a,b,c,y,g\n");
    for respondent in 0..12usize {
        for profile in 0..8usize {
            let i = respondent * 8 + profile;
            let a = ["x", "y", "z"][i % 3];
            let b = if a == "z" {
                "p"
            } else {
                ["p", "q"][(i / 3) % 2]
            };
            let c = ["u", "v"][(i / 2 + respondent) % 2];
            let chosen = (i * 7 + respondent) % 5 < 2;
            let group = ["m", "f"][respondent % 2];
            csv.push_str(&format!(
                "{},{a},{b},{c},{},{group}\n",
                respondent + 1,
                u8::from(chosen)
            ));
        }
    }
    csv
}

/// [`restricted_conjoint_csv`] read with its roles.
pub fn restricted_conjoint() -> crate::conjoint::data::ConjointData {
    let spec = crate::conjoint::data::Spec {
        respondent: Some("id".into()),
        features: vec!["a".into(), "b".into(), "c".into()],
        outcomes: vec!["y".into()],
        by: Some("g".into()),
        ..Default::default()
    };
    crate::conjoint::data::ConjointData::parse(
        &restricted_conjoint_csv(),
        Path::new("fuzz.csv"),
        &spec,
    )
    .expect("the restricted conjoint reads")
}

/// A valid randomization of [`restricted_conjoint_csv`]'s design, every
/// member present.
pub const VALID_RANDOMIZATION: &str = r#"{"class":"conjointDesign","attributes":{"a":["x","y","z"],"b":["p","q"],"c":["u","v"]},"dependence":{"a":"b","b":"a"},"one_way":{"a":{"x":0.3333333333333333,"y":0.3333333333333333,"z":0.3333333333333333},"b":{"p":0.6666666666666666,"q":0.3333333333333333},"c":{"u":0.5,"v":0.5}},"joint":[{"rows":"a","cols":"b","row_levels":["x","y","z"],"col_levels":["p","q"],"prob":[[0.16666666666666666,0.16666666666666666],[0.16666666666666666,0.16666666666666666],[0.3333333333333333,0]]}]}"#;

/// Edits [`VALID_RANDOMIZATION`] as `data` says (the edits of
/// [`model_mutations`]: a number changed, a node nulled, an element
/// removed or duplicated, ...), resolves the result against the
/// restricted conjoint of [`restricted_conjoint_csv`] and runs the
/// restricted design's estimates with its weights. Raw bytes seldom make
/// JSON that names the data's features and levels, so the edits start
/// from a file that does: the file may be refused, nothing may panic.
pub fn randomization(data: &[u8]) {
    use std::sync::Arc;

    use crate::conjoint::data::ConjointData;
    use crate::conjoint::design::Options;
    use crate::conjoint::estimate::{self, Profile};
    use crate::conjoint::randomization::{resolve, RandomizationFile};

    static DATA: OnceLock<ConjointData> = OnceLock::new();
    let conjoint = DATA.get_or_init(restricted_conjoint);
    let mut value: serde_json::Value =
        serde_json::from_str(VALID_RANDOMIZATION).expect("the valid randomization is JSON");
    for edit in data.chunks(3) {
        mutate(&mut value, edit);
    }
    let Ok(file) = RandomizationFile::from_value(&value, Path::new("fuzz.json")) else {
        return;
    };
    let Ok(weighting) = resolve(conjoint, &file) else {
        return;
    };
    let opts = Options {
        weighting: Some(Arc::new(weighting)),
        ..Options::default()
    };
    let _ = estimate::amce(conjoint, "y", &opts);
    let _ = estimate::amce_by(conjoint, "y", &opts);
    let _ = estimate::mm(conjoint, "y", &opts);
    let _ = estimate::anova(conjoint, "y", &opts);
    let _ = estimate::amce_diffs(conjoint, "y", &opts);
    let _ = estimate::predict(conjoint, "y", &[Profile::MostLikely], &opts);
}

/// Tokenizes bytes (lossy UTF-8) with the default pipeline and checks the
/// tokens are non-empty.
pub fn tokenizer(data: &[u8]) {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    let analyzer = ANALYZER.get_or_init(|| {
        Analyzer::new(TextOptions::default()).expect("the default pipeline builds")
    });
    let text = String::from_utf8_lossy(data);
    for token in analyzer.tokens(&text) {
        assert!(!token.term.is_empty(), "empty term from {text:?}");
    }
}

/// A small valid model: the hand-written seed of `fuzz/seeds/model_reader`
/// plus two saved posterior draws, so that every part the loader checks is
/// present to be mutated.
pub const VALID_MODEL_DATA: &str = r#"{"version":"0.1.0","params":{"k":2,"iterations":3,"alpha":0.1,"beta":0.01,"seed":1,"burn_in":100,"optimize_interval":10,"trace_interval":10},"text":{"pretokenized":true,"lang":"auto","stem":true,"stopwords":false,"extra_stopwords":[]},"input":{"path":"t.txt","sha256":"bf634bd86395a6c44b188f94d67b1375b6acd5f368a48538357500f726c76879","prune":{"min_df":1,"max_df":1.0}},"corpus":{"answers":3,"blank_ids":[],"empty_ids":[],"terms_before_pruning":3,"tokens":9},"alpha":[0.1,0.1],"beta":0.01,"vocabulary":{"terms":["a","b","c"],"display":["a","b","c"]},"topic_word_counts":[[[0,3],[2,3]],[[1,3]]],"documents":[{"id":"1","text":"a b a","length":3,"counts":[2,1]},{"id":"2","text":"b c b","length":3,"counts":[1,2]},{"id":"3","text":"c a c","length":3,"counts":[3,0]}],"trace":{"iteration":[3],"ll_per_token":[-2.093350929970456]},"doc_topic_samples":[[1,2,2,1,3,0],[2,1,1,2,3,0]]}"#;

/// A model file around `model` (JSON of the `model` member), with the
/// checksum the loader expects: the SHA-256 of exactly those bytes. This
/// is how an edited file whose checksum was recomputed looks.
pub fn model_file(model: &str) -> String {
    let checksum = crate::lda::sha256_hex(model.as_bytes());
    format!(
        "{{\"format\":\"topics-model\",\"schema_version\":{},\"model\":{model},\"checksum\":\"{checksum}\"}}",
        crate::lda::SCHEMA_VERSION
    )
}

/// Edits the valid model as `data` says (each pair of bytes picks a node
/// of the JSON tree and an edit: another number, a negative, zero, a
/// huge value, null, a string, an element removed, duplicated or added, a
/// key removed), recomputes the checksum and loads it.
///
/// The loader must refuse the result as a bad model (exit 9) or load a
/// model whose answers all work: θ of every answer and draw and φ of every
/// topic are distributions, and the summaries do not panic. Returns the
/// refusal, or `None` when the edited model loaded.
pub fn model_mutations(data: &[u8]) -> Option<String> {
    let mut model: serde_json::Value =
        serde_json::from_str(VALID_MODEL_DATA).expect("the valid model is JSON");
    for edit in data.chunks(3) {
        mutate(&mut model, edit);
    }
    let text = model_file(&model.to_string());
    match LdaModel::from_json(&text, Path::new("fuzz.json")) {
        Ok(model) => {
            exercise(&model);
            None
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 9, "not a bad-model error: {e}");
            Some(e.to_string())
        }
    }
}

/// One edit: `edit[0]` picks the node (in document order), `edit[1]` the
/// change, `edit[2]` (if any) a value or an element.
fn mutate(root: &mut serde_json::Value, edit: &[u8]) {
    use serde_json::{json, Value};
    let count = count_nodes(root);
    let Some(node) = nth_node(root, edit[0] as usize % count) else {
        return;
    };
    let arg = edit.get(2).copied().unwrap_or(0) as usize;
    let numbers = [
        json!(-1),
        json!(0),
        json!(1),
        json!(2),
        json!(3),
        json!(4),
        json!(9),
        json!(65535),
        json!(4294967295u64),
        json!(4294967296u64),
        json!(-1.0),
        json!(0.0),
        json!(0.5),
        json!(1e-300),
        json!(1e300),
        json!(f64::MAX),
    ];
    match edit.get(1).copied().unwrap_or(0) % 10 {
        0 | 1 => *node = numbers[arg % numbers.len()].clone(),
        2 => *node = Value::Null,
        3 => *node = json!(["", "a", "b", "x"][arg % 4]),
        4 => match node {
            Value::Array(items) if !items.is_empty() => {
                items.remove(arg % items.len());
            }
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(arg % map.len()).cloned().unwrap();
                map.remove(&key);
            }
            _ => *node = json!([]),
        },
        5 => {
            if let Value::Array(items) = node {
                if !items.is_empty() {
                    let copy = items[arg % items.len()].clone();
                    items.push(copy);
                }
            }
        }
        6 => {
            if let Value::Array(items) = node {
                items.push(numbers[arg % numbers.len()].clone());
            }
        }
        7 => {
            if let Value::Array(items) = node {
                if items.len() > 1 {
                    let len = items.len();
                    items.swap(arg % len, (arg + 1) % len);
                }
            }
        }
        8 => *node = json!({}),
        _ => {
            if let Some(n) = node.as_u64() {
                *node = json!(n + 1 + (arg as u64 % 3));
            } else if let Some(n) = node.as_i64() {
                *node = json!(n.saturating_sub(1));
            }
        }
    }
}

fn count_nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `n`-th node of the tree in pre-order (0 = the root).
fn nth_node(value: &mut serde_json::Value, mut n: usize) -> Option<&mut serde_json::Value> {
    fn walk<'a>(
        value: &'a mut serde_json::Value,
        n: &mut usize,
    ) -> Option<&'a mut serde_json::Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        match value {
            serde_json::Value::Array(items) => items.iter_mut().find_map(|v| walk(v, n)),
            serde_json::Value::Object(map) => map.values_mut().find_map(|v| walk(v, n)),
            _ => None,
        }
    }
    walk(value, &mut n)
}

/// Uses a loaded model as the commands do and checks what it answers.
fn exercise(model: &LdaModel) {
    let k = model.k();
    let is_distribution = |p: &[f64], what: &str| {
        assert_eq!(
            p.len(),
            if what.starts_with("phi") {
                model.vocab().len()
            } else {
                k
            },
            "{what}"
        );
        assert!(
            p.iter().all(|x| x.is_finite() && (0.0..=1.0).contains(x)),
            "{what}: {p:?}"
        );
        let sum: f64 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-9, "{what} sums to {sum}");
    };
    for d in 0..model.documents().len() {
        is_distribution(&model.theta(d), "theta");
        for s in 0..model.num_theta_draws() {
            is_distribution(&model.theta_draw(s, d), "theta draw");
        }
    }
    for t in 0..k {
        is_distribution(&model.phi_row(t), "phi");
        let _ = model.top_words(t, 5);
        let _ = model.top_documents(t, 5);
        let _ = model.topic_summary(t, 5, 2);
    }
    let _ = model.summary(5);
    let _ = model.result_labeled(5, 2, &[]);
}
