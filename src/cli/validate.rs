//! `topics validate`: the model's topics against codes a person gave the
//! same answers (or the known themes of simulated answers): how often an
//! answer's dominant topic is its code, once topics are matched to codes.

use std::path::PathBuf;

use serde::Serialize;
use topics::explore::{open_model, text_table, CodeValidation, CodedAnswer, Labels, ShareBand};
use topics::lda::LdaModel;
use topics::link::covariates::CovariatesFile;
use topics::render::csv::table;

use super::common::{print, to_json, Format};

const EXAMPLES: &str = "\
Examples:
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --disagreements 20
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --answers --format csv
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
    /// Disagreeing answers the table lists, those the model calls most
    /// clearly first (0 lists none; JSON holds them all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    disagreements: usize,
    /// One row per coded answer (id, code, dominant topic, its share,
    /// whether they agree, the answer) instead of one per topic, in the
    /// table and in CSV; JSON always holds both.
    #[arg(long)]
    answers: bool,
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
    /// Agreement by the dominant topic's share, clearest band first.
    by_share: Vec<BandRow>,
    /// Answers disagreeing with their code.
    disagreeing: usize,
    /// Every coded answer, in the model's order.
    coded_answers: Vec<AnswerRow>,
}

#[derive(Serialize)]
struct BandRow {
    /// The lowest share in the band.
    lower: f64,
    /// The share the band stops below (`null` for the top band).
    upper: Option<f64>,
    answers: usize,
    agreeing: usize,
    agreement: Option<f64>,
}

#[derive(Serialize)]
struct AnswerRow {
    id: String,
    code: String,
    /// The dominant topic.
    topic: usize,
    label: Option<String>,
    /// The code the dominant topic is matched to.
    topic_code: Option<String>,
    /// θ of the dominant topic.
    share: f64,
    agrees: bool,
    text: String,
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
        by_share: v.by_share().iter().map(band_row).collect(),
        disagreeing: v.agreement.scored() - v.agreement.agreeing(),
        coded_answers: v
            .answers
            .iter()
            .map(|a| answer_row(&v, a, &model, &labels))
            .collect(),
    };
    let disagreements: Vec<AnswerRow> = v
        .disagreements()
        .iter()
        .map(|a| answer_row(&v, a, &model, &labels))
        .collect();
    let out = match (args.format, args.answers) {
        (Format::Json, _) => to_json(&report)?,
        (Format::Csv, false) => csv(&report, &labels),
        (Format::Csv, true) => answers_csv(&report.coded_answers, &labels),
        (Format::Table, false) => {
            let listed = &disagreements[..args.disagreements.min(disagreements.len())];
            readable(&report, &labels) + &disagreement_list(listed, report.disagreeing, &labels)
        }
        (Format::Table, true) => answers_table(&report.coded_answers, &labels),
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

fn band_row(b: &ShareBand) -> BandRow {
    BandRow {
        lower: b.lower,
        upper: b.upper,
        answers: b.answers,
        agreeing: b.agreeing,
        agreement: (b.answers > 0).then(|| b.agreeing as f64 / b.answers as f64),
    }
}

fn answer_row(v: &CodeValidation, a: &CodedAnswer, model: &LdaModel, labels: &Labels) -> AnswerRow {
    let doc = &model.documents()[a.doc];
    AnswerRow {
        id: doc.id.clone(),
        code: v.codes[a.code].clone(),
        topic: a.topic,
        label: labels.get(a.topic).map(str::to_string),
        topic_code: v.agreement.class_of_topic[a.topic].map(|c| v.codes[c].clone()),
        share: a.share,
        agrees: v.agrees(a),
        text: doc.text.replace(['\n', '\r'], " "),
    }
}

/// `0.8 to 1`, `0.6 to 0.8`, `below 0.6`: a band of shares in words.
fn band_name(b: &BandRow) -> String {
    match (b.lower > 0.0, b.upper) {
        (true, None) => format!("{} to 1", b.lower),
        (true, Some(u)) => format!("{} to {u}", b.lower),
        (false, Some(u)) => format!("below {u}"),
        (false, None) => "any".to_string(),
    }
}

/// The cells of one answer: id, code, topic, its code, share, (agrees), text.
fn answer_cells(a: &AnswerRow, labels: &Labels, with_agrees: bool) -> Vec<String> {
    let mut row = vec![
        a.id.clone(),
        a.code.clone(),
        labels.name(a.topic),
        a.topic_code.clone().unwrap_or_else(|| "-".to_string()),
        format!("{:.3}", a.share),
    ];
    if with_agrees {
        row.push(if a.agrees { "yes" } else { "no" }.to_string());
    }
    row.push(a.text.clone());
    row
}

fn disagreement_list(listed: &[AnswerRow], total: usize, labels: &Labels) -> String {
    if listed.is_empty() {
        return String::new();
    }
    let shown = if listed.len() < total {
        format!(
            "the {} of {total} disagreeing answers the model calls most clearly (--disagreements N lists more)",
            listed.len()
        )
    } else if total == 1 {
        "the one disagreeing answer".to_string()
    } else {
        format!("the {total} disagreeing answers, those the model calls most clearly first")
    };
    let header = [
        "id",
        "code",
        "dominant topic",
        "its code",
        "share",
        "answer",
    ]
    .map(str::to_string);
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|a| answer_cells(a, labels, false))
        .collect();
    format!("\n{shown}:\n{}", text_table(&header, &rows))
}

fn answers_table(rows: &[AnswerRow], labels: &Labels) -> String {
    let header = [
        "id",
        "code",
        "dominant topic",
        "its code",
        "share",
        "agrees",
        "answer",
    ]
    .map(str::to_string);
    let rows: Vec<Vec<String>> = rows.iter().map(|a| answer_cells(a, labels, true)).collect();
    text_table(&header, &rows)
}

fn answers_csv(rows: &[AnswerRow], labels: &Labels) -> String {
    table(
        &[
            "id",
            "code",
            "topic",
            "label",
            "topic_code",
            "share",
            "agrees",
            "text",
        ],
        rows.iter().map(|a| {
            [
                a.id.clone(),
                a.code.clone(),
                a.topic.to_string(),
                labels.name(a.topic),
                a.topic_code.clone().unwrap_or_default(),
                a.share.to_string(),
                a.agrees.to_string(),
                a.text.clone(),
            ]
        }),
    )
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
    out +=
        "\nagreement by how clearly the model calls an answer (the share of its dominant topic):\n";
    let header = ["share", "answers", "agreeing", "agreement"].map(str::to_string);
    let rows: Vec<Vec<String>> = r
        .by_share
        .iter()
        .map(|b| {
            vec![
                band_name(b),
                b.answers.to_string(),
                b.agreeing.to_string(),
                fraction(b.agreement),
            ]
        })
        .collect();
    out += &text_table(&header, &rows);
    out += "an answer split between topics has no single code, and its dominant topic is close to a coin flip\n";
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
