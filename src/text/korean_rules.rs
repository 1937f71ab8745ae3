//! The rule-based Korean path: strips particles from nouns and endings from
//! predicates without a dictionary.
//!
//! It is the fallback when no dictionary is wanted (`--ko-analyzer rules`).
//! Without a dictionary the same syllables can be a particle or an ending
//! (`좋은` is 좋 + 은, `작품은` is 작품 + 은), so the rules only treat as a
//! predicate what is unambiguous (`-었다`, `-습니다`, `-ㄴ다`, `-지만`, …)
//! and otherwise strip the longest noun particle. Predicates come out as
//! stem + 다; `X하다` verbs come out as the noun `X` (사랑해요 → 사랑),
//! which is what a topic model wants and what Kiwi's noun + XSV split gives.

/// Predicate endings, longest first. An ending that starts with a vowel
/// syllable such as `어요` may follow any stem.
const PREDICATE_ENDINGS: &[&str] = &[
    "었습니다",
    "았습니다",
    "였습니다",
    "겠습니다",
    "었는데요",
    "았는데요",
    "습니다",
    "는데요",
    "었는데",
    "았는데",
    "었지만",
    "았지만",
    "었다는",
    "았다는",
    "었다고",
    "았다고",
    "었어요",
    "았어요",
    "였어요",
    "었네요",
    "았네요",
    "겠네요",
    "었어서",
    "았어서",
    "었으면",
    "았으면",
    "었던",
    "았던",
    "었고",
    "았고",
    "었지",
    "았지",
    "었음",
    "았음",
    "겠다",
    "었다",
    "았다",
    "였다",
    "는다",
    "니다",
    "어요",
    "아요",
    "네요",
    "지만",
    "는데",
    "다는",
    "다고",
    "다가",
    "면서",
    "니까",
    "어서",
    "아서",
    "으면",
    "고요",
    "는지",
    "더라",
    "던",
    "다",
];

/// Noun particles (and the plural suffix 들 in front of them), longest first.
const PARTICLES: &[&str] = &[
    "들에게서",
    "에서부터",
    "으로부터",
    "들에게",
    "들까지",
    "에게서",
    "으로서",
    "으로써",
    "에서는",
    "에서도",
    "으로는",
    "으로도",
    "이라도",
    "이라는",
    "이라고",
    "들은",
    "들이",
    "들을",
    "들의",
    "들도",
    "들과",
    "들로",
    "들에",
    "에게",
    "한테",
    "께서",
    "에서",
    "으로",
    "까지",
    "부터",
    "보다",
    "처럼",
    "이나",
    "이랑",
    "조차",
    "마저",
    "밖에",
    "만큼",
    "에는",
    "에도",
    "로는",
    "라도",
    "라는",
    "라고",
    "이다",
    "이고",
    "이야",
    "이든",
    "하고",
    "들",
    "과",
    "와",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "의",
    "도",
    "만",
    "에",
    "로",
    "나",
    "랑",
    "야",
    "요",
];

/// Particles that are also common last syllables of nouns (아이, 나이,
/// 최고): only stripped when at least two syllables remain.
const WEAK_PARTICLES: &[&str] = &["가", "나", "야", "요", "로", "도", "만", "들", "의"];

/// Particles whose form depends on the syllable before them: these follow
/// a final consonant (집이, 꿈과, 책을) …
const AFTER_CONSONANT: &[&str] = &[
    "이",
    "과",
    "은",
    "을",
    "으로",
    "이나",
    "이랑",
    "이라도",
    "이야",
];
/// … and these a vowel (차가, 나무와, 영화를). Checking this lets the
/// rules strip particles from one-syllable nouns without eating the last
/// syllable of 아이 or 나이.
const AFTER_VOWEL: &[&str] = &["가", "와", "는", "를", "나", "랑", "라도", "야"];

const HANGUL_BASE: u32 = 0xAC00;
const FINAL_COUNT: u32 = 28;
const MEDIAL_COUNT: u32 = 21;

fn compose(initial: u32, medial: u32, final_: u32) -> Option<char> {
    char::from_u32(HANGUL_BASE + (initial * MEDIAL_COUNT + medial) * FINAL_COUNT + final_)
}

