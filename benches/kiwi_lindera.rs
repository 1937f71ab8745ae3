//! Korean tokenization throughput of the analyzers on the committed NSMC
//! sample (500 reviews): lindera over mecab-ko-dic vs the rule-based
//! fallback. The side-by-side comparison with Kiwi itself is
//! `benches/kiwi_compare.py` (Kiwi is Python, so it cannot run here).
//!
//! `cargo bench --bench kiwi_lindera`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use topics::text::{Analyzer, KoAnalyzer, Lang, TextOptions};

const SAMPLE: &str = include_str!("../tests/data/text/nsmc_ko_500.txt");

fn analyzers(c: &mut Criterion) {
    let lines: Vec<&str> = SAMPLE.lines().collect();
    let mut group = c.benchmark_group("korean_500_lines");
    group.throughput(Throughput::Elements(lines.len() as u64));
    for (name, ko_analyzer) in [
        ("lindera", KoAnalyzer::Lindera),
        ("rules", KoAnalyzer::Rules),
    ] {
        let options = TextOptions {
            lang: Lang::Ko,
            ko_analyzer,
            ..TextOptions::default()
        };
        let analyzer =
            Analyzer::new(options).expect("analyzer builds (compiles the dictionary on first use)");
        // Checked inside the benchmark so a broken analyzer cannot post a fast time.
        let tokens: usize = lines.iter().map(|l| analyzer.tokens(l).len()).sum();
        assert!(tokens > 3 * lines.len(), "{name}: only {tokens} tokens");
        group.bench_function(name, |b| {
            b.iter(|| {
                lines
                    .iter()
                    .map(|l| analyzer.tokens(l).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analyzers);
criterion_main!(benches);
