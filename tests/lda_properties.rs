//! Property tests of the sampler's invariants on arbitrary small corpora:
//! every token is counted once, θ rows are distributions, and the seed
//! alone decides the result.

use proptest::prelude::*;
use topics::corpus::{Corpus, PruneOptions};
use topics::io::Answer;
use topics::lda::{self, LdaParams};
use topics::text::{Analyzer, TextOptions};

fn corpus_from(docs: &[Vec<u8>]) -> Corpus {
    let answers: Vec<Answer> = docs
        .iter()
        .enumerate()
        .map(|(i, words)| Answer {
            id: (i + 1).to_string(),
            text: words
                .iter()
                .map(|w| format!("w{w}"))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    let analyzer = Analyzer::new(TextOptions {
        pretokenized: true,
        ..Default::default()
    })
    .unwrap();
    Corpus::build(&answers, &analyzer, PruneOptions::NONE).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn counts_and_theta_are_consistent(
        docs in prop::collection::vec(prop::collection::vec(0u8..30, 1..15), 3..25),
        k in 1usize..6,
        seed in any::<u64>(),
        optimize in prop::bool::ANY,
    ) {
        let corpus = corpus_from(&docs);
        prop_assume!(k <= corpus.docs.len());
        let params = LdaParams {
            k,
            iterations: 30,
            seed,
            burn_in: 5,
            optimize_interval: if optimize { 5 } else { 0 },
            ..Default::default()
        };
        let model = lda::fit(&corpus, &params, TextOptions::default(), &mut |_| {}).unwrap();
        let tokens: usize = docs.iter().map(Vec::len).sum();
        prop_assert_eq!(model.num_tokens() as usize, tokens);
        for t in 0..k {
            let sum: u64 = model.topic_word_counts(t).iter().map(|&n| n as u64).sum();
            prop_assert_eq!(sum, model.topic_counts()[t]);
            let phi: f64 = model.phi_row(t).iter().sum();
            prop_assert!((phi - 1.0).abs() < 1e-9);
        }
        for (d, doc) in model.documents().iter().enumerate() {
            prop_assert_eq!(doc.counts.iter().map(|&n| n as usize).sum::<usize>(), doc.length);
            let theta = model.theta(d);
            prop_assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            prop_assert!(theta.iter().all(|&p| p > 0.0));
        }
        prop_assert!(model.alpha().iter().all(|&a| a.is_finite() && a > 0.0));
        prop_assert!(model.beta().is_finite() && model.beta() > 0.0);
        let again = lda::fit(&corpus, &params, TextOptions::default(), &mut |_| {}).unwrap();
        prop_assert_eq!(model, again);
    }
}

/// The saved posterior draws: as many as asked, the last one is the final
/// state, and each is a distribution per answer.
#[test]
fn posterior_draws_end_at_the_final_state() {
    // Overlapping word ranges, so the posterior is not a single point.
    let docs: Vec<Vec<u8>> = (0..40usize)
        .map(|d| (0..8).map(|i| ((d * 7 + i * 3) % 12) as u8).collect())
        .collect();
    let corpus = corpus_from(&docs);
    let params = LdaParams {
        k: 4,
        iterations: 100,
        saved_samples: 7,
        sample_interval: 5,
        ..Default::default()
    };
    let model = lda::fit(&corpus, &params, TextOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(model.num_theta_draws(), 7);
    for d in 0..model.documents().len() {
        assert_eq!(model.theta_draw(6, d), model.final_theta(d));
        for s in 0..7 {
            assert!((model.theta_draw(s, d).iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
    assert!(
        (0..model.documents().len()).any(|d| model.theta_draw(0, d) != model.final_theta(d)),
        "draws differ"
    );
    // More draws asked than sweeps allow: every sweep that fits is kept.
    let params = LdaParams {
        k: 2,
        iterations: 12,
        saved_samples: 50,
        sample_interval: 5,
        ..Default::default()
    };
    let model = lda::fit(&corpus, &params, TextOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(model.num_theta_draws(), 3, "sweeps 2, 7 and 12");
}
