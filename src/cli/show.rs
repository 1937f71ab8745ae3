//! `topics show`: reopen a saved model and print its summary.

use std::path::PathBuf;

use topics::lda::LdaModel;

use super::common::{csv_field, print, Format};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Top words shown per topic.
    #[arg(short = 'n', long, default_value_t = 10)]
    top: usize,
    /// Representative answers shown per topic.
    #[arg(long, default_value_t = 3)]
    quotes: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = topics::explore::open_model(&args.model)?;
    if args.format == Format::Csv {
        return print_words_csv(&model, args.top);
    }
    super::fit::print_model(&model, &labels.to_vec(), args.format, args.top, args.quotes)
}

/// `topic,rank,word,term,prob` rows.
fn print_words_csv(model: &LdaModel, top: usize) -> anyhow::Result<()> {
    let mut out = String::from("topic,rank,word,term,prob\n");
    for t in 0..model.k() {
        for (rank, w) in model.topic_summary(t, top, 0).words.iter().enumerate() {
            out.push_str(&format!(
                "{t},{},{},{},{}\n",
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
