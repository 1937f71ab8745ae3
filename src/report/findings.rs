//! The report's findings: the conjoint experiment and the topics × conjoint
//! cross-check, rendered in Rust as figures, short tables and sentences,
//! the way they would go into a paper. Raw per-respondent tables are not
//! shown; they are offered as CSV downloads (with a byte-order mark, so a
//! spreadsheet reads Korean).
//!
//! Conjoint figures follow cregg: AMCEs apart from marginal means; several
//! outcomes measured on the same scale side by side as facets on one
//! shared axis (the four "would you share it with…" outcomes of the
//! example study in a row), an outcome on another scale (a rating) or
//! another question (the forced choice) in a figure of its own; the
//! dashed line at the natural null (0 for effects and differences, 0.5
//! for the marginal means of a forced choice between two profiles, the
//! tested h0 otherwise).

use std::fmt::Write as _;

use super::ReportData;
use crate::conjoint::estimate::{EstimateRow, OutcomeType, Statistic};
use crate::conjoint::output::estimates_csv;
use crate::conjoint::plot::{forest, mm_null};
use crate::link::output::{all_csv, LinkResult};
use crate::math::normal_two_sided_p;
use crate::render::csv::data_url;
use crate::render::forest as draw;
use crate::render::num::{p_value, signed};
use crate::render::text::escape;

/// The inner HTML of `<section id="conjoint">`.
pub(crate) fn conjoint_section(data: &ReportData) -> String {
    let mut s = String::from("<h2>Conjoint: AMCEs and marginal means</h2>\n");
    let Some(rows) = data.conjoint.as_deref().filter(|r| !r.is_empty()) else {
        s.push_str("<p class=\"note\">No conjoint result was given (<code>topics report MODEL --conjoint RESULT.json</code>, from <code>topics conjoint … --format json</code>).</p>\n");
        return s;
    };
    let level = interval_level(rows);
    let _ = writeln!(
        s,
        "<p class=\"note\">Estimates with {level} confidence intervals from respondent-clustered standard errors (as cregg); hollow points are reference levels.</p>"
    );
    for (statistic, heading) in [
        (
            Statistic::Amce,
            "Average marginal component effects (AMCEs)",
        ),
        (
            Statistic::AmceDifference,
            "Differences in AMCEs between groups",
        ),
        (Statistic::Mm, "Marginal means"),
        (
            Statistic::MmDifference,
            "Differences in marginal means between groups",
        ),
    ] {
        let figures = figures(rows, statistic);
        if figures.is_empty() {
            continue;
        }
        let _ = writeln!(s, "<h3>{heading}</h3>");
        for f in figures {
            s.push_str(&conjoint_figure(rows, &f, &level));
        }
    }
    predictions(&mut s, rows);
    estimates_table(&mut s, rows, &level);
    s.push_str("<p class=\"downloads\">Download: ");
    download(
        &mut s,
        "conjoint_estimates.csv",
        "all estimates",
        &estimates_csv(rows),
    );
    s.push_str("</p>\n");
    s
}

/// One conjoint figure: outcomes of one statistic that share a scale.
struct Figure {
    statistic: Statistic,
    outcomes: Vec<String>,
    scale: Scale,
    null: f64,
}

/// What an outcome's numbers mean, for grouping outcomes and titling axes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    ForcedChoice,
    Binary,
    Numeric,
    /// An older result without `outcome_type`: estimates within [−1, 1].
    Unknown,
}

fn scale_of(rows: &[EstimateRow], outcome: &str) -> Scale {
    let of = rows.iter().filter(|r| r.outcome == outcome);
    match of.clone().find_map(|r| r.outcome_type) {
        Some(OutcomeType::ForcedChoice) => Scale::ForcedChoice,
        Some(OutcomeType::Binary) => Scale::Binary,
        Some(OutcomeType::Numeric) => Scale::Numeric,
        None if of.clone().all(|r| r.estimate.abs() <= 1.0) => Scale::Unknown,
        None => Scale::Numeric,
    }
}

