//! The whole link result, and how it is printed: a readable table, CSV
//! files (one per table), or one JSON document whose `rows` have the form of
//! `topics conjoint --format json` (with `BY` naming the topic group).

use std::fmt::Write as _;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::combine::LinkRow;
use super::estimate::{GroupSize, GroupTest, Stability};
use super::join::JoinReport;
use super::prevalence::PrevalenceRow;
use super::words::WordsLevels;
use crate::conjoint::data::Feature;
use crate::conjoint::estimate::Statistic;
use crate::conjoint::output::{
    estimate_columns, estimate_fields, estimates_table, test_fields, TEST_COLUMNS,
};
use crate::render::csv::table as csv_table;
use crate::render::num::{full_exp as num, full_exp_opt as opt, p_text};
use crate::render::text::{display_width, pad};

/// What was linked and how.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// The model file.
    pub model: String,
    /// The conjoint data file.
    pub conjoint: String,
    /// The outcome columns estimated.
    pub outcomes: Vec<String>,
    /// `dominant`, `threshold 0.3` or `terciles of Topic 2`.
    pub groups_by: String,
    /// θ draws combined (1 = the final θ only).
    pub draws: usize,
    /// θ draws the model keeps.
    pub draws_in_model: usize,
    /// How the draws are combined.
    pub combination: Cow<'static, str>,
    /// 1 − confidence level of the intervals.
    pub alpha: f64,
    /// Null value of the marginal-mean tests.
    pub h0: f64,
    /// How a restricted design's AMCEs were weighted (`--randomization`:
    /// `uniform` or `randomization:FILE`); absent for unrestricted designs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<String>,
}

/// Everything `topics link` computes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkResult {
    /// What was linked and how.
    pub summary: Summary,
    /// Which respondents joined and which were left out.
    pub join: JoinReport,
    /// Size of each topic group across draws.
    pub groups: Vec<GroupSize>,
    /// Marginal means (`mm`) and AMCEs (`amce`) in each topic group, and
    /// each group's marginal-mean differences from the others
    /// (`mm_difference`), pooled over θ draws.
    pub rows: Vec<LinkRow>,
    /// Omnibus test per topic group.
    pub tests: Vec<GroupTest>,
    /// The words ↔ levels cross-check.
    pub words_levels: WordsLevels,
    /// Topic prevalence by respondent covariate.
    pub prevalence: Vec<PrevalenceRow>,
    /// How stable each respondent's dominant topic is across draws.
    pub stability: Stability,
    /// Groups or estimates left out, and why.
    pub notes: Vec<String>,
}

/// How the draws are combined, as the summary states it.
pub const COMBINATION: &str = "Rubin's rules over θ draws (total variance = mean within + (1 + 1/m) × between; t intervals with Barnard-Rubin df); omnibus tests by D2";

/// The pooled estimates as CSV (the columns of `topics conjoint` plus how
/// much the θ draws disagreed).
pub fn rows_csv(rows: &[LinkRow]) -> String {
    let mut header = estimate_columns(true);
    header.extend(["between_draw_sd", "assignment_share", "df", "draws"]);
    csv_table(
        &header,
        rows.iter().map(|r| {
            let mut fields = estimate_fields(&r.row, true, num, opt);
            fields.extend([
                opt(r.between_draw_sd),
                opt(r.assignment_share),
                opt(r.df),
                r.draws.to_string(),
            ]);
            fields
        }),
    )
}

/// The omnibus tests as CSV.
pub fn tests_csv(tests: &[GroupTest]) -> String {
    csv_table(
        &[&TEST_COLUMNS[..], &["mean_chi2", "draws"]].concat(),
        tests.iter().map(|t| {
            let mut fields = test_fields(
                &t.outcome,
                &t.by,
                num(t.test.f),
                t.test.df1,
                opt(t.test.df2),
                num(t.test.p),
            );
            fields.extend([num(t.test.mean_chi2), t.draws.to_string()]);
            fields
        }),
    )
}

