//! `topics quotes`: the answers that best show a topic (highest θ), with
//! their ids, as stm's `findThoughts`; each text once, with the ids of the
//! other answers written the same way.

use std::path::PathBuf;

use serde::Serialize;
use topics::explore::{open_model, text_table};
use topics::render::csv::table;

use super::common::{print, to_json, topic_ids, Format, QUOTES};

const EXAMPLES: &str = "\
Examples:
  topics quotes model.json
  topics quotes model.json --topic 1 --quotes 10
  topics quotes model.json --topic Trust --format csv";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// The topic: a number or a label [default: every topic].
    #[arg(long)]
    topic: Option<String>,
    /// Answers quoted per topic, each text once (answers written the same
    /// way are named beside it).
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = QUOTES)]
    quotes: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct TopicQuotes {
    topic: usize,
    label: Option<String>,
    quotes: Vec<topics::lda::Quote>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = open_model(&args.model)?;
    let topics = topic_ids(&labels, args.topic.as_deref())?;
    let lists: Vec<TopicQuotes> = topics
        .iter()
        .map(|&t| TopicQuotes {
            topic: t,
            label: labels.get(t).map(str::to_string),
            quotes: model.topic_summary(t, 0, args.quotes).quotes,
        })
        .collect();
    let out = match args.format {
        Format::Json => to_json(&lists)?,
        Format::Csv => table(
            &["topic", "label", "rank", "id", "theta", "text", "same_text"],
            lists.iter().flat_map(|l| {
                l.quotes.iter().enumerate().map(|(rank, q)| {
                    [
                        l.topic.to_string(),
                        labels.name(l.topic),
                        (rank + 1).to_string(),
                        q.id.clone(),
                        q.theta.to_string(),
                        q.text.clone(),
                        q.same_text.join(" "),
                    ]
                })
            }),
        ),
        Format::Table => {
            let mut s = String::new();
            for l in &lists {
                s.push_str(&format!("#{} {}\n", l.topic, labels.name(l.topic)));
                // The column for repeated answers only where there are some.
                let repeated = l.quotes.iter().any(|q| !q.same_text.is_empty());
                let mut header = vec!["id".to_string(), "theta".to_string(), "answer".to_string()];
                if repeated {
                    header.push("same text".to_string());
                }
                let rows: Vec<Vec<String>> = l
                    .quotes
                    .iter()
                    .map(|q| {
                        let mut row = vec![
                            q.id.clone(),
                            format!("{:.3}", q.theta),
                            q.text.replace(['\n', '\r'], " "),
                        ];
                        if repeated {
                            row.push(q.same_text_note().unwrap_or_default());
                        }
                        row
                    })
                    .collect();
                s.push_str(&text_table(&header, &rows));
                s.push('\n');
            }
            s
        }
    };
    print(&out)?;
    Ok(())
}