fn parts(c: char) -> Option<(u32, u32, u32)> {
    let code = (c as u32).checked_sub(HANGUL_BASE)?;
    (code < 11172).then_some((
        code / (MEDIAL_COUNT * FINAL_COUNT),
        (code / FINAL_COUNT) % MEDIAL_COUNT,
        code % FINAL_COUNT,
    ))
}

// Jamo indices used below.
const FINAL_NIEUN: u32 = 4;
const FINAL_BIEUP: u32 = 17;
const FINAL_SSANG_SIOS: u32 = 20;
const INITIAL_HIEUH: u32 = 18;
const MEDIAL_A: u32 = 0;
const MEDIAL_AE: u32 = 1;
const MEDIAL_YEO: u32 = 6;
const MEDIAL_WA: u32 = 9;
const MEDIAL_WAE: u32 = 10;
const MEDIAL_O: u32 = 8;
const MEDIAL_WO: u32 = 14;
const MEDIAL_U: u32 = 13;
const MEDIAL_OE: u32 = 11;
const MEDIAL_I: u32 = 20;

/// Korean analysis of one Hangul piece.
#[derive(Debug, Default)]
pub struct KoreanRules;

impl KoreanRules {
    /// The dictionary form of `word` (a run of Hangul), or `None` if nothing
    /// is left after stripping (the piece was only a particle).
    pub fn analyze(&self, word: &str, attached: bool) -> Option<String> {
        if attached && PARTICLES.contains(&word) {
            return None;
        }
        if let Some(stem) = strip_predicate(word) {
            return Some(predicate_form(&stem));
        }
        let noun = strip_particle(word);
        (!noun.is_empty()).then(|| noun.to_string())
    }
}

/// `stem` + 다, except `X하` (two or more syllables) which is the noun `X`;
/// `-아하`/`-어하` verbs (좋아하다, 싫어하다) are verbs, not nouns + 하다.
fn predicate_form(stem: &str) -> String {
    match stem.strip_suffix('하') {
        Some(noun) if noun.chars().count() >= 2 && !noun.ends_with(['아', '어']) => {
            noun.to_string()
        }
        _ => format!("{stem}다"),
    }
}

/// Endings contracted with 하 (하 + 여요 → 해요); the stem is what precedes
/// them plus 하.
const HAE_ENDINGS: &[&str] = &[
    "했습니다",
    "했는데",
    "했지만",
    "했어요",
    "했다",
    "했고",
    "해요",
    "해서",
    "해도",
    "해야",
];

/// The predicate stem of `word` if it ends in an unambiguous ending.
fn strip_predicate(word: &str) -> Option<String> {
    for ending in HAE_ENDINGS {
        if let Some(stem) = word.strip_suffix(ending) {
            return Some(format!("{stem}하"));
        }
    }
    for ending in PREDICATE_ENDINGS {
        let Some(stem) = word.strip_suffix(ending) else {
            continue;
        };
        if stem.is_empty() {
            continue;
        }
        if *ending == "니다" {
            // -ㅂ니다: the ㅂ sits on the stem's last syllable (합니다, 갑니다).
            return remove_final(stem, FINAL_BIEUP).map(|s| restore_stem(&s));
        }
        if *ending == "다" || *ending == "다는" || *ending == "다고" {
            // -ㄴ다 (어울린다) or a plain 다 (좋다, 했다).
            let stem = remove_final(stem, FINAL_NIEUN).unwrap_or_else(|| stem.to_string());
            return Some(restore_stem(&stem));
        }
        if *ending == "던" && stem.chars().count() < 2 {
            continue;
        }
        return Some(restore_stem(stem));
    }
    None
}

