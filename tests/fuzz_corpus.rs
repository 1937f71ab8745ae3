//! Replays every saved fuzzing input — the hand-written seeds
//! (`fuzz/seeds/<target>/`) and what fuzzing found (`fuzz/corpus/<target>/`)
//! — through the same entry points the `cargo fuzz` targets use: none may
//! panic.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let mut count = 0;
    for folder in ["fuzz/seeds", "fuzz/corpus"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(folder)
            .join(target);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn model_reader_corpus() {
    assert!(replay("model_reader", topics::fuzz::model_reader) >= 1000);
}

#[test]
fn answers_reader_corpus() {
    assert!(replay("answers_reader", topics::fuzz::answers_reader) >= 1000);
}

#[test]
fn tokenizer_corpus() {
    assert!(replay("tokenizer", topics::fuzz::tokenizer) >= 1000);
}

/// The valid seed model really loads (so the corpus exercises the whole
/// reader, not only its first check).
#[test]
fn valid_seed_model_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/model_reader/valid.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let model = topics::lda::LdaModel::from_json(&text, &path).unwrap();
    assert_eq!(model.k(), 2);
}

#[test]
fn conjoint_reader_corpus() {
    assert!(replay("conjoint_reader", topics::fuzz::conjoint_reader) >= 1000);
}

/// The valid conjoint seed really reads and estimates under the roles the
/// fuzz entry point gives (so the corpus reaches the estimators, not only
/// the reader's first check): 8 respondents, a with 3 levels, b with 2.
#[test]
fn valid_conjoint_seed_estimates() {
    use topics::conjoint::data::ConjointData;
    use topics::conjoint::design::Options;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/conjoint_reader/valid.csv");
    let data = ConjointData::read(&path, &topics::fuzz::conjoint_reader_spec()).unwrap();
    assert_eq!(data.nrows(), 48);
    let rows = topics::conjoint::estimate::amce(&data, "y", &Options::default()).unwrap();
    let levels: Vec<&str> = rows.iter().map(|r| r.level.as_str()).collect();
    assert_eq!(levels, ["x", "y", "z", "p", "q"]);
}

#[test]
fn randomization_corpus() {
    assert!(replay("randomization", topics::fuzz::randomization) >= 700);
}

/// The randomization the fuzz target edits resolves against its
/// restricted conjoint and gives weighted AMCEs, so the edits start from
/// the restricted estimator and not from the reader's first refusal: `a =
/// z` never shows with `b = q`, and the file says so with a zero.
#[test]
fn valid_randomization_resolves() {
    use std::sync::Arc;
    use topics::conjoint::design::Options;
    use topics::conjoint::randomization::{resolve, RandomizationFile};
    let data = topics::fuzz::restricted_conjoint();
    assert_eq!(data.nrows(), 96);
    let level = |f: usize, name: &str| data.features[f].levels.iter().position(|l| l == name);
    let (z, q) = (level(0, "z").unwrap(), level(1, "q").unwrap());
    let z_with_q = (0..data.nrows()).filter(|&i| data.level(i, 0) == z && data.level(i, 1) == q);
    assert_eq!(z_with_q.count(), 0);
    let value: serde_json::Value = serde_json::from_str(topics::fuzz::VALID_RANDOMIZATION).unwrap();
    let file = RandomizationFile::from_value(&value, Path::new("fuzz.json")).unwrap();
    let weighting = resolve(&data, &file).unwrap();
    let opts = Options {
        weighting: Some(Arc::new(weighting)),
        ..Options::default()
    };
    let rows = topics::conjoint::estimate::amce(&data, "y", &opts).unwrap();
    let levels: Vec<&str> = rows.iter().map(|r| r.level.as_str()).collect();
    assert_eq!(levels, ["x", "y", "z", "p", "q", "u", "v"]);
    assert!(rows.iter().all(|r| r.weighting.is_some()), "{rows:?}");
}
