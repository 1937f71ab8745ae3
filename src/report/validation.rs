//! The report's section on the topics against hand codes: the result of
//! `topics validate --format json`, drawn in Rust as the findings are.
//!
//! It reads as an analyst checks a model: how often the dominant topic is
//! the code (and what chance would give), each topic against the codes,
//! then where they disagree: by how clearly the model calls an answer,
//! and the disagreeing answers themselves, the clearest first, because
//! those are the miscoded answers or the topics that are not the code.

use std::fmt::Write as _;

use super::findings::download;
use super::ReportData;
use crate::explore::{ValidationAnswer, ValidationResult};
use crate::render::text::escape;

/// Disagreeing answers shown before the rest folds into a `<details>`.
const SHOWN: usize = 10;

/// Coded ids not in the model named before saying how many more there are.
const IDS_SHOWN: usize = 20;

/// The inner HTML of `<section id="validation">`.
pub(crate) fn validation_section(data: &ReportData) -> String {
    let mut s = String::from("<h2>Topics against hand codes</h2>\n");
    let Some(v) = &data.validation else {
        s.push_str("<p class=\"note\">No hand codes were given. Code a sample of answers yourself (a CSV of answer id and code), check the topics with <code>topics validate MODEL CODES.csv --format json -o validation.json</code>, and show the result here with <code>topics report MODEL --validation validation.json</code>.</p>\n");
        return s;
    };
    if v.topics.len() != data.topics.len() {
        let _ = writeln!(
            s,
            "<p class=\"note warn\">These codes were checked against a {}-topic model; this report shows {} topics, so the validation is of another model and is not shown.</p>",
            v.topics.len(),
            data.topics.len()
        );
        return s;
    }
    lede(&mut s, v);
    topic_table(&mut s, data, v);
    bands(&mut s, v);
    disagreements(&mut s, data, v);
    notes(&mut s, v);
    s.push_str("<p class=\"downloads\">Download the tables (CSV): ");
    let name = |t: usize| data.topic_name(t);
    download(
        &mut s,
        "validation_topics.csv",
        "topics × codes",
        &v.topics_csv(name),
    );
    download(
        &mut s,
        "validation_answers.csv",
        "every coded answer",
        &v.answers_csv(name),
    );
    s.push_str("</p>\n");
    s
}

fn lede(s: &mut String, v: &ValidationResult) {
    let _ = writeln!(
        s,
        "<p class=\"lede\" id=\"validation-lede\">The dominant topic agrees with the code for <strong>{} of {} coded answers ({:.1}%)</strong>; chance with these topic and code shares would give {:.1}%, and Cohen's κ is {:.3}. Codes: <code>{}</code>, column <code>{}</code>.</p>",
        v.agreeing,
        v.answers,
        100.0 * v.agreement,
        100.0 * v.chance,
        v.kappa,
        escape(&v.codes_file),
        escape(&v.code_column)
    );
    s.push_str("<p class=\"note\">Topics and codes share no names, so each topic is first matched to the code it agrees with most, one to one (Hungarian method); κ is computed on that pairing, so on a small sample it is a little optimistic (Grimmer &amp; Stewart 2013: validate, validate, validate).</p>\n");
}

fn topic_table(s: &mut String, data: &ReportData, v: &ValidationResult) {
    s.push_str("<table class=\"findings validation\" id=\"validation-topics\"><thead><tr><th>Topic</th><th class=\"num\">Answers</th>");
    for c in &v.codes {
        let _ = write!(s, "<th class=\"num\">{}</th>", escape(c));
    }
    s.push_str("<th>Matched code</th><th class=\"num\">Precision</th><th class=\"num\">Recall</th></tr></thead><tbody>\n");
    let share = |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{x:.3}"));
    for t in &v.topics {
        let _ = write!(
            s,
            "<tr data-topic=\"{}\"><td>{}</td><td class=\"num\">{}</td>",
            t.topic,
            escape(&data.topic_name(t.topic)),
            t.answers
        );
        for (c, n) in v.codes.iter().zip(&t.by_code) {
            let matched = t.matched_code.as_deref() == Some(c.as_str());
            let _ = write!(
                s,
                "<td class=\"num{}\">{n}</td>",
                if matched { " matched" } else { "" }
            );
        }
        let _ = writeln!(
            s,
            "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(t.matched_code.as_deref().unwrap_or("none")),
            share(t.precision),
            share(t.recall)
        );
    }
    s.push_str("</tbody></table>\n<p class=\"note\">Each row counts the coded answers whose dominant topic it is, by their code; the matched cell is shaded. Precision: of the topic's answers, the share with its matched code. Recall: of the code's answers, the share whose dominant topic is this one.</p>\n");
}

