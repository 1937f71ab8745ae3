//! One Gibbs sweep over `ap.txt` (435,838 tokens) at several K, sparse and
//! dense kernels, 1 and 2 threads, and the joint log-likelihood that
//! `topics fit` traces every 10 sweeps (sparse kernel, K = 20 and 100).
//! The chain is burned in for 20 sweeps first, so the measured sweeps see
//! realistic (sparse) counts.
//!
//! `cargo bench --bench sweep`; the corpus comes from `../shared/data/`
//! and the bench says so and stops when it is absent.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use topics::corpus::{Corpus, PruneOptions};
use topics::io::answers_from_lines;
use topics::lda::{Kernel, LdaParams, Sampler};
use topics::text::{Analyzer, TextOptions};

const AP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/corpora/ap.txt");

fn ap_corpus() -> Option<Corpus> {
    let text = std::fs::read_to_string(AP).ok()?;
    let analyzer = Analyzer::new(TextOptions {
        pretokenized: true,
        ..Default::default()
    })
    .ok()?;
    Corpus::build(&answers_from_lines(&text), &analyzer, PruneOptions::NONE).ok()
}

/// A chain at `k` topics after 20 sweeps (`None`, said on stderr, when it
/// cannot be set up).
fn burned_in(corpus: &Corpus, k: usize, kernel: Kernel, threads: usize) -> Option<Sampler> {
    let params = LdaParams {
        k,
        kernel,
        threads: Some(threads),
        optimize_interval: 0,
        ..Default::default()
    };
    let Ok(mut sampler) = Sampler::new(corpus, &params) else {
        eprintln!("could not set up K = {k}");
        return None;
    };
    for _ in 0..20 {
        sampler.sweep();
    }
    Some(sampler)
}

fn sweep(c: &mut Criterion) {
    let Some(corpus) = ap_corpus() else {
        eprintln!("{AP} is absent: nothing to benchmark");
        return;
    };
    let tokens: usize = corpus.docs.iter().map(|d| d.words.len()).sum();
    let mut group = c.benchmark_group("sweep_ap");
    group.throughput(Throughput::Elements(tokens as u64));
    group.sample_size(10);
    let cases = [
        (20, Kernel::Sparse, 1),
        (50, Kernel::Sparse, 1),
        (100, Kernel::Sparse, 1),
        (200, Kernel::Sparse, 1),
        (100, Kernel::Sparse, 2),
        (20, Kernel::Dense, 1),
        (100, Kernel::Dense, 1),
    ];
    for (k, kernel, threads) in cases {
        let Some(mut sampler) = burned_in(&corpus, k, kernel, threads) else {
            continue;
        };
        let id = BenchmarkId::new(format!("{kernel:?}/{threads}thread"), k);
        group.bench_function(id, |b| b.iter(|| sampler.sweep()));
    }
    group.finish();
}

/// The log-likelihood of a burned-in chain (its ln Γ tables already made,
/// as from the second trace of a fit on).
fn log_likelihood(c: &mut Criterion) {
    let Some(corpus) = ap_corpus() else {
        eprintln!("{AP} is absent: nothing to benchmark");
        return;
    };
    let mut group = c.benchmark_group("log_likelihood_ap");
    group.sample_size(20);
    for k in [20, 100] {
        let Some(sampler) = burned_in(&corpus, k, Kernel::Sparse, 1) else {
            continue;
        };
        group.bench_function(BenchmarkId::new("sparse", k), |b| {
            b.iter(|| sampler.ll_per_token())
        });
    }
    group.finish();
}

criterion_group!(benches, sweep, log_likelihood);
criterion_main!(benches);
