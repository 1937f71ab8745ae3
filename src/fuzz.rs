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
