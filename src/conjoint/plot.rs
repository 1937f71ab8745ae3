//! The standard conjoint plot as SVG (`topics conjoint --plot`): one row
//! per level grouped under its feature's label, a dot with its confidence
//! interval, reference levels hollow, a dashed line at the null (0 for
//! AMCEs, h0 for marginal means), one panel per outcome on a shared scale
//! (cregg's facets) and one colour per subgroup. Drawn by
//! [`crate::render::forest`], as every figure of the tool.

use super::data::Feature;
use super::estimate::{EstimateRow, FreqRow, OutcomeType, Statistic};
use crate::render::forest::{self, Forest, Line, Panel, Point};

/// What to draw.
pub struct PlotSpec<'a> {
    /// The estimates to draw.
    pub rows: &'a [EstimateRow],
    /// The features, for their level order and display names.
    pub features: &'a [Feature],
    /// Where the vertical line goes (0 for AMCEs, h0 for marginal means).
    pub null_value: f64,
    /// Title above the figure.
    pub title: String,
    /// Title of the x axis.
    pub x_label: String,
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

/// The label column: each feature's label (from the design, else from the
/// rows, else its name) over its levels, in the rows' order.
fn lines(rows: &[EstimateRow], features: &[Feature]) -> (Vec<Line>, Vec<(String, String)>) {
    label_lines(
        rows.iter().map(|r| {
            (
                r.feature.as_str(),
                r.level.as_str(),
                r.feature_label.as_deref(),
            )
        }),
        features,
    )
}

/// [`lines`] over (feature, level, label carried by the row) triples, so
/// estimates and frequencies share one label column.
fn label_lines<'a>(
    rows: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
    features: &[Feature],
) -> (Vec<Line>, Vec<(String, String)>) {
    let label = |feature: &str, carried: Option<&str>| {
        features
            .iter()
            .find(|f| f.name == feature)
            .map(|f| f.label.clone())
            .or_else(|| carried.map(str::to_string))
            .unwrap_or_else(|| feature.to_string())
    };
    let mut out = Vec::new();
    let mut keys = Vec::new();
    let mut last: Option<&str> = None;
    for (feature, level, carried) in rows {
        let key = (feature.to_string(), level.to_string());
        if keys.contains(&key) {
            continue;
        }
        if last != Some(feature) {
            out.push(Line::Header(label(feature, carried)));
            keys.push((feature.to_string(), String::new()));
            last = Some(feature);
        }
        out.push(Line::Level(level.to_string()));
        keys.push(key);
    }
    (out, keys)
}

/// The figure of `rows`: one panel per outcome (in order), one series per
/// `BY` group. `titles` names each outcome's panel.
pub fn forest(
    rows: &[EstimateRow],
    features: &[Feature],
    titles: &dyn Fn(&str) -> String,
) -> Forest {
    let (lines, keys) = lines(rows, features);
    let outcomes = unique(rows.iter().map(|r| r.outcome.clone()));
    let groups = unique(rows.iter().map(|r| r.by.clone()));
    let panels = outcomes
        .iter()
        .map(|o| Panel {
            title: if outcomes.len() > 1 {
                titles(o)
            } else {
                String::new()
            },
            points: rows
                .iter()
                .filter(|r| &r.outcome == o)
                .filter_map(|r| {
                    let line = keys
                        .iter()
                        .position(|k| k.0 == r.feature && k.1 == r.level)?;
                    let series = groups.iter().position(|g| *g == r.by).unwrap_or(0);
                    Some(point(r, line, series))
                })
                .collect(),
        })
        .collect();
    Forest {
        lines,
        panels,
        series: series_names(&groups),
        ..Forest::default()
    }
}

/// Legend entries: the group names, or none for a single series.
fn series_names(groups: &[Option<String>]) -> Vec<String> {
    if groups.len() > 1 {
        groups
            .iter()
            .map(|g| g.clone().unwrap_or_default())
            .collect()
    } else {
        Vec::new()
    }
}

fn point(r: &EstimateRow, line: usize, series: usize) -> Point {
    let by = r.by.as_ref().map_or(String::new(), |b| format!("{b} · "));
    let tooltip = match (r.lower, r.upper) {
        (Some(l), Some(u)) => format!("{by}{}: {:.4} [{l:.4}, {u:.4}]", r.level, r.estimate),
        _ => format!("{by}{}: {:.4} (reference)", r.level, r.estimate),
    };
    Point {
        line,
        series,
        estimate: r.estimate,
        lower: r.lower,
        upper: r.upper,
        reference: r.std_error.is_none(),
        tooltip,
    }
}

