//! The bundled stopword lists (`stopwords/`, from spaCy; see
//! `stopwords/PROVENANCE.md`) plus the user's own.

use std::collections::HashSet;

const ENGLISH: &str = include_str!("../../stopwords/en.txt");
const KOREAN: &str = include_str!("../../stopwords/ko.txt");

/// A set of words never counted.
#[derive(Debug, Default)]
pub struct Stopwords {
    words: HashSet<String>,
}

impl Stopwords {
    /// The bundled lists (if `bundled`) and the user's `extra` words,
    /// normalized like the text so that `OST` given on the command line
    /// matches `ost` in answers.
    pub fn new(bundled: bool, extra: &[String]) -> Stopwords {
        let mut words = HashSet::new();
        if bundled {
            words.extend(
                ENGLISH
                    .lines()
                    .chain(KOREAN.lines())
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
        }
        words.extend(
            extra
                .iter()
                .map(|w| super::normalize::normalize(w.trim()))
                .filter(|w| !w.is_empty()),
        );
        Stopwords { words }
    }

    /// True if `word` is a stopword.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// True when the list holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lists_are_loaded() {
        let s = Stopwords::new(true, &[]);
        // spaCy en (312) + 94 contractions + no-one + 6 placeholders (oo,
        // xx, ...), spaCy ko (59) + 말다 +
        // 13 forms of particle-phrase verbs − the 4 content verbs English
        // keeps (see stopwords/PROVENANCE.md).
        assert_eq!(s.words.len(), 414 + 69);
        assert!(!s.contains("알다") && !s.contains("know"));
        assert!(s.contains("the") && s.contains("있다") && s.contains("것"));
        assert!(!s.contains("영화"));
        assert!(s.contains("don't") && s.contains("it's") && s.contains("dont"));
        assert!(s.contains("no-one") && s.contains("ooo") && s.contains("xx"));
    }

    #[test]
    fn extra_words_are_normalized() {
        let s = Stopwords::new(false, &["ＯＳＴ".to_string(), " ".to_string()]);
        assert!(s.contains("ost"));
        assert_eq!(s.words.len(), 1);
    }
}
