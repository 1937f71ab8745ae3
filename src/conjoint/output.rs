//! Printing estimates: an aligned table for people, CSV and JSON for
//! programs (full precision; missing values are empty / `null`).

use std::fmt::Write as _;

use super::data::Feature;
use super::estimate::{AnovaRow, EstimateRow, FreqRow};

/// Terminal columns taken by `s`: Hangul and CJK characters take two, so
/// Korean labels line up.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v:.4}"))
}

fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.0001 => "<0.0001".into(),
        Some(p) => format!("{p:.4}"),
        None => String::new(),
    }
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
            let _ = writeln!(
                out,
                "{name} {:>9} (reference)",
                format!("{:.4}", r.estimate)
            );
        } else {
            let _ = writeln!(
                out,
                "{name} {:>9} {:>9} {:>8} {:>8} {:>9} {:>9}",
                format!("{:.4}", r.estimate),
                num(r.std_error),
                r.z.map_or(String::new(), |z| format!("{z:.2}")),
                p_value(r.p),
                num(r.lower),
                num(r.upper)
            );
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn full(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// CSV with a header; the `BY` column only when some row is grouped.
pub fn estimates_csv(rows: &[EstimateRow]) -> String {
    let grouped = rows.iter().any(|r| r.by.is_some());
    let mut out = String::from("outcome,statistic,");
    if grouped {
        out.push_str("BY,");
    }
    out.push_str("feature,level,estimate,std_error,z,p,lower,upper\n");
    for r in rows {
        let mut fields = vec![csv_field(&r.outcome), r.statistic.as_str().to_string()];
        if grouped {
            fields.push(csv_field(r.by.as_deref().unwrap_or("")));
        }
        fields.extend([
            csv_field(&r.feature),
            csv_field(&r.level),
            r.estimate.to_string(),
            full(r.std_error),
            full(r.z),
            full(r.p),
            full(r.lower),
            full(r.upper),
        ]);
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
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
        let _ = writeln!(
            out,
            "{} {:>8} {:>7.1}%",
            pad(&format!("  {}", r.level), width),
            r.count,
            r.proportion * 100.0
        );
    }
    out
}

pub fn freqs_csv(rows: &[FreqRow]) -> String {
    let grouped = rows.iter().any(|r| r.by.is_some());
    let mut out = String::from(if grouped {
        "BY,feature,level,count,proportion\n"
    } else {
        "feature,level,count,proportion\n"
    });
    for r in rows {
        if grouped {
            out.push_str(&csv_field(r.by.as_deref().unwrap_or("")));
            out.push(',');
        }
        let _ = writeln!(
            out,
            "{},{},{},{}",
            csv_field(&r.feature),
            csv_field(&r.level),
            r.count,
            r.proportion
        );
    }
    out
}

pub fn anova_table(rows: &[AnovaRow]) -> String {
    let mut out = String::new();
    for r in rows {
        let _ = writeln!(out, "{} by {}", r.outcome, r.by);
        let _ = writeln!(
            out,
            "  F test (cregg's nested models, NOT clustered): F({}, {}) = {:.4}, p = {}",
            r.df1,
            r.df2,
            r.f,
            p_value(Some(r.p))
        );
        let _ = writeln!(
            out,
            "  Wald test (respondent-clustered):              chi2({}) = {:.4}, p = {}",
            r.wald_df,
            r.wald_chi2,
            p_value(Some(r.wald_p))
        );
    }
    out
}

pub fn anova_csv(rows: &[AnovaRow]) -> String {
    let mut out = String::from("outcome,BY,F,df1,df2,p,wald_chi2,wald_df,wald_p\n");
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&r.outcome),
            csv_field(&r.by),
            r.f,
            r.df1,
            r.df2,
            r.p,
            r.wald_chi2,
            r.wald_df,
            r.wald_p
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_is_two_columns_wide() {
        assert_eq!(display_width("가족"), 4);
        assert_eq!(display_width("Family 가족"), 11);
    }
}
