//! Several Gibbs chains per fit: the same model on any number of threads,
//! the kept chain is the one the criterion names, the summary says how the
//! chains agreed, and the report survives a save and load (older files,
//! without it, still load as one chain).

use std::path::Path;

use topics::corpus::{Corpus, PruneOptions};
use topics::fuzz::{model_file, VALID_MODEL_DATA};
use topics::io::answers_from_lines;
use topics::lda::{self, ChainPick, LdaModel, LdaParams};
use topics::text::{Analyzer, TextOptions};

/// 90 short answers over three word groups with a shared word, mixed so
/// that chains can disagree a little.
fn corpus() -> Corpus {
    let groups = [
        ["news", "world", "economy", "seoul", "freedom"],
        ["family", "trust", "safe", "cousin", "secret"],
        ["drama", "music", "fun", "actor", "songs"],
    ];
    let mut lines = Vec::new();
    for d in 0..90usize {
        let g = &groups[d % 3];
        let other = &groups[(d / 3) % 3];
        let mut words = vec![g[d % 5], g[(d + 1) % 5], g[(d + 3) % 5], "watched"];
        words.push(other[(d / 7) % 5]);
        lines.push(words.join(" "));
    }
    let analyzer = Analyzer::new(TextOptions {
        pretokenized: true,
        ..Default::default()
    })
    .unwrap();
    Corpus::build(
        &answers_from_lines(&lines.join("\n")),
        &analyzer,
        PruneOptions::NONE,
    )
    .unwrap()
}

fn params(chains: Option<usize>, pick: ChainPick, threads: usize) -> LdaParams {
    LdaParams {
        k: 3,
        iterations: 60,
        burn_in: 20,
        seed: 3,
        chains,
        chain_pick: pick,
        threads: Some(threads),
        ..Default::default()
    }
}

fn fit(params: &LdaParams) -> LdaModel {
    lda::fit(&corpus(), params, TextOptions::default(), &mut |_| {}).unwrap()
}

/// Chains run in parallel, yet 1 and 2 worker threads give the same model,
/// chain report included.
#[test]
fn chains_give_the_same_model_on_1_and_2_threads() {
    for pick in [ChainPick::LogLikelihood, ChainPick::Consensus] {
        let one = fit(&params(Some(4), pick, 1));
        let two = fit(&params(Some(4), pick, 2));
        assert!(one.documents() == two.documents(), "θ differs");
        assert!(one.trace() == two.trace(), "the trace differs");
        assert_eq!((one.alpha(), one.beta()), (two.alpha(), two.beta()));
        for t in 0..3 {
            assert_eq!(one.phi_row(t), two.phi_row(t));
        }
        assert_eq!(one.chains(), two.chains());
        assert_eq!(one.chains().unwrap().chains(), 4);
    }
}

/// The automatic choice runs several chains on this small corpus (450
/// tokens × 60 sweeps is far below the budget).
/// The planted start of [`corpus`]: each word at the topic of its group
/// (`watched`, in every group, at topic 0).
fn planted_start(corpus: &Corpus) -> Vec<Vec<u16>> {
    let group = |word: &str| match word {
        "news" | "world" | "economy" | "seoul" | "freedom" | "watched" => 0,
        "family" | "trust" | "safe" | "cousin" | "secret" => 1,
        _ => 2,
    };
    corpus
        .docs
        .iter()
        .map(|d| {
            d.words
                .iter()
                .map(|&w| group(corpus.vocab.term(w)))
                .collect()
        })
        .collect()
}

