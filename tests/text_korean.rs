//! Korean through the lindera analyzer (mecab-ko-dic): exact tokens, the
//! agreement with Kiwi on real reviews, the class filter, the user
//! dictionary and the rule-based fallback.
//!
//! The first test to run compiles the bundled dictionary into the cache
//! directory (a few seconds); see `src/text/ko_dic.rs`.

use crate::util;

use std::collections::HashMap;
use std::path::Path;

use topics::text::{Analyzer, KoAnalyzer, Lang, TextOptions};

fn korean(stopwords: bool) -> TextOptions {
    TextOptions {
        lang: Lang::Ko,
        stopwords,
        ..TextOptions::default()
    }
}

fn terms(options: TextOptions, text: &str) -> Vec<String> {
    Analyzer::new(options)
        .expect("analyzer builds")
        .tokens(text)
        .into_iter()
        .map(|t| t.term)
        .collect()
}

#[test]
fn particles_and_endings_are_removed_through_the_dictionary() {
    // Nouns stay, predicates become stem + 다, particles (과, 을, 에서) and
    // endings (-었습니다, -는) go; 수 after -ㄹ is the bound noun.
    let text = "가족과 친구들을 믿을 수 있어서 외부 소식을 알게 되었습니다.";
    assert_eq!(
        terms(korean(false), text),
        ["가족", "친구", "믿다", "있다", "외부", "소식", "알다", "되다"]
    );
    // The same with the bundled stopwords: 있다 and 되다 are spaCy's 있 and
    // 되; 알다 (to know) stays, as `know` does in English.
    assert_eq!(
        terms(korean(true), text),
        ["가족", "친구", "믿다", "외부", "소식", "알다"]
    );
}

#[test]
fn inflected_forms_are_split_through_the_expression_field() {
    // 했 = 하 + 았, 봤 = 보 + 았, 만드(는) = 만들, 나은 = 낫 + 은.
    assert_eq!(
        terms(korean(false), "영화를 봤는데 감독이 잘 만드는 것 같아요"),
        ["영화", "보다", "감독", "만들다", "같다"]
    );
    assert_eq!(
        terms(korean(false), "드라마보다 나은 영화"),
        ["드라마", "낫다", "영화"]
    );
}

#[test]
fn kiwi_conventions_for_frequent_differences() {
    // 좋아하다 is one verb; sentence-initial 하지만 is a conjunction; 참 alone
    // is an adverb; ㅋㅋ is dropped and does not glue to the next word.
    assert_eq!(
        terms(
            korean(false),
            "리얼리즘을 좋아하는 이유. 하지만 참 지루하다ㅋㅋ반전"
        ),
        ["리얼리즘", "좋아하다", "이유", "반전"]
    );
}

#[test]
fn mixed_line_keeps_latin_words_lowercased() {
    // 영화OST까지: the dictionary splits by character class; OST → ost, 까지
    // is a particle. In Korean answers Latin words are not stemmed.
    assert_eq!(
        terms(korean(false), "영화OST까지 완벽했다 CG도 Movies"),
        ["영화", "ost", "완벽", "cg", "movies"]
    );
    // In auto mode the English path stems them.
    let auto = TextOptions {
        stopwords: false,
        ..TextOptions::default()
    };
    assert_eq!(
        terms(auto, "드라마 watching 재밌다"),
        ["드라마", "watch", "재밌다"]
    );
}