/// The null the estimates of `rows` were tested against: the rows' `h0`,
/// else recovered from `z` (z = (estimate − h0)/SE), else 0.
fn tested_null(rows: &[&EstimateRow]) -> f64 {
    if let Some(h) = rows.iter().find_map(|r| r.h0) {
        return h;
    }
    rows.iter()
        .find_map(|r| Some(r.estimate - r.z? * r.std_error?))
        .map_or(0.0, |h| (h * 1e9).round() / 1e9)
}

/// The figures of one statistic: outcomes grouped by scale and null, in
/// the order they first appear.
fn figures(rows: &[EstimateRow], statistic: Statistic) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| r.statistic == statistic) {
        if seen.contains(&r.outcome.as_str()) {
            continue;
        }
        seen.push(&r.outcome);
        let own: Vec<&EstimateRow> = rows
            .iter()
            .filter(|x| x.outcome == r.outcome && x.statistic == statistic)
            .collect();
        let scale = scale_of(rows, &r.outcome);
        let null = match statistic {
            Statistic::Mm if scale == Scale::ForcedChoice => 0.5,
            Statistic::Mm | Statistic::Prediction => tested_null(&own),
            _ => 0.0,
        };
        match out
            .iter_mut()
            .find(|f| f.scale == scale && f.null == null && scale != Scale::ForcedChoice)
        {
            Some(f) => f.outcomes.push(r.outcome.clone()),
            None => out.push(Figure {
                statistic,
                outcomes: vec![r.outcome.clone()],
                scale,
                null,
            }),
        }
    }
    out
}

/// An outcome's column name as a panel title (`share_friend` → `share friend`).
fn outcome_title(outcome: &str) -> String {
    outcome.replace('_', " ")
}

fn axis_title(f: &Figure) -> String {
    let one = (f.outcomes.len() == 1).then(|| outcome_title(&f.outcomes[0]));
    let mean_of = one.map_or("the outcome".to_string(), |o| format!("“{o}”"));
    match (f.statistic, f.scale) {
        (Statistic::Amce, Scale::ForcedChoice) => {
            "AMCE: change in the probability that a profile is chosen".into()
        }
        (Statistic::Amce, Scale::Binary) => "AMCE: change in Pr(outcome = 1)".into(),
        (Statistic::Amce, Scale::Numeric) => format!("AMCE: change in the mean of {mean_of}"),
        (Statistic::Amce, Scale::Unknown) => "AMCE (change from the reference level)".into(),
        (Statistic::Mm, Scale::ForcedChoice) => {
            "Marginal mean: probability that a profile with the level is chosen".into()
        }
        (Statistic::Mm, Scale::Binary) => "Marginal mean: Pr(outcome = 1)".into(),
        (Statistic::Mm, _) => format!("Marginal mean of {mean_of}"),
        (Statistic::AmceDifference, _) => "Difference in AMCEs from the reference group".into(),
        (Statistic::MmDifference, _) => {
            "Difference in marginal means from the reference group".into()
        }
        (Statistic::Prediction, _) => "Predicted outcome".into(),
    }
}

fn null_text(f: &Figure) -> String {
    match (f.statistic, f.scale) {
        (Statistic::Mm, Scale::ForcedChoice) => {
            "0.5, the mean of a forced choice between two profiles".into()
        }
        (Statistic::Mm, _) => format!("the tested null h0 = {}", f.null),
        _ => "0 (no effect)".into(),
    }
}