/// Started at the planted groups, the chains keep them under their own
/// numbers: every answer's dominant topic is its group (a random start
/// numbers the topics in any order), on 1 and 2 threads alike.
#[test]
fn chains_started_at_the_planted_groups_keep_them() {
    let corpus = corpus();
    let start = planted_start(&corpus);
    let fit_from = |threads| {
        let params = params(Some(3), ChainPick::LogLikelihood, threads);
        lda::fit_from(
            &corpus,
            &params,
            TextOptions::default(),
            &start,
            &mut |_| {},
        )
        .unwrap()
    };
    let model = fit_from(1);
    for (d, doc) in model.documents().iter().enumerate() {
        let theta = model.theta(d);
        let top = (0..3).fold(0, |b, t| if theta[t] > theta[b] { t } else { b });
        assert_eq!(top, d % 3, "answer {}: θ {theta:?}", doc.id);
    }
    assert!(model.chains().unwrap().mean_similarity() > 0.95);
    let two = fit_from(2);
    assert!(model.documents() == two.documents() && model.trace() == two.trace());
    assert_eq!(model.chains(), two.chains());
}

#[test]
fn a_start_of_the_wrong_shape_is_refused() {
    let corpus = corpus();
    let params = params(Some(1), ChainPick::LogLikelihood, 1);
    let refused = |start: &[Vec<u16>]| {
        lda::fit_from(&corpus, &params, TextOptions::default(), start, &mut |_| {})
            .unwrap_err()
            .to_string()
    };
    let mut start = planted_start(&corpus);
    assert_eq!(
        refused(&start[..89]),
        "invalid start: topics for 89 answers, but the corpus fits 90"
    );
    start[4].pop();
    assert_eq!(
        refused(&start),
        "invalid start: answer 5: 4 topics for its 5 words"
    );
    start[4].push(3);
    assert_eq!(
        refused(&start),
        "invalid start: answer 5: topic 3, but there are 3 topics (0 to 2)"
    );
}

#[test]
fn auto_runs_the_most_chains_on_a_small_corpus() {
    let model = fit(&params(None, ChainPick::LogLikelihood, 2));
    assert_eq!(model.chains().unwrap().chains(), lda::MAX_AUTO_CHAINS);
    assert_eq!(model.params().chains, None);
}

/// One chain is the plain fit: chain 0 uses the seed itself, no report.
#[test]
fn one_chain_is_the_plain_fit_of_the_seed() {
    let one = fit(&params(Some(1), ChainPick::LogLikelihood, 1));
    assert!(one.chains().is_none());
    let mut sampler =
        lda::Sampler::new(&corpus(), &params(Some(1), ChainPick::Consensus, 1)).expect("sampler");
    // Without optimization the sampler alone reproduces the fit's trace.
    let plain = LdaParams {
        optimize_interval: 0,
        ..params(Some(1), ChainPick::LogLikelihood, 1)
    };
    let fitted = fit(&plain);
    for _ in 0..plain.iterations {
        sampler.sweep();
    }
    assert_eq!(sampler.ll_per_token(), fitted.ll_per_token());
}

/// The kept chain is the one with the best score under the criterion, and
/// the model holds that chain: its log-likelihood is that chain's.
#[test]
fn the_kept_chain_is_the_best_under_the_criterion() {
    for pick in [ChainPick::LogLikelihood, ChainPick::Consensus] {
        let model = fit(&params(Some(6), pick, 2));
        let report = model.chains().unwrap();
        assert_eq!(report.pick, pick);
        let best = report
            .score
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(report.score[report.kept], best, "{report:?}");
        assert_eq!(report.ll_per_token[report.kept], model.ll_per_token());
    }
    // Under the log-likelihood criterion the score is the mean LL/token of
    // the saved sweeps: the kept chain's trace ends in the saved window.
    let model = fit(&params(Some(6), ChainPick::LogLikelihood, 1));
    let report = model.chains().unwrap();
    let trace = model.trace();
    let saved: Vec<f64> = trace
        .iteration
        .iter()
        .zip(&trace.ll_per_token)
        .filter(|(&i, _)| model.params().is_saved_sample(i))
        .map(|(_, &ll)| ll)
        .collect();
    let mean = saved.iter().sum::<f64>() / saved.len() as f64;
    assert!((report.score[report.kept] - mean).abs() < 1e-12);
}

