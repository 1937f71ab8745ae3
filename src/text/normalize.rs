//! Unicode normalization and lowercasing, through the `tokenizers` crate's
//! normalizers (the same code Hugging Face pipelines run, so a user's
//! `tokenizer.json` and the built-in pipeline agree on what "NFKC" means).

use tokenizers::normalizers::unicode::NFKC;
use tokenizers::normalizers::utils::Lowercase;
use tokenizers::tokenizer::{NormalizedString, Normalizer};

/// NFKC, then lowercase, then typographic apostrophes to `'` and Unicode
/// hyphens to `-`.
///
/// NFKC folds full-width Latin (`ＯＳＴ`) and compatibility Hangul jamo into
/// their ordinary forms, so the same word typed on different keyboards
/// counts once. NFKC leaves `’` (U+2019) alone, but English contractions
/// and possessives must look the same whichever apostrophe was typed, and
/// a compound (`sister‐in‐law`, with U+2010) the same whichever hyphen.
///
/// Most answers are already in NFKC; for them the quick check of UAX #15
/// skips the normalizer (which also tracks alignments we do not need), and
/// each character is lowercased on its own, exactly as the `Lowercase`
/// normalizer does (`str::to_lowercase` would differ on a final Σ).
pub fn normalize(text: &str) -> String {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return text
            .chars()
            .flat_map(char::to_lowercase)
            .map(fold_punctuation)
            .collect();
    }
    let mut normalized = NormalizedString::from(text);
    // Both normalizers are infallible on a NormalizedString; should a future
    // version report an error, fall back to the std equivalents.
    if NFKC.normalize(&mut normalized).is_err() || Lowercase.normalize(&mut normalized).is_err() {
        return fallback(text);
    }
    normalized.get().chars().map(fold_punctuation).collect()
}

/// Typographic apostrophes to `'`, the Unicode hyphen and non-breaking
/// hyphen (which NFKC leaves, or folds to U+2010) to `-`.
fn fold_punctuation(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' => '\'',
        '\u{2010}' | '\u{2011}' => '-',
        c => c,
    }
}

fn fallback(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .map(fold_punctuation)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_apostrophes() {
        assert_eq!(normalize("ＯＳＴ Don’t"), "ost don't");
        assert_eq!(normalize("K\u{2011}pop e\u{2010}mail"), "k-pop e-mail");
        // Compatibility jamo stay jamo under NFKC but full-width digits fold.
        assert_eq!(normalize("１２３ 영화"), "123 영화");
    }

    #[test]
    fn fast_path_agrees_with_the_normalizers() {
        // Already NFKC: the quick path; compare with the full pipeline.
        for s in ["Curious ABOUT the world", "가족과 친구 OST", "İstanbul ΣΑΣ"] {
            let mut n = NormalizedString::from(s);
            NFKC.normalize(&mut n).expect("nfkc");
            Lowercase.normalize(&mut n).expect("lowercase");
            assert_eq!(normalize(s), n.get(), "{s}");
        }
    }

    #[test]
    fn fallback_agrees() {
        let s = "ＯＳＴ Don’t Ⅻ ﬁne 가나 K\u{2011}pop";
        assert_eq!(normalize(s), fallback(s));
    }
}
