//! `topics tokenize`: shows the preprocessing, one output line per input.

use topics::io::read_answers;
use topics::text::Analyzer;

use super::common::{print, InputArgs, TextArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    text: TextArgs,
    /// Print each token's readable form instead of its counting key
    /// (English words unstemmed).
    #[arg(long)]
    surface: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let answers = read_answers(&args.input.input, &args.input.options())?;
    let analyzer = Analyzer::new(args.text.options())?;
    let mut out = String::new();
    for answer in &answers {
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
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    print(&out)?;
    Ok(())
}
