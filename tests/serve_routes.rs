//! The service's routes without sockets: the route table is what `GET /api`
//! returns and what the router accepts; topics by label; `/api/answers`
//! search, filter and sort; label edits by name with 409 for a duplicate;
//! labels written meanwhile by the CLI are seen at once and never erased.

use crate::util;

use serde_json::{json, Value};
use topics::explore::Labels;
use topics::lda::LdaModel;
use topics::serve::{App, Reply, ROUTES};
use util::{group_of, saved_model, GROUPS};

fn json_of(reply: &Reply) -> Value {
    serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.text()))
}

fn get(app: &App, url: &str) -> (u16, Value) {
    let r = app.handle("GET", url, b"");
    (r.status, json_of(&r))
}

fn send(app: &App, method: &str, url: &str, body: &str) -> (u16, Value) {
    let r = app.handle(method, url, body.as_bytes());
    (r.status, json_of(&r))
}

#[test]
fn get_api_returns_the_route_table_and_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&saved_model(dir.path())).unwrap();
    let (status, api) = get(&app, "/api");
    assert_eq!(status, 200);
    assert_eq!(api["token"], app.token());
    assert_eq!(app.token().len(), 64);
    let routes = api["routes"].as_array().unwrap();
    assert_eq!(routes.len(), ROUTES.len());
    let paths: Vec<String> = routes
        .iter()
        .map(|r| format!("{} {}", r["methods"], r["path"]))
        .collect();
    assert_eq!(
        paths,
        [
            r#"["GET"] "/""#,
            r#"["GET"] "/api""#,
            r#"["GET"] "/api/model""#,
            r#"["GET"] "/api/topics""#,
            r#"["GET"] "/api/words""#,
            r#"["GET"] "/api/quotes""#,
            r#"["GET"] "/api/answers""#,
            r#"["GET"] "/api/theta""#,
            r#"["POST"] "/api/infer""#,
            r#"["GET"] "/api/labels""#,
            r#"["PUT","POST"] "/api/labels/{topic}""#,
            r#"["DELETE"] "/api/labels/{topic}""#,
            r#"["GET"] "/api/diagnostics""#,
        ]
    );
    assert_eq!(
        routes[6]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["q", "topic", "sort", "limit", "offset"]
    );
    // Every GET route answers something other than 404/405 on its path.
    for route in ROUTES.iter().filter(|r| r.methods == ["GET"]) {
        let status = app.handle("GET", route.path, b"").status;
        assert!(![404, 405].contains(&status), "{} {status}", route.path);
    }
}

#[test]
fn the_table_decides_parameters_and_methods() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&saved_model(dir.path())).unwrap();
    assert_eq!(
        get(&app, "/api/answers?topc=1"),
        (
            400,
            json!({"error": "unknown parameter 'topc'; this endpoint takes q, topic, sort, limit, offset"})
        )
    );
    let r = app.handle("PATCH", "/api/labels/1", b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.allow.as_deref(), Some("PUT, POST, DELETE"));
    let r = app.handle("POST", "/api/topics", b"{}");
    assert_eq!(r.allow.as_deref(), Some("GET, HEAD"));
    // HEAD is routed as GET (the transport drops the body).
    assert_eq!(
        app.handle("HEAD", "/api/labels", b""),
        app.handle("GET", "/api/labels", b"")
    );
    assert_eq!(get(&app, "/api/nope").0, 404);
}

/// The model's answers as `/api/answers` should list them, computed here
/// from θ directly.
fn expected(model: &LdaModel, q: &str, topic: Option<usize>, by_theta: bool) -> Vec<String> {
    let rows: Vec<(usize, Vec<f64>)> = (0..model.documents().len())
        .map(|d| (d, model.theta(d)))
        .collect();
    let dominant = |theta: &[f64]| {
        (0..theta.len()).fold(0, |best, t| if theta[t] > theta[best] { t } else { best })
    };
    let mut hits: Vec<&(usize, Vec<f64>)> = rows
        .iter()
        .filter(|(d, theta)| {
            model.documents()[*d]
                .text
                .to_lowercase()
                .contains(&q.to_lowercase())
                && topic.is_none_or(|t| dominant(theta) == t)
        })
        .collect();
    if by_theta {
        hits.sort_by(|a, b| {
            let key = |x: &(usize, Vec<f64>)| x.1[topic.unwrap_or(dominant(&x.1))];
            key(b).total_cmp(&key(a)).then(a.0.cmp(&b.0))
        });
    }
    hits.iter()
        .map(|(d, _)| model.documents()[*d].id.clone())
        .collect()
}

