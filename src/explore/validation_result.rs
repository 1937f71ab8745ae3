//! A validation as a result to keep and show: what `topics validate
//! --format json` writes and `topics report --validation-results` reads
//! back, and its tables as CSV for the command and the report alike.

use serde::{Deserialize, Serialize};

use super::labels::Labels;
use super::validation::{clearest_disagreements, CodeValidation, CodedAnswer, ShareBand};
use crate::lda::LdaModel;
use crate::render::csv::table;

/// A validation as `topics validate --format json` writes it, and as the
/// report and the served page read it back (`--validation-results`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationResult {
    /// The codes file, as given.
    pub codes_file: String,
    /// Its column with the codes.
    pub code_column: String,
    /// The distinct codes in natural order.
    pub codes: Vec<String>,
    /// Answers both fitted and coded.
    pub answers: usize,
    /// Of them, the answers whose dominant topic is matched to their code.
    pub agreeing: usize,
    /// `agreeing / answers`.
    pub agreement: f64,
    /// [`CodeValidation::chance`].
    pub chance: f64,
    /// [`CodeValidation::kappa`].
    pub kappa: f64,
    /// Per topic, in topic order.
    pub topics: Vec<ValidationTopic>,
    /// Codes no topic is matched to (more codes than topics): their answers
    /// count as disagreeing.
    pub unmatched_codes: Vec<String>,
    /// Coded ids that are not answers of the model.
    pub not_in_model: Vec<String>,
    /// Fitted answers without a code.
    pub uncoded: usize,
    /// Agreement by the dominant topic's share, clearest band first.
    pub by_share: Vec<ValidationBand>,
    /// Answers disagreeing with their code.
    pub disagreeing: usize,
    /// Every coded answer, in the model's order.
    pub coded_answers: Vec<ValidationAnswer>,
}

/// One topic's row of a [`ValidationResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationTopic {
    /// The topic's number.
    pub topic: usize,
    /// Its label when the validation ran.
    pub label: Option<String>,
    /// Coded answers whose dominant topic it is.
    pub answers: usize,
    /// Those answers per code, in the order of `codes`.
    pub by_code: Vec<usize>,
    /// The code the topic is matched to.
    pub matched_code: Option<String>,
    /// Its answers with the matched code.
    pub agreeing: usize,
    /// Of the topic's answers, the share with its matched code.
    pub precision: Option<f64>,
    /// Of the matched code's answers, the share whose dominant topic is
    /// this one.
    pub recall: Option<f64>,
}

/// One band of [`ValidationResult::by_share`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationBand {
    /// The lowest share in the band.
    pub lower: f64,
    /// The share the band stops below (`null` for the top band).
    pub upper: Option<f64>,
    /// Coded answers in the band.
    pub answers: usize,
    /// Of them, those agreeing.
    pub agreeing: usize,
    /// `agreeing / answers`, when the band has answers.
    pub agreement: Option<f64>,
}

impl ValidationBand {
    /// The band in words: `0.8 to 1`, `0.6 to 0.8`, `below 0.6`.
    pub fn name(&self) -> String {
        match (self.lower > 0.0, self.upper) {
            (true, None) => format!("{} to 1", self.lower),
            (true, Some(u)) => format!("{} to {u}", self.lower),
            (false, Some(u)) => format!("below {u}"),
            (false, None) => "any".to_string(),
        }
    }
}

/// One coded answer of a [`ValidationResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationAnswer {
    /// The answer's id.
    pub id: String,
    /// Its code.
    pub code: String,
    /// Its dominant topic.
    pub topic: usize,
    /// That topic's label when the validation ran.
    pub label: Option<String>,
    /// The code the dominant topic is matched to.
    pub topic_code: Option<String>,
    /// θ of the dominant topic.
    pub share: f64,
    /// Whether `topic_code` is `code`.
    pub agrees: bool,
    /// The answer, on one line.
    pub text: String,
}

