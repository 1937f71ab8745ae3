//! Rewrites of lindera's morphemes for the words an analyst reads at the
//! top of a topic, applied after the Kiwi conventions of
//! [`super::korean_lindera`].
//!
//! Kiwi agreement is one goal; the other is that a topic's top words are
//! words. Reading the top words of topics fitted on the bundled answers, the
//! NSMC reviews and the chatbot questions turned up three kinds of error:
//! - **Particle phrases.** `에 대해` (about), `을 통해` (through), `에 따라`
//!   (according to) … are particle + verb, and the verb (대하다, 통하다,
//!   따르다) became a topic's second word. In those contexts the verb is
//!   marked a function word ([`FUNCTION_VERBS`]): dropped with the
//!   stopwords, kept without them (Kiwi counts it, so `--no-stopwords`
//!   agrees with Kiwi). Outside them (`마음이 통하다`, `엄마를 따라`) it stays.
//! - **A noun cut in two.** `탈북` (escape from the North) is read as the
//!   prefix 탈 + 북 (north), so the theme's key word was lost; the chat word
//!   `짝남` as 짝 + an ending, a verb 짝다 that does not exist
//!   ([`JOINED_NOUNS`]).
//! - **A noun read as a verb form, or a bound noun as a noun.** `새 삶을`
//!   (a new life) came out as 새다 (to leak) + 삶다 (to boil); `할 수도`
//!   as the noun 수도 (capital); `배운 거랑` as the noun 거랑; `남한 사람`
//!   after some words as 남 + 하다; `다들` (everyone) as the noun 다.
//!
//! Each rule looks at a morpheme and its neighbours only, so it is cheap
//! and its effect on the Kiwi F1 is measured in `tests/text_korean.rs`.

use super::korean_lindera::{Part, GONE};

/// Verbs that, right after the listed particle (or the nominalizer 기 of
/// `하기 위해`), do a postposition's work and carry no topic.
pub(super) const FUNCTION_VERBS: &[(&str, &[&str])] = &[
    // 에 대해, 에 대한: about (의 대해 is a common misspelling).
    ("대하", &["에", "에게", "의"]),
    // 에 관해, 에 관한: concerning.
    ("관하", &["에"]),
    // 에 의해, 에 의한: by.
    ("의하", &["에"]),
    // 에 따라, 에 따른: according to.
    ("따르", &["에"]),
    // 에 비해: compared with.
    ("비하", &["에"]),
    // 을 위해, 하기 위해: for.
    ("위하", &["을", "를", "기"]),
    // 을 통해, 를 통한: through.
    ("통하", &["을", "를"]),
];

/// Nouns mecab-ko-dic cuts in two: `탈북` (escape from the North) as the
/// prefix 탈 + 북 (north), which loses the theme's key word; the chat words
/// `짝남`, `짝녀` (the one I have a crush on) as 짝 + an ending or a noun,
/// which made up a verb 짝다; `훈남`, `훈녀` (good-looking) as 훈 + 남.
pub(super) const JOINED_NOUNS: &[&str] = &["탈북", "짝남", "짝녀", "훈남", "훈녀"];

/// Nouns glued to a joined noun that belong to it (`탈북민`).
const NOUN_TAILS: &[&str] = &["민"];

/// Bound-noun + particle sequences mecab-ko-dic reads as one noun after a
/// modifier ending: `할 수도` (수 + 도, not 수도 "capital"), `배운 거랑`
/// (거 + 랑).
const BOUND_NOUN_PHRASES: &[&str] = &["수도", "거랑"];

/// Applies the rules of this module to one line's morphemes.
pub(super) fn analyst_conventions(parts: &mut [Part]) {
    for i in 0..parts.len() {
        mark_function_verb(parts, i);
        join_noun(parts, i);
        read_as_noun(parts, i);
        drop_misread_nouns(parts, i);
    }
}

/// Marks 대하 in `에 대해` (and the other [`FUNCTION_VERBS`]).
fn mark_function_verb(parts: &mut [Part], i: usize) {
    let Some(prev) = i.checked_sub(1).map(|j| &parts[j]) else {
        return;
    };
    let part = &parts[i];
    if part.tag != "VV" || !(prev.tag.starts_with('J') || prev.tag == "ETN") {
        return;
    }
    let after_particle = FUNCTION_VERBS
        .iter()
        .any(|(stem, after)| *stem == part.form && after.contains(&prev.form.as_str()));
    if after_particle {
        parts[i].function = true;
    }
}

/// 탈/XPN 북/NNG (민/NNG) → 탈북(민)/NNG, and the other [`JOINED_NOUNS`].
fn join_noun(parts: &mut [Part], i: usize) {
    let Some(next) = parts.get(i + 1) else {
        return;
    };
    let joined = format!("{}{}", parts[i].form, next.form);
    if next.word_start || parts[i].tag == GONE || !JOINED_NOUNS.contains(&joined.as_str()) {
        return;
    }
    let mut noun = joined;
    parts[i].tag = GONE.into();
    let tail = parts
        .get(i + 2)
        .is_some_and(|t| t.tag == "NNG" && !t.word_start && NOUN_TAILS.contains(&t.form.as_str()));
    if tail {
        noun.push_str(&parts[i + 2].form);
        parts[i + 2].tag = GONE.into();
    }
    parts[i + 1].form = noun;
    parts[i + 1].tag = "NNG".into();
}

