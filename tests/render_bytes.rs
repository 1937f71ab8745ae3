//! The outputs of `topics conjoint` and `topics link` on the bundled
//! examples, byte for byte, against files written by the binary before the
//! rendering layer (`src/render/`) replaced the hand-written CSV quoting,
//! number formats and display widths: the refactoring changed no byte of a
//! table, a CSV file or a JSON document.
//!
//! The only intended difference is additive: JSON estimate rows gained
//! `outcome_type`, `feature_label` and `h0` (so that a report can label
//! features and draw the natural null); each sits on its own line, and the
//! comparison removes exactly those lines before comparing.
//!
//! `TOPICS_BLESS=1 cargo test --test render_bytes` rewrites the expected
//! files (only ever with a binary whose output is known to be right). The
//! link files were rewritten once since, when hyphenated compounds
//! (`sister-in-law`) became one token and so changed the English fit they
//! start from, and again when non-answers (`Not sure.`) were left out of
//! fits; both commits left `src/render/` untouched.

use crate::util;

use std::path::{Path, PathBuf};

use util::{repo_file, topics};

/// Keys added to JSON estimate rows after the expected files were written.
const ADDED_KEYS: [&str; 3] = ["\"outcome_type\": ", "\"feature_label\": ", "\"h0\": "];

fn expected_dir() -> PathBuf {
    repo_file("tests/data/render_before")
}

/// `text` without the lines of keys added to estimate rows since the
/// expected files, which pretty JSON indents by `indent` spaces (4 in a
/// conjoint array, 6 in a link result's `rows`; the link summary's own
/// `h0`, at 4, stays).
fn without_added_keys(text: &str, indent: usize) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            let t = line.trim_start();
            line.len() - t.len() != indent || !ADDED_KEYS.iter().any(|k| t.starts_with(k))
        })
        .collect()
}

