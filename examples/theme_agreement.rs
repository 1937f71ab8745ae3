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
//!     [--seeds N] [--first-seed S] [--chains N|auto] [--pick ll|consensus] [--theta mean|final]
//!     [--start random|truth] [--ceiling yes] [--pretokenized yes]
//!     [--alpha A] [--beta B] [--optimize-interval N]
//!     [--iterations N] [--saved-samples N] [--sample-interval N]
//! ```
//!
//! `--alpha`, `--beta` and `--optimize-interval` set the priors' starting
//! values and how often they are optimized, as in `topics fit` (`0` keeps
//! them fixed). `--iterations` sets the sweeps, as in `topics fit`;
//! `--saved-samples` and `--sample-interval` the posterior draws θ
//! averages (by default 20 draws 10 sweeps apart, which `topics fit`
//! always uses).
//!
//! `--pretokenized yes` takes the answers' (and `sentences.csv`'s)
//! whitespace-separated tokens as they are, as `topics fit --pretokenized`
//! does, but prunes them as a default fit (`--min-df 2 --max-df 0.5`): a
//! fit on another analyzer's tokens, such as Kiwi's written by
//! `benches/kiwi_answers.py`, differs from the default one in the analyzer
//! alone.
//!
//! `--theta final` scores the kept chain's final Gibbs state alone (θ as it
//! was before chains were pooled); the default `mean` scores the model's θ,
//! the posterior mean over the pooled chains' draws.
//!
//! Where `DIR/sentences.csv` gives the theme each sentence was drawn from
//! (the bundled answers have it), the agreement is also split in two: on the
//! answers one theme leads (more of their sentences than any other) and on
//! the answers two (or three) themes tie. The generator writes the dominant theme
//! first, which word counts cannot see, so on a tie any bag of words calls
//! by a coin (in practice, by which of the two sentences has more tokens);
//! the first figure is the one a better topic model can raise.
//!
//! Two diagnostics need `sentences.csv` too:
//! - `--start truth` starts every chain at the true themes (each token at
//!   the theme of its sentence; tokens of the theme-free aside at the
//!   answer's dominant theme) instead of at random, through
//!   [`lda::fit_from`]. Where the chains end, and at what log-likelihood,
//!   says whether LDA's posterior favours the true themes: if chains started
//!   at the truth end no higher than random starts, a better search cannot
//!   reach the truth either.
//! - `--ceiling yes` first prints what a bag of words allows at best: the
//!   agreement when each answer is called by its most frequent sentence
//!   theme (ties broken at random, as word counts cannot tell which of two
//!   sentences came first), and the agreement of θ inferred with the true
//!   topics (φ counted from the sentences' tokens).
//!
//! `DIR` holds `answers_en.txt`, `answers_ko.txt` (one answer a line, line
//! *i* is respondent *i*) and `respondents.csv`, whose first column is the
//! id and last column the dominant theme (0-based).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use topics::corpus::{Corpus, CorpusFile, PruneOptions};
use topics::explore::ClassAgreement;
use topics::io::InputOptions;
use topics::lda::dominant_topic as dominant;
use topics::lda::{self, ChainPick, LdaModel, LdaParams};
use topics::text::{Analyzer, TextOptions};

/// Topics fitted: the bundled data have three themes.
const K: usize = 3;

struct Options {
    data: PathBuf,
    langs: Vec<String>,
    seeds: u64,
    first_seed: u64,
    chains: Option<usize>,
    pick: ChainPick,
    final_state: bool,
    start_truth: bool,
    ceiling: bool,
    pretokenized: bool,
    priors: Priors,
    iterations: usize,
    saved_samples: usize,
    sample_interval: usize,
}

/// The prior settings of the fits, `topics fit`'s defaults unless given.
struct Priors {
    alpha: f64,
    beta: f64,
    optimize_interval: usize,
}