fn bands(s: &mut String, v: &ValidationResult) {
    s.push_str("<h3>Where they disagree</h3>\n<table class=\"findings\" id=\"validation-bands\"><thead><tr><th>Share of the dominant topic</th><th class=\"num\">Answers</th><th class=\"num\">Agreeing</th><th class=\"num\">Agreement</th></tr></thead><tbody>\n");
    for b in &v.by_share {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&b.name()),
            b.answers,
            b.agreeing,
            b.agreement
                .map_or("–".to_string(), |a| format!("{:.1}%", 100.0 * a))
        );
    }
    s.push_str("</tbody></table>\n<p class=\"note\">The share θ of an answer's dominant topic says how clearly the model calls it. An answer split between topics has no single code, and its dominant topic is close to a coin flip; read the agreement of the clear answers as what the topics can do.</p>\n");
}

fn disagreements(s: &mut String, data: &ReportData, v: &ValidationResult) {
    let all = v.disagreements();
    if all.is_empty() {
        s.push_str("<p>Every coded answer agrees with its topic.</p>\n");
        return;
    }
    let (first, rest) = all.split_at(SHOWN.min(all.len()));
    let _ = writeln!(
        s,
        "<h3>The disagreeing answers the model calls most clearly</h3>\n<p class=\"note\">{} of the {} disagreeing answers. A clear disagreement is a miscoded answer or a topic that is not the code: these are the ones to read first.</p>",
        first.len(),
        all.len()
    );
    answer_table(s, data, first, "validation-disagreements");
    if !rest.is_empty() {
        let _ = writeln!(
            s,
            "<details class=\"estimates\" id=\"validation-more\"><summary>The other {} disagreeing answers</summary>",
            rest.len()
        );
        answer_table(s, data, rest, "validation-rest");
        s.push_str("</details>\n");
    }
}

fn answer_table(s: &mut String, data: &ReportData, answers: &[&ValidationAnswer], id: &str) {
    let _ = writeln!(
        s,
        "<table class=\"findings coded-answers\" id=\"{id}\"><thead><tr><th>id</th><th>Code</th><th>Dominant topic</th><th>Its code</th><th class=\"num\">θ</th><th>Answer</th></tr></thead><tbody>"
    );
    for a in answers {
        let _ = writeln!(
            s,
            "<tr data-id=\"{id}\"><td>{id}</td><td>{code}</td><td>{topic}</td><td>{its}</td><td class=\"num\">{share:.3}</td><td class=\"text\">{text}</td></tr>",
            id = escape(&a.id),
            code = escape(&a.code),
            topic = escape(&data.topic_name(a.topic)),
            its = escape(a.topic_code.as_deref().unwrap_or("none")),
            share = a.share,
            text = escape(&a.text)
        );
    }
    s.push_str("</tbody></table>\n");
}

fn notes(s: &mut String, v: &ValidationResult) {
    let mut items: Vec<String> = Vec::new();
    if !v.unmatched_codes.is_empty() {
        items.push(format!(
            "Codes no topic is matched to (more codes than topics; their answers count as disagreeing): {}.",
            v.unmatched_codes.join(", ")
        ));
    }
    if !v.not_in_model.is_empty() {
        let shown = &v.not_in_model[..IDS_SHOWN.min(v.not_in_model.len())];
        let more = v.not_in_model.len() - shown.len();
        let count = match v.not_in_model.len() {
            1 => "1 coded id is not an answer".to_string(),
            n => format!("{n} coded ids are not answers"),
        };
        items.push(format!(
            "{count} of the model (blank answers and non-answers such as “don’t know” are left out of a fit): {}{}.",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if v.uncoded > 0 {
        items.push(match v.uncoded {
            1 => "1 fitted answer has no code and is left out.".to_string(),
            n => format!("{n} fitted answers have no code and are left out."),
        });
    }
    if items.is_empty() {
        return;
    }
    s.push_str("<ul class=\"notes\">\n");
    for i in items {
        let _ = writeln!(s, "<li>{}</li>", escape(&i));
    }
    s.push_str("</ul>\n");
}
