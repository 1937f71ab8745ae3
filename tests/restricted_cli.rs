//! `--randomization` end to end: restricted designs refused without it
//! (naming it), estimated with it by `topics conjoint` and `topics link`,
//! the weighting stated in the table and the JSON, and bad randomization
//! files named with what is wrong.

use std::path::{Path, PathBuf};

use serde_json::Value;
use topics::conjoint::restricted_sim;

use crate::util::{self, repo_file, topics};

fn immigration() -> (String, String) {
    let csv = repo_file("tests/data/conjoint/cregg_immigration_coded.csv");
    let design = repo_file("tests/data/conjoint/cregg_immigration_coded.json");
    (
        csv.to_str().unwrap().into(),
        design.to_str().unwrap().into(),
    )
}

fn coded_randomization() -> String {
    repo_file("tests/data/conjoint/cregg_immigration_coded_randomization.json")
        .to_str()
        .unwrap()
        .into()
}

fn conjoint(dir: &Path, extra: &[&str]) -> util::Run {
    let (csv, design) = immigration();
    let mut args = vec!["conjoint", csv.as_str(), "--design", design.as_str()];
    args.extend_from_slice(extra);
    topics(dir, &args)
}

#[test]
fn restricted_design_is_refused_and_the_message_names_randomization() {
    let dir = tempfile::tempdir().unwrap();
    let run = conjoint(dir.path(), &[]);
    assert_eq!(run.code, 35, "{}", run.stderr);
    assert!(
        run.stderr.contains("the design looks restricted: 22 pair(s) of levels never appear together (Education × Job, CountryOfOrigin × ReasonForApplication)")
            && run.stderr.contains("pass --randomization FILE (the design's joint probabilities, as cjoint) or --randomization uniform"),
        "{}",
        run.stderr
    );
}

#[test]
fn uniform_weighting_is_stated_in_the_table_and_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let table = conjoint(dir.path(), &["--randomization", "uniform"]).ok();
    assert!(table.stdout.starts_with(
        "ChosenImmigrant · amce · 95% CI · respondent-clustered SE\nweighting: uniform over the level combinations the data show (cregg)\n"
    ), "{}", table.stdout);
    let json = conjoint(
        dir.path(),
        &["--randomization", "uniform", "--format", "json"],
    )
    .ok();
    let rows: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows.len(), 50);
    assert!(rows.iter().all(|r| r["weighting"] == "uniform"));
    let mm = conjoint(
        dir.path(),
        &[
            "--randomization",
            "uniform",
            "--estimate",
            "mm",
            "--format",
            "json",
        ],
    )
    .ok();
    let rows: Vec<Value> = serde_json::from_str(&mm.stdout).unwrap();
    assert!(rows.iter().all(|r| r["weighting"] == "plain_means"));
}

#[test]
fn a_randomization_file_is_named_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = coded_randomization();
    let json = conjoint(
        dir.path(),
        &[
            "--randomization",
            &file,
            "--se",
            "cjoint",
            "--format",
            "json",
        ],
    )
    .ok();
    let rows: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let want = format!("randomization:{file}");
    assert!(rows.iter().all(|r| r["weighting"] == want.as_str()));
    let table = conjoint(dir.path(), &["--randomization", &file]).ok();
    assert!(table.stdout.contains(&format!(
        "weighting: the design's randomization probabilities in {file} (cjoint)\n"
    )));
}

#[test]
fn contradictory_or_unsupported_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = conjoint(
        dir.path(),
        &["--randomization", "uniform", "--unrestricted"],
    );
    assert_eq!(run.code, 37);
    assert!(run
        .stderr
        .contains("--randomization and --unrestricted contradict each other"));
    let run = conjoint(
        dir.path(),
        &[
            "--randomization",
            "uniform",
            "--estimate",
            "predict",
            "--profile",
            "most",
        ],
    );
    assert_eq!(run.code, 35);
    assert!(
        run.stderr
            .contains("--estimate predict is not available for restricted designs"),
        "{}",
        run.stderr
    );
    let run = conjoint(dir.path(), &["--randomization", "design"]);
    assert_eq!(run.code, 37);
    assert!(run
        .stderr
        .contains("the design file has no 'randomization' member"));
}

/// A tiny restricted experiment: a × b with (a=y, b=q) never shown.
fn tiny(dir: &Path, randomization: &str) -> (PathBuf, PathBuf, PathBuf) {
    let csv = dir.join("d.csv");
    let mut text = String::from("id,a,b,y\n");
    for r in 0..40 {
        for (i, (a, b)) in [("x", "p"), ("x", "q"), ("y", "p"), ("x", "p")]
            .iter()
            .enumerate()
        {
            text.push_str(&format!("{r},{a},{b},{}\n", (r + i) % 2));
        }
    }
    std::fs::write(&csv, text).unwrap();
    let design = dir.join("design.json");
    std::fs::write(
        &design,
        format!(
            r#"{{"roles": {{"respondent_id": "id", "attributes": ["a", "b"], "outcomes": ["y"]}}, "randomization": {randomization}}}"#
        ),
    )
    .unwrap();
    let file = dir.join("randomization.json");
    std::fs::write(&file, randomization).unwrap();
    (csv, design, file)
}

