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
//! parameter, body or request, 404 for an unknown path, topic or answer id,
//! 405 for a wrong method, 408 when a client stalls for 30 s, 411 for a
//! body without `Content-Length`, 413 for a body over 1 MiB or more than
//! 1,000 answers, 431 for request headers over 16 KiB; 503 when too many
//! requests are in flight. Every response closes its connection.
//!
//! The transport is `std::net` with the `httparse` crate parsing requests:
//! owning the sockets is what allows a timeout on every connection and a
//! cap on header size (tiny_http, tried first, offers neither).
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

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use routes::{App, Reply};

use crate::error::{Error, Result};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Largest request line plus headers accepted.
pub const MAX_HEAD_BYTES: usize = 16 << 10;
/// Requests handled at once; more get 503 rather than piling up threads.
pub const MAX_IN_FLIGHT: usize = 16;
/// Headers per request.
const MAX_HEADERS: usize = 64;

/// Where to listen.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Listen on a non-loopback address (the service has no authentication).
    pub allow_remote: bool,
    /// A connection that sends or takes nothing for this long is answered
    /// 408 (or dropped) and closed, so a stalled client cannot hold a slot.
    pub io_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8765,
            allow_remote: false,
            io_timeout: Duration::from_secs(30),
        }
    }
}

/// A bound service; [`Server::run`] answers requests until
/// [`Stopper::stop`] (see [`Server::stopper`]).
pub struct Server {
    listener: TcpListener,
    app: Arc<App>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    io_timeout: Duration,
}