/// θ is the posterior mean of the topic counts: over the saved draws of
/// every chain that found the kept chain's topics when several ran, over
/// the chain's own saved draws when one ran.
#[test]
fn theta_is_the_posterior_mean_over_the_pooled_chains() {
    let model = fit(&params(Some(4), ChainPick::LogLikelihood, 2));
    let report = model.chains().unwrap();
    assert_eq!(report.pooled[0], report.kept);
    assert!(report.pooled.len() >= 2, "{report:?}");
    let pooled = model.pooled().expect("pooled sums");
    // 60 sweeps hold 6 draws 10 apart, in each pooled chain.
    let saved = model.num_theta_draws() as u32;
    assert_eq!(saved, 6);
    assert_eq!(pooled.draws, saved * report.pooled.len() as u32);
    let k = model.k();
    let alpha_sum: f64 = model.alpha().iter().sum();
    for d in [0, 17, 89] {
        let length = model.documents()[d].length as f64;
        let expected: Vec<f64> = (0..k)
            .map(|t| {
                (pooled.sums[d * k + t] as f64 / pooled.draws as f64 + model.alpha()[t])
                    / (length + alpha_sum)
            })
            .collect();
        assert_eq!(model.theta(d), expected);
        let sum: u64 = pooled.sums[d * k..(d + 1) * k].iter().sum();
        assert_eq!(sum as f64, length * pooled.draws as f64);
    }
    // The last saved draw is the kept chain's final state.
    let last = model.num_theta_draws() - 1;
    let final_state: Vec<u32> = model
        .documents()
        .iter()
        .flat_map(|d| d.counts.clone())
        .collect();
    let draw: Vec<f64> = (0..90).flat_map(|d| model.theta_draw(last, d)).collect();
    let state: Vec<f64> = (0..90)
        .flat_map(|d| {
            let length = model.documents()[d].length as f64;
            (0..k)
                .map(|t| (final_state[d * k + t] as f64 + model.alpha()[t]) / (length + alpha_sum))
                .collect::<Vec<f64>>()
        })
        .collect();
    assert_eq!(draw, state);

    let one = fit(&params(Some(1), ChainPick::LogLikelihood, 1));
    assert!(one.pooled().is_none());
    let n = one.num_theta_draws();
    for d in [0, 45] {
        let mean: Vec<f64> = (0..k)
            .map(|t| (0..n).map(|s| one.theta_draw(s, d)[t]).sum::<f64>() / n as f64)
            .collect();
        for (a, b) in one.theta(d).iter().zip(&mean) {
            assert!((a - b).abs() < 1e-12, "{a} {b}");
        }
    }
}

/// Pooled sums that contradict the answers, or stand without a chain
/// report, are refused with the reason.
#[test]
fn pooled_sums_that_contradict_the_model_are_refused() {
    let mut data: serde_json::Value = serde_json::from_str(VALID_MODEL_DATA).unwrap();
    let load = |data: &serde_json::Value| {
        LdaModel::from_json(&model_file(&data.to_string()), Path::new("m.json"))
    };
    data["pooled"] = serde_json::json!({"draws": 2, "sums": [3, 3, 3, 3, 6, 0]});
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the model has pooled draws but no chain report"
    );
    data["chains"] = serde_json::json!({
        "kept": 0, "pick": "log_likelihood", "ll_per_token": [-2.0, -2.1],
        "score": [-2.0, -2.1], "topic_similarity": [1.0, 0.9], "pooled": [0, 1]
    });
    let model = load(&data).expect("valid pooled sums");
    assert_eq!(model.theta(2), vec![3.1 / 3.2, 0.1 / 3.2]);
    // Written before the bar was kept: those models pooled at 0.9.
    assert_eq!(model.chains().unwrap().pool_bar, 0.9);
    data["pooled"]["sums"] = serde_json::json!([3, 3, 3, 3, 6, 1]);
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the pooled draws give answer '3' 7 tokens over 2 draws, not 3 × 2"
    );
    data["pooled"]["sums"] = serde_json::json!([u64::MAX, 1, 3, 3, 6, 0]);
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the pooled draws give answer '1' more than 2^64 tokens over 2 draws, not 3 × 2"
    );
    data["pooled"]["sums"] = serde_json::json!([3, 3]);
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the pooled draws hold 2 sums over 2 draws, not 3 answers × k = 2 over at least one"
    );
    data["pooled"]["sums"] = serde_json::json!([3, 3, 3, 3, 6, 0]);
    data["chains"]["pooled"] = serde_json::json!([1, 0]);
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the chain report pools chains [1, 0] but keeps chain 0"
    );
    data["chains"]["pooled"] = serde_json::json!([0, 1]);
    data["chains"]["pool_bar"] = serde_json::json!(1.5);
    assert_eq!(
        load(&data).expect_err("refused").to_string(),
        "m.json: invalid model data: the chain report's pool bar 1.5 is not a similarity in (0, 1]"
    );
}