/// The roots the default classes leave out (XR, as Kiwi does) are handed
/// back beside the tokens, so that the fit summary can name them; with XR
/// kept they are tokens and nothing is left out.
#[test]
fn left_out_roots_come_back_beside_the_tokens() {
    let line = "한국 예능이 궁금했어요. 사는 게 지루했는데 궁금해졌어요";
    let by_default = Analyzer::new(korean(true)).expect("analyzer").analyze(line);
    let terms_of = |a: &topics::text::Analysis| -> Vec<String> {
        a.tokens.iter().map(|t| t.term.clone()).collect()
    };
    assert_eq!(terms_of(&by_default), ["한국", "예능", "살다"]);
    assert_eq!(by_default.left_out_roots, ["궁금", "지루", "궁금"]);
    let with_roots = TextOptions {
        ko_keep: "NNG,NNP,VV,VA,SL,UNKNOWN,XR"
            .split(',')
            .map(String::from)
            .collect(),
        ..korean(true)
    };
    let kept = Analyzer::new(with_roots).expect("analyzer").analyze(line);
    assert_eq!(
        terms_of(&kept),
        ["한국", "예능", "궁금", "살다", "지루", "궁금"]
    );
    assert!(kept.left_out_roots.is_empty(), "{:?}", kept.left_out_roots);
    // The dictionary-free analyzer keeps what it strips to, roots included.
    let rules = TextOptions {
        ko_analyzer: KoAnalyzer::Rules,
        ..korean(true)
    };
    let by_rules = Analyzer::new(rules).expect("analyzer").analyze(line);
    assert!(by_rules.left_out_roots.is_empty());
}

#[test]
fn ko_keep_selects_classes() {
    let nouns_only = TextOptions {
        ko_keep: vec!["NNG".into(), "NNP".into()],
        ..korean(false)
    };
    assert_eq!(
        terms(nouns_only, "가족과 친구들을 믿을 수 있어서"),
        ["가족", "친구"]
    );
    // Roots (XR) are off by default, like Kiwi's content tokens, and on when asked.
    assert_eq!(terms(korean(false), "너무 지루하고 유치했다"), ["유치"]);
    let with_roots = TextOptions {
        ko_keep: "NNG,NNP,VV,VA,XR".split(',').map(String::from).collect(),
        ..korean(false)
    };
    assert_eq!(
        terms(with_roots, "너무 지루하고 유치했다"),
        ["지루", "유치"]
    );
    let numbers = TextOptions {
        ko_keep: vec!["NNG".into(), "SN".into()],
        ..korean(false)
    };
    assert_eq!(terms(numbers, "10점 만점에 8점"), ["10", "만점", "8"]);
    let bad = TextOptions {
        ko_keep: vec!["NOUN".into()],
        ..korean(false)
    };
    let err = Analyzer::new(bad).expect_err("unknown class");
    assert_eq!(err.exit_code(), 8);
    assert!(
        err.to_string()
            .starts_with("invalid --ko-keep: unknown class 'NOUN'"),
        "{err}"
    );
}

#[test]
fn user_dictionary_adds_domain_words() {
    let text = "장마당에서 한류드라마를 봤다";
    let plain = terms(korean(false), text);
    assert_ne!(
        plain,
        ["장마당", "한류드라마", "보다"],
        "without the user dictionary the words are split"
    );
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/text/ko_user_dict.csv"
    ))
    .expect("fixture");
    let with_dict = TextOptions {
        ko_user_dict: Some(csv),
        ..korean(false)
    };
    assert_eq!(terms(with_dict, text), ["장마당", "한류드라마", "보다"]);
    let bad = TextOptions {
        ko_user_dict: Some("장마당\n".into()),
        ..korean(false)
    };
    let err = Analyzer::new(bad).expect_err("a row with one field is invalid");
    assert_eq!(err.exit_code(), 21);
    assert!(
        err.to_string().starts_with("Korean user dictionary:"),
        "{err}"
    );
}

#[test]
fn rules_analyzer_is_the_fallback() {
    let rules = TextOptions {
        ko_analyzer: KoAnalyzer::Rules,
        ..korean(false)
    };
    assert_eq!(
        terms(rules, "가족과 친구들이 알려준 외부 소식이 궁금했습니다."),
        ["가족", "친구", "알려준", "외부", "소식", "궁금"]
    );
}

/// Token F1 of `predicted` against `gold` lines: per line as multisets,
/// micro-averaged over all lines (so a long line weighs more than a short one).
fn token_f1(predicted: &[Vec<String>], gold: &[Vec<String>]) -> f64 {
    assert_eq!(predicted.len(), gold.len());
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    for (p, g) in predicted.iter().zip(gold) {
        let mut counts: HashMap<&str, isize> = HashMap::new();
        for t in g {
            *counts.entry(t).or_default() += 1;
        }
        for t in p {
            let c = counts.entry(t).or_default();
            if *c > 0 {
                tp += 1;
            }
            *c -= 1;
        }
        n_pred += p.len();
        n_gold += g.len();
    }
    let precision = tp as f64 / n_pred as f64;
    let recall = tp as f64 / n_gold as f64;
    2.0 * precision * recall / (precision + recall)
}

