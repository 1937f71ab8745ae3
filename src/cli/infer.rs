//! `topics infer`: θ of new answers with the fitted topics held fixed,
//! labels applied.

use std::path::PathBuf;

use serde::Serialize;
use topics::explore::{open_model, Labels};
use topics::io::read_answers;
use topics::lda::InferOptions;

use super::common::{csv_field, print, to_json, Format, InputArgs};

const EXAMPLES: &str = "\
Examples:
  topics infer model.json examples/data/answers_en.txt
  topics infer model.json examples/data/answers_en.txt --format csv
  topics infer model.json examples/data/answers_en.txt --format json --seed 2

Columns are the topics' labels where set (topic_T where not); `dominant` names
the topic with the largest θ (empty for an answer without a known word).";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Gibbs sweeps per answer; θ averages the second half.
    #[arg(long, default_value_t = InferOptions::default().iterations)]
    iterations: usize,
    /// Random seed: the same seed and input give the same θ.
    #[arg(long, default_value_t = InferOptions::default().seed)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    theta: &'a [f64],
    known_tokens: usize,
    unknown_tokens: usize,
    /// The topic with the largest θ; none without a known word.
    dominant: Option<usize>,
    dominant_label: Option<&'a str>,
}

/// The topic with the largest θ (the lower on a tie), when the answer had
/// a word the model knows (otherwise θ is the prior and names nothing).
fn dominant(theta: &[f64], known_tokens: usize) -> Option<usize> {
    if known_tokens == 0 {
        return None;
    }
    Some(topics::lda::dominant_topic(theta))
}

/// A θ column's header: the topic's label, or `topic_T`.
fn column(labels: &Labels, t: usize) -> String {
    labels
        .get(t)
        .map_or_else(|| format!("topic_{t}"), str::to_string)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = open_model(&args.model)?;
    let answers = read_answers(&args.input.input, &args.input.options())?;
    let options = InferOptions {
        iterations: args.iterations,
        seed: args.seed,
    };
    let inferred = model.infer(&answers, options)?;
    let k = model.k();
    let out = match args.format {
        Format::Json => {
            let rows: Vec<Row> = inferred
                .iter()
                .map(|r| {
                    let d = dominant(&r.theta, r.known_tokens);
                    Row {
                        id: &r.id,
                        theta: &r.theta,
                        known_tokens: r.known_tokens,
                        unknown_tokens: r.unknown_tokens,
                        dominant: d,
                        dominant_label: d.and_then(|t| labels.get(t)),
                    }
                })
                .collect();
            to_json(&rows)?
        }
        Format::Csv | Format::Table => {
            let csv = args.format == Format::Csv;
            let sep = if csv { "," } else { "\t" };
            let field = |s: &str| if csv { csv_field(s) } else { s.to_string() };
            let mut s = String::from("id");
            for t in 0..k {
                s.push_str(&format!("{sep}{}", field(&column(&labels, t))));
            }
            s.push_str(&format!(
                "{sep}dominant{sep}known_tokens{sep}unknown_tokens\n"
            ));
            for r in &inferred {
                s.push_str(&field(&r.id));
                for p in &r.theta {
                    s.push_str(&format!("{sep}{p:.4}"));
                }
                let d = dominant(&r.theta, r.known_tokens)
                    .map(|t| field(&labels.name(t)))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{sep}{d}{sep}{}{sep}{}\n",
                    r.known_tokens, r.unknown_tokens
                ));
            }
            s
        }
    };
    print(&out)?;
    Ok(())
}