fn parse_args() -> anyhow::Result<Options> {
    let mut o = Options {
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data"),
        langs: vec!["en".into(), "ko".into()],
        seeds: 10,
        first_seed: 1,
        chains: LdaParams::default().chains,
        pick: LdaParams::default().chain_pick,
        final_state: false,
        start_truth: false,
        ceiling: false,
        pretokenized: false,
        iterations: LdaParams::default().iterations,
        saved_samples: LdaParams::default().saved_samples,
        sample_interval: LdaParams::default().sample_interval,
        priors: Priors {
            alpha: LdaParams::default().alpha,
            beta: LdaParams::default().beta,
            optimize_interval: LdaParams::default().optimize_interval,
        },
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
            "--first-seed" => o.first_seed = value.parse().context("--first-seed")?,
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
            "--start" => {
                o.start_truth = match value.as_str() {
                    "random" => false,
                    "truth" => true,
                    other => bail!("--start {other:?}: random or truth"),
                }
            }
            "--ceiling" => {
                o.ceiling = match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    other => bail!("--ceiling {other:?}: yes or no"),
                }
            }
            "--pretokenized" => {
                o.pretokenized = match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    other => bail!("--pretokenized {other:?}: yes or no"),
                }
            }
            "--alpha" => o.priors.alpha = value.parse().context("--alpha")?,
            "--beta" => o.priors.beta = value.parse().context("--beta")?,
            "--optimize-interval" => {
                o.priors.optimize_interval = value.parse().context("--optimize-interval")?
            }
            "--iterations" => o.iterations = value.parse().context("--iterations")?,
            "--saved-samples" => o.saved_samples = value.parse().context("--saved-samples")?,
            "--sample-interval" => {
                o.sample_interval = value.parse().context("--sample-interval")?
            }
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(o)
}

/// The true dominant theme of each respondent, by id.
fn read_truth(path: &Path) -> anyhow::Result<HashMap<String, usize>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut truth = HashMap::new();
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
/// to themes one to one, is their true dominant theme; overall, and within
/// each [`Lead`] class when the sentences are known.
fn agreement(
    model: &LdaModel,
    truth: &HashMap<String, usize>,
    leads: &HashMap<String, Lead>,
    final_state: bool,
) -> Agreement {
    let calls: Vec<(&str, usize, usize)> = model
        .documents()
        .iter()
        .enumerate()
        .filter_map(|(d, doc)| {
            let &theme = truth.get(&doc.id)?;
            let theta = if final_state {
                model.final_theta(d)
            } else {
                model.theta(d)
            };
            Some((doc.id.as_str(), dominant(&theta), theme))
        })
        .collect();
    let pairs: Vec<(usize, usize)> = calls
        .iter()
        .map(|&(_, topic, theme)| (topic, theme))
        .collect();
    let matched = ClassAgreement::new(&pairs, K, K);
    let right: Vec<(&str, bool)> = calls
        .iter()
        .map(|&(id, topic, theme)| (id, matched.agrees(topic, theme)))
        .collect();
    Agreement {
        all: tally(&right, leads, None),
        led: tally(&right, leads, Some(Lead::One)),
        tied: tally(&right, leads, Some(Lead::Tied)),
    }
}

/// (answers called right, answers scored) among `right`, all of them or
/// those of one [`Lead`] class.
fn tally(
    right: &[(&str, bool)],
    leads: &HashMap<String, Lead>,
    lead: Option<Lead>,
) -> (usize, usize) {
    let scored: Vec<bool> = right
        .iter()
        .filter(|(id, _)| lead.is_none() || leads.get(*id).copied() == lead)
        .map(|&(_, hit)| hit)
        .collect();
    (scored.iter().filter(|&&hit| hit).count(), scored.len())
}

/// Agreement as (answers called right, answers scored).
struct Agreement {
    all: (usize, usize),
    /// Answers with one most frequent sentence theme.
    led: (usize, usize),
    /// Answers whose most frequent sentence theme is shared by two or three
    /// themes.
    tied: (usize, usize),
}

fn ratio((hits, n): (usize, usize)) -> f64 {
    hits as f64 / n as f64
}

/// Whether an answer's sentences single out its dominant theme.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// One theme has more sentences than any other.
    One,
    /// Two or three themes have the most sentences: the generator writes
    /// the dominant theme first, which word counts cannot see, so a bag of
    /// words calls these by a coin (in practice by which sentence has more
    /// tokens).
    Tied,
    /// No themed sentence (a blank answer, a non-answer or the aside).
    Unthemed,
}

/// An answer's sentences per theme, the most any theme has, and how many
/// themes have that many.
fn sentence_votes(own: &[Sentence]) -> ([usize; K], usize, usize) {
    let mut votes = [0usize; K];
    for t in own.iter().filter_map(|s| s.theme) {
        votes[t] += 1;
    }
    let most = votes.iter().max().copied().unwrap_or(0);
    let leaders = votes.iter().filter(|&&n| n == most).count();
    (votes, most, leaders)
}

