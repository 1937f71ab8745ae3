//! `topics select-k`: fits each K with several seeds and prints held-out
//! likelihood, coherence, exclusivity and stability side by side, with the
//! word lists, to help choose the number of topics.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use topics::corpus::CorpusFile;
use topics::explore::{select_k, text_table, SelectKOptions, SelectKReport};
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

/// `2..8` → 2..=8; `3,5,10` → those; `5` → 5.
fn parse_ks(spec: &str) -> anyhow::Result<Vec<usize>> {
    let bad = || {
        topics::Error::param(
            "-k",
            format!("'{spec}' is not a K, a range like 2..8 or a list like 3,5,10"),
        )
    };
    let ks: Vec<usize> = if let Some((a, b)) = spec.split_once("..") {
        let a: usize = a.trim().parse().map_err(|_| bad())?;
        let b: usize = b
            .trim_start_matches('=')
            .trim()
            .parse()
            .map_err(|_| bad())?;
        if a > b {
            return Err(bad().into());
        }
        (a..=b).collect()
    } else {
        spec.split(',')
            .map(|s| s.trim().parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?
    };
    if ks.is_empty() || ks.contains(&0) {
        return Err(topics::Error::param("-k", "every K must be at least 1").into());
    }
    Ok(ks)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[args.plot.as_deref()],
        &[Some(&args.corpus.input.input)],
    )?;
    let ks = parse_ks(&args.k)?;
    if args.seeds == 0 {
        return Err(topics::Error::param("--seeds", "must be at least 1").into());
    }
    let CorpusFile {
        corpus, analyzer, ..
    } = args.corpus.read(&args.prune)?;
    let options = SelectKOptions {
        ks,
        seeds: (1..=args.seeds).collect(),
        params: LdaParams {
            iterations: args.iterations,
            ..LdaParams::default()
        },
        held_out_share: args.held_out,
        top_words: args.words,
        ..SelectKOptions::default()
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
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let mut s = format!(
        "{} answers to fit, {} held out ({} tokens scored by document completion); means over seeds\n",
        report.train_answers, report.held_out_answers, report.held_out_tokens
    );
    s.push_str(&text_table(&header, &summary_rows(report, Some(4))));
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

#[cfg(test)]
mod tests {
    use super::parse_ks;

    #[test]
    fn k_specs() {
        assert_eq!(parse_ks("2..5").unwrap(), vec![2, 3, 4, 5]);
        assert_eq!(parse_ks("2..=3").unwrap(), vec![2, 3]);
        assert_eq!(parse_ks("3, 5,10").unwrap(), vec![3, 5, 10]);
        assert_eq!(parse_ks("7").unwrap(), vec![7]);
        assert_eq!(
            parse_ks("5..2").unwrap_err().to_string(),
            "invalid -k: '5..2' is not a K, a range like 2..8 or a list like 3,5,10"
        );
        assert_eq!(
            parse_ks("0,2").unwrap_err().to_string(),
            "invalid -k: every K must be at least 1"
        );
    }
}
