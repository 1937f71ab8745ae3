//! The dot-and-interval figure of conjoint analysis (cregg's `plot`):
//! features as bold headers with their levels beneath, one dot and its
//! confidence interval per level, reference levels as hollow dots; several
//! panels side by side on one shared x scale (cregg's facets, one per
//! outcome), several series in colours dodged within a row (groups), a
//! dashed line at the null, an x-axis title.
//!
//! Every figure of the tool is drawn here (`topics conjoint --plot`,
//! `topics link --plot` and the report), so they look alike. Text is real
//! SVG text, escaped, in a font stack that covers Hangul; widths count
//! East-Asian characters double.

use std::fmt::Write as _;

use super::num::tick;
use super::text::{display_width, escape};
use super::{ticks, FONT_STACK};

/// Series colours (Okabe–Ito, readable by colour-blind readers and in
/// grey print), in order.
pub const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Height of a row with one series; each further series adds a little so
/// dodged intervals stay apart.
const ROW_H: f64 = 19.0;
const CHAR_W: f64 = 6.6;
const FONT_SIZE: f64 = 12.0;

/// One line of the left-hand label column.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A feature's name, in bold.
    Header(String),
    /// A level, indented.
    Level(String),
}

/// One estimate to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Index into [`Forest::lines`] (a `Level` line).
    pub line: usize,
    /// Index into [`Forest::series`] (0 when there is one series).
    pub series: usize,
    /// The point estimate.
    pub estimate: f64,
    /// Lower end of the interval (`None`: no interval drawn).
    pub lower: Option<f64>,
    /// Upper end of the interval.
    pub upper: Option<f64>,
    /// A reference level (drawn hollow, without an interval).
    pub reference: bool,
    /// Shown on hover.
    pub tooltip: String,
}

/// One facet.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Shown above the panel (may be empty with one panel).
    pub title: String,
    /// The estimates drawn in the panel.
    pub points: Vec<Point>,
}

/// A whole figure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Forest {
    /// Shown above the figure (a report puts it in the caption instead).
    pub title: Option<String>,
    /// The rows of the figure (feature headers and levels), top to bottom.
    pub lines: Vec<Line>,
    /// The facets, side by side.
    pub panels: Vec<Panel>,
    /// Names of the series (a legend is drawn for two or more).
    pub series: Vec<String>,
    /// Where the dashed reference line goes.
    pub null: Option<f64>,
    /// Title of the x axis.
    pub x_title: String,
    /// A standalone `.svg` file (white background, namespace, fonts) rather
    /// than an inline figure styled by the page.
    pub standalone: bool,
}

/// Pixel layout of a figure.
struct Layout {
    row_h: f64,
    label_w: f64,
    panel_w: f64,
    gap: f64,
    top: f64,
    plot_h: f64,
    lo: f64,
    hi: f64,
}