impl Server {
    /// Binds the address, refusing non-loopback hosts unless allowed.
    pub fn bind(app: App, options: &ServeOptions) -> Result<Server> {
        let addr = SocketAddr::new(options.host, options.port);
        let fail = |reason: String| Error::Serve {
            addr: addr.to_string(),
            reason,
        };
        if !options.host.is_loopback() && !options.allow_remote {
            return Err(fail(
                "refusing to listen on a non-loopback address: the service has no authentication and can write the labels file; pass --allow-remote to do it anyway".into(),
            ));
        }
        if options.io_timeout.is_zero() {
            return Err(fail("the connection timeout must be positive".into()));
        }
        let listener = TcpListener::bind(addr).map_err(|e| fail(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| fail(e.to_string()))?;
        Ok(Server {
            listener,
            app: Arc::new(app),
            addr,
            stop: Arc::new(AtomicBool::new(false)),
            io_timeout: options.io_timeout,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops [`run`](Self::run) from another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            stop: Arc::clone(&self.stop),
            addr: self.addr,
        }
    }

    /// Answers requests until stopped. Each connection runs on its own
    /// thread with read and write timeouts, at most [`MAX_IN_FLIGHT`] at
    /// once; the next ones get 503.
    pub fn run(&self) {
        let in_flight = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else {
                // Out of descriptors or an aborted handshake: keep serving.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            if stream.set_read_timeout(Some(self.io_timeout)).is_err()
                || stream.set_write_timeout(Some(self.io_timeout)).is_err()
            {
                continue;
            }
            if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                respond(
                    &mut stream,
                    &Reply::error(503, "too many requests at once; try again"),
                );
                continue;
            }
            let app = Arc::clone(&self.app);
            let counter = Arc::clone(&in_flight);
            std::thread::spawn(move || {
                serve_connection(&app, stream);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

/// Stops a running [`Server`].
#[derive(Clone)]
pub struct Stopper {
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl Stopper {
    /// Makes `run` return: sets the flag, then wakes the accept loop with a
    /// connection of its own.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// One request and its answer on a connection, which is then closed.
fn serve_connection(app: &App, mut stream: TcpStream) {
    let reply = match read_request(&mut stream) {
        Ok(request) => app.handle(&request.method, &request.target, &request.body),
        Err(Some(reply)) => reply,
        Err(None) => return,
    };
    respond(&mut stream, &reply);
}

/// A parsed request.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    body: Vec<u8>,
}

/// What reading the request head found.
enum Head {
    Complete {
        method: String,
        target: String,
        head_len: usize,
        content_length: usize,
    },
    Partial,
}

/// Reads and parses one request. `Err(Some(reply))` is answered;
/// `Err(None)` means the client left and there is no one to answer.
fn read_request(stream: &mut TcpStream) -> std::result::Result<Request, Option<Reply>> {
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let too_large = || {
        Some(Reply::error(
            431,
            &format!("the request line and headers are larger than {MAX_HEAD_BYTES} bytes"),
        ))
    };
    let (method, target, head_len, content_length) = loop {
        let n = read_some(stream, &mut chunk)?;
        buf.extend_from_slice(&chunk[..n]);
        match parse_head(&buf)? {
            Head::Complete { head_len, .. } if head_len > MAX_HEAD_BYTES => return Err(too_large()),
            Head::Complete {
                method,
                target,
                head_len,
                content_length,
            } => break (method, target, head_len, content_length),
            Head::Partial if buf.len() > MAX_HEAD_BYTES => return Err(too_large()),
            Head::Partial => {}
        }
    };
    if content_length > MAX_BODY_BYTES {
        return Err(Some(Reply::error(
            413,
            &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        )));
    }
    let mut body = buf.split_off(head_len);
    while body.len() < content_length {
        let n = read_some(stream, &mut chunk)?;
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(content_length);
    Ok(Request {
        method,
        target,
        body,
    })
}

/// One read: at least one byte, or the reason there is none.
fn read_some(
    stream: &mut TcpStream,
    chunk: &mut [u8],
) -> std::result::Result<usize, Option<Reply>> {
    match stream.read(chunk) {
        Ok(0) => Err(None),
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(Some(Reply::error(
                408,
                "the request was not completed in time",
            )))
        }
        Err(_) => Err(None),
    }
}

/// Parses the request line and headers in `buf` (with `httparse`).
fn parse_head(buf: &[u8]) -> std::result::Result<Head, Option<Reply>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let head_len = match request.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(Head::Partial),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Some(Reply::error(
                431,
                &format!("more than {MAX_HEADERS} request headers"),
            )))
        }
        Err(e) => {
            return Err(Some(Reply::error(
                400,
                &format!("malformed HTTP request: {e}"),
            )))
        }
    };
    let mut content_length = 0;
    for h in request.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Some(Reply::error(
                411,
                "send the body with a Content-Length (chunked bodies are not accepted)",
            )));
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            content_length = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or_else(|| Some(Reply::error(400, "Content-Length is not a number")))?;
        }
    }
    Ok(Head::Complete {
        method: request.method.unwrap_or("").to_ascii_uppercase(),
        target: request.path.unwrap_or("/").to_string(),
        head_len,
        content_length,
    })
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `reply`, then closes the connection after draining what the
/// client may still send (errors mean the client left).
fn respond(stream: &mut TcpStream, reply: &Reply) {
    write_reply(stream, reply);
    // Drain what the client may still send (an unread body) briefly, so
    // that closing does not reset the connection before it reads the reply.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while let Ok(n) = stream.read(&mut sink) {
        drained += n;
        if n == 0 || drained > MAX_BODY_BYTES {
            break;
        }
    }
}

/// Writes the status line, headers and body, and ends our side.
fn write_reply(stream: &mut TcpStream, reply: &Reply) {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        reply.status,
        reason_phrase(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(allow) = reply.allow {
        head.push_str(&format!("Allow: {allow}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&reply.body));
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> std::result::Result<Head, Option<Reply>> {
        parse_head(text.as_bytes())
    }

    #[test]
    fn heads_parse_or_fail_with_their_status() {
        match head("GET /api?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nbody")
            .ok()
            .unwrap()
        {
            Head::Complete {
                method,
                target,
                head_len,
                content_length,
            } => {
                assert_eq!(
                    (method.as_str(), target.as_str(), head_len, content_length),
                    ("GET", "/api?x=1", 54, 12)
                );
            }
            Head::Partial => panic!("complete"),
        }
        assert!(matches!(
            head("GET /api HTTP/1.1\r\nHost:"),
            Ok(Head::Partial)
        ));
        let status = |text: &str| head(text).err().unwrap().unwrap().status;
        assert_eq!(status("GARBAGE\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        assert_eq!(status("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"), 400);
        let many: String = (0..70).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(status(&format!("GET / HTTP/1.1\r\n{many}\r\n")), 431);
    }
}
