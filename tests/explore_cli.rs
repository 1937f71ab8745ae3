//! The explore subcommands end to end on a model whose topics are known by
//! construction (see `util::tiny_model`).

use crate::util;

use std::process::Output;

use topics::lda::LdaModel;
use util::{group_of, output as run, saved_model, GROUPS};

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn the_fit_recovers_the_three_groups() {
    let model = util::fit();
    let mut groups: Vec<usize> = (0..3).map(|t| group_of(&model, t)).collect();
    groups.sort();
    assert_eq!(groups, vec![0, 1, 2]);
    // Every token of a group went to its topic: 20 answers × 7 words.
    assert_eq!(model.topic_counts(), &[140, 140, 140]);
}

#[test]
fn words_by_probability_follow_the_constructed_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let model = LdaModel::load(&path).unwrap();
    let p = path.to_str().unwrap();
    let csv = stdout(&run(&[
        "words", p, "--by", "prob", "-n", "5", "--format", "csv",
    ]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("topic,label,ranking,rank,word,term,score,prob")
    );
    for t in 0..3 {
        let group = GROUPS[group_of(&model, t)];
        let words: Vec<String> = csv
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(&format!("{t},")))
            .map(|l| l.split(',').nth(4).unwrap().to_string())
            .collect();
        // Counts 60, 40, 20, 13, 7 within the group: probability order.
        assert_eq!(words, group.to_vec());
    }
    // φ of the top word = (60 + β) / (140 + Vβ), the model's own formula.
    let t0_top: f64 = csv
        .lines()
        .nth(1)
        .unwrap()
        .rsplit(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let expected = (60.0 + model.beta()) / (140.0 + 15.0 * model.beta());
    assert!((t0_top - expected).abs() < 1e-12);
}

#[test]
fn every_ranking_runs_and_relevance_at_lambda_1_is_probability() {
    let dir = tempfile::tempdir().unwrap();
    let p = saved_model(dir.path());
    let p = p.to_str().unwrap();
    for by in ["prob", "relevance", "frex", "lift", "score", "saliency"] {
        let json = stdout(&run(&[
            "words", p, "--by", by, "-n", "5", "--format", "json",
        ]));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 3, "{by}");
        assert_eq!(v[0]["ranking"]["by"], by);
        assert_eq!(v[0]["words"].as_array().unwrap().len(), 5);
    }
    let prob = stdout(&run(&["words", p, "--by", "prob", "--format", "csv"]));
    let rel1 = stdout(&run(&[
        "words",
        p,
        "--by",
        "relevance",
        "--lambda",
        "1",
        "--format",
        "csv",
    ]));
    let word_column = |s: &str| {
        s.lines()
            .skip(1)
            .map(|l| l.split(',').nth(4).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(word_column(&prob), word_column(&rel1));
}

#[test]
fn labels_are_stored_next_to_the_model_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let p = path.to_str().unwrap();
    let out = run(&["label", p, "1", "  세금 Taxes "]);
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        format!("topics: topic 1 labeled \"세금 Taxes\"\ntopics: wrote {p}.labels.json\n")
    );
    let file = std::fs::read_to_string(format!("{p}.labels.json")).unwrap();
    let checksum = LdaModel::load(&path).unwrap().checksum().to_string();
    assert_eq!(
        file,
        format!("{{\n  \"format\": \"topics-labels\",\n  \"k\": 3,\n  \"model_checksum\": \"{checksum}\",\n  \"labels\": {{\n    \"1\": \"세금 Taxes\"\n  }}\n}}\n")
    );
    let table = stdout(&run(&["words", p, "-n", "2"]));
    assert!(
        table.lines().nth(1).unwrap().contains("#1 세금 Taxes"),
        "{table}"
    );
    let csv = stdout(&run(&[
        "quotes", p, "--topic", "1", "-n", "1", "--format", "csv",
    ]));
    assert!(
        csv.lines().nth(1).unwrap().starts_with("1,세금 Taxes,1,"),
        "{csv}"
    );
    let diag = stdout(&run(&["diagnostics", p, "--format", "json"]));
    assert!(diag.contains("\"label\": \"세금 Taxes\""));
    // Removing a label.
    assert!(run(&["label", p, "1", "--remove"]).status.success());
    assert!(stdout(&run(&["label", p])).contains("#1\t-\t"));
}

