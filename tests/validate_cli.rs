//! `topics validate`: topics against hand codes, on the tiny model whose
//! topics are the three word groups by construction (answer `i` is group
//! `(i − 1) mod 3`), with codes that are right but for one wrong code, one
//! uncoded answer and one id the model does not hold.

use crate::util;

use std::path::Path;

use util::{saved_model, topics};

/// The codes a person would give the tiny model's answers, by group.
const NAMES: [&str; 3] = ["trust", "cost", "jobs"];

/// `id,code` for answers 1–60: answer 1 miscoded, answer 2 `NA`, and a row
/// for an id (999) that is no answer.
fn write_codes(dir: &Path) {
    let mut csv = String::from("id,code\n");
    for id in 1..=60 {
        let code = match id {
            1 => "jobs",
            2 => "NA",
            _ => NAMES[(id - 1) % 3],
        };
        csv += &format!("{id},{code}\n");
    }
    csv += "999,cost\n";
    std::fs::write(dir.join("codes.csv"), csv).unwrap();
}

fn prepared() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    saved_model(dir.path());
    write_codes(dir.path());
    dir
}

#[test]
fn agreement_counts_every_coded_answer_once() {
    let dir = prepared();
    let out = topics(dir.path(), &["validate", "model.json", "codes.csv"])
        .ok()
        .stdout;
    // 59 answers fitted and coded (answer 2 is NA), all but answer 1 on
    // their group's code.
    assert!(
        out.contains("the dominant topic agrees with the code for 58 of 59 answers (98.3%)"),
        "{out}"
    );
    assert!(
        out.contains("codes: codes.csv, column code (3 codes)"),
        "{out}"
    );
    assert!(
        out.contains(
            "coded but not answers of the model (blank answers and non-answers such as “don’t know” \
             are left out of a fit): 999"
        ),
        "{out}"
    );
    assert!(
        out.contains("fitted answers without a code, left out: 1"),
        "{out}"
    );
}

#[test]
fn each_topic_is_matched_to_its_groups_code() {
    let dir = prepared();
    let json = topics(
        dir.path(),
        &["validate", "model.json", "codes.csv", "--format", "json"],
    )
    .ok()
    .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["codes"], serde_json::json!(["cost", "jobs", "trust"]));
    assert_eq!(
        (v["answers"].as_u64(), v["agreeing"].as_u64()),
        (Some(59), Some(58))
    );
    let model = topics::lda::LdaModel::load(&dir.path().join("model.json")).unwrap();
    for row in v["topics"].as_array().unwrap() {
        let t = row["topic"].as_u64().unwrap() as usize;
        let group = util::group_of(&model, t);
        assert_eq!(row["matched_code"], NAMES[group], "topic {t}");
    }
    let kappa = v["kappa"].as_f64().unwrap();
    let (agreement, chance) = (
        v["agreement"].as_f64().unwrap(),
        v["chance"].as_f64().unwrap(),
    );
    assert!((kappa - (agreement - chance) / (1.0 - chance)).abs() < 1e-12);
    assert_eq!(v["not_in_model"], serde_json::json!(["999"]));
}

#[test]
fn csv_has_a_column_per_code() {
    let dir = prepared();
    let csv = topics(
        dir.path(),
        &["validate", "model.json", "codes.csv", "--format", "csv"],
    )
    .ok()
    .stdout;
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "topic,label,answers,code_cost,code_jobs,code_trust,matched_code,agreeing,precision,recall"
    );
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn bad_codes_files_are_refused_with_the_file_named() {
    let dir = prepared();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("empty_codes.csv", "id,code\n1,NA\n2,\n");
    write("twice.csv", "id,code\n1,trust\n1,jobs\n");
    let run = |codes: &str, extra: &[&str]| {
        let mut args = vec!["validate", "model.json", codes];
        args.extend(extra);
        topics(dir.path(), &args)
    };
    let empty = run("empty_codes.csv", &[]);
    assert_eq!(empty.code, 43);
    assert!(
        empty
            .stderr
            .contains("empty_codes.csv: no answer has a code in this column"),
        "{}",
        empty.stderr
    );
    let missing = run("codes.csv", &["--code-column", "theme"]);
    assert_eq!(missing.code, 6);
    assert!(
        missing
            .stderr
            .contains("codes.csv: column 'theme' not found; the header has: id, code"),
        "{}",
        missing.stderr
    );
    let twice = run("twice.csv", &[]);
    assert_eq!(twice.code, 51);
    assert!(
        twice.stderr.contains(
            "twice.csv: line 3: column 'code' is 'jobs' for answer '1', but 'trust' on an earlier row; \
             it must be the same on every row of answer '1'"
        ),
        "{}",
        twice.stderr
    );
}

#[test]
fn the_miscoded_answer_is_the_one_disagreement_listed() {
    let dir = prepared();
    let out = topics(dir.path(), &["validate", "model.json", "codes.csv"])
        .ok()
        .stdout;
    let model = topics::lda::LdaModel::load(&dir.path().join("model.json")).unwrap();
    let text = &model.documents()[0].text;
    let list = out
        .split("the one disagreeing answer:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no disagreement list: {out}"));
    // Header, rule, answer 1 (coded jobs, its topic matched to trust).
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 3, "{list}");
    let cells: Vec<&str> = rows[2].split_whitespace().collect();
    assert_eq!(&cells[..2], &["1", "jobs"], "{list}");
    assert!(rows[2].contains(" trust "), "{list}");
    assert!(rows[2].ends_with(text.as_str()), "{list}");
    // Every coded answer is in one band of the share table.
    let bands = out
        .split("agreement by how clearly the model calls an answer")
        .nth(1)
        .unwrap();
    let counted: usize = bands
        .lines()
        .skip(3)
        .take(3)
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells[cells.len() - 3].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(counted, 59, "{bands}");
    let none = topics(
        dir.path(),
        &[
            "validate",
            "model.json",
            "codes.csv",
            "--disagreements",
            "0",
        ],
    )
    .ok()
    .stdout;
    assert!(!none.contains("disagreeing answer"), "{none}");
}

