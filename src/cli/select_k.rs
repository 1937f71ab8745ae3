//! `topics select-k`: fits each K with several seeds and prints held-out
//! likelihood, coherence, exclusivity and stability side by side, with the
//! word lists, and names the K its rule picks (see
//! `topics::explore::SelectKOptions::new` for the flag checks and
//! `src/explore/recommend.rs` for the rule).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use topics::corpus::CorpusFile;
use topics::explore::{
    direction_legend, select_k, text_table, with_arrow, SelectKOptions, SelectKReport,
    DEFAULT_MIN_STABILITY,
};
use topics::lda::LdaParams;

use super::common::{print, to_json, write_file, CorpusArgs, Format, PruneArgs, WORDS};

const EXAMPLES: &str = "\
Examples:
  topics select-k examples/data/answers_en.txt -k 2..4 --seeds 2 --iterations 100
  topics select-k examples/data/answers_en.txt -k 3,5 --seeds 2 --iterations 100 --plot select-k.svg --format csv";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// The Ks to try: a range `2..8` (inclusive), a list `3,5,10`, or one K.
    #[arg(short = 'k', long = "topics", default_value = "2..8")]
    k: String,
    /// Fits per K, with seeds 1..=N.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Gibbs sweeps per fit.
    #[arg(long, default_value_t = 500)]
    iterations: usize,
    /// Share of answers held out for the likelihood.
    #[arg(long, default_value_t = 0.1)]
    held_out: f64,
    /// Stability across seeds at which a K counts as reproducible for the
    /// recommendation (cosine similarity of the least reproduced matched
    /// topic, averaged over pairs of seeds).
    #[arg(long, default_value_t = DEFAULT_MIN_STABILITY)]
    min_stability: f64,
    #[command(flatten)]
    prune: PruneArgs,
    /// Top words per topic (coherence, exclusivity, word lists).
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = WORDS)]
    words: usize,
    /// Write the plot (SVG) to this file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[args.plot.as_deref()],
        &[Some(&args.corpus.input.input)],
    )?;
    let search = SelectKOptions::new(&args.k, args.seeds)?;
    let CorpusFile {
        corpus, analyzer, ..
    } = args.corpus.read(&args.prune)?;
    let options = SelectKOptions {
        params: LdaParams {
            iterations: args.iterations,
            ..LdaParams::default()
        },
        held_out_share: args.held_out,
        top_words: args.words,
        min_stability: args.min_stability,
        ..search
    };
    let total = options.ks.len() * options.seeds.len();
    let done = AtomicUsize::new(0);
    let report = select_k(&corpus, analyzer.options(), &options, &|k, seed| {
        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
        eprintln!("topics: fitted K = {k}, seed {seed} ({n}/{total})");
    })?;
    if let Some(path) = &args.plot {
        let svg = topics::report::svg::select_k_plot(&report);
        write_file(path, svg.as_bytes())?;
    }
    let out = match args.format {
        Format::Json => to_json(&report)?,
        Format::Csv => summary_csv(&report),
        Format::Table => summary_table(&report),
    };
    print(&out)?;
    Ok(())
}

fn summary_rows(report: &SelectKReport, digits: Option<usize>) -> Vec<Vec<String>> {
    let f = |x: f64| match digits {
        Some(d) => format!("{x:.d$}"),
        None => x.to_string(),
    };
    report
        .summary
        .iter()
        .map(|s| {
            vec![
                s.k.to_string(),
                f(s.held_out_ll),
                f(s.held_out_ll_sd),
                f(s.umass),
                f(s.npmi),
                f(s.exclusivity),
                s.stability.map(f).unwrap_or_default(),
            ]
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "k",
    "held_out_ll",
    "held_out_ll_sd",
    "umass",
    "npmi",
    "exclusivity",
    "stability",
];

fn summary_csv(report: &SelectKReport) -> String {
    let mut s = HEADER.join(",") + "\n";
    for row in summary_rows(report, None) {
        s.push_str(&(row.join(",") + "\n"));
    }
    s
}

fn summary_table(report: &SelectKReport) -> String {
    let header: Vec<String> = HEADER.iter().map(|h| with_arrow(h)).collect();
    let mut s = format!(
        "{} answers to fit, {} held out ({} tokens scored by document completion); means over seeds\n",
        report.train_answers, report.held_out_answers, report.held_out_tokens
    );
    s.push_str(&text_table(&header, &summary_rows(report, Some(4))));
    s.push_str(&direction_legend(&HEADER));
    s.push_str(&recommendation_text(report));
    let first_seed = report.runs.first().map(|r| r.seed);
    for k in report.summary.iter().map(|s| s.k) {
        if let Some(run) = report
            .runs
            .iter()
            .find(|r| r.k == k && Some(r.seed) == first_seed)
        {
            s.push_str(&format!("\nK = {k} (seed {}):\n", run.seed));
            for (t, words) in run.words.iter().enumerate() {
                s.push_str(&format!("  #{t}  {}\n", words.join(" ")));
            }
        }
    }
    s
}

/// The recommendation under the table: the K and why, the rule, and the
/// reasons the evidence is weak if any.
fn recommendation_text(report: &SelectKReport) -> String {
    let r = &report.recommendation;
    let mut s = format!("\nRecommended K = {}: {}.\n", r.k, r.reason);
    s.push_str(&format!("Rule: {}.\n", r.rule));
    for why in &r.weak {
        s.push_str(&format!("Weak evidence: {why}.\n"));
    }
    s
}
