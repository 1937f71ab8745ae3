//! A model file is checked for what it claims, after its checksum: an
//! edited file whose checksum was recomputed is refused with exit 9 and the
//! reason, never loaded into wrong numbers or a panic.

use crate::util;

use std::path::Path;

use proptest::prelude::*;
use serde_json::{json, Value};
use topics::fuzz::{model_file, model_mutations, VALID_MODEL_DATA};
use topics::lda::LdaModel;

fn valid() -> Value {
    serde_json::from_str(VALID_MODEL_DATA).unwrap()
}

/// Loads `model` (with a recomputed checksum) and returns the refusal.
fn refusal(model: &Value) -> String {
    let text = model_file(&model.to_string());
    let err =
        LdaModel::from_json(&text, Path::new("m.json")).expect_err("the edited model is refused");
    assert_eq!(err.exit_code(), 9, "{err}");
    err.to_string()
}

/// The valid model, edited by `edit`, is refused with exactly `reason`.
fn refused_with(edit: impl FnOnce(&mut Value), reason: &str) {
    let mut model = valid();
    edit(&mut model);
    assert_eq!(
        refusal(&model),
        format!("m.json: invalid model data: {reason}")
    );
}

#[test]
fn the_valid_model_loads_with_its_draws() {
    let text = model_file(VALID_MODEL_DATA);
    let model = LdaModel::from_json(&text, Path::new("m.json")).unwrap();
    assert_eq!(
        (model.k(), model.num_theta_draws(), model.num_tokens()),
        (2, 2, 9)
    );
    // θ of answer 3, counts [3, 0], α = 0.1 each: 3.1/3.2 and 0.1/3.2.
    assert_eq!(model.theta(2), vec![3.1 / 3.2, 0.1 / 3.2]);
}

#[test]
fn display_shorter_than_terms() {
    refused_with(
        |m| m["vocabulary"]["display"] = json!(["a", "b"]),
        "the vocabulary has 3 terms but 2 display words",
    );
}

#[test]
fn duplicate_term() {
    refused_with(
        |m| m["vocabulary"] = json!({"terms": ["a", "b", "a"], "display": ["a", "b", "a"]}),
        "the vocabulary lists the term 'a' twice",
    );
}

#[test]
fn negative_alpha() {
    refused_with(
        |m| m["alpha"][0] = json!(-1.0),
        "alpha of topic 0 is -1; priors must be positive and finite",
    );
}

#[test]
fn zero_nan_and_infinite_beta() {
    refused_with(
        |m| m["beta"] = json!(0.0),
        "beta is 0; priors must be positive and finite",
    );
    // JSON has no NaN: serde_json writes it as null, which is not a number.
    let mut model = valid();
    model["beta"] = json!(f64::NAN);
    assert_eq!(model["beta"], Value::Null);
    assert!(
        refusal(&model).starts_with("m.json: invalid model data: invalid type: null, expected f64")
    );
    // 1e999 is beyond f64: refused by the parser.
    let text = model_file(&VALID_MODEL_DATA.replace(
        "\"beta\":0.01,\"vocabulary\"",
        "\"beta\":1e999,\"vocabulary\"",
    ));
    let err = LdaModel::from_json(&text, Path::new("m.json")).unwrap_err();
    assert!(err.to_string().contains("number out of range"), "{err}");
}

#[test]
fn priors_summing_to_infinity() {
    refused_with(
        |m| m["alpha"] = json!([f64::MAX, f64::MAX]),
        "the priors sum to inf (alpha) and 0.03 (beta × terms); they must be finite",
    );
}

#[test]
fn k_mismatch() {
    refused_with(
        |m| m["params"]["k"] = json!(3),
        "the model says k = 3 but stores 2 alpha values",
    );
    refused_with(
        |m| {
            m["params"]["k"] = json!(3);
            m["alpha"] = json!([0.1, 0.1, 0.1]);
        },
        "the model says k = 3 but stores 2 topics",
    );
    refused_with(
        |m| m["params"]["k"] = json!(0),
        "the saved settings are invalid: invalid -k: the number of topics must be at least 1",
    );
}

#[test]
fn document_counts_not_k_long() {
    refused_with(
        |m| m["documents"][1]["counts"] = json!([1, 1, 1]),
        "answer '2' has 3 topic counts, not k = 2",
    );
}

#[test]
fn counts_not_summing_to_length() {
    refused_with(
        |m| m["documents"][0]["counts"] = json!([2, 2]),
        "answer '1' has 3 tokens but its topic counts sum to 4",
    );
    refused_with(
        |m| m["documents"][0]["length"] = json!(0),
        "answer '1' has no tokens; answers without words are never part of a fit",
    );
}