/// Undoes tense/honorific markers left at the end of a stem and the
/// contractions they cause: 했 → 하, 됐 → 되, 봤 → 보, 줬 → 주, 였 → 이.
fn restore_stem(stem: &str) -> String {
    let mut stem = stem.to_string();
    for marker in ["었", "았", "였", "겠", "시"] {
        if let Some(s) = stem.strip_suffix(marker) {
            if !s.is_empty() {
                stem = s.to_string();
                break;
            }
        }
    }
    let Some(last) = stem.chars().last() else {
        return stem;
    };
    let Some((initial, medial, final_)) = parts(last) else {
        return stem;
    };
    // 있 (to be, 재미있다) ends in ㅆ without being a contraction.
    if final_ != FINAL_SSANG_SIOS || last == '있' {
        return stem;
    }
    let medial = match medial {
        MEDIAL_AE if initial == INITIAL_HIEUH => MEDIAL_A, // 했 → 하
        MEDIAL_WAE => MEDIAL_OE,
        MEDIAL_WA => MEDIAL_O,
        MEDIAL_WO => MEDIAL_U,
        MEDIAL_YEO => MEDIAL_I,
        m => m,
    };
    let mut out: String = stem.chars().take(stem.chars().count() - 1).collect();
    out.push(compose(initial, medial, 0).unwrap_or(last));
    out
}

/// `word` with the final consonant `final_` removed from its last syllable,
/// or `None` if the last syllable does not end in it.
fn remove_final(word: &str, final_: u32) -> Option<String> {
    let last = word.chars().last()?;
    let (initial, medial, f) = parts(last)?;
    if f != final_ {
        return None;
    }
    let mut out: String = word.chars().take(word.chars().count() - 1).collect();
    out.push(compose(initial, medial, 0)?);
    Some(out)
}

/// True unless `particle` has the wrong form for the syllable before it.
fn fits_phonology(stem: &str, particle: &str) -> bool {
    let has_final = stem.chars().last().and_then(parts).map(|(_, _, f)| f != 0);
    match has_final {
        Some(true) => !AFTER_VOWEL.contains(&particle),
        Some(false) => !AFTER_CONSONANT.contains(&particle),
        None => true,
    }
}

/// `word` without its longest particle (and a plural 들 before it).
fn strip_particle(word: &str) -> &str {
    let syllables = word.chars().count();
    for particle in PARTICLES {
        let Some(stem) = word.strip_suffix(particle) else {
            continue;
        };
        let left = syllables - particle.chars().count();
        let min = if WEAK_PARTICLES.contains(particle) {
            2
        } else {
            1
        };
        if left >= min && fits_phonology(stem, particle) {
            return stem;
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(word: &str) -> Option<String> {
        KoreanRules.analyze(word, false)
    }

    #[test]
    fn strips_noun_particles() {
        assert_eq!(a("가족과").as_deref(), Some("가족"));
        assert_eq!(a("가족이").as_deref(), Some("가족"));
        assert_eq!(a("가족은").as_deref(), Some("가족"));
        assert_eq!(a("일본에서").as_deref(), Some("일본"));
        assert_eq!(a("아저씨들").as_deref(), Some("아저씨"));
        assert_eq!(a("친구들에게").as_deref(), Some("친구"));
        // Short nouns ending in a particle-like syllable survive.
        assert_eq!(a("아이").as_deref(), Some("아이"));
        assert_eq!(a("나이").as_deref(), Some("나이"));
        assert_eq!(a("차").as_deref(), Some("차"));
        assert_eq!(a("꿈과").as_deref(), Some("꿈"));
        assert_eq!(a("집이").as_deref(), Some("집"));
    }

    #[test]
    fn predicates_become_stem_plus_da() {
        assert_eq!(a("어울린다").as_deref(), Some("어울리다"));
        assert_eq!(a("좋았고").as_deref(), Some("좋다"));
        assert_eq!(a("만들었다는").as_deref(), Some("만들다"));
        assert_eq!(a("됐다").as_deref(), Some("되다"));
        assert_eq!(a("봤어요").as_deref(), Some("보다"));
        assert_eq!(a("갑니다").as_deref(), Some("가다"));
        assert_eq!(a("재미있다").as_deref(), Some("재미있다"));
        // X하다 verbs give their noun.
        assert_eq!(a("사랑해요").as_deref(), Some("사랑"));
        assert_eq!(a("좋아해서").as_deref(), Some("좋아하다"));
        assert_eq!(a("사랑했다").as_deref(), Some("사랑"));
        assert_eq!(a("공부합니다").as_deref(), Some("공부"));
        assert_eq!(a("했다").as_deref(), Some("하다"));
    }

    #[test]
    fn lone_particles_after_a_split_are_dropped() {
        assert_eq!(KoreanRules.analyze("까지", true), None);
        assert_eq!(KoreanRules.analyze("를", true), None);
    }
}