/// The tiny model's answers come in two texts per group (20 answers: 7
/// end in the group's fifth word, 13 in its fourth), so a topic has two
/// different things said: `quotes` shows each once, θ descending, and names
/// the other answers written the same way, together the group's 20. The
/// next texts (of other groups) come after them.
#[test]
fn quotes_show_each_text_once_with_theta_descending() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let model = LdaModel::load(&path).unwrap();
    let quotes_of = |format: &str| {
        stdout(&run(&[
            "quotes",
            path.to_str().unwrap(),
            "--topic",
            "2",
            "-n",
            "4",
            "--format",
            format,
        ]))
    };
    let v: serde_json::Value = serde_json::from_str(&quotes_of("json")).unwrap();
    let quotes = v[0]["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 4, "{quotes:?}");
    assert!(quotes[2]["theta"].as_f64().unwrap() < 0.01, "{quotes:?}");
    let group = GROUPS[group_of(&model, 2)];
    let mut last = f64::INFINITY;
    let mut ids: Vec<String> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    for (rank, q) in quotes.iter().enumerate() {
        let theta = q["theta"].as_f64().unwrap();
        assert!(theta <= last);
        last = theta;
        if rank >= 2 {
            continue;
        }
        assert!(q["text"]
            .as_str()
            .unwrap()
            .split(' ')
            .all(|w| group.contains(&w)));
        let same: Vec<String> = q["same_text"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_string())
            .collect();
        repeats.push(same.len());
        ids.push(q["id"].as_str().unwrap().to_string());
        ids.extend(same);
    }
    repeats.sort();
    assert_eq!(repeats, [6, 12]);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 20, "{ids:?}");
    let table = quotes_of("table");
    assert!(
        table.contains("same text")
            && table.contains("also 12 other answers: ")
            && table.contains("also 6 other answers: "),
        "{table}"
    );
    let csv = quotes_of("csv");
    assert!(
        csv.starts_with("topic,label,rank,id,theta,text,same_text\n"),
        "{csv}"
    );
}