fn conjoint_figure(rows: &[EstimateRow], f: &Figure, level: &str) -> String {
    let own: Vec<EstimateRow> = rows
        .iter()
        .filter(|r| r.statistic == f.statistic && f.outcomes.contains(&r.outcome))
        .cloned()
        .collect();
    let mut fig = forest(&own, &[], &outcome_title);
    // A tested null far from every estimate (h0 = 0, the default, for
    // marginal means of a rating) would squeeze the estimates into a
    // corner: it is named in the caption instead of drawn.
    let off_scale = f.statistic == Statistic::Mm && far_from(&own, f.null);
    fig.null = (!off_scale).then_some(f.null);
    fig.x_title = axis_title(f);
    let names: Vec<String> = f.outcomes.iter().map(|o| outcome_title(o)).collect();
    let what = match f.statistic {
        Statistic::Amce => "AMCEs",
        Statistic::Mm => "Marginal means",
        Statistic::AmceDifference => "Differences in AMCEs",
        _ => "Differences in marginal means",
    };
    let groups = if fig.series.is_empty() {
        String::new()
    } else {
        format!("; colours: {}", fig.series.join(", "))
    };
    let null = if off_scale {
        format!("The tested null h0 = {} lies far off this scale.", f.null)
    } else {
        format!("Dashed line: {}.", null_text(f))
    };
    format!(
        "<figure class=\"finding\" data-statistic=\"{}\" data-outcomes=\"{}\">{}<figcaption>{what} of {} ({level} CI{groups}). {}</figcaption></figure>\n",
        f.statistic.as_str(),
        escape(&f.outcomes.join(" ")),
        draw::svg(&fig),
        escape(&names.join(", ")),
        escape(&null)
    )
}

/// Whether `null` is further from the estimates' range than the range is
/// wide.
fn far_from(rows: &[EstimateRow], null: f64) -> bool {
    let values = rows
        .iter()
        .flat_map(|r| [Some(r.estimate), r.lower, r.upper])
        .flatten()
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = (hi - lo).max(1e-9);
    lo.is_finite() && (null < lo - span || null > hi + span)
}

/// The confidence level of the rows' intervals (`95%`), read off the
/// first interval: its half-width in standard errors.
fn interval_level(rows: &[EstimateRow]) -> String {
    let level = rows.iter().find_map(|r| {
        let (se, up) = (r.std_error?, r.upper?);
        (se > 0.0).then(|| 1.0 - normal_two_sided_p((up - r.estimate) / se))
    });
    // Files whose numbers were rounded still read as the usual level.
    let level = level.map(|l| {
        [0.8, 0.9, 0.95, 0.99, 0.999]
            .into_iter()
            .find(|c| (l - c).abs() < 0.006)
            .unwrap_or(l)
    });
    level.map_or("95%".into(), |l| {
        format!("{}%", (l * 1000.0).round() / 10.0)
    })
}

fn predictions(s: &mut String, rows: &[EstimateRow]) {
    let preds: Vec<&EstimateRow> = rows
        .iter()
        .filter(|r| r.statistic == Statistic::Prediction)
        .collect();
    if preds.is_empty() {
        return;
    }
    s.push_str("<h3>Predicted outcome of profiles</h3>\n<table class=\"findings\"><thead><tr><th>Outcome</th><th>Profile</th><th>Levels</th><th class=\"num\">Prediction</th><th class=\"num\">Interval</th></tr></thead><tbody>\n");
    for r in preds {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>",
            escape(&r.outcome),
            escape(&r.feature),
            escape(&r.level),
            r.estimate,
            interval(r.lower, r.upper)
        );
    }
    s.push_str("</tbody></table>\n");
}

fn interval(lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) => format!("[{l:.3}, {u:.3}]"),
        _ => String::new(),
    }
}

/// Every estimate in one table, folded away (the figures carry the story).
fn estimates_table(s: &mut String, rows: &[EstimateRow], level: &str) {
    let _ = writeln!(
        s,
        "<details class=\"estimates\"><summary>Table of all {} estimates</summary>\n<table class=\"findings\"><thead><tr><th>Outcome</th><th>Statistic</th><th>Group</th><th>Feature</th><th>Level</th><th class=\"num\">Estimate</th><th class=\"num\">{level} CI</th><th class=\"num\">p</th></tr></thead><tbody>",
        rows.len()
    );
    for r in rows {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&r.outcome),
            r.statistic.as_str(),
            escape(r.by.as_deref().unwrap_or("")),
            escape(r.feature_label.as_deref().unwrap_or(&r.feature)),
            escape(&r.level),
            r.estimate,
            if r.std_error.is_none() {
                "reference".into()
            } else {
                interval(r.lower, r.upper)
            },
            p_value(r.p)
        );
    }
    s.push_str("</tbody></table></details>\n");
}

