//! Charts as inline SVG strings: the K-search line charts of `select-k`
//! (the report's intertopic map is drawn by its script, the conjoint
//! figures by `render::forest`). Drawn in Rust so no charting library is
//! needed.

use std::fmt::Write;

pub use crate::render::text::escape;
use crate::render::{num::tick as tick_label, ticks};

/// A small line chart of one measure against K, with a point per seed and
/// the mean line: the K search's plot.
pub fn k_chart(title: &str, ks: &[usize], per_seed: &[(usize, f64)], means: &[f64]) -> String {
    let (w, h, left, right, top, bottom): (f64, f64, f64, f64, f64, f64) =
        (320.0, 220.0, 56.0, 12.0, 28.0, 34.0);
    let values: Vec<f64> = per_seed
        .iter()
        .map(|p| p.1)
        .chain(means.iter().copied())
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (0.0, 1.0)
    };
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = (lo - pad, hi + pad);
    let kmin = ks.iter().copied().min().unwrap_or(0) as f64;
    let kmax = ks.iter().copied().max().unwrap_or(1) as f64;
    let kspan = (kmax - kmin).max(1.0);
    let x = |k: f64| left + (k - kmin) / kspan * (w - left - right);
    let y = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart kchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><text x="{left}" y="16" class="title">{}</text>"##,
        escape(title)
    );
    for t in ticks(lo, hi, 4) {
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{x2}" y1="{yt:.1}" y2="{yt:.1}" class="grid"/><text x="{xl}" y="{yl:.1}" text-anchor="end" class="tick">{label}</text>"##,
            x2 = w - right,
            yt = y(t),
            xl = left - 4.0,
            yl = y(t) + 4.0,
            label = tick_label(t)
        );
    }
    for &k in ks {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" class="tick">{k}</text>"##,
            x(k as f64),
            h - bottom + 16.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{}" text-anchor="middle" class="tick">K</text>"##,
        (left + w - right) / 2.0,
        h - 4.0
    );
    for &(k, v) in per_seed.iter().filter(|p| p.1.is_finite()) {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" class="seed"/>"##,
            x(k as f64),
            y(v)
        );
    }
    let points: Vec<String> = ks
        .iter()
        .zip(means)
        .filter(|(_, m)| m.is_finite())
        .map(|(&k, &m)| format!("{:.1},{:.1}", x(k as f64), y(m)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" class="mean"/>"##,
        points.join(" ")
    );
    s.push_str("</svg>");
    s
}

/// The K search's plot: held-out log-likelihood, NPMI coherence,
/// exclusivity and stability against K, one panel each (points are seeds,
/// the line their mean).
pub fn select_k_plot(report: &crate::explore::SelectKReport) -> String {
    let ks: Vec<usize> = report.summary.iter().map(|s| s.k).collect();
    let per_seed = |f: fn(&crate::explore::KRun) -> f64| -> Vec<(usize, f64)> {
        report.runs.iter().map(|r| (r.k, f(r))).collect()
    };
    let per_k = |f: fn(&crate::explore::KSummary) -> f64| -> Vec<f64> {
        report.summary.iter().map(f).collect()
    };
    let panels = [
        (
            "Held-out log-likelihood per token",
            per_seed(|r| r.held_out_ll),
            per_k(|s| s.held_out_ll),
        ),
        (
            "Coherence (mean NPMI)",
            per_seed(|r| r.npmi),
            per_k(|s| s.npmi),
        ),
        (
            "Exclusivity (stm)",
            per_seed(|r| r.exclusivity),
            per_k(|s| s.exclusivity),
        ),
        (
            "Stability (matched cosine)",
            Vec::new(),
            per_k(|s| s.stability.unwrap_or(f64::NAN)),
        ),
    ]
    .map(|(title, seeds, means)| k_chart(title, &ks, &seeds, &means));
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 660 460" width="660" height="460" font-family="{font}"><style>.grid{{stroke:#d5dbe2}}.tick{{fill:#5b6775;font-size:11px}}.title{{font-size:13px;font-weight:600}}.seed{{fill:rgba(47,111,179,.45)}}.mean{{fill:none;stroke:#2f6fb3;stroke-width:2}}</style>"##,
        font = crate::render::FONT_STACK
    );
    for (i, panel) in panels.iter().enumerate() {
        let (x, y) = ((i % 2) * 330, (i / 2) * 230);
        let _ = write!(s, r##"<g transform="translate({x},{y})">{panel}</g>"##);
    }
    s.push_str("</svg>\n");
    s
}