impl Layout {
    fn new(f: &Forest) -> Layout {
        let label_w = f
            .lines
            .iter()
            .map(|l| match l {
                Line::Header(h) => display_width(h) as f64 * (CHAR_W + 0.4) + 8.0,
                Line::Level(l) => display_width(l) as f64 * CHAR_W + 22.0,
            })
            .fold(90.0, f64::max)
            .min(340.0);
        let n = f.panels.len().max(1) as f64;
        let panel_w = if n == 1.0 {
            400.0
        } else {
            ((1180.0 - label_w) / n - 14.0).clamp(170.0, 300.0)
        };
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for p in f.panels.iter().flat_map(|p| &p.points) {
            for v in [Some(p.estimate), p.lower, p.upper].into_iter().flatten() {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        if let Some(n) = f.null.filter(|n| n.is_finite()) {
            lo = lo.min(n);
            hi = hi.max(n);
        }
        if !(lo.is_finite() && hi.is_finite()) {
            (lo, hi) = (0.0, 1.0);
        }
        let pad = (hi - lo).max(1e-6) * 0.06;
        let title_h = if f.title.is_some() { 26.0 } else { 4.0 };
        let facet_h = if f.panels.iter().any(|p| !p.title.is_empty()) {
            22.0
        } else {
            6.0
        };
        let row_h = (ROW_H + 4.0 * (f.series.len().max(1) - 1) as f64).min(30.0);
        Layout {
            row_h,
            label_w,
            panel_w,
            gap: 14.0,
            top: title_h + facet_h,
            plot_h: f.lines.len() as f64 * row_h,
            lo: lo - pad,
            hi: hi + pad,
        }
    }

    fn panel_x(&self, p: usize) -> f64 {
        self.label_w + p as f64 * (self.panel_w + self.gap)
    }

    fn x(&self, p: usize, v: f64) -> f64 {
        self.panel_x(p) + (v - self.lo) / (self.hi - self.lo) * self.panel_w
    }

    fn y(&self, line: usize) -> f64 {
        self.top + (line as f64 + 0.5) * self.row_h
    }
}

/// Renders `f` as one `<svg>` element.
pub fn svg(f: &Forest) -> String {
    let l = Layout::new(f);
    let n = f.panels.len().max(1);
    let width = l.panel_x(n) - l.gap + 12.0;
    let legend_h = if f.series.len() > 1 { 26.0 } else { 0.0 };
    let height = l.top + l.plot_h + 52.0 + legend_h;
    let mut s = String::new();
    let n_ticks = if l.panel_w < 220.0 { 4 } else { 6 };
    let null_attr = f
        .null
        .map_or(String::new(), |v| format!(" data-null=\"{v}\""));
    if f.standalone {
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="forest" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT_STACK}" font-size="{FONT_SIZE}"{null_attr}>"#
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    } else {
        let _ = writeln!(
            s,
            r#"<svg class="forest" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="{FONT_STACK}" font-size="{FONT_SIZE}" role="img"{null_attr}>"#
        );
    }
    if let Some(t) = &f.title {
        let _ = writeln!(
            s,
            r#"<text x="4" y="17" font-size="14" font-weight="bold" class="figure-title">{}</text>"#,
            escape(t)
        );
    }
    labels(&mut s, f, &l);
    for (p, panel) in f.panels.iter().enumerate() {
        draw_panel(&mut s, f, &l, p, panel, n_ticks);
    }
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="axis-title" fill="#222">{}</text>"##,
        (l.panel_x(0) + l.panel_x(n) - l.gap) / 2.0,
        l.top + l.plot_h + 36.0,
        escape(&f.x_title)
    );
    legend(&mut s, f, &l, l.top + l.plot_h + 56.0);
    s.push_str("</svg>\n");
    s
}

/// The feature headers and level names, with a faint band behind every
/// other feature so long figures stay readable.
fn labels(s: &mut String, f: &Forest, l: &Layout) {
    for (i, line) in f.lines.iter().enumerate() {
        let y = l.y(i) + 4.0;
        match line {
            Line::Header(h) => {
                if i > 0 {
                    let yy = l.top + i as f64 * l.row_h;
                    let _ = writeln!(
                        s,
                        r##"<line x1="0" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d9d9d9"/>"##,
                        l.label_w - 4.0
                    );
                }
                let _ = writeln!(
                    s,
                    r#"<text x="4" y="{y:.1}" font-weight="bold" class="feature">{}</text>"#,
                    escape(h)
                );
            }
            Line::Level(name) => {
                let _ = writeln!(
                    s,
                    r##"<text x="18" y="{y:.1}" class="level" fill="#333">{}</text>"##,
                    escape(name)
                );
            }
        }
    }
}

