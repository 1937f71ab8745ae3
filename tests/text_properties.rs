//! Property tests of the text pipeline's invariants on arbitrary mixed
//! Korean/English/symbol input: segments lie inside the input,
//! normalization is idempotent, and analysis is deterministic and
//! unaffected by normalizing first.

use std::sync::OnceLock;

use proptest::prelude::*;
use topics::text::normalize::normalize;
use topics::text::segment::pieces;
use topics::text::{Analyzer, TextOptions};

/// Korean syllables and jamo, Latin (incl. full-width), digits, spacing,
/// punctuation, apostrophes and emoji, as short answers mix them.
fn answer() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[가-힣ㄱ-ㅎa-zA-ZＡ-Ｚ0-9 \t.,!?'’~()😀🇰🇷ß İ]{0,80}").unwrap()
}

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER
        .get_or_init(|| Analyzer::new(TextOptions::default()).expect("the default pipeline builds"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn normalization_is_idempotent(s in answer()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    /// Every segment is a slice of the normalized input, in order and
    /// without overlap (its byte range lies inside the input).
    #[test]
    fn segments_lie_inside_the_input(s in answer()) {
        let text = normalize(&s);
        let start = text.as_ptr() as usize;
        let mut previous_end = start;
        for piece in pieces(&text) {
            let from = piece.text.as_ptr() as usize;
            let to = from + piece.text.len();
            prop_assert!(from >= previous_end && to <= start + text.len(), "{:?} outside {:?}", piece.text, text);
            prop_assert!(!piece.text.is_empty());
            previous_end = to;
        }
    }

    #[test]
    fn analysis_is_deterministic_and_normalization_invariant(s in answer()) {
        let a = analyzer();
        let tokens = a.tokens(&s);
        prop_assert_eq!(&tokens, &a.tokens(&s));
        prop_assert_eq!(&tokens, &a.tokens(&normalize(&s)));
        for t in &tokens {
            prop_assert!(!t.term.is_empty() && !t.surface.is_empty());
            prop_assert!(!t.term.chars().any(char::is_whitespace), "{:?}", t.term);
            prop_assert_eq!(t.term.to_lowercase(), t.term.clone());
        }
    }
}
