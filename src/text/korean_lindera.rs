//! The dictionary-based Korean path: lindera (MeCab's lattice algorithm)
//! over mecab-ko-dic, with morphemes mapped to the tokens a topic model
//! wants.
//!
//! Which classes are kept is [`DEFAULT_KEEP`] unless `--ko-keep` names
//! others. Mapping, per morpheme of the best path:
//! - inflected entries (`했` = 하/VV + 았/EP, type `Inflect`) are split
//!   through the dictionary's expression field, so the stem is recovered;
//! - kept nouns (NNG, NNP), and roots (XR) when asked for, stay as written;
//! - verb and adjective stems (VV, VA) become dictionary forms, stem + 다;
//! - Latin words (SL) are handed back to the caller for the English path;
//! - every class not kept (particles, endings, suffixes, numbers, symbols
//!   by default) is dropped; a root (XR) left out is handed back as
//!   [`Morpheme::LeftOutRoot`], so that the analyst can be told about it.
//!
//! Agreement with Kiwi's content tokens on the 2,000 NSMC gold lines (token
//! F1, `tests/text_korean.rs`): 0.833 with the plain mapping above; 0.8736
//! with bare jamo blanked out, the irregular-stem table of [`ko_dic`] and
//! the rewrites in `kiwi_conventions`; 0.8762 with the analyst rules of
//! `src/text/korean_context.rs` (탈북, 새 삶, 할 수도, 들은 …, and the
//! compounds Kiwi splits, 바깥세상 → 바깥 + 세상). Differences from MeCab: the
//! left-space penalty (mecab-ko-dic's `left-space-penalty-factor`, from
//! `assets/ko-dic/metadata.json`) is on, worth +0.001 here (0.8727 without);
//! the grouping cap of 24 (MeCab's default) changes nothing on these short
//! lines but keeps long unknown Hangul runs from becoming one token.

use std::borrow::Cow;

use lindera::dictionary::{Lattice, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

use super::{ko_dic, korean_context};
use crate::error::{Error, Result};

/// The classes kept by default: Kiwi's content tokens (nouns, verb and
/// adjective stems, Latin words) and unknown Hangul words (mostly names and
/// slang). Roots (XR: 지루, 따뜻 in 지루하다, 따뜻하다) are not kept by
/// default because Kiwi leaves them out too (keeping them lowers the token
/// F1 against Kiwi on the 2,000 NSMC gold lines from 0.876 to 0.863); add
/// `XR` to `--ko-keep` to count them. The fit summary names the roots left
/// out, from [`Morpheme::LeftOutRoot`].
pub const DEFAULT_KEEP: &[&str] = &["NNG", "NNP", "VV", "VA", "SL", "UNKNOWN"];

/// MeCab's default cap on grouping unknown characters; without it a long
/// unknown Hangul run becomes one token.
const MAX_GROUPING: usize = 24;

/// One content morpheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Morpheme {
    /// A Korean token in its dictionary form.
    Korean(String),
    /// A Latin word, for the English path.
    Latin(String),
    /// A Korean verb doing a particle's work (대하다 in `에 대해`, 통하다 in
    /// `을 통해`): a token when stopwords are off (Kiwi counts it), dropped
    /// with them (the rules are in `src/text/korean_context.rs`).
    Function(String),
    /// A root (XR: 궁금 in 궁금하다) left out because `XR` is not among the
    /// kept classes: never a token, but counted so that the analyst can be
    /// told what the default leaves out (`CorpusReport::left_out_roots`).
    LeftOutRoot(String),
}

/// A lindera segmenter with the class filter.
pub struct KoreanLindera {
    segmenter: Segmenter,
    keep: Vec<String>,
    stems: std::collections::HashMap<String, String>,
}

impl std::fmt::Debug for KoreanLindera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KoreanLindera")
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

