//! Residue of the web in answers: HTML character references and links.
//!
//! Answers exported from web surveys and reviews scraped from web pages
//! carry markup their writers never typed: `&lt;대부&gt;` for `<대부>`,
//! `don&#39;t` for `don't`, and often without the semicolon (`&lt닥터노&gt`,
//! as in the Naver movie reviews). Left alone, every reference becomes a
//! word (`lt`, `gt`, `amp`) that tops a topic. Links are not words either:
//! a URL falls apart into `http`, `naver`, `com`, `php`, and next to Hangul
//! (`이유http://…`) it goes through the Korean analyzer piece by piece.
//! References are decoded and links removed before segmentation, the same
//! in every script context,
//! so `topics tokenize` and the model never see them.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// The text with HTML character references decoded as a browser decodes
/// them in text, legacy forms without the semicolon included (`&lt`,
/// `&amp`, `&copy`): the reader saw `<`, so the tokens see `<`. Text
/// without `&` is returned as it is.
pub fn decode_references(text: &str) -> Cow<'_, str> {
    if text.contains('&') {
        htmlize::unescape(text)
    } else {
        Cow::Borrowed(text)
    }
}

/// Links, matched in normalized (lowercased) text: a URL with a scheme or
/// starting `www.`, an e-mail address, or a bare domain under a common
/// top-level domain (`blog.naver.com/x`, `naver.com`). Only ASCII is part
/// of a link, so a Korean word glued to one (`naver.com으로`, `이유http://`)
/// keeps its Hangul. Top-level domains that are also words or typos
/// (`it.me`, `fun.so` after a missing space) are not in the list.
fn link_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        // A link may hold sentence punctuation but does not end with it
        // (`see www.example.com/page, then`).
        const TAIL: &str = r"(?:[a-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[a-z0-9\-_~/#=&%+])?";
        const LABEL: &str = r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?";
        let scheme = format!(r"(?:https?|ftp)://{TAIL}");
        let www = format!(r"www\.{LABEL}(?:\.{LABEL})*{TAIL}");
        let email = format!(r"[a-z0-9._%+\-]+@{LABEL}(?:\.{LABEL})*\.[a-z]{{2,}}");
        let bare = format!(
            r"{LABEL}(?:\.{LABEL})*\.(?:com|net|org|edu|gov|info|biz|kr)(?-u:\b)(?:/{TAIL})?"
        );
        let pattern = format!(r"(?-u:\b)(?:{scheme}|{www}|{email}|{bare})");
        Regex::new(&pattern).expect("the link pattern is valid")
    })
}

/// The text with every link replaced by a space, so that the words on
/// either side stay apart. Text that cannot hold a link (no `.`) is
/// returned as it is.
pub fn remove_links(text: &str) -> Cow<'_, str> {
    if !text.contains('.') {
        return Cow::Borrowed(text);
    }
    link_pattern().replace_all(text, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_as_a_browser_shows_them() {
        assert_eq!(
            decode_references("속편이지만&lt닥터노&gt보다 don&#39;t caf&eacute; &#xAC00;"),
            "속편이지만<닥터노>보다 don't café 가"
        );
        // A bare ampersand is text, not a reference.
        assert_eq!(
            decode_references("사이먼&토마스 AT&T R&D"),
            "사이먼&토마스 AT&T R&D"
        );
        assert!(matches!(decode_references("no markup"), Cow::Borrowed(_)));
    }

    #[test]
    fn links_are_removed_and_glued_words_kept() {
        let cases = [
            (
                "이유http://mlbpark.donga.com/mbs/articlev.php?mbsc=bullpen2&x=1 봐",
                "이유  봐",
            ),
            ("see www.example.com/page, then", "see  , then"),
            ("메일은abc@naver.com으로 보내", "메일은 으로 보내"),
            ("blog.naver.com/freeasabird8/220449245122 좋다", "  좋다"),
            ("naver.com으로 검색", " 으로 검색"),
            ("(https://i.imgur.com/7o1afb2.jpg).", "( )."),
        ];
        for (text, want) in cases {
            assert_eq!(remove_links(text), want, "{text}");
        }
    }

    #[test]
    fn words_with_dots_are_not_links() {
        for text in [
            "it was fun.me too",
            "e.g. u.s.a. node.js 3.5점 mr.kim",
            "i liked it.it was good",
            "the end.",
        ] {
            assert_eq!(remove_links(text), text);
        }
    }
}
