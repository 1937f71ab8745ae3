//! Unicode normalization and lowercasing, through the `tokenizers` crate's
//! normalizers (the same code Hugging Face pipelines run, so a user's
//! `tokenizer.json` and the built-in pipeline agree on what "NFKC" means).

use tokenizers::normalizers::unicode::NFKC;
use tokenizers::normalizers::utils::Lowercase;
use tokenizers::tokenizer::{NormalizedString, Normalizer};

/// NFKC, then lowercase, then typographic apostrophes to `'`.
///
/// NFKC folds full-width Latin (`ＯＳＴ`) and compatibility Hangul jamo into
/// their ordinary forms, so the same word typed on different keyboards
/// counts once. NFKC leaves `’` (U+2019) alone, but English contractions
/// and possessives must look the same whichever apostrophe was typed.
pub fn normalize(text: &str) -> String {
    let mut normalized = NormalizedString::from(text);
    // Both normalizers are infallible on a NormalizedString; should a future
    // version report an error, fall back to the std equivalents.
    if NFKC.normalize(&mut normalized).is_err() || Lowercase.normalize(&mut normalized).is_err() {
        return fallback(text);
    }
    normalized.get().replace(['\u{2019}', '\u{2018}'], "'")
}

fn fallback(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc()
        .collect::<String>()
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_apostrophes() {
        assert_eq!(normalize("ＯＳＴ Don’t"), "ost don't");
        // Compatibility jamo stay jamo under NFKC but full-width digits fold.
        assert_eq!(normalize("１２３ 영화"), "123 영화");
    }

    #[test]
    fn fallback_agrees() {
        let s = "ＯＳＴ Don’t Ⅻ ﬁne 가나";
        assert_eq!(normalize(s), fallback(s));
    }
}
