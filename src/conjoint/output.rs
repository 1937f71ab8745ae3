//! Printing estimates: an aligned table for people, CSV and JSON for
//! programs (full precision; missing values are empty / `null`).

use std::fmt::Write as _;

use super::data::Feature;
use super::estimate::{AnovaRow, EstimateRow, FreqRow};
use crate::render::csv::table;
use crate::render::num::{fixed, full, full_opt, p_value, rounded};
use crate::render::text::{display_width, pad};

fn num(v: Option<f64>) -> String {
    fixed(v, 4)
}

/// A readable table, one block per (outcome, statistic, group), levels
/// indented under their feature's label.
pub fn estimates_table(rows: &[EstimateRow], features: &[Feature], alpha: f64) -> String {
    let label = |name: &str| {
        features
            .iter()
            .find(|f| f.name == name)
            .map_or(name.to_string(), |f| f.label.clone())
    };
    let name_width = rows
        .iter()
        .map(|r| display_width(&r.level) + 2)
        .chain(rows.iter().map(|r| display_width(&label(&r.feature))))
        .max()
        .unwrap_or(10)
        .clamp(10, 100);
    let level_pct = (1.0 - alpha) * 100.0;
    let mut out = String::new();
    let mut block: Option<(String, &str, Option<String>)> = None;
    let mut feature: Option<&str> = None;
    for r in rows {
        let key = (r.outcome.clone(), r.statistic.as_str(), r.by.clone());
        if block.as_ref() != Some(&key) {
            if block.is_some() {
                out.push('\n');
            }
            let by = r.by.as_ref().map_or(String::new(), |b| format!(" · {b}"));
            let _ = writeln!(
                out,
                "{} · {}{by} · {level_pct}% CI · respondent-clustered SE",
                r.outcome,
                r.statistic.as_str()
            );
            if let Some(w) = &r.weighting {
                let _ = writeln!(out, "{}", super::randomization::describe(w));
            }
            let _ = writeln!(
                out,
                "{} {:>9} {:>9} {:>8} {:>8} {:>9} {:>9}",
                pad("", name_width),
                "estimate",
                "std.err",
                "z",
                "p",
                "lower",
                "upper"
            );
            block = Some(key);
            feature = None;
        }
        if feature != Some(r.feature.as_str()) {
            let _ = writeln!(out, "{}", label(&r.feature));
            feature = Some(r.feature.as_str());
        }
        let name = pad(&format!("  {}", r.level), name_width);
        if r.std_error.is_none() {
            let _ = writeln!(out, "{name} {:>9} (reference)", rounded(r.estimate, 4));
        } else {
            let _ = writeln!(
                out,
                "{name} {:>9} {:>9} {:>8} {:>8} {:>9} {:>9}",
                rounded(r.estimate, 4),
                num(r.std_error),
                fixed(r.z, 2),
                p_value(r.p),
                num(r.lower),
                num(r.upper)
            );
        }
    }
    out
}

/// CSV with a header; the `BY` column only when some row is grouped.
pub fn estimates_csv(rows: &[EstimateRow]) -> String {
    let grouped = rows.iter().any(|r| r.by.is_some());
    table(
        &estimate_columns(grouped),
        rows.iter()
            .map(|r| estimate_fields(r, grouped, full, full_opt)),
    )
}

/// The CSV columns of an estimate row, `BY` only when `grouped`; `topics
/// link` writes the same columns (always grouped) before its own.
pub(crate) fn estimate_columns(grouped: bool) -> Vec<&'static str> {
    let mut header = vec!["outcome", "statistic"];
    if grouped {
        header.push("BY");
    }
    header.extend([
        "feature",
        "level",
        "estimate",
        "std_error",
        "z",
        "p",
        "lower",
        "upper",
    ]);
    header
}

/// The fields of [`estimate_columns`] for one row, numbers written by
/// `num` and `opt` (conjoint and link format them differently).
pub(crate) fn estimate_fields(
    r: &EstimateRow,
    grouped: bool,
    num: fn(f64) -> String,
    opt: fn(Option<f64>) -> String,
) -> Vec<String> {
    let mut fields = vec![r.outcome.clone(), r.statistic.as_str().to_string()];
    if grouped {
        fields.push(r.by.clone().unwrap_or_default());
    }
    fields.extend([r.feature.clone(), r.level.clone(), num(r.estimate)]);
    fields.extend([r.std_error, r.z, r.p, r.lower, r.upper].map(opt));
    fields
}

