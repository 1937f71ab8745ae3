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