/// The words ↔ levels pairs as CSV.
pub fn words_levels_csv(w: &WordsLevels) -> String {
    csv_table(
        &[
            "topic",
            "name",
            "feature",
            "level",
            "words",
            "source",
            "expected",
            "outcome",
            "mm_difference",
            "std_error",
            "lower",
            "upper",
            "p",
            "verdict",
        ],
        w.pairs.iter().map(|p| {
            [
                p.topic.to_string(),
                p.name.clone(),
                p.feature.clone(),
                p.level.clone(),
                p.words.clone(),
                p.source.clone(),
                p.expected.as_str().to_string(),
                p.outcome.clone().unwrap_or_default(),
                opt(p.mm_difference),
                opt(p.std_error),
                opt(p.lower),
                opt(p.upper),
                opt(p.p),
                p.verdict.to_string(),
            ]
        }),
    )
}

/// Each topic's top words as CSV.
pub fn topic_words_csv(w: &WordsLevels) -> String {
    csv_table(
        &["topic", "name", "prob", "frex"],
        w.topics.iter().map(|t| {
            [
                t.topic.to_string(),
                t.name.clone(),
                t.prob.clone(),
                t.frex.clone(),
            ]
        }),
    )
}

/// Topic prevalence rows as CSV.
pub fn prevalence_csv(rows: &[PrevalenceRow]) -> String {
    csv_table(
        &[
            "covariate",
            "level",
            "statistic",
            "topic",
            "name",
            "respondents",
            "estimate",
            "std_error",
            "lower",
            "upper",
        ],
        rows.iter().map(|r| {
            [
                r.covariate.clone(),
                r.level.clone(),
                r.statistic.to_string(),
                r.topic.to_string(),
                r.name.clone(),
                r.respondents.to_string(),
                num(r.estimate),
                num(r.std_error),
                num(r.lower),
                num(r.upper),
            ]
        }),
    )
}

/// Each respondent's dominant-topic stability as CSV.
pub fn stability_csv(s: &Stability) -> String {
    csv_table(
        &[
            "id",
            "topic",
            "name",
            "draws_elsewhere",
            "agreement",
            "switches",
        ],
        s.per_respondent.iter().map(|r| {
            [
                r.id.clone(),
                r.topic.to_string(),
                r.name.clone(),
                r.draws_elsewhere.to_string(),
                num(r.agreement),
                r.switches.to_string(),
            ]
        }),
    )
}

/// The join report as `key,value` lines (id lists space-separated).
pub fn join_csv(j: &JoinReport) -> String {
    let value = serde_json::to_value(j).unwrap_or_default();
    let rows: Vec<[String; 2]> = match value {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other.to_string(),
                };
                [k, text]
            })
            .collect(),
        _ => Vec::new(),
    };
    csv_table(&["key", "value"], rows)
}

/// Every CSV table with its file name.
pub fn all_csv(result: &LinkResult) -> Vec<(&'static str, String)> {
    let tables = [
        rows_csv(&result.rows),
        tests_csv(&result.tests),
        words_levels_csv(&result.words_levels),
        topic_words_csv(&result.words_levels),
        prevalence_csv(&result.prevalence),
        stability_csv(&result.stability),
        join_csv(&result.join),
    ];
    CSV_FILES.into_iter().zip(tables).collect()
}

/// The files `--csv-dir` writes, in [`all_csv`]'s order (known before the
/// run, so that none of them can be one of its inputs).
pub const CSV_FILES: [&str; 7] = [
    "estimates.csv",
    "tests.csv",
    "words_levels.csv",
    "topic_words.csv",
    "prevalence.csv",
    "stability.csv",
    "join.csv",
];