/// A download link for `csv` (UTF-8 with a byte-order mark).
pub(crate) fn download(s: &mut String, file: &str, text: &str, csv: &str) {
    let _ = write!(
        s,
        "<a class=\"csv\" download=\"{}\" href=\"{}\">{}</a> ",
        escape(file),
        data_url(csv),
        escape(text)
    );
}

/// The inner HTML of `<section id="link">`.
pub(crate) fn link_section(data: &ReportData) -> String {
    let mut s = String::from("<h2>Topics × conjoint</h2>\n");
    let Some(link) = &data.link else {
        s.push_str("<p class=\"note\">No cross-check was given (<code>topics report MODEL --link RESULT.json</code>, from <code>topics link … --format json</code>).</p>\n");
        return s;
    };
    let names = GroupNames::new(data, link);
    let level = format!("{}%", (1.0 - link.summary.alpha) * 100.0);
    lede(&mut s, link, &names, &level);
    link_figures(&mut s, link, &names, &level);
    words_levels(&mut s, link, &names);
    tests(&mut s, link, &names);
    stability(&mut s, link, &names);
    prevalence(&mut s, link, &names);
    if !link.notes.is_empty() || !names.mismatch.is_empty() {
        s.push_str("<h3>Notes</h3>\n<ul class=\"notes\">\n");
        for n in names.mismatch.iter().chain(&link.notes) {
            let _ = writeln!(s, "<li>{}</li>", escape(n));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<p class=\"downloads\">Download the tables (CSV): ");
    for (file, csv) in all_csv(link) {
        let text = match file {
            "estimates.csv" => "estimates by group",
            "tests.csv" => "omnibus tests",
            "words_levels.csv" => "words ↔ levels",
            "topic_words.csv" => "top words",
            "prevalence.csv" => "prevalence",
            "stability.csv" => "per-respondent stability",
            _ => "join",
        };
        download(&mut s, &format!("link_{file}"), text, &csv);
    }
    s.push_str("</p>\n");
    s
}

/// The report's names for the link result's topic groups: the model's
/// current labels (`#2 Trust`), so a label set after `topics link` ran
/// still names its group.
struct GroupNames {
    /// (name in the link result, name in the report).
    renames: Vec<(String, String)>,
    /// Why the names could not be matched, if they could not.
    mismatch: Vec<String>,
}

impl GroupNames {
    fn new(data: &ReportData, link: &LinkResult) -> GroupNames {
        let topics = &link.words_levels.topics;
        if topics.len() != data.topics.len() {
            return GroupNames {
                renames: Vec::new(),
                mismatch: vec![format!(
                    "The cross-check was computed with a {}-topic model, this report shows {} topics: its groups keep the names it was computed with.",
                    topics.len(),
                    data.topics.len()
                )],
            };
        }
        let mut renames: Vec<(String, String)> = topics
            .iter()
            .map(|t| (t.name.clone(), data.topic_name(t.topic)))
            .collect();
        // Longer names first, so "Topic 10" is not read as "Topic 1".
        renames.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        GroupNames {
            renames,
            mismatch: Vec::new(),
        }
    }

    /// `group` with its topic's name replaced (also in `Trust - others`
    /// and `Topic 1 θ low`).
    fn name(&self, group: &str) -> String {
        for (old, new) in &self.renames {
            if group == old {
                return new.clone();
            }
            if let Some(rest) = group.strip_prefix(old.as_str()) {
                if rest.starts_with(' ') {
                    return format!("{new}{}", rest.replace(" - others", " − others"));
                }
            }
        }
        group.replace(" - others", " − others")
    }

    /// The report's name of the topic the link result called `data_name`.
    fn topic(&self, data_name: &str, topic: usize) -> String {
        match self.renames.iter().find(|r| r.0 == data_name) {
            Some(r) => r.1.clone(),
            None => format!("{data_name} (#{topic})"),
        }
    }
}

fn lede(s: &mut String, link: &LinkResult, names: &GroupNames, level: &str) {
    let j = &link.join;
    let m = &link.summary;
    let draws = if m.draws == 1 {
        "the final θ only (the model keeps no draws)".to_string()
    } else {
        format!(
            "{} posterior draws of θ, combined by Rubin's rules",
            m.draws
        )
    };
    let groups: Vec<String> = link
        .groups
        .iter()
        .map(|g| format!("{} ({})", escape(&names.name(&g.group)), g.respondents))
        .collect();
    let _ = writeln!(
        s,
        "<p class=\"lede\">{} of {} conjoint respondents have an answer in the topic model ({} of {} profile rows). Respondents are grouped by {}: {}. Every estimate is repeated over {draws}, so its {level} interval includes the uncertainty of who belongs to which group.</p>",
        j.joined,
        j.conjoint_respondents,
        j.rows_joined,
        j.rows_joined + j.rows_left_out,
        escape(&m.groups_by),
        groups.join(", ")
    );
    let mut items: Vec<String> = j
        .problems()
        .into_iter()
        .filter(|p| p.1 > 0)
        .map(|(what, n, ids)| {
            let more = if n > ids.len() { ", …" } else { "" };
            let what = match what.strip_prefix("respondents ") {
                Some(rest) if n == 1 => format!("respondent {rest}"),
                _ => what.to_string(),
            };
            format!("{n} {what} (ids {}{more})", escape(&ids.join(", ")))
        })
        .collect();
    if j.respondents_without_key > 0 {
        items.push(format!(
            "{} respondents with an empty answer id",
            j.respondents_without_key
        ));
    }
    if !items.is_empty() {
        let _ = writeln!(s, "<p class=\"note\">Not joined: {}.</p>", items.join("; "));
    }
}

/// The link result's rows of `statistic` and `outcome`, groups renamed.
fn link_rows(
    link: &LinkResult,
    names: &GroupNames,
    statistic: Statistic,
    outcome: &str,
) -> Vec<EstimateRow> {
    link.rows
        .iter()
        .filter(|r| r.row.statistic == statistic && r.row.outcome == outcome)
        .map(|r| {
            let mut row = r.row.clone();
            row.by = row.by.as_deref().map(|b| names.name(b));
            row
        })
        .collect()
}

fn link_figures(s: &mut String, link: &LinkResult, names: &GroupNames, level: &str) {
    for outcome in &link.summary.outcomes {
        let mm = link_rows(link, names, Statistic::Mm, outcome);
        let diffs = link_rows(link, names, Statistic::MmDifference, outcome);
        if mm.is_empty() && diffs.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<h3>Marginal means of “{}” by topic group</h3>\n<div class=\"figure-row\">",
            escape(&outcome_title(outcome))
        );
        if !mm.is_empty() {
            let null = mm_null(&mm, link.summary.h0);
            let mut fig = forest(&mm, &[], &outcome_title);
            fig.null = Some(null);
            fig.x_title = if null == 0.5 {
                "Marginal mean: probability that a profile with the level is chosen".into()
            } else {
                format!("Marginal mean of “{}”", outcome_title(outcome))
            };
            let _ = writeln!(
                s,
                "<figure class=\"finding\" id=\"link-mm\" data-statistic=\"mm\">{}<figcaption>Marginal means in each topic group ({level} intervals pooled over θ draws). Dashed line: {}.</figcaption></figure>",
                draw::svg(&fig),
                if null == 0.5 {
                    "0.5, the mean of a forced choice between two profiles".to_string()
                } else {
                    format!("h0 = {null}")
                }
            );
        }
        if !diffs.is_empty() {
            let mut fig = forest(&diffs, &[], &outcome_title);
            fig.null = Some(0.0);
            fig.x_title = "Difference from the other respondents' marginal mean".into();
            let _ = writeln!(
                s,
                "<figure class=\"finding\" id=\"link-diffs\" data-statistic=\"mm_difference\">{}<figcaption>Each topic group's marginal means minus those of all other joined respondents ({level} intervals). Dashed line: 0 (no difference).</figcaption></figure>",
                draw::svg(&fig)
            );
        }
        s.push_str("</div>\n");
    }
}

