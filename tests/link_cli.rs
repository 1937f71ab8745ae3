//! `topics link` end to end on a small model: the join's edge cases, the
//! combination over θ draws checked against the conjoint estimators run
//! draw by draw, error messages and exit codes, thread-count determinism,
//! and the report reading the JSON.

use crate::util;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use topics::conjoint::data::{ConjointData, DesignFile, Grouping, Spec};
use topics::conjoint::design::Options;
use topics::conjoint::estimate::{self as cj, Statistic};
use topics::corpus::{Corpus, PruneOptions};
use topics::explore::Labels;
use topics::io::Answer;
use topics::lda::{self, LdaModel, LdaParams};
use topics::link::combine::rubin;
use topics::link::estimate::{by_topic_group, LinkOptions, ThetaDraws};
use topics::link::groups::{dominant, GroupRule};
use topics::link::join::Join;
use topics::text::{Analyzer, TextOptions};

use util::{repo_file, topics};

/// A scratch directory with a small model and conjoint files made to hold
/// every join problem:
/// - the model has answers "1".."60" of `answers_en.txt`, except that the
///   5th answer is saved under id "4" (so "4" is duplicated and "5" has no
///   answer), plus an answer "500" that no respondent has;
/// - `conjoint.csv` has respondents 1..70 of `conjoint_by_theme.csv`
///   (61..70 have no answer), and a column `answer_id` equal to the
///   respondent id except for respondent 3 (claims "2", as respondent 2
///   does) and respondent 6 (empty).
fn fixture() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under target/tmp, rewritten on every run (not a leaked temp dir).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("link_cli");
        // Start empty: a model or labels file left by an earlier run (of
        // another build) would be carried over into this run's fit.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lines: Vec<String> = std::fs::read_to_string(repo_file("examples/data/answers_en.txt"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let mut answers: Vec<Answer> = (1..=60)
            .map(|i| Answer {
                id: if i == 5 { "4".into() } else { i.to_string() },
                text: lines[i - 1].clone(),
            })
            .collect();
        answers.push(Answer {
            id: "500".into(),
            text: lines[60].clone(),
        });
        // Non-answers fitted (`Not sure.` of answers 19 and 33), so that
        // every chosen answer is in the model: these tests are about the
        // join, and count on it.
        let analyzer = Analyzer::new(TextOptions {
            drop_nonanswers: false,
            ..TextOptions::default()
        })
        .unwrap();
        let corpus = Corpus::build(&answers, &analyzer, PruneOptions::SHORT_ANSWERS).unwrap();
        let params = LdaParams {
            k: 3,
            iterations: 300,
            ..LdaParams::default()
        };
        let model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {}).unwrap();
        assert_eq!(model.documents().len(), 61, "every chosen answer has words");
        model.save(&dir.join("model.json")).unwrap();
        let source =
            std::fs::read_to_string(repo_file("examples/data/conjoint_by_theme.csv")).unwrap();
        let mut out = String::new();
        for (i, line) in source.lines().enumerate() {
            if i == 0 {
                out.push_str(line);
                out.push_str(",answer_id\n");
                continue;
            }
            let id: usize = line.split(',').next().unwrap().parse().unwrap();
            if id > 70 {
                break;
            }
            let answer = match id {
                3 => "2".to_string(),
                6 => String::new(),
                _ => id.to_string(),
            };
            out.push_str(&format!("{line},{answer}\n"));
        }
        std::fs::write(dir.join("conjoint.csv"), out).unwrap();
        std::fs::copy(
            repo_file("examples/data/conjoint_by_theme_design.json"),
            dir.join("design.json"),
        )
        .unwrap();
        dir
    })
}

const BASE: [&str; 8] = [
    "link",
    "--model",
    "model.json",
    "--conjoint",
    "conjoint.csv",
    "--design",
    "design.json",
    "--outcome=chosen",
];

fn link(extra: &[&str]) -> util::Run {
    let mut args: Vec<&str> = BASE.to_vec();
    args.extend_from_slice(extra);
    topics(fixture(), &args)
}

