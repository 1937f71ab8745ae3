//! `topics tokenize`: shows the preprocessing, one output line per input.

use rayon::prelude::*;
use topics::io::read_answers;
use topics::text::Analyzer;

use super::common::{print, CorpusArgs};

const EXAMPLES: &str = "\
Examples:
  topics tokenize examples/data/answers_ko.txt
  topics tokenize examples/data/answers_en.txt --surface
  topics tokenize examples/data/answers_ko.txt --ko-analyzer rules";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// Print each token's readable form instead of its counting key
    /// (English words unstemmed).
    #[arg(long)]
    surface: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let answers = read_answers(&args.corpus.input.input, &args.corpus.input.options())?;
    let analyzer = Analyzer::new(args.corpus.text.options())?;
    // Answers are independent, so they are analyzed in parallel (the
    // analyzer is `Sync`); `collect` keeps the input order.
    let lines: Vec<String> = answers
        .par_iter()
        .map(|answer| {
            let tokens = analyzer.tokens(&answer.text);
            let words: Vec<&str> = tokens
                .iter()
                .map(|t| {
                    if args.surface {
                        t.surface.as_str()
                    } else {
                        t.term.as_str()
                    }
                })
                .collect();
            words.join(" ") + "\n"
        })
        .collect();
    print(&lines.concat())?;
    Ok(())
}