impl KoreanLindera {
    /// Loads the system dictionary (compiling it on first use, see
    /// [`ko_dic`]) and the optional user dictionary (CSV text).
    pub fn new(keep: &[String], user_dict: Option<&str>) -> Result<KoreanLindera> {
        let dictionary = ko_dic::system_dictionary()?;
        let user: Option<UserDictionary> = user_dict.map(ko_dic::user_dictionary).transpose()?;
        let segmenter =
            Segmenter::new(Mode::Normal, dictionary, user).max_grouping_len(Some(MAX_GROUPING));
        let keep = if keep.is_empty() {
            DEFAULT_KEEP.iter().map(|s| s.to_string()).collect()
        } else {
            keep.iter().map(|s| s.trim().to_uppercase()).collect()
        };
        Ok(KoreanLindera {
            segmenter,
            keep,
            stems: ko_dic::irregular_stems()?,
        })
    }

    /// The content morphemes of `text` (normalized, lowercased), in order.
    pub fn morphemes(&self, text: &str) -> Vec<Morpheme> {
        // Bare jamo (ㅋㅋ, ㅠㅠ) are laughter and crying. Left in place they
        // are grouped with the next syllables into one unknown word
        // (`ㅋㅋ반전을`), so they are blanked out before the lattice is built.
        let text: String = text
            .chars()
            .map(|c| if is_jamo(c) { ' ' } else { c })
            .collect();
        thread_local! {
            // The lattice's buffers are reused across lines of one thread.
            static LATTICE: std::cell::RefCell<Lattice> = std::cell::RefCell::new(Lattice::default());
        }
        let segmented = LATTICE.with(|lattice| match lattice.try_borrow_mut() {
            Ok(mut lattice) => self
                .segmenter
                .segment_with_lattice(Cow::Borrowed(text.as_str()), &mut lattice),
            Err(_) => self.segmenter.segment(Cow::Borrowed(text.as_str())),
        });
        let Ok(mut tokens) = segmented else {
            return Vec::new();
        };
        let mut parts = self.parts(&text, &mut tokens);
        kiwi_conventions(&mut parts);
        korean_context::analyst_conventions(&mut parts);
        parts.iter().filter_map(|p| self.content(p)).collect()
    }

    /// The morphemes of the best path: inflected entries split, irregular
    /// stems restored, and a Latin word that lindera cut at its apostrophe
    /// (`don` `'` `t`) or hyphen (`k` `-` `pop`) joined again.
    fn parts(&self, text: &str, tokens: &mut [lindera::token::Token<'_>]) -> Vec<Part> {
        let hyphens = compound_hyphens(tokens);
        let mut parts: Vec<Part> = Vec::new();
        let mut previous_end = usize::MAX;
        for (i, token) in tokens.iter_mut().enumerate() {
            let glued = token.byte_start == previous_end;
            previous_end = token.byte_end;
            let joins_compound = hyphens[i] || (i > 0 && hyphens[i - 1]);
            match parts.last_mut() {
                Some(last) if joins_compound && last.tag == "SL" => {
                    last.form.push_str(&token.surface);
                    continue;
                }
                _ => {}
            }
            let word_start = token.byte_start == 0
                || text[..token.byte_start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| !c.is_alphanumeric());
            let surface = token.surface.to_string();
            let pos = token.get_detail(0).unwrap_or("UNKNOWN").to_string();
            if glued && glue_apostrophe(&mut parts, &surface, &pos) {
                continue;
            }
            let kind = token.get_detail(4).unwrap_or("*").to_string();
            let expression = token.get_detail(7).unwrap_or("*").to_string();
            for (i, (form, tag)) in split_morphemes(&surface, &pos, &kind, &expression)
                .into_iter()
                .enumerate()
            {
                let form = if tag.starts_with('V') {
                    self.stems
                        .get(&format!("{form}\t{tag}"))
                        .map_or(form, String::as_str)
                } else {
                    form
                };
                parts.push(Part::new(form, tag, word_start && i == 0));
            }
        }
        parts
    }

    fn content(&self, part: &Part) -> Option<Morpheme> {
        let (form, tag) = (part.form.as_str(), part.tag.as_str());
        if !self.keep.iter().any(|k| k == tag) || form.is_empty() {
            let root = tag == "XR" && form.chars().any(super::segment::is_syllable);
            return root.then(|| Morpheme::LeftOutRoot(form.to_string()));
        }
        // A Korean morpheme needs a syllable (bare jamo are noise); symbol,
        // number and foreign classes (S*) are kept as they are when asked.
        if !tag.starts_with('S') && !form.chars().any(super::segment::is_syllable) {
            return None;
        }
        let term = match tag {
            "SL" => return Some(Morpheme::Latin(form.to_string())),
            "VV" | "VA" | "VX" | "VCN" | "VCP" | "XSV" | "XSA" => format!("{form}다"),
            _ => form.to_string(),
        };
        Some(if part.function {
            Morpheme::Function(term)
        } else {
            Morpheme::Korean(term)
        })
    }
}

/// One morpheme of the best path.
#[derive(Debug, Clone)]
pub(super) struct Part {
    /// The morpheme (a stem for predicates).
    pub(super) form: String,
    /// Its mecab-ko-dic class, or [`GONE`].
    pub(super) tag: String,
    /// First morpheme of a space- or punctuation-delimited word.
    pub(super) word_start: bool,
    /// A content class doing a particle's work here (대하 in `에 대해`).
    pub(super) function: bool,
}

impl Part {
    fn new(form: &str, tag: &str, word_start: bool) -> Part {
        Part {
            form: form.to_string(),
            tag: tag.to_string(),
            word_start,
            function: false,
        }
    }

