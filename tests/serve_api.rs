//! The local service answered over a real loopback socket: every endpoint,
//! label edits that write the labels file, 4xx JSON errors for malformed
//! requests, who is refused (foreign Host or Origin, no token), HEAD,
//! stalled clients, and the refusal to listen beyond loopback.

use crate::util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use topics::lda::LdaModel;
use topics::serve::{App, ServeOptions, Server};
use util::{group_of, saved_model, topics_bin, GROUPS};

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn send_raw(addr: SocketAddr, raw: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8(bytes).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// A request as a browser on the service's own page sends it: Host is the
/// service's address, and the token goes with every state-changing one.
fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Response {
    let token = TOKEN.with(|t| t.borrow().clone());
    request_with(addr, method, path, body, &[("X-Topics-Token", &token)])
}

fn request_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Response {
    let body = body.unwrap_or("");
    let mut extra = String::new();
    for (name, value) in headers {
        extra.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers.iter().any(|(n, _)| *n == "Host") {
        extra.push_str(&format!("Host: {addr}\r\n"));
    }
    let raw = format!(
        "{method} {path} HTTP/1.1\r\n{extra}Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send_raw(addr, raw.as_bytes())
}

thread_local! {
    /// The token of the server the current test talks to.
    static TOKEN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Serves `model` on a free loopback port for the duration of `check`.
fn with_server(model: &Path, check: impl FnOnce(SocketAddr)) {
    let options = ServeOptions {
        port: 0,
        ..ServeOptions::default()
    };
    with_server_options(model, options, check)
}

fn with_server_options(model: &Path, options: ServeOptions, check: impl FnOnce(SocketAddr)) {
    let server = Server::bind(App::open(model).unwrap(), &options).unwrap();
    let addr = server.addr();
    TOKEN.with(|t| *t.borrow_mut() = server.app().token().to_string());
    assert!(addr.ip().is_loopback());
    let stopper = server.stopper();
    let handle = std::thread::spawn(move || server.run());
    check(addr);
    stopper.stop();
    handle.join().unwrap();
}

#[test]
fn endpoints_answer_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let model = LdaModel::load(&path).unwrap();
    with_server(&path, |addr| {
        let r = request(addr, "GET", "/api/topics", None);
        assert_eq!(r.status, 200);
        assert!(
            r.head
                .contains("Content-Type: application/json; charset=utf-8"),
            "{}",
            r.head
        );
        let topics = r.json();
        assert_eq!(topics.as_array().unwrap().len(), 3);
        let korean = (0..3).find(|&t| group_of(&model, t) == 1).unwrap();
        assert_eq!(topics[korean]["words"][0], GROUPS[1][0]);

        let r = request(
            addr,
            "GET",
            &format!("/api/words?by=frex&n=3&topic={korean}"),
            None,
        );
        assert_eq!(r.status, 200);
        let words = r.json();
        assert_eq!(words[0]["ranking"], json!({"by": "frex", "weight": 0.5}));
        assert_eq!(words[0]["words"].as_array().unwrap().len(), 3);

        let r = request(addr, "GET", "/api/words?by=relevance&lambda=0.2", None);
        assert_eq!(
            r.json()[2]["ranking"],
            json!({"by": "relevance", "lambda": 0.2})
        );

        let r = request(addr, "GET", "/api/quotes?topic=0&n=2", None);
        assert_eq!(r.json()["quotes"].as_array().unwrap().len(), 2);

        let r = request(addr, "GET", "/api/theta?id=2", None);
        assert_eq!(r.json(), json!({"id": "2", "theta": model.theta(1)}));

        let r = request(
            addr,
            "POST",
            "/api/infer",
            Some(r#"{"answers": ["세금 비용 예산 세금", {"id": "x", "text": "jobs wages"}]}"#),
        );
        assert_eq!(r.status, 200);
        let rows = r.json();
        assert_eq!(rows[0]["id"], "1");
        assert_eq!(rows[1]["id"], "x");
        assert_eq!(rows[0]["known_tokens"], 4);
        assert!(rows[0]["theta"][korean].as_f64().unwrap() > 0.8, "{rows}");

        let r = request(addr, "GET", "/api/diagnostics", None);
        assert_eq!(r.json().as_array().unwrap().len(), 3);
        let r = request(addr, "GET", "/api", None);
        assert_eq!(
            r.json()["routes"].as_array().unwrap().len(),
            topics::serve::ROUTES.len()
        );
        let r = request(addr, "GET", "/api/model", None);
        assert_eq!(r.json()["k"], 3);
    });
}

#[test]
fn label_edits_write_the_labels_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    with_server(&path, |addr| {
        let r = request(
            addr,
            "PUT",
            "/api/labels/1",
            Some(r#"{"label": " 세금 Taxes "}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            r.json(),
            json!({"topic": 1, "label": "세금 Taxes", "labels": [null, "세금 Taxes", null]})
        );
        let saved = topics::explore::Labels::load_for(&path, 3).unwrap();
        assert_eq!(saved.get(1), Some("세금 Taxes"));
        assert_eq!(
            request(addr, "GET", "/api/labels", None).json(),
            json!([null, "세금 Taxes", null])
        );
        // The page shows the new label.
        let page = request(addr, "GET", "/", None);
        assert_eq!(page.status, 200);
        assert!(page.head.contains("Content-Type: text/html; charset=utf-8"));
        assert!(page.body.contains("\"label\":\"세금 Taxes\""));
        assert!(page.body.contains("connect-src 'self'"));
        let token = TOKEN.with(|t| t.borrow().clone());
        assert!(page.body.contains(&format!("\"token\":\"{token}\"")));
        // A bad label leaves the file as it was.
        let r = request(addr, "PUT", "/api/labels/1", Some(r#"{"label": "a\nb"}"#));
        assert_eq!(r.status, 400);
        assert_eq!(
            r.json()["error"],
            "invalid label: a label must be a single line without control characters"
        );
        assert_eq!(
            topics::explore::Labels::load_for(&path, 3).unwrap().get(1),
            Some("세금 Taxes")
        );
    });
}

#[test]
fn malformed_requests_get_4xx_and_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    with_server(&path, |addr| {
        let cases: [(&str, &str, Option<&str>, u16, &str); 11] = [
            ("GET", "/api/words?by=tfidf", None, 400, "parameter 'by': 'tfidf' is not one of prob, relevance, frex, lift, score, saliency"),
            ("GET", "/api/words?lambda=2", None, 400, "parameter 'lambda': 2 is not in [0, 1]"),
            ("GET", "/api/words?n=0", None, 400, "parameter 'n': '0' is not a count from 1 to 1000"),
            ("GET", "/api/words?topc=1", None, 400, "unknown parameter 'topc'; this endpoint takes by, n, lambda, topic"),
            ("GET", "/api/quotes", None, 400, "missing parameter 'topic'"),
            ("GET", "/api/theta?id=nope", None, 404, "no fitted answer has id 'nope'"),
            ("GET", "/api/words?by=%zz", None, 400, "malformed percent-encoding in the query: '%zz'"),
            ("POST", "/api/infer", Some("{\"answers\": [\"a\""), 400, "malformed JSON body: EOF while parsing a list at line 1 column 16"),
            ("POST", "/api/infer", Some("{\"answers\": [\"a\", 7]}"), 400, "answer 2: expected a string or an object with a string \"text\" (and optionally \"id\")"),
            ("POST", "/api/infer", Some("{\"answer\": []}"), 400, "malformed JSON body: unknown field `answer`, expected one of `answers`, `iterations`, `seed` at line 1 column 9"),
            ("GET", "/etc/passwd", None, 404, "no such path: /etc/passwd; GET /api lists the endpoints"),
        ];
        for (method, path, body, status, message) in cases {
            let r = request(addr, method, path, body);
            assert_eq!(r.status, status, "{method} {path}: {}", r.body);
            assert_eq!(r.json(), json!({"error": message}), "{method} {path}");
        }
        // Unknown topics: 404 with the labels module's message, which names
        // the reference.
        for (method, path, body) in [
            ("GET", "/api/words?topic=9", None),
            ("POST", "/api/labels/x", Some("{\"label\": \"a\"}")),
        ] {
            let r = request(addr, method, path, body);
            assert_eq!(r.status, 404, "{path}");
            let message = r.json()["error"].as_str().unwrap().to_string();
            assert!(
                message.starts_with("invalid topic: ")
                    && message.contains(if body.is_some() { "\"x\"" } else { "9" }),
                "{message}"
            );
        }
        let r = request(addr, "PATCH", "/api/labels/1", None);
        assert_eq!(r.status, 405);
        assert!(r.head.contains("Allow: PUT, POST, DELETE"), "{}", r.head);
        assert_eq!(
            r.json(),
            json!({"error": "method not allowed; use PUT, POST, DELETE"})
        );
        let r = request(addr, "POST", "/api/topics", Some("{}"));
        assert_eq!(r.status, 405);
        let host = format!("Host: {addr}\r\n");
        let raw = |text: &str| send_raw(addr, text.replace("Host: X\r\n", &host).as_bytes());
        // A declared body over 1 MiB is refused without being read.
        let token = TOKEN.with(|t| t.borrow().clone());
        let r = raw(&format!(
            "POST /api/infer HTTP/1.1\r\nHost: X\r\nX-Topics-Token: {token}\r\nContent-Length: 2000000\r\n\r\n{{"
        ));
        assert_eq!(r.status, 413);
        assert_eq!(
            r.json(),
            json!({"error": "the request body is larger than 1048576 bytes"})
        );
        // Not HTTP at all.
        let r = raw("GARBAGE\r\n\r\n");
        assert_eq!(r.status, 400);
        assert_eq!(
            r.json(),
            json!({"error": "malformed HTTP request: invalid token"})
        );
        // Chunked bodies and oversized heads.
        let r = raw(
            "POST /api/infer HTTP/1.1\r\nHost: X\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        );
        assert_eq!(r.status, 411);
        let r = raw(&format!(
            "GET /api HTTP/1.1\r\nHost: X\r\nX-Big: {}\r\n\r\n",
            "a".repeat(20_000)
        ));
        assert_eq!(r.status, 431);
        assert_eq!(
            r.json(),
            json!({"error": "the request line and headers are larger than 16384 bytes"})
        );
        // HTTP/1.1 without Host; two different lengths; two Hosts.
        let r = raw("GET /api/labels HTTP/1.1\r\n\r\n");
        assert_eq!(
            (r.status, r.json()),
            (
                400,
                json!({"error": "an HTTP/1.1 request needs a Host header"})
            )
        );
        let r = raw(&format!(
            "POST /api/infer HTTP/1.1\r\nHost: X\r\nX-Topics-Token: {token}\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n{{}}"
        ));
        assert_eq!(
            (r.status, r.json()),
            (400, json!({"error": "conflicting Content-Length headers"}))
        );
        let r = raw("GET /api/labels HTTP/1.1\r\nHost: X\r\nHost: evil.example\r\n\r\n");
        assert_eq!(
            (r.status, r.json()),
            (400, json!({"error": "more than one Host header"}))
        );
        // HTTP/1.0 without Host is served (no browser sends that).
        let r = raw("GET /api/labels HTTP/1.0\r\n\r\n");
        assert_eq!((r.status, r.json()), (200, json!([null, null, null])));
        // The service is still up after all that.
        assert_eq!(request(addr, "GET", "/api/labels", None).status, 200);
    });
}

#[test]
fn refuses_non_loopback_addresses_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let options = ServeOptions {
        host: "0.0.0.0".parse().unwrap(),
        port: 0,
        allow_remote: Vec::new(),
        ..ServeOptions::default()
    };
    let err = Server::bind(App::open(&path).unwrap(), &options)
        .err()
        .unwrap();
    assert_eq!(err.exit_code(), 42);
    assert_eq!(
        err.to_string(),
        "serve 0.0.0.0:0: refusing to listen on a non-loopback address: anyone who can reach it could read the answers; pass --allow-remote NAME (the host name clients use) to do it anyway"
    );
    let out = std::process::Command::new(topics_bin())
        .args([
            "serve",
            path.to_str().unwrap(),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(42));
}

/// `serve --help` lists the one route table and says what is protected.
#[test]
fn the_help_shows_the_route_table_and_the_protection() {
    let out = std::process::Command::new(topics_bin())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains(&topics::serve::help()), "{help}");
    assert!(help.contains("carry the header X-Topics-Token with this process's random token"));
    assert!(help.contains("Host 127.0.0.1:PORT, localhost:PORT, [::1]:PORT"));
}

#[test]
fn the_cli_prints_its_address_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let mut child = std::process::Command::new(topics_bin())
        .args(["serve", path.to_str().unwrap(), "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .rsplit_once("http://")
        .map(|(_, a)| a.trim_end_matches('/'))
        .unwrap()
        .parse()
        .unwrap();
    assert!(line.starts_with("topics: serving "));
    assert!(addr.ip().is_loopback());
    let r = request(addr, "GET", "/api/labels", None);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(r.json(), json!([null, null, null]));
}

#[test]
fn the_served_page_shows_conjoint_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let rows = vec![topics::report::ConjointRow {
        outcome: "chosen".into(),
        outcome_type: None,
        statistic: topics::conjoint::estimate::Statistic::Amce,
        feature: "세율".into(),
        feature_label: None,
        level: "높음".into(),
        estimate: -0.1,
        std_error: Some(0.02),
        z: Some(-5.0),
        p: Some(1e-6),
        h0: None,
        lower: Some(-0.14),
        upper: Some(-0.06),
        by: None,
        weighting: None,
    }];
    let app = App::open(&path).unwrap().with_results(Some(rows), None);
    let page = app.handle("GET", "/", b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains(
        "<figcaption>AMCEs of chosen (95% CI). Dashed line: 0 (no effect).</figcaption>"
    ));
    assert!(page.text().contains(">높음</text>"));
}

#[test]
fn stalled_clients_get_408_and_others_are_still_served() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let options = ServeOptions {
        port: 0,
        request_timeout: Duration::from_millis(300),
        ..ServeOptions::default()
    };
    with_server_options(&path, options, |addr| {
        // Headers begun and never finished; a body promised and never sent.
        let stalled = [
            "GET /api/topics HTTP/1.1\r\nHost: X".to_string(),
            format!("POST /api/infer HTTP/1.1\r\nHost: {addr}\r\nX-Topics-Token: {}\r\nContent-Length: 100\r\n\r\n{{", TOKEN.with(|t| t.borrow().clone())),
            // A byte now and then does not extend the deadline.
            "GET /api/topics HTTP/1.1\r\n".to_string(),
        ];
        for (i, raw) in stalled.iter().enumerate() {
            let raw = raw.as_bytes();
            let mut stream = TcpStream::connect(addr).unwrap();
            let raw = String::from_utf8_lossy(raw).replace("Host: X", &format!("Host: {addr}"));
            stream.write_all(raw.as_bytes()).unwrap();
            let trickle = (i == 2).then(|| {
                let mut writer = stream.try_clone().unwrap();
                std::thread::spawn(move || {
                    for _ in 0..30 {
                        std::thread::sleep(Duration::from_millis(100));
                        if writer.write_all(b"X").is_err() {
                            break;
                        }
                    }
                })
            });
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let started = std::time::Instant::now();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).unwrap();
            // 300 ms for the whole request, whatever trickles in.
            assert!(
                started.elapsed() < Duration::from_millis(1500),
                "{:?}",
                started.elapsed()
            );
            drop(stream);
            if let Some(t) = trickle {
                t.join().unwrap();
            }
            assert!(
                reply.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
                "{reply}"
            );
            assert!(reply.ends_with("{\"error\":\"the request was not completed in time\"}\n"));
        }
        // The idle period did not stop the service.
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(request(addr, "GET", "/api/labels", None).status, 200);
    });
}

/// A method, its headers and the refusal expected.
type Refusal<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

/// The attacks once possible against the release binary: a foreign Host read
/// the answers, a foreign Origin rewrote a label. Both are refused now, and
/// so is a state-changing request without the token; nothing is written.
#[test]
fn foreign_hosts_origins_and_missing_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let labels_file = topics::explore::Labels::path_for(&path);
    with_server(&path, |addr| {
        let token = TOKEN.with(|t| t.borrow().clone());
        let r = request_with(
            addr,
            "GET",
            "/api/quotes?topic=0&n=1000",
            None,
            &[("Host", "evil.example")],
        );
        assert_eq!(r.status, 403);
        assert_eq!(
            r.json()["error"],
            format!("this service answers only requests addressed to http://127.0.0.1:{}/ (the request was for 'evil.example'); start it with --allow-remote evil.example to answer to that name", addr.port())
        );
        let r = request_with(
            addr,
            "GET",
            "/",
            None,
            &[("Host", &format!("evil.example:{}", addr.port()))],
        );
        assert_eq!(r.status, 403);
        assert!(!r.body.contains("report-data"));
        for host in [
            format!("localhost:{}", addr.port()),
            format!("127.0.0.1:{}", addr.port()),
        ] {
            assert_eq!(
                request_with(addr, "GET", "/api/labels", None, &[("Host", &host)]).status,
                200
            );
        }
        let pwn = Some(r#"{"label":"pwned"}"#);
        let cases: [Refusal; 4] = [
            (
                "PUT",
                vec![("Origin", "http://evil.example"), ("Content-Type", "text/plain"), ("X-Topics-Token", &token)],
                "refused a PUT from the page at 'http://evil.example': only this service's own page may change labels or run inference",
            ),
            (
                "POST",
                vec![("Origin", "http://evil.example")],
                "refused a POST from the page at 'http://evil.example': only this service's own page may change labels or run inference",
            ),
            (
                "POST",
                vec![],
                "a POST needs the header X-Topics-Token with this process's token (the served page sends it; GET /api tells it)",
            ),
            (
                "DELETE",
                vec![("X-Topics-Token", "0123")],
                "wrong X-Topics-Token: this service was restarted since the page was loaded; reload it",
            ),
        ];
        for (method, headers, message) in cases {
            let r = request_with(addr, method, "/api/labels/0", pwn, &headers);
            assert_eq!(
                (r.status, r.json()),
                (403, json!({"error": message})),
                "{method} {headers:?}"
            );
            assert!(
                !labels_file.exists(),
                "{method} {headers:?} wrote the labels"
            );
        }
        let r = request_with(
            addr,
            "POST",
            "/api/infer",
            Some(r#"{"answers": ["jobs"]}"#),
            &[],
        );
        assert_eq!(r.status, 403);
        // The service's own page may.
        let own = format!("http://{addr}");
        let r = request_with(
            addr,
            "PUT",
            "/api/labels/0",
            pwn,
            &[("Origin", &own), ("X-Topics-Token", &token)],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(labels_file.exists());
    });
}

#[test]
fn head_answers_headers_without_a_body() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    with_server(&path, |addr| {
        let get = request(addr, "GET", "/", None);
        let head = request(addr, "HEAD", "/", None);
        assert_eq!(head.status, 200);
        assert_eq!(head.body, "");
        assert!(
            head.head
                .contains(&format!("Content-Length: {}", get.body.len())),
            "{}",
            head.head
        );
        let r = request(addr, "HEAD", "/api/nope", None);
        assert_eq!((r.status, r.body.as_str()), (404, ""));
    });
}

/// Past `max_connections`, 503 with Retry-After; the service recovers.
#[test]
fn over_the_limits_the_answer_is_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let options = ServeOptions {
        port: 0,
        max_connections: 2,
        request_timeout: Duration::from_millis(1500),
        ..ServeOptions::default()
    };
    with_server_options(&path, options, |addr| {
        let holders: Vec<TcpStream> = (0..2)
            .map(|_| {
                let mut s = TcpStream::connect(addr).unwrap();
                s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
                s
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let r = request(addr, "GET", "/api/labels", None);
        assert_eq!(r.status, 503, "{}", r.head);
        assert!(r.head.ends_with("\r\nRetry-After: 1"), "{}", r.head);
        assert_eq!(
            r.json(),
            json!({"error": "the service is busy; try again in a second"})
        );
        drop(holders);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(request(addr, "GET", "/api/labels", None).status, 200);
    });
}
