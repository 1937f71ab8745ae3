//! The service's routes as a plain function of (method, URL, body), so
//! they are tested without sockets. What may call them (Host, Origin,
//! token) is checked before, in [`super::guard`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::table::{routes_json, ROUTES};
use crate::error::{Error, Result};
use crate::explore::{
    document_words, Diagnostics, Labels, Ranking, TopicDiagnostics, TopicWordMatrix,
    ValidationResult, COHERENCE_WORDS, DEFAULT_LAMBDA,
};
use crate::io::Answer;
use crate::lda::dominant_topic as dominant;
use crate::lda::{InferOptions, Inferer, LdaModel};
use crate::report::{render_html, ConjointRow, ReportData, ReportOptions};

/// Most answers one `/api/infer` request may carry.
pub const MAX_INFER_ANSWERS: usize = 1000;
/// Most Gibbs sweeps one `/api/infer` request may ask for.
const MAX_INFER_ITERATIONS: usize = 10_000;
/// Most words or answers one list request may ask for.
const MAX_LIST: usize = 1000;
/// Answers `/api/answers` returns unless asked otherwise.
const DEFAULT_ANSWERS: usize = 50;

/// An HTTP answer before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// Shared, so that the cached page is not copied per request.
    pub body: Arc<[u8]>,
    /// The `Allow` header of a 405.
    pub allow: Option<String>,
    /// The `Retry-After` header (seconds) of a 503.
    pub retry_after: Option<u32>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        let mut body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        body.push(b'\n');
        Reply {
            status,
            content_type: JSON,
            body: body.into(),
            allow: None,
            retry_after: None,
        }
    }

    fn ok<T: Serialize>(value: &T) -> Reply {
        Reply::json(200, value)
    }

    /// `{"error": message}` with `status`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({ "error": message }))
    }

    /// 503 with `Retry-After`: the service is busy, not broken.
    pub fn busy() -> Reply {
        Reply {
            retry_after: Some(1),
            ..Reply::error(503, "the service is busy; try again in a second")
        }
    }

    fn method_not_allowed(allow: String) -> Reply {
        Reply {
            allow: Some(allow.clone()),
            ..Reply::error(405, &format!("method not allowed; use {allow}"))
        }
    }

    /// The body as text (for tests and logs).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What a handler gets: the query, the path's `{topic}` segment, the body.
pub(super) struct Call<'a> {
    query: Query,
    arg: Option<String>,
    body: &'a [u8],
}

/// A fitted answer as `/api/answers` filters and sorts it.
struct AnswerRow {
    id: String,
    text: String,
    /// `text` lowercased, for the case-insensitive search.
    lower: String,
    theta: Vec<f64>,
    dominant: usize,
}

/// When the labels file last changed, as far as `stat` tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Missing,
    File {
        len: u64,
        modified: Option<std::time::SystemTime>,
        inode: u64,
        changed: i64,
    },
}

