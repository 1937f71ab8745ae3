//! `topics conjoint` end to end: output shapes, files, and the errors an
//! analyst meets (each names the column, level or line, with its own exit
//! code).

use std::process::Output;

use serde_json::Value;

use crate::util;
use crate::util::{output as topics, repo_file as here};

fn example_args<'a>(design: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut v = vec![
        "conjoint".to_string(),
        here("examples/data/conjoint.csv").display().to_string(),
        "--design".to_string(),
        here(design).display().to_string(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn run_ok(args: &[String]) -> (String, String) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = topics(&refs);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "topics {args:?} failed: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn keys(row: &Value) -> Vec<String> {
    let mut k: Vec<String> = row.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn json_rows_have_the_documented_keys() {
    let args = example_args(
        "examples/data/conjoint_design.json",
        &["--outcome", "chosen", "--format", "json"],
    );
    let (out, _) = run_ok(&args);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 26);
    assert_eq!(
        keys(&rows[0]),
        [
            "estimate",
            "feature",
            "feature_label",
            "level",
            "lower",
            "outcome",
            "outcome_type",
            "p",
            "statistic",
            "std_error",
            "upper",
            "z"
        ]
    );
    // Added for readers of the file (the report): the design's label, the
    // kind of outcome, and the null each test used (none for a reference).
    assert_eq!(rows[0]["feature_label"], "Provider");
    assert_eq!(rows[0]["outcome_type"], "forced_choice");
    assert!(rows[0].get("h0").is_none());
    assert_eq!(rows[1]["h0"], 0.0);
    assert_eq!(rows[0]["statistic"], "amce");
    assert_eq!(rows[0]["level"], "Stranger");
    assert_eq!(rows[0]["estimate"], 0.0);
    assert!(rows[0]["std_error"].is_null());
    assert!(rows[1]["std_error"].as_f64().unwrap() > 0.0);
}

#[test]
fn mm_diffs_are_labelled_group_minus_reference() {
    let args = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "chosen",
            "--estimate",
            "mm-diffs",
            "--by",
            "age_group",
            "--format",
            "json",
        ],
    );
    let (out, _) = run_ok(&args);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 2 * 26);
    assert_eq!(rows[0]["BY"], "40-59 - 20-39");
    assert_eq!(rows[26]["BY"], "60+ - 20-39");
    assert_eq!(rows[0]["statistic"], "mm_difference");
    assert!(keys(&rows[0]).contains(&"BY".to_string()));
}

#[test]
fn anova_reports_both_tests() {
    let args = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "chosen",
            "--estimate",
            "anova",
            "--by",
            "gender",
            "--format",
            "json",
        ],
    );
    let (out, _) = run_ok(&args);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(
        keys(&rows[0]),
        [
            "BY",
            "F",
            "df1",
            "df2",
            "outcome",
            "p",
            "wald_chi2",
            "wald_df",
            "wald_p"
        ]
    );
    assert_eq!(rows[0]["df1"], 20);
    let table = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "chosen",
            "--estimate",
            "anova",
            "--by",
            "gender",
        ],
    );
    let (out, _) = run_ok(&table);
    assert!(
        out.contains("F test (cregg's nested models, NOT clustered)"),
        "{out}"
    );
    assert!(out.contains("Wald test (respondent-clustered)"), "{out}");
}

#[test]
fn several_outcomes_csv_and_missing_counts() {
    let args = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "share_stranger,share_neighbor,share_friend,share_family",
            "--format",
            "csv",
        ],
    );
    let (out, err) = run_ok(&args);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "outcome,statistic,feature,level,estimate,std_error,z,p,lower,upper"
    );
    assert_eq!(out.lines().count(), 1 + 4 * 26);
    assert!(out.contains("\nshare_family,amce,provider,Family,"));
    assert!(
        err.contains(
            "note: outcome 'share_friend': 3130 of 6260 rows have no value and are left out"
        ),
        "{err}"
    );
}