#[test]
fn diagnostics_match_values_known_by_construction() {
    let dir = tempfile::tempdir().unwrap();
    let p = saved_model(dir.path());
    let beta = LdaModel::load(&p).unwrap().beta();
    let json = stdout(&run(&[
        "diagnostics",
        p.to_str().unwrap(),
        "-n",
        "5",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Within a group: D(w0) = D(w1) = D(w2) = 20 answers (each has all
    // three), D(w3) = 13, D(w4) = 7, w3 and w4 never together; 60 answers.
    // UMass (Mimno et al. 2011, eq. 1) over pairs (m > l):
    // 3 ln(21/20) + 3 ln(14/20) + 3 ln(8/20) + ln(1/13).
    let umass = 3.0 * (21.0f64 / 20.0).ln()
        + 3.0 * (14.0f64 / 20.0).ln()
        + 3.0 * (8.0f64 / 20.0).ln()
        + (1.0f64 / 13.0).ln();
    // NPMI: pairs among w0..w2 = 1; w3 with them = ln 3 / ln(60/13); w4
    // with them = ln 3 / ln(60/7); (w3, w4) = −1. Mean of 10 pairs.
    let l3 = 3f64.ln();
    let npmi =
        (3.0 + 3.0 * l3 / (60.0f64 / 13.0).ln() + 3.0 * l3 / (60.0f64 / 7.0).ln() - 1.0) / 10.0;
    // Effective words: 1 / Σ p², p = (60, 40, 20, 13, 7) / 140.
    let eff = 19600.0 / (3600.0 + 1600.0 + 400.0 + 169.0 + 49.0);
    for row in v.as_array().unwrap() {
        assert!((row["umass"].as_f64().unwrap() - umass).abs() < 1e-12);
        assert!((row["npmi"].as_f64().unwrap() - npmi).abs() < 1e-12);
        assert!((row["effective_words"].as_f64().unwrap() - eff).abs() < 1e-9);
        // 20 of 60 answers each; 140 of 420 tokens each.
        assert!((row["rank1_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((row["token_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // The corpus is the three groups evenly: KL(topic ‖ corpus) = ln 3.
        assert!((row["corpus_distance"].as_f64().unwrap() - l3).abs() < 1e-12);
        // All of a word's counts are in its topic, so φ_kw / Σ_j φ_jw =
        // (n + β) / (n + 3β) (the smoothing is the only mass elsewhere).
        let excl = [60.0, 40.0, 20.0, 13.0, 7.0]
            .iter()
            .map(|n| (n + beta) / (n + 3.0 * beta))
            .sum::<f64>()
            / 5.0;
        assert!((row["word_exclusivity"].as_f64().unwrap() - excl).abs() < 1e-12);
        // Each row says which way of each measure is better.
        let better = &row["better"];
        for measure in ["umass", "npmi", "exclusivity", "word_exclusivity"] {
            assert_eq!(better[measure], "higher", "{measure}");
        }
        assert_eq!(better["corpus_distance"], "higher");
        assert_eq!(better["uniform_distance"], "higher");
        assert_eq!(better["effective_words"], "lower");
        assert_eq!(better["tokens"], "neither");
        assert_eq!(better["token_share"], "neither");
        assert_eq!(better["rank1_share"], "neither");
        assert_eq!(better.as_object().unwrap().len(), 10);
    }
    // The table marks the columns and explains the marks under it.
    let table = stdout(&run(&["diagnostics", p.to_str().unwrap()]));
    let lines: Vec<&str> = table.lines().collect();
    let header: Vec<&str> = lines[1].split("  ").filter(|c| !c.is_empty()).collect();
    assert_eq!(
        header,
        [
            "topic",
            "label",
            "tokens",
            "token_share",
            "rank1_share",
            "umass ↑",
            "npmi ↑",
            "exclusivity ↑",
            "word_exclusivity ↑",
            "effective_words ↓",
            "corpus_distance ↑",
            "uniform_distance ↑",
            "top_words"
        ]
    );
    let legend = &lines[lines.len() - 3..];
    assert!(
        legend[0]
            .starts_with("↑ higher is better: umass (closer to 0: top words occur together), npmi"),
        "{table}"
    );
    assert_eq!(
        legend[1],
        "↓ lower is better: effective_words (a focused topic)"
    );
    assert_eq!(
        legend[2],
        "sizes, neither better nor worse: tokens, token_share, rank1_share"
    );
    let csv = stdout(&run(&[
        "diagnostics",
        p.to_str().unwrap(),
        "--format",
        "csv",
    ]));
    assert_eq!(
        csv.lines().next().unwrap(),
        "topic,label,tokens,token_share,rank1_share,umass,npmi,exclusivity,word_exclusivity,effective_words,corpus_distance,uniform_distance,top_words"
    );
}

#[test]
fn bad_requests_fail_with_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let p = path.to_str().unwrap();
    let out = run(&["words", p, "--topic", "9"]);
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(
        stderr(&out),
        "topics: error: invalid topic: topic 9 does not exist; the model has topics 0 to 2 (none labeled)\n"
    );
    let out = run(&["words", p, "--by", "relevance", "--lambda", "1.5"]);
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(
        stderr(&out),
        "topics: error: invalid --lambda: 1.5 is not in [0, 1]\n"
    );
    let out = run(&["label", p, "3", "x"]);
    assert_eq!(out.status.code(), Some(8));
    std::fs::write(
        format!("{p}.labels.json"),
        "{\"format\": \"topics-labels\", \"k\": 4, \"labels\": {}}",
    )
    .unwrap();
    let out = run(&["words", p]);
    assert_eq!(out.status.code(), Some(40));
    assert_eq!(
        stderr(&out),
        format!("topics: error: {p}.labels.json: these labels are for a model with 4 topics, but the model has 3: was the model refitted? Move the labels file away to start afresh\n")
    );
}

#[test]
fn select_k_prints_a_table_csv_and_writes_the_plot() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.txt");
    std::fs::write(&answers, util::answers_text()).unwrap();
    let plot = dir.path().join("k.svg");
    let a = answers.to_str().unwrap();
    let common = [
        "select-k",
        a,
        "--pretokenized",
        "-k",
        "2..4",
        "--seeds",
        "2",
        "--iterations",
        "100",
    ];
    let out = run(&[
        &common[..],
        &["--format", "csv", "--plot", plot.to_str().unwrap()],
    ]
    .concat());
    let csv = stdout(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "k,held_out_ll,held_out_ll_sd,umass,npmi,exclusivity,stability"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("2,") && lines[3].starts_with("4,"));
    // 6 fits reported on standard error, one line each.
    assert_eq!(stderr(&out).matches("topics: fitted K = ").count(), 6);
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("class=\"chart kchart\"").count(), 4);
    // The three groups are the truth: K = 3 has the best held-out fit and
    // perfectly stable topics.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(
            &run(&[&common[..], &["--format", "json"]].concat()),
        ))
        .unwrap();
    let summary = json["summary"].as_array().unwrap();
    let best = summary
        .iter()
        .max_by(|a, b| {
            a["held_out_ll"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["held_out_ll"].as_f64().unwrap())
        })
        .unwrap();
    assert_eq!(best["k"], 3);
    assert!((summary[1]["stability"].as_f64().unwrap() - 1.0).abs() < 1e-3);
    // So the rule names K = 3; K = 4 is the largest tried but not chosen.
    assert_eq!(json["recommendation"]["k"], 3);
    assert_eq!(json["recommendation"]["weak"], serde_json::json!([]));
    assert_eq!(json["runs"][2]["words"].as_array().unwrap().len(), 3);
    let table = stdout(&run(&common));
    assert!(table.contains("\nK = 3 (seed 1):\n"));
    assert!(table.contains("\nRecommended K = 3: "), "{table}");
    for (flags, message) in [
        (
            &["-k", "5..2"][..],
            "invalid -k: '5..2' is not a K, a range like 2..8 or a list like 3,5,10",
        ),
        (&["-k", "0,2"], "invalid -k: every K must be at least 1"),
        (&["--seeds", "0"], "invalid --seeds: must be at least 1"),
        (
            &["--min-stability", "1.5"],
            "invalid --min-stability: 1.5 is not in (0, 1]",
        ),
    ] {
        let bad = run(&[&["select-k", a], flags].concat());
        assert_eq!(bad.status.code(), Some(8), "{flags:?}");
        assert_eq!(stderr(&bad), format!("topics: error: {message}\n"));
    }
}
