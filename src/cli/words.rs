//! `topics words`: each topic's words under a chosen ranking, labels
//! applied; the table layout is words (rows) × topics (columns), as in a
//! paper's table of top words.

use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;
use topics::explore::{
    open_model, text_table, RankedWord, Ranking, TopicWordMatrix, DEFAULT_LAMBDA,
};
use topics::render::csv::table;

use super::common::{print, to_json, topic_ids, Format, WORDS};

const EXAMPLES: &str = "\
Examples:
  topics words model.json
  topics words model.json --by frex --words 15
  topics words model.json --by relevance --lambda 0.6 --topic 1
  topics words model.json --topic Trust --format csv";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// How to rank words: probability, LDAvis relevance, stm's FREX, lift,
    /// stm's score, or (the topic's part of) Chuang et al.'s saliency.
    #[arg(long, value_enum, default_value_t = By::Prob)]
    by: By,
    /// Words shown per topic.
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = WORDS)]
    words: usize,
    /// Weight on log φ in relevance (1 = probability, 0 = lift).
    #[arg(long, default_value_t = DEFAULT_LAMBDA, allow_negative_numbers = true)]
    lambda: f64,
    /// Weight on frequency in FREX (stm's frexw).
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    frex_weight: f64,
    /// Only this topic: a number or a label.
    #[arg(long)]
    topic: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    Prob,
    Relevance,
    Frex,
    Lift,
    Score,
    Saliency,
}

impl Args {
    fn ranking(&self) -> anyhow::Result<Ranking> {
        let share = |name: &'static str, x: f64| -> anyhow::Result<f64> {
            if (0.0..=1.0).contains(&x) {
                Ok(x)
            } else {
                Err(topics::Error::param(name, format!("{x} is not in [0, 1]")).into())
            }
        };
        Ok(match self.by {
            By::Prob => Ranking::Prob,
            By::Relevance => Ranking::Relevance {
                lambda: share("--lambda", self.lambda)?,
            },
            By::Frex => Ranking::Frex {
                weight: share("--frex-weight", self.frex_weight)?,
            },
            By::Lift => Ranking::Lift,
            By::Score => Ranking::Score,
            By::Saliency => Ranking::Saliency,
        })
    }
}

#[derive(Serialize)]
struct TopicWords {
    topic: usize,
    label: Option<String>,
    ranking: Ranking,
    words: Vec<RankedWord>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ranking = args.ranking()?;
    if args.words == 0 {
        return Err(topics::Error::param("--words", "must be at least 1").into());
    }
    let (model, labels) = open_model(&args.model)?;
    let topics = topic_ids(&labels, args.topic.as_deref())?;
    let matrix = TopicWordMatrix::from_model(&model);
    let lists: Vec<TopicWords> = topics
        .iter()
        .map(|&t| TopicWords {
            topic: t,
            label: labels.get(t).map(str::to_string),
            ranking,
            words: matrix.top_words_named(&model, t, ranking, args.words),
        })
        .collect();
    let out = match args.format {
        Format::Json => to_json(&lists)?,
        Format::Csv => table(
            &[
                "topic", "label", "ranking", "rank", "word", "term", "score", "prob",
            ],
            lists.iter().flat_map(|list| {
                list.words.iter().enumerate().map(|(rank, w)| {
                    [
                        list.topic.to_string(),
                        labels.name(list.topic),
                        ranking.name().to_string(),
                        (rank + 1).to_string(),
                        w.word.clone(),
                        model.vocab().term(w.word_id).to_string(),
                        w.score.to_string(),
                        w.prob.to_string(),
                    ]
                })
            }),
        ),
        Format::Table => {
            let mut header = vec!["rank".to_string()];
            header.extend(
                lists
                    .iter()
                    .map(|l| format!("#{} {}", l.topic, labels.name(l.topic))),
            );
            let rows: Vec<Vec<String>> = (0..args.words.min(model.vocab().len()))
                .map(|r| {
                    let mut row = vec![(r + 1).to_string()];
                    row.extend(lists.iter().map(|l| l.words[r].word.clone()));
                    row
                })
                .collect();
            format!(
                "words by {}\n{}",
                describe(ranking),
                text_table(&header, &rows)
            )
        }
    };
    print(&out)?;
    Ok(())
}

fn describe(ranking: Ranking) -> String {
    match ranking {
        Ranking::Relevance { lambda } => format!("relevance (λ = {lambda})"),
        Ranking::Frex { weight } => format!("frex (weight {weight} on frequency)"),
        other => other.name().to_string(),
    }
}