fn json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&link(&args).ok().stdout).unwrap()
}

#[test]
fn join_counts_every_mismatch_by_respondent_id() {
    let v = json(&[
        "--draws",
        "2",
        "--prevalence-by",
        "market_experience",
        "--bootstrap",
        "50",
    ]);
    // Prevalence counts the answers it cannot use too: the two answers
    // saved as "4" and answer "500" have no respondent, hence no value.
    assert_eq!(
        v["notes"],
        serde_json::json!([
            "prevalence by 'market_experience': 3 of 61 answers have no value and are left out"
        ])
    );
    let j = v["join"].clone();
    // 70 respondents; respondent 4's id is duplicated in the model, 5 and
    // 61..70 have no answer: 58 join, 40 rows each.
    assert_eq!(j["conjoint_respondents"], 70);
    assert_eq!(j["answers"], 61);
    assert_eq!(j["joined"], 58);
    assert_eq!(j["rows_joined"], 58 * 40);
    assert_eq!(j["rows_left_out"], 12 * 40);
    assert_eq!(j["respondents_without_answer"], 11);
    assert_eq!(
        j["respondents_without_answer_ids"],
        serde_json::json!(["5", "61", "62", "63", "64", "65", "66", "67", "68", "69"])
    );
    assert_eq!(j["duplicated_answer_ids_list"], serde_json::json!(["4"]));
    assert_eq!(
        j["answers_without_conjoint_ids"],
        serde_json::json!(["500"])
    );
    assert_eq!(j["answers_claimed_twice"], 0);
    let table = link(&["--draws", "2"]).ok().stdout;
    assert!(table.contains(
        "  58 of 70 conjoint respondents joined to an answer (2320 of 2800 rows); the model has 61 answers\n  respondents without an answer in the model: 11 (5, 61, 62, 63, 64, 65, 66, 67, 68, 69, …)\n  answers without conjoint rows: 1 (500)\n  answer ids used twice in the model (not joined): 1 (4)\n"
    ), "{table}");
}

#[test]
fn join_by_an_answer_id_column_never_joins_twice() {
    let j = json(&["--draws", "2", "--answers-id", "answer_id"])["join"].clone();
    // Respondents 2 and 3 both claim answer "2": neither joins; 6 has no
    // key; 4 is duplicated in the model; 5, 61..70 have no answer.
    assert_eq!(j["answers_claimed_twice_ids"], serde_json::json!(["2"]));
    assert_eq!(j["respondents_without_key"], 1);
    assert_eq!(j["joined"], 70 - 2 - 1 - 1 - 11);
    // Nobody claims answers "3", "6" (keys changed) and "500".
    assert_eq!(
        j["answers_without_conjoint_ids"],
        serde_json::json!(["3", "6", "500"])
    );
}

fn library_setup() -> (LdaModel, ConjointData, Join) {
    let dir = fixture();
    let model = LdaModel::load(&dir.join("model.json")).unwrap();
    let design = dir.join("design.json");
    let mut spec = Spec::from_design(DesignFile::load(&design).unwrap(), &design);
    spec.outcomes = vec!["chosen".into()];
    let data = ConjointData::read(&dir.join("conjoint.csv"), &spec).unwrap();
    let ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
    let join = Join::of(
        &data,
        &dir.join("conjoint.csv"),
        "respondent",
        None,
        &ids,
        &dir.join("model.json"),
    )
    .unwrap();
    (model, data, join)
}

/// The conjoint data with topic `g`'s group (in θ `theta`) against the
/// others, built by hand as a `--by` grouping.
fn grouped(data: &ConjointData, draws: &ThetaDraws, theta: &[Vec<f64>], g: usize) -> ConjointData {
    let mut pos = vec![None; data.respondent_ids.len()];
    for (i, &(r, _)) in draws.joined.iter().enumerate() {
        pos[r] = Some(i);
    }
    let mut d = data.clone();
    d.by = Some(Grouping {
        column: "g".into(),
        groups: vec!["others".into(), format!("Topic {g}")],
        of_row: data
            .respondent
            .iter()
            .map(|&r| pos[r as usize].map(|i| u32::from(dominant(&theta[i]) == g)))
            .collect(),
    });
    d
}