fn ids(v: &Value) -> Vec<String> {
    v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn answers_are_searched_filtered_and_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let model = LdaModel::load(&path).unwrap();
    let app = App::open(&path).unwrap();
    let korean = (0..3).find(|&t| group_of(&model, t) == 1).unwrap();

    let (status, all) = get(&app, "/api/answers?limit=1000&sort=id");
    assert_eq!(status, 200);
    assert_eq!(all["total"], 60);
    assert_eq!(ids(&all), expected(&model, "", None, false));
    assert_eq!(ids(&all)[..3], ["1", "2", "3"]);
    let first = &all["answers"][0];
    assert_eq!(first["text"], model.documents()[0].text);
    assert_eq!(first["theta"], json!(model.theta(0)));
    assert_eq!(first["dominant"], group_position(&model, 0));

    // The default: by θ of the dominant topic, 50 at a time.
    let (_, page) = get(&app, "/api/answers");
    assert_eq!(page["total"], 60);
    assert_eq!(page["offset"], 0);
    assert_eq!(ids(&page), expected(&model, "", None, true)[..50]);

    // A topic by its label filters on the dominant topic and sorts by its θ.
    let mut labels = Labels::empty(3);
    labels.set(korean, "Cost").unwrap();
    labels.save_for(&path).unwrap();
    let (_, cost) = get(&app, "/api/answers?topic=cost&limit=5&offset=2");
    assert_eq!(cost["total"], 20);
    assert_eq!(cost["offset"], 2);
    assert_eq!(ids(&cost), expected(&model, "", Some(korean), true)[2..7]);

    // Case-insensitive substring (Hangul and Latin).
    let (_, found) = get(&app, "/api/answers?q=%EC%98%88%EC%82%B0&sort=id");
    assert_eq!(ids(&found), expected(&model, "예산", None, false));
    assert_eq!(found["total"], 13);
    let (_, upper) = get(&app, "/api/answers?q=EMPLOYERS");
    assert_eq!(upper["total"], 7);
    let (_, none) = get(&app, "/api/answers?q=zzz");
    assert_eq!(none, json!({"total": 0, "offset": 0, "answers": []}));

    for (url, message) in [
        (
            "/api/answers?sort=score",
            "parameter 'sort': 'score' is not one of theta, id",
        ),
        (
            "/api/answers?limit=0",
            "parameter 'limit': '0' is not a count from 1 to 1000",
        ),
        (
            "/api/answers?limit=1001",
            "parameter 'limit': '1001' is not a count from 1 to 1000",
        ),
        (
            "/api/answers?offset=-1",
            "parameter 'offset': '-1' is not a whole number",
        ),
    ] {
        assert_eq!(get(&app, url), (400, json!({"error": message})), "{url}");
    }
    let (status, unknown) = get(&app, "/api/answers?topic=Trust");
    assert_eq!(status, 404);
    assert!(
        unknown["error"].as_str().unwrap().contains("Trust"),
        "{unknown}"
    );
}

/// The dominant topic of document `d`.
fn group_position(model: &LdaModel, d: usize) -> usize {
    let theta = model.theta(d);
    (0..3).fold(0, |best, t| if theta[t] > theta[best] { t } else { best })
}