impl Stamp {
    /// `None` when the file cannot be examined (then it is re-read, which
    /// reports why).
    fn of(path: &Path) -> Option<Stamp> {
        match std::fs::metadata(path) {
            Ok(meta) => {
                #[cfg(unix)]
                let (inode, changed) = {
                    use std::os::unix::fs::MetadataExt;
                    (meta.ino(), meta.ctime() * 1_000_000_000 + meta.ctime_nsec())
                };
                #[cfg(not(unix))]
                let (inode, changed) = (0, 0);
                Some(Stamp::File {
                    len: meta.len(),
                    modified: meta.modified().ok(),
                    inode,
                    changed,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Stamp::Missing),
            Err(_) => None,
        }
    }
}

/// The labels as last read, and the file's stamp then (`None`: read again).
struct LabelsCache {
    labels: Labels,
    stamp: Option<Stamp>,
}

/// The model being served, its labels and what is computed once.
pub struct App {
    model: LdaModel,
    model_path: PathBuf,
    labels_path: PathBuf,
    token: String,
    labels: Mutex<LabelsCache>,
    matrix: TopicWordMatrix,
    diagnostics: Vec<TopicDiagnostics>,
    /// Each topic's 10 most probable words, for `/api/topics`.
    top_words: Vec<Vec<String>>,
    answers: Vec<AnswerRow>,
    /// The page and the labels it was rendered with.
    page: Mutex<Option<(Labels, Arc<[u8]>)>>,
    conjoint: Option<Vec<ConjointRow>>,
    link: Option<crate::link::output::LinkResult>,
    /// A `topics validate --format json` result the page shows.
    validation: Option<ValidationResult>,
    /// The text pipeline, built on first use and shared by all requests.
    inferer: OnceLock<std::result::Result<Inferer, String>>,
}

impl App {
    /// Loads the model at `model_path` and its labels, and draws this
    /// process's token from the operating system's random source.
    pub fn open(model_path: &Path) -> Result<App> {
        let (model, labels) = crate::explore::open_model(model_path)?;
        let docs = document_words(&model)?;
        let diagnostics = Diagnostics::compute(&model, &docs, COHERENCE_WORDS).topics;
        let labels_path = Labels::path_for(model_path);
        let answers = model
            .documents()
            .iter()
            .enumerate()
            .map(|(d, doc)| {
                let theta = model.theta(d);
                AnswerRow {
                    id: doc.id.clone(),
                    lower: doc.text.to_lowercase(),
                    text: doc.text.clone(),
                    dominant: dominant(&theta),
                    theta,
                }
            })
            .collect();
        let top_words = (0..model.k())
            .map(|t| {
                let top = model.top_words(t, 10);
                top.iter()
                    .map(|&(w, _)| model.vocab().display(w).to_string())
                    .collect()
            })
            .collect();
        Ok(App {
            top_words,
            matrix: TopicWordMatrix::from_model(&model),
            token: super::guard::new_token()?,
            labels: Mutex::new(LabelsCache {
                stamp: Stamp::of(&labels_path),
                labels,
            }),
            labels_path,
            model,
            model_path: model_path.to_path_buf(),
            diagnostics,
            answers,
            page: Mutex::new(None),
            conjoint: None,
            link: None,
            validation: None,
            inferer: OnceLock::new(),
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

    /// The app with a validation against hand codes for its page to show.
    pub fn with_validation(mut self, validation: Option<ValidationResult>) -> App {
        self.validation = validation;
        self
    }

    /// The secret state-changing requests must send as `X-Topics-Token`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Builds the text pipeline now rather than on the first
    /// `/api/infer` (the Korean analyzer takes a fraction of a second).
    pub fn warm_up(&self) {
        let _ = self.inferer();
    }

    fn inferer(&self) -> std::result::Result<&Inferer, Reply> {
        self.inferer
            .get_or_init(|| self.model.inferer().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Reply::error(500, e))
    }

    /// The labels as they are on disk now: re-read whenever the file
    /// changed since the last look, so an edit made with the CLI shows at
    /// once and the next edit here starts from it.
    fn labels(&self) -> std::result::Result<Labels, Reply> {
        let mut cache = self.labels.lock().unwrap_or_else(|p| p.into_inner());
        let now = Stamp::of(&self.labels_path);
        if now.is_none() || now != cache.stamp {
            let labels = Labels::load_for_model(&self.model_path, &self.model)
                .map_err(|e| Reply::error(500, &e.to_string()))?;
            *cache = LabelsCache { labels, stamp: now };
        }
        Ok(cache.labels.clone())
    }

    /// Routes one request (`HEAD` is routed as `GET`; the transport drops
    /// the body).
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> Reply {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let query = match parse_query(query) {
            Ok(q) => q,
            Err(e) => return Reply::error(400, &e),
        };
        let method = if method == "HEAD" { "GET" } else { method };
        let mut allowed: Vec<&str> = Vec::new();
        for route in ROUTES {
            let Some(arg) = route.matches(path) else {
                continue;
            };
            if !route.methods.contains(&method) {
                allowed.extend(route.methods);
                continue;
            }
            let known: Vec<&str> = route.query_params().map(|p| p.name).collect();
            if let Err(reply) = query.only(&known) {
                return reply;
            }
            let arg = match arg.map(|a| percent_decode(a, "path")).transpose() {
                Ok(arg) => arg,
                Err(e) => return Reply::error(400, &e),
            };
            let call = Call { query, arg, body };
            return (route.handler)(self, &call).unwrap_or_else(|e| e);
        }
        if allowed.is_empty() {
            return Reply::error(
                404,
                &format!("no such path: {path}; GET /api lists the endpoints"),
            );
        }
        if allowed.contains(&"GET") {
            allowed.push("HEAD");
        }
        Reply::method_not_allowed(allowed.join(", "))
    }

    pub(super) fn page(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        let labels = self.labels()?;
        let mut cached = self.page.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = matches!(&*cached, Some((shown, _)) if *shown == labels);
        if !fresh {
            let options = ReportOptions {
                model_path: self.model_path.display().to_string(),
                served: true,
                token: Some(self.token.clone()),
                ..ReportOptions::default()
            };
            let data = ReportData::build(
                &self.model,
                &labels,
                &options,
                self.conjoint.clone(),
                self.link.clone(),
            )
            .map_err(|e| Reply::error(500, &e.to_string()))?
            .with_validation(self.validation.clone());
            *cached = Some((labels, render_html(&data).into_bytes().into()));
        }
        let body = cached
            .as_ref()
            .map(|(_, b)| Arc::clone(b))
            .unwrap_or_default();
        Ok(Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body,
            allow: None,
            retry_after: None,
        })
    }

    pub(super) fn api(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        Ok(Reply::ok(
            &json!({"token": self.token, "routes": routes_json()}),
        ))
    }

    pub(super) fn model_info(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        let m = &self.model;
        let p = m.params();
        Ok(Reply::ok(&json!({
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
        })))
    }

    pub(super) fn topics(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        let labels = self.labels()?;
        let topics: Vec<Value> = (0..self.model.k())
            .map(|t| {
                json!({"id": t, "label": labels.get(t), "share": self.model.token_share(t), "words": self.top_words[t]})
            })
            .collect();
        Ok(Reply::ok(&topics))
    }

    /// A topic named by id or label; unknown ones are 404.
    fn resolve(&self, labels: &Labels, reference: &str) -> std::result::Result<usize, Reply> {
        labels
            .resolve(reference)
            .map_err(|e| Reply::error(404, &e.to_string()))
    }

    fn topic_param(
        &self,
        call: &Call,
        labels: &Labels,
        required: bool,
    ) -> std::result::Result<Option<usize>, Reply> {
        match call.query.get("topic") {
            None if required => Err(Reply::error(400, "missing parameter 'topic'")),
            None => Ok(None),
            Some(s) => self.resolve(labels, s).map(Some),
        }
    }

    pub(super) fn words(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        let query = &call.query;
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
        let labels = self.labels()?;
        let topics: Vec<usize> = match self.topic_param(call, &labels, false)? {
            Some(t) => vec![t],
            None => (0..self.model.k()).collect(),
        };
        let lists: Vec<Value> = topics
            .into_iter()
            .map(|t| {
                let words = self.matrix.top_words_named(&self.model, t, ranking, n);
                json!({"topic": t, "label": labels.get(t), "ranking": ranking, "words": words})
            })
            .collect();
        Ok(Reply::ok(&lists))
    }

    pub(super) fn quotes(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        let labels = self.labels()?;
        let topic = self.topic_param(call, &labels, true)?.unwrap_or(0);
        let n = call.query.count("n", 5)?;
        let quotes = self.model.topic_summary(topic, 0, n).quotes;
        Ok(Reply::ok(
            &json!({"topic": topic, "label": labels.get(topic), "quotes": quotes}),
        ))
    }

    /// `/api/answers`: substring search, dominant-topic filter, θ or
    /// document order (ties keep document order: the sort is stable).
    pub(super) fn answers(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        let query = &call.query;
        let labels = self.labels()?;
        let topic = self.topic_param(call, &labels, false)?;
        let by_theta = match query.get("sort").unwrap_or("theta") {
            "theta" => true,
            "id" => false,
            other => {
                return Err(Reply::error(
                    400,
                    &format!("parameter 'sort': '{other}' is not one of theta, id"),
                ))
            }
        };
        let limit = query.count("limit", DEFAULT_ANSWERS)?;
        let offset = query.offset("offset")?;
        let needle = query.get("q").unwrap_or("").to_lowercase();
        let mut hits: Vec<&AnswerRow> = self
            .answers
            .iter()
            .filter(|a| topic.is_none_or(|t| a.dominant == t))
            .filter(|a| a.lower.contains(&needle))
            .collect();
        if by_theta {
            let key = |a: &AnswerRow| a.theta[topic.unwrap_or(a.dominant)];
            hits.sort_by(|a, b| key(b).total_cmp(&key(a)));
        }
        let page: Vec<Value> = hits
            .iter()
            .skip(offset)
            .take(limit)
            .map(|a| json!({"id": a.id, "text": a.text, "dominant": a.dominant, "theta": a.theta}))
            .collect();
        Ok(Reply::ok(
            &json!({"total": hits.len(), "offset": offset, "answers": page}),
        ))
    }

    pub(super) fn theta(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        let id = call
            .query
            .get("id")
            .ok_or_else(|| Reply::error(400, "missing parameter 'id'"))?;
        let row = self
            .answers
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Reply::error(404, &format!("no fitted answer has id '{id}'")))?;
        Ok(Reply::ok(&json!({"id": id, "theta": row.theta})))
    }

    pub(super) fn infer(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Request {
            answers: Vec<Value>,
            iterations: Option<usize>,
            seed: Option<u64>,
        }
        let request: Request = parse_json(call.body)?;
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
            .infer_with(self.inferer()?, &answers, options)
            .map_err(|e| Reply::error(400, &e.to_string()))?;
        let rows: Vec<Value> = inferred
            .iter()
            .map(|r| {
                json!({"id": r.id, "theta": r.theta, "known_tokens": r.known_tokens, "unknown_tokens": r.unknown_tokens})
            })
            .collect();
        Ok(Reply::ok(&rows))
    }

    pub(super) fn labels_list(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        Ok(Reply::ok(&self.labels()?.to_vec()))
    }

    pub(super) fn label_set(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Request {
            label: String,
        }
        let request: Request = parse_json(call.body)?;
        let label = request.label.trim().to_string();
        if label.is_empty() {
            return Err(Reply::error(
                400,
                "the label is empty; DELETE /api/labels/{topic} removes a label",
            ));
        }
        self.edit_label(call, |labels, topic| {
            if let Some(other) = duplicate_of(labels, topic, &label) {
                let message = format!(
                    "the label '{label}' is already used by topic {other}; choose another or rename topic {other} first"
                );
                return Err((409, Error::param("label", message)));
            }
            labels.set(topic, &label).map_err(|e| (400, e))
        })
    }

    pub(super) fn label_remove(&self, call: &Call) -> std::result::Result<Reply, Reply> {
        self.edit_label(call, |labels, topic| {
            labels.remove(topic).map_err(|e| (400, e))
        })
    }

    /// A locked read-modify-write of the labels file: the topic is resolved
    /// against the labels on disk inside the lock, so neither a CLI edit
    /// nor a concurrent request is ever lost. A refused edit writes nothing.
    fn edit_label(
        &self,
        call: &Call,
        edit: impl FnOnce(&mut Labels, usize) -> std::result::Result<(), (u16, Error)>,
    ) -> std::result::Result<Reply, Reply> {
        let reference = call.arg.as_deref().unwrap_or("");
        let mut refused: Option<u16> = None;
        let outcome = Labels::update_for(&self.model_path, &self.model, |labels| {
            let topic = labels
                .resolve(reference)
                .inspect_err(|_| refused = Some(404))?;
            edit(labels, topic).map_err(|(status, e)| {
                refused = Some(status);
                e
            })?;
            Ok(topic)
        });
        // Whatever happened, look at the file again on the next request.
        self.labels.lock().unwrap_or_else(|p| p.into_inner()).stamp = None;
        let (labels, topic) =
            outcome.map_err(|e| Reply::error(refused.unwrap_or(500), &e.to_string()))?;
        Ok(Reply::ok(
            &json!({"topic": topic, "label": labels.get(topic), "labels": labels.to_vec()}),
        ))
    }

    pub(super) fn diagnostics(&self, _: &Call) -> std::result::Result<Reply, Reply> {
        Ok(Reply::ok(&self.diagnostics))
    }
}

/// Another topic whose label is `label` up to case (labels are also
/// topic references, so two that differ only in case would be ambiguous).
fn duplicate_of(labels: &Labels, topic: usize, label: &str) -> Option<usize> {
    let lower = label.to_lowercase();
    (0..labels.k())
        .find(|&t| t != topic && labels.get(t).is_some_and(|l| l.to_lowercase() == lower))
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

    fn offset(&self, name: &str) -> std::result::Result<usize, Reply> {
        match self.get(name) {
            None => Ok(0),
            Some(s) => s.parse::<usize>().map_err(|_| {
                Reply::error(
                    400,
                    &format!("parameter '{name}': '{s}' is not a whole number"),
                )
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
        pairs.push((percent_decode(k, "query")?, percent_decode(v, "query")?));
    }
    Ok(Query(pairs))
}

/// Decodes `%XX` escapes in the `place` ("query" or "path") of a URL; `+`
/// is a space in a query only.
fn percent_decode(s: &str, place: &str) -> std::result::Result<String, String> {
    let plus_is_space = place == "query";
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("malformed percent-encoding in the {place}: '{s}'"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("the {place} is not UTF-8 after decoding: '{s}'"))
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
