//! The default fit recovers the bundled answers' true themes.
//!
//! `examples/data/respondents.csv` holds the theme each simulated answer
//! was mostly drawn from, so `topics fit FILE -k 3` with the default
//! settings can be scored against a truth known by construction: the share
//! of answers whose dominant topic is their true dominant theme, once
//! topics are matched to themes one to one (`topics validate`).
//!
//! A single Gibbs chain falls into a poorer mode now and then; the default
//! fit runs several and keeps the best (issue 14). On seeds 1–3 one chain
//! scores 0.849 0.836 0.830 in English and 0.767 0.787 0.803 in Korean
//! (`theme_agreement --chains 1`; before issue 14's Korean readings,
//! 0.752 0.765 0.739 of 310 answers), the default fit (32 chains, θ pooled
//! over those in the kept chain's mode) 0.856 0.856 0.856 and 0.830 0.839
//! 0.846 (`cargo run --release --example theme_agreement` prints ten
//! seeds), of the 305 answers fitted: the three blank answers and the five
//! non-answers (`Not sure.`, `잘 모르겠습니다.`) are left out. The floor
//! below, 0.80, is what the default fit must not fall back under; the
//! bag-of-words ceiling on these answers is about 0.87 (`--ceiling yes`),
//! so it leaves room for no large loss.

use crate::util::{example_dir, topics};

/// The least share of answers whose dominant topic is their true theme.
const FLOOR: f64 = 0.80;

/// `topics fit examples/data/answers_LANG.txt -k 3 --seed SEED`, then
/// `topics validate model.json examples/data/respondents.csv --code-column
/// dominant_theme --format FORMAT`: what it prints.
fn fit_and_validate(lang: &str, seed: u64, format: &str) -> String {
    let dir = example_dir();
    let answers = format!("examples/data/answers_{lang}.txt");
    let seed = seed.to_string();
    topics(
        dir.path(),
        &[
            "fit",
            &answers,
            "-k",
            "3",
            "--seed",
            &seed,
            "-o",
            "model.json",
        ],
    )
    .ok();
    topics(
        dir.path(),
        &[
            "validate",
            "model.json",
            "examples/data/respondents.csv",
            "--code-column",
            "dominant_theme",
            "--format",
            format,
        ],
    )
    .ok()
    .stdout
}

/// (answers agreeing, answers scored, topic × theme table) of the default
/// fit with `seed`.
fn default_fit_agreement(lang: &str, seed: u64) -> (u64, u64, serde_json::Value) {
    let v: serde_json::Value = serde_json::from_str(&fit_and_validate(lang, seed, "json")).unwrap();
    let by_code: Vec<&serde_json::Value> = v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["by_code"])
        .collect();
    (
        v["agreeing"].as_u64().unwrap(),
        v["answers"].as_u64().unwrap(),
        serde_json::json!(by_code),
    )
}

fn assert_recovers(lang: &str, seed: u64) {
    let (agreeing, scored, table) = default_fit_agreement(lang, seed);
    // The three blank answers and the five non-answers are left out of
    // the fit.
    assert_eq!(scored, 305, "{lang}, seed {seed}");
    let share = agreeing as f64 / scored as f64;
    assert!(
        share >= FLOOR,
        "{lang}, seed {seed}: {agreeing} of {scored} answers ({share:.3}) have their true theme as dominant topic, under {FLOOR}; topic × theme table {table}"
    );
}
#[test]
fn english_default_fits_recover_the_true_themes() {
    for seed in 1..=3 {
        assert_recovers("en", seed);
    }
}

#[test]
fn korean_default_fits_recover_the_true_themes() {
    for seed in 1..=3 {
        assert_recovers("ko", seed);
    }
}

/// README's figures: the English answers' default fit against their true
/// themes, the three blank answers and five non-answers coded but not
/// fitted.
#[test]
fn readme_figures_for_the_bundled_answers() {
    let out = fit_and_validate("en", 1, "table");
    assert!(
        out.contains(
            "the dominant topic agrees with the code for 261 of 305 answers (85.6%); \
             chance with these shares 33.6%; Cohen's kappa 0.783"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "coded but not answers of the model (blank answers and non-answers such as “don’t know” \
             are left out of a fit): 19, 33, 63, 95, 159, 215, 244, 250"
        ),
        "{out}"
    );
    // The bands of the dominant topic's share, and the clearest
    // disagreement: a curiosity answer the model gives to trust, one
    // sentence of each (a tie, which word counts cannot call).
    for band in [
        "0.8 to 1        219       208      0.950",
        "0.6 to 0.8       44        30      0.682",
        "below 0.6        42        23      0.548",
    ] {
        assert!(out.contains(band), "{band}: {out}");
    }
    assert!(
        out.contains("the 10 of 44 disagreeing answers the model calls most clearly"),
        "{out}"
    );
    let first = out
        .lines()
        .skip_while(|l| !l.starts_with("id "))
        .nth(2)
        .unwrap_or_default();
    assert!(
        first.starts_with("155     2 ")
            && first.ends_with(
                "I could not wait for the next episode. \
                 Because it came from a trusted friend, I knew it was not a trap."
            ),
        "{out}"
    );
}