/// Dominant-topic groups over `draws` θ draws (all when `None`), default
/// conjoint settings.
fn dominant_over(draws: Option<usize>) -> LinkOptions {
    LinkOptions {
        rule: GroupRule::Dominant,
        draws,
        conjoint: Options::default(),
    }
}

#[test]
fn one_draw_is_exactly_the_conjoint_estimate_on_the_final_groups() {
    let (model, data, join) = library_setup();
    let opts = dominant_over(Some(1));
    let draws = ThetaDraws::new(&model, &join, Some(1)).unwrap();
    // The last draw is the final state's θ.
    for (i, &(_, d)) in draws.joined.iter().enumerate() {
        assert_eq!(draws.theta[0][i], model.final_theta(d));
    }
    let est = by_topic_group(&data, &draws, &Labels::empty(3), &opts).unwrap();
    for g in 0..3 {
        let expected = cj::mm_diffs(
            &grouped(&data, &draws, &draws.theta[0], g),
            "chosen",
            &opts.conjoint,
        )
        .unwrap();
        let got: Vec<_> = est
            .rows
            .iter()
            .filter(|r| r.row.by.as_deref() == Some(&format!("Topic {g} - others")))
            .map(|r| r.row.clone())
            .collect();
        assert_eq!(got, expected, "topic {g}");
        assert!(est
            .rows
            .iter()
            .all(|r| r.between_draw_sd.is_none_or(|s| s == 0.0)));
    }
}

/// The groups' sizes and the stability's reference topic are read from the
/// model's θ (the posterior mean), the θ the summary and report show.
#[test]
fn groups_and_stability_name_the_dominant_topic_of_the_models_theta() {
    let (model, data, join) = library_setup();
    let opts = dominant_over(None);
    let draws = ThetaDraws::new(&model, &join, None).unwrap();
    let est = by_topic_group(&data, &draws, &Labels::empty(3), &opts).unwrap();
    let of_theta: Vec<usize> = draws
        .joined
        .iter()
        .map(|&(_, d)| dominant(&model.theta(d)))
        .collect();
    for (g, size) in est.groups.iter().enumerate() {
        assert_eq!(
            size.respondents,
            of_theta.iter().filter(|&&t| t == g).count()
        );
    }
    let st = topics::link::estimate::stability(&data, &draws, &Labels::empty(3));
    for (r, &t) in st.per_respondent.iter().zip(&of_theta) {
        assert_eq!(r.topic, t, "respondent {}", r.id);
    }
    // The mean and the last draw differ for some respondent, so the test
    // tells the two apart.
    assert!(draws
        .joined
        .iter()
        .any(|&(_, d)| model.theta(d) != model.final_theta(d)));
}

