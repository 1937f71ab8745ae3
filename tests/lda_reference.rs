//! LDA checked against references: a synthetic corpus with known topics,
//! and the AP corpus against the log-likelihoods of MALLET, R lda and
//! tomotopy. The synthetic corpus is committed in tests/data/corpora (copied
//! from ../shared/data/corpora); the AP test needs ../shared/data, so it is
//! `#[ignore]`d and run with `--ignored` where that folder is present.

use crate::util;

use std::collections::HashMap;

use topics::corpus::{Corpus, PruneOptions};
use topics::io::read_answers;
use topics::lda::{self, LdaModel, LdaParams};
use topics::text::{Analyzer, TextOptions};

fn fit_pretokenized(path: &std::path::Path, params: &LdaParams) -> LdaModel {
    let answers = read_answers(path, &Default::default()).unwrap();
    let options = TextOptions {
        pretokenized: true,
        ..Default::default()
    };
    let analyzer = Analyzer::new(options.clone()).unwrap();
    let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE).unwrap();
    lda::fit(&corpus, params, options, &mut |_| {}).unwrap()
}

/// Reads `topic<TAB>word<TAB>prob` rows into one map per topic.
fn true_topics(path: &std::path::Path) -> Vec<HashMap<String, f64>> {
    let mut topics: Vec<HashMap<String, f64>> = Vec::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let t: usize = cols[0].parse().unwrap();
        if topics.len() <= t {
            topics.resize(t + 1, HashMap::new());
        }
        topics[t].insert(cols[1].to_string(), cols[2].parse().unwrap());
    }
    topics
}

/// Total-variation distance between a fitted φ row and a true topic, over
/// the union of both supports.
fn total_variation(model: &LdaModel, topic: usize, truth: &HashMap<String, f64>) -> f64 {
    let phi = model.phi_row(topic);
    let vocab = model.vocab();
    let mut distance = 0.0;
    for (w, p) in phi.iter().enumerate() {
        let q = truth.get(vocab.term(w as u32)).copied().unwrap_or(0.0);
        distance += (p - q).abs();
    }
    for (word, q) in truth {
        if vocab.id(word).is_none() {
            distance += q;
        }
    }
    distance / 2.0
}

/// All permutations of 0..n (n is small).
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

/// PROVENANCE (tests/data/corpora, from ../shared/data/corpora): 300 documents drawn from a known
/// LDA model, K = 3, alpha 0.5, beta 0.05; tomotopy recovers the topics at
/// mean matched total-variation distance 0.175; ≤ 0.20 leaves room for noise.
#[test]
fn recovers_known_synthetic_topics() {
    let corpus = util::repo_file("tests/data/corpora/synthetic_k3_d300.txt");
    let phi = util::repo_file("tests/data/corpora/synthetic_k3_d300_phi.tsv");
    let truth = true_topics(&phi);
    assert_eq!(truth.len(), 3);
    let params = LdaParams {
        k: 3,
        alpha: 0.5,
        beta: 0.05,
        optimize_interval: 0,
        ..Default::default()
    };
    let model = fit_pretokenized(&corpus, &params);
    let tv: Vec<Vec<f64>> = (0..3)
        .map(|f| {
            (0..3)
                .map(|t| total_variation(&model, f, &truth[t]))
                .collect()
        })
        .collect();
    let best = permutations(3)
        .into_iter()
        .map(|perm| perm.iter().enumerate().map(|(f, &t)| tv[f][t]).sum::<f64>() / 3.0)
        .fold(f64::INFINITY, f64::min);
    eprintln!("mean matched total-variation distance: {best:.4} (tomotopy 0.175)");
    assert!(best <= 0.20, "mean matched TV distance {best}");
}

/// PROVENANCE: on ap.txt with K = 20, alpha 0.1, beta 0.01,
/// 200 iterations, no optimization, MALLET reaches LL/token −8.494, R lda
/// −8.508, tomotopy −8.526; at least −8.56 is within 0.034 of the weakest.
#[test]
#[ignore = "needs ../shared/data/corpora/ap.txt (run with --ignored where it is present)"]
fn ap_log_likelihood_matches_established_samplers() {
    let corpus = util::shared_data("corpora/ap.txt");
    let params = LdaParams {
        k: 20,
        iterations: 200,
        alpha: 0.1,
        beta: 0.01,
        seed: 1,
        optimize_interval: 0,
        ..Default::default()
    };
    let model = fit_pretokenized(&corpus, &params);
    assert_eq!(
        model.num_tokens(),
        435_838,
        "PROVENANCE: ap.txt has 435,838 tokens"
    );
    assert_eq!(
        model.vocab().len(),
        10_473,
        "PROVENANCE: ap.txt has 10,473 types"
    );
    let ll = model.ll_per_token();
    eprintln!("ap.txt K=20 LL/token after 200 iterations: {ll:.4} (MALLET −8.494, R lda −8.508, tomotopy −8.526)");
    assert!(ll >= -8.56, "LL/token {ll}");
    // The likelihood climbs from the random start.
    assert!(model.trace().ll_per_token[0] < ll);
}

/// With hyperparameter optimization on (the default), alpha is learned
/// from a poor start (0.1) back to near the generator's symmetric 0.5.
/// (Beta is not compared: the model only sees the 811 of 2,000 generator
/// words that occur, so its beta is not the generator's.)
#[test]
fn optimization_keeps_synthetic_alpha_near_truth() {
    let corpus = util::repo_file("tests/data/corpora/synthetic_k3_d300.txt");
    let params = LdaParams {
        k: 3,
        alpha: 0.1,
        beta: 0.01,
        ..Default::default()
    };
    let model = fit_pretokenized(&corpus, &params);
    for &a in model.alpha() {
        assert!((0.25..1.0).contains(&a), "alpha {:?}", model.alpha());
    }
}