#[test]
fn token_f1_counts_multisets() {
    let v = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    // tp = 2 (a, a), predicted 3, gold 4: P = 2/3, R = 1/2, F1 = 4/7.
    let f1 = token_f1(&[v("a a b")], &[v("a a a c")]);
    assert!((f1 - 4.0 / 7.0).abs() < 1e-12);
}

fn f1_on(text_path: &Path, gold_path: &Path) -> f64 {
    let text = std::fs::read_to_string(text_path).expect("text");
    let gold: Vec<Vec<String>> = std::fs::read_to_string(gold_path)
        .expect("gold")
        .lines()
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect();
    // `topics tokenize --lang ko --no-stopwords`: the gold keeps 하다, 있다 …
    let analyzer = Analyzer::new(korean(false)).expect("analyzer");
    let predicted: Vec<Vec<String>> = text
        .lines()
        .map(|l| analyzer.tokens(l).into_iter().map(|t| t.term).collect())
        .collect();
    token_f1(&predicted, &gold)
}

#[test]
fn agrees_with_kiwi_on_committed_sample() {
    // First 500 NSMC lines of the 2k gold set (tests/data/text/PROVENANCE.md).
    // Measured 0.8683 here (0.8762 on all 2,000 lines; before the rules of
    // src/text/korean_context.rs 0.8659 and 0.8736; Mecab-ko itself scores
    // 0.86 on the 2,000, as measured when this threshold was set).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/text");
    let f1 = f1_on(
        &dir.join("nsmc_ko_500.txt"),
        &dir.join("nsmc_ko_500.kiwi.txt"),
    );
    eprintln!("token F1 vs Kiwi on 500 NSMC lines: {f1:.4}");
    assert!(f1 >= 0.86, "F1 {f1:.4}");
}

#[test]
#[ignore = "needs ../shared/data/text/nsmc_ko_2k.txt and its gold (run with --ignored where they are present)"]
fn agrees_with_kiwi_on_2000_lines() {
    let (text, gold) = (
        util::shared_data("text/nsmc_ko_2k.txt"),
        util::shared_data("text/gold/nsmc_ko_2k.kiwi.txt"),
    );
    let f1 = f1_on(&text, &gold);
    eprintln!("token F1 vs Kiwi on 2,000 NSMC lines: {f1:.4}");
    assert!(f1 >= 0.87, "F1 {f1:.4}");
}

#[test]
fn analyzer_with_lindera_is_sync_and_shared() {
    fn assert_sync<T: Sync + Send>(_: &T) {}
    let analyzer = Analyzer::new(korean(false)).expect("analyzer");
    assert_sync(&analyzer);
    let lines = ["가족과 친구", "외부 소식을 알게 되었다"];
    let parallel: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .iter()
            .map(|l| s.spawn(|| analyzer.tokens(l).into_iter().map(|t| t.term).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_eq!(
        parallel,
        [vec!["가족", "친구"], vec!["외부", "소식", "알다", "되다"]]
    );
}

#[test]
fn tokenize_cli_korean_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("answers.txt");
    std::fs::write(
        &input,
        "장마당에서 한류드라마를 봤다\n\nㅋㅋㅋ\n가족과 친구들이 궁금했습니다\n",
    )
    .expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec!["tokenize", "--lang", "ko", "--no-stopwords"];
        args.extend_from_slice(extra);
        args.push("answers.txt");
        util::topics(dir.path(), &args).ok().stdout
    };
    let dict = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/text/ko_user_dict.csv"
    );
    // One output line per input line, blank and token-less answers included.
    // 궁금(했습니다) is a root (XR), not kept by default (Kiwi does the same).
    assert_eq!(
        run(&["--ko-user-dict", dict]),
        "장마당 한류드라마 보다\n\n\n가족 친구\n"
    );
    assert_eq!(
        run(&["--ko-analyzer", "rules"]).lines().nth(3),
        Some("가족 친구 궁금")
    );
    assert_eq!(
        run(&["--ko-keep", "NNG,XR"]).lines().nth(3),
        Some("가족 친구 궁금")
    );
    let out = util::topics(
        dir.path(),
        &["tokenize", "--ko-keep", "NOUN", "answers.txt"],
    );
    assert_eq!(out.code, 8);
    assert!(out
        .stderr
        .contains("invalid --ko-keep: unknown class 'NOUN'"));
}

