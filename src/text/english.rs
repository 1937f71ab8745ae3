//! The English path: possessive removal and Snowball stemming.

use rust_stemmers::{Algorithm, Stemmer};

/// Words whose `'s` is a contraction (`it's` = it is), not a possessive.
const S_CONTRACTIONS: &[&str] = &[
    "it", "he", "she", "that", "what", "there", "here", "who", "where", "when", "why", "how",
    "let", "this",
];

/// Turns a lowercased Latin word into (term, surface).
pub struct English {
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for English {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("English")
            .field("stem", &self.stemmer.is_some())
            .finish()
    }
}

impl English {
    /// An English analyzer, Snowball-stemming when `stem` is set.
    pub fn new(stem: bool) -> English {
        English {
            stemmer: stem.then(|| Stemmer::create(Algorithm::English)),
        }
    }

    /// The readable form: the word without a possessive `'s` / trailing `'`
    /// (`family's` and `families'` are about families, not a new word).
    /// After a pronoun, `'s` is `is`/`has`/`us` (`it's`, `that's`, `let's`):
    /// the contraction stays whole, as a stopword.
    pub fn surface<'a>(&self, word: &'a str) -> &'a str {
        let word = match word.strip_suffix("'s") {
            Some(base) if !S_CONTRACTIONS.contains(&base) => base,
            _ => word,
        };
        word.trim_end_matches('\'')
    }

    /// The counting key of a readable form: its Snowball stem, so that
    /// `curious` and `curiosity` can meet, or the form itself without
    /// stemming. A word with an apostrophe left in it is a contraction
    /// (`don't`, `i'm`, `it's`) or a name (`o'brien`) and is counted whole:
    /// Snowball would cut `it's` to `it`.
    pub fn term(&self, surface: &str) -> String {
        match &self.stemmer {
            Some(s) if !surface.contains('\'') => s.stem(surface).into_owned(),
            _ => surface.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_like_snowball() {
        // Worked by hand from the Snowball English algorithm
        // (snowballstem.org/algorithms/english/stemmer.html): step 1c turns
        // the final y into i, step 4 removes `iti` inside R2; words starting
        // with `gener` have R1 after that prefix, so `generous` keeps `ous`.
        let e = English::new(true);
        assert_eq!(e.term("curious"), "curious");
        assert_eq!(e.term("curiosity"), "curios");
        assert_eq!(e.term("families"), "famili");
        assert_eq!(e.term("learning"), "learn");
        assert_eq!(e.term("generously"), "generous");
        // Contractions are not stems' business.
        assert_eq!(e.term("it's"), "it's");
        assert_eq!(e.term("don't"), "don't");
    }

    #[test]
    fn strips_possessives() {
        let e = English::new(false);
        assert_eq!(e.surface("family's"), "family");
        assert_eq!(e.surface("families'"), "families");
        assert_eq!(e.surface("don't"), "don't");
        assert_eq!(e.surface("it's"), "it's");
        assert_eq!(e.surface("let's"), "let's");
        assert_eq!(e.term("families"), "families");
    }
}
