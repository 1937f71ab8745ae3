//! Word segmentation: UAX #29 words, then a split wherever the script
//! changes between Hangul and everything else.
//!
//! UAX #29 keeps `영화OST까지` as one word (Hangul and Latin are both
//! "ALetter"), but for counting it is three: a Korean noun, an English
//! acronym and a particle. Digits stay with the Latin side (`mp3`, `covid19`)
//! because they form names there; a piece with no letter at all (numbers,
//! punctuation, emoji) is dropped.
//!
//! UAX #29 also breaks at hyphens, which turns `sister-in-law` into
//! `sister law` and `K-pop` into `k pop`. A hyphen between two Latin letters
//! with no space around it joins its words again, as quanteda
//! (`split_hyphens = FALSE`) and MALLET's default token pattern do: the
//! compound is the word an analyst reads.

use unicode_segmentation::UnicodeSegmentation;

/// What a piece of a word is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Hangul syllables and jamo.
    Hangul,
    /// Latin letters (with digits and apostrophes inside the word).
    Latin,
    /// Any other letters (Han, Cyrillic, …), kept as they are.
    Other,
}

/// A piece of one word in one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The piece, a slice of the input.
    pub text: &'a str,
    /// The script it is written in.
    pub script: Script,
    /// True if the piece was glued to the previous one without a space
    /// (`까지` in `영화OST까지`), which makes it a likely particle.
    pub attached: bool,
}

/// The pieces of `text` (already normalized), in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for word in hyphenated_words(text) {
        split_scripts(word, &mut out);
    }
    out
}

/// UAX #29 words (the segments holding a letter or digit), with words that
/// a hyphen joins between two Latin letters (`sister-in-law`, `k-pop`)
/// kept as one slice.
fn hyphenated_words(text: &str) -> Vec<&str> {
    let segments: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
    let mut words: Vec<(usize, usize)> = Vec::new();
    for (i, &(start, segment)) in segments.iter().enumerate() {
        if !segment.chars().any(char::is_alphanumeric) {
            continue;
        }
        let joined = i >= 2 && is_hyphen(segments[i - 1].1) && {
            let (left_start, left) = segments[i - 2];
            words
                .last()
                .is_some_and(|&(_, end)| end == left_start + left.len())
                && ends_with_latin(left)
                && starts_with_latin(segment)
        };
        match words.last_mut() {
            Some(word) if joined => word.1 = start + segment.len(),
            _ => words.push((start, start + segment.len())),
        }
    }
    words
        .into_iter()
        .map(|(start, end)| &text[start..end])
        .collect()
}

/// A hyphen as a segment of its own (normalization has made U+2010 and
/// U+2011 a plain `-`).
fn is_hyphen(segment: &str) -> bool {
    segment == "-"
}

fn ends_with_latin(word: &str) -> bool {
    word.chars().next_back().is_some_and(is_latin)
}

fn starts_with_latin(word: &str) -> bool {
    word.chars().next().is_some_and(is_latin)
}

/// True for the Latin letters the English path reads (ASCII and Latin-1 to
/// Latin Extended-B).
pub fn is_latin(c: char) -> bool {
    class(c) == Some(Script::Latin)
}

/// True for Hangul syllables and jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}'
        | '\u{1100}'..='\u{11FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{D7B0}'..='\u{D7FF}')
}

/// True for precomposed Hangul syllables (가–힣).
pub fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The class of a character for splitting; `None` for characters that do
/// not decide the script (digits, apostrophes, marks) and join either side.
fn class(c: char) -> Option<Script> {
    if is_hangul(c) {
        Some(Script::Hangul)
    } else if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
        Some(Script::Latin)
    } else if c.is_alphabetic() {
        Some(Script::Other)
    } else {
        None
    }
}

