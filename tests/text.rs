//! The text pipeline end to end: exact tokens for Korean, English and mixed
//! answers, the user tokenizer, and `topics tokenize` on the command line.
//!
//! The expected tokens are what a Korean/English reader writes down for
//! each answer (nouns, verbs and adjectives as stem + 다, English stems),
//! not copies of the program's output.

use crate::util;

use topics::text::{Analyzer, KoAnalyzer, Lang, TextOptions};

fn terms(options: TextOptions, text: &str) -> Vec<String> {
    let analyzer = Analyzer::new(options).expect("analyzer builds");
    analyzer.tokens(text).into_iter().map(|t| t.term).collect()
}

fn surfaces(options: TextOptions, text: &str) -> Vec<String> {
    let analyzer = Analyzer::new(options).expect("analyzer builds");
    analyzer
        .tokens(text)
        .into_iter()
        .map(|t| t.surface)
        .collect()
}

/// The dictionary-free pipeline (`--ko-analyzer rules`); the lindera
/// analyzer has its own tests in tests/text_korean.rs.
fn rules() -> TextOptions {
    TextOptions {
        ko_analyzer: KoAnalyzer::Rules,
        ..TextOptions::default()
    }
}

#[test]
fn english_answer_is_stemmed_with_readable_surfaces() {
    let text = "I watched South Korean dramas because I was curious about the outside world.";
    assert_eq!(
        terms(rules(), text),
        ["watch", "south", "korean", "drama", "curious", "outsid", "world"]
    );
    assert_eq!(
        surfaces(rules(), text),
        ["watched", "south", "korean", "dramas", "curious", "outside", "world"]
    );
}

#[test]
fn english_possessives_numbers_and_emoji() {
    let text = "My family's friends trusted the 2 USB drives 😀!!";
    assert_eq!(
        terms(rules(), text),
        ["famili", "friend", "trust", "usb", "drive"]
    );
    let no_stem = TextOptions {
        stem: false,
        ..rules()
    };
    assert_eq!(
        terms(no_stem, text),
        ["family", "friends", "trusted", "usb", "drives"]
    );
}

#[test]
fn korean_particles_and_endings_are_removed() {
    let text = "가족과 친구들이 알려준 외부 소식이 궁금했습니다.";
    // 가족/친구/외부/소식 are nouns; 궁금하다 is an X하다 adjective → 궁금.
    // 알려준 (알리+어 주+ㄴ) is a modifier form the rules cannot tell from
    // a noun + particle, so it stays as written.
    assert_eq!(
        terms(rules(), text),
        ["가족", "친구", "알려준", "외부", "소식", "궁금"]
    );
    let text = "드라마를 보면서 호기심이 생겼어요 ㅋㅋ";
    // 보다 is a spaCy stopword; ㅋㅋ (laughter) is dropped.
    assert_eq!(terms(rules(), text), ["드라마", "호기심", "생기다"]);
    let no_stop = TextOptions {
        stopwords: false,
        ..rules()
    };
    assert_eq!(terms(no_stop, text), ["드라마", "보다", "호기심", "생기다"]);
}

#[test]
fn one_and_two_syllable_korean_nouns_survive() {
    assert_eq!(
        terms(rules(), "꿈과 돈, 집이 중요해요"),
        ["꿈", "돈", "집", "중요"]
    );
}

#[test]
fn mixed_line_splits_where_the_script_changes() {
    // A word glued across scripts: 영화OST까지 → 영화, ost, (까지 is a particle).
    // 10 is a number; 점 (point) is in spaCy's Korean stopword list.
    let text = "영화OST까지 완벽했다 10점!!";
    assert_eq!(terms(rules(), text), ["영화", "ost", "완벽"]);
    // 보면서 → 보다, a stopword; 에 after `world` is a particle, and 대한
    // of `에 대한` (about) is a stopword (stopwords/PROVENANCE.md).
    let text = "드라마 보면서 outside world에 대한 호기심";
    assert_eq!(
        terms(rules(), text),
        ["드라마", "outsid", "world", "호기심"]
    );
    // Korean answers: Latin words lowercased, not stemmed.
    let ko = TextOptions {
        lang: Lang::Ko,
        ..rules()
    };
    assert_eq!(terms(ko, "CG가 최고 Movies"), ["cg", "최고", "movies"]);
}

#[test]
fn full_width_text_is_normalized() {
    assert_eq!(terms(rules(), "ＯＳＴ가 Ｎｅｗｓ"), ["ost", "news"]);
}

#[test]
fn pretokenized_keeps_tokens_as_they_are() {
    let options = TextOptions {
        pretokenized: true,
        stopwords: false,
        ..rules()
    };
    assert_eq!(
        terms(options.clone(), "The  Family's\tnews 10"),
        ["The", "Family's", "news", "10"]
    );
    let extra = TextOptions {
        extra_stopwords: vec!["news".into()],
        ..options
    };
    assert_eq!(terms(extra, "The news"), ["The"]);
}

