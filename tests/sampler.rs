//! The Gibbs kernels through the public API: the sparse default gives the
//! same model on any number of threads, and samples the same distribution
//! as the dense reference kernel.

use topics::corpus::{Corpus, PruneOptions};
use topics::io::answers_from_lines;
use topics::lda::{self, Kernel, LdaModel, LdaParams, Sampler};
use topics::text::{Analyzer, TextOptions};

fn pretokenized(text: &str) -> Corpus {
    let analyzer = Analyzer::new(TextOptions {
        pretokenized: true,
        ..Default::default()
    })
    .unwrap();
    Corpus::build(&answers_from_lines(text), &analyzer, PruneOptions::NONE).unwrap()
}

/// 1,700 documents of 120 tokens over 400 words (204,000 tokens: the
/// sparse kernel cuts it into 2 × 2 blocks), from a fixed arithmetic
/// pattern so that topics exist.
fn generated_corpus() -> Corpus {
    let mut text = String::new();
    for d in 0..1700u64 {
        let theme = d % 5;
        let words: Vec<String> = (0..120u64)
            .map(|i| {
                let w = if (i * 7 + d) % 3 == 0 {
                    (i * 31 + d * 17) % 400
                } else {
                    theme * 80 + (i * 13 + d) % 80
                };
                format!("w{w}")
            })
            .collect();
        text.push_str(&words.join(" "));
        text.push('\n');
    }
    pretokenized(&text)
}

fn fit(corpus: &Corpus, params: &LdaParams) -> LdaModel {
    lda::fit(corpus, params, TextOptions::default(), &mut |_| {}).unwrap()
}

fn assert_same_model(a: &LdaModel, b: &LdaModel) {
    assert_eq!(a.documents(), b.documents());
    assert_eq!(a.trace(), b.trace());
    assert_eq!(a.alpha(), b.alpha());
    assert_eq!(a.beta(), b.beta());
    for t in 0..a.k() {
        assert_eq!(a.phi_row(t), b.phi_row(t));
    }
}

/// Fitting a corpus it owns (texts moved, not copied) gives the model that
/// fitting a borrowed corpus gives, draws and texts included.
#[test]
fn owned_and_borrowed_corpus_fit_the_same_model() {
    let corpus = generated_corpus();
    let params = LdaParams {
        k: 6,
        iterations: 12,
        saved_samples: 3,
        sample_interval: 2,
        ..Default::default()
    };
    let borrowed = fit(&corpus, &params);
    let owned = lda::fit_owned(corpus, &params, TextOptions::default(), &mut |_| {}).unwrap();
    assert_same_model(&borrowed, &owned);
    assert_eq!(borrowed.num_theta_draws(), 3);
    assert_eq!(borrowed.num_theta_draws(), owned.num_theta_draws());
    for draw in 0..3 {
        assert_eq!(borrowed.theta_draw(draw, 7), owned.theta_draw(draw, 7));
    }
}

#[test]
fn same_seed_same_model_on_1_2_and_4_threads() {
    let corpus = generated_corpus();
    // Hyperparameter optimization included: it must not depend on threads either.
    let params = LdaParams {
        k: 8,
        iterations: 6,
        burn_in: 2,
        optimize_interval: 2,
        trace_interval: 1,
        ..Default::default()
    };
    let one = fit(
        &corpus,
        &LdaParams {
            threads: Some(1),
            ..params.clone()
        },
    );
    let two = fit(
        &corpus,
        &LdaParams {
            threads: Some(2),
            ..params.clone()
        },
    );
    let four = fit(
        &corpus,
        &LdaParams {
            threads: Some(4),
            ..params.clone()
        },
    );
    assert_same_model(&one, &two);
    assert_same_model(&one, &four);
    let other_seed = fit(
        &corpus,
        &LdaParams {
            threads: Some(2),
            seed: 2,
            ..params
        },
    );
    assert_ne!(one.documents(), other_seed.documents(), "the seed matters");
}

#[test]
fn sampler_sweeps_one_at_a_time() {
    let corpus = pretokenized("apple banana apple\nbanana cherry\ncherry apple date\n");
    let params = LdaParams {
        k: 2,
        optimize_interval: 0,
        ..Default::default()
    };
    let mut sampler = Sampler::new(&corpus, &params).unwrap();
    assert_eq!((sampler.sweeps(), sampler.tokens()), (0, 8));
    let before = sampler.ll_per_token();
    sampler.sweep();
    sampler.sweep();
    assert_eq!(sampler.sweeps(), 2);
    assert!(before.is_finite() && sampler.ll_per_token().is_finite());
    let bad = LdaParams {
        threads: Some(0),
        ..params
    };
    assert_eq!(
        Sampler::new(&corpus, &bad).err().unwrap().to_string(),
        "invalid --threads: must be at least 1"
    );
}

fn mean_and_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Sparse and dense kernels reach the same log-likelihood distribution
/// over seeds on the shared synthetic corpus (300 documents of about 25
/// tokens; see `tests/data/corpora/PROVENANCE.md`), in both layouts of
/// the sparse kernel: at K = 3 it keeps the document counts as lists, at
/// K = 10 as dense rows (32 bytes a document against 40 for lists). The
/// exact-posterior check on a tiny corpus is a unit test in
/// `src/lda/sparse/scheduler.rs`.
#[test]
fn sparse_and_dense_kernels_agree_over_seeds() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/corpora/synthetic_k3_d300.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let corpus = pretokenized(&text);
    for k in [3, 10] {
        kernels_agree_over_seeds(&corpus, k);
    }
}

fn kernels_agree_over_seeds(corpus: &Corpus, k: usize) {
    let run = |kernel: Kernel| -> Vec<f64> {
        (1..=6)
            .map(|seed| {
                let params = LdaParams {
                    k,
                    iterations: 150,
                    alpha: 0.5,
                    beta: 0.05,
                    seed,
                    optimize_interval: 0,
                    kernel,
                    ..Default::default()
                };
                *fit(corpus, &params).trace().ll_per_token.last().unwrap()
            })
            .collect()
    };
    let (sparse, dense) = (run(Kernel::Sparse), run(Kernel::Dense));
    let (ms, ss) = mean_and_sd(&sparse);
    let (md, sd) = mean_and_sd(&dense);
    let se = ((ss * ss + sd * sd) / 6.0).sqrt();
    assert!(
        (ms - md).abs() < 4.0 * se + 0.002,
        "K {k}: sparse {ms:.4}±{ss:.4} vs dense {md:.4}±{sd:.4}: {sparse:?} {dense:?}"
    );
}