#[test]
fn draws_are_pooled_by_rubins_rules_over_the_conjoint_estimates() {
    let (model, data, join) = library_setup();
    let opts = dominant_over(None);
    let draws = ThetaDraws::new(&model, &join, None).unwrap();
    assert_eq!(draws.num_draws(), 20);
    let est = by_topic_group(&data, &draws, &Labels::empty(3), &opts).unwrap();
    // Recompute topic 1's Family difference draw by draw with the conjoint
    // estimator, and pool by hand.
    let (mut q, mut u) = (Vec::new(), Vec::new());
    for theta in &draws.theta {
        let rows =
            cj::mm_diffs(&grouped(&data, &draws, theta, 1), "chosen", &opts.conjoint).unwrap();
        let r = rows
            .iter()
            .find(|r| r.feature == "provider" && r.level == "Family")
            .unwrap();
        q.push(r.estimate);
        u.push(r.std_error.unwrap().powi(2));
    }
    let pooled = rubin(&q, &u);
    let row = est
        .rows
        .iter()
        .find(|r| {
            r.row.statistic == Statistic::MmDifference
                && r.row.by.as_deref() == Some("Topic 1 - others")
                && r.row.level == "Family"
        })
        .unwrap();
    assert_eq!(row.draws, 20);
    assert!((row.row.estimate - pooled.estimate).abs() < 1e-15);
    assert!((row.row.std_error.unwrap() - pooled.total.sqrt()).abs() < 1e-15);
    assert!((row.between_draw_sd.unwrap() - pooled.between.sqrt()).abs() < 1e-15);
    // The draws disagree on some respondents' topics, so the assignment
    // adds variance here.
    assert!(pooled.between > 0.0, "{pooled:?}");
    let m = 20.0;
    assert!((pooled.total - (pooled.within + (1.0 + 1.0 / m) * pooled.between)).abs() < 1e-18);
    // And the stability table counts each respondent's changes.
    let json = json(&[]);
    let st = &json["stability"];
    let per: &Vec<Value> = st["per_respondent"].as_array().unwrap();
    assert_eq!(per.len(), 58);
    let changed = per.iter().filter(|r| r["draws_elsewhere"] != 0).count();
    assert_eq!(st["unchanged"], 58 - changed);
    let r = &per[0];
    let id = r["id"].as_str().unwrap();
    let i = draws
        .joined
        .iter()
        .position(|&(r, _)| data.respondent_ids[r] == id)
        .unwrap();
    let dom: Vec<usize> = draws.theta.iter().map(|t| dominant(&t[i])).collect();
    assert_eq!(r["topic"], *dom.last().unwrap());
    assert_eq!(
        r["draws_elsewhere"],
        dom.iter().filter(|&&d| d != *dom.last().unwrap()).count()
    );
}