/// `topics tokenize ARGS -` on `input`: its standard output.
fn tokenize_stdin(args: &[&str], input: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut all = vec!["tokenize"];
    all.extend_from_slice(args);
    all.push("-");
    util::topics_stdin(dir.path(), &all, input.as_bytes())
        .ok()
        .stdout
}

/// The four lines of issue 14, through `topics tokenize` with the default
/// settings: what an analyst writes down as each line's words, and before
/// this change 대하다, 북 (for 탈북), 삶다 (to boil, for 삶 "life") and the
/// pieces `don` `t` of `don't` were among them.
#[test]
fn tokenize_gives_the_words_an_analyst_expects() {
    let input = concat!(
        "남한에 대해 배우고 싶었어요\n",
        "탈북을 준비하는 데\n",
        "새 삶을 살고 싶었다\n",
        "I don't know why I'm here, it's fun\n",
        "한국 드라마 I don't know why I'm here, it's fun\n",
    );
    let stdout = tokenize_stdin(&[], input);
    // The contractions are stopwords; `know`, `fun` and 살다 (to live, as
    // `live` in English) are content. 싶다 (to want) is an auxiliary.
    assert_eq!(
        stdout,
        "남한 배우다\n탈북 준비\n삶 살다\nknow fun\n한국 드라마 know fun\n"
    );
    // Without stopwords the contractions are whole in both script contexts
    // and 대하다 is back (Kiwi counts it).
    let stdout = tokenize_stdin(&["--no-stopwords", "--surface"], input);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "남한 대하다 배우다");
    assert_eq!(lines[3], "i don't know why i'm here it's fun");
    assert_eq!(lines[4], "한국 드라마 i don't know why i'm here it's fun");
}

/// Hyphenated compounds are one word in an English line and in a line with
/// Hangul alike (mecab-ko-dic cuts `K-pop` into `K` `-` `pop`): before,
/// the bundled answers' `sister-in-law` counted as `sister` and `law`, and
/// `K-pop` as `k` and `pop`. A dash between spaces, digits before the
/// hyphen and a dangling hyphen still split.
#[test]
fn tokenize_keeps_hyphenated_compounds_whole() {
    let input = concat!(
        "My sister-in-law brought K-pop videos\n",
        "올케가 K-pop을 좋아했어요. 남북 e\u{2011}mail\n",
        "a 30-year-old fan - really, pre- war\n",
        "No-one else had a no-name USB stick\n",
    );
    let stdout = tokenize_stdin(&["--surface"], input);
    assert_eq!(
        stdout,
        "sister-in-law brought k-pop videos\n올케 k-pop 좋아하다 남북 e-mail\nyear-old fan pre war\nno-name usb stick\n"
    );
}

/// Markup and links are not words, in an English line and beside Hangul
/// alike. Before, the Naver reviews' `&lt대부&gt` gave `lt` and `gt` and
/// their links `http`, `naver`, `com`, `php`, which stood among a topic's
/// first words (`topics fit nsmc_mixed_ko_en_5k.txt -k 8`), as did the
/// reviews' masks `OO` and `OOO`. The lines are written after reviews of
/// `../shared/data/text/nsmc_mixed_ko_en_5k.txt`.
#[test]
fn tokenize_leaves_out_markup_links_and_masks() {
    let input = concat!(
        "&lt대부&gt에 맞먹는 범죄 이야기\n",
        "I don&#39;t know, it&rsquo;s fun &amp; caf&eacute; R&D\n",
        "망칠수밖에 없던 이유http://mlbpark.donga.com/mbs/articleV.php?mbsC=bullpen2 추천\n",
        "Review at https://example.org/films?id=7, by mail@example.com\n",
        "blog.naver.com/freeasabird8 좋아요 naver.com으로 검색\n",
        "이 OO 감독 허접OOO 개XX\n",
    );
    let stdout = tokenize_stdin(&["--surface"], input);
    assert_eq!(
        stdout,
        "대부 맞먹다 범죄 이야기\nknow fun café r d\n망치다 이유 추천\nreview\n좋다 검색\n감독 허접 개\n"
    );
    // Without stopwords the masks stay, as Kiwi keeps them; the markup and
    // the links still go.
    let stdout = tokenize_stdin(&["--no-stopwords", "--surface"], input);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "대부 맞먹다 범죄 이야기");
    assert_eq!(lines[3], "review at by");
    assert_eq!(lines[5], "oo 감독 허접 ooo 개 xx");
}