/// The summary names the chains, the kept one, the criterion and how well
/// the others agreed.
#[test]
fn the_summary_says_how_the_chains_agreed() {
    let model = fit(&params(Some(4), ChainPick::LogLikelihood, 2));
    let report = model.chains().unwrap();
    let line = model
        .summary(5)
        .lines()
        .find(|l| l.starts_with("| chains:"))
        .expect("a chains line")
        .to_string();
    assert_eq!(line, report.summary_line());
    assert!(
        line.starts_with(&format!(
            "| chains: 4 (kept chain {}, highest log-likelihood); agreement with the others: mean matched topic similarity {:.3}; ",
            report.kept,
            report.mean_similarity()
        )),
        "{line}"
    );
    // One chain: no line.
    let one = fit(&params(Some(1), ChainPick::LogLikelihood, 2));
    assert!(!one.summary(5).contains("| chains:"));
}

/// The report's line for fragile topics and for topics all chains found.
#[test]
fn the_summary_line_names_fragile_topics() {
    let mut report = lda::ChainReport {
        kept: 2,
        pick: ChainPick::Consensus,
        ll_per_token: vec![-5.0, -5.1, -5.2],
        score: vec![0.9, 0.8, 0.95],
        topic_similarity: vec![0.99, 0.5, 0.91],
        pooled: Vec::new(),
        pool_bar: 0.92,
    };
    assert_eq!(
        report.summary_line(),
        "| chains: 3 (kept chain 2, closest to the other chains); agreement with the others: mean matched topic similarity 0.800; fragile: #1 (similarity below 0.8; read with care)"
    );
    report.topic_similarity[1] = 0.85;
    assert_eq!(
        report.summary_line(),
        "| chains: 3 (kept chain 2, closest to the other chains); agreement with the others: mean matched topic similarity 0.917; every topic found by all chains"
    );
    report.pooled = vec![2];
    assert!(
        report.summary_line().ends_with(
            "; every topic found by all chains; θ from the kept chain alone (no other chain matched its topics at a mean similarity of 0.92 or more)"
        ),
        "{}",
        report.summary_line()
    );
    report.pooled = vec![2, 0];
    assert!(
        report
            .summary_line()
            .ends_with("; every topic found by all chains; θ averaged over the 2 of 3 chains whose topics match these at a mean similarity of 0.92 or more"),
        "{}",
        report.summary_line()
    );
}

/// The chain settings and report are saved and read back.
#[test]
fn the_chain_report_round_trips_through_the_model_file() {
    let model = fit(&params(Some(3), ChainPick::Consensus, 2));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    model.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"chains\":3"), "params record the count");
    assert!(text.contains("\"chain_pick\":\"consensus\""));
    let loaded = LdaModel::load(&path).unwrap();
    assert_eq!(loaded, model);
    assert_eq!(loaded.chains(), model.chains());
    assert_eq!(loaded.params().chain_pick, ChainPick::Consensus);
}