#[test]
fn labels_are_edited_by_name_and_duplicates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let app = App::open(&path).unwrap();
    let (status, body) = send(&app, "PUT", "/api/labels/1", r#"{"label": " 세금 Taxes "}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"topic": 1, "label": "세금 Taxes", "labels": [null, "세금 Taxes", null]})
    );
    // By label (percent-encoded) and with POST.
    let (status, body) = send(
        &app,
        "POST",
        "/api/labels/%EC%84%B8%EA%B8%88%20Taxes",
        r#"{"label": "Cost"}"#,
    );
    assert_eq!(
        (status, &body["labels"]),
        (200, &json!([null, "Cost", null]))
    );
    let (status, body) = send(&app, "PUT", "/api/labels/%230", r#"{"label": "Trust"}"#);
    assert_eq!((status, &body["topic"]), (200, &json!(0)));

    // Another topic's label, in any case: 409, and nothing is written.
    let before = std::fs::read(Labels::path_for(&path)).unwrap();
    let (status, body) = send(&app, "PUT", "/api/labels/2", r#"{"label": "cost"}"#);
    assert_eq!(status, 409);
    assert_eq!(
        body["error"],
        "invalid label: the label 'cost' is already used by topic 1; choose another or rename topic 1 first"
    );
    let (status, body) = send(&app, "PUT", "/api/labels/2", r#"{"label": "  "}"#);
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "the label is empty; DELETE /api/labels/{topic} removes a label"})
        )
    );
    let (status, _) = send(&app, "PUT", "/api/labels/Nope", r#"{"label": "x"}"#);
    assert_eq!(status, 404);
    assert_eq!(std::fs::read(Labels::path_for(&path)).unwrap(), before);

    // Relabelling a topic with its own label is no conflict.
    assert_eq!(
        send(&app, "PUT", "/api/labels/Cost", r#"{"label": "COST"}"#).0,
        200
    );
    let (status, body) = send(&app, "DELETE", "/api/labels/cost", "");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"topic": 1, "label": null, "labels": ["Trust", null, null]})
    );
    assert_eq!(
        Labels::load_for(&path, 3).unwrap().to_vec(),
        [Some("Trust".to_string()), None, None]
    );
}

#[test]
fn a_cli_edit_shows_at_once_and_is_never_erased() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let app = App::open(&path).unwrap();
    assert_eq!(get(&app, "/api/labels").1, json!([null, null, null]));
    let page = app.handle("GET", "/", b"").text();
    assert!(!page.contains("\"label\":\"From the CLI\""));
    // Someone labels topic 2 with the CLI while the service runs.
    let mut cli = Labels::empty(3);
    cli.set(2, "From the CLI").unwrap();
    cli.save_for(&path).unwrap();
    assert_eq!(
        get(&app, "/api/labels").1,
        json!([null, null, "From the CLI"])
    );
    assert_eq!(get(&app, "/api/topics").1[2]["label"], "From the CLI");
    assert_eq!(
        get(&app, "/api/quotes?topic=from%20the%20cli&n=1").1["topic"],
        2
    );
    assert!(app
        .handle("GET", "/", b"")
        .text()
        .contains("\"label\":\"From the CLI\""));
    // The service's next edit keeps it.
    let (status, body) = send(&app, "PUT", "/api/labels/0", r#"{"label": "Trust"}"#);
    assert_eq!(status, 200);
    assert_eq!(body["labels"], json!(["Trust", null, "From the CLI"]));
    assert_eq!(
        Labels::load_for(&path, 3).unwrap().to_vec(),
        [
            Some("Trust".to_string()),
            None,
            Some("From the CLI".to_string())
        ]
    );
    // The CLI removes everything; the service follows.
    Labels::empty(3).save_for(&path).unwrap();
    assert_eq!(get(&app, "/api/labels").1, json!([null, null, null]));
    let (status, body) = send(&app, "PUT", "/api/labels/2", r#"{"label": "From the CLI"}"#);
    assert_eq!(
        (status, &body["labels"]),
        (200, &json!([null, null, "From the CLI"]))
    );
}

#[test]
fn concurrent_edits_from_threads_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let app = std::sync::Arc::new(App::open(&path).unwrap());
    let handles: Vec<_> = (0..3)
        .map(|t| {
            let app = std::sync::Arc::clone(&app);
            std::thread::spawn(move || {
                let body = format!("{{\"label\": \"{}\"}}", GROUPS[t][0]);
                app.handle("PUT", &format!("/api/labels/{t}"), body.as_bytes())
                    .status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    assert_eq!(
        Labels::load_for(&path, 3).unwrap().to_vec(),
        GROUPS
            .iter()
            .map(|g| Some(g[0].to_string()))
            .collect::<Vec<_>>()
    );
}

/// The served page carries the token; a report file carries `null`.
#[test]
fn only_the_served_page_carries_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let app = App::open(&path).unwrap();
    let page = app.handle("GET", "/", b"").text();
    assert!(page.contains(&format!("\"token\":\"{}\"", app.token())));
    let model = LdaModel::load(&path).unwrap();
    let options = topics::report::ReportOptions::default();
    let data =
        topics::report::ReportData::build(&model, &Labels::empty(3), &options, None, None).unwrap();
    let file = topics::report::render_html(&data);
    assert!(file.contains("\"token\":null"));
    assert!(!file.contains(app.token()));
    // Another process, another token.
    assert_ne!(App::open(&path).unwrap().token(), app.token());
}