fn draw_panel(s: &mut String, f: &Forest, l: &Layout, p: usize, panel: &Panel, n_ticks: usize) {
    let x0 = l.panel_x(p);
    let (top, bottom) = (l.top, l.top + l.plot_h);
    let _ = writeln!(
        s,
        r#"<g class="facet" data-title="{}">"#,
        escape(&panel.title)
    );
    if !panel.title.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" class="facet-title">{}</text>"#,
            x0 + l.panel_w / 2.0,
            top - 8.0,
            escape(&panel.title)
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#fafafa" stroke="#bdbdbd"/>"##,
        l.panel_w, l.plot_h
    );
    // Feature separators inside the panel, under the points.
    for (i, line) in f.lines.iter().enumerate().skip(1) {
        if matches!(line, Line::Header(_)) {
            let y = top + i as f64 * l.row_h;
            let _ = writeln!(
                s,
                r##"<line x1="{x0:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e3e3"/>"##,
                x0 + l.panel_w
            );
        }
    }
    for t in ticks(l.lo, l.hi, n_ticks) {
        let x = l.x(p, t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{top:.1}" y2="{bottom:.1}" stroke="#e6e6e6"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10.5" fill="#444" class="tick">{}</text>"##,
            bottom + 14.0,
            tick(t)
        );
    }
    if let Some(v) = f.null.filter(|v| *v >= l.lo && *v <= l.hi) {
        let x = l.x(p, v);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{top:.1}" y2="{bottom:.1}" stroke="#555" stroke-dasharray="4 3" class="null-line" data-value="{v}"/>"##
        );
    }
    let series = f.series.len().max(1);
    let step = (l.row_h * 0.7 / series as f64).min(6.0);
    for pt in &panel.points {
        let offset = (pt.series as f64 - (series - 1) as f64 / 2.0) * step;
        let y = l.y(pt.line) + offset;
        let colour = COLOURS[pt.series % COLOURS.len()];
        if let (Some(a), Some(b)) = (pt.lower, pt.upper) {
            let _ = writeln!(
                s,
                r#"<line x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="1.6"/>"#,
                l.x(p, a),
                l.x(p, b)
            );
        }
        let fill = if pt.reference { "white" } else { colour };
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{y:.1}" r="3.3" fill="{fill}" stroke="{colour}" stroke-width="1.3" class="{}"><title>{}</title></circle>"#,
            l.x(p, pt.estimate),
            if pt.reference { "point ref" } else { "point" },
            escape(&pt.tooltip)
        );
    }
    s.push_str("</g>\n");
}

fn legend(s: &mut String, f: &Forest, l: &Layout, y: f64) {
    if f.series.len() < 2 {
        return;
    }
    let mut x = l.label_w;
    s.push_str("<g class=\"legend\">");
    for (i, name) in f.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{:.1}" r="4" fill="{colour}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - 4.0,
            x + 8.0,
            escape(name)
        );
        x += display_width(name) as f64 * CHAR_W + 34.0;
    }
    s.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(panels: usize, series: usize) -> Forest {
        Forest {
            title: Some("AMCE <x>".into()),
            lines: vec![
                Line::Header("제공자".into()),
                Line::Level("낯선 사람".into()),
                Line::Level("가족".into()),
            ],
            panels: (0..panels)
                .map(|p| Panel {
                    title: format!("outcome {p}"),
                    points: (0..series)
                        .flat_map(|g| {
                            [
                                Point {
                                    line: 1,
                                    series: g,
                                    estimate: 0.0,
                                    lower: None,
                                    upper: None,
                                    reference: true,
                                    tooltip: "ref".into(),
                                },
                                Point {
                                    line: 2,
                                    series: g,
                                    estimate: 0.1,
                                    lower: Some(0.05),
                                    upper: Some(0.15),
                                    reference: false,
                                    tooltip: "가족: 0.1".into(),
                                },
                            ]
                        })
                        .collect(),
                })
                .collect(),
            series: (0..series).map(|g| format!("group {g}")).collect(),
            null: Some(0.0),
            x_title: "Estimated AMCE".into(),
            standalone: true,
        }
    }

    #[test]
    fn panels_share_one_scale_and_carry_titles() {
        let svg = svg(&figure(4, 1));
        assert_eq!(svg.matches("<g class=\"facet\"").count(), 4);
        assert_eq!(svg.matches("class=\"facet-title\">outcome ").count(), 4);
        assert_eq!(
            svg.matches("class=\"null-line\" data-value=\"0\"").count(),
            4
        );
        assert!(svg.contains(">AMCE &lt;x&gt;</text>"));
        assert!(svg.contains("class=\"axis-title\" fill=\"#222\">Estimated AMCE</text>"));
        assert!(svg.contains(">제공자</text>") && svg.contains(">낯선 사람</text>"));
        assert_eq!(svg.matches("class=\"point ref\"").count(), 4);
        assert!(!svg.contains("class=\"legend\""));
        assert!(svg.starts_with("<svg xmlns") && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn several_series_get_colours_and_a_legend() {
        let svg = svg(&figure(1, 3));
        assert!(svg.contains("<g class=\"legend\">"));
        for c in &COLOURS[..3] {
            assert!(svg.contains(&format!("fill=\"{c}\" stroke=\"{c}\"")), "{c}");
        }
    }
}
