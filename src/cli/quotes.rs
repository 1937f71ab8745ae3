//! `topics quotes`: the answers that best show a topic (highest θ), with
//! their ids, as stm's `findThoughts`.

use std::path::PathBuf;

use serde::Serialize;
use topics::explore::{open_model, text_table};

use super::common::{csv_field, print, to_json, Format};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// The topic (ids as `topics show` prints them) [default: every topic].
    #[arg(long)]
    topic: Option<usize>,
    /// Answers per topic.
    #[arg(short = 'n', long, default_value_t = 5)]
    top: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct TopicQuotes {
    topic: usize,
    label: Option<String>,
    quotes: Vec<topics::lda::Quote>,
}

/// `Some(t)` → `[t]` after checking it exists; `None` → every topic.
pub(super) fn topic_ids(topic: Option<usize>, k: usize) -> anyhow::Result<Vec<usize>> {
    match topic {
        Some(t) if t >= k => Err(topics::Error::param(
            "--topic",
            format!(
                "topic {t} does not exist; the model has topics 0 to {}",
                k - 1
            ),
        )
        .into()),
        Some(t) => Ok(vec![t]),
        None => Ok((0..k).collect()),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = open_model(&args.model)?;
    let topics = topic_ids(args.topic, model.k())?;
    let lists: Vec<TopicQuotes> = topics
        .iter()
        .map(|&t| TopicQuotes {
            topic: t,
            label: labels.get(t).map(str::to_string),
            quotes: model.topic_summary(t, 0, args.top).quotes,
        })
        .collect();
    let out = match args.format {
        Format::Json => to_json(&lists)?,
        Format::Csv => {
            let mut s = String::from("topic,label,rank,id,theta,text\n");
            for l in &lists {
                for (rank, q) in l.quotes.iter().enumerate() {
                    s.push_str(&format!(
                        "{},{},{},{},{},{}\n",
                        l.topic,
                        csv_field(&labels.name(l.topic)),
                        rank + 1,
                        csv_field(&q.id),
                        q.theta,
                        csv_field(&q.text)
                    ));
                }
            }
            s
        }
        Format::Table => {
            let mut s = String::new();
            for l in &lists {
                s.push_str(&format!("#{} {}\n", l.topic, labels.name(l.topic)));
                let header = ["id".to_string(), "theta".to_string(), "answer".to_string()];
                let rows: Vec<Vec<String>> = l
                    .quotes
                    .iter()
                    .map(|q| {
                        vec![
                            q.id.clone(),
                            format!("{:.3}", q.theta),
                            q.text.replace(['\n', '\r'], " "),
                        ]
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
