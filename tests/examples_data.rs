//! The bundled example data (`examples/data/`) are what
//! `cargo run --example generate_answers` writes, and have the shape the
//! README promises: 313 respondents, line i = respondent i in both
//! languages, a few blank answers and non-answers, true mixtures per id.

#[path = "../examples/generate_answers.rs"]
#[allow(dead_code)]
mod generator;

use std::collections::HashSet;
use std::path::Path;

use generator::{Dataset, Kind, SEED};

fn committed(name: &str) -> String {
    let path = generator::data_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn committed_files_equal_a_fresh_generation() {
    let fresh = generator::generate(SEED);
    let hint = "examples/data is stale: run `cargo run --example generate_answers` and commit";
    assert!(
        committed("answers_en.txt") == fresh.answers_en(),
        "answers_en.txt: {hint}"
    );
    assert!(
        committed("answers_ko.txt") == fresh.answers_ko(),
        "answers_ko.txt: {hint}"
    );
    assert!(
        committed("respondents.csv") == fresh.respondents_csv(),
        "respondents.csv: {hint}"
    );
    assert!(
        committed("sentences.csv") == fresh.sentences_csv(),
        "sentences.csv: {hint}"
    );
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generator::generate(7);
    let b = generator::generate(7);
    let c = generator::generate(8);
    assert_eq!(a.answers_ko(), b.answers_ko());
    assert_eq!(a.respondents_csv(), b.respondents_csv());
    assert_ne!(a.answers_ko(), c.answers_ko());
}

#[test]
fn answers_files_have_one_line_per_respondent() {
    for name in ["answers_en.txt", "answers_ko.txt"] {
        let text = committed(name);
        assert!(text.ends_with('\n'), "{name} must end with a newline");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 313, "{name}");
        let blanks = lines.iter().filter(|l| l.trim().is_empty()).count();
        assert_eq!(blanks, generator::BLANKS, "{name}: blank answers");
        assert!(!lines[0].is_empty() && !lines[312].is_empty(), "{name}");
        // The library reads the id of a .txt answer as its line number.
        let path = generator::data_dir().join(name);
        let answers = topics::io::read_answers(&path, &Default::default()).unwrap();
        let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
        let expected: Vec<String> = (1..=313).map(|i| i.to_string()).collect();
        assert_eq!(ids, expected, "{name}");
    }
}

#[test]
fn both_languages_describe_the_same_respondents() {
    let en = committed("answers_en.txt");
    let ko = committed("answers_ko.txt");
    let data = generator::generate(SEED);
    for ((r, e), k) in data.respondents.iter().zip(en.lines()).zip(ko.lines()) {
        assert_eq!(
            e.is_empty(),
            k.is_empty(),
            "respondent {} blank in one language only",
            r.id
        );
        assert_eq!(r.kind == Kind::Blank, e.is_empty(), "respondent {}", r.id);
        assert!(
            !e.contains('{') && !k.contains('{'),
            "unfilled slot for respondent {}",
            r.id
        );
        if r.kind == Kind::Answer {
            assert!(
                k.chars().any(|c| ('가'..='힣').contains(&c)),
                "no Hangul: {k}"
            );
            // Same number of sentences in both languages.
            assert_eq!(
                e.matches(". ").count(),
                k.matches(". ").count(),
                "{e} / {k}"
            );
        }
    }
    let non_answers = data
        .respondents
        .iter()
        .filter(|r| r.kind == Kind::NonAnswer)
        .count();
    assert_eq!(non_answers, generator::NON_ANSWERS);
    assert!(ko.lines().any(|l| l == "모름" || l == "잘 모르겠습니다."));
}

#[test]
fn respondents_csv_holds_the_true_mixtures() {
    let text = committed("respondents.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "theme_learning",
            "theme_trust",
            "theme_curiosity",
            "dominant_theme"
        ]
    );
    let mut ids = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        ids.push(record[0].to_string());
        let shares: Vec<f64> = (1..4).map(|i| record[i].parse().unwrap()).collect();
        let sum: f64 = shares.iter().sum();
        assert!(
            (sum - 1.0).abs() <= 2e-4,
            "row {}: shares sum to {sum}",
            &record[0]
        );
        let dominant: usize = record[4].parse().unwrap();
        assert!(
            shares.iter().all(|&s| s <= shares[dominant]),
            "row {}",
            &record[0]
        );
    }
    let expected: Vec<String> = (1..=313).map(|i| i.to_string()).collect();
    assert_eq!(ids, expected);
}

