//! The service's routes as a plain function of (method, URL, body), so
//! they are tested without sockets.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::Result;
use crate::explore::{
    document_words, Diagnostics, Labels, Ranking, TopicDiagnostics, TopicWordMatrix,
    COHERENCE_WORDS, DEFAULT_LAMBDA,
};
use crate::io::Answer;
use crate::lda::{InferOptions, LdaModel};
use crate::report::{render_html, ConjointRow, ReportData, ReportOptions};

/// Most answers one `/api/infer` request may carry.
pub const MAX_INFER_ANSWERS: usize = 1000;
/// Most Gibbs sweeps one `/api/infer` request may ask for.
const MAX_INFER_ITERATIONS: usize = 10_000;
/// Most words or answers one list request may ask for.
const MAX_LIST: usize = 1000;

/// An HTTP answer before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// The `Allow` header of a 405.
    pub allow: Option<&'static str>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        let mut body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        body.push(b'\n');
        Reply {
            status,
            content_type: JSON,
            body,
            allow: None,
        }
    }

    fn ok<T: Serialize>(value: &T) -> Reply {
        Reply::json(200, value)
    }

    /// `{"error": message}` with `status`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({ "error": message }))
    }

    fn method_not_allowed(allow: &'static str) -> Reply {
        Reply {
            allow: Some(allow),
            ..Reply::error(405, &format!("method not allowed; use {allow}"))
        }
    }

    /// The body as text (for tests and logs).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The model being served, its labels and what is computed once.
pub struct App {
    model: LdaModel,
    model_path: PathBuf,
    labels: Mutex<Labels>,
    matrix: TopicWordMatrix,
    diagnostics: Vec<TopicDiagnostics>,
    /// The page, rebuilt after a label edit.
    page: Mutex<Option<String>>,
    conjoint: Option<Vec<ConjointRow>>,
    link: Option<crate::link::output::LinkResult>,
}

impl App {
    /// Loads the model at `model_path` and its labels.
    pub fn open(model_path: &Path) -> Result<App> {
        let (model, labels) = crate::explore::open_model(model_path)?;
        let docs = document_words(&model)?;
        let diagnostics = Diagnostics::compute(&model, &docs, COHERENCE_WORDS).topics;
        Ok(App {
            matrix: TopicWordMatrix::from_model(&model),
            model,
            model_path: model_path.to_path_buf(),
            labels: Mutex::new(labels),
            diagnostics,
            page: Mutex::new(None),
            conjoint: None,
            link: None,
        })
    }

    /// Adds the conjoint and cross-check results the page shows.
    pub fn with_results(
        mut self,
        conjoint: Option<Vec<ConjointRow>>,
        link: Option<crate::link::output::LinkResult>,
    ) -> App {
        self.conjoint = conjoint;
        self.link = link;
        self
    }

