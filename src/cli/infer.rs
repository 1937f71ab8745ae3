//! `topics infer`: θ of new answers with the fitted topics held fixed.

use std::path::PathBuf;

use serde::Serialize;
use topics::io::read_answers;
use topics::lda::{InferOptions, LdaModel};

use super::common::{csv_field, print, to_json, Format, InputArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Gibbs sweeps per answer; θ averages the second half.
    #[arg(long, default_value_t = InferOptions::default().iterations)]
    iterations: usize,
    #[arg(long, default_value_t = InferOptions::default().seed)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    theta: &'a [f64],
    known_tokens: usize,
    unknown_tokens: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let model = LdaModel::load(&args.model)?;
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
                .map(|r| Row {
                    id: &r.id,
                    theta: &r.theta,
                    known_tokens: r.known_tokens,
                    unknown_tokens: r.unknown_tokens,
                })
                .collect();
            to_json(&rows)?
        }
        Format::Csv | Format::Table => {
            let sep = if args.format == Format::Csv { "," } else { "\t" };
            let mut s = String::from("id");
            for t in 0..k {
                s.push_str(&format!("{sep}topic_{t}"));
            }
            s.push_str(&format!("{sep}known_tokens{sep}unknown_tokens\n"));
            for r in &inferred {
                s.push_str(&csv_field(&r.id));
                for p in &r.theta {
                    s.push_str(&format!("{sep}{p:.4}"));
                }
                s.push_str(&format!("{sep}{}{sep}{}\n", r.known_tokens, r.unknown_tokens));
            }
            s
        }
    };
    print(&out)?;
    Ok(())
}