#[test]
fn particle_phrase_verbs_are_stopwords_only_in_their_phrase() {
    // 에 대한 / 을 통해 / 에 따라 / 하기 위해 carry no topic; 마음이 통하다
    // (to understand each other) and 엄마를 따라 (to follow) do.
    let line = "남한에 대한 생각을 영화를 통해 바꿨고 법에 따라 살기 위해 왔다. 마음이 통하는 친구, 엄마를 따라 갔다";
    assert_eq!(
        terms(korean(true), line),
        [
            "남한",
            "생각",
            "영화",
            "바꾸다",
            "법",
            "살다",
            "오다",
            "마음",
            "통하다",
            "친구",
            "엄마",
            "따르다",
            "가다"
        ]
    );
    assert_eq!(
        terms(korean(false), "남한에 대한 생각"),
        ["남한", "대하다", "생각"]
    );
    // The dictionary-free analyzer keeps inflected forms; those of the
    // phrase verbs are on the stopword list.
    let rules = TextOptions {
        ko_analyzer: KoAnalyzer::Rules,
        ..korean(true)
    };
    assert_eq!(
        terms(rules, "남한에 대해 배우고 싶었어요"),
        ["남한", "배우고"]
    );
}

#[test]
fn nouns_that_the_dictionary_misreads() {
    // 탈북민, 할 수도 (수 + 도, not 수도 "capital"; 신고할 is 신고 + a
    // suffix, as in Kiwi), 다들 (everyone), and
    // 남한 after 통해서 (read as 남 + 한), 사는 after a plural subject (살다,
    // to live, not 사다), 새 before a noun (the determiner, not 새다 "to
    // leak").
    assert_eq!(
        terms(korean(false), "탈북민들이 탈북해서 신고할 수도 있다"),
        ["탈북민", "탈북", "신고", "있다"]
    );
    assert_eq!(
        terms(
            korean(false),
            "다들 영화를 통해서 남한 사람들이 사는 걸 봤다"
        ),
        ["영화", "통하다", "남한", "사람", "살다", "보다"]
    );
    assert_eq!(
        terms(
            korean(false),
            "탈북해서 새 삶을 살고 새 드라마를 봤다. 달걀을 삶아 먹었다"
        ),
        [
            "탈북",
            "삶",
            "살다",
            "드라마",
            "보다",
            "달걀",
            "삶다",
            "먹다"
        ]
    );
    // 걸그룹 (girl group) was 것을 (거 + ㄹ; 것 + ᆯ after a predicate, as
    // before 걸크러시 here) + 그룹, and the
    // reviews' 해피엔딩 was 해피 + 엔딩 (Kiwi holds it whole); 그걸 그룹으로
    // is 그거 + ㄹ and a separate 그룹.
    assert_eq!(
        terms(
            korean(false),
            "걸그룹 노래가 좋았고 결국해피엔딩인거죠. 그걸 그룹으로 나눴다. 걸크러시"
        ),
        [
            "걸그룹",
            "노래",
            "좋다",
            "결국",
            "해피엔딩",
            "그룹",
            "나누다",
            "걸크러시"
        ]
    );
    // Spaced, 걸 그룹 is still the girl group, unless a modifier makes 걸
    // the bound noun 것 + 을 (그런 걸, such a thing).
    assert_eq!(
        terms(
            korean(false),
            "한국 걸 그룹 노래. 걸 그룹이 좋다. 그런 걸 그룹 채팅방에 올렸다"
        ),
        [
            "한국",
            "걸그룹",
            "노래",
            "걸그룹",
            "좋다",
            "그렇다",
            "그룹",
            "채팅",
            "방",
            "올리다"
        ]
    );
    // Words of North Korean daily life the dictionary lacks came out as
    // halves (보위 + 부, 노트 + 텔, 손 + 전화); written apart they stay
    // apart.
    assert_eq!(
        terms(
            korean(true),
            "보위부에 걸릴까 봐 노트텔로 봤어요. 손전화를 숨겼어요. 손 전화"
        ),
        [
            "보위부",
            "걸리다",
            "노트텔",
            "손전화",
            "숨기다",
            "손",
            "전화"
        ]
    );
    // 흥미진진 + 하 is the adjective Kiwi reads, whether the dictionary
    // gave a root or two nouns; without 하, Kiwi's 흥미 alone.
    assert_eq!(
        terms(
            korean(true),
            "줄거리가 우리 영화보다 훨씬 흥미진진했어요. 흥미진진하고 재밌어요. 보는 내내 흥미진진.."
        ),
        ["줄거리", "영화", "흥미진진하다", "흥미진진하다", "재밌다", "흥미"]
    );
    // 다른 before a noun is the determiner "other" (no content word, as in
    // Kiwi); after a subject it is the adjective 다르다 (different).
    // 뮤직비디오 is one noun (Kiwi's reading), not 뮤직 + 비디오.
    assert_eq!(
        terms(
            korean(false),
            "다른 나라 뮤직비디오를 봤다. 성격이 다른 사람"
        ),
        ["나라", "뮤직비디오", "보다", "성격", "다르다", "사람"]
    );
    // Chat words: 짝남 (my crush) was 짝 + an ending, a made-up verb 짝다.
    assert_eq!(
        terms(korean(false), "짝남 잊으려구. 내 짝은 어디 있을까"),
        ["짝남", "잊다", "짝", "있다"]
    );
}