/// Frequencies as a table.
pub fn freqs_table(rows: &[FreqRow], features: &[Feature]) -> String {
    let label = |name: &str| {
        features
            .iter()
            .find(|f| f.name == name)
            .map_or(name.to_string(), |f| f.label.clone())
    };
    let width = rows
        .iter()
        .map(|r| display_width(&r.level) + 2)
        .max()
        .unwrap_or(10)
        .clamp(10, 100);
    let mut out = String::new();
    let mut last: Option<(Option<String>, String)> = None;
    for r in rows {
        let key = (r.by.clone(), r.feature.clone());
        if last.as_ref().map(|l| &l.0) != Some(&r.by) {
            if let Some(by) = &r.by {
                let _ = writeln!(out, "[{by}]");
            }
        }
        if last.as_ref() != Some(&key) {
            let _ = writeln!(out, "{}", label(&r.feature));
            last = Some(key);
        }
        // Weighted: the unweighted count, then the weighted one.
        let weighted = r
            .weighted_count
            .map_or(String::new(), |w| format!(" {w:>12.2}"));
        let _ = writeln!(
            out,
            "{} {:>8}{weighted} {:>7.1}%",
            pad(&format!("  {}", r.level), width),
            r.count,
            r.proportion * 100.0
        );
    }
    out
}

/// Level display counts as CSV (`[BY,]feature,level,count,proportion`,
/// with `weighted_count` before `proportion` when weighted).
pub fn freqs_csv(rows: &[FreqRow]) -> String {
    let grouped = rows.iter().any(|r| r.by.is_some());
    let weighted = rows.iter().any(|r| r.weighted_count.is_some());
    let mut header = Vec::with_capacity(6);
    if grouped {
        header.push("BY");
    }
    header.extend(["feature", "level", "count"]);
    if weighted {
        header.push("weighted_count");
    }
    header.push("proportion");
    table(
        &header,
        rows.iter().map(|r| {
            let mut fields = Vec::with_capacity(6);
            if grouped {
                fields.push(r.by.clone().unwrap_or_default());
            }
            fields.extend([r.feature.clone(), r.level.clone(), r.count.to_string()]);
            if weighted {
                fields.push(full_opt(r.weighted_count));
            }
            fields.push(full(r.proportion));
            fields
        }),
    )
}

/// The group-difference tests as an aligned text table for the terminal.
pub fn anova_table(rows: &[AnovaRow]) -> String {
    let mut out = String::new();
    for r in rows {
        let _ = writeln!(out, "{} by {}", r.outcome, r.by);
        let _ = writeln!(
            out,
            "  F test (cregg's nested models, NOT clustered): F({}, {}) = {}, p = {}",
            r.df1,
            r.df2,
            rounded(r.f, 4),
            p_value(Some(r.p))
        );
        let _ = writeln!(
            out,
            "  Wald test (respondent-clustered):              chi2({}) = {}, p = {}",
            r.wald_df,
            rounded(r.wald_chi2, 4),
            p_value(Some(r.wald_p))
        );
    }
    out
}

/// The group-difference tests as CSV.
pub fn anova_csv(rows: &[AnovaRow]) -> String {
    table(
        &[&TEST_COLUMNS[..], &["wald_chi2", "wald_df", "wald_p"]].concat(),
        rows.iter().map(|r| {
            let mut fields = test_fields(
                &r.outcome,
                &r.by,
                full(r.f),
                r.df1,
                r.df2.to_string(),
                full(r.p),
            );
            fields.extend([full(r.wald_chi2), r.wald_df.to_string(), full(r.wald_p)]);
            fields
        }),
    )
}

/// The leading CSV columns of a group test; `topics link` writes its
/// omnibus tests with the same ones.
pub(crate) const TEST_COLUMNS: [&str; 6] = ["outcome", "BY", "F", "df1", "df2", "p"];

/// The fields of [`TEST_COLUMNS`], the numbers already written (conjoint
/// and link format them differently; link's `df2` may be infinite).
pub(crate) fn test_fields(
    outcome: &str,
    by: &str,
    f: String,
    df1: usize,
    df2: String,
    p: String,
) -> Vec<String> {
    vec![
        outcome.to_string(),
        by.to_string(),
        f,
        df1.to_string(),
        df2,
        p,
    ]
}