#[test]
fn topic_totals_not_column_sums() {
    // Moves one token of word 2 from topic 0 to topic 1 in the topic-word
    // table only: the answers still give topic 0 six tokens.
    refused_with(
        |m| m["topic_word_counts"] = json!([[[0, 3], [2, 2]], [[1, 3], [2, 1]]]),
        "topic 0 has 5 tokens in its word counts but 6 in the answers' topic counts",
    );
}

#[test]
fn token_total_not_the_corpus_report() {
    refused_with(
        |m| m["corpus"]["tokens"] = json!(10),
        "the corpus report says 10 tokens but the counts hold 9",
    );
}

#[test]
fn word_ids_out_of_range_repeated_or_zero() {
    refused_with(
        |m| m["topic_word_counts"][1] = json!([[3, 3]]),
        "topic 1 refers to word 3, beyond the vocabulary of 3",
    );
    refused_with(
        |m| m["topic_word_counts"][1] = json!([[1, 2], [1, 1]]),
        "topic 1 lists word 1 twice",
    );
    refused_with(
        |m| m["topic_word_counts"][1] = json!([[1, 3], [0, 0]]),
        "topic 1 lists word 0 with a count of 0",
    );
}

#[test]
fn duplicate_answer_ids_are_loaded() {
    // Not an inconsistency: `link` reports repeated ids instead of joining
    // them (src/link/join.rs), so the loader keeps them.
    let mut model = valid();
    model["documents"][2]["id"] = json!("1");
    let text = model_file(&model.to_string());
    let model = LdaModel::from_json(&text, Path::new("m.json")).unwrap();
    assert_eq!(model.documents()[2].id, "1");
}

#[test]
fn theta_draws_shaped_wrong() {
    refused_with(
        |m| m["doc_topic_samples"][1] = json!([1, 2, 3]),
        "saved posterior draw 1 has 3 counts, not 3 answers × k = 2",
    );
    refused_with(
        |m| m["doc_topic_samples"][0] = json!([1, 2, 2, 1, 3, 1]),
        "saved posterior draw 0 gives answer '3' 4 tokens, not 3",
    );
}

#[test]
fn trace_lengths_differ() {
    refused_with(
        |m| m["trace"]["ll_per_token"] = json!([]),
        "the trace has 1 iterations but 0 log-likelihoods",
    );
}

#[test]
fn empty_model() {
    refused_with(
        |m| {
            m["documents"] = json!([]);
            m["doc_topic_samples"] = json!([]);
        },
        "the model has 0 fitted answers and 3 terms; a fit has at least one of each",
    );
}

/// Found against the release binary: `show` panicked (exit 101) on a
/// display list shorter than the terms, and loaded α = −1 into θ = −0.46.
#[test]
fn the_binary_refuses_with_exit_9() {
    let dir = tempfile::tempdir().unwrap();
    for (name, edit) in [
        (
            "display.json",
            json!({"vocabulary": {"terms": ["a", "b", "c"], "display": ["a"]}}),
        ),
        ("alpha.json", json!({"alpha": [-1.0, 0.1]})),
    ] {
        let mut model = valid();
        for (key, value) in edit.as_object().unwrap() {
            model[key] = value.clone();
        }
        std::fs::write(dir.path().join(name), model_file(&model.to_string())).unwrap();
        let run = util::topics(dir.path(), &["show", name]);
        assert_eq!(run.code, 9, "{name}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("topics: error: {name}: invalid model data: ")),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

proptest! {
    // PROPTEST_CASES=200000 for a long run (as a fuzzing session would).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]

    /// Random edits of the valid model (the `model_mutations` fuzz target's
    /// entry point): refused with exit 9, or a model whose θ and φ are
    /// distributions. A panic fails the test.
    #[test]
    fn mutated_models_are_refused_or_sound(edits in proptest::collection::vec(any::<u8>(), 1..16)) {
        model_mutations(&edits);
    }
}

/// The mutations reach both outcomes and the loader's own checks (not only
/// the JSON parser's), so the property above tests something.
#[test]
fn mutations_reach_the_semantic_checks() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let mut loaded = 0;
    let mut reasons = Vec::new();
    for _ in 0..5000 {
        let edits: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
        match model_mutations(&edits) {
            None => loaded += 1,
            Some(reason) => reasons.push(reason),
        }
    }
    assert!(loaded >= 100, "only {loaded} of 5000 edited models loaded");
    for check in [
        "tokens in its word counts",
        "priors must be positive",
        "saved posterior draw",
        "display words",
        "topic counts sum to",
        "beyond the vocabulary",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(check)),
            "no mutation reached '{check}'"
        );
    }
}