/// `새 삶을`: the determiner 새 (new) and the noun 삶 (life), not the verbs
/// 새다 (to leak) and 삶다 (to boil); `남한 사람` read as 남 + 하 + ㄴ is
/// the noun 남한.
fn read_as_noun(parts: &mut [Part], i: usize) {
    let next = |k: usize| parts.get(i + k).map(|p| (p.form.as_str(), p.tag.as_str()));
    let attached = |k: usize| parts.get(i + k).is_some_and(|p| !p.word_start);
    let (form, tag) = (parts[i].form.as_str(), parts[i].tag.as_str());
    match (form, tag) {
        ("삶", "VV") => {
            // 삶은 달걀 (boiled eggs) is the verb; 삶을, 삶은 before a
            // predicate are the noun.
            let before_noun = parts
                .get(i + 2)
                .is_some_and(|p| p.word_start && p.tag.starts_with('N'));
            let noun = match next(1) {
                Some(("을", "ETM")) => true,
                Some(("은", "ETM")) => !before_noun,
                _ => false,
            };
            if noun && attached(1) {
                parts[i].tag = "NNG".into();
            }
        }
        ("새", "VV") => {
            // 새 (read as 새어) before a noun, or before 삶, is the determiner.
            let before_noun = parts
                .get(i + 2)
                .is_some_and(|p| p.word_start && (p.tag.starts_with('N') || p.form == "삶"));
            if next(1) == Some(("어", "EC")) && attached(1) && before_noun {
                parts[i].tag = GONE.into();
            }
        }
        // 짝다 is no word: 내 짝은 (my partner) is the noun 짝.
        ("짝", "VA") => parts[i].tag = "NNG".into(),
        ("남", "NNG")
            if next(1) == Some(("하", "XSA"))
                && next(2) == Some(("ᆫ", "ETM"))
                && attached(1)
                && parts[i].word_start =>
        {
            parts[i].form = "남한".into();
            parts[i].tag = "NNP".into();
            parts[i + 1].tag = GONE.into();
        }
        _ => {}
    }
}

/// `할 수도`, `배운 거랑` ([`BOUND_NOUN_PHRASES`]) after a modifier ending,
/// and 다 of `다들` (everyone), are no nouns.
fn drop_misread_nouns(parts: &mut [Part], i: usize) {
    if parts[i].tag != "NNG" {
        return;
    }
    let after_modifier = i.checked_sub(1).is_some_and(|j| parts[j].tag == "ETM");
    let form = parts[i].form.as_str();
    let bound = after_modifier && BOUND_NOUN_PHRASES.contains(&form);
    let everyone = form == "다"
        && parts
            .get(i + 1)
            .is_some_and(|n| n.form == "들" && n.tag == "XSN" && !n.word_start);
    if bound || everyone {
        parts[i].tag = GONE.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The morphemes left after the rules, with their function marks.
    fn after_rules(spec: &str) -> Vec<(String, String, bool)> {
        let mut parts = Part::parse(spec);
        analyst_conventions(&mut parts);
        parts
            .into_iter()
            .filter(|p| p.tag != GONE)
            .map(|p| (p.form, p.tag, p.function))
            .collect()
    }

    fn owned(rows: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
        rows.iter()
            .map(|&(f, t, x)| (f.to_string(), t.to_string(), x))
            .collect()
    }

    #[test]
    fn function_verbs_only_after_their_particle() {
        // 남한에 대해 / 마음이 통하다.
        assert_eq!(
            after_rules("남한/NNP+에/JKB 대하/VV 마음/NNG+이/JKS 통하/VV"),
            owned(&[
                ("남한", "NNP", false),
                ("에", "JKB", false),
                ("대하", "VV", true),
                ("마음", "NNG", false),
                ("이", "JKS", false),
                ("통하", "VV", false),
            ])
        );
    }

    #[test]
    fn split_noun_and_its_tail_join() {
        assert_eq!(
            after_rules("탈/XPN+북/NNG+민/NNG+들/XSN"),
            owned(&[("탈북민", "NNG", false), ("들", "XSN", false)])
        );
        // Written apart they stay apart.
        assert_eq!(after_rules("탈/XPN 북/NNG").len(), 2);
    }

    #[test]
    fn boiled_eggs_stay_a_verb() {
        assert_eq!(after_rules("삶/VV+은/ETM 달걀/NNG")[0].1, "VV");
        assert_eq!(after_rules("삶/VV+을/ETM 살/VV")[0].1, "NNG");
    }
}
