//! AMCE and marginal means with respondent-clustered errors on a large
//! simulated design (1 million profile rows, 50,000 respondents, 9
//! features), the data already in memory. The statsmodels comparison,
//! including CSV reading, is `benches/compare_conjoint.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use topics::conjoint::data::{ConjointData, Spec};
use topics::conjoint::design::Options;
use topics::conjoint::{estimate, simulate};

fn large() -> (String, Spec) {
    let features = simulate::bench_features(9);
    let mut csv = Vec::new();
    simulate::write_forced_choice(&mut csv, &features, 50_000, 10, 7).expect("in-memory write");
    let spec = Spec {
        respondent: Some("respondent".into()),
        features: features.iter().map(|f| f.name.clone()).collect(),
        outcomes: vec!["chosen".into()],
        ..Spec::default()
    };
    (String::from_utf8(csv).expect("ASCII"), spec)
}

fn bench(c: &mut Criterion) {
    let (csv, spec) = large();
    let data = ConjointData::parse(&csv, "large.csv".as_ref(), &spec).expect("valid data");
    assert_eq!(data.nrows(), 1_000_000);
    let opts = Options::default();
    let mut group = c.benchmark_group("conjoint_1m_rows_9_features");
    group.sample_size(10);
    group.bench_function("read_csv", |b| {
        b.iter(|| ConjointData::parse(&csv, "large.csv".as_ref(), &spec).expect("valid"))
    });
    group.bench_function("amce", |b| {
        b.iter(|| estimate::amce(&data, "chosen", &opts).expect("fit"))
    });
    group.bench_function("mm", |b| {
        b.iter(|| estimate::mm(&data, "chosen", &opts).expect("fit"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
