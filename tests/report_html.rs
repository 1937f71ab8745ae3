//! The HTML report: self-contained (nothing loaded from anywhere), labels
//! applied, conjoint and link results rendered, script-safe embedding,
//! reproducible bytes.

mod explore_support;

use std::process::Command;

use explore_support::{saved_model, topics_bin};
use topics::explore::{Labels, DEFAULT_LAMBDA};
use topics::report::{render_html, ReportData, ReportOptions};

const CONJOINT: &str = r#"[
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"낮음","estimate":0,"std_error":null,"z":null,"p":null,"lower":null,"upper":null},
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"높음","estimate":-0.12,"std_error":0.02,"z":-6,"p":1e-9,"lower":-0.159,"upper":-0.081},
 {"outcome":"chosen","statistic":"mm","feature":"세율","level":"높음","estimate":0.44,"std_error":0.01,"z":-6,"p":1e-9,"lower":0.42,"upper":0.46}
]"#;

fn embedded_data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"report-data\">")
        .unwrap();
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</script>").unwrap();
    serde_json::from_str(&rest[open..close]).unwrap()
}

#[test]
fn report_is_self_contained_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved_model(dir.path());
    let m = model.to_str().unwrap();
    assert!(Command::new(topics_bin())
        .args(["label", m, "0", "첫째 First"])
        .status()
        .unwrap()
        .success());
    std::fs::write(dir.path().join("c.json"), CONJOINT).unwrap();
    let out_path = dir.path().join("r.html");
    let out = Command::new(topics_bin())
        .args(["report", m, "--conjoint"])
        .arg(dir.path().join("c.json"))
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&out_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // Offline: the only URL is the SVG namespace; nothing is loaded.
    let urls: Vec<&str> = html
        .match_indices("://")
        .map(|(i, _)| html.get(i.saturating_sub(4)..i + 22).unwrap_or("?"))
        .collect();
    assert!(
        urls.iter().all(|u| *u == "http://www.w3.org/2000/svg"),
        "{urls:?}"
    );
    for forbidden in [" src=", "<link", "@import", "url(", "@font-face"] {
        assert!(!html.contains(forbidden), "found {forbidden}");
    }
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'none'\""));
    assert!(html.contains("\"Noto Sans CJK KR\""));
    // Every section is there.
    for id in [
        "overview",
        "topics",
        "map",
        "quotes",
        "diagnostics",
        "conjoint",
        "link",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // The map is drawn in SVG with the label in the topic's tooltip.
    assert!(html.contains("<svg class=\"chart\" id=\"map-svg\""));
    assert!(html.contains("<title>#0 첫째 First ("));
    // The conjoint figures, AMCEs apart from marginal means (the link
    // section's findings are tested in report_findings.rs).
    assert!(html.contains(
        "<figcaption>AMCEs of chosen (95% CI). Dashed line: 0 (no effect).</figcaption>"
    ));
    assert!(html.contains("<figcaption>Marginal means of chosen (95% CI). Dashed line: the tested null h0 = 0.5.</figcaption>"));
    assert!(html.contains(">세율</text>"));
    let data = embedded_data(&html);
    assert_eq!(data["topics"][0]["label"], "첫째 First");
    assert_eq!(data["topics"].as_array().unwrap().len(), 3);
    assert_eq!(data["top_n"], 15);
    assert_eq!(data["lambda"], DEFAULT_LAMBDA);
    assert_eq!(
        data["meta"]["input_sha256"],
        topics::lda::sha256_hex(explore_support::answers_text().as_bytes())
    );
    assert_eq!(data["conjoint"].as_array().unwrap().len(), 3);
    assert!(data["link"].is_null());
    let rankings: Vec<&str> = data["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["by"].as_str().unwrap())
        .collect();
    assert_eq!(rankings, vec!["prob", "frex", "lift", "score", "saliency"]);
    assert_eq!(data["map"]["divergence"].as_array().unwrap().len(), 3);
    assert_eq!(data["served"], false);
}

#[test]
fn answer_text_cannot_break_out_of_the_data_block() {
    let model = explore_support::fit();
    let mut data = ReportData::build(
        &model,
        &Labels::empty(3),
        &ReportOptions::default(),
        None,
        None,
    )
    .unwrap();
    data.quotes[0][0].text = "</script><script>alert('x')</script> & <!--".into();
    let html = render_html(&data);
    // Exactly the two real closing tags (data block and script).
    assert_eq!(html.matches("</script>").count(), 2);
    let parsed = embedded_data(&html);
    assert_eq!(
        parsed["quotes"][0][0]["text"],
        "</script><script>alert('x')</script> & <!--"
    );
}

#[test]
fn the_same_model_gives_the_same_bytes() {
    let model = explore_support::fit();
    let options = ReportOptions {
        model_path: "m.json".into(),
        ..ReportOptions::default()
    };
    let a =
        render_html(&ReportData::build(&model, &Labels::empty(3), &options, None, None).unwrap());
    let b =
        render_html(&ReportData::build(&model, &Labels::empty(3), &options, None, None).unwrap());
    assert_eq!(a, b);
}

#[test]
fn relevance_candidates_cover_every_slider_position() {
    // The page ranks relevance from the embedded candidates; they must
    // contain the exact top list at λ = 0, 0.6 and 1.
    let model = explore_support::fit();
    let data = ReportData::build(
        &model,
        &Labels::empty(3),
        &ReportOptions {
            words: 3,
            ..ReportOptions::default()
        },
        None,
        None,
    )
    .unwrap();
    let matrix = topics::explore::TopicWordMatrix::from_model(&model);
    for t in 0..3 {
        let words: Vec<&str> = data.relevance[t].iter().map(|c| c.word.as_str()).collect();
        for lambda in [0.0, 0.6, 1.0] {
            for w in
                matrix.top_words_named(&model, t, topics::explore::Ranking::Relevance { lambda }, 3)
            {
                assert!(words.contains(&w.word.as_str()), "{} at {lambda}", w.word);
            }
        }
    }
}

#[test]
fn bad_results_files_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved_model(dir.path());
    std::fs::write(
        dir.path().join("c.json"),
        r#"[{"estimate": 1, "outcome": "y"}]"#,
    )
    .unwrap();
    let out_path = dir.path().join("r.html");
    let out = Command::new(topics_bin())
        .arg("report")
        .arg(&model)
        .arg("--conjoint")
        .arg(dir.path().join("c.json"))
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(41));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.ends_with("c.json: row 1: missing field `statistic`\n"),
        "{err}"
    );
    assert!(!out_path.exists());
}