/// A feature's display name in the link result's rows.
fn feature_label(link: &LinkResult, feature: &str) -> String {
    link.rows
        .iter()
        .find(|r| r.row.feature == feature)
        .and_then(|r| r.row.feature_label.clone())
        .unwrap_or_else(|| feature.to_string())
}

fn words_levels(s: &mut String, link: &LinkResult, names: &GroupNames) {
    let w = &link.words_levels;
    s.push_str("<h3>Words ↔ levels: do the topics' words agree with the choices?</h3>\n");
    s.push_str("<p class=\"note\">Each pair puts a topic's words beside a level they point to (shared words of the level's label, or a line of the mapping file). The estimate is the topic group's marginal mean minus the other respondents'; the verdict says whether its interval lies on the side the words predict (<em>agrees</em>), on the other side (<em>contradicts</em>) or covers 0 (<em>unclear</em>).</p>\n");
    if w.pairs.is_empty() {
        s.push_str("<p class=\"note\">No topic's top words match a level label; a mapping file (<code>topics link --mapping FILE</code>) adds pairs.</p>\n");
    } else {
        s.push_str("<table class=\"findings words-levels\"><thead><tr><th>Topic</th><th>Words</th><th>Level</th><th>Expected</th><th class=\"num\">Difference</th><th class=\"num\">Interval</th><th class=\"num\">p</th><th>Verdict</th></tr></thead><tbody>\n");
        for p in &w.pairs {
            let verdict_class = p.verdict.replace(' ', "-");
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{} <span class=\"source\">({})</span></td><td>{}: {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><span class=\"verdict {}\">{}</span></td></tr>",
                escape(&names.topic(&p.name, p.topic)),
                escape(&p.words),
                escape(&p.source),
                escape(&feature_label(link, &p.feature)),
                escape(&p.level),
                if p.expected == crate::link::words::Expected::More {
                    "chosen more"
                } else {
                    "chosen less"
                },
                p.mm_difference.map_or(String::new(), signed),
                interval(p.lower, p.upper),
                p_value(p.p),
                escape(&verdict_class),
                escape(&p.verdict)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if !w.topics.is_empty() {
        s.push_str("<table class=\"findings top-words\"><thead><tr><th>Topic</th><th>Top words by probability</th><th>Top words by FREX</th></tr></thead><tbody>\n");
        for t in &w.topics {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&names.topic(&t.name, t.topic)),
                escape(&t.prob),
                escape(&t.frex)
            );
        }
        s.push_str("</tbody></table>\n");
    }
}

