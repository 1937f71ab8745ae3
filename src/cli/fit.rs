//! `topics fit`: answers → topics, printed and optionally saved.

use std::path::PathBuf;

use anyhow::Context;
use topics::corpus::{Corpus, CorpusFile};
use topics::lda::{self, ChainPick, Kernel, LdaModel, LdaParams, ModelInput};

use topics::explore::{refit_for, Labels, Refit, CARRY_OVER_MIN_SIMILARITY};
use topics::render::text::truncate_to_width;

use super::common::{
    print, to_json, wrote, CorpusArgs, FitFormat, Format, PruneArgs, QUOTES, WORDS,
};

const EXAMPLES: &str = "\
Examples:
  topics fit examples/data/answers_en.txt -k 3 -o model.json
  topics fit examples/data/answers_ko.txt -k 3 --seed 2 -o model_ko.json
  topics fit examples/data/answers_en.txt -k 3 --iterations 200 --format json --quotes 0
  topics fit examples/data/answers_en.txt -k 3 --seed 5 -o model.json

Refitting over a model that has labels (`-o` naming it again) carries each label
to the new topic that matches its old one (cosine similarity of the topics' word
distributions, words matched by their string, at least 0.8) and says what moved;
a label without such a match is dropped, with a note naming it.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// Number of topics.
    #[arg(short = 'k', long = "topics", default_value_t = LdaParams::default().k)]
    k: usize,
    /// Gibbs sweeps over all answers.
    #[arg(long, default_value_t = LdaParams::default().iterations)]
    iterations: usize,
    /// Initial Dirichlet prior on each answer's topics, per topic (not
    /// summed).
    #[arg(long, default_value_t = LdaParams::default().alpha, allow_negative_numbers = true)]
    alpha: f64,
    /// Initial prior on each topic's words.
    #[arg(long, default_value_t = LdaParams::default().beta, allow_negative_numbers = true)]
    beta: f64,
    /// Random seed: the same seed and input give the same topics.
    #[arg(long, default_value_t = LdaParams::default().seed)]
    seed: u64,
    /// Sweeps before hyperparameters are first optimized.
    #[arg(long, default_value_t = LdaParams::default().burn_in)]
    burn_in: usize,
    /// Optimize asymmetric alpha and beta every N sweeps after burn-in
    /// (Minka's fixed point); 0 keeps them fixed.
    #[arg(long, default_value_t = LdaParams::default().optimize_interval)]
    optimize_interval: usize,
    #[command(flatten)]
    prune: PruneArgs,
    /// Worker threads for sampling [default: all cores]. The result is the
    /// same for any number.
    #[arg(long)]
    threads: Option<usize>,
    /// Independent Gibbs chains, the model keeping one (`--chain-pick`):
    /// `auto` runs several on small corpora, where they cost little (up to
    /// 32 within 100 million token sweeps), and one above 50,000 tokens; 1 is
    /// the plain single-chain fit. The summary says how well the chains
    /// agreed.
    #[arg(long, value_name = "N|auto", default_value = "auto", value_parser = parse_chains)]
    chains: ChainsArg,
    /// Which chain the model keeps: `ll`, the highest joint log-likelihood
    /// (over the saved sweeps), or `consensus`, the one whose topics the
    /// other chains agree with most.
    #[arg(long, value_enum, default_value_t = PickArg::Ll)]
    chain_pick: PickArg,
    /// Sampling kernel: `sparse` (fast) or `dense` (the plain reference).
    #[arg(long, value_enum, default_value_t = KernelArg::Sparse)]
    kernel: KernelArg,
    /// Save the model to this file (written atomically); without it the
    /// model is only printed.
    #[arg(short = 'o', long, value_name = "MODEL.json")]
    output: Option<PathBuf>,
    /// Output format on standard output (CSV: `topics show --format csv`).
    #[arg(long, value_enum, default_value_t = FitFormat::Table)]
    format: FitFormat,
    /// Words shown per topic.
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = WORDS)]
    words: usize,
    /// Answers quoted per topic.
    #[arg(long, default_value_t = QUOTES)]
    quotes: usize,
}

/// `--chains`: a count, or `auto` (`None`).
#[derive(Debug, Clone, Copy)]
struct ChainsArg(Option<usize>);

