//! `topics report`: one self-contained HTML file to share (opens offline).

use std::path::PathBuf;

use topics::explore::{open_model, DEFAULT_LAMBDA};
use topics::report::{load_conjoint, load_json, render_html, ReportData, ReportOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// A conjoint result (`topics conjoint --format json`) to plot.
    #[arg(long)]
    conjoint: Option<PathBuf>,
    /// A topics × conjoint cross-check result (JSON) to show.
    #[arg(long)]
    link: Option<PathBuf>,
    /// The HTML file to write (atomically).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Words per topic in each ranking.
    #[arg(short = 'n', long, default_value_t = 15)]
    words: usize,
    /// Representative answers per topic.
    #[arg(long, default_value_t = 5)]
    quotes: usize,
    /// Where the relevance slider starts.
    #[arg(long, default_value_t = DEFAULT_LAMBDA)]
    lambda: f64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = open_model(&args.model)?;
    let conjoint = args.conjoint.as_deref().map(load_conjoint).transpose()?;
    let link = args.link.as_deref().map(load_json).transpose()?;
    let options = ReportOptions {
        words: args.words,
        quotes: args.quotes,
        lambda: args.lambda,
        model_path: args.model.display().to_string(),
        served: false,
        token: None,
    };
    let data = ReportData::build(&model, &labels, &options, conjoint, link)?;
    let html = render_html(&data);
    topics::io::write_atomic(&args.output, |w| w.write_all(html.as_bytes()))?;
    eprintln!("topics: report written to {}", args.output.display());
    Ok(())
}