fn tests(s: &mut String, link: &LinkResult, names: &GroupNames) {
    if link.tests.is_empty() {
        return;
    }
    s.push_str("<h3>Do a group's choices differ from the others'?</h3>\n<p class=\"note\">Omnibus test that all of a group's AMCEs (and its intercept) equal the other respondents': a respondent-clustered Wald test of the interacted AMCE model, pooled over θ draws by D₂ (Li, Meng, Raghunathan &amp; Rubin 1991).</p>\n");
    s.push_str("<table class=\"findings tests\"><thead><tr><th>Group</th><th>Outcome</th><th class=\"num\">F</th><th class=\"num\">df</th><th class=\"num\">p</th></tr></thead><tbody>\n");
    for t in &link.tests {
        let df2 = t.test.df2.map_or("∞".to_string(), |d| format!("{d:.1}"));
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}, {df2}</td><td class=\"num\">{}</td></tr>",
            escape(&names.name(&t.by)),
            escape(&t.outcome),
            t.test.f,
            t.test.df1,
            p_value(Some(t.test.p))
        );
    }
    s.push_str("</tbody></table>\n");
}

fn stability(s: &mut String, link: &LinkResult, names: &GroupNames) {
    let st = &link.stability;
    s.push_str("<h3>How stable are the groups across θ draws?</h3>\n");
    let _ = writeln!(
        s,
        "<p>The dominant topic is the same in all {} draws for {} of {} respondents; {:.1}% change group at least once, and on average a respondent's draws disagree with their dominant topic in θ (the posterior mean) {:.1}% of the time.</p>",
        st.draws,
        st.unchanged,
        st.respondents,
        st.changed_share * 100.0,
        st.mean_disagreement * 100.0
    );
    s.push_str("<table class=\"findings groups\"><thead><tr><th>Group</th><th class=\"num\">Respondents (by θ)</th><th class=\"num\">Fewest</th><th class=\"num\">Most</th><th class=\"num\">Mean over draws</th></tr></thead><tbody>\n");
    for g in &link.groups {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1}</td></tr>",
            escape(&names.name(&g.group)),
            g.respondents,
            g.min_over_draws,
            g.max_over_draws,
            g.mean_over_draws
        );
    }
    s.push_str("</tbody></table>\n");
}