#[test]
fn extra_stopwords_match_printed_tokens() {
    let options = TextOptions {
        extra_stopwords: vec!["drama".into(), "ＯＳＴ".into()],
        ..rules()
    };
    assert_eq!(terms(options, "Dramas and OST"), Vec::<String>::new());
}

fn tokenizer_json() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/text/wordlevel_tokenizer.json"
    ))
    .expect("fixture exists")
}

#[test]
fn user_tokenizer_json_replaces_segmentation() {
    let options = TextOptions {
        tokenizer_json: Some(tokenizer_json()),
        stopwords: false,
        ..rules()
    };
    // Whitespace pre-tokenizer splits off punctuation; the WordLevel model maps
    // unknown words to [UNK]; punctuation-only tokens are dropped.
    assert_eq!(
        terms(options.clone(), "FAMILY news, Outside! 가족 cats"),
        ["family", "news", "outside", "가족", "[UNK]"]
    );
    assert_eq!(surfaces(options, "ＦＡＭＩＬＹ"), ["family"]);
    let with_stop = TextOptions {
        tokenizer_json: Some(tokenizer_json()),
        ..rules()
    };
    assert_eq!(terms(with_stop, "the news"), ["news"]);
}

#[test]
fn bad_tokenizer_json_is_a_typed_error() {
    let options = TextOptions {
        tokenizer_json: Some("{\"model\": 3}".into()),
        ..rules()
    };
    let err = Analyzer::new(options).expect_err("invalid tokenizer must fail");
    assert_eq!(err.exit_code(), 10);
    assert!(
        err.to_string()
            .starts_with("tokenizer: cannot load tokenizer.json:"),
        "{err}"
    );
}

#[test]
fn tokenize_prints_one_line_per_input_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("answers.txt"),
        "가족과 친구들\n\n😀 100\nCurious about the world\n",
    )
    .expect("write input");
    let out = util::topics(
        dir.path(),
        &["tokenize", "--ko-analyzer", "rules", "answers.txt"],
    )
    .ok();
    // Four input lines: a blank answer and an answer with no words still
    // get their (empty) line so output lines match input lines.
    assert_eq!(out.stdout, "가족 친구\n\n\ncurious world\n");
    let out = util::topics(
        dir.path(),
        &[
            "tokenize",
            "--surface",
            "--ko-analyzer",
            "rules",
            "answers.txt",
        ],
    )
    .ok();
    assert_eq!(out.stdout, "가족 친구\n\n\ncurious world\n");
}

#[test]
fn tokenize_with_user_tokenizer_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("answers.txt"), "Family news\n").expect("write input");
    let json = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/text/wordlevel_tokenizer.json"
    );
    let out = util::topics(
        dir.path(),
        &["tokenize", "--tokenizer", json, "answers.txt"],
    )
    .ok();
    assert_eq!(out.stdout, "family news\n");
    let out = util::topics(
        dir.path(),
        &[
            "tokenize",
            "--tokenizer",
            "/nonexistent/tok.json",
            "answers.txt",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("/nonexistent/tok.json: no such file"));
}

#[test]
fn contractions_are_whole_stopwords_in_every_script_context() {
    let no_stop = |o: TextOptions| TextOptions {
        stopwords: false,
        ..o
    };
    let line = "I don't know why I’m here, it's fun";
    // English alone (rules or lindera: no Hangul, so the same path), and with
    // Hangul on the line, where the lindera analyzer reads the whole line.
    for options in [rules(), TextOptions::default()] {
        assert_eq!(terms(options.clone(), line), ["know", "fun"]);
        assert_eq!(
            terms(no_stop(options.clone()), line),
            ["i", "don't", "know", "whi", "i'm", "here", "it's", "fun"]
        );
        let mixed = format!("드라마 {line}");
        assert_eq!(terms(options.clone(), &mixed), ["드라마", "know", "fun"]);
        assert_eq!(
            terms(no_stop(options), &mixed),
            [
                "드라마",
                "i",
                "don't",
                "know",
                "whi",
                "i'm",
                "here",
                "it's",
                "fun"
            ]
        );
    }
    // A possessive is still about its noun; written without the apostrophe
    // the contraction is a stopword too.
    assert_eq!(
        terms(rules(), "my family's house, dont ask, thats it"),
        ["famili", "hous", "ask"]
    );
}

#[test]
fn versus_is_a_stopword_beside_hangul_too() {
    // `vs` joins two things compared (`legal vs. illegal` in the Gadarian
    // answers, `제이슨 vs 프레디` in the mixed reviews) and names neither.
    let line = "legal vs. illegal";
    assert_eq!(terms(rules(), line), ["legal", "illeg"]);
    assert_eq!(
        terms(TextOptions::default(), "남한 VS 북한 legal vs illegal"),
        ["남한", "북한", "legal", "illeg"]
    );
    let keep = TextOptions {
        stopwords: false,
        ..rules()
    };
    assert_eq!(terms(keep, line), ["legal", "vs", "illeg"]);
}