    /// The parts of a spec for tests: words separated by spaces, the
    /// morphemes of a word by `+`, each `form/TAG` (`좋/VA+아/EC+하/VV`).
    #[cfg(test)]
    pub(super) fn parse(spec: &str) -> Vec<Part> {
        spec.split_whitespace()
            .flat_map(|word| {
                word.split('+').enumerate().map(|(i, m)| {
                    let (form, tag) = m.rsplit_once('/').expect("form/TAG");
                    Part::new(form, tag, i == 0)
                })
            })
            .collect()
    }
}

/// A tag that is dropped by every keep set: marks a morpheme as consumed.
pub(super) const GONE: &str = "-";

/// For each token, whether it is a hyphen that joins two Latin words with
/// no space around it (`k` `-` `pop`): the compound is one word, as on the
/// English path ([`super::segment`]).
fn compound_hyphens(tokens: &[lindera::token::Token<'_>]) -> Vec<bool> {
    let latin = |c: Option<char>| c.is_some_and(super::segment::is_latin);
    (0..tokens.len())
        .map(|i| {
            i > 0
                && i + 1 < tokens.len()
                && tokens[i].surface == "-"
                && tokens[i - 1].byte_end == tokens[i].byte_start
                && tokens[i].byte_end == tokens[i + 1].byte_start
                && latin(tokens[i - 1].surface.chars().next_back())
                && latin(tokens[i + 1].surface.chars().next())
        })
        .collect()
}

/// Joins an apostrophe glued to a Latin word, and the Latin word glued to
/// that apostrophe, to the Latin part before them: mecab-ko-dic reads
/// `don't` as `don` `'` `t`, but the English path wants the contraction
/// whole. Returns true if `surface` was absorbed.
fn glue_apostrophe(parts: &mut [Part], surface: &str, pos: &str) -> bool {
    let Some(last) = parts.last_mut() else {
        return false;
    };
    if last.tag != "SL" {
        return false;
    }
    let joins = (surface == "'" && !last.form.ends_with('\''))
        || (pos == "SL" && last.form.ends_with('\''));
    if joins {
        last.form.push_str(surface);
    }
    joins
}

/// Nouns in mecab-ko-dic that Kiwi reads as adverbs when they stand alone
/// (`참 좋다`, `완전 재밌다`, `계속 보다`).
const ADVERB_NOUNS: &[&str] = &["참", "완전", "계속", "절대", "전부", "결국"];

/// Where mecab-ko-dic and Kiwi (the reference Korean NLP uses) split the
/// same words differently, rewrites mecab's analysis the way Kiwi gives it,
/// for the cases that are frequent in short answers and cheap to detect:
/// - `좋/VA 아/EC 하/VV` → `좋아하/VV` (also 싫어하다, 미워하다 …);
/// - sentence-initial `하지만` and word-initial `그래도`/`그러니까` are
///   conjunctions, not 하다/그러다;
/// - 하 after `-기도`, `-기만`, `-긴`, `-아야/-어야`, `-게`, `-고자` is
///   auxiliary (`웃기기도 하고`, `봐야 한다`, `슬프게 한다`), not the verb 하다;
///   after 듯 (`-ㄹ 듯하다`) it is a suffix;
/// - `그러` outside the conjunctions is 그렇다; 끝나다 and 생각나다 are
///   one verb;
/// - an auxiliary (VX) right after a noun is a main verb (`10점 주고`),
///   and so is 보 after `-고` (`믿고 보는`);
/// - 수 after a modifier ending (`할 수 있다`) is the bound noun;
/// - 볼만 is 보다 + 만, ㄹ-dropped 아/드 are 알다/들다, and 재밋 is one word;
/// - a few nouns standing alone are adverbs ([`ADVERB_NOUNS`]), and a
///   lone `와` is the interjection, not 오다.
fn kiwi_conventions(parts: &mut [Part]) {
    for i in 0..parts.len() {
        let prev = |k: usize| {
            i.checked_sub(k)
                .map(|j| (parts[j].form.as_str(), parts[j].tag.as_str()))
        };
        let next_starts_word = parts
            .get(i + 1)
            .is_none_or(|n| n.word_start || n.tag.starts_with('S'));
        let (form, tag) = (parts[i].form.as_str(), parts[i].tag.as_str());
        let is_ha = form == "하" && matches!(tag, "VV" | "VX");
        if is_ha {
            if let (Some((ec, "EC")), Some((stem, "VA"))) = (prev(1), prev(2)) {
                if matches!(ec, "아" | "어" | "여")
                    && !parts[i].word_start
                    && !parts[i - 1].word_start
                {
                    let merged = format!("{stem}{ec}하");
                    parts[i - 2].tag = GONE.into();
                    parts[i - 1].tag = GONE.into();
                    parts[i].form = merged;
                    parts[i].tag = "VV".into();
                    continue;
                }
            }
            let next_is_jiman = parts
                .get(i + 1)
                .is_some_and(|n| n.tag == "EC" && n.form == "지만");
            let attached = !parts[i].word_start;
            let after_aux_ending = match prev(1) {
                Some((_, "JX")) => {
                    matches!(prev(2), Some((_, "ETN")) | Some(("기", _))) || attached
                }
                Some(("아야" | "어야" | "게" | "고자", "EC")) => true,
                Some(("아" | "어", "EC")) => !attached,
                // -ㄹ 듯하다: a suffix after the bound noun 듯.
                Some(("듯", "NNB")) => true,
                _ => false,
            };
            if (parts[i].word_start
                && next_is_jiman
                && prev(1).is_none_or(|(_, t)| t.starts_with('S')))
                || after_aux_ending
            {
                parts[i].tag = GONE.into();
            }
        } else if tag == "VX" {
            // After a noun, symbol or nothing, there is no verb to assist.
            let after_noun =
                prev(1).is_none_or(|(_, t)| t.starts_with(['N', 'S', 'M']) || t.starts_with("JK"));
            let after_go = matches!(prev(1), Some(("고", "EC")));
            let always_auxiliary = matches!(form, "않" | "못하" | "싶");
            if (after_noun && !always_auxiliary) || (form == "보" && after_go) {
                parts[i].tag = "VV".into();
            }
        } else if form == "그러" && tag == "VV" {
            let next = parts.get(i + 1).map(|n| n.form.as_str());
            if parts[i].word_start && matches!(next, Some("어도" | "니까" | "나" | "면")) {
                parts[i].tag = GONE.into();
            } else {
                // 그런, 그러네요: the adjective 그렇다 in Kiwi.
                parts[i].form = "그렇".into();
                parts[i].tag = "VA".into();
            }
        } else if form == "나"
            && tag == "VV"
            && !parts[i].word_start
            && matches!(prev(1), Some(("끝" | "생각", "NNG")))
        {
            // 끝나다, 생각나다 are one verb each in Kiwi.
            parts[i].form = format!("{}나", parts[i - 1].form);
            parts[i - 1].tag = GONE.into();
        } else if form == "오" && tag == "VV" && parts[i].word_start {
            // 와 = 오 + 아: alone it is the interjection.
            let lone = parts
                .get(i + 1)
                .is_some_and(|n| n.form == "아" && n.tag == "EC")
                && parts
                    .get(i + 2)
                    .is_none_or(|n| n.word_start || n.tag.starts_with('S'));
            if lone {
                parts[i].tag = GONE.into();
            }
        } else if tag == "NNG"
            && parts[i].word_start
            && next_starts_word
            && ADVERB_NOUNS.contains(&form)
        {
            parts[i].tag = GONE.into();
        } else if form == "볼"
            && tag == "NNG"
            && parts
                .get(i + 1)
                .is_some_and(|n| n.form == "만" && !n.word_start)
        {
            // 볼만하다 (worth seeing): 보 + ㄹ + 만, not the noun 볼 (cheek).
            parts[i].form = "보".into();
            parts[i].tag = "VV".into();
        } else if matches!((form, tag), ("아", "VV") | ("드", "VV")) {
            // ㄹ-dropped stems that are not verbs themselves: 아는 → 알다,
            // 드는 → 들다.
            parts[i].form.push('\u{11AF}');
            parts[i].form = compose_final_rieul(&parts[i].form);
        } else if form == "재"
            && tag == "XPN"
            && parts
                .get(i + 1)
                .is_some_and(|n| n.form == "밋" && !n.word_start)
        {
            // 재밋 (a common spelling of 재밌): one word in Kiwi.
            parts[i].tag = GONE.into();
            parts[i + 1].form = "재밋".into();
        } else if form == "수" && tag == "NNG" && matches!(prev(1), Some((_, "ETM"))) {
            parts[i].tag = GONE.into();
        }
    }
}

/// `아` + final ㄹ (written as a trailing jamo) → `알`.
fn compose_final_rieul(form: &str) -> String {
    let mut chars: Vec<char> = form.chars().collect();
    if chars.len() >= 2 && chars[chars.len() - 1] == '\u{11AF}' {
        let base = chars[chars.len() - 2] as u32;
        if (0xAC00..=0xD7A3).contains(&base) && (base - 0xAC00).is_multiple_of(28) {
            chars.truncate(chars.len() - 2);
            chars.push(char::from_u32(base + 8).unwrap_or('\u{FFFD}'));
        }
    }
    chars.into_iter().collect()
}

/// True for Hangul jamo (conjoining and compatibility), not syllables.
fn is_jamo(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}')
}

/// The (form, tag) morphemes of one dictionary token. Inflected entries are
/// split through their expression (`하/VV/*+았/EP/*`, `나` → `낫/VA`), and
/// so are the compounds of [`korean_context::SPLIT_COMPOUNDS`]; other
/// entries (including the other compounds, which are one word for
/// counting) are one morpheme tagged with their first part of speech.
fn split_morphemes<'a>(
    surface: &'a str,
    pos: &'a str,
    kind: &str,
    expression: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let split_compound = kind == "Compound" && korean_context::SPLIT_COMPOUNDS.contains(&surface);
    if (kind == "Inflect" || split_compound) && expression != "*" {
        return expression
            .split('+')
            .filter_map(|part| {
                let mut fields = part.split('/');
                Some((fields.next()?, fields.next()?))
            })
            .collect();
    }
    let tag = pos.split('+').next().unwrap_or(pos);
    vec![(surface, tag)]
}