    fn labels(&self) -> Labels {
        self.labels
            .lock()
            .map(|l| l.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Routes one request.
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> Reply {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let query = match parse_query(query) {
            Ok(q) => q,
            Err(e) => return Reply::error(400, &e),
        };
        let get = |f: &dyn Fn() -> Reply| {
            if method == "GET" {
                f()
            } else {
                Reply::method_not_allowed("GET")
            }
        };
        match path {
            "/" | "/index.html" => get(&|| self.page()),
            "/api" | "/api/" => get(&|| Reply::ok(&endpoints())),
            "/api/model" => get(&|| self.model_info()),
            "/api/topics" => get(&|| self.topics()),
            "/api/words" => get(&|| self.words(&query).unwrap_or_else(|e| e)),
            "/api/quotes" => get(&|| self.quotes(&query).unwrap_or_else(|e| e)),
            "/api/theta" => get(&|| self.theta(&query).unwrap_or_else(|e| e)),
            "/api/labels" => get(&|| Reply::ok(&self.labels().to_vec())),
            "/api/diagnostics" => get(&|| Reply::ok(&self.diagnostics)),
            "/api/infer" => match method {
                "POST" => self.infer(body).unwrap_or_else(|e| e),
                _ => Reply::method_not_allowed("POST"),
            },
            p if p.starts_with("/api/labels/") => match method {
                "PUT" | "POST" => self
                    .set_label(&p["/api/labels/".len()..], body)
                    .unwrap_or_else(|e| e),
                _ => Reply::method_not_allowed("PUT, POST"),
            },
            _ => Reply::error(
                404,
                &format!("no such path: {path}; GET /api lists the endpoints"),
            ),
        }
    }

    fn page(&self) -> Reply {
        let mut cached = match self.page.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if cached.is_none() {
            let options = ReportOptions {
                model_path: self.model_path.display().to_string(),
                served: true,
                ..ReportOptions::default()
            };
            let data = ReportData::build(
                &self.model,
                &self.labels(),
                &options,
                self.conjoint.clone(),
                self.link.clone(),
            );
            match data {
                Ok(data) => *cached = Some(render_html(&data)),
                Err(e) => return Reply::error(500, &e.to_string()),
            }
        }
        Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: cached.as_deref().unwrap_or("").as_bytes().to_vec(),
            allow: None,
        }
    }

    fn model_info(&self) -> Reply {
        let m = &self.model;
        let p = m.params();
        Reply::ok(&json!({
            "model_path": self.model_path.display().to_string(),
            "k": m.k(),
            "seed": p.seed,
            "iterations": p.iterations,
            "alpha": m.alpha(),
            "beta": m.beta(),
            "input_path": m.input.path,
            "input_sha256": m.input.sha256,
            "answers": m.documents().len(),
            "tokens": m.num_tokens(),
            "vocabulary": m.vocab().len(),
            "ll_per_token": m.ll_per_token(),
            "version": m.version(),
        }))
    }

    fn topics(&self) -> Reply {
        let labels = self.labels();
        let topics: Vec<Value> = (0..self.model.k())
            .map(|t| {
                let words: Vec<&str> =
                    self.model.top_words(t, 10).iter().map(|&(w, _)| self.model.vocab().display(w)).collect();
                json!({"id": t, "label": labels.get(t), "share": self.model.token_share(t), "words": words})
            })
            .collect();
        Reply::ok(&topics)
    }

    fn topic_param(
        &self,
        query: &Query,
        required: bool,
    ) -> std::result::Result<Option<usize>, Reply> {
        match query.get("topic") {
            None if required => Err(Reply::error(400, "missing parameter 'topic'")),
            None => Ok(None),
            Some(s) => {
                let t: usize = s.parse().map_err(|_| {
                    Reply::error(400, &format!("parameter 'topic': '{s}' is not a topic id"))
                })?;
                if t >= self.model.k() {
                    return Err(Reply::error(
                        404,
                        &format!(
                            "topic {t} does not exist; the model has topics 0 to {}",
                            self.model.k() - 1
                        ),
                    ));
                }
                Ok(Some(t))
            }
        }
    }

    fn words(&self, query: &Query) -> std::result::Result<Reply, Reply> {
        query.only(&["by", "n", "lambda", "topic"])?;
        let lambda = query.number("lambda", DEFAULT_LAMBDA)?;
        if !(0.0..=1.0).contains(&lambda) {
            return Err(Reply::error(
                400,
                &format!("parameter 'lambda': {lambda} is not in [0, 1]"),
            ));
        }
        let by = query.get("by").unwrap_or("prob");
        let ranking = Ranking::parse(by, lambda).ok_or_else(|| {
            Reply::error(400, &format!("parameter 'by': '{by}' is not one of prob, relevance, frex, lift, score, saliency"))
        })?;
        let n = query.count("n", 15)?;
        let topics: Vec<usize> = match self.topic_param(query, false)? {
            Some(t) => vec![t],
            None => (0..self.model.k()).collect(),
        };
        let labels = self.labels();
        let lists: Vec<Value> = topics
            .into_iter()
            .map(|t| {
                let words = self.matrix.top_words_named(&self.model, t, ranking, n);
                json!({"topic": t, "label": labels.get(t), "ranking": ranking, "words": words})
            })
            .collect();
        Ok(Reply::ok(&lists))
    }

    fn quotes(&self, query: &Query) -> std::result::Result<Reply, Reply> {
        query.only(&["topic", "n"])?;
        let topic = self.topic_param(query, true)?.unwrap_or(0);
        let n = query.count("n", 5)?;
        let quotes = self.model.topic_summary(topic, 0, n).quotes;
        Ok(Reply::ok(
            &json!({"topic": topic, "label": self.labels().get(topic), "quotes": quotes}),
        ))
    }

    fn theta(&self, query: &Query) -> std::result::Result<Reply, Reply> {
        query.only(&["id"])?;
        let id = query
            .get("id")
            .ok_or_else(|| Reply::error(400, "missing parameter 'id'"))?;
        let d = self
            .model
            .documents()
            .iter()
            .position(|doc| doc.id == id)
            .ok_or_else(|| Reply::error(404, &format!("no fitted answer has id '{id}'")))?;
        Ok(Reply::ok(&json!({"id": id, "theta": self.model.theta(d)})))
    }

    fn infer(&self, body: &[u8]) -> std::result::Result<Reply, Reply> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Request {
            answers: Vec<Value>,
            iterations: Option<usize>,
            seed: Option<u64>,
        }
        let request: Request = parse_json(body)?;
        if request.answers.len() > MAX_INFER_ANSWERS {
            return Err(Reply::error(
                413,
                &format!("at most {MAX_INFER_ANSWERS} answers per request"),
            ));
        }
        let defaults = InferOptions::default();
        let options = InferOptions {
            iterations: request.iterations.unwrap_or(defaults.iterations),
            seed: request.seed.unwrap_or(defaults.seed),
        };
        if options.iterations == 0 || options.iterations > MAX_INFER_ITERATIONS {
            return Err(Reply::error(
                400,
                &format!("'iterations' must be between 1 and {MAX_INFER_ITERATIONS}"),
            ));
        }
        let answers = request
            .answers
            .into_iter()
            .enumerate()
            .map(|(i, item)| answer_from_json(i, item))
            .collect::<std::result::Result<Vec<Answer>, Reply>>()?;
        let inferred = self
            .model
            .infer(&answers, options)
            .map_err(|e| Reply::error(400, &e.to_string()))?;
        let rows: Vec<Value> = inferred
            .iter()
            .map(|r| {
                json!({"id": r.id, "theta": r.theta, "known_tokens": r.known_tokens, "unknown_tokens": r.unknown_tokens})
            })
            .collect();
        Ok(Reply::ok(&rows))
    }