/// Each answer's [`Lead`], from its sentences' themes.
fn leads(sentences: &HashMap<String, Vec<Sentence>>) -> HashMap<String, Lead> {
    sentences
        .iter()
        .map(|(id, own)| {
            let (_, most, leaders) = sentence_votes(own);
            let lead = match leaders {
                _ if most == 0 => Lead::Unthemed,
                1 => Lead::One,
                _ => Lead::Tied,
            };
            (id.clone(), lead)
        })
        .collect()
}

/// One sentence of an answer, from `sentences.csv`.
struct Sentence {
    /// The theme it was drawn from; `None` for the theme-free aside.
    theme: Option<usize>,
    /// Its text in the language read.
    text: String,
}

/// The sentences of each answer, by id, in the language `lang`.
fn sentences(o: &Options, lang: &str) -> anyhow::Result<HashMap<String, Vec<Sentence>>> {
    let path = o.data.join("sentences.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("{}: --start truth and --ceiling need it", path.display()))?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == lang)
        .with_context(|| format!("{}: no column {lang}", path.display()))?;
    let mut out: HashMap<String, Vec<Sentence>> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let theme = match &record[2] {
            "" => None,
            t => Some(
                t.parse()
                    .with_context(|| format!("{}:{}", path.display(), i + 2))?,
            ),
        };
        out.entry(record[0].to_string())
            .or_default()
            .push(Sentence {
                theme,
                text: record[column].to_string(),
            });
    }
    Ok(out)
}