/// A model file from before chains (no `chains` in its settings, no chain
/// report) loads as a one-chain fit.
#[test]
fn models_written_before_chains_load_as_one_chain() {
    assert!(!VALID_MODEL_DATA.contains("chain"));
    let model = LdaModel::from_json(&model_file(VALID_MODEL_DATA), Path::new("old.json")).unwrap();
    assert_eq!(model.params().chains, Some(1));
    assert!(model.chains().is_none());
    assert!(!model.summary(3).contains("| chains:"));
}

/// A chain report that contradicts the model is refused with the reason.
#[test]
fn a_chain_report_of_the_wrong_size_is_refused() {
    let mut data: serde_json::Value = serde_json::from_str(VALID_MODEL_DATA).unwrap();
    data["chains"] = serde_json::json!({
        "kept": 0, "pick": "log_likelihood", "ll_per_token": [-2.0, -2.1],
        "score": [-2.0, -2.1], "topic_similarity": [1.0, 0.9, 0.8]
    });
    let err = LdaModel::from_json(&model_file(&data.to_string()), Path::new("m.json"))
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "m.json: invalid model data: the chain report has 3 topic similarities, not k = 2"
    );
    data["chains"]["topic_similarity"] = serde_json::json!([1.0, 0.9]);
    data["chains"]["kept"] = serde_json::json!(2);
    let err = LdaModel::from_json(&model_file(&data.to_string()), Path::new("m.json"))
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "m.json: invalid model data: the chain report has 2 chains, 2 scores and keeps chain 2"
    );
}

/// `topics fit --chains N` says how the chains agreed; a bad count is
/// refused with the flag named.
#[test]
fn fit_cli_takes_chains_and_refuses_bad_counts() {
    let dir = tempfile::tempdir().unwrap();
    let answers = crate::util::repo_file("examples/data/answers_en.txt");
    let answers = answers.to_str().unwrap();
    let base = [
        "fit",
        answers,
        "-k",
        "3",
        "--iterations",
        "50",
        "--quotes",
        "0",
    ];
    let run = crate::util::topics(dir.path(), &[&base[..], &["--chains", "2"]].concat()).ok();
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("| chains: 2 (kept chain "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains(
        ", highest log-likelihood); agreement with the others: mean matched topic similarity "
    ));
    let one = crate::util::topics(dir.path(), &[&base[..], &["--chains", "1"]].concat()).ok();
    assert!(!one.stdout.contains("| chains:"), "{}", one.stdout);
    let zero = crate::util::topics(dir.path(), &[&base[..], &["--chains", "0"]].concat());
    assert_eq!(zero.code, 8, "{}", zero.stderr);
    assert_eq!(
        zero.stderr,
        "topics: error: invalid --chains: must be at least 1\n"
    );
    let word = crate::util::topics(dir.path(), &[&base[..], &["--chains", "many"]].concat());
    assert_eq!(word.code, 2, "{}", word.stderr);
    assert!(
        word.stderr
            .contains("\"many\" is neither a number of chains nor `auto`"),
        "{}",
        word.stderr
    );
}

#[path = "../examples/generate_lda_answers.rs"]
#[allow(dead_code)]
mod lda_answers;

/// The second set of known-theme answers (`examples/data/lda/`) is what
/// its seeded generator writes.
#[test]
fn committed_lda_answers_equal_a_fresh_generation() {
    for (name, fresh) in lda_answers::files().unwrap() {
        let path = lda_answers::data_dir().join(name);
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == fresh,
            "{} is stale: run `cargo run --example generate_lda_answers` and commit",
            path.display()
        );
        assert_eq!(
            committed.lines().count(),
            if name.ends_with(".csv") { 314 } else { 313 }
        );
    }
}
