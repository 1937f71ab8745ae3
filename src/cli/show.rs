//! `topics show`: reopen a saved model and print its summary, labels
//! applied.

use std::path::PathBuf;

use topics::explore::Labels;
use topics::lda::LdaModel;

use super::common::{csv_field, print, Format, QUOTES, WORDS};

const EXAMPLES: &str = "\
Examples:
  topics show model.json
  topics show model.json --words 15 --quotes 0
  topics show model.json --format csv";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// Output format (csv: each topic's top words, one row each).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Words shown per topic.
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = WORDS)]
    words: usize,
    /// Answers quoted per topic (table and json).
    #[arg(long, default_value_t = QUOTES)]
    quotes: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = topics::explore::open_model(&args.model)?;
    if args.format == Format::Csv {
        return print_words_csv(&model, &labels, args.words);
    }
    super::fit::print_model(&model, &labels, args.format, args.words, args.quotes)
}

/// `topic,label,rank,word,term,prob` rows (label as in every CSV: the
/// topic's label, or `Topic T`).
fn print_words_csv(model: &LdaModel, labels: &Labels, top: usize) -> anyhow::Result<()> {
    let mut out = String::from("topic,label,rank,word,term,prob\n");
    for t in 0..model.k() {
        let label = csv_field(&labels.name(t));
        for (rank, w) in model.topic_summary(t, top, 0).words.iter().enumerate() {
            out.push_str(&format!(
                "{t},{label},{},{},{},{}\n",
                rank + 1,
                csv_field(&w.word),
                csv_field(&w.term),
                w.prob
            ));
        }
    }
    print(&out)?;
    Ok(())
}