    fn set_label(&self, topic: &str, body: &[u8]) -> std::result::Result<Reply, Reply> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Request {
            label: String,
        }
        let topic: usize = topic
            .parse()
            .map_err(|_| Reply::error(404, &format!("no such topic: '{topic}'")))?;
        if topic >= self.model.k() {
            return Err(Reply::error(
                404,
                &format!(
                    "topic {topic} does not exist; the model has topics 0 to {}",
                    self.model.k() - 1
                ),
            ));
        }
        let request: Request = parse_json(body)?;
        let mut guard = match self.labels.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let mut updated = guard.clone();
        updated
            .set(topic, &request.label)
            .map_err(|e| Reply::error(400, &e.to_string()))?;
        updated
            .save_for(&self.model_path)
            .map_err(|e| Reply::error(500, &e.to_string()))?;
        *guard = updated;
        drop(guard);
        if let Ok(mut page) = self.page.lock() {
            *page = None;
        }
        Ok(Reply::ok(
            &json!({"topic": topic, "label": self.labels().get(topic)}),
        ))
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(body: &[u8]) -> std::result::Result<T, Reply> {
    if body.is_empty() {
        return Err(Reply::error(400, "the request needs a JSON body"));
    }
    serde_json::from_slice(body)
        .map_err(|e| Reply::error(400, &format!("malformed JSON body: {e}")))
}

/// One posted answer: a string (its id is its 1-based position) or an
/// object `{"id": "...", "text": "..."}`.
fn answer_from_json(index: usize, item: Value) -> std::result::Result<Answer, Reply> {
    let position = (index + 1).to_string();
    let bad = || {
        Reply::error(
            400,
            &format!("answer {position}: expected a string or an object with a string \"text\" (and optionally \"id\")"),
        )
    };
    match item {
        Value::String(text) => Ok(Answer { id: position, text }),
        Value::Object(map) => {
            let text = map
                .get("text")
                .and_then(Value::as_str)
                .ok_or_else(bad)?
                .to_string();
            let id = match map.get("id") {
                None | Some(Value::Null) => position.clone(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(_) => return Err(bad()),
            };
            Ok(Answer { id, text })
        }
        _ => Err(bad()),
    }
}

/// The endpoint list `GET /api` returns.
fn endpoints() -> Value {
    json!([
        {"method": "GET", "path": "/", "answers": "the report page"},
        {"method": "GET", "path": "/api/model", "answers": "settings and provenance"},
        {"method": "GET", "path": "/api/topics", "answers": "topics with labels, shares and top words"},
        {"method": "GET", "path": "/api/words?by=prob|relevance|frex|lift|score|saliency&n=15&lambda=0.6&topic=K", "answers": "words by a ranking"},
        {"method": "GET", "path": "/api/quotes?topic=K&n=5", "answers": "answers with the highest theta for a topic"},
        {"method": "GET", "path": "/api/theta?id=ID", "answers": "theta of a fitted answer"},
        {"method": "POST", "path": "/api/infer", "body": "{\"answers\": [\"text\", ...]}", "answers": "theta of new answers"},
        {"method": "GET", "path": "/api/labels", "answers": "topic labels"},
        {"method": "PUT", "path": "/api/labels/K", "body": "{\"label\": \"Trust\"}", "answers": "sets a label and writes the labels file"},
        {"method": "GET", "path": "/api/diagnostics", "answers": "per-topic diagnostics"}
    ])
}

/// Decoded query parameters.
#[derive(Debug, Default)]
struct Query(Vec<(String, String)>);

impl Query {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Refuses parameters the endpoint does not know (a typo should not be
    /// silently ignored).
    fn only(&self, known: &[&str]) -> std::result::Result<(), Reply> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(Reply::error(
                400,
                &format!(
                    "unknown parameter '{k}'; this endpoint takes {}",
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn number(&self, name: &str, default: f64) -> std::result::Result<f64, Reply> {
        match self.get(name) {
            None => Ok(default),
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    Reply::error(400, &format!("parameter '{name}': '{s}' is not a number"))
                }),
        }
    }

    fn count(&self, name: &str, default: usize) -> std::result::Result<usize, Reply> {
        match self.get(name) {
            None => Ok(default),
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=MAX_LIST).contains(&n))
                .ok_or_else(|| {
                    Reply::error(
                        400,
                        &format!("parameter '{name}': '{s}' is not a count from 1 to {MAX_LIST}"),
                    )
                }),
        }
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs (`+` is a space).
fn parse_query(query: &str) -> std::result::Result<Query, String> {
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((percent_decode(k)?, percent_decode(v)?));
    }
    Ok(Query(pairs))
}

fn percent_decode(s: &str) -> std::result::Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("malformed percent-encoding in the query: '{s}'"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("the query is not UTF-8 after decoding: '{s}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("by=frex&label=%EC%8B%A0%EB%A2%B0+x&n=").unwrap();
        assert_eq!(q.get("by"), Some("frex"));
        assert_eq!(q.get("label"), Some("신뢰 x"));
        assert_eq!(q.get("n"), Some(""));
        assert_eq!(
            parse_query("a=%zz").unwrap_err(),
            "malformed percent-encoding in the query: '%zz'"
        );
        assert_eq!(
            parse_query("a=%ff").unwrap_err(),
            "the query is not UTF-8 after decoding: '%ff'"
        );
    }
}