/// Compares (or, when blessing, writes) one output.
fn check(name: &str, actual: &[u8], failures: &mut Vec<String>) {
    let path = expected_dir().join(name);
    let actual = String::from_utf8(actual.to_vec()).unwrap();
    // The expected files predate the added keys: they are compared, and
    // blessed, without them.
    let actual = if name.ends_with(".json") {
        without_added_keys(&actual, if name.starts_with("link") { 6 } else { 4 })
    } else {
        actual
    };
    if std::env::var_os("TOPICS_BLESS").is_some() {
        std::fs::create_dir_all(expected_dir()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if actual.as_bytes() != expected.as_slice() {
        let expected = String::from_utf8_lossy(&expected);
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        failures.push(format!(
            "{name}: differs from line {}:\n  expected: {:?}\n  actual:   {:?}",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>")
        ));
    }
}

/// Every estimate of `topics conjoint` on `examples/data/conjoint.csv`, in
/// every format: (file stem, arguments after the data and design).
const CONJOINT_CASES: &[(&str, &str, &[&str])] = &[
    ("amce_all_outcomes", "conjoint_design.json", &[]),
    (
        "mm_h0",
        "conjoint_design.json",
        &["--estimate", "mm", "--h0", "0.5", "--outcome", "chosen"],
    ),
    (
        "mm_diffs_age",
        "conjoint_design.json",
        &[
            "--estimate",
            "mm-diffs",
            "--by",
            "age_group",
            "--outcome",
            "chosen",
        ],
    ),
    (
        "amce_diffs_gender",
        "conjoint_design.json",
        &[
            "--estimate",
            "amce-diffs",
            "--by",
            "gender",
            "--outcome",
            "chosen,rating",
        ],
    ),
    (
        "anova_gender",
        "conjoint_design.json",
        &[
            "--estimate",
            "anova",
            "--by",
            "gender",
            "--outcome",
            "chosen",
        ],
    ),
    (
        "freqs_gender",
        "conjoint_design.json",
        &["--estimate", "freqs", "--by", "gender"],
    ),
    (
        "predict",
        "conjoint_design.json",
        &[
            "--estimate",
            "predict",
            "--profile",
            "most",
            "--profile",
            "least",
            "--outcome",
            "chosen",
        ],
    ),
    (
        "amce_by_education_ko",
        "conjoint_design_ko.json",
        &["--by", "education", "--outcome", "chosen,share_friend"],
    ),
    (
        "mm_rating_binarized",
        "conjoint_design.json",
        &[
            "--estimate",
            "mm",
            "--outcome",
            "rating",
            "--binarize",
            ">4",
            "--se",
            "cjoint",
        ],
    ),
];

#[test]
fn conjoint_outputs_are_unchanged() {
    let root = repo_file("");
    let mut failures = Vec::new();
    for (stem, design, extra) in CONJOINT_CASES {
        for format in ["table", "csv", "json"] {
            let design = format!("examples/data/{design}");
            let mut args = vec![
                "conjoint",
                "examples/data/conjoint.csv",
                "--design",
                &design,
            ];
            args.extend_from_slice(extra);
            args.extend(["--format", format]);
            let run = topics(&root, &args).ok();
            let ext = if format == "table" { "txt" } else { format };
            check(
                &format!("conjoint_{stem}.{ext}"),
                run.stdout.as_bytes(),
                &mut failures,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A scratch directory holding the link study's inputs under short
/// relative names (the outputs name their input files).
fn link_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "answers_en.txt",
        "conjoint_by_theme.csv",
        "conjoint_by_theme_design.json",
        "link_mapping.txt",
    ] {
        std::fs::copy(
            repo_file(&format!("examples/data/{name}")),
            dir.path().join(name),
        )
        .unwrap();
    }
    topics(
        dir.path(),
        // One chain: the committed outputs are those of that fit, and
        // what they check is the rendering, not the sampler.
        &[
            "fit",
            "answers_en.txt",
            "-k",
            "3",
            "--chains",
            "1",
            "-o",
            "model.json",
        ],
    )
    .ok();
    dir
}

const LINK_BASE: &[&str] = &[
    "link",
    "--model",
    "model.json",
    "--conjoint",
    "conjoint_by_theme.csv",
    "--design",
    "conjoint_by_theme_design.json",
    "--outcome",
    "chosen",
];

fn link_outputs(dir: &Path, stem: &str, extra: &[&str], failures: &mut Vec<String>) {
    for format in ["table", "csv", "json"] {
        let mut args = LINK_BASE.to_vec();
        args.extend_from_slice(extra);
        args.extend(["--format", format]);
        let csv_dir = format!("{stem}_tables");
        if format == "json" {
            args.extend(["--csv-dir", &csv_dir]);
        }
        let run = topics(dir, &args).ok();
        let ext = if format == "table" { "txt" } else { format };
        check(
            &format!("link_{stem}.{ext}"),
            run.stdout.as_bytes(),
            failures,
        );
    }
    // `--csv-dir`'s estimates.csv is what `--format csv` prints.
    let estimates = std::fs::read(dir.join(format!("{stem}_tables/estimates.csv"))).unwrap();
    check(&format!("link_{stem}.csv"), &estimates, failures);
    for table in [
        "tests",
        "words_levels",
        "topic_words",
        "prevalence",
        "stability",
        "join",
    ] {
        let bytes = std::fs::read(dir.join(format!("{stem}_tables/{table}.csv"))).unwrap();
        check(&format!("link_{stem}_{table}.csv"), &bytes, failures);
    }
}

#[test]
fn link_outputs_are_unchanged() {
    let dir = link_dir();
    let mut failures = Vec::new();
    link_outputs(
        dir.path(),
        "dominant",
        &[
            "--mapping",
            "link_mapping.txt",
            "--prevalence-by",
            "market_experience",
            "--bootstrap",
            "200",
        ],
        &mut failures,
    );
    link_outputs(
        dir.path(),
        "threshold",
        &[
            "--groups",
            "threshold",
            "--threshold",
            "0.4",
            "--draws",
            "5",
            "--h0",
            "0.5",
        ],
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
