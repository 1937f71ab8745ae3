//! Marginal means by topic group as SVG: one panel per feature (levels as
//! rows), one colour per topic group, a dot and its interval, on one shared
//! scale so panels compare at a glance.
//!
//! Text is real SVG text, XML-escaped, with a font list that covers Hangul
//! (as the conjoint plot); widths count East-Asian characters double.

use std::fmt::Write as _;

use super::combine::LinkRow;
use crate::conjoint::data::Feature;
use crate::conjoint::estimate::Statistic;
use crate::conjoint::output::display_width;

const FONT: &str = "'Noto Sans CJK KR','Noto Sans KR','Apple SD Gothic Neo','Malgun Gothic','NanumGothic',sans-serif";
const COLOURS: [&str; 8] = [
    "#1b4f72", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#5d6d7e", "#17a589", "#a04000",
];
const CHAR_W: f64 = 6.6;
const ROW_H: f64 = 22.0;
const PANEL_W: f64 = 220.0;
const PER_LINE: usize = 3;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Round tick positions covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-12);
    let mag = 10f64.powf((span / 4.0).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 5.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|i| ((i as f64 * step) * 1e9).round() / 1e9)
        .collect()
}

/// Draws the `mm` rows of `outcome` (one group per `BY`), one panel per
/// feature; `null_value` gets a dashed line when it is in range.
pub fn svg(
    rows: &[LinkRow],
    features: &[Feature],
    outcome: &str,
    null_value: f64,
    title: &str,
) -> String {
    let mm: Vec<&LinkRow> = rows
        .iter()
        .filter(|r| r.row.statistic == Statistic::Mm && r.row.outcome == outcome)
        .collect();
    let mut groups: Vec<String> = Vec::new();
    for r in &mm {
        let g = r.row.by.clone().unwrap_or_default();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in &mm {
        for v in [Some(r.row.estimate), r.row.lower, r.row.upper]
            .into_iter()
            .flatten()
        {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo).max(1e-6) * 0.06;
    let (lo, hi) = (lo - pad, hi + pad);
    let shown: Vec<&Feature> = features
        .iter()
        .filter(|f| mm.iter().any(|r| r.row.feature == f.name))
        .collect();
    let label_w = shown
        .iter()
        .flat_map(|f| f.levels.iter())
        .map(|l| display_width(l) as f64 * CHAR_W + 12.0)
        .fold(60.0, f64::max)
        .min(260.0);
    let cell_w = label_w + PANEL_W + 24.0;
    let max_levels = shown.iter().map(|f| f.levels.len()).max().unwrap_or(1);
    let cell_h = 28.0 + max_levels as f64 * ROW_H + 30.0;
    let lines = shown.len().div_ceil(PER_LINE).max(1);
    let top = 40.0;
    let legend_h = 26.0;
    let width = 16.0 + PER_LINE.min(shown.len().max(1)) as f64 * cell_w;
    let height = top + lines as f64 * cell_h + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="8" y="20" font-size="14" font-weight="bold">{}</text>"#,
        escape(title)
    );
    for (p, feature) in shown.iter().enumerate() {
        let cx = 8.0 + (p % PER_LINE) as f64 * cell_w;
        let cy = top + (p / PER_LINE) as f64 * cell_h;
        let x0 = cx + label_w;
        let xmap = |v: f64| x0 + (v - lo) / (hi - lo) * PANEL_W;
        let plot_h = feature.levels.len() as f64 * ROW_H;
        let py = cy + 22.0;
        let _ = writeln!(
            s,
            r#"<g class="panel" data-feature="{}"><text x="{cx:.1}" y="{:.1}" font-weight="bold">{}</text>"#,
            escape(&feature.name),
            cy + 12.0,
            escape(&feature.label)
        );
        let _ = writeln!(
            s,
            r##"<rect x="{x0:.1}" y="{py:.1}" width="{PANEL_W}" height="{plot_h:.1}" fill="none" stroke="#999"/>"##
        );
        for t in ticks(lo, hi) {
            let x = xmap(t);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{py:.1}" x2="{x:.1}" y2="{:.1}" stroke="#eee"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10">{t}</text>"##,
                py + plot_h,
                py + plot_h + 13.0,
            );
        }
        if null_value > lo && null_value < hi {
            let xn = xmap(null_value);
            let _ = writeln!(
                s,
                r##"<line x1="{xn:.1}" y1="{py:.1}" x2="{xn:.1}" y2="{:.1}" stroke="#555" stroke-dasharray="4 3"/>"##,
                py + plot_h
            );
        }
        for (l, level) in feature.levels.iter().enumerate() {
            let y = py + (l as f64 + 0.5) * ROW_H;
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                x0 - 6.0,
                y + 4.0,
                escape(level)
            );
            for (gi, group) in groups.iter().enumerate() {
                let Some(r) = mm.iter().find(|r| {
                    r.row.feature == feature.name
                        && &r.row.level == level
                        && r.row.by.as_deref().unwrap_or("") == group
                }) else {
                    continue;
                };
                let offset = (gi as f64 - (groups.len() - 1) as f64 / 2.0)
                    * (ROW_H * 0.7 / groups.len().max(1) as f64);
                let yy = y + offset;
                let colour = COLOURS[gi % COLOURS.len()];
                if let (Some(a), Some(b)) = (r.row.lower, r.row.upper) {
                    let _ = writeln!(
                        s,
                        r#"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{colour}" stroke-width="1.5"/>"#,
                        xmap(a),
                        xmap(b)
                    );
                }
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{yy:.1}" r="3" fill="{colour}"><title>{}</title></circle>"#,
                    xmap(r.row.estimate),
                    escape(&format!("{group} · {level}: {:.4}", r.row.estimate))
                );
            }
        }
        s.push_str("</g>\n");
    }
    let mut x = 8.0;
    let y = height - 10.0;
    for (gi, g) in groups.iter().enumerate() {
        let colour = COLOURS[gi % COLOURS.len()];
        let _ = writeln!(
            s,
            r#"<circle cx="{x:.1}" cy="{:.1}" r="4" fill="{colour}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - 4.0,
            x + 8.0,
            escape(g)
        );
        x += display_width(g) as f64 * CHAR_W + 30.0;
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conjoint::estimate::EstimateRow;

    fn row(by: &str, feature: &str, level: &str, est: f64) -> LinkRow {
        LinkRow {
            row: EstimateRow {
                outcome: "chosen".into(),
                statistic: Statistic::Mm,
                feature: feature.into(),
                level: level.into(),
                estimate: est,
                std_error: Some(0.02),
                z: None,
                p: None,
                lower: Some(est - 0.04),
                upper: Some(est + 0.04),
                by: Some(by.into()),
            },
            between_draw_sd: Some(0.0),
            assignment_share: Some(0.0),
            df: None,
            draws: 1,
        }
    }

    #[test]
    fn one_panel_per_feature_one_colour_per_group() {
        let features = vec![
            Feature {
                name: "provider".into(),
                label: "제공자 <출처>".into(),
                levels: vec!["가족".into(), "Friend".into()],
            },
            Feature {
                name: "type".into(),
                label: "Type".into(),
                levels: vec!["Fiction".into(), "Non-fiction".into()],
            },
        ];
        let mut rows = Vec::new();
        for (g, shift) in [("Trust", 0.1), ("Curiosity", 0.0)] {
            rows.push(row(g, "provider", "가족", 0.5 + shift));
            rows.push(row(g, "provider", "Friend", 0.45));
            rows.push(row(g, "type", "Fiction", 0.5));
            rows.push(row(g, "type", "Non-fiction", 0.5));
        }
        let svg = svg(
            &rows,
            &features,
            "chosen",
            0.5,
            "Marginal means by topic group",
        );
        assert_eq!(svg.matches(r#"<g class="panel""#).count(), 2);
        assert!(svg.contains(">제공자 &lt;출처&gt;</text>"));
        assert_eq!(svg.matches(r##"<circle cx"##).count(), 8 + 2);
        assert_eq!(svg.matches(r##"fill="#1b4f72"><title>Trust"##).count(), 4);
        assert_eq!(
            svg.matches(r##"fill="#c0392b"><title>Curiosity"##).count(),
            4
        );
        assert!(svg.contains("<title>Trust · 가족: 0.6000</title>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
