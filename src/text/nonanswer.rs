//! Answers that say only that the respondent does not know or has no
//! reason: `I don't know.`, `Not sure`, `잘 모르겠습니다`, `특별한 이유 없음`.
//!
//! Survey research codes these as item nonresponse (don't know / no
//! answer), not as content. Left in a topic model they are not neutral:
//! their few words survive the stopword lists (`know`, `sure`, `special`,
//! 모르다, 이유) and pull the answer into whichever topic shares them, so
//! `잘 모르겠습니다` is read as a trust answer (모르다 of `모르는 사람`),
//! the topic's share grows by every respondent who said nothing, and a
//! conjoint subgroup of "trust writers" gains respondents who wrote about
//! nothing. A fit therefore leaves them out as it leaves out blank answers
//! (and names them), unless asked to keep them.
//!
//! The rule is deliberately narrow: the whole answer, with case,
//! punctuation and spacing ignored, must be one of the phrases in
//! `stopwords/nonanswers.txt`. `I don't know why, it was fun` is an
//! answer; `I don't know.` is not. Answers like `nothing` or `none`, all
//! of whose words are stopwords, are already left out as answers without
//! words.

use std::collections::HashSet;
use std::sync::OnceLock;

const PHRASES: &str = include_str!("../../stopwords/nonanswers.txt");

/// The comparison key of a text: lowercased, with everything but letters
/// and digits dropped (spaces, punctuation, apostrophes), so that
/// `I don't know.`, `i dont know` and `I  DON'T KNOW!` meet, as do
/// `잘 모르겠습니다` and `잘모르겠습니다` (Korean spacing varies).
fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keys of the bundled phrases, and the most letters and digits any
/// of them has.
struct Phrases {
    keys: HashSet<String>,
    longest: usize,
}

fn phrases() -> &'static Phrases {
    static SET: OnceLock<Phrases> = OnceLock::new();
    SET.get_or_init(|| {
        let keys: HashSet<String> = PHRASES.lines().map(key).filter(|k| !k.is_empty()).collect();
        let longest = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
        Phrases { keys, longest }
    })
}

/// Whether `text` (one whole answer) is a non-answer of the bundled list.
///
/// Every answer passes here before it is tokenized, so an answer with more
/// letters than a phrase could have after normalization is turned away
/// before it is normalized: NFKC at most composes three conjoining jamo
/// into one syllable, hence the factor 3.
pub fn is_nonanswer(text: &str) -> bool {
    let phrases = phrases();
    let mut letters = text.chars().filter(|c| c.is_alphanumeric());
    if letters.nth(3 * phrases.longest).is_some() {
        return false;
    }
    let k = key(&super::normalize::normalize(text));
    !k.is_empty() && phrases.keys.contains(&k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_answers_of_the_list_are_nonanswers_whatever_their_spelling() {
        for text in [
            "I don't know.",
            "i dont know",
            "I  DON’T KNOW!",
            "Not sure.",
            "nothing special",
            "N/A",
            "잘 모르겠습니다.",
            "잘모르겠어요",
            // Conjoining jamo, which NFKC composes into 모름.
            "\u{1106}\u{1169}\u{1105}\u{1173}\u{11B7}",
            "모름",
            "특별한 이유 없음",
            "  글쎄요...  ",
        ] {
            assert!(is_nonanswer(text), "{text:?}");
        }
    }

    #[test]
    fn an_answer_that_says_more_is_an_answer() {
        for text in [
            "I don't know why, it was fun",
            "I don't know the government's reasons",
            "I don't know, the dramas were fun and my family brought them every week",
            "모르는 사람은 신고할 수도 있어서",
            "잘 모르겠지만 재미있었어요",
            "특별한 이유 없이 봤어요",
            "know",
            "",
            "   ",
            "...",
        ] {
            assert!(!is_nonanswer(text), "{text:?}");
        }
    }

    #[test]
    fn every_line_of_the_list_has_a_key() {
        let lines = PHRASES.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(
            lines, 64,
            "stopwords/nonanswers.txt changed: update PROVENANCE.md"
        );
        assert!(PHRASES.lines().all(|l| !key(l).is_empty()));
    }
}