#[test]
fn errors_name_the_problem_with_their_exit_codes() {
    let dir = fixture();
    // No respondent joins: ids written differently.
    let csv = std::fs::read_to_string(dir.join("conjoint.csv")).unwrap();
    let renamed: String = csv
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!("R{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("renamed.csv"), renamed).unwrap();
    let mut args = BASE.to_vec();
    args[4] = "renamed.csv";
    let run = topics(dir, &args);
    assert_eq!(run.code, 50, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "topics: error: no conjoint respondent of renamed.csv has an answer in the model model.json (conjoint ids look like R1, R2, R3; answer ids look like 1, 2, 3): use --answers-id COL to name the conjoint column that holds the answer id\n"
    );
    // A per-respondent column that changes within a respondent.
    let run = link(&["--answers-id", "task"]);
    assert_eq!(run.code, 51);
    assert_eq!(
        run.stderr,
        "topics: error: conjoint.csv: line 4: column 'task' is '2' for respondent '1', but '1' on an earlier row; it must be the same on every row of respondent '1'\n"
    );
    // A bad mapping line.
    std::fs::write(dir.join("map.txt"), "# ok\ntrust = Family\n").unwrap();
    let run = link(&["--mapping", "map.txt"]);
    assert_eq!(run.code, 52);
    assert_eq!(
        run.stderr,
        "topics: error: map.txt: line 2: expected 'word -> Level, Level', found 'trust = Family'\n"
    );
    std::fs::write(dir.join("map2.txt"), "trust -> Familly\n").unwrap();
    let run = link(&["--mapping", "map2.txt", "--draws", "1"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            52,
            "topics: error: map2.txt: line 1: no level 'Familly' in the design\n"
        )
    );
    // A word no topic has is noted, not fatal (bilingual mapping files).
    std::fs::write(dir.join("map3.txt"), "zzzz -> Family\n").unwrap();
    let v = json(&["--mapping", "map3.txt", "--draws", "1"]);
    assert_eq!(
        v["notes"],
        serde_json::json!(["map3.txt: line 1: 'zzzz' is not a topic (topic N, #N or a label) nor among any topic's top 20 words; no pair"])
    );
    // Requests that do not fit the model.
    let run = link(&["--groups", "terciles"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (54, "topics: error: --groups terciles needs --topic K\n")
    );
    let run = link(&["--groups", "terciles", "--topic", "3"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            54,
            "topics: error: --topic 3: topic 3 does not exist; the model has topics 0 to 2 (none labeled)\n"
        )
    );
    let run = link(&["--draws", "21"]);
    assert_eq!(run.code, 8);
    assert_eq!(
        run.stderr,
        "topics: error: invalid --draws: 21 draws asked for, but the model keeps 20 (refit with --saved-samples to keep more)\n"
    );
}

#[test]
fn same_result_whatever_the_thread_count() {
    let dir = fixture();
    let mut args: Vec<&str> = BASE.to_vec();
    args.extend([
        "--format",
        "json",
        "--prevalence-by",
        "market_experience",
        "--bootstrap",
        "200",
    ]);
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_topics"))
            .args(&args)
            .current_dir(dir)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert!(run("1") == run("3"));
}

#[test]
fn other_group_rules_outputs_and_the_report() {
    let dir = fixture();
    let v = json(&[
        "--groups",
        "threshold",
        "--threshold",
        "0.5",
        "--draws",
        "3",
    ]);
    assert_eq!(v["summary"]["groups_by"], "θ ≥ 0.5");
    assert_eq!(v["summary"]["draws"], 3);
    let v = json(&["--groups", "terciles", "--topic", "1", "--draws", "3"]);
    let groups: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        ["Topic 1 θ low", "Topic 1 θ middle", "Topic 1 θ high"]
    );
    // 58 joined respondents: ⌊3·rank/58⌋ puts 20, 19, 19 in the terciles.
    let sizes: Vec<u64> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["respondents"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [20, 19, 19]);
    // Rows keep the form of `topics conjoint --format json`.
    let row = &v["rows"][0];
    for key in [
        "outcome",
        "statistic",
        "feature",
        "level",
        "estimate",
        "std_error",
        "z",
        "p",
        "lower",
        "upper",
        "BY",
    ] {
        assert!(row.get(key).is_some(), "{key} missing in {row}");
    }
    assert_eq!(row["BY"], "Topic 1 θ low");
    // CSV, the CSV directory and the plot.
    link(&[
        "--draws",
        "2",
        "--format",
        "csv",
        "-o",
        "rows.csv",
        "--csv-dir",
        "tables",
        "--plot",
        "mm.svg",
    ])
    .ok();
    let csv = std::fs::read_to_string(dir.join("rows.csv")).unwrap();
    assert!(csv.starts_with("outcome,statistic,BY,feature,level,estimate,std_error,z,p,lower,upper,between_draw_sd,assignment_share,df,draws\nchosen,mm,Topic 0,provider,Stranger,"));
    for name in [
        "estimates",
        "tests",
        "words_levels",
        "topic_words",
        "prevalence",
        "stability",
        "join",
    ] {
        assert!(
            dir.join("tables").join(format!("{name}.csv")).is_file(),
            "{name}.csv"
        );
    }
    let svg = std::fs::read_to_string(dir.join("mm.svg")).unwrap();
    assert_eq!(svg.matches("class=\"feature\"").count(), 7);
    // Labels name the groups (on a copy of the model, so that tests
    // running at the same time keep seeing unlabeled topics).
    std::fs::copy(dir.join("model.json"), dir.join("labelled.json")).unwrap();
    topics(dir, &["label", "labelled.json", "2", "Trust"]).ok();
    let mut args: Vec<&str> = BASE.to_vec();
    args[2] = "labelled.json";
    args.extend(["--draws", "2", "--format", "json", "-o", "link.json"]);
    assert_eq!(topics(dir, &args).ok().stdout, "");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("link.json")).unwrap()).unwrap();
    assert!(saved["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["BY"] == "Trust - others"));
    assert!(saved["words_levels"]["topics"][2]["name"] == "Trust");
    topics(
        dir,
        &[
            "report",
            "labelled.json",
            "--link-results",
            "link.json",
            "-o",
            "report.html",
        ],
    )
    .ok();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Trust - others"));
}

#[test]
fn a_model_without_theta_draws_uses_the_final_theta_and_says_so() {
    let dir = fixture();
    let answers: Vec<Answer> = std::fs::read_to_string(repo_file("examples/data/answers_en.txt"))
        .unwrap()
        .lines()
        .take(40)
        .enumerate()
        .map(|(i, l)| Answer {
            id: (i + 1).to_string(),
            text: l.to_string(),
        })
        .collect();
    let analyzer = Analyzer::new(TextOptions::default()).unwrap();
    let corpus = Corpus::build(&answers, &analyzer, PruneOptions::SHORT_ANSWERS).unwrap();
    let params = LdaParams {
        k: 2,
        iterations: 100,
        saved_samples: 0,
        ..LdaParams::default()
    };
    let model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {}).unwrap();
    assert_eq!(model.num_theta_draws(), 0);
    let design = dir.join("design.json");
    let mut spec = Spec::from_design(DesignFile::load(&design).unwrap(), &design);
    spec.outcomes = vec!["chosen".into()];
    let data_path = dir.join("conjoint.csv");
    let data = ConjointData::read(&data_path, &spec).unwrap();
    let ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
    let model_path = dir.join("nodraws.json");
    let join = Join::of(&data, &data_path, "respondent", None, &ids, &model_path).unwrap();
    // Answers 19 and 33 (`Not sure.`) are non-answers, left out of the fit.
    assert_eq!(join.report.joined, 38);
    let labels = Labels::empty(2);
    let result = topics::link::link(
        topics::link::LinkInput {
            model: &model,
            model_path: &model_path,
            labels: &labels,
            data: &data,
            data_path: &data_path,
            join,
            mapping: &[],
            mapping_path: None,
            top_words: 10,
            covariates: &[],
            bootstrap: topics::link::prevalence::BootstrapOptions {
                replicates: 10,
                seed: 1,
                alpha: 0.05,
            },
        },
        &LinkOptions {
            rule: GroupRule::Dominant,
            draws: None,
            conjoint: Options::default(),
        },
    )
    .unwrap();
    assert_eq!(
        (result.summary.draws, result.summary.draws_in_model),
        (1, 0)
    );
    assert!(result.notes[0].starts_with("the model keeps no posterior draws of θ"));
    assert_eq!(result.stability.unchanged, 38);
    assert!(result.rows.iter().all(|r| r.draws == 1 && r.df.is_none()));
}