/// Each themed sentence's word ids (the corpus's vocabulary; pruned words
/// left out), with its theme.
fn themed_words(corpus: &Corpus, analyzer: &Analyzer, sentences: &[Sentence]) -> Vec<(u32, usize)> {
    sentences
        .iter()
        .filter_map(|s| s.theme.map(|t| (s, t)))
        .flat_map(|(s, t)| {
            analyzer
                .tokens(&s.text)
                .into_iter()
                .filter_map(|token| corpus.vocab.id(&token.term))
                .map(move |w| (w, t))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every token at the theme of its sentence: each word of an answer takes
/// the themes of its occurrences in the answer's themed sentences in turn;
/// a word they do not hold (the aside's, or one the analyzer reads
/// otherwise in the whole answer) takes the answer's dominant theme.
fn truth_start(
    corpus: &Corpus,
    analyzer: &Analyzer,
    sentences: &HashMap<String, Vec<Sentence>>,
    truth: &HashMap<String, usize>,
) -> Vec<Vec<u16>> {
    corpus
        .docs
        .iter()
        .map(|doc| {
            let mut themes: HashMap<u32, Vec<usize>> = HashMap::new();
            let own = sentences.get(&doc.id).map_or(&[][..], Vec::as_slice);
            for (w, t) in themed_words(corpus, analyzer, own).into_iter().rev() {
                themes.entry(w).or_default().push(t);
            }
            let true_theme = truth.get(&doc.id).copied().unwrap_or(0);
            doc.words
                .iter()
                .map(|w| themes.get_mut(w).and_then(Vec::pop).unwrap_or(true_theme) as u16)
                .collect()
        })
        .collect()
}

/// What a bag of words allows at best on these answers (see the module
/// doc), printed on one line.
fn print_ceiling(
    corpus: &Corpus,
    analyzer: &Analyzer,
    sentences: &HashMap<String, Vec<Sentence>>,
    truth: &HashMap<String, usize>,
    leads: &HashMap<String, Lead>,
) {
    let (v, beta, alpha) = (corpus.vocab.len(), 0.01, [LdaParams::default().alpha; K]);
    let mut n_wk = vec![0.0; v * K];
    let mut n_k = [0.0; K];
    let mut by_sentences = 0.0;
    let mut tied = 0;
    let mut scored = Vec::new();
    for doc in &corpus.docs {
        let Some(&true_theme) = truth.get(&doc.id) else {
            continue;
        };
        let own = sentences.get(&doc.id).map_or(&[][..], Vec::as_slice);
        let (votes, most, leaders) = sentence_votes(own);
        tied += usize::from(leaders > 1 && most > 0);
        if votes[true_theme] == most {
            by_sentences += 1.0 / leaders as f64;
        }
        for (w, t) in themed_words(corpus, analyzer, own) {
            n_wk[w as usize * K + t] += 1.0;
            n_k[t] += 1.0;
        }
        scored.push((doc, true_theme));
    }
    let phi_wk: Vec<f64> = (0..v * K)
        .map(|i| (n_wk[i] + beta) / (n_k[i % K] + v as f64 * beta))
        .collect();
    let right_with_true_topics: Vec<(&str, bool)> = scored
        .iter()
        .enumerate()
        .map(|(d, (doc, theme))| {
            let theta = lda::fold_in_theta(&alpha, &phi_wk, &doc.words, 200, d as u64);
            (doc.id.as_str(), dominant(&theta) == *theme)
        })
        .collect();
    let with_true_topics = |lead| ratio(tally(&right_with_true_topics, leads, lead));
    let n = scored.len() as f64;
    println!(
        "ceiling: most frequent sentence theme {:.3} ({tied} answers tied, broken at random); \
         θ inferred with the true topics {:.3} (led {:.3}, tied {:.3})",
        by_sentences / n,
        with_true_topics(None),
        with_true_topics(Some(Lead::One)),
        with_true_topics(Some(Lead::Tied)),
    );
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
    // Read once, every seed the same: both diagnostics need the sentences,
    // and where they are known the agreement is split by `Lead`.
    let sentences = if o.ceiling || o.start_truth || o.data.join("sentences.csv").exists() {
        sentences(o, lang)?
    } else {
        HashMap::new()
    };
    let leads = leads(&sentences);
    let split = !leads.is_empty();
    if split {
        let count = |lead| leads.values().filter(|&&l| l == lead).count();
        println!(
            "answers: {} with one leading sentence theme, {} tied between two or three, {} without a themed sentence (non-answers, which a fit leaves out)",
            count(Lead::One),
            count(Lead::Tied),
            count(Lead::Unthemed)
        );
    }
    println!(
        "seed  agreement  LL/token  chains  chain agreement  seconds{}",
        if split { "   led  tied" } else { "" }
    );
    for seed in o.first_seed..o.first_seed + o.seeds {
        // As `topics fit FILE -k 3 --seed S`: the default input, text and
        // pruning options (with `--pretokenized yes`, still the default
        // pruning).
        let CorpusFile {
            corpus, analyzer, ..
        } = Corpus::from_path(
            &path,
            &InputOptions::default(),
            TextOptions {
                pretokenized: o.pretokenized,
                ..TextOptions::default()
            },
            PruneOptions::with_defaults(false, None, None),
        )?;
        let params = LdaParams {
            k: K,
            seed,
            chains: o.chains,
            chain_pick: o.pick,
            alpha: o.priors.alpha,
            beta: o.priors.beta,
            optimize_interval: o.priors.optimize_interval,
            iterations: o.iterations,
            saved_samples: o.saved_samples,
            sample_interval: o.sample_interval,
            ..LdaParams::default()
        };
        if o.ceiling && seed == 1 {
            print_ceiling(&corpus, &analyzer, &sentences, &truth, &leads);
        }
        let text = analyzer.options().clone();
        let start = Instant::now();
        let model = if o.start_truth {
            let first = truth_start(&corpus, &analyzer, &sentences, &truth);
            lda::fit_from(&corpus, &params, text, &first, &mut |_| {})?
        } else {
            lda::fit_owned(corpus, &params, text, &mut |_| {})?
        };
        let seconds = start.elapsed().as_secs_f64();
        let a = agreement(&model, &truth, &leads, o.final_state);
        let chains = model.chains();
        println!(
            "{seed:>4}  {:>9.3}  {:>8.4}  {:>6}  {:>15}  {seconds:>7.2}{}",
            ratio(a.all),
            model.ll_per_token(),
            chains.map_or(1, |c| c.ll_per_token.len()),
            chains.map_or("-".to_string(), |c| format!("{:.3}", c.mean_similarity())),
            if split {
                format!("  {:.3} {:>2}/{}", ratio(a.led), a.tied.0, a.tied.1)
            } else {
                String::new()
            },
        );
        scores.push(a);
    }
    let summary = |pick: fn(&Agreement) -> f64| {
        let mut sorted: Vec<f64> = scores.iter().map(pick).collect();
        sorted.sort_by(f64::total_cmp);
        format!(
            "median {:.3}  worst {:.3}  best {:.3}",
            median(&sorted),
            sorted[0],
            sorted[sorted.len() - 1]
        )
    };
    println!("{}", summary(|a| ratio(a.all)));
    if split {
        println!(
            "answers with one leading theme: {}",
            summary(|a| ratio(a.led))
        );
        println!("tied answers: {}", summary(|a| ratio(a.tied)));
    }
    println!();
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let o = parse_args()?;
    for lang in &o.langs {
        run_language(&o, lang)?;
    }
    Ok(())
}
