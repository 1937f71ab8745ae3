//! Marginal means by topic group as SVG (`topics link --plot`): the
//! features' levels as rows, one colour per topic group dodged within a
//! row, a dot and its interval, one shared scale, the dashed line at the
//! natural null (0.5 for a forced choice, else h0). The conjoint plot's
//! layout (cregg's `plot(mm, group = ...)`), drawn by
//! [`crate::render::forest`].

use super::combine::LinkRow;
use crate::conjoint::data::Feature;
use crate::conjoint::estimate::{EstimateRow, Statistic};
use crate::conjoint::plot::{forest, mm_null};
use crate::render::forest as draw;

/// Draws the `mm` rows of `outcome` (one colour per `BY` group); `h0` is
/// the null of marginal means unless the outcome is a forced choice.
pub fn svg(rows: &[LinkRow], features: &[Feature], outcome: &str, h0: f64, title: &str) -> String {
    let mm: Vec<EstimateRow> = rows
        .iter()
        .filter(|r| r.row.statistic == Statistic::Mm && r.row.outcome == outcome)
        .map(|r| r.row.clone())
        .collect();
    let mut f = forest(&mm, features, &|o| o.to_string());
    f.title = Some(title.to_string());
    f.null = Some(mm_null(&mm, h0));
    f.x_title = format!("Marginal mean of '{outcome}'");
    f.standalone = true;
    draw::svg(&f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conjoint::estimate::OutcomeType;

    fn row(by: &str, feature: &str, level: &str, est: f64) -> LinkRow {
        LinkRow {
            row: EstimateRow {
                outcome: "chosen".into(),
                outcome_type: Some(OutcomeType::ForcedChoice),
                statistic: Statistic::Mm,
                feature: feature.into(),
                feature_label: None,
                level: level.into(),
                estimate: est,
                std_error: Some(0.02),
                z: None,
                p: None,
                h0: Some(0.0),
                lower: Some(est - 0.04),
                upper: Some(est + 0.04),
                by: Some(by.into()),
                weighting: None,
            },
            between_draw_sd: Some(0.0),
            assignment_share: Some(0.0),
            df: None,
            draws: 1,
        }
    }

    #[test]
    fn one_row_per_level_one_colour_per_group() {
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
            0.0,
            "Marginal means by topic group",
        );
        assert_eq!(svg.matches("class=\"feature\"").count(), 2);
        assert!(svg.contains(">제공자 &lt;출처&gt;</text>"));
        assert_eq!(svg.matches("class=\"point\"").count(), 8);
        assert_eq!(
            svg.matches("fill=\"#0072B2\" stroke=\"#0072B2\"").count(),
            4
        );
        assert!(svg.contains("<title>Trust · 가족: 0.6000 [0.5600, 0.6400]</title>"));
        // A forced choice: the null line at 0.5, whatever h0 was.
        assert!(svg.contains("class=\"null-line\" data-value=\"0.5\""));
        assert!(svg.contains(">Marginal mean of &#39;chosen&#39;</text>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
