//! How well `topics fit` recovers known themes, seed by seed.
//!
//! For a folder of answers whose true themes are known (the bundled
//! `examples/data/`, or one written by `generate_lda_answers`), fits
//! `-k 3` with the default settings of `topics fit` for each seed, matches
//! topics to themes (the one-to-one assignment maximizing the answers on the
//! diagonal of the topic × theme table, by the Hungarian method) and prints,
//! per seed, the agreement (the share of fitted answers whose dominant topic
//! is their true dominant theme) and the final joint log-likelihood per
//! token; then the median and the worst seed. A fit that hangs on the seed's
//! luck shows as a wide spread here.
//!
//! ```text
//! cargo run --release --example theme_agreement -- [--data DIR] [--lang en,ko]
//!     [--seeds N] [--chains N|auto] [--pick ll|consensus] [--theta mean|final]
//! ```
//!
//! `--theta final` scores the kept chain's final Gibbs state alone (θ as it
//! was before chains were pooled); the default `mean` scores the model's θ,
//! the posterior mean over the pooled chains' draws.
//!
//! `DIR` holds `answers_en.txt`, `answers_ko.txt` (one answer a line, line
//! *i* is respondent *i*) and `respondents.csv`, whose first column is the
//! id and last column the dominant theme (0-based).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use topics::corpus::{Corpus, CorpusFile, PruneOptions};
use topics::explore::hungarian_max;
use topics::io::InputOptions;
use topics::lda::{self, ChainPick, LdaModel, LdaParams};
use topics::text::TextOptions;

/// Topics fitted: the bundled data have three themes.
const K: usize = 3;

struct Options {
    data: PathBuf,
    langs: Vec<String>,
    seeds: u64,
    chains: Option<usize>,
    pick: ChainPick,
    final_state: bool,
}

fn parse_args() -> anyhow::Result<Options> {
    let mut o = Options {
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data"),
        langs: vec!["en".into(), "ko".into()],
        seeds: 10,
        chains: LdaParams::default().chains,
        pick: LdaParams::default().chain_pick,
        final_state: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let [flag, value] = pair else {
            bail!("{} needs a value", pair[0]);
        };
        match flag.as_str() {
            "--data" => o.data = PathBuf::from(value),
            "--lang" => o.langs = value.split(',').map(str::to_string).collect(),
            "--seeds" => o.seeds = value.parse().context("--seeds")?,
            "--chains" if value == "auto" => o.chains = None,
            "--chains" => o.chains = Some(value.parse().context("--chains")?),
            "--pick" => {
                o.pick = match value.as_str() {
                    "ll" => ChainPick::LogLikelihood,
                    "consensus" => ChainPick::Consensus,
                    other => bail!("--pick {other:?}: ll or consensus"),
                }
            }
            "--theta" => {
                o.final_state = match value.as_str() {
                    "mean" => false,
                    "final" => true,
                    other => bail!("--theta {other:?}: mean or final"),
                }
            }
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(o)
}

/// The true dominant theme of each respondent, by id.
fn read_truth(path: &Path) -> anyhow::Result<std::collections::HashMap<String, usize>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut truth = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let theme = fields
            .last()
            .and_then(|t| t.parse().ok())
            .with_context(|| {
                format!("{}:{}: no theme in the last column", path.display(), i + 1)
            })?;
        truth.insert(fields[0].to_string(), theme);
    }
    Ok(truth)
}

/// The share of fitted answers whose dominant topic, after matching topics
/// to themes one to one, is their true dominant theme.
fn agreement(
    model: &LdaModel,
    truth: &std::collections::HashMap<String, usize>,
    final_state: bool,
) -> f64 {
    let mut table = vec![vec![0.0; K]; K];
    let mut n = 0;
    for (d, doc) in model.documents().iter().enumerate() {
        let Some(&theme) = truth.get(&doc.id) else {
            continue;
        };
        let theta = if final_state {
            model.final_theta(d)
        } else {
            model.theta(d)
        };
        let topic = (0..K).fold(0, |b, t| if theta[t] > theta[b] { t } else { b });
        table[topic][theme] += 1.0;
        n += 1;
    }
    let matched: f64 = hungarian_max(&table)
        .iter()
        .enumerate()
        .map(|(t, &theme)| table[t][theme])
        .sum();
    matched / n as f64
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn run_language(o: &Options, lang: &str) -> anyhow::Result<()> {
    let truth = read_truth(&o.data.join("respondents.csv"))?;
    let path = o.data.join(format!("answers_{lang}.txt"));
    let mut scores = Vec::new();
    println!("{} ({lang})", path.display());
    println!("seed  agreement  LL/token  chains  chain agreement  seconds");
    for seed in 1..=o.seeds {
        // As `topics fit FILE -k 3 --seed S`: the default input, text and
        // pruning options.
        let CorpusFile {
            corpus, analyzer, ..
        } = Corpus::from_path(
            &path,
            &InputOptions::default(),
            TextOptions::default(),
            PruneOptions::with_defaults(false, None, None),
        )?;
        let params = LdaParams {
            k: K,
            seed,
            chains: o.chains,
            chain_pick: o.pick,
            ..LdaParams::default()
        };
        let start = Instant::now();
        let model = lda::fit_owned(corpus, &params, analyzer.options().clone(), &mut |_| {})?;
        let seconds = start.elapsed().as_secs_f64();
        let a = agreement(&model, &truth, o.final_state);
        let chains = model.chains();
        println!(
            "{seed:>4}  {a:>9.3}  {:>8.4}  {:>6}  {:>15}  {seconds:>7.2}",
            model.ll_per_token(),
            chains.map_or(1, |c| c.ll_per_token.len()),
            chains.map_or("-".to_string(), |c| format!("{:.3}", c.mean_similarity())),
        );
        scores.push(a);
    }
    let mut sorted = scores.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "median {:.3}  worst {:.3}  best {:.3}\n",
        median(&sorted),
        sorted[0],
        sorted[sorted.len() - 1]
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let o = parse_args()?;
    for lang in &o.langs {
        run_language(&o, lang)?;
    }
    Ok(())
}