#[test]
fn freely_along_and_the_slang_prefix() {
    // 마음대로 (freely) is one word, not the noun 마음 (heart); 따라
    // 불렀어요 (sang along) is about singing, 엄마를 따라 갔어요 still
    // about following; the slang 개- (very) is not 개 (dog), which stays
    // in 개를 키워요 and 개같은. 따르다 and 개 come back with
    // --no-stopwords, where Kiwi counts them.
    let text = "마음대로 볼 수 있어서 좋았어요. 마음이 편했어요. 노래를 따라 불렀어요. \
                엄마를 따라 갔어요. 개웃기고 개꿀잼이에요. 개막장 드라마. 개를 키워요. 그냥 해요";
    assert_eq!(
        terms(korean(true), text).join(" "),
        "마음대로 좋다 마음 편하다 노래 부르다 엄마 따르다 가다 웃기다 꿀 잼 막장 드라마 개 키우다"
    );
    assert_eq!(
        terms(korean(false), text).join(" "),
        "마음대로 보다 있다 좋다 마음 편하다 노래 따르다 부르다 엄마 따르다 가다 \
         개 웃기다 꿀 잼 막장 드라마 개 키우다 하다"
    );
}

#[test]
fn compounds_that_kiwi_reads_as_two_nouns() {
    // 바깥세상 (the outside world) is 바깥 + 세상, as Kiwi reads it and as
    // English writes `outside world`, so it shares 세상 with the answers
    // that say the world alone; 대한민국 and 자본주의, which Kiwi holds
    // whole, stay whole.
    assert_eq!(
        terms(
            korean(true),
            "외국 영상은 바깥세상을 보는 창문이었어요. 세상이 어떻게 돌아가는지 알았어요. \
             대한민국 자본주의"
        )
        .join(" "),
        "외국 영상 바깥 세상 창문 세상 돌아가다 알다 대한민국 자본주의"
    );
}