#[test]
fn a_tsv_covariates_file_is_read_tab_separated() {
    // The same covariates as .csv and .tsv give the same prevalence; a
    // column missing from the .tsv is named against the .tsv.
    let dir = fixture();
    let rows: Vec<String> = (1..=60)
        .map(|i| format!("{i}\t{}", if i % 2 == 0 { "even" } else { "odd" }))
        .collect();
    let tsv = format!("answer\tparity\n{}\n", rows.join("\n"));
    std::fs::write(dir.join("cov.tsv"), &tsv).unwrap();
    std::fs::write(dir.join("cov.csv"), tsv.replace('\t', ",")).unwrap();
    let prevalence = |file: &str| {
        let args = ["--draws", "2", "--bootstrap", "20", "--covariates", file];
        json(&[&args[..], &["--prevalence-by", "parity"]].concat())["prevalence"].clone()
    };
    let from_tsv = prevalence("cov.tsv");
    let levels: Vec<&str> = from_tsv
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["covariate"] == "parity")
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains(&"even") && levels.contains(&"odd"),
        "{from_tsv}"
    );
    assert_eq!(from_tsv, prevalence("cov.csv"));
    let run = link(&[
        "--covariates",
        "cov.tsv",
        "--covariates-id",
        "id",
        "--prevalence-by",
        "parity",
    ]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "topics: error: cov.tsv: column 'id' not found; the header has: answer, parity"
        ),
        "{}",
        run.stderr
    );
}
