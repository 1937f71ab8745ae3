//! `topics serve`: a small local HTTP service over one model — the report
//! page plus a JSON API — for exploring a model interactively or from a
//! script in another language.
//!
//! It listens on 127.0.0.1 only unless told otherwise
//! ([`ServeOptions::allow_remote`]): it has no authentication, and label
//! edits write files.
//!
//! # API
//!
//! Every response is JSON (`application/json; charset=utf-8`) except `/`.
//! Errors are `{"error": "..."}` with a 4xx status: 400 for a bad
//! parameter or body, 404 for an unknown path, topic or answer id, 405 for
//! a wrong method, 413 for a body over 1 MiB or more than 1,000 answers,
//! 503 when too many requests are in flight.
//!
//! | method | path | answers |
//! |---|---|---|
//! | GET | `/` | the report page (label editing enabled) |
//! | GET | `/api` | this list of endpoints |
//! | GET | `/api/model` | settings and provenance (k, seed, input SHA-256, …) |
//! | GET | `/api/topics` | `[{id, label, share, words}]` (10 most probable words) |
//! | GET | `/api/words?by=frex&n=15&lambda=0.6&topic=K` | words by a ranking (`by`: prob, relevance, frex, lift, score, saliency; `topic` optional) |
//! | GET | `/api/quotes?topic=K&n=5` | the answers with the highest θ for topic K |
//! | GET | `/api/theta?id=ID` | θ of a fitted answer by its id |
//! | POST | `/api/infer` | body `{"answers": ["text", …]}` or `{"answers": [{"id", "text"}, …]}` (optional `iterations`, `seed`): θ of new answers |
//! | GET | `/api/labels` | the labels (`null` where unlabeled) |
//! | PUT/POST | `/api/labels/K` | body `{"label": "Trust"}` (`""` removes): writes the labels file |
//! | GET | `/api/diagnostics` | per-topic diagnostics |

mod routes;

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub use routes::{App, Reply};

use crate::error::{Error, Result};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Requests handled at once; more get 503 rather than piling up threads.
pub const MAX_IN_FLIGHT: usize = 16;

/// Where to listen.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Listen on a non-loopback address (the service has no authentication).
    pub allow_remote: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8765,
            allow_remote: false,
        }
    }
}

/// A bound service; [`Server::run`] answers requests until
/// [`Stopper::stop`] (see [`Server::stopper`]).
pub struct Server {
    http: Arc<tiny_http::Server>,
    app: Arc<App>,
    addr: SocketAddr,
}

impl Server {
    /// Binds the address, refusing non-loopback hosts unless allowed.
    pub fn bind(app: App, options: &ServeOptions) -> Result<Server> {
        let addr = SocketAddr::new(options.host, options.port);
        if !options.host.is_loopback() && !options.allow_remote {
            return Err(Error::Serve {
                addr: addr.to_string(),
                reason: "refusing to listen on a non-loopback address: the service has no authentication and can write the labels file; pass --allow-remote to do it anyway".into(),
            });
        }
        let listener = TcpListener::bind(addr).map_err(|e| Error::Serve {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
        let addr = listener.local_addr().map_err(|e| Error::Serve {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
        let http = tiny_http::Server::from_listener(listener, None).map_err(|e| Error::Serve {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
        Ok(Server {
            http: Arc::new(http),
            app: Arc::new(app),
            addr,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops [`run`](Self::run) from another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.http))
    }

    /// Answers requests until stopped. Each request runs on its own thread
    /// so that a slow client holds up nobody else; at most
    /// [`MAX_IN_FLIGHT`] at once.
    ///
    /// There is no socket timeout: tiny_http has no setting for one, and a
    /// timeout on the listening socket would also end its accept loop
    /// (tried: the server stopped accepting after the first idle period).
    /// A stalled client therefore holds one connection thread until it
    /// disconnects; the service listens on loopback only.
    pub fn run(&self) {
        let in_flight = Arc::new(AtomicUsize::new(0));
        for request in self.http.incoming_requests() {
            if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let reply = Reply::error(503, "too many requests at once; try again");
                let _ = request.respond(to_response(reply));
                continue;
            }
            let app = Arc::clone(&self.app);
            let counter = Arc::clone(&in_flight);
            std::thread::spawn(move || {
                answer(&app, request);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

/// Stops a running [`Server`].
#[derive(Clone)]
pub struct Stopper(Arc<tiny_http::Server>);

impl Stopper {
    pub fn stop(&self) {
        self.0.unblock();
    }
}

fn answer(app: &App, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request.url().to_string();
    let body = read_body(&mut request);
    let reply = match body {
        Ok(body) => app.handle(&method, &url, &body),
        Err(reply) => reply,
    };
    let _ = request.respond(to_response(reply));
}

/// The request body, at most [`MAX_BODY_BYTES`]; a larger declared or
/// actual body is refused with 413 without reading it all.
fn read_body(request: &mut tiny_http::Request) -> std::result::Result<Vec<u8>, Reply> {
    let too_large = || {
        Reply::error(
            413,
            &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    if request.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| Reply::error(400, &format!("could not read the request body: {e}")))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(body)
}

fn to_response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let headers = [
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    if let Some(allow) = reply.allow {
        if let Ok(h) = tiny_http::Header::from_bytes(&b"Allow"[..], allow.as_bytes()) {
            response.add_header(h);
        }
    }
    response
}