#[test]
fn verbs_that_the_dictionary_reads_as_their_look_alikes() {
    // 듣다 before 은/을/으 (들다 would be 든, 들, 들면); 들었어요 is 듣다
    // after something heard (소식을, the news), 들다 after a subject (생각이
    // 들었어요, it occurred to me) or a thing lifted (가방을).
    assert_eq!(
        terms(
            korean(false),
            "우리가 들은 것보다 노래를 들을 수 있는 소식을 들었어요"
        ),
        ["듣다", "노래", "듣다", "있다", "소식", "듣다"]
    );
    assert_eq!(
        terms(
            korean(false),
            "그 얘기를 들어 보니 생각이 들었어요. 가방을 들었어요"
        ),
        ["얘기", "듣다", "보다", "생각", "들다", "가방", "들다"]
    );
    // 물어보면 (if you ask) is 묻다, 사탕을 물고 (a sweet in the mouth) 물다.
    assert_eq!(
        terms(korean(false), "길에서 전번 물어보면 사탕을 물고"),
        ["길", "전번", "묻다", "사탕", "물다"]
    );
    // 사는 is 살다 (to live) after a manner adverb, 어떻게, -어야, 먹고, a
    // place, and opening a sentence before 게 (also after a sentence adverb
    // such as 솔직히); 사다 (to buy) after another adverb (빨리), an
    // object, and after 싸게 (cheaply).
    let living = [
        ("어떻게 사는지", vec!["어떻다", "살다"]),
        ("혼자 사는 사람", vec!["혼자", "살다", "사람"]),
        ("죽어야 사는 남자", vec!["죽다", "살다", "남자"]),
        ("먹고사는 문제", vec!["먹다", "살다", "문제"]),
        ("서울에 사는 친구", vec!["서울", "살다", "친구"]),
        ("사는 게 지루했는데", vec!["살다"]),
        ("솔직히 사는 게 지루했는데", vec!["살다"]),
        ("빨리 사는 게 좋아", vec!["사다", "좋다"]),
        ("옷 사는 데", vec!["옷", "사다"]),
        ("책을 사는 사람", vec!["책", "사다", "사람"]),
        ("싸게 사는 법", vec!["싸다", "사다", "법"]),
    ];
    for (text, expected) in living {
        assert_eq!(terms(korean(false), text), expected, "{text}");
    }
}

#[test]
fn chat_words_that_the_dictionary_misreads() {
    // 한 잔 (a glass) was 하다 + 잘다 (fine-grained); 잘자, 잘게 (sleep
    // well, I'm off to sleep) were 잘다 too; 잘게 썰어 (chop finely) is.
    let cases = [
        ("맥주 한 잔 할래?", vec!["맥주", "잔", "하다"]),
        ("술 몇 잔 마시니", vec!["술", "잔", "마시다"]),
        ("먼저 잘게 잘자", vec!["자다", "자다"]),
        ("잘자요", vec!["자다"]),
        ("양파를 잘게 썰어", vec!["양파", "잘다", "썰다"]),
        // 잼 (fun) was 재다 (to measure).
        ("잼슴다", vec!["잼"]),
        ("너무잼있어서", vec!["잼", "있다"]),
        // 꿀잼 (great fun) was 꾸다 (to dream) + 잼; 꿈 꾸는 stays 꾸다.
        ("진짜 꿀잼", vec!["꿀", "잼"]),
        ("꿈 꾸는 자", vec!["꿈", "꾸다", "자"]),
        // 이별후 (after the break-up) was 이 + 별후; 다음 회가 a noun 회가.
        ("이별후 3개월", vec!["이별", "후"]),
        ("다음 회가 기다려졌어요", vec!["다음", "회", "기다리다"]),
        // Chat endings the dictionary holds as nouns: 가야지 (I should go),
        // 주세요 (please give), 허기지네 (지네, a centipede), 사고 (an
        // accident) before 싶다; after -아/-어 the verb is an auxiliary.
        ("도서관 가야지", vec!["도서관", "가다"]),
        ("선물 주세요", vec!["선물", "주다"]),
        ("놀아 주세요", vec!["놀다"]),
        ("너무 허기지네", vec!["허기", "지다"]),
        ("이제야 좀 잊혀지네", vec!["잊히다"]),
        ("지네가 나왔어", vec!["지네", "나오다"]),
        ("꽃 사고 싶어", vec!["꽃", "사다"]),
        ("교통 사고 났어", vec!["교통", "사고", "나다"]),
    ];
    for (text, expected) in cases {
        assert_eq!(terms(korean(false), text), expected, "{text}");
    }
}
