//! `topics serve`: a small local HTTP service over one model — the report
//! page plus a JSON API — for exploring a model interactively or from a
//! script in another language.
//!
//! # Who may use it
//!
//! It listens on 127.0.0.1 unless told otherwise. Since any web page the
//! analyst opens can send requests to loopback, it answers only requests
//! addressed to its own address (`Host` is `127.0.0.1:P`, `localhost:P`,
//! `[::1]:P`, or a name given to `--allow-remote`), and it refuses every
//! request that is not `GET`/`HEAD` unless it comes from its own page
//! (`Origin`, when present) and carries `X-Topics-Token`: a random secret
//! of the process, drawn from the operating system, that the served page
//! embeds and `GET /api` returns (the `guard` module checks all of this).
//!
//! # Load
//!
//! One thread accepts; each connection is read and answered on a thread of
//! its own within one deadline for the whole request (10 s) and one for the
//! reply, so a slow client holds only its own connection. Parsed requests
//! wait in a bounded queue for a fixed pool of workers: bursts wait rather
//! than being refused. Past 512 open connections or 256 waiting requests
//! the answer is 503 with `Retry-After: 1`. Every response closes its
//! connection. The text pipeline (the Korean analyzer) is built once and
//! shared by all requests.
//!
//! The transport is `std::net` with the `httparse` crate parsing requests:
//! owning the sockets is what allows a deadline per request and a cap on
//! header size; an async server crate would add a runtime and minutes of
//! build for a service that answers one analyst.
//!
//! # API
//!
//! Every response is JSON (`application/json; charset=utf-8`) except `/`.
//! Errors are `{"error": "..."}`: 400 for a bad parameter, body or request
//! (also an HTTP/1.1 request without `Host`, and conflicting
//! `Content-Length`s), 403 for a foreign `Host` or `Origin` or a missing
//! token, 404 for an unknown path, topic or answer id, 405 for a wrong
//! method (with `Allow`), 408 when a request is not complete in time, 409
//! for a label another topic has, 411 for a body without `Content-Length`,
//! 413 for a body over 1 MiB or more than 1,000 answers, 431 for request
//! headers over 16 KiB, 503 when busy. `HEAD` works wherever `GET` does.
//! A topic is given by id or label wherever one is taken.
//!
//! | method | path | parameters | answers |
//! |---|---|---|---|
//! | GET | `/` |  | the report page, with label editing and inference |
//! | GET | `/api` |  | `{token, routes}`: this list, and the token state-changing requests carry |
//! | GET | `/api/model` |  | settings and provenance (k, seed, input SHA-256, ...) |
//! | GET | `/api/topics` |  | `[{id, label, share, words}]` (10 most probable words) |
//! | GET | `/api/words` | `by`: prob (default), relevance, frex, lift, score or saliency; `n`: words per topic, 1 to 1000 (default 15); `lambda`: the weight of relevance and frex, 0 to 1 (default 0.6); `topic`: only this topic (id or label; default all) | `[{topic, label, ranking, words}]`: top words by a ranking |
//! | GET | `/api/quotes` | `topic`: a topic id (`2`, `#2`) or label (`Trust`); `n`: how many, 1 to 1000 (default 5) | `{topic, label, quotes}`: the answers with the highest θ for a topic |
//! | GET | `/api/answers` | `q`: only answers containing this text (case-insensitive); `topic`: only answers whose dominant topic is this one (id or label); `sort`: theta (default: by θ of `topic`, else of each answer's dominant topic, descending) or id (document order); `limit`: answers returned, 1 to 1000 (default 50); `offset`: matching answers skipped (default 0) | `{total, offset, answers: [{id, text, dominant, theta}]}`: search the fitted answers |
//! | GET | `/api/theta` | `id`: the id of a fitted answer | `{id, theta}`: θ of a fitted answer |
//! | POST | `/api/infer` | body `{"answers": ["text" or {"id", "text"}, ...], "iterations"?, "seed"?}` | `[{id, theta, known_tokens, unknown_tokens}]`: θ of new answers (at most 1000) |
//! | GET | `/api/labels` |  | the labels, one per topic (`null` where unlabeled), as on disk now |
//! | PUT, POST | `/api/labels/{topic}` | `topic`: a topic id (`2`, `#2`) or label (`Trust`); body `{"label": "Trust"}` | `{topic, label, labels}`: names a topic in MODEL.labels.json (409 if another topic has the label) |
//! | DELETE | `/api/labels/{topic}` | `topic`: a topic id (`2`, `#2`) or label (`Trust`) | `{topic, label: null, labels}`: removes a topic's label |
//! | GET | `/api/diagnostics` |  | per-topic diagnostics (coherence, exclusivity, ...) |

mod guard;
mod http;
mod routes;
mod server;
mod table;

pub use guard::Guard;
pub use http::{MAX_BODY_BYTES, MAX_HEAD_BYTES};
pub use routes::{App, Reply, MAX_INFER_ANSWERS};
pub use server::{ServeOptions, Server, Stopper};
pub use table::{help, markdown, Param, Route, ROUTES};
