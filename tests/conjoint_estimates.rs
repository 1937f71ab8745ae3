//! `topics conjoint` with several estimates in one call, weighted and
//! plotted frequencies, and predictions by subgroup.

use serde_json::Value;

use crate::util::{output as topics, repo_file as here};

/// Runs `topics conjoint` on the example data with `extra` flags and
/// returns standard output (the call must succeed).
fn example(extra: &[&str]) -> String {
    on_data(&here("examples/data/conjoint.csv"), extra)
}

/// [`example`] on another data file with the example's design.
fn on_data(data: &std::path::Path, extra: &[&str]) -> String {
    let design = here("examples/data/conjoint_design.json");
    let mut args = vec![
        "conjoint",
        data.to_str().unwrap(),
        "--design",
        design.to_str().unwrap(),
        "--outcome",
        "chosen",
    ];
    args.extend_from_slice(extra);
    let out = topics(&args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One call for AMCE and marginal means gives exactly what two calls
/// give: JSON keyed by estimate in the order asked, the table one section
/// per estimate, CSV one table.
#[test]
fn several_estimates_in_one_call_match_separate_calls() {
    let amce = example(&["--estimate", "amce", "--format", "json"]);
    let mm = example(&["--estimate", "mm", "--format", "json"]);
    let text = example(&["--estimate", "mm,amce", "--format", "json"]);
    assert!(text.starts_with("{\n  \"mm\": [\n"), "{text}");
    assert!(text.contains("\n  ],\n  \"amce\": [\n"));
    let both: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(both.as_object().unwrap().len(), 2);
    assert_eq!(both["amce"], serde_json::from_str::<Value>(&amce).unwrap());
    assert_eq!(both["mm"], serde_json::from_str::<Value>(&mm).unwrap());

    let table = example(&["--estimate", "amce,mm"]);
    let amce_table = example(&["--estimate", "amce"]);
    let mm_table = example(&["--estimate", "mm"]);
    assert_eq!(
        table,
        format!("== amce ==\n{amce_table}\n== mm ==\n{mm_table}")
    );

    let csv = example(&["--estimate", "amce,mm", "--format", "csv"]);
    let amce_csv = example(&["--estimate", "amce", "--format", "csv"]);
    let mm_csv = example(&["--estimate", "mm", "--format", "csv"]);
    let mm_rows = mm_csv.split_once('\n').unwrap().1;
    assert_eq!(csv, format!("{amce_csv}{mm_rows}"));
    // Asking twice for one estimate gives it once.
    assert_eq!(example(&["--estimate", "amce,amce"]), amce_table);
}

#[test]
fn several_estimates_refuse_one_csv_of_different_tables_and_one_plot() {
    let data = here("examples/data/conjoint.csv");
    let design = here("examples/data/conjoint_design.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "conjoint",
            data.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = topics(&args);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, err) = run(&["--estimate", "amce,freqs", "--format", "csv"]);
    assert_eq!(code, 37, "{err}");
    assert!(
        err.contains("--format csv holds one table: freqs and anova have columns of their own"),
        "{err}"
    );
    let (code, err) = run(&["--estimate", "amce,mm", "--plot", "x.svg"]);
    assert_eq!(code, 37, "{err}");
    assert!(err.contains("--plot draws one estimate"), "{err}");
    let (code, err) = run(&["--estimate", "amce,anova"]);
    assert_eq!(code, 37, "{err}");
    assert!(err.contains("--estimate anova: needs --by COL"), "{err}");
}

/// Four profiles of one respondent and two of another, weights 2, 1, 0.5
/// by respondent (as a survey weight is).
const WEIGHTED: &str = "id,a,b,y,w\n\
1,x,p,1,2\n1,z,q,0,2\n\
2,x,q,0,1\n2,z,p,1,1\n\
3,x,p,1,0.5\n3,x,q,0,0.5\n";

fn on_weighted(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--estimate", "freqs"];
    args.extend_from_slice(extra);
    crate::conjoint_cli::on_csv(WEIGHTED, &args)
}

/// Weighted frequencies as cregg's `cj_freqs(weights = ~w)` (svytable):
/// by hand, a = x is shown 4 times with weights 2 + 1 + 0.5 + 0.5 = 4 and
/// a = z twice with 2 + 1 = 3, so the weighted shares are 4/7 and 3/7
/// (unweighted 4/6 and 2/6).
#[test]
fn weighted_freqs_sum_the_weights() {
    let out = on_weighted(&["--weights", "w", "--format", "json"]);
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["level"], "x");
    assert_eq!(rows[0]["count"], 4);
    assert_eq!(rows[0]["weighted_count"], 4.0);
    assert_eq!(rows[0]["proportion"].as_f64().unwrap(), 4.0 / 7.0);
    assert_eq!(rows[1]["weighted_count"], 3.0);
    assert_eq!(rows[1]["proportion"].as_f64().unwrap(), 3.0 / 7.0);
    // b = p: 2 + 1 + 0.5; b = q: 2 + 1 + 0.5.
    assert_eq!(rows[2]["weighted_count"], 3.5);
    assert_eq!(rows[2]["proportion"].as_f64().unwrap(), 0.5);

    let csv = on_weighted(&["--weights", "w", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(
        csv.lines().take(2).collect::<Vec<_>>(),
        [
            "feature,level,count,weighted_count,proportion",
            "a,x,4,4,0.5714285714285714"
        ]
    );
    // Without --weights nothing changes: no weighted column, plain shares.
    let plain = on_weighted(&["--format", "csv"]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert_eq!(
        plain.lines().take(2).collect::<Vec<_>>(),
        ["feature,level,count,proportion", "a,x,4,0.6666666666666666"]
    );
}

/// `--estimate freqs --plot` draws each level's share as a dot, through
/// the same renderer as the estimate plots.
#[test]
fn freqs_plot_draws_one_dot_per_level() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("freqs.svg");
    let out = on_weighted(&["--weights", "w", "--plot", svg.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    assert_eq!(svg.matches("class=\"point\"").count(), 4);
    assert!(svg.contains(">Level frequencies, weighted</text>"), "{svg}");
    assert!(
        svg.contains("class=\"point\"><title>x: 57.1% (4.0 weighted, 4 shown)</title></circle>"),
        "{svg}"
    );
}

/// `predict --by`: each group's prediction is the one computed on that
/// group's rows alone (its own AMCE model and most likely profile).
#[test]
fn predict_by_group_equals_predict_on_the_group_alone() {
    let profile = "provider=Friend; acquisition_place=Workplace; distribution_media=DVD; \
content_subject=South Korean; content_form=Audio; target_age=Ages 50+; type=Non-fiction";
    let predict = [
        "--estimate",
        "predict",
        "--profile",
        "most",
        "--profile",
        profile,
        "--format",
        "json",
    ];
    let by: Vec<Value> =
        serde_json::from_str(&example(&[&predict[..], &["--by", "age_group"]].concat())).unwrap();
    assert_eq!(by.len(), 6);
    assert_eq!(by[2]["BY"], "40-59");
    let text = std::fs::read_to_string(here("examples/data/conjoint.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let column = header.split(',').position(|c| c == "age_group").unwrap();
    let mut subset = format!("{header}\n");
    for line in lines.filter(|l| l.split(',').nth(column) == Some("40-59")) {
        subset.push_str(line);
        subset.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("group.csv");
    std::fs::write(&path, subset).unwrap();
    let alone: Vec<Value> = serde_json::from_str(&on_data(&path, &predict)).unwrap();
    for (grouped, alone) in by[2..4].iter().zip(&alone) {
        for key in [
            "feature",
            "level",
            "estimate",
            "std_error",
            "lower",
            "upper",
        ] {
            assert_eq!(grouped[key], alone[key], "{key}");
        }
    }
}