fn prevalence(s: &mut String, link: &LinkResult, names: &GroupNames) {
    if link.prevalence.is_empty() {
        return;
    }
    s.push_str("<h3>Topic prevalence by respondent covariate</h3>\n<p class=\"note\">Mean θ of each topic among the respondents of each level, and differences from the first level, with respondent-bootstrap intervals over the θ draws.</p>\n");
    s.push_str("<table class=\"findings prevalence\"><thead><tr><th>Covariate</th><th>Level</th><th>Topic</th><th class=\"num\">Respondents</th><th class=\"num\">Mean θ</th><th class=\"num\">Interval</th></tr></thead><tbody>\n");
    for r in &link.prevalence {
        let estimate = if r.statistic == "difference" {
            signed(r.estimate)
        } else {
            format!("{:.3}", r.estimate)
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{estimate}</td><td class=\"num\">{}</td></tr>",
            escape(&r.covariate),
            escape(&r.level.replace(" - ", " − ")),
            escape(&names.topic(&r.name, r.topic)),
            r.respondents,
            interval(Some(r.lower), Some(r.upper))
        );
    }
    s.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(estimate: f64, z: Option<f64>, se: Option<f64>) -> EstimateRow {
        EstimateRow {
            outcome: "y".into(),
            outcome_type: None,
            statistic: Statistic::Mm,
            feature: "f".into(),
            feature_label: None,
            level: "a".into(),
            estimate,
            std_error: se,
            z,
            p: None,
            h0: None,
            lower: se.map(|s| estimate - 1.959964 * s),
            upper: se.map(|s| estimate + 1.959964 * s),
            by: None,
            weighting: None,
        }
    }

    #[test]
    fn the_tested_null_is_read_back_from_old_files() {
        let r = row(0.44, Some(-6.0), Some(0.01));
        assert_eq!(tested_null(&[&r]), 0.5);
        let mut r2 = r.clone();
        r2.h0 = Some(0.25);
        assert_eq!(tested_null(&[&r2]), 0.25);
        assert_eq!(tested_null(&[&row(0.3, None, None)]), 0.0);
        assert_eq!(interval_level(&[r]), "95%");
    }

    #[test]
    fn group_names_follow_the_reports_labels() {
        let names = GroupNames {
            renames: vec![
                ("Topic 10".into(), "#10 Fear".into()),
                ("Topic 1".into(), "#1 Trust".into()),
            ],
            mismatch: Vec::new(),
        };
        assert_eq!(names.name("Topic 1"), "#1 Trust");
        assert_eq!(names.name("Topic 10 - others"), "#10 Fear − others");
        assert_eq!(names.name("Topic 1 θ low"), "#1 Trust θ low");
        assert_eq!(names.name("Topic 12"), "Topic 12");
        assert_eq!(names.topic("Topic 1", 1), "#1 Trust");
    }
}