/// One row of `sentences.csv`: position, theme, English and Korean text.
type SentenceRow = (usize, Option<usize>, String, String);

/// `sentences.csv` rebuilds every answer line in both languages, and its
/// themes are the generator's: the first sentence of an answer is from the
/// dominant theme, non-answers and asides have none.
#[test]
fn sentences_csv_rebuilds_the_answers_with_their_themes() {
    let text = committed("sentences.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, ["id", "position", "theme", "en", "ko"]);
    let mut by_id: Vec<Vec<SentenceRow>> = vec![Vec::new(); 314];
    for record in reader.records() {
        let record = record.unwrap();
        let id: usize = record[0].parse().unwrap();
        let position: usize = record[1].parse().unwrap();
        let theme = (!record[2].is_empty()).then(|| record[2].parse::<usize>().unwrap());
        by_id[id].push((
            position,
            theme,
            record[3].to_string(),
            record[4].to_string(),
        ));
    }
    let data = generator::generate(SEED);
    let (en, ko) = (committed("answers_en.txt"), committed("answers_ko.txt"));
    let mut themed = 0;
    for ((r, e), k) in data.respondents.iter().zip(en.lines()).zip(ko.lines()) {
        let rows = &by_id[r.id];
        let positions: Vec<usize> = rows.iter().map(|row| row.0).collect();
        assert_eq!(
            positions,
            (1..=rows.len()).collect::<Vec<_>>(),
            "id {}",
            r.id
        );
        let join =
            |pick: fn(&SentenceRow) -> &str| rows.iter().map(pick).collect::<Vec<_>>().join(" ");
        assert_eq!(join(|row| &row.2), e, "id {}", r.id);
        assert_eq!(join(|row| &row.3), k, "id {}", r.id);
        match r.kind {
            Kind::Blank => assert!(rows.is_empty(), "id {}", r.id),
            Kind::NonAnswer => assert_eq!(rows.len(), 1, "id {}", r.id),
            Kind::Answer => {
                assert_eq!(rows[0].1, Some(r.dominant), "id {}: first sentence", r.id);
                assert!((1..=4).contains(&rows.len()), "id {}", r.id);
            }
        }
        themed += rows.iter().filter(|row| row.1.is_some()).count();
    }
    let asides = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some(""))
        .count();
    assert_eq!(themed + asides, text.lines().count() - 1);
    // Known from the committed data: 558 themed sentences; 35 without a
    // theme (30 asides and the 5 non-answers).
    assert_eq!((themed, asides), (558, 35));
}

#[test]
fn every_theme_is_common_and_has_a_rich_phrase_bank() {
    let data: Dataset = generator::generate(SEED);
    let counts = data.dominant_counts();
    // Known from the committed data (`cargo run --example generate_answers` prints them).
    assert_eq!(counts, [120, 94, 99]);
    for theme in 0..3 {
        let bank = generator::theme_bank(theme);
        assert!(
            bank.len() >= 25,
            "theme {theme} has {} templates",
            bank.len()
        );
        let en: HashSet<&str> = bank.iter().map(|t| t.en).collect();
        let ko: HashSet<&str> = bank.iter().map(|t| t.ko).collect();
        assert_eq!(
            (en.len(), ko.len()),
            (bank.len(), bank.len()),
            "duplicates in theme {theme}"
        );
    }
}

#[test]
fn korean_particles_follow_the_final_sound() {
    use generator::particle_after;
    assert_eq!(particle_after("언니", "이"), "가");
    assert_eq!(particle_after("남동생", "이"), "이");
    assert_eq!(particle_after("USB", "으로"), "로");
    assert_eq!(particle_after("알판", "으로"), "으로");
    assert_eq!(particle_after("노트텔", "으로"), "로");
    assert_eq!(particle_after("K-pop", "이"), "이");
    assert_eq!(particle_after("DVD", "을"), "를");
    assert_eq!(particle_after("친척들", "은"), "은");
    assert_eq!(particle_after("이모", "과"), "와");
}

#[test]
fn data_dir_is_inside_the_crate() {
    let dir = generator::data_dir();
    assert!(dir.starts_with(Path::new(env!("CARGO_MANIFEST_DIR"))));
    assert!(
        dir.join("README.md").is_file(),
        "examples/data/README.md is missing"
    );
}