#[test]
fn output_file_and_korean_plot() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("amce.svg");
    let json = dir.path().join("amce.json");
    let args = example_args(
        "examples/data/conjoint_design_ko.json",
        &[
            "--outcome",
            "chosen",
            "--estimate",
            "mm",
            "--h0",
            "0.5",
            "--format",
            "json",
            "-o",
            json.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
        ],
    );
    let (out, _) = run_ok(&args);
    assert!(out.is_empty());
    let rows: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(rows[0]["statistic"], "mm");
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.contains(">제공자</text>") && svg.contains(">콘텐츠 주제</text>"),
        "Korean feature labels"
    );
    assert!(svg.contains(">South Korean</text>"));
    // The null line of marginal means sits at 0.5.
    assert!(svg.contains("stroke-dasharray"));
}

#[test]
fn predict_most_and_least_likely() {
    let args = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "chosen",
            "--estimate",
            "predict",
            "--profile",
            "most",
            "--profile",
            "least",
            "--format",
            "json",
        ],
    );
    let (out, _) = run_ok(&args);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["feature"], "most likely");
    assert_eq!(rows[1]["feature"], "least likely");
    assert!(rows[0]["estimate"].as_f64().unwrap() > rows[1]["estimate"].as_f64().unwrap());
}

/// Writes a small CSV and returns `topics conjoint` on it (respondent
/// `id`, features `a,b`, outcome `y`).
pub(crate) fn on_csv(csv: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    std::fs::write(&path, csv).unwrap();
    let mut args = vec![
        "conjoint",
        path.to_str().unwrap(),
        "--respondent",
        "id",
        "--features",
        "a,b",
        "--outcome",
        "y",
    ];
    args.extend_from_slice(extra);
    let out = topics(&args);
    drop(dir);
    out
}

fn error_of(out: &Output) -> (i32, String) {
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
    )
}

const GOOD: &str = "id,a,b,y\n1,x,p,1\n1,z,q,0\n2,x,q,0\n2,z,p,1\n3,z,p,1\n3,x,q,0\n";

#[test]
fn missing_column_is_named() {
    let (code, err) = error_of(&on_csv("id,a,c,y\n1,x,p,1\n", &[]));
    assert_eq!(code, 6);
    assert!(
        err.contains("column 'b' not found; the header has: id, a, c, y"),
        "{err}"
    );
}

#[test]
fn non_numeric_outcome_names_line_and_column() {
    let (code, err) = error_of(&on_csv("id,a,b,y\n1,x,p,1\n1,z,q,chosen\n", &[]));
    assert_eq!(code, 30);
    assert!(
        err.ends_with("d.csv: line 3: column 'y': 'chosen' is not a number\n"),
        "{err}"
    );
}

#[test]
fn missing_respondent_id_names_line() {
    let (code, err) = error_of(&on_csv("id,a,b,y\n1,x,p,1\nNA,z,q,0\n", &[]));
    assert_eq!(code, 31);
    assert!(
        err.ends_with(
            "d.csv: line 3: column 'id' is empty (a respondent id is required on every row)\n"
        ),
        "{err}"
    );
}

#[test]
fn design_that_does_not_match_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.json");
    std::fs::write(&design, r#"{"roles": {"respondent_id": "id", "attributes": ["a", "b"], "outcomes": ["y"]}, "levels": {"a": ["x", "w"]}}"#).unwrap();
    let (code, err) = error_of(&on_csv(GOOD, &["--design", design.to_str().unwrap()]));
    assert_eq!(code, 32);
    assert!(err.ends_with("d.csv: line 3: feature 'a' has level 'z', which the design does not list (it lists: x, w)\n"), "{err}");
    std::fs::write(
        &design,
        r#"{"roles": {"attributes": ["a", "b"]}, "levels": {"b": ["p", "q", "r"]}}"#,
    )
    .unwrap();
    let (code, err) = error_of(&on_csv(GOOD, &["--design", design.to_str().unwrap()]));
    assert_eq!(code, 32);
    assert!(
        err.ends_with("d.csv: feature 'b': level 'r' never occurs in the data\n"),
        "{err}"
    );
    std::fs::write(&design, "{\"roles\": [1, 2]}").unwrap();
    let (code, err) = error_of(&on_csv(GOOD, &["--design", design.to_str().unwrap()]));
    assert_eq!(code, 34);
    assert!(err.contains("design.json: line 1 column"), "{err}");
}