fn split_scripts<'a>(word: &'a str, out: &mut Vec<Piece<'a>>) {
    let mut start = 0;
    let mut current: Option<Script> = None;
    let mut first = true;
    for (i, c) in word.char_indices() {
        let Some(script) = class(c) else { continue };
        match current {
            None => {
                // Leading digits belong to a Latin word (`3d`) but not to a
                // Hangul one (`7.5는`).
                if script == Script::Hangul {
                    first = i == 0;
                    start = i;
                }
                current = Some(script);
            }
            Some(s) if s == script => {}
            Some(s) => {
                // Split before `c`; neutral characters (digits) between two
                // scripts go with the left side only if they follow Latin.
                let cut = if s == Script::Hangul {
                    leading_neutral_start(word, start, i)
                } else {
                    i
                };
                push_piece(&word[start..cut], s, !first, out);
                first = false;
                start = cut;
                current = Some(script);
            }
        }
    }
    if let Some(s) = current {
        push_piece(&word[start..], s, !first, out);
    }
}

/// Where the run of neutral characters just before `end` begins, so that
/// `영화2편` keeps `2` out of the Hangul piece but `covid19` keeps its digits.
fn leading_neutral_start(word: &str, start: usize, end: usize) -> usize {
    let mut cut = end;
    for (i, c) in word[start..end].char_indices().rev() {
        if class(c).is_some() {
            break;
        }
        cut = start + i;
    }
    cut
}

fn push_piece<'a>(text: &'a str, script: Script, attached: bool, out: &mut Vec<Piece<'a>>) {
    let text = match script {
        Script::Hangul => text.trim_matches(|c: char| !is_hangul(c)),
        _ => text.trim_matches(|c: char| !c.is_alphanumeric()),
    };
    // Bare jamo runs (ㅋㅋ, ㅎㅎ, ㅠㅠ) are laughter and crying, not words.
    let is_word = match script {
        Script::Hangul => text.chars().any(is_syllable),
        _ => text.chars().any(|c| class(c).is_some()),
    };
    if is_word {
        out.push(Piece {
            text,
            script,
            attached,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, Script, bool)> {
        pieces(s)
            .into_iter()
            .map(|p| (p.text, p.script, p.attached))
            .collect()
    }

    #[test]
    fn splits_where_script_changes() {
        use Script::*;
        assert_eq!(
            texts("영화ost까지 좋다"),
            vec![
                ("영화", Hangul, false),
                ("ost", Latin, true),
                ("까지", Hangul, true),
                ("좋다", Hangul, false)
            ]
        );
    }

    #[test]
    fn drops_numbers_punctuation_emoji() {
        use Script::*;
        assert_eq!(texts("ㅋㅋ ㅠㅠ"), vec![]);
        assert_eq!(
            texts("7.5는 최고!! 😀 100% ^^"),
            vec![("는", Hangul, true), ("최고", Hangul, false)]
        );
        assert_eq!(
            texts("covid19 mp3를"),
            vec![
                ("covid19", Latin, false),
                ("mp3", Latin, false),
                ("를", Hangul, true)
            ]
        );
    }

    #[test]
    fn keeps_hyphenated_latin_compounds_whole() {
        use Script::*;
        assert_eq!(
            texts("my sister-in-law liked k-pop을 e-mail"),
            vec![
                ("my", Latin, false),
                ("sister-in-law", Latin, false),
                ("liked", Latin, false),
                ("k-pop", Latin, false),
                ("을", Hangul, true),
                ("e-mail", Latin, false)
            ]
        );
        // A dash with spaces, a dangling hyphen, digits and Hangul on either
        // side do not join.
        assert_eq!(
            texts("yes - no, pre- 30-year 남-북"),
            vec![
                ("yes", Latin, false),
                ("no", Latin, false),
                ("pre", Latin, false),
                ("year", Latin, false),
                ("남", Hangul, false),
                ("북", Hangul, false)
            ]
        );
    }

    #[test]
    fn keeps_contractions_and_other_scripts() {
        use Script::*;
        // UAX #29 makes each ideograph its own word.
        assert_eq!(
            texts("don't 東京 москва"),
            vec![
                ("don't", Latin, false),
                ("東", Other, false),
                ("京", Other, false),
                ("москва", Other, false)
            ]
        );
    }
}