/// Checks `--ko-keep` classes against mecab-ko-dic's tag set.
pub fn validate_keep(keep: &[String]) -> Result<()> {
    const TAGS: &[&str] = &[
        "NNG", "NNP", "NNB", "NNBC", "NR", "NP", "VV", "VA", "VX", "VCP", "VCN", "MM", "MAG",
        "MAJ", "IC", "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC", "EP", "EF", "EC",
        "ETN", "ETM", "XPN", "XSN", "XSV", "XSA", "XR", "SF", "SE", "SSO", "SSC", "SC", "SY", "SL",
        "SH", "SN", "UNKNOWN",
    ];
    for tag in keep {
        let upper = tag.trim().to_uppercase();
        if !TAGS.contains(&upper.as_str()) {
            return Err(Error::param(
                "--ko-keep",
                format!(
                    "unknown class '{tag}'; mecab-ko-dic classes are {}",
                    TAGS.join(",")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_entries_split_through_their_expression() {
        // Rows as in mecab-ko-dic.csv: 했 (하/VV + 았/EP), 나 (낫/VA), 영화.
        assert_eq!(
            split_morphemes("했", "VV+EP", "Inflect", "하/VV/*+았/EP/*"),
            [("하", "VV"), ("았", "EP")]
        );
        assert_eq!(
            split_morphemes("나", "VA", "Inflect", "낫/VA/*"),
            [("낫", "VA")]
        );
        assert_eq!(split_morphemes("영화", "NNG", "*", "*"), [("영화", "NNG")]);
        // Compounds stay one word for counting, but for those Kiwi splits.
        assert_eq!(
            split_morphemes("연출력", "NNG", "Compound", "연출/NNG/*+력/NNG/*"),
            [("연출력", "NNG")]
        );
        assert_eq!(
            split_morphemes("바깥세상", "NNG", "Compound", "바깥/NNG/*+세상/NNG/*"),
            [("바깥", "NNG"), ("세상", "NNG")]
        );
    }

    #[test]
    fn rieul_is_restored() {
        assert_eq!(compose_final_rieul("아\u{11AF}"), "알");
        assert_eq!(compose_final_rieul("드\u{11AF}"), "들");
        // A syllable that already has a final consonant is left alone.
        assert_eq!(compose_final_rieul("각\u{11AF}"), "각\u{11AF}");
    }

    #[test]
    fn conventions_rewrite_mecab_splits() {
        // 좋아하는: 좋/VA 아/EC 하/VV 는/ETM → 좋아하/VV.
        let mut parts = Part::parse("좋/VA+아/EC+하/VV+는/ETM");
        kiwi_conventions(&mut parts);
        let kept: Vec<(&str, &str)> = parts
            .iter()
            .filter(|p| p.tag != GONE)
            .map(|p| (p.form.as_str(), p.tag.as_str()))
            .collect();
        assert_eq!(kept, [("좋아하", "VV"), ("는", "ETM")]);
        // 하지만 at the start of a sentence (after a full stop).
        let mut parts = Part::parse("./SF 하/VV+지만/EC");
        kiwi_conventions(&mut parts);
        assert_eq!(parts[1].tag, GONE);
        // 할 수 있다: 수 is the bound noun.
        let mut parts = Part::parse("하/VV+ᆯ/ETM 수/NNG");
        kiwi_conventions(&mut parts);
        assert_eq!(parts[2].tag, GONE);
    }

    #[test]
    fn keep_classes_are_validated() {
        assert!(validate_keep(&["nng".into(), "XR".into()]).is_ok());
        assert!(validate_keep(&["NOUN".into()]).is_err());
    }
}
