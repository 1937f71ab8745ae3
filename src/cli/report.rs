//! `topics report`: one self-contained HTML file to share (opens offline).

use std::path::PathBuf;

use topics::explore::{open_model, Labels, DEFAULT_LAMBDA};
use topics::report::{render_html, ReportData, ReportOptions};

use super::common::{write_file, ResultsArgs, QUOTES, WORDS};

const EXAMPLES: &str = "\
Examples:
  topics report model.json -o report.html
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --format json -o amce.json
  topics report model.json --conjoint-results amce.json -o report.html
  topics link --model model.json --conjoint examples/data/conjoint_by_theme.csv --design examples/data/conjoint_by_theme_design.json --format json -o link.json
  topics report model.json --link-results link.json --words 15 -o report.html
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --format json -o validation.json
  topics report model.json --validation-results validation.json -o report.html";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    #[command(flatten)]
    results: ResultsArgs,
    /// The HTML file to write (atomically).
    #[arg(short = 'o', long, value_name = "FILE.html")]
    output: PathBuf,
    /// Words shown per topic in each ranking.
    #[arg(long, short_alias = 'n', default_value_t = WORDS)]
    words: usize,
    /// Answers quoted per topic.
    #[arg(long, default_value_t = QUOTES)]
    quotes: usize,
    /// Where the relevance slider starts.
    #[arg(long, default_value_t = DEFAULT_LAMBDA)]
    lambda: f64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[Some(&args.output)],
        &[
            &[
                Some(args.model.as_path()),
                Some(Labels::path_for(&args.model).as_path()),
            ][..],
            &args.results.paths(),
        ]
        .concat(),
    )?;
    let (model, labels) = open_model(&args.model)?;
    let results = args.results.load()?;
    let options = ReportOptions {
        words: args.words,
        quotes: args.quotes,
        lambda: args.lambda,
        model_path: args.model.display().to_string(),
        served: false,
        token: None,
    };
    let data = ReportData::build(&model, &labels, &options, results.conjoint, results.link)?
        .with_validation(results.validation);
    let html = render_html(&data);
    write_file(&args.output, html.as_bytes())
}
