//! The report's conjoint and topics × conjoint sections on the bundled
//! example study: figures faceted as cregg facets them, the natural null
//! of marginal means, findings rather than raw JSON, CSV downloads, and
//! results files checked for their kind.

use crate::util;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use util::{repo_file, topics};

/// A scratch directory with a model of the English answers (topic 2
/// labelled after the link ran), conjoint results and a link result.
fn study() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_findings");
        // Start empty: a model or labels file left by an earlier run (of
        // another build) would be carried over into this run's fit.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "answers_en.txt",
            "conjoint.csv",
            "conjoint_design.json",
            "conjoint_by_theme.csv",
            "conjoint_by_theme_design.json",
            "link_mapping.txt",
        ] {
            std::fs::copy(repo_file(&format!("examples/data/{name}")), dir.join(name)).unwrap();
        }
        topics(
            &dir,
            &["fit", "answers_en.txt", "-k", "3", "-o", "model.json"],
        )
        .ok();
        let conjoint = [
            "conjoint",
            "conjoint.csv",
            "--design",
            "conjoint_design.json",
        ];
        let mut amce = conjoint.to_vec();
        amce.extend(["--format", "json", "-o", "amce.json"]);
        topics(&dir, &amce).ok();
        let mut mm = conjoint.to_vec();
        mm.extend(["--estimate", "mm", "--format", "json", "-o", "mm.json"]);
        topics(&dir, &mm).ok();
        // AMCEs and marginal means in one file, as an analyst may join them.
        let read = |f: &str| -> Vec<serde_json::Value> {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        let mut both = read("amce.json");
        both.extend(read("mm.json"));
        std::fs::write(dir.join("both.json"), serde_json::to_string(&both).unwrap()).unwrap();
        topics(
            &dir,
            &[
                "link",
                "--model",
                "model.json",
                "--conjoint",
                "conjoint_by_theme.csv",
                "--design",
                "conjoint_by_theme_design.json",
                "--outcome",
                "chosen",
                "--mapping",
                "link_mapping.txt",
                "--prevalence-by",
                "market_experience",
                "--bootstrap",
                "200",
                "--format",
                "json",
                "-o",
                "link.json",
            ],
        )
        .ok();
        topics(&dir, &["label", "model.json", "2", "Trust"]).ok();
        dir
    })
}

