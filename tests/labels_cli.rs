//! Topic labels from the command line: refused when they would mislead,
//! bound to their model, carried over a refit only to the matching topic,
//! usable wherever a topic number is, shown by every view, and never lost
//! to concurrent edits.

use crate::util;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use util::{fit_pretokenized, repo_file, topics, Run};

/// Fits the English example answers (K topics, `seed`, one chain: the
/// topic numbers below are those of that chain) to `dir/name`.
fn fit(dir: &Path, name: &str, k: &str, seed: &str) {
    fit_chains(dir, name, k, seed, "1");
}

/// `topics fit` of the English answers, 200 sweeps, with `chains` chains.
fn fit_chains(dir: &Path, name: &str, k: &str, seed: &str, chains: &str) -> Run {
    let answers = repo_file("examples/data/answers_en.txt");
    topics(
        dir,
        &[
            "fit",
            answers.to_str().unwrap(),
            "-k",
            k,
            "--seed",
            seed,
            "--iterations",
            "200",
            "--chains",
            chains,
            "--quotes",
            "0",
            "-o",
            name,
        ],
    )
    .ok()
}

fn labels_file(dir: &Path, model: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("{model}.labels.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn failed(run: &Run, code: i32, stderr: &str) {
    assert_eq!(
        run.code, code,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(run.stderr, stderr);
}

/// Topic 1 of the seed-1 fit is the trust topic (family, trusted, …).
const TRUST: &str = "1";

#[test]
fn ten_concurrent_label_processes_keep_all_ten_labels() {
    let dir = tempfile::tempdir().unwrap();
    fit(dir.path(), "m.json", "10", "1");
    let children: Vec<_> = (0..10)
        .map(|t| {
            Command::new(env!("CARGO_BIN_EXE_topics"))
                .args(["label", "m.json", &t.to_string(), &format!("Label {t}")])
                .current_dir(dir.path())
                .output_async()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let file = labels_file(dir.path(), "m.json");
    let labels = file["labels"].as_object().unwrap();
    assert_eq!(labels.len(), 10, "{file}");
    for t in 0..10 {
        assert_eq!(labels[&t.to_string()], format!("Label {t}"));
    }
}

/// `Command::spawn` with piped output, so the ten run at once.
trait SpawnPiped {
    fn output_async(&mut self) -> std::process::Child;
}

impl SpawnPiped for Command {
    fn output_async(&mut self) -> std::process::Child {
        use std::process::Stdio;
        self.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

#[test]
fn duplicate_empty_and_number_like_labels_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fit(d, "m.json", "3", "1");
    let ok = topics(d, &["label", "m.json", "0", "Trust"]).ok();
    assert_eq!(
        ok.stderr,
        "topics: topic 0 labeled \"Trust\"\ntopics: wrote m.json.labels.json\n"
    );
    let before = labels_file(d, "m.json");
    failed(
        &topics(d, &["label", "m.json", "1", "trust"]),
        8,
        "topics: error: invalid label: \"trust\" already names topic 0 (\"Trust\"); choose another label, or first remove it there with `topics label MODEL 0 --remove`\n",
    );
    failed(
        &topics(d, &["label", "m.json", "1", " "]),
        8,
        "topics: error: invalid label: the label of topic 1 is empty; to remove a label use `topics label MODEL 1 --remove`\n",
    );
    failed(
        &topics(d, &["label", "m.json", "1", "#2"]),
        8,
        "topics: error: invalid label: \"#2\" reads as a topic number; a label must be a name (e.g. \"Trust\")\n",
    );
    assert_eq!(
        labels_file(d, "m.json"),
        before,
        "a refused label writes nothing"
    );
    // Removal, by label.
    let removed = topics(d, &["label", "m.json", "Trust", "--remove"]).ok();
    assert_eq!(
        removed.stderr,
        "topics: label \"Trust\" of topic 0 removed\ntopics: wrote m.json.labels.json\n"
    );
    assert_eq!(labels_file(d, "m.json")["labels"], serde_json::json!({}));
    // Now the name is free for another topic.
    topics(d, &["label", "m.json", "1", "trust"]).ok();
}

#[test]
fn a_label_works_wherever_a_topic_number_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fit(d, "m.json", "3", "1");
    topics(d, &["label", "m.json", TRUST, "Trust"]).ok();
    let csv = topics(
        d,
        &[
            "quotes", "m.json", "--topic", "Trust", "--quotes", "1", "--format", "csv",
        ],
    )
    .ok();
    assert!(
        csv.stdout.lines().nth(1).unwrap().starts_with("1,Trust,1,"),
        "{}",
        csv.stdout
    );
    let words = topics(
        d,
        &["words", "m.json", "--topic", "trust", "--format", "json"],
    )
    .ok();
    let v: Value = serde_json::from_str(&words.stdout).unwrap();
    assert_eq!(v[0]["topic"], 1);
    assert_eq!(v[0]["label"], "Trust");
    // Renaming by the current label.
    let renamed = topics(d, &["label", "m.json", "Trust", "Trust in family"]).ok();
    assert_eq!(
        renamed.stderr,
        "topics: topic 1 labeled \"Trust in family\" (was \"Trust\")\ntopics: wrote m.json.labels.json\n"
    );
    failed(
        &topics(d, &["quotes", "m.json", "--topic", "Trust"]),
        8,
        "topics: error: invalid topic: no topic is labeled \"Trust\"; the model has topics 0 to 2, labeled 1 \"Trust in family\"\n",
    );
    // link --topic takes a label too.
    let data = repo_file("examples/data/conjoint_by_theme.csv");
    let design = repo_file("examples/data/conjoint_by_theme_design.json");
    let link = topics(
        d,
        &[
            "link",
            "--model",
            "m.json",
            "--conjoint",
            data.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--groups",
            "terciles",
            "--topic",
            "Trust in family",
            "--draws",
            "2",
            "--format",
            "json",
        ],
    )
    .ok();
    let v: Value = serde_json::from_str(&link.stdout).unwrap();
    assert_eq!(
        v["summary"]["groups_by"], "terciles of Trust in family's θ",
        "{}",
        link.stdout
    );
}

#[test]
fn every_view_shows_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fit(d, "m.json", "3", "1");
    topics(d, &["label", "m.json", TRUST, "Trust, family"]).ok();
    std::fs::write(
        d.join("new.txt"),
        "my family brought it and I trusted them\n",
    )
    .unwrap();
    let table = topics(d, &["infer", "m.json", "new.txt"]).ok().stdout;
    assert!(
        table.starts_with(
            "id\ttopic_0\tTrust, family\ttopic_2\tdominant\tknown_tokens\tunknown_tokens\n1\t"
        ),
        "{table}"
    );
    assert!(table.contains("\tTrust, family\t"), "{table}");
    let csv = topics(d, &["infer", "m.json", "new.txt", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        csv.starts_with("id,topic_0,\"Trust, family\",topic_2,dominant,"),
        "{csv}"
    );
    let json: Value = serde_json::from_str(
        &topics(d, &["infer", "m.json", "new.txt", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json[0]["dominant"], 1);
    assert_eq!(json[0]["dominant_label"], "Trust, family");
    let show = topics(d, &["show", "m.json", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        show.starts_with("topic,label,rank,word,term,prob\n0,Topic 0,1,"),
        "{show}"
    );
    assert!(
        show.contains("\n1,\"Trust, family\",1,family,famili,"),
        "{show}"
    );
    let summary = topics(d, &["show", "m.json", "--quotes", "1"]).ok().stdout;
    assert!(summary.contains("| #1 Trust, family ("), "{summary}");
    assert!(summary.contains("| #1 Trust, family\n|   ["), "{summary}");
    let shown: Value = serde_json::from_str(
        &topics(d, &["show", "m.json", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(shown["topics"][1]["label"], "Trust, family");
    let words = topics(d, &["words", "m.json", "--words", "2"]).ok().stdout;
    assert!(
        words
            .lines()
            .nth(1)
            .unwrap()
            .contains("  #1 Trust, family  "),
        "{words}"
    );
    let diag = topics(d, &["diagnostics", "m.json", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        diag.lines()
            .nth(2)
            .unwrap()
            .starts_with("1,\"Trust, family\","),
        "{diag}"
    );
    let quotes = topics(d, &["quotes", "m.json", "--topic", "1", "--quotes", "1"])
        .ok()
        .stdout;
    assert!(quotes.starts_with("#1 Trust, family\n"), "{quotes}");
}

#[test]
fn word_names_the_topic_it_weighs_most_in_or_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fit(d, "m.json", "3", "1");
    let run = topics(d, &["label", "m.json", "--word", "Family", "Trust"]).ok();
    assert_eq!(
        run.stderr,
        "topics: \"Family\" (term \"famili\") weighs most in topic 1: 100% of its 59 tokens; next: topic 0 with 0%\n\
         topics: topic 1 labeled \"Trust\"\ntopics: wrote m.json.labels.json\n"
    );
    let before = labels_file(d, "m.json");
    failed(
        &topics(d, &["label", "m.json", "--word", "watched", "Watching"]),
        8,
        "topics: error: invalid word: \"watched\" is ambiguous: its 80 tokens are split topic 2 51%, topic 1 35%, topic 0 14%; a word names a topic only when its leading topic holds at least 2 times the share of the next; label it by number instead (topics label MODEL 2 \"…\")\n",
    );
    failed(
        &topics(d, &["label", "m.json", "--word", "zzz", "Z"]),
        8,
        "topics: error: invalid word: \"zzz\" (term \"zzz\") is not in the model's vocabulary; `topics words MODEL` lists the topics' words\n",
    );
    failed(
        &topics(d, &["label", "m.json", "--word", "the", "Z"]),
        8,
        "topics: error: invalid word: \"the\" leaves no word after the model's preprocessing (a stopword?); see `topics tokenize`\n",
    );
    assert_eq!(labels_file(d, "m.json"), before);
}

#[test]
fn labels_made_for_another_model_are_refused_and_old_files_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fit(d, "a.json", "3", "1");
    fit(d, "b.json", "3", "2");
    topics(d, &["label", "a.json", "1", "Curiosity"]).ok();
    let file = labels_file(d, "a.json");
    let checksum = file["model_checksum"].as_str().unwrap().to_string();
    assert_eq!(checksum.len(), 64);
    std::fs::copy(d.join("a.json.labels.json"), d.join("b.json.labels.json")).unwrap();
    let run = topics(d, &["show", "b.json"]);
    assert_eq!(run.code, 40, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "topics: error: b.json.labels.json: these labels were made for another model (checksum {}…; b.json has ",
            &checksum[..12]
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Label the topics anew after moving this file away"),
        "{}",
        run.stderr
    );
    // A file from before checksums were kept: accepted when K matches,
    // and bound to the model on the next edit.
    std::fs::write(
        d.join("b.json.labels.json"),
        "{\"format\": \"topics-labels\", \"k\": 3, \"labels\": {\"1\": \"Old\"}}",
    )
    .unwrap();
    let shown = topics(d, &["show", "b.json", "--quotes", "0"]).ok().stdout;
    assert!(shown.contains("| #1 Old ("), "{shown}");
    topics(d, &["label", "b.json", "0", "New"]).ok();
    let file = labels_file(d, "b.json");
    assert_eq!(file["labels"], serde_json::json!({"0": "New", "1": "Old"}));
    assert_ne!(file["model_checksum"].as_str().unwrap(), checksum);
}

#[test]
fn a_refit_carries_each_label_to_its_matching_topic_or_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Both fits with the default chains: a short single chain can leave a
    // topic half-formed, and then no label has a clear match to carry.
    fit_chains(d, "r.json", "3", "1", "auto");
    topics(d, &["label", "r.json", "--word", "family", "Trust"]).ok();
    topics(d, &["label", "r.json", "--word", "dramas", "Curiosity"]).ok();
    let run = fit_chains(d, "r.json", "3", "3", "auto");
    let moves: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("label \""))
        .collect();
    assert_eq!(moves.len(), 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("topics: wrote r.json\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("topics: wrote r.json.labels.json\n"),
        "{}",
        run.stderr
    );
    // Each label now sits where its word weighs most in the new fit.
    for (word, label) in [("family", "Trust"), ("dramas", "Curiosity")] {
        let out = topics(
            d,
            &[
                "words", "r.json", "--topic", label, "--words", "3", "--format", "json",
            ],
        )
        .ok();
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        let top: Vec<&str> = v[0]["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["word"].as_str().unwrap())
            .collect();
        assert!(top.contains(&word), "{label}: {top:?}");
        let line = moves
            .iter()
            .find(|l| l.contains(&format!("\"{label}\"")))
            .unwrap();
        let to = v[0]["topic"].as_u64().unwrap();
        assert!(
            line.contains(&format!(" -> topic {to}, similarity 0.9")),
            "{line}"
        );
    }
    // Over a model of other answers nothing matches: the labels are
    // dropped, each named, never left on another topic.
    std::fs::write(
        d.join("other.txt"),
        "apple pear apple\npear plum\nplum apple\nrock stone\nstone sand\nsand rock\n",
    )
    .unwrap();
    let run = fit_pretokenized(
        d,
        "other.txt",
        3,
        &["--iterations", "50", "--quotes", "0", "-o", "r.json"],
    )
    .ok();
    let dropped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("dropped"))
        .collect();
    assert_eq!(dropped.len(), 2, "{}", run.stderr);
    for line in &dropped {
        assert!(
            line.contains("matches no new topic well (best: topic ")
                && line.ends_with("similarity 0.00 < 0.8)"),
            "{line}"
        );
    }
    assert_eq!(labels_file(d, "r.json")["labels"], serde_json::json!({}));
    topics(d, &["show", "r.json"]).ok();

    // Labels beside no model (it was deleted): nothing to match them
    // against, so they are dropped, each named.
    std::fs::copy(
        d.join("r.json.labels.json"),
        d.join("gone.json.labels.json"),
    )
    .unwrap();
    topics(d, &["label", "r.json", "0", "Zero"]).ok();
    std::fs::copy(
        d.join("r.json.labels.json"),
        d.join("gone.json.labels.json"),
    )
    .unwrap();
    let run = fit_pretokenized(
        d,
        "other.txt",
        3,
        &["--iterations", "40", "--quotes", "0", "-o", "gone.json"],
    )
    .ok();
    assert!(
        run.stderr.contains(
            "topics: label \"Zero\" dropped: its topic 0 could not be matched to the new topics (gone.json: no such file)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(labels_file(d, "gone.json")["labels"], serde_json::json!({}));
}
