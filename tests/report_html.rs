//! The HTML report: self-contained (nothing loaded from anywhere), labels
//! applied, conjoint and link results rendered, script-safe embedding,
//! reproducible bytes.

use crate::util;

use std::path::{Path, PathBuf};
use std::process::Command;

use topics::explore::{Labels, DEFAULT_LAMBDA};
use topics::report::{render_html, ReportData, ReportOptions};
use util::{saved_model, topics_bin};

const CONJOINT: &str = r#"[
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"낮음","estimate":0,"std_error":null,"z":null,"p":null,"lower":null,"upper":null},
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"높음","estimate":-0.12,"std_error":0.02,"z":-6,"p":1e-9,"lower":-0.159,"upper":-0.081},
 {"outcome":"chosen","statistic":"mm","feature":"세율","level":"높음","estimate":0.44,"std_error":0.01,"z":-6,"p":1e-9,"lower":0.42,"upper":0.46}
]"#;

/// The ids of the page's `<section>`s in document order.
fn section_ids(html: &str) -> Vec<&str> {
    html.match_indices("<section id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

fn embedded_data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"report-data\">")
        .unwrap();
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</script>").unwrap();
    serde_json::from_str(&rest[open..close]).unwrap()
}

/// A saved model in `dir` whose topic `topic` is labelled `label`, with the
/// conjoint results `CONJOINT` beside it as `c.json`.
fn labelled_with_conjoint(dir: &Path, topic: &str, label: &str) -> PathBuf {
    let model = saved_model(dir);
    assert!(Command::new(topics_bin())
        .args(["label", model.to_str().unwrap(), topic, label])
        .status()
        .unwrap()
        .success());
    std::fs::write(dir.join("c.json"), CONJOINT).unwrap();
    model
}

#[test]
fn report_is_self_contained_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let model = labelled_with_conjoint(dir.path(), "0", "첫째 First");
    let m = model.to_str().unwrap();
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
    // The sections, in reading order: topics first, provenance last.
    assert_eq!(
        section_ids(&html),
        vec![
            "topics-overview",
            "explore",
            "answers",
            "validation",
            "conjoint",
            "link",
            "diagnostics",
            "details",
            "provenance"
        ]
    );
    // The findings stylesheet follows the report's.
    let css = html.find("<style>\n:root").unwrap();
    assert!(html[css..].find("</style>\n<style>\n").is_some());
    // The detail tables are collapsed until asked for.
    assert_eq!(html.matches("<details id=").count(), 4);
    assert!(!html.contains("<details open"));
    // No answers-truncated note: all 60 answers are embedded.
    assert!(!html.contains("answers-truncated"));
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
    assert_eq!(
        data["top_n"], 10,
        "words per topic: 10, as in every command"
    );
    assert_eq!(data["lambda"], DEFAULT_LAMBDA);
    assert_eq!(
        data["meta"]["input_sha256"],
        topics::lda::sha256_hex(util::answers_text().as_bytes())
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
    assert_eq!(data["token"], serde_json::Value::Null);
    assert_eq!(data["answers_total"], 60);
    assert_eq!(data["answers"].as_array().unwrap().len(), 60);
}