#[test]
fn declared_restrictions_are_refused_unless_unrestricted() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.json");
    std::fs::write(&design, r#"{"roles": {"attributes": ["a", "b"]}, "restrictions": [{"a": "z", "excludes": {"b": "q"}}]}"#).unwrap();
    let (code, err) = error_of(&on_csv(GOOD, &["--design", design.to_str().unwrap()]));
    assert_eq!(code, 35);
    assert!(
        err.contains("the design declares 1 restriction(s) between features"),
        "{err}"
    );
    assert!(err.contains("pass --unrestricted"), "{err}");
    let out = on_csv(
        GOOD,
        &[
            "--design",
            design.to_str().unwrap(),
            "--unrestricted",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success());
}

#[test]
#[ignore = "needs ../shared/data/conjoint/cregg_immigration.csv (run with --ignored where it is present)"]
fn restricted_design_detected_in_the_data() {
    let shared = util::shared_data("conjoint/cregg_immigration.csv");
    let design = util::shared_data("conjoint/cregg_immigration.json");
    let out = topics(&[
        "conjoint",
        shared.to_str().unwrap(),
        "--design",
        design.to_str().unwrap(),
    ]);
    let (code, err) = error_of(&out);
    assert_eq!(code, 35);
    assert!(err.contains("the design looks restricted: 22 pair(s) of levels never appear together (Education × Job, CountryOfOrigin × ReasonForApplication)"), "{err}");
    // Frequencies (the randomization check) are shown for any design.
    let out = topics(&[
        "conjoint",
        shared.to_str().unwrap(),
        "--design",
        design.to_str().unwrap(),
        "--estimate",
        "freqs",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\nGender,Female,7130,"));
}

#[test]
fn diffs_need_by_and_bad_binarize_is_explained() {
    let (code, err) = error_of(&on_csv(GOOD, &["--estimate", "mm-diffs"]));
    assert_eq!(code, 37);
    assert!(err.contains("--estimate mm-diffs: needs --by COL"), "{err}");
    let (code, err) = error_of(&on_csv(GOOD, &["--binarize", "big"]));
    assert_eq!(code, 37);
    assert!(
        err.contains("--binarize 'big': expected a comparison and a number"),
        "{err}"
    );
}

#[test]
fn unidentified_level_is_named() {
    // Level b=q only ever appears with a=z: perfectly collinear.
    let csv = "id,a,b,y\n1,x,p,1\n1,z,q,0\n2,x,p,0\n2,z,q,1\n";
    let (code, err) = error_of(&on_csv(csv, &[]));
    assert_eq!(code, 36);
    assert!(err.contains("coefficient 'b=q' is not identified"), "{err}");
}

/// A table column stays a column when a value is huge: a perfect fit's
/// standard error of ~1e-16 gives a z of ~1e15, which was printed as a
/// 19-digit decimal, and an outcome of 1e100 as a 100-digit estimate.
#[test]
fn huge_values_keep_the_table_aligned() {
    // Three respondents who all chose x over y: the AMCE of y is -1 and its
    // standard error zero but for rounding.
    let perfect = "id,a,b,y\n1,x,p,1\n1,y,q,0\n2,x,q,1\n2,y,p,0\n3,x,p,1\n3,y,p,0\n";
    let out = on_csv(perfect, &[]);
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table.lines().find(|l| l.starts_with("  y ")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "-1.0000", "{table}");
    assert!(cells[3].contains('e'), "z in exponent form: {table}");
    assert!(cells[3].len() <= 8, "z fits its column: {table}");

    // Outcomes as large as are read (±1e100; past it the sums of squares
    // overflow and the reader refuses the cell).
    let huge = "id,a,b,y\n1,x,p,1e100\n1,y,q,-1e100\n2,x,q,1e100\n2,y,p,0\n";
    let table = String::from_utf8(on_csv(huge, &[]).stdout).unwrap();
    let row = table.lines().find(|l| l.starts_with("  y ")).unwrap();
    assert_eq!(row.split_whitespace().nth(1), Some("-1.500e100"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() < 80), "{table}");
}

/// The design's `weights` role is used only with `--weights`; marginal
/// means are then weighted means.
#[test]
fn weights_apply_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.json");
    std::fs::write(&design, r#"{"roles": {"respondent_id": "id", "attributes": ["a", "b"], "outcomes": ["y"], "weights": "w"}}"#).unwrap();
    let csv = "id,a,b,y,w\n1,x,p,1,3\n1,z,q,0,3\n2,x,q,0,1\n2,z,p,1,1\n3,z,p,1,1\n3,x,q,0,1\n";
    let mm = |extra: &[&str]| -> Vec<Value> {
        let path = dir.path().join("d.csv");
        std::fs::write(&path, csv).unwrap();
        let mut args = vec![
            "conjoint",
            path.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--estimate",
            "mm",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = topics(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // a = x: outcomes 1 (weight 3), 0 (1), 0 (1).
    let unweighted = mm(&[]);
    assert!((unweighted[0]["estimate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-15);
    let weighted = mm(&["--weights"]);
    assert!((weighted[0]["estimate"].as_f64().unwrap() - 3.0 / 5.0).abs() < 1e-15);
    let named = mm(&["--weights", "w"]);
    assert_eq!(named[0]["estimate"], weighted[0]["estimate"]);
}

/// The CLI's JSON carries cregg's figures at full precision (reference:
/// tests/data/conjoint/cregg_amce_immigration_unconstrained.json, cregg
/// 0.3.7); the immigration design is restricted, so --unrestricted is needed.
#[test]
fn cli_json_matches_cregg_on_immigration() {
    let data = here("tests/data/conjoint/cregg_immigration_coded.csv");
    let design_path = here("tests/data/conjoint/cregg_immigration_coded.json");
    let design: Value =
        serde_json::from_str(&std::fs::read_to_string(&design_path).unwrap()).unwrap();
    let out = topics(&[
        "conjoint",
        data.to_str().unwrap(),
        "--design",
        design_path.to_str().unwrap(),
        "--unrestricted",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(here(
            "tests/data/conjoint/cregg_amce_immigration_unconstrained.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let reference = reference["rows"].as_array().unwrap();
    assert_eq!(rows.len(), reference.len());
    for (got, want) in rows.iter().zip(reference) {
        let feature = got["feature"].as_str().unwrap();
        let code: usize = got["level"].as_str().unwrap().parse().unwrap();
        assert_eq!(feature, want["feature_var"]);
        assert_eq!(design["level_labels"][feature][code - 1], want["level"]);
        for key in ["estimate", "std_error", "z", "p", "lower", "upper"] {
            match (got[key].as_f64(), want[key].as_f64()) {
                (Some(g), Some(w)) => assert!(
                    (g - w).abs() <= 1e-8 * w.abs().max(1.0),
                    "{feature} {code} {key}: {g} vs {w}"
                ),
                (g, w) => assert_eq!(g, w, "{feature} {code} {key}"),
            }
        }
    }
}

#[test]
fn json_rows_say_what_kind_of_outcome_they_estimate() {
    let all = example_args("examples/data/conjoint_design.json", &["--format", "json"]);
    let (out, _) = run_ok(&all);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    let kind = |outcome: &str| {
        let of: Vec<&Value> = rows.iter().filter(|r| r["outcome"] == outcome).collect();
        assert_eq!(of.len(), 26, "{outcome}");
        assert!(of
            .iter()
            .all(|r| r["outcome_type"] == of[0]["outcome_type"]));
        of[0]["outcome_type"].as_str().unwrap().to_string()
    };
    // One of each task's two profiles is chosen; a sharing answer is a
    // yes/no about one profile; the rating runs 1 to 7.
    assert_eq!(kind("chosen"), "forced_choice");
    assert_eq!(kind("share_family"), "binary");
    assert_eq!(kind("rating"), "numeric");
    let binarized = example_args(
        "examples/data/conjoint_design.json",
        &[
            "--outcome",
            "rating",
            "--binarize",
            ">4",
            "--format",
            "json",
        ],
    );
    let (out, _) = run_ok(&binarized);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["outcome_type"], "binary");
}
