//! One vocabulary of flags: the same name and default for the same thing
//! in every command, old spellings still accepted, every written file
//! announced.

use crate::util;

use util::{example_dir, topics};

const CONJOINT: [&str; 4] = [
    "examples/data/conjoint.csv",
    "--design",
    "examples/data/conjoint_design.json",
    "--outcome",
];

fn conjoint(dir: &std::path::Path, extra: &[&str]) -> util::Run {
    let mut args = vec!["conjoint"];
    args.extend(CONJOINT);
    args.push("chosen");
    args.extend(extra);
    topics(dir, &args)
}

#[test]
fn interval_level_and_its_old_spelling_give_the_same_numbers() {
    let dir = example_dir();
    let d = dir.path();
    let default = conjoint(d, &["--format", "csv"]).ok().stdout;
    assert_eq!(
        conjoint(d, &["--format", "csv", "--level", "0.95"])
            .ok()
            .stdout,
        default
    );
    assert_eq!(
        conjoint(d, &["--format", "csv", "--alpha", "0.05"])
            .ok()
            .stdout,
        default
    );
    let ninety = conjoint(d, &["--format", "csv", "--level", "0.9"])
        .ok()
        .stdout;
    assert_ne!(ninety, default);
    assert_eq!(
        conjoint(d, &["--format", "csv", "--alpha", "0.1"])
            .ok()
            .stdout,
        ninety
    );
    let run = conjoint(d, &["--level", "95"]);
    assert_eq!(run.code, 8);
    assert_eq!(
        run.stderr,
        "topics: error: invalid --level: 95 is not between 0 and 1 (e.g. 0.95 for 95% intervals)\n"
    );
    assert_eq!(conjoint(d, &["--level", "0.9", "--alpha", "0.1"]).code, 2);
    let help = topics(d, &["conjoint", "--help"]).ok().stdout;
    assert!(
        help.contains("--level <LEVEL>") && !help.contains("--alpha"),
        "{help}"
    );
}

#[test]
fn every_written_file_is_announced_in_one_wording() {
    let dir = example_dir();
    let d = dir.path();
    let run = conjoint(
        d,
        &["--format", "json", "-o", "amce.json", "--plot", "amce.svg"],
    )
    .ok();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .ends_with("topics: wrote amce.svg\ntopics: wrote amce.json\n"),
        "{}",
        run.stderr
    );
    let fit = topics(
        d,
        &[
            "fit",
            "examples/data/answers_en.txt",
            "-k",
            "3",
            "--iterations",
            "100",
            "-o",
            "m.json",
        ],
    )
    .ok();
    assert!(
        fit.stderr.ends_with("topics: wrote m.json\n"),
        "{}",
        fit.stderr
    );
    // `topics link` on the bundled study, two θ draws, JSON.
    let link_args = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut args = vec![
            "link",
            "--model",
            "m.json",
            "--conjoint",
            "examples/data/conjoint_by_theme.csv",
            "--design",
            "examples/data/conjoint_by_theme_design.json",
            "--draws",
            "2",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        args
    };
    let link = topics(
        d,
        &link_args(&[
            "-o",
            "link.json",
            "--plot",
            "link.svg",
            "--csv-dir",
            "tables",
        ]),
    )
    .ok();
    assert_eq!(link.stdout, "");
    let wrote: Vec<&str> = link
        .stderr
        .lines()
        .filter(|l| l.starts_with("topics: wrote "))
        .collect();
    assert_eq!(wrote.first(), Some(&"topics: wrote link.svg"));
    assert_eq!(wrote.last(), Some(&"topics: wrote link.json"));
    assert!(
        wrote.len() > 3
            && wrote[1..wrote.len() - 1]
                .iter()
                .all(|l| l.starts_with("topics: wrote tables/")),
        "{wrote:?}"
    );
    let link_words =
        |flag: &'static str, n: &'static str| topics(d, &link_args(&[flag, n])).ok().stdout;
    let five = link_words("--match-words", "5");
    assert_eq!(five, link_words("--top-words", "5"));
    assert_ne!(
        five,
        link_words("--match-words", "20"),
        "the flag changes the words searched"
    );
    for (old, new) in [
        ("--conjoint", "--conjoint-results"),
        ("--link", "--link-results"),
    ] {
        let file = if old == "--link" {
            "link.json"
        } else {
            "amce.json"
        };
        for flag in [old, new] {
            let run = topics(d, &["report", "m.json", flag, file, "-o", "r.html"]).ok();
            assert_eq!(run.stderr, "topics: wrote r.html\n");
        }
    }
    let run = topics(
        d,
        &[
            "select-k",
            "examples/data/answers_en.txt",
            "-k",
            "2",
            "--seeds",
            "1",
            "--iterations",
            "20",
            "--plot",
            "k.svg",
        ],
    )
    .ok();
    assert!(
        run.stderr.ends_with("topics: wrote k.svg\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn fit_says_when_nothing_is_saved_and_offers_only_its_formats() {
    let dir = example_dir();
    let d = dir.path();
    let run = topics(
        d,
        &[
            "fit",
            "examples/data/answers_en.txt",
            "-k",
            "2",
            "--iterations",
            "20",
        ],
    )
    .ok();
    assert!(
        run.stderr.ends_with(
            "topics: the model was not saved; add -o model.json to keep it for show, words, quotes, label, link and report\n"
        ),
        "{}",
        run.stderr
    );
    let run = topics(
        d,
        &["fit", "examples/data/answers_en.txt", "--format", "csv"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid value 'csv' for '--format <FORMAT>'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[possible values: table, json]"),
        "{}",
        run.stderr
    );
}

#[test]
fn counts_have_one_name_and_one_default_and_old_spellings_work() {
    let dir = example_dir();
    let d = dir.path();
    topics(
        d,
        &[
            "fit",
            "examples/data/answers_en.txt",
            "-k",
            "3",
            "--iterations",
            "100",
            "-o",
            "m.json",
        ],
    )
    .ok();
    let words = |args: &[&str]| {
        let mut all = vec!["words", "m.json", "--format", "csv"];
        all.extend(args);
        topics(d, &all).ok().stdout
    };
    let default = words(&[]);
    assert_eq!(
        default.lines().count(),
        1 + 3 * 10,
        "10 words per topic by default"
    );
    assert_eq!(words(&["--words", "3"]), words(&["-n", "3"]));
    assert_eq!(words(&["--words", "3"]), words(&["--top", "3"]));
    let quotes = |args: &[&str]| {
        let mut all = vec!["quotes", "m.json", "--format", "json"];
        all.extend(args);
        let v: serde_json::Value = serde_json::from_str(&topics(d, &all).ok().stdout).unwrap();
        v[0]["quotes"].as_array().unwrap().len()
    };
    assert_eq!(quotes(&[]), 5, "5 quotes per topic by default");
    assert_eq!(quotes(&["--quotes", "2"]), 2);
    assert_eq!(quotes(&["-n", "2"]), 2);
    let show: serde_json::Value = serde_json::from_str(
        &topics(d, &["show", "m.json", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(show["topics"][0]["words"].as_array().unwrap().len(), 10);
    assert_eq!(show["topics"][0]["quotes"].as_array().unwrap().len(), 5);
    let diag = topics(d, &["diagnostics", "m.json", "--words", "5"])
        .ok()
        .stdout;
    assert_eq!(
        diag,
        topics(d, &["diagnostics", "m.json", "-n", "5"]).ok().stdout
    );
    assert!(
        diag.starts_with("coherence and exclusivity over the top 5 words"),
        "{diag}"
    );
}
