//! The report and the served page in a real browser: headless Chromium
//! (Debian's `chromium`, installed by `.ci/install-browser.sh`) loads the
//! page, runs its script, and the DOM it leaves is checked: the render
//! marker, the topic words, Korean text, and the λ slider changing the
//! relevance ranking exactly as the library ranks it.
//!
//! Without Chromium the tests print why and pass, unless
//! `TOPICS_REQUIRE_BROWSER=1` (set it in CI) makes its absence a failure.

mod explore_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use explore_support::{group_of, saved_model, GROUPS};
use topics::explore::{Ranking, TopicWordMatrix};
use topics::lda::LdaModel;
use topics::serve::{App, ServeOptions, Server};

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        let message = "chromium not found: install it with .ci/install-browser.sh";
        if std::env::var("TOPICS_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("{message} (TOPICS_REQUIRE_BROWSER=1)");
        }
        eprintln!("skipping browser test: {message}");
    }
    found
}

/// Loads `url` in a fresh headless profile and returns the DOM after the
/// page's script ran. Network features that could reach out are off.
fn dump_dom(chromium: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=10000",
            // No host name resolves (loopback excepted, for the served
            // page): the report must not need the network.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish loading {url} within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap().unwrap()
}

/// The text of the element with `id` (assumes no nested element of the
/// same tag, which holds for the relevance word lists).
fn text_of(dom: &str, id: &str) -> String {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the DOM"));
    let open = at + dom[at..].find('>').unwrap() + 1;
    let close = open + dom[open..].find('<').unwrap();
    dom[open..close].to_string()
}

/// The CSV a table's download link holds (its `data:` URL decoded, the
/// byte-order mark removed).
fn csv_of(dom: &str, name: &str) -> String {
    let at = dom
        .find(&format!("download=\"{name}.csv\""))
        .unwrap_or_else(|| panic!("no download link for {name}.csv"));
    let tag_start = dom[..at].rfind("<a ").unwrap();
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>').unwrap()];
    let href = tag
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let encoded = href.strip_prefix("data:text/csv;charset=utf-8,").unwrap();
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .replace("&amp;", "&")
}

fn expected_relevance(model: &LdaModel, topic: usize, lambda: f64) -> String {
    let matrix = TopicWordMatrix::from_model(model);
    let words: Vec<String> = matrix
        .top_words_named(model, topic, Ranking::Relevance { lambda }, 10)
        .into_iter()
        .map(|w| w.word)
        .collect();
    words.join(", ")
}

#[test]
fn report_renders_with_korean_and_the_slider_reranks() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let model_path = saved_model(dir.path());
    let model = LdaModel::load(&model_path).unwrap();
    let korean = (0..3).find(|&t| group_of(&model, t) == 1).unwrap();
    let labels_ok = Command::new(explore_support::topics_bin())
        .args([
            "label",
            model_path.to_str().unwrap(),
            &korean.to_string(),
            "세금과 비용",
        ])
        .status()
        .unwrap();
    assert!(labels_ok.success());
    let report = dir.path().join("report.html");
    let status = Command::new(explore_support::topics_bin())
        .arg("report")
        .arg(&model_path)
        .arg("-o")
        .arg(&report)
        .status()
        .unwrap();
    assert!(status.success());
    let url = format!("file://{}", report.display());

    let dom = dump_dom(&chromium, &url);
    assert!(
        dom.contains("data-rendered=\"true\""),
        "the page did not finish rendering:\n{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(!dom.contains("data-render-error=\""));
    assert!(dom.contains("data-lambda=\"0.60\""));
    // Topic words and Korean text (the label and the words) in the DOM.
    assert!(
        dom.contains(&format!("#{korean} 세금과 비용 · ")),
        "label missing"
    );
    for group in GROUPS {
        assert!(
            dom.contains(&format!("<td class=\"\">{}</td>", group[0])),
            "{}",
            group[0]
        );
    }
    // One CSV link per table: overview, 3 word tables, salient words, coordinates,
    // divergences, all answers + 3 answer tables, diagnostics.
    assert_eq!(dom.matches("data-csv=").count(), 12);
    for t in 0..3 {
        assert_eq!(
            text_of(&dom, &format!("rel-words-{t}")),
            expected_relevance(&model, t, 0.6)
        );
    }

    // Moving the slider (the page sets it from the URL and fires `input`).
    let at0 = dump_dom(&chromium, &format!("{url}#lambda=0"));
    let at1 = dump_dom(&chromium, &format!("{url}#lambda=1"));
    assert!(at0.contains("data-lambda=\"0.00\"") && at1.contains("data-lambda=\"1.00\""));
    for t in 0..3 {
        let (r0, r1) = (
            text_of(&at0, &format!("rel-words-{t}")),
            text_of(&at1, &format!("rel-words-{t}")),
        );
        assert_ne!(r0, r1, "the slider did not change topic {t}'s ranking");
        assert_eq!(r0, expected_relevance(&model, t, 0.0));
        assert_eq!(r1, expected_relevance(&model, t, 1.0));
    }
    // λ = 1 is probability order: the group's words by their counts.
    let g = GROUPS[1];
    assert!(text_of(&at1, &format!("rel-words-{korean}")).starts_with(&g.join(", ")));
    // The word table's CSV follows the slider: at λ = 0 the relevance
    // column is the lift order, the rarest group word first.
    let at0_csv = csv_of(&at0, &format!("words-topic-{korean}"));
    assert!(
        at0_csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("1,{},", g[4])),
        "{at0_csv}"
    );
}