#[test]
fn bad_randomization_files_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let table = |prob: &str| {
        format!(
            r#"{{"ab": {{"rows": "a", "cols": "b", "row_levels": ["x", "y"], "col_levels": ["p", "q"], "prob": {prob}}}}}"#
        )
    };
    let run_with = |randomization: &str, flag: &str| {
        let (csv, design, file) = tiny(dir.path(), randomization);
        let file = file.to_str().unwrap().to_string();
        let value = if flag == "file" {
            file
        } else {
            flag.to_string()
        };
        topics(
            dir.path(),
            &[
                "conjoint",
                csv.to_str().unwrap(),
                "--design",
                design.to_str().unwrap(),
                "--randomization",
                &value,
                "--format",
                "csv",
            ],
        )
    };
    // The design's own randomization, and the same as a file.
    let good = table("[[0.5, 0.25], [0.25, 0]]");
    let own = run_with(&good, "design").ok();
    let from_file = run_with(&good, "file").ok();
    assert_eq!(own.stdout, from_file.stdout);
    let run = run_with(&table("[[0.5, 0.25], [0.25, 0.25]]"), "file");
    assert_eq!(run.code, 34);
    assert!(
        run.stderr
            .contains("the joint table of a × b sums to 1.25, not 1"),
        "{}",
        run.stderr
    );
    let run = run_with(&table("[[0.5, 0], [0.5, 0]]"), "file");
    assert_eq!(run.code, 34);
    assert!(
        run.stderr
            .contains("gives a='x' with b='q' probability 0, but")
            && run.stderr.contains("d.csv line 3 shows that combination"),
        "{}",
        run.stderr
    );
    let run = run_with(&table("[[0.5, 0.25]]"), "file");
    assert_eq!(run.code, 34);
    assert!(
        run.stderr
            .contains("joint table 'ab': 'prob' must be 2 rows of 2 probabilities"),
        "{}",
        run.stderr
    );
    let run = run_with("[1, 2]", "file");
    assert_eq!(run.code, 34);
    assert!(run.stderr.contains("a randomization must be a JSON object"));
}

/// `topics link` estimates a restricted design's AMCEs by topic group with
/// the same weighting, says so, and refuses the design without it.
#[test]
fn link_takes_the_randomization_too() {
    let dir = tempfile::tempdir().unwrap();
    let model = util::saved_model(dir.path());
    let csv = dir.path().join("restricted.csv");
    // Respondent ids 0..199, enough rows for the restriction to show; the
    // tiny model's answers are "1".."60", so 59 respondents join.
    std::fs::write(&csv, restricted_sim::csv(200, 5, 3)).unwrap();
    let design = dir.path().join("design.json");
    let spec = restricted_sim::spec();
    std::fs::write(
        &design,
        serde_json::json!({
            "roles": {"respondent_id": "id", "attributes": spec.features, "outcomes": ["chosen"]},
            "levels": spec.levels,
            "randomization": restricted_sim::randomization(),
        })
        .to_string(),
    )
    .unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "link",
            "--model",
            model.to_str().unwrap(),
            "--conjoint",
            csv.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        topics(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let refused = run(&[]);
    assert_eq!(refused.code, 35, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--randomization"),
        "{}",
        refused.stderr
    );
    let table = run(&["--randomization", "uniform"]).ok();
    assert!(
        table.stdout.contains("restricted design: AMCE weighting: uniform over the level combinations the data show (cregg); marginal means are plain means"),
        "{}",
        table.stdout
    );
    let json = run(&["--randomization", "design", "--format", "json"]).ok();
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let key = format!("randomization:{}", design.display());
    assert_eq!(v["summary"]["weighting"], key.as_str());
    let amce: Vec<&Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["statistic"] == "amce")
        .collect();
    assert!(!amce.is_empty());
    assert!(amce.iter().all(|r| r["weighting"] == key.as_str()));
}

/// On a design with no restricted pair, `uniform` is the plain AMCE: the
/// same output as without the flag, no weighting stated.
#[test]
fn uniform_on_an_unrestricted_design_is_the_plain_amce() {
    let dir = tempfile::tempdir().unwrap();
    let csv = repo_file("examples/data/conjoint.csv");
    let design = repo_file("examples/data/conjoint_design.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "conjoint",
            csv.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        topics(dir.path(), &args).ok().stdout
    };
    let plain = run(&[]);
    assert_eq!(run(&["--randomization", "uniform"]), plain);
    assert!(!plain.contains("weighting"));
}
