//! `topics validate`: the model's topics against codes a person gave the
//! same answers (or the known themes of simulated answers): how often an
//! answer's dominant topic is its code, once topics are matched to codes.

use std::path::PathBuf;

use topics::explore::{
    open_model, text_table, CodeValidation, Labels, ValidationAnswer, ValidationResult,
};
use topics::link::covariates::CovariatesFile;

use super::common::{print, to_json, write_file, Format};

const EXAMPLES: &str = "\
Examples:
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --disagreements 20
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --answers --format csv
  topics validate model.json examples/data/respondents.csv --code-column dominant_theme --format json -o validation.json";

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
    /// Write the results to this file (atomically) instead of standard
    /// output; `topics report --validation-results` shows a JSON one.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[args.output.as_deref()],
        &[
            Some(&args.model),
            Some(&Labels::path_for(&args.model)),
            Some(&args.codes),
        ],
    )?;
    let (model, labels) = open_model(&args.model)?;
    let file = CovariatesFile::open(&args.codes, args.id_column.as_deref())?;
    let codes = file.required_values(&args.code_column)?;
    let v = CodeValidation::new(&model, &codes).map_err(|e| e.in_file(&args.codes))?;
    let result = ValidationResult::new(
        &v,
        &model,
        &labels,
        topics::io::display_path(&args.codes).display().to_string(),
        args.code_column.clone(),
    );
    let out = match (args.format, args.answers) {
        (Format::Json, _) => to_json(&result)?,
        (Format::Csv, false) => result.topics_csv(|t| labels.name(t)),
        (Format::Csv, true) => result.answers_csv(|t| labels.name(t)),
        (Format::Table, false) => {
            let all = result.disagreements();
            let listed = &all[..args.disagreements.min(all.len())];
            readable(&result, &labels) + &disagreement_list(listed, all.len(), &labels)
        }
        (Format::Table, true) => answers_table(&result.coded_answers, &labels),
    };
    match &args.output {
        Some(path) => write_file(path, out.as_bytes()),
        None => Ok(print(&out)?),
    }
}

/// The column names of [`answer_cells`].
fn answer_header(with_agrees: bool) -> Vec<String> {
    let mut header = vec!["id", "code", "dominant topic", "its code", "share"];
    if with_agrees {
        header.push("agrees");
    }
    header.push("answer");
    header.into_iter().map(str::to_string).collect()
}

/// The cells of one answer: id, code, topic, its code, share, (agrees), text.
fn answer_cells(a: &ValidationAnswer, labels: &Labels, with_agrees: bool) -> Vec<String> {
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

fn disagreement_list(listed: &[&ValidationAnswer], total: usize, labels: &Labels) -> String {
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
    let header = answer_header(false);
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|a| answer_cells(a, labels, false))
        .collect();
    format!("\n{shown}:\n{}", text_table(&header, &rows))
}

fn answers_table(rows: &[ValidationAnswer], labels: &Labels) -> String {
    let header = answer_header(true);
    let rows: Vec<Vec<String>> = rows.iter().map(|a| answer_cells(a, labels, true)).collect();
    text_table(&header, &rows)
}

/// `0.853`, or `-` where there is nothing to divide.
fn fraction(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |x| format!("{x:.3}"))
}

fn readable(r: &ValidationResult, labels: &Labels) -> String {
    let header = r.topic_columns(
        str::to_string,
        ["matched code", "agreeing", "precision", "recall"],
    );
    let rows: Vec<Vec<String>> = r
        .topics
        .iter()
        .map(|t| t.cells(&labels.name(t.topic), "-", fraction))
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
            "coded but not answers of the model (blank answers and non-answers such as “don’t know” are left out of a fit): {}{}\n",
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
                b.name(),
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