impl ValidationResult {
    /// The validation `v` of `model` (with its `labels`) against the codes
    /// in `codes_file`'s `code_column`.
    pub fn new(
        v: &CodeValidation,
        model: &LdaModel,
        labels: &Labels,
        codes_file: String,
        code_column: String,
    ) -> ValidationResult {
        ValidationResult {
            codes_file,
            code_column,
            codes: v.codes.clone(),
            answers: v.agreement.scored(),
            agreeing: v.agreement.agreeing(),
            agreement: v.agreement.share(),
            chance: v.chance(),
            kappa: v.kappa(),
            topics: topic_rows(v, labels),
            unmatched_codes: (0..v.codes.len())
                .filter(|c| !v.agreement.class_of_topic.contains(&Some(*c)))
                .map(|c| v.codes[c].clone())
                .collect(),
            not_in_model: v.not_in_model.clone(),
            uncoded: v.uncoded,
            by_share: v.by_share().iter().map(band_row).collect(),
            disagreeing: v.agreement.scored() - v.agreement.agreeing(),
            coded_answers: v
                .answers
                .iter()
                .map(|a| answer_row(v, a, model, labels))
                .collect(),
        }
    }

    /// The disagreeing answers, those the model calls most clearly first
    /// (then in the model's order), as [`CodeValidation::disagreements`].
    pub fn disagreements(&self) -> Vec<&ValidationAnswer> {
        clearest_disagreements(&self.coded_answers, |a| a.share, |a| a.agrees)
    }
}

fn topic_rows(v: &CodeValidation, labels: &Labels) -> Vec<ValidationTopic> {
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    v.agreement
        .class_of_topic
        .iter()
        .enumerate()
        .map(|(t, &matched)| {
            let answers = v.topic_answers(t);
            let agreeing = matched.map_or(0, |c| v.agreement.table[t][c]);
            ValidationTopic {
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

fn band_row(b: &ShareBand) -> ValidationBand {
    ValidationBand {
        lower: b.lower,
        upper: b.upper,
        answers: b.answers,
        agreeing: b.agreeing,
        agreement: (b.answers > 0).then(|| b.agreeing as f64 / b.answers as f64),
    }
}

fn answer_row(
    v: &CodeValidation,
    a: &CodedAnswer,
    model: &LdaModel,
    labels: &Labels,
) -> ValidationAnswer {
    let doc = &model.documents()[a.doc];
    ValidationAnswer {
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

impl ValidationResult {
    /// One row per topic: its answers per code (`code_<code>` columns), its
    /// matched code, agreeing answers, precision and recall; `name` names
    /// the topics.
    pub fn topics_csv(&self, name: impl Fn(usize) -> String) -> String {
        let header = self.topic_columns(
            |c| format!("code_{c}"),
            ["matched_code", "agreeing", "precision", "recall"],
        );
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let number = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
        table(
            &header,
            self.topics
                .iter()
                .map(|t| t.cells(&name(t.topic), "", number)),
        )
    }

    /// The column names of the per-topic table: the topic's, a column per
    /// code (named by `code`), then the matching's (`tail`).
    pub fn topic_columns(&self, code: impl Fn(&str) -> String, tail: [&str; 4]) -> Vec<String> {
        let mut header: Vec<String> = ["topic", "label", "answers"].map(str::to_string).to_vec();
        header.extend(self.codes.iter().map(|c| code(c)));
        header.extend(tail.map(str::to_string));
        header
    }

    /// One row per coded answer, in the model's order: id, code, dominant
    /// topic (number and `name`), the code it is matched to, its share,
    /// whether they agree, the answer.
    pub fn answers_csv(&self, name: impl Fn(usize) -> String) -> String {
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
            self.coded_answers.iter().map(|a| {
                [
                    a.id.clone(),
                    a.code.clone(),
                    a.topic.to_string(),
                    name(a.topic),
                    a.topic_code.clone().unwrap_or_default(),
                    a.share.to_string(),
                    a.agrees.to_string(),
                    a.text.clone(),
                ]
            }),
        )
    }
}

impl ValidationTopic {
    /// The topic's cells in the order of [`ValidationResult::topic_columns`]:
    /// `none` stands for a topic without a matched code, and `share` writes
    /// precision and recall.
    pub fn cells(
        &self,
        name: &str,
        none: &str,
        share: impl Fn(Option<f64>) -> String,
    ) -> Vec<String> {
        let mut row = vec![
            self.topic.to_string(),
            name.to_string(),
            self.answers.to_string(),
        ];
        row.extend(self.by_code.iter().map(usize::to_string));
        row.extend([
            self.matched_code
                .clone()
                .unwrap_or_else(|| none.to_string()),
            self.agreeing.to_string(),
            share(self.precision),
            share(self.recall),
        ]);
        row
    }
}
