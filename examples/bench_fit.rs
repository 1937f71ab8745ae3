//! Fits LDA on a pretokenized corpus (one document per line, tokens split
//! by spaces) and prints one JSON line: tokens, training seconds,
//! token-samples per second and the final joint log-likelihood per token.
//!
//! The corpus is streamed line by line into word ids (no document text is
//! kept), so peak memory is the sampler's, as for tomotopy's `add_doc`.
//! Used by `benches/compare_tomotopy.py`; run it directly with
//!
//! ```text
//! cargo run --release --example bench_fit -- CORPUS K ITERATIONS ALPHA BETA SEED THREADS [sparse|dense]
//! ```

use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;

use topics::corpus::{Corpus, CorpusReport, Document, Vocabulary};
use topics::lda::{self, InstructionSet, Kernel, LdaParams};
use topics::text::TextOptions;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 7,
        "usage: bench_fit CORPUS K ITERATIONS ALPHA BETA SEED THREADS [sparse|dense]"
    );
    let corpus = read_corpus(&args[0])?;
    let kernel = match args.get(7).map(String::as_str) {
        None | Some("sparse") => Kernel::Sparse,
        Some("dense") => Kernel::Dense,
        Some(other) => anyhow::bail!("unknown kernel {other:?} (sparse or dense)"),
    };
    let iterations: usize = args[2].parse()?;
    let params = LdaParams {
        k: args[1].parse()?,
        iterations,
        alpha: args[3].parse()?,
        beta: args[4].parse()?,
        seed: args[5].parse()?,
        burn_in: 0,
        optimize_interval: 0,
        trace_interval: iterations,
        kernel,
        threads: Some(args[6].parse()?),
        // Only the final state, as tomotopy keeps.
        saved_samples: 1,
        sample_interval: 1,
        // One chain, as tomotopy runs.
        chains: Some(1),
        chain_pick: Default::default(),
    };
    let tokens: usize = corpus.docs.iter().map(|d| d.words.len()).sum();
    let isa = chosen_instruction_set()?;
    let start = Instant::now();
    let cpu_start = process_cpu_seconds();
    let model = lda::fit(&corpus, &params, TextOptions::default(), &mut |_| {})?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = process_cpu_seconds().map(|end| end - cpu_start.unwrap_or(0.0));
    let ll = model
        .trace()
        .ll_per_token
        .last()
        .copied()
        .unwrap_or(f64::NAN);
    println!(
        "{{\"tool\": \"topics {} ({kernel:?}, {} threads, {})\", \"isa\": \"{}\", \"tokens\": {tokens}, \"seconds\": {seconds}, \"cpu_seconds\": {}, \"samples_per_s\": {}, \"ll_per_token\": {ll}}}",
        env!("CARGO_PKG_VERSION"),
        args[6],
        isa.name(),
        isa.name(),
        cpu_seconds.map_or("null".to_string(), |s| s.to_string()),
        tokens as f64 * iterations as f64 / seconds
    );
    Ok(())
}

/// The instruction set the sampler uses; an error when `TOPICS_SIMD` asks
/// for one that is not used (a misspelt name, or one the CPU lacks), so that
/// a benchmark never reports one path's speed under another's name.
fn chosen_instruction_set() -> anyhow::Result<InstructionSet> {
    let isa = lda::instruction_set();
    if let Some(requested) = std::env::var("TOPICS_SIMD")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        anyhow::ensure!(
            InstructionSet::parse(&requested) == Some(isa),
            "TOPICS_SIMD={requested:?} cannot be honoured on this CPU (best: {})",
            InstructionSet::detected().name()
        );
    }
    Ok(isa)
}

/// Reads a pretokenized corpus without keeping its text.
fn read_corpus(path: &str) -> anyhow::Result<Corpus> {
    let reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut terms: Vec<String> = Vec::new();
    let mut docs = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        let words: Vec<u32> = line
            .split_ascii_whitespace()
            .map(|t| match index.get(t) {
                Some(&id) => id,
                None => {
                    let id = terms.len() as u32;
                    index.insert(t.to_string(), id);
                    terms.push(t.to_string());
                    id
                }
            })
            .collect();
        if !words.is_empty() {
            docs.push(Document {
                id: (n + 1).to_string(),
                text: String::new(),
                words,
            });
        }
    }
    drop(index);
    let tokens = docs.iter().map(|d| d.words.len()).sum();
    let report = CorpusReport {
        answers: docs.len(),
        tokens,
        ..Default::default()
    };
    Ok(Corpus {
        vocab: Vocabulary::new(terms.clone(), terms),
        docs,
        report,
    })
}

/// CPU seconds (user + system, all threads, including finished ones) used by
/// this process so far, from `/proc/self/stat` (Linux; clock ticks of 1/100 s).
/// Under load from other processes, CPU time is a steadier measure of work
/// than wall time.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesized command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