#[test]
fn served_page_renders_with_label_editing() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let model_path = saved_model(dir.path());
    let server = Server::bind(
        App::open(&model_path).unwrap(),
        &ServeOptions {
            port: 0,
            ..ServeOptions::default()
        },
    )
    .unwrap();
    let addr = server.addr();
    let stopper = server.stopper();
    let handle = std::thread::spawn(move || server.run());
    let dom = dump_dom(&chromium, &format!("http://{addr}/"));
    stopper.stop();
    handle.join().unwrap();
    assert!(
        dom.contains("data-rendered=\"true\""),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    assert_eq!(dom.matches(">Save label</button>").count(), 3);
    assert!(dom.contains(&format!("<td class=\"\">{}</td>", GROUPS[1][0])));
}

#[test]
fn conjoint_and_link_results_render_as_plots_and_tables() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let model_path = saved_model(dir.path());
    let conjoint = dir.path().join("conjoint.json");
    std::fs::write(
        &conjoint,
        r#"{"rows": [
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"낮음","estimate":0,"std_error":null,"z":null,"p":null,"lower":null,"upper":null},
 {"outcome":"chosen","statistic":"amce","feature":"세율","level":"높음","estimate":-0.12,"std_error":0.02,"z":-6,"p":1e-9,"lower":-0.159,"upper":-0.081}
]}"#,
    )
    .unwrap();
    let link = dir.path().join("link.json");
    std::fs::write(&link, r#"{"method": "theta regression", "rows": [{"topic": 1, "feature": "세율", "estimate": 0.05}]}"#).unwrap();
    let report = dir.path().join("report.html");
    let status = Command::new(explore_support::topics_bin())
        .arg("report")
        .arg(&model_path)
        .arg("--conjoint")
        .arg(&conjoint)
        .arg("--link")
        .arg(&link)
        .arg("-o")
        .arg(&report)
        .status()
        .unwrap();
    assert!(status.success());
    let dom = dump_dom(&chromium, &format!("file://{}", report.display()));
    assert!(dom.contains("data-rendered=\"true\""));
    assert!(dom.contains("<figcaption>amce: chosen</figcaption>"));
    let conjoint_csv = csv_of(&dom, "conjoint");
    assert_eq!(
        conjoint_csv,
        "outcome,statistic,feature,level,estimate,std_error,z,p,lower,upper,BY\r\n\
         chosen,amce,세율,낮음,0,,,,,,\r\n\
         chosen,amce,세율,높음,-0.12,0.02,-6,1e-9,-0.159,-0.081,\r\n"
    );
    assert_eq!(
        csv_of(&dom, "link-rows"),
        "topic,feature,estimate\r\n1,세율,0.05\r\n"
    );
    assert_eq!(
        csv_of(&dom, "link-summary"),
        "key,value\r\nmethod,theta regression\r\n"
    );
}
