//! `topics label`: name a topic (or list the names). Labels live in
//! `MODEL.labels.json` next to the model, which is never rewritten.

use std::path::PathBuf;

use topics::explore::{open_model, Labels};

use super::common::print;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// The topic to label (ids as `topics show` prints them); without it,
    /// the current labels are listed.
    topic: Option<usize>,
    /// The label; an empty string removes it.
    label: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, mut labels) = open_model(&args.model)?;
    let path = Labels::path_for(&args.model);
    match (args.topic, args.label) {
        (None, _) => {
            let mut s = String::new();
            for t in 0..model.k() {
                let words: Vec<&str> = model
                    .top_words(t, 5)
                    .iter()
                    .map(|&(w, _)| model.vocab().display(w))
                    .collect();
                s.push_str(&format!(
                    "#{t}\t{}\t{}\n",
                    labels.get(t).unwrap_or("-"),
                    words.join(", ")
                ));
            }
            print(&s)?;
        }
        (Some(_), None) => {
            anyhow::bail!("give the label after the topic id, e.g. topics label MODEL 2 \"Trust\" (\"\" removes it)")
        }
        (Some(topic), Some(label)) => {
            labels.set(topic, &label)?;
            labels.save_for(&args.model)?;
            match labels.get(topic) {
                Some(l) => eprintln!(
                    "topics: topic {topic} labeled \"{l}\" in {}",
                    path.display()
                ),
                None => eprintln!(
                    "topics: label of topic {topic} removed in {}",
                    path.display()
                ),
            }
        }
    }
    Ok(())
}
