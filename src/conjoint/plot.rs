//! The standard conjoint plot as SVG: one row per level grouped under a
//! feature header, a dot with a horizontal confidence interval, the
//! reference level as a dot on the zero line, a vertical line at 0 for
//! AMCEs (at the null value for marginal means), one panel per outcome and
//! one colour per subgroup.
//!
//! Text is real SVG text (UTF-8, XML-escaped) with a font list that covers
//! Hangul, so Korean labels stay readable and searchable; widths are
//! estimated with East-Asian characters counted double.

use std::fmt::Write as _;

use super::data::Feature;
use super::estimate::EstimateRow;
use super::output::display_width;

const ROW_H: f64 = 18.0;
const PANEL_W: f64 = 260.0;
const FONT: &str = "'Noto Sans CJK KR','Noto Sans KR','Apple SD Gothic Neo','Malgun Gothic','NanumGothic',sans-serif";
const COLOURS: [&str; 6] = [
    "#1b4f72", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#5d6d7e",
];
const CHAR_W: f64 = 6.6;

/// What to draw.
pub struct PlotSpec<'a> {
    pub rows: &'a [EstimateRow],
    pub features: &'a [Feature],
    /// Where the vertical line goes (0 for AMCEs, h0 for marginal means).
    pub null_value: f64,
    pub title: String,
    pub x_label: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line of the left-hand label column.
enum Line {
    Header(String),
    Level { feature: String, level: String },
}

fn lines(rows: &[EstimateRow], features: &[Feature]) -> Vec<Line> {
    let label = |name: &str| {
        features
            .iter()
            .find(|f| f.name == name)
            .map_or(name.to_string(), |f| f.label.clone())
    };
    let mut out = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut last_feature: Option<&str> = None;
    for r in rows {
        if seen.contains(&(r.feature.as_str(), r.level.as_str())) {
            continue;
        }
        if last_feature != Some(r.feature.as_str()) {
            out.push(Line::Header(label(&r.feature)));
            last_feature = Some(r.feature.as_str());
        }
        seen.push((r.feature.as_str(), r.level.as_str()));
        out.push(Line::Level {
            feature: r.feature.clone(),
            level: r.level.clone(),
        });
    }
    out
}

fn unique<T: PartialEq + Clone>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// "Nice" tick positions covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-12);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|i| ((i as f64 * step) * 1e12).round() / 1e12)
        .collect()
}