/// `topics report model.json ARGS… -o NAME` and the page.
fn report(args: &[&str], name: &str) -> String {
    let dir = study();
    let mut all = vec!["report", "model.json"];
    all.extend_from_slice(args);
    all.extend(["-o", name]);
    topics(dir, &all).ok();
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("<section id=\"{id}\">");
    let start = html.find(&open).unwrap() + open.len();
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// The text a reader sees: the markup without its tags.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The figures of a section, each as (data-outcomes, its markup).
fn figures(html: &str) -> Vec<(String, &str)> {
    html.match_indices("<figure class=\"finding\"")
        .map(|(i, _)| {
            let fig = &html[i..i + html[i..].find("</figure>").unwrap()];
            let outcomes = fig
                .split("data-outcomes=\"")
                .nth(1)
                .map_or("", |r| &r[..r.find('"').unwrap()]);
            (outcomes.to_string(), fig)
        })
        .collect()
}

#[test]
fn conjoint_outcomes_are_faceted_by_scale_with_labels_and_axis_titles() {
    let html = report(&["--conjoint", "amce.json"], "amce.html");
    let s = section(&html, "conjoint");
    let figs = figures(s);
    let outcomes: Vec<&str> = figs.iter().map(|f| f.0.as_str()).collect();
    // The forced choice alone; the four sharing outcomes in one row; the
    // rating, on another scale, alone.
    assert_eq!(
        outcomes,
        [
            "chosen",
            "share_stranger share_neighbor share_friend share_family",
            "rating"
        ]
    );
    let shares = figs[1].1;
    assert_eq!(shares.matches("<g class=\"facet\"").count(), 4);
    for title in [
        "share stranger",
        "share neighbor",
        "share friend",
        "share family",
    ] {
        assert!(
            shares.contains(&format!("class=\"facet-title\">{title}</text>")),
            "{title}"
        );
    }
    assert!(shares.contains(">AMCE: change in Pr(outcome = 1)</text>"));
    assert!(figs[0]
        .1
        .contains(">AMCE: change in the probability that a profile is chosen</text>"));
    assert!(figs[2]
        .1
        .contains(">AMCE: change in the mean of “rating”</text>"));
    assert_eq!(figs[0].1.matches("<g class=\"facet\"").count(), 1);
    // The design's labels, not column names.
    let seen = text(s);
    assert!(seen.contains("Acquisition place") && seen.contains("Content subject"));
    assert!(
        !seen.contains("acquisition_place"),
        "raw feature name shown"
    );
    // Effects are drawn against 0.
    for (_, fig) in &figs {
        assert!(fig.contains("class=\"null-line\" data-value=\"0\""));
    }
    assert!(s.contains("<a class=\"csv\" download=\"conjoint_estimates.csv\" href=\"data:text/csv;charset=utf-8,%EF%BB%BFoutcome%2Cstatistic%2Cfeature"));
}

#[test]
fn marginal_means_apart_from_amces_with_the_natural_null() {
    let html = report(&["--conjoint", "both.json"], "both.html");
    let s = section(&html, "conjoint");
    let amce_at = s
        .find("<h3>Average marginal component effects (AMCEs)</h3>")
        .unwrap();
    let mm_at = s.find("<h3>Marginal means</h3>").unwrap();
    assert!(amce_at < mm_at);
    let mm: Vec<(String, &str)> = figures(&s[mm_at..]);
    assert_eq!(mm.len(), 3);
    // A forced choice between two profiles centres on 0.5 (the result was
    // tested against h0 = 0, the default); the others on their tested h0.
    assert_eq!(mm[0].0, "chosen");
    assert!(mm[0].1.contains("class=\"null-line\" data-value=\"0.5\""));
    assert!(mm[0]
        .1
        .contains("Dashed line: 0.5, the mean of a forced choice between two profiles."));
    assert!(mm[1].1.contains("class=\"null-line\" data-value=\"0\""));
    // The rating was tested against h0 = 0, far below every marginal mean
    // (about 4): named, not drawn.
    assert_eq!(mm[2].0, "rating");
    assert!(!mm[2].1.contains("null-line"));
    assert!(mm[2]
        .1
        .contains("The tested null h0 = 0 lies far off this scale."));
    assert!(mm[0]
        .1
        .contains(">Marginal mean: probability that a profile with the level is chosen</text>"));
    assert_eq!(mm[1].1.matches("<g class=\"facet\"").count(), 4);
}

#[test]
fn the_link_section_shows_findings_not_data() {
    let html = report(&["--link", "link.json"], "link.html");
    let s = section(&html, "link");
    let seen = text(s);
    for raw in [
        "words_levels.pairs",
        "respondents_without_answer_ids",
        "join.",
        "per_respondent",
        "between_draw_sd",
    ] {
        assert!(!seen.contains(raw), "raw key {raw} on the page");
    }
    assert!(seen.contains("305 of 313 conjoint respondents have an answer in the topic model"));
    assert!(seen.contains(
        "8 respondents without an answer in the model (ids 19, 33, 63, 95, 159, 215, 244, 250)"
    ));
    // The plot of `topics link --plot`: marginal means by topic group, the
    // label set after the link ran naming its group.
    let mm = &s[s.find("id=\"link-mm\"").unwrap()..];
    let mm = &mm[..mm.find("</figure>").unwrap()];
    assert!(mm.contains("class=\"null-line\" data-value=\"0.5\""));
    assert!(mm.contains("<g class=\"legend\">"));
    assert!(mm.contains(">#2 Trust</text>"), "labelled group");
    assert!(s.contains("id=\"link-diffs\""));
    // The words ↔ levels table with verdicts and intervals, the omnibus
    // tests, the stability of the groups.
    assert!(s.contains("<span class=\"verdict agrees\">agrees</span>"));
    assert!(s.contains("<h3>Do a group's choices differ from the others'?</h3>"));
    assert!(s.contains("<td>#2 Trust − others</td><td>chosen</td>"));
    assert!(seen.contains("The dominant topic is the same in all 20 draws for"));
    // Notes once each.
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(study().join("link.json")).unwrap()).unwrap();
    let notes = result["notes"].as_array().unwrap();
    assert!(!notes.is_empty());
    for n in notes {
        let n = n
            .as_str()
            .unwrap()
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert_eq!(s.matches(&format!("<li>{n}</li>")).count(), 1, "{n}");
    }
    // No per-respondent table on the page; the tables as CSV downloads
    // with a byte-order mark.
    assert!(
        s.matches("<tr>").count() < 60,
        "a long table is on the page"
    );
    for file in [
        "estimates",
        "tests",
        "words_levels",
        "topic_words",
        "prevalence",
        "stability",
        "join",
    ] {
        assert!(
            s.contains(&format!(
                "download=\"link_{file}.csv\" href=\"data:text/csv;charset=utf-8,%EF%BB%BF"
            )),
            "{file}"
        );
    }
    assert!(s.contains("download=\"link_stability.csv\" href=\"data:text/csv;charset=utf-8,%EF%BB%BFid%2Ctopic%2Cname%2Cdraws_elsewhere"));
}

#[test]
fn the_wrong_kind_of_results_file_is_refused() {
    let dir = study();
    let run = topics(
        dir,
        &[
            "report",
            "model.json",
            "--link",
            "amce.json",
            "-o",
            "wrong.html",
        ],
    );
    assert_eq!(run.code, 41, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "topics: error: amce.json: expected a `topics link --format json` result (an object with summary, join, groups, rows, tests, words_levels, …); this file looks like a `topics conjoint --format json` result (156 estimate rows)\n"
    );
    let run = topics(
        dir,
        &[
            "report",
            "model.json",
            "--conjoint",
            "link.json",
            "-o",
            "wrong.html",
        ],
    );
    assert_eq!(run.code, 41, "{}", run.stderr);
    assert!(run.stderr.ends_with("link.json: expected a `topics conjoint --format json` result (an array of estimate rows with outcome, statistic, feature, level, estimate, …); this file looks like a `topics link --format json` result\n"), "{}", run.stderr);
    assert!(!dir.join("wrong.html").exists());
}

#[test]
fn the_same_results_give_the_same_report_bytes() {
    let args = [
        "--conjoint-results",
        "amce.json",
        "--link-results",
        "link.json",
    ];
    assert_eq!(report(&args, "same-a.html"), report(&args, "same-b.html"));
}
