//! Writes a seeded synthetic corpus drawn from a known LDA model, one
//! document per line (pretokenized, words `w<id>`), for memory and speed
//! benchmarks far larger than the shared real corpora.
//!
//! The model: K topics, each a Dirichlet(beta) distribution over V words;
//! each document draws topic shares from Dirichlet(alpha) and a length from
//! Poisson(mean length), then each token a topic and a word. The same
//! arguments always give the same file.
//!
//! ```text
//! cargo run --release --example generate_synthetic_corpus -- OUT [TOKENS=10000000] [SEED=1]
//!     [K=100] [V=50000] [MEAN_LENGTH=200] [ALPHA=0.1] [BETA=0.05]
//! ```

use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> anyhow::Result<T> {
    match args.get(i) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| anyhow::anyhow!("argument {} ({s:?}) is not a valid number", i + 1)),
    }
}

/// A draw from Dirichlet(concentration, …, concentration) of dimension n,
/// as normalized Gamma draws.
fn dirichlet(
    n: usize,
    concentration: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> anyhow::Result<Vec<f64>> {
    let gamma = Gamma::new(concentration, 1.0)?;
    let mut x: Vec<f64> = (0..n).map(|_| gamma.sample(rng)).collect();
    let total: f64 = x.iter().sum();
    if total > 0.0 {
        x.iter_mut().for_each(|v| *v /= total);
    } else {
        // All draws underflowed (tiny concentration): put the mass on one point.
        x[rng.random_range(0..n)] = 1.0;
    }
    Ok(x)
}

/// Running sums, for drawing an index by binary search.
fn cumulative(p: &[f64]) -> Vec<f64> {
    let mut sum = 0.0;
    p.iter()
        .map(|v| {
            sum += v;
            sum
        })
        .collect()
}

fn draw(cumulative: &[f64], rng: &mut Xoshiro256PlusPlus) -> usize {
    let u = rng.random::<f64>() * cumulative[cumulative.len() - 1];
    cumulative
        .partition_point(|&c| c <= u)
        .min(cumulative.len() - 1)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first().map(PathBuf::from) else {
        anyhow::bail!("usage: generate_synthetic_corpus OUT [TOKENS] [SEED] [K] [V] [MEAN_LENGTH] [ALPHA] [BETA]");
    };
    let tokens: usize = arg(&args, 1, 10_000_000)?;
    let seed: u64 = arg(&args, 2, 1)?;
    let k: usize = arg(&args, 3, 100)?;
    let v: usize = arg(&args, 4, 50_000)?;
    let mean_length: f64 = arg(&args, 5, 200.0)?;
    let alpha: f64 = arg(&args, 6, 0.1)?;
    let beta: f64 = arg(&args, 7, 0.05)?;
    anyhow::ensure!(
        k > 0 && v > 0 && mean_length >= 1.0,
        "K, V and the mean length must be positive"
    );

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let topics: Vec<Vec<f64>> = (0..k)
        .map(|_| dirichlet(v, beta, &mut rng).map(|p| cumulative(&p)))
        .collect::<anyhow::Result<_>>()?;
    let length = Poisson::new(mean_length)?;
    let mut written = 0usize;
    let mut docs = 0usize;
    topics::io::write_atomic(&out, |w| {
        let mut line = String::new();
        while written < tokens {
            let theta = cumulative(&dirichlet(k, alpha, &mut rng).map_err(std::io::Error::other)?);
            let n = (length.sample(&mut rng) as usize).clamp(1, tokens - written);
            line.clear();
            for i in 0..n {
                let word = draw(&topics[draw(&theta, &mut rng)], &mut rng);
                if i > 0 {
                    line.push(' ');
                }
                line.push('w');
                line.push_str(&word.to_string());
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
            written += n;
            docs += 1;
        }
        Ok(())
    })?;
    eprintln!(
        "{}: {docs} documents, {written} tokens (K {k}, V {v}, seed {seed})",
        out.display()
    );
    Ok(())
}