fn fmt_tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Renders the plot as an SVG document.
pub fn svg(spec: &PlotSpec<'_>) -> String {
    let lines = lines(spec.rows, spec.features);
    let outcomes = unique(spec.rows.iter().map(|r| r.outcome.clone()));
    let groups = unique(spec.rows.iter().map(|r| r.by.clone()));
    let label_w = lines
        .iter()
        .map(|l| match l {
            Line::Header(h) => display_width(h) as f64 * CHAR_W + 8.0,
            Line::Level { level, .. } => display_width(level) as f64 * CHAR_W + 20.0,
        })
        .fold(80.0, f64::max)
        .min(420.0);
    let (mut lo, mut hi) = (spec.null_value, spec.null_value);
    for r in spec.rows {
        for v in [Some(r.estimate), r.lower, r.upper].into_iter().flatten() {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    let pad = (hi - lo).max(1e-6) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let top = 48.0;
    let legend_h = if groups.len() > 1 { 20.0 } else { 0.0 };
    let plot_h = lines.len() as f64 * ROW_H;
    let width = label_w + outcomes.len() as f64 * (PANEL_W + 16.0) + 16.0;
    let height = top + plot_h + 44.0 + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="8" y="18" font-size="14" font-weight="bold">{}</text>"#,
        escape(&spec.title)
    );
    for (i, line) in lines.iter().enumerate() {
        let y = top + (i as f64 + 0.5) * ROW_H;
        match line {
            Line::Header(h) => {
                let _ = writeln!(
                    s,
                    r#"<text x="8" y="{:.1}" font-weight="bold">{}</text>"#,
                    y + 4.0,
                    escape(h)
                );
            }
            Line::Level { level, .. } => {
                let _ = writeln!(
                    s,
                    r#"<text x="20" y="{:.1}">{}</text>"#,
                    y + 4.0,
                    escape(level)
                );
            }
        }
    }
    for (p, outcome) in outcomes.iter().enumerate() {
        let x0 = label_w + p as f64 * (PANEL_W + 16.0) + 8.0;
        let xmap = |v: f64| x0 + (v - lo) / (hi - lo) * PANEL_W;
        if outcomes.len() > 1 {
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="38" text-anchor="middle" font-weight="bold">{}</text>"#,
                x0 + PANEL_W / 2.0,
                escape(outcome)
            );
        }
        let _ = writeln!(
            s,
            r##"<rect x="{x0:.1}" y="{top}" width="{PANEL_W}" height="{plot_h}" fill="none" stroke="#999"/>"##
        );
        for t in ticks(lo, hi) {
            let x = xmap(t);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}" stroke="#eee"/>"##,
                top + plot_h
            );
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                top + plot_h + 14.0,
                fmt_tick(t)
            );
        }
        let xn = xmap(spec.null_value);
        let _ = writeln!(
            s,
            r##"<line x1="{xn:.1}" y1="{top}" x2="{xn:.1}" y2="{:.1}" stroke="#555" stroke-dasharray="4 3"/>"##,
            top + plot_h
        );
        for (i, line) in lines.iter().enumerate() {
            let Line::Level { feature, level } = line else {
                continue;
            };
            for (gi, group) in groups.iter().enumerate() {
                let Some(r) = spec.rows.iter().find(|r| {
                    &r.outcome == outcome
                        && &r.feature == feature
                        && &r.level == level
                        && &r.by == group
                }) else {
                    continue;
                };
                let offset = if groups.len() > 1 {
                    (gi as f64 - (groups.len() - 1) as f64 / 2.0) * 4.0
                } else {
                    0.0
                };
                let y = top + (i as f64 + 0.5) * ROW_H + offset;
                let colour = COLOURS[gi % COLOURS.len()];
                if let (Some(l), Some(u)) = (r.lower, r.upper) {
                    let _ = writeln!(
                        s,
                        r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="1.5"/>"#,
                        xmap(l),
                        xmap(u)
                    );
                }
                let fill = if r.std_error.is_none() {
                    "white"
                } else {
                    colour
                };
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{y:.1}" r="3" fill="{fill}" stroke="{colour}"><title>{}</title></circle>"#,
                    xmap(r.estimate),
                    escape(&format!("{level}: {:.4}", r.estimate))
                );
            }
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x0 + PANEL_W / 2.0,
            top + plot_h + 30.0,
            escape(&spec.x_label)
        );
    }
    if groups.len() > 1 {
        let y = top + plot_h + 50.0;
        let mut x = label_w + 8.0;
        for (gi, g) in groups.iter().enumerate() {
            let name = g.clone().unwrap_or_default();
            let colour = COLOURS[gi % COLOURS.len()];
            let _ = writeln!(
                s,
                r#"<circle cx="{x:.1}" cy="{:.1}" r="4" fill="{colour}"/>"#,
                y - 4.0
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{y:.1}">{}</text>"#,
                x + 8.0,
                escape(&name)
            );
            x += display_width(&name) as f64 * CHAR_W + 32.0;
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conjoint::estimate::Statistic;

    fn r(level: &str, est: f64, se: Option<f64>) -> EstimateRow {
        EstimateRow {
            outcome: "선택".into(),
            statistic: Statistic::Amce,
            feature: "provider".into(),
            level: level.into(),
            estimate: est,
            std_error: se,
            z: None,
            p: None,
            lower: se.map(|s| est - 2.0 * s),
            upper: se.map(|s| est + 2.0 * s),
            by: None,
        }
    }

    #[test]
    fn korean_labels_and_reference_dot() {
        let feats = vec![Feature {
            name: "provider".into(),
            label: "제공자 <출처>".into(),
            levels: vec!["낯선 사람".into(), "가족".into()],
        }];
        let rows = vec![r("낯선 사람", 0.0, None), r("가족", 0.088, Some(0.02))];
        let svg = svg(&PlotSpec {
            rows: &rows,
            features: &feats,
            null_value: 0.0,
            title: "AMCE".into(),
            x_label: "효과".into(),
        });
        assert!(svg.contains(">제공자 &lt;출처&gt;</text>"));
        assert!(svg.contains(">낯선 사람</text>"));
        assert!(svg.contains(">가족</text>"));
        // The reference level is an open dot; the estimate a filled one.
        assert_eq!(svg.matches(r##"fill="white" stroke="#1b4f72""##).count(), 1);
        assert_eq!(
            svg.matches(r##"fill="#1b4f72" stroke="#1b4f72""##).count(),
            1
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(-0.12, 0.31), vec![-0.1, 0.0, 0.1, 0.2, 0.3]);
    }
}