#[test]
fn answer_text_cannot_break_out_of_the_data_block() {
    let model = util::fit();
    let mut data = ReportData::build(
        &model,
        &Labels::empty(3),
        &ReportOptions::default(),
        None,
        None,
    )
    .unwrap();
    data.quotes[0][0].quote.text = "</script><script>alert('x')</script> & <!--".into();
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
    let model = util::fit();
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
    let model = util::fit();
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

fn build(model: &topics::lda::LdaModel, options: &ReportOptions) -> ReportData {
    ReportData::build(model, &Labels::empty(3), options, None, None).unwrap()
}

#[test]
fn answers_are_embedded_with_their_theta() {
    let model = util::fit();
    let data = build(&model, &ReportOptions::default());
    assert_eq!(data.answers_total, 60);
    assert_eq!(data.answers.len(), 60);
    assert_eq!(topics::report::MAX_ANSWERS, 20_000);
    for (d, a) in data.answers.iter().enumerate() {
        assert_eq!(a.id, model.documents()[d].id);
        assert_eq!(a.text, model.documents()[d].text);
        assert_eq!(a.theta, model.theta(d));
    }
    let json = embedded_data(&render_html(&data));
    assert_eq!(
        json["answers"][0]["text"],
        "trust trust trust government government honest fair"
    );
    assert_eq!(json["answers"][0]["id"], model.documents()[0].id.as_str());
    // θ at full precision: it parses back to the same f64.
    assert_eq!(
        json["answers"][5]["theta"][2].as_f64().unwrap(),
        model.theta(5)[2]
    );
}

#[test]
fn a_truncated_answers_list_says_so_on_the_page() {
    let model = util::fit();
    let mut data = build(&model, &ReportOptions::default());
    data.answers.truncate(7);
    let html = render_html(&data);
    assert!(html.contains(
        "<p class=\"note warn\" id=\"answers-truncated\">This page holds the first 7 of the 60 fitted answers; search and counts cover those only (<code>topics serve</code> searches all).</p>"
    ));
}

#[test]
fn term_bar_data_is_what_ldavis_draws() {
    let model = util::fit();
    let data = build(&model, &ReportOptions::default());
    let matrix = topics::explore::TopicWordMatrix::from_model(&model);
    // 15 words in the vocabulary: fewer than LDAvis's 30 rows.
    assert_eq!(model.vocab().len(), 15);
    assert_eq!(data.bar_terms, 15);
    assert_eq!(data.topic_tokens, model.topic_counts().to_vec());
    assert_eq!(data.topic_tokens.iter().sum::<u64>(), 60 * 7);
    // Every word can appear (the vocabulary is small), in word-id order.
    assert_eq!(data.terms.len(), 15);
    for (w, term) in data.terms.iter().enumerate() {
        assert_eq!(term.word, model.vocab().display(w as u32));
        let count: u64 = (0..3)
            .map(|t| u64::from(model.topic_word_counts(t)[w]))
            .sum();
        assert_eq!(term.count, count);
        let expected: Vec<f64> = (0..3)
            .map(|t| matrix.phi()[t][w] * model.topic_counts()[t] as f64)
            .collect();
        assert_eq!(term.topic_counts, expected);
        let total: f64 = expected.iter().sum();
        let share: Vec<f64> = expected.iter().map(|c| c / total).collect();
        assert_eq!(term.topic_share, share);
        assert!((share.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    // The group words: 60, 40, 20, 13, 7 tokens each.
    let trust = data.terms.iter().find(|t| t.word == "trust").unwrap();
    assert_eq!(trust.count, 60);
    let fair = data.terms.iter().find(|t| t.word == "fair").unwrap();
    assert_eq!(fair.count, 7);
    // A group word lives in one topic: its estimated count there is close
    // to its count, and P(topic | word) is close to 1.
    let t = (0..3)
        .max_by(|&a, &b| trust.topic_share[a].total_cmp(&trust.topic_share[b]))
        .unwrap();
    assert!(trust.topic_share[t] > 0.99, "{:?}", trust.topic_share);
    assert!(
        (trust.topic_counts[t] - 60.0).abs() < 0.5,
        "{:?}",
        trust.topic_counts
    );
    // Salient words point at their term entries.
    assert_eq!(data.salient.len(), 15);
    for s in &data.salient {
        assert_eq!(data.terms[s.term].word, s.word);
    }
    for list in &data.relevance {
        for c in list {
            assert_eq!(data.terms[c.term].word, c.word);
        }
    }
}

/// The page's ranking (report.js `relevanceTop`), in Rust: the score from
/// the embedded logs, ties to the more probable word, then to the
/// candidate's position (word-id order).
fn page_relevance_top(data: &ReportData, topic: usize, lambda: f64, n: usize) -> Vec<String> {
    let mut scored: Vec<(f64, f64, usize, &str)> = data.relevance[topic]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                lambda * c.log_phi + (1.0 - lambda) * c.log_lift,
                c.prob,
                i,
                c.word.as_str(),
            )
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    scored
        .into_iter()
        .take(n)
        .map(|s| s.3.to_string())
        .collect()
}

#[test]
fn the_pages_bar_ranking_equals_the_librarys_at_every_slider_step() {
    // A real corpus (more words than bars, many ties among rare words).
    let text = std::fs::read_to_string("examples/data/answers_en.txt").unwrap();
    let answers = topics::io::answers_from_lines(&text);
    let analyzer = topics::text::Analyzer::new(topics::text::TextOptions::default()).unwrap();
    let corpus =
        topics::corpus::Corpus::build(&answers, &analyzer, topics::corpus::PruneOptions::NONE)
            .unwrap();
    let params = topics::lda::LdaParams {
        k: 4,
        iterations: 60,
        seed: 3,
        ..Default::default()
    };
    let model =
        topics::lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {}).unwrap();
    let data = ReportData::build(
        &model,
        &Labels::empty(4),
        &ReportOptions::default(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(data.bar_terms, 30);
    assert!(model.vocab().len() > 100);
    let matrix = topics::explore::TopicWordMatrix::from_model(&model);
    for t in 0..4 {
        // The candidates are exactly the words of some step's top 30.
        let mut union: Vec<String> = (0..=100)
            .flat_map(|step| {
                matrix.top_words_named(
                    &model,
                    t,
                    topics::explore::Ranking::Relevance {
                        lambda: step as f64 / 100.0,
                    },
                    30,
                )
            })
            .map(|w| w.word)
            .collect();
        union.sort();
        union.dedup();
        let mut candidates: Vec<String> =
            data.relevance[t].iter().map(|c| c.word.clone()).collect();
        candidates.sort();
        assert_eq!(candidates, union, "topic {t}");
        for step in 0..=100 {
            let lambda = step as f64 / 100.0;
            let lib: Vec<String> = matrix
                .top_words_named(
                    &model,
                    t,
                    topics::explore::Ranking::Relevance { lambda },
                    30,
                )
                .into_iter()
                .map(|w| w.word)
                .collect();
            assert_eq!(
                page_relevance_top(&data, t, lambda, 30),
                lib,
                "topic {t} λ {lambda}"
            );
            // The 15-word tables rank from the same candidates.
            assert_eq!(page_relevance_top(&data, t, lambda, 15), lib[..15].to_vec());
        }
    }
    // Only candidates and salient words are embedded, not the vocabulary.
    assert!(data.terms.len() < model.vocab().len());
}

#[test]
fn no_raw_json_keys_outside_the_data_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.json"), CONJOINT).unwrap();
    let model = util::fit();
    let data = ReportData::build(
        &model,
        &Labels::empty(3),
        &ReportOptions::default(),
        Some(topics::report::load_conjoint(&dir.path().join("c.json")).unwrap()),
        None,
    )
    .unwrap();
    let html = render_html(&data);
    // The markup without the script elements (data and code).
    let mut markup = String::new();
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<script") {
        markup.push_str(&rest[..i]);
        let end = rest[i..].find("</script>").unwrap() + i + "</script>".len();
        rest = &rest[end..];
    }
    markup.push_str(rest);
    // CSV downloads keep their machine-readable column names inside their
    // data: URLs; what is shown must not.
    let mut shown = String::new();
    let mut rest = markup.as_str();
    while let Some(i) = rest.find("href=\"data:") {
        shown.push_str(&rest[..i]);
        let end = rest[i + 6..].find('"').unwrap() + i + 7;
        rest = &rest[end..];
    }
    shown.push_str(rest);
    let markup = shown;
    for key in [
        "{\"",
        "\":",
        "log_phi",
        "topic_counts",
        "token_share",
        "text_options",
        "answers_total",
        "std_error",
        ">null<",
    ] {
        assert!(!markup.contains(key), "{key} on the page");
    }
}

#[test]
fn the_served_page_offers_labels_and_inference_with_its_token() {
    let model = util::fit();
    let options = ReportOptions {
        served: true,
        token: Some("tok-123".into()),
        ..ReportOptions::default()
    };
    let html = render_html(&build(&model, &options));
    assert!(html.contains("connect-src 'self'\">"));
    assert_eq!(embedded_data(&html)["token"], "tok-123");
    assert_eq!(embedded_data(&html)["served"], true);
    assert!(html.contains("<textarea id=\"infer-text\""));
    assert!(html.contains("<button type=\"button\" id=\"infer-run\">"));
    assert!(html.contains("<div id=\"infer-result\"></div>"));
    assert_eq!(
        section_ids(&html),
        vec![
            "topics-overview",
            "explore",
            "answers",
            "infer",
            "validation",
            "conjoint",
            "link",
            "diagnostics",
            "details",
            "provenance"
        ]
    );
    // A report file has no inference box (it could not call anything).
    let file = render_html(&build(&model, &ReportOptions::default()));
    assert!(!file.contains("<textarea id=\"infer-text\""));
}

#[test]
fn the_same_inputs_give_the_same_bytes_with_labels_and_conjoint() {
    let dir = tempfile::tempdir().unwrap();
    let model = labelled_with_conjoint(dir.path(), "1", "세금 Taxes");
    let m = model.to_str().unwrap();
    let run = |out: &str| {
        let status = Command::new(topics_bin())
            .args(["report", m, "--conjoint"])
            .arg(dir.path().join("c.json"))
            .arg("-o")
            .arg(dir.path().join(out))
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read(dir.path().join(out)).unwrap()
    };
    let (a, b) = (run("a.html"), run("b.html"));
    assert_eq!(a, b);
    let html = String::from_utf8(a).unwrap();
    assert_eq!(embedded_data(&html)["topics"][1]["label"], "세금 Taxes");
}
