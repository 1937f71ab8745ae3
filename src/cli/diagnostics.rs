//! `topics diagnostics`: per-topic quality measures (coherence,
//! exclusivity, size, dominance, effective words, distance from the
//! corpus), labels applied, each measure marked with the direction that is
//! better (arrows and a legend in the table, a `better` field per row in
//! JSON).

use std::path::PathBuf;

use std::collections::BTreeMap;

use serde::Serialize;
use topics::explore::{
    better, direction_legend, document_words, open_model, text_table, with_arrow, Better,
    Diagnostics, TopicDiagnostics, COHERENCE_WORDS,
};

use super::common::{csv_field, print, to_json, Format};

const EXAMPLES: &str = "\
Examples:
  topics diagnostics model.json
  topics diagnostics model.json --words 20 --format csv";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// Top words per topic used for coherence and exclusivity.
    #[arg(long, short_alias = 'n', alias = "top", default_value_t = COHERENCE_WORDS)]
    words: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct Row<'a> {
    label: Option<&'a str>,
    #[serde(flatten)]
    diagnostics: &'a TopicDiagnostics,
    top_words: Vec<&'a str>,
    /// Which way of each measure is better (`"higher"`, `"lower"`,
    /// `"neither"`), the same in every row, so that a row read alone says it.
    better: &'a BTreeMap<&'static str, Better>,
}

const COLUMNS: [&str; 13] = [
    "topic",
    "label",
    "tokens",
    "token_share",
    "rank1_share",
    "umass",
    "npmi",
    "exclusivity",
    "word_exclusivity",
    "effective_words",
    "corpus_distance",
    "uniform_distance",
    "top_words",
];

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.words < 2 {
        return Err(topics::Error::param("--words", "coherence needs at least 2 top words").into());
    }
    let (model, labels) = open_model(&args.model)?;
    let docs = document_words(&model)?;
    let diagnostics = Diagnostics::compute(&model, &docs, args.words);
    let directions: BTreeMap<&'static str, Better> = COLUMNS
        .iter()
        .filter_map(|&c| Some((c, better(c)?)))
        .collect();
    let rows: Vec<Row> = diagnostics
        .topics
        .iter()
        .map(|d| Row {
            label: labels.get(d.topic),
            diagnostics: d,
            top_words: model
                .top_words(d.topic, 5)
                .iter()
                .map(|&(w, _)| model.vocab().display(w))
                .collect(),
            better: &directions,
        })
        .collect();
    let cells = |r: &Row, precision: Option<usize>| -> Vec<String> {
        let d = r.diagnostics;
        let f = |x: f64| match precision {
            Some(p) => format!("{x:.p$}"),
            None => x.to_string(),
        };
        vec![
            d.topic.to_string(),
            labels.name(d.topic),
            d.tokens.to_string(),
            f(d.token_share),
            f(d.rank1_share),
            f(d.umass),
            f(d.npmi),
            f(d.exclusivity),
            f(d.word_exclusivity),
            f(d.effective_words),
            f(d.corpus_distance),
            f(d.uniform_distance),
            r.top_words.join(" "),
        ]
    };
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let out = match args.format {
        Format::Json => to_json(&rows)?,
        Format::Csv => {
            let mut s = header.join(",") + "\n";
            for r in &rows {
                let line: Vec<String> = cells(r, None).iter().map(|c| csv_field(c)).collect();
                s.push_str(&(line.join(",") + "\n"));
            }
            s
        }
        Format::Table => {
            let table: Vec<Vec<String>> = rows.iter().map(|r| cells(r, Some(3))).collect();
            let arrows: Vec<String> = COLUMNS.iter().map(|c| with_arrow(c)).collect();
            format!(
                "coherence and exclusivity over the top {} words; each answer is one co-occurrence window\n{}{}",
                diagnostics.coherence_words,
                text_table(&arrows, &table),
                direction_legend(&COLUMNS)
            )
        }
    };
    print(&out)?;
    Ok(())
}