/// The natural null of marginal means: 0.5 when every outcome of `rows`
/// is a forced choice between two profiles (half of all profiles are
/// chosen), else `h0`.
pub fn mm_null(rows: &[EstimateRow], h0: f64) -> f64 {
    let forced = !rows.is_empty()
        && rows
            .iter()
            .all(|r| r.outcome_type == Some(OutcomeType::ForcedChoice));
    if forced {
        0.5
    } else {
        h0
    }
}

/// Renders the plot as an SVG document. Marginal means of a forced choice
/// get their line at 0.5 whatever `null_value` says.
pub fn svg(spec: &PlotSpec<'_>) -> String {
    let mut f = forest(spec.rows, spec.features, &|o| o.to_string());
    f.title = Some(spec.title.clone());
    let all_mm = spec.rows.iter().all(|r| r.statistic == Statistic::Mm);
    f.null = Some(if all_mm {
        mm_null(spec.rows, spec.null_value)
    } else {
        spec.null_value
    });
    f.x_title = spec.x_label.clone();
    f.standalone = true;
    forest::svg(&f)
}

/// The level frequencies (`--estimate freqs --plot`) as a dot chart of
/// each level's share of its feature's profiles (weighted when the rows
/// are), one colour per `--by` group, with the line at 0 so shares are
/// read from zero.
pub fn freqs_svg(rows: &[FreqRow], features: &[Feature], title: &str) -> String {
    let (lines, keys) = label_lines(
        rows.iter()
            .map(|r| (r.feature.as_str(), r.level.as_str(), None)),
        features,
    );
    let groups = unique(rows.iter().map(|r| r.by.clone()));
    let points = rows
        .iter()
        .filter_map(|r| {
            let line = keys
                .iter()
                .position(|k| k.0 == r.feature && k.1 == r.level)?;
            let by = r.by.as_ref().map_or(String::new(), |b| format!("{b} · "));
            let count = r.weighted_count.map_or(r.count.to_string(), |w| {
                format!("{w:.1} weighted, {} shown", r.count)
            });
            Some(Point {
                line,
                series: groups.iter().position(|g| *g == r.by).unwrap_or(0),
                estimate: r.proportion,
                lower: None,
                upper: None,
                reference: false,
                tooltip: format!("{by}{}: {:.1}% ({count})", r.level, r.proportion * 100.0),
            })
        })
        .collect();
    let f = Forest {
        title: Some(title.to_string()),
        lines,
        panels: vec![Panel {
            title: String::new(),
            points,
        }],
        series: series_names(&groups),
        null: Some(0.0),
        x_title: "Share of the feature's profiles".to_string(),
        standalone: true,
    };
    forest::svg(&f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conjoint::estimate::Statistic;

    fn r(outcome: &str, level: &str, est: f64, se: Option<f64>) -> EstimateRow {
        EstimateRow {
            outcome: outcome.into(),
            outcome_type: None,
            statistic: Statistic::Amce,
            feature: "provider".into(),
            feature_label: None,
            level: level.into(),
            estimate: est,
            std_error: se,
            z: None,
            p: None,
            h0: None,
            lower: se.map(|s| est - 2.0 * s),
            upper: se.map(|s| est + 2.0 * s),
            by: None,
            weighting: None,
        }
    }

    #[test]
    fn korean_labels_reference_dot_and_one_panel_per_outcome() {
        let feats = vec![Feature {
            name: "provider".into(),
            label: "제공자 <출처>".into(),
            levels: vec!["낯선 사람".into(), "가족".into()],
        }];
        let mut rows = vec![
            r("선택", "낯선 사람", 0.0, None),
            r("선택", "가족", 0.088, Some(0.02)),
        ];
        let svg1 = svg(&PlotSpec {
            rows: &rows,
            features: &feats,
            null_value: 0.0,
            title: "AMCE".into(),
            x_label: "효과".into(),
        });
        assert!(svg1.contains(">제공자 &lt;출처&gt;</text>"));
        assert!(svg1.contains(">낯선 사람</text>") && svg1.contains(">가족</text>"));
        assert!(svg1.contains(">효과</text>"));
        // The reference level is an open dot; the estimate a filled one.
        assert_eq!(svg1.matches("class=\"point ref\"").count(), 1);
        assert_eq!(svg1.matches("class=\"point\"").count(), 1);
        assert!(svg1.starts_with("<svg") && svg1.ends_with("</svg>\n"));
        rows.extend([
            r("공유", "낯선 사람", 0.0, None),
            r("공유", "가족", 0.05, Some(0.02)),
        ]);
        let svg2 = svg(&PlotSpec {
            rows: &rows,
            features: &feats,
            null_value: 0.0,
            title: "AMCE".into(),
            x_label: "효과".into(),
        });
        assert_eq!(svg2.matches("<g class=\"facet\"").count(), 2);
        assert!(svg2.contains("class=\"facet-title\">공유</text>"));
    }
}