#[test]
fn answers_csv_has_a_row_per_coded_answer() {
    let dir = prepared();
    let csv = topics(
        dir.path(),
        &[
            "validate",
            "model.json",
            "codes.csv",
            "--answers",
            "--format",
            "csv",
        ],
    )
    .ok()
    .stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,code,topic,label,topic_code,share,agrees,text")
    );
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 59);
    let disagreeing: Vec<&str> = rows
        .iter()
        .filter(|r| r[6] == "false")
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(disagreeing, vec!["1"]);
    // The table of the same rows says "no" for answer 1 alone.
    let table = topics(
        dir.path(),
        &["validate", "model.json", "codes.csv", "--answers"],
    )
    .ok()
    .stdout;
    let header = table.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["id", "code", "dominant", "topic", "its", "code", "share", "agrees", "answer"]
    );
    let no: Vec<&str> = table
        .lines()
        .skip(2)
        .filter(|l| l.contains("  no  "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!((table.lines().count(), no), (61, vec!["1"]));
    // Each row's share is θ of its dominant topic in the model.
    let model = topics::lda::LdaModel::load(&dir.path().join("model.json")).unwrap();
    for r in &rows {
        let doc = model.documents().iter().position(|d| d.id == r[0]).unwrap();
        let theta = model.theta(doc);
        let topic: usize = r[2].parse().unwrap();
        assert_eq!(
            topic,
            topics::lda::dominant_topic(&theta),
            "answer {}",
            r[0]
        );
        assert_eq!(
            r[5].parse::<f64>().unwrap(),
            theta[topic],
            "answer {}",
            r[0]
        );
    }
}

/// The validation a report shows: `topics validate --format json -o`.
fn validation_json(dir: &Path) {
    topics(
        dir,
        &[
            "validate",
            "model.json",
            "codes.csv",
            "--format",
            "json",
            "-o",
            "validation.json",
        ],
    )
    .ok();
}

#[test]
fn the_report_shows_the_validation_it_is_given() {
    let dir = prepared();
    validation_json(dir.path());
    topics(
        dir.path(),
        &[
            "report",
            "model.json",
            "--validation",
            "validation.json",
            "-o",
            "report.html",
        ],
    )
    .ok();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let section = html
        .split("<section id=\"validation\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap();
    assert!(
        section
            .contains("agrees with the code for <strong>58 of 59 coded answers (98.3%)</strong>"),
        "{section}"
    );
    // One matched cell per topic, and the miscoded answer as the one
    // disagreement, with no fold for more.
    assert_eq!(section.matches("class=\"num matched\"").count(), 3);
    assert_eq!(section.matches("<tr data-id=").count(), 1, "{section}");
    assert!(
        section.contains("<tr data-id=\"1\"><td>1</td><td>jobs</td>"),
        "{section}"
    );
    assert!(!section.contains("validation-more"));
    assert!(
        section.contains(
            "1 coded id is not an answer of the model (blank answers and non-answers such as “don’t know” \
             are left out of a fit): 999."
        ),
        "{section}"
    );
    assert!(section.contains("download=\"validation_answers.csv\""));
    // A validation of a model with another K is named, not shown.
    let mut other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("validation.json")).unwrap())
            .unwrap();
    other["topics"].as_array_mut().unwrap().pop();
    std::fs::write(dir.path().join("other.json"), other.to_string()).unwrap();
    topics(
        dir.path(),
        &[
            "report",
            "model.json",
            "--validation",
            "other.json",
            "-o",
            "other.html",
        ],
    )
    .ok();
    let html = std::fs::read_to_string(dir.path().join("other.html")).unwrap();
    assert!(html.contains(
        "These codes were checked against a 2-topic model; this report shows 3 topics, \
         so the validation is of another model and is not shown."
    ));
    assert!(!html.contains("validation-lede"));
    // Without a validation, the section says how to make one.
    topics(dir.path(), &["report", "model.json", "-o", "plain.html"]).ok();
    let plain = std::fs::read_to_string(dir.path().join("plain.html")).unwrap();
    assert!(plain.contains("No hand codes were given."));
}

#[test]
fn a_report_refuses_another_kind_of_file_as_validation() {
    let dir = prepared();
    validation_json(dir.path());
    let wrong = topics(
        dir.path(),
        &[
            "report",
            "model.json",
            "--validation",
            "model.json",
            "-o",
            "report.html",
        ],
    );
    assert_eq!(wrong.code, 41);
    assert!(
        wrong
            .stderr
            .contains("model.json: expected a `topics validate --format json` result"),
        "{}",
        wrong.stderr
    );
    let swapped = topics(
        dir.path(),
        &[
            "report",
            "model.json",
            "--link",
            "validation.json",
            "-o",
            "report.html",
        ],
    );
    assert_eq!(swapped.code, 41);
    assert!(
        swapped
            .stderr
            .contains("this file looks like a `topics validate --format json` result"),
        "{}",
        swapped.stderr
    );
    assert!(!dir.path().join("report.html").exists());
}

/// A codes file read once: from a pipe (`<(…)`, which cannot be read
/// twice) the agreement is the same as from the file.
#[test]
fn codes_from_a_pipe_read_as_from_the_file() {
    let dir = prepared();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' validate model.json <(cat codes.csv)",
            env!("CARGO_BIN_EXE_topics")
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("the dominant topic agrees with the code for 58 of 59 answers (98.3%)"),
        "{stdout}"
    );
}