/// The readable report.
pub fn table(result: &LinkResult, features: &[Feature]) -> String {
    let mut out = String::new();
    let s = &result.summary;
    let j = &result.join;
    let _ = writeln!(out, "Topics × conjoint: {} × {}", s.model, s.conjoint);
    let _ = writeln!(
        out,
        "groups by {}; {} θ draw{} combined ({}); {}% intervals",
        s.groups_by,
        s.draws,
        if s.draws == 1 { "" } else { "s" },
        if s.draws == 1 {
            "final θ only"
        } else {
            "Rubin's rules"
        },
        (1.0 - s.alpha) * 100.0
    );
    if let Some(w) = &s.weighting {
        let _ = writeln!(
            out,
            "restricted design: AMCE {}; marginal means are plain means",
            crate::conjoint::randomization::describe(w)
        );
    }
    let _ = writeln!(out, "\nJoin");
    let _ = writeln!(
        out,
        "  {} of {} conjoint respondents joined to an answer ({} of {} rows); the model has {} answers",
        j.joined,
        j.conjoint_respondents,
        j.rows_joined,
        j.rows_joined + j.rows_left_out,
        j.answers
    );
    for (what, n, ids) in j.problems() {
        if n > 0 {
            let more = if n > ids.len() { ", …" } else { "" };
            let _ = writeln!(out, "  {what}: {n} ({}{more})", ids.join(", "));
        }
    }
    if j.respondents_without_key > 0 {
        let _ = writeln!(
            out,
            "  respondents with an empty answer id: {}",
            j.respondents_without_key
        );
    }
    let _ = writeln!(
        out,
        "\nTopic groups (respondents: by θ, the posterior mean; range over draws)"
    );
    let w = result
        .groups
        .iter()
        .map(|g| display_width(&g.group))
        .max()
        .unwrap_or(5)
        .max(5);
    for g in &result.groups {
        let _ = writeln!(
            out,
            "  {} {:>5}  [{}–{}]",
            pad(&g.group, w),
            g.respondents,
            g.min_over_draws,
            g.max_over_draws
        );
    }
    let st = &result.stability;
    let _ = writeln!(
        out,
        "  dominant topic the same in all {} draws for {} of {} respondents ({:.1}% change at least once; mean disagreement with θ {:.1}%)",
        st.draws,
        st.unchanged,
        st.respondents,
        st.changed_share * 100.0,
        st.mean_disagreement * 100.0
    );
    if !result.tests.is_empty() {
        let _ = writeln!(out, "\nDo a group's preferences differ from the others'? (clustered Wald test of the interacted AMCE model, pooled by D2)");
        let w = result
            .tests
            .iter()
            .map(|t| display_width(&t.by))
            .max()
            .unwrap_or(5);
        for t in &result.tests {
            let df2 = t.test.df2.map_or("∞".to_string(), |d| format!("{d:.1}"));
            let _ = writeln!(
                out,
                "  {} {}  F({}, {df2}) = {:.3}, {}",
                pad(&t.by, w),
                t.outcome,
                t.test.df1,
                t.test.f,
                p_text(t.test.p)
            );
        }
    }
    let diffs: Vec<_> = result
        .rows
        .iter()
        .filter(|r| r.row.statistic == Statistic::MmDifference)
        .map(|r| r.row.clone())
        .collect();
    if !diffs.is_empty() {
        let _ = writeln!(
            out,
            "\nMarginal-mean differences of each topic group from the others (pooled over θ draws)"
        );
        out.push_str(&estimates_table(&diffs, features, s.alpha));
    }
    let pairs = &result.words_levels.pairs;
    let _ = writeln!(out, "\nWords ↔ levels");
    for t in &result.words_levels.topics {
        let _ = writeln!(
            out,
            "  {}\n    prob: {}\n    frex: {}",
            t.name, t.prob, t.frex
        );
    }
    if pairs.is_empty() {
        let _ = writeln!(
            out,
            "  no topic's top words match a level label (add a mapping file: --mapping FILE)"
        );
    }
    for p in pairs {
        let est = match (p.mm_difference, p.lower, p.upper) {
            (Some(e), Some(l), Some(u)) => format!("{e:+.4} [{l:+.4}, {u:+.4}]"),
            _ => "no estimate".into(),
        };
        let _ = writeln!(
            out,
            "  {} ↔ {}={} ({}; {}, expected {}): {} → {}",
            p.name,
            p.feature,
            p.level,
            p.words,
            p.source,
            p.expected.as_str(),
            est,
            p.verdict
        );
    }
    if !result.prevalence.is_empty() {
        let _ = writeln!(
            out,
            "\nTopic prevalence (mean θ) by covariate, bootstrap intervals"
        );
        for r in &result.prevalence {
            let _ = writeln!(
                out,
                "  {}={} {} {} (n={}): {:.4} [{:.4}, {:.4}]",
                r.covariate,
                r.level,
                r.statistic,
                r.name,
                r.respondents,
                r.estimate,
                r.lower,
                r.upper
            );
        }
    }
    if !result.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in &result.notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    let _ = writeln!(
        out,
        "\nMarginal means and AMCEs within each group: --format json or --csv-dir DIR; plot: --plot FILE.svg"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_full_precision_and_tiny_ones_use_exponents() {
        assert_eq!(num(0.1015040550260096), "0.1015040550260096");
        assert_eq!(num(8.006328081833659e-8), "8.006328081833659e-8");
        assert_eq!(num(0.0), "0");
    }
}