fn parse_chains(s: &str) -> Result<ChainsArg, String> {
    if s == "auto" {
        return Ok(ChainsArg(None));
    }
    s.parse()
        .map(|n| ChainsArg(Some(n)))
        .map_err(|_| format!("{s:?} is neither a number of chains nor `auto`"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PickArg {
    Ll,
    Consensus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KernelArg {
    Sparse,
    Dense,
}

impl Args {
    fn params(&self) -> LdaParams {
        LdaParams {
            k: self.k,
            iterations: self.iterations,
            alpha: self.alpha,
            beta: self.beta,
            seed: self.seed,
            burn_in: self.burn_in,
            optimize_interval: self.optimize_interval,
            threads: self.threads,
            chains: self.chains.0,
            chain_pick: match self.chain_pick {
                PickArg::Ll => ChainPick::LogLikelihood,
                PickArg::Consensus => ChainPick::Consensus,
            },
            kernel: match self.kernel {
                KernelArg::Sparse => Kernel::Sparse,
                KernelArg::Dense => Kernel::Dense,
            },
            ..LdaParams::default()
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[args.output.as_deref()],
        &[Some(&args.corpus.input.input)],
    )?;
    let params = args.params();
    params.validate()?;
    let CorpusFile {
        corpus,
        analyzer,
        sha256: input_sha256,
    } = args.corpus.read(&args.prune)?;
    report_left_out(&corpus);
    let bar = progress_bar(params.iterations);
    let mut model = lda::fit_owned(corpus, &params, analyzer.options().clone(), &mut |p| {
        bar.set_position(p.iteration as u64);
        if let Some(ll) = p.ll_per_token {
            bar.set_message(format!("LL/token {ll:.4}"));
        }
    })?;
    bar.finish_and_clear();
    model.input = ModelInput {
        path: args.corpus.input.input.display().to_string(),
        sha256: input_sha256,
        prune: Some(args.prune.options(&args.corpus.text)),
    };
    let labels = match &args.output {
        Some(out) => save(&model, out)?,
        None => {
            eprintln!(
                "topics: the model was not saved; add -o model.json to keep it for show, words, quotes, label, link and report"
            );
            // Not bound to the model: its checksum would cost a serialization.
            Labels::empty(model.k())
        }
    };
    let format = match args.format {
        FitFormat::Table => Format::Table,
        FitFormat::Json => Format::Json,
    };
    print_model(&model, &labels, format, args.words, args.quotes)
}

/// Saves the model to `out` and carries the labels of the model it
/// replaces over to it, saying what moved; returns the new model's labels.
fn save(model: &LdaModel, out: &std::path::Path) -> anyhow::Result<Labels> {
    let carried = refit_for(out, model, CARRY_OVER_MIN_SIMILARITY, || model.save(out))
        .with_context(|| "could not save the model")?;
    wrote(out);
    let labels_path = Labels::path_for(out);
    match carried {
        Refit::NoLabels => Ok(Labels::for_model(model)),
        Refit::Carried(carried) => {
            for m in &carried.moves {
                eprintln!("topics: {m}");
            }
            wrote(&labels_path);
            Ok(carried.labels)
        }
        Refit::Dropped { reason, labels } => {
            for (t, label) in &labels {
                eprintln!(
                    "topics: label \"{label}\" dropped: its topic {t} could not be matched to the new topics ({reason})"
                );
            }
            wrote(&labels_path);
            Ok(Labels::for_model(model))
        }
        Refit::Unreadable(e) => {
            eprintln!(
                "topics: note: {} was left as it was: {e}; move it away to label the new model",
                labels_path.display()
            );
            Ok(Labels::for_model(model))
        }
    }
}

/// Blank answers, non-answers and answers left without words keep their
/// ids and are named on standard error.
fn report_left_out(corpus: &Corpus) {
    let r = &corpus.report;
    if !r.blank_ids.is_empty() {
        eprintln!(
            "topics: {} blank answer(s) left out of the fit: ids {}",
            r.blank_ids.len(),
            abbreviate(&r.blank_ids)
        );
    }
    if !r.nonanswer_ids.is_empty() {
        eprintln!(
            "topics: {} non-answer(s) (don't know, no reason) left out of the fit: ids {} (--keep-nonanswers fits them)",
            r.nonanswer_ids.len(),
            abbreviate(&r.nonanswer_ids)
        );
    }
    if !r.empty_ids.is_empty() {
        eprintln!(
            "topics: {} answer(s) without words after preprocessing left out: ids {}",
            r.empty_ids.len(),
            abbreviate(&r.empty_ids)
        );
    }
}

fn abbreviate(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
    if ids.len() > 20 {
        format!("{}, … ({} more)", shown.join(", "), ids.len() - 20)
    } else {
        shown.join(", ")
    }
}

fn progress_bar(iterations: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(iterations as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("sampling {bar:30} {pos}/{len} {msg} [{elapsed}]")
    {
        bar.set_style(style);
    }
    bar
}

/// Prints a model as a summary with quotes, or as JSON, with topic labels
/// where given.
pub fn print_model(
    model: &LdaModel,
    labels: &Labels,
    format: Format,
    top: usize,
    quotes: usize,
) -> anyhow::Result<()> {
    let names = labels.to_vec();
    match format {
        Format::Json => print(&to_json(&model.result_labeled(top, quotes, &names))?)?,
        _ => {
            let mut text = model.summary_labeled(top, &names);
            if quotes > 0 {
                text.push_str(&quotes_text(model, labels, quotes));
            }
            print(&text)?;
        }
    }
    Ok(())
}

/// Terminal columns of an answer in the fit summary: a line a screen wide,
/// whatever the script (`topics quotes` shows the whole text).
const QUOTE_COLUMNS: usize = 100;

fn quotes_text(model: &LdaModel, labels: &Labels, n: usize) -> String {
    let mut s = String::from("<Answers that best show each topic>\n");
    for t in 0..model.k() {
        match labels.get(t) {
            Some(label) => s.push_str(&format!("| #{t} {label}\n")),
            None => s.push_str(&format!("| #{t}\n")),
        }
        for q in model.topic_summary(t, 0, n).quotes {
            let also = q
                .same_text_note()
                .map(|note| format!("  ({note})"))
                .unwrap_or_default();
            s.push_str(&format!(
                "|   [{}] θ={:.2}  {}{also}\n",
                q.id,
                q.theta,
                truncate_to_width(&q.text, QUOTE_COLUMNS)
            ));
        }
    }
    s
}
