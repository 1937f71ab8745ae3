//! `topics validate`: the model's topics against codes a person gave the
//! same answers (or the known themes of simulated answers): how often an
//! answer's dominant topic is its code, once topics are matched to codes.

use std::path::PathBuf;

use serde::Serialize;
use topics::explore::{open_model, text_table, CodeValidation, Labels};
use topics::link::covariates::CovariatesFile;
use topics::render::csv::table;

use super::common::{print, to_json, Format};

const EXAMPLES: &str = "\
Examples:
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --format json";

/// Coded ids not in the model that the table names before saying how many
/// more there are.
const IDS_SHOWN: usize = 10;

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// The codes: a .csv (or .tsv) file with a header, one row per coded
    /// answer, holding its id and its code.
    codes: PathBuf,
    /// Column of the codes file with the answer id (as `topics fit` gave
    /// them: the line number, or the fit's --id-column) [default: the first column].
    #[arg(long)]
    id_column: Option<String>,
    /// Column of the codes file with the code (any text; empty and NA
    /// cells are uncoded).
    #[arg(long, default_value = "code")]
    code_column: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    codes_file: String,
    code_column: &'a str,
    codes: &'a [String],
    /// Answers both fitted and coded.
    answers: usize,
    agreeing: usize,
    agreement: f64,
    chance: f64,
    kappa: f64,
    topics: Vec<TopicRow>,
    /// Codes no topic is matched to (more codes than topics): their answers
    /// count as disagreeing.
    unmatched_codes: Vec<&'a str>,
    not_in_model: &'a [String],
    uncoded: usize,
}

#[derive(Serialize)]
struct TopicRow {
    topic: usize,
    label: Option<String>,
    answers: usize,
    /// Answers per code, in the order of `codes`.
    by_code: Vec<usize>,
    matched_code: Option<String>,
    agreeing: usize,
    /// Of the topic's answers, the share with its matched code.
    precision: Option<f64>,
    /// Of the matched code's answers, the share whose dominant topic is
    /// this one.
    recall: Option<f64>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (model, labels) = open_model(&args.model)?;
    let file = CovariatesFile::open(&args.codes, args.id_column.as_deref())?;
    let codes = file.required_values(&args.code_column)?;
    let v = CodeValidation::new(&model, &codes).map_err(|e| e.in_file(&args.codes))?;
    let report = Report {
        codes_file: topics::io::display_path(&args.codes).display().to_string(),
        code_column: &args.code_column,
        codes: &v.codes,
        answers: v.agreement.scored(),
        agreeing: v.agreement.agreeing(),
        agreement: v.agreement.share(),
        chance: v.chance(),
        kappa: v.kappa(),
        topics: topic_rows(&v, &labels),
        unmatched_codes: (0..v.codes.len())
            .filter(|c| !v.agreement.class_of_topic.contains(&Some(*c)))
            .map(|c| v.codes[c].as_str())
            .collect(),
        not_in_model: &v.not_in_model,
        uncoded: v.uncoded,
    };
    let out = match args.format {
        Format::Json => to_json(&report)?,
        Format::Csv => csv(&report, &labels),
        Format::Table => readable(&report, &labels),
    };
    print(&out)?;
    Ok(())
}

fn topic_rows(v: &CodeValidation, labels: &Labels) -> Vec<TopicRow> {
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    v.agreement
        .class_of_topic
        .iter()
        .enumerate()
        .map(|(t, &matched)| {
            let answers = v.topic_answers(t);
            let agreeing = matched.map_or(0, |c| v.agreement.table[t][c]);
            TopicRow {
                topic: t,
                label: labels.get(t).map(str::to_string),
                answers,
                by_code: v.agreement.table[t].clone(),
                matched_code: matched.map(|c| v.codes[c].clone()),
                agreeing,
                precision: matched.and_then(|_| share(agreeing, answers)),
                recall: matched.and_then(|c| share(agreeing, v.code_answers(c))),
            }
        })
        .collect()
}

/// `0.853`, or `-` where there is nothing to divide.
fn fraction(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |x| format!("{x:.3}"))
}

/// The column names of both formats: a column per code, named by `code`,
/// between the topic's and the matching's, named `tail`.
fn columns(codes: &[String], code: impl Fn(&str) -> String, tail: [&str; 4]) -> Vec<String> {
    let mut header: Vec<String> = ["topic", "label", "answers"].map(str::to_string).to_vec();
    header.extend(codes.iter().map(|c| code(c)));
    header.extend(tail.map(str::to_string));
    header
}

/// A topic's cells in the order of [`columns`]; `none` stands for a topic
/// without a matched code, and `share` writes precision and recall.
fn cells(
    t: &TopicRow,
    labels: &Labels,
    none: &str,
    share: impl Fn(Option<f64>) -> String,
) -> Vec<String> {
    let mut row = vec![
        t.topic.to_string(),
        labels.name(t.topic),
        t.answers.to_string(),
    ];
    row.extend(t.by_code.iter().map(usize::to_string));
    row.extend([
        t.matched_code.clone().unwrap_or_else(|| none.to_string()),
        t.agreeing.to_string(),
        share(t.precision),
        share(t.recall),
    ]);
    row
}

fn readable(r: &Report, labels: &Labels) -> String {
    let header = columns(
        r.codes,
        str::to_string,
        ["matched code", "agreeing", "precision", "recall"],
    );
    let rows: Vec<Vec<String>> = r
        .topics
        .iter()
        .map(|t| cells(t, labels, "-", fraction))
        .collect();
    let mut out = format!(
        "codes: {}, column {} ({} codes)\n",
        r.codes_file,
        r.code_column,
        r.codes.len()
    );
    out += &format!(
        "the dominant topic agrees with the code for {} of {} answers ({:.1}%); chance with these shares {:.1}%; Cohen's kappa {:.3}\n",
        r.agreeing,
        r.answers,
        100.0 * r.agreement,
        100.0 * r.chance,
        r.kappa
    );
    out += "each topic is matched to the code it agrees with most, one to one\n\n";
    out += &text_table(&header, &rows);
    out += "precision: of the topic's answers, the share with its matched code; recall: of the code's answers, the share whose dominant topic is this one\n";
    if !r.unmatched_codes.is_empty() {
        out += &format!(
            "codes no topic is matched to (more codes than topics; their answers count as disagreeing): {}\n",
            r.unmatched_codes.join(", ")
        );
    }
    if !r.not_in_model.is_empty() {
        let shown: Vec<&str> = r
            .not_in_model
            .iter()
            .take(IDS_SHOWN)
            .map(String::as_str)
            .collect();
        let more = r.not_in_model.len() - shown.len();
        out += &format!(
            "coded but not answers of the model (blank answers are left out of a fit): {}{}\n",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    if r.uncoded > 0 {
        out += &format!("fitted answers without a code, left out: {}\n", r.uncoded);
    }
    out
}

fn csv(r: &Report, labels: &Labels) -> String {
    let header = columns(
        r.codes,
        |c| format!("code_{c}"),
        ["matched_code", "agreeing", "precision", "recall"],
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let number = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    table(
        &header,
        r.topics.iter().map(|t| cells(t, labels, "", number)),
    )
}
