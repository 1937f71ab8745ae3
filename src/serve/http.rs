//! HTTP/1.1 on one connection: reading a request within one deadline for
//! the whole head and body (a client sending a byte now and then gains
//! nothing), and writing the reply within another.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::routes::Reply;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Largest request line plus headers accepted.
pub const MAX_HEAD_BYTES: usize = 16 << 10;
/// Headers per request.
const MAX_HEADERS: usize = 64;

/// The parts of a request head the service uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// Uppercase.
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub version: u8,
    pub host: Option<String>,
    pub origin: Option<String>,
    /// `X-Topics-Token`.
    pub token: Option<String>,
    pub content_length: usize,
    pub head_len: usize,
}

/// A whole request.
#[derive(Debug)]
pub struct Request {
    pub head: Head,
    pub body: Vec<u8>,
}

/// Why no request came: an answer to send, or nobody to send it to.
pub enum Failure {
    Reply(Reply),
    Gone,
}

fn refuse(status: u16, message: &str) -> Failure {
    Failure::Reply(Reply::error(status, message))
}

/// Reads one request before `deadline`; `check` sees the head before the
/// body is read (so a refused request's body is never waited for).
pub fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
    check: impl FnOnce(&Head) -> Result<(), Reply>,
) -> Result<Request, Failure> {
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let too_large = || {
        refuse(
            431,
            &format!("the request line and headers are larger than {MAX_HEAD_BYTES} bytes"),
        )
    };
    let head = loop {
        let n = read_some(stream, &mut chunk, deadline)?;
        buf.extend_from_slice(&chunk[..n]);
        match parse_head(&buf)? {
            Some(head) if head.head_len > MAX_HEAD_BYTES => return Err(too_large()),
            Some(head) => break head,
            None if buf.len() > MAX_HEAD_BYTES => return Err(too_large()),
            None => {}
        }
    };
    check(&head).map_err(Failure::Reply)?;
    if head.content_length > MAX_BODY_BYTES {
        return Err(refuse(
            413,
            &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        ));
    }
    let mut body = buf.split_off(head.head_len);
    while body.len() < head.content_length {
        let n = read_some(stream, &mut chunk, deadline)?;
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(head.content_length);
    Ok(Request { head, body })
}

/// One read of at least one byte, waiting at most until `deadline`.
fn read_some(
    stream: &mut TcpStream,
    chunk: &mut [u8],
    deadline: Instant,
) -> Result<usize, Failure> {
    let late = || refuse(408, "the request was not completed in time");
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(late());
    }
    stream
        .set_read_timeout(Some(left))
        .map_err(|_| Failure::Gone)?;
    match stream.read(chunk) {
        Ok(0) => Err(Failure::Gone),
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(late())
        }
        Err(_) => Err(Failure::Gone),
    }
}

/// Parses the request line and headers at the start of `buf` (`None`:
/// not complete yet).
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, Failure> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let head_len = match request.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(refuse(
                431,
                &format!("more than {MAX_HEADERS} request headers"),
            ))
        }
        Err(e) => return Err(refuse(400, &format!("malformed HTTP request: {e}"))),
    };
    let mut head = Head {
        method: request.method.unwrap_or("").to_ascii_uppercase(),
        target: request.path.unwrap_or("/").to_string(),
        version: request.version.unwrap_or(1),
        host: None,
        origin: None,
        token: None,
        content_length: 0,
        head_len,
    };
    let mut lengths: Vec<&[u8]> = Vec::new();
    for h in request.headers.iter() {
        let text = || String::from_utf8_lossy(h.value).trim().to_string();
        let once = |slot: &mut Option<String>, name: &str| {
            if slot.replace(text()).is_some() {
                return Err(refuse(400, &format!("more than one {name} header")));
            }
            Ok(())
        };
        match h.name.to_ascii_lowercase().as_str() {
            "transfer-encoding" => {
                return Err(refuse(
                    411,
                    "send the body with a Content-Length (chunked bodies are not accepted)",
                ))
            }
            "content-length" => lengths.push(h.value),
            "host" => once(&mut head.host, "Host")?,
            "origin" => once(&mut head.origin, "Origin")?,
            "x-topics-token" => once(&mut head.token, "X-Topics-Token")?,
            _ => {}
        }
    }
    head.content_length = content_length(&lengths)?;
    if head.version >= 1 && head.host.is_none() {
        return Err(refuse(400, "an HTTP/1.1 request needs a Host header"));
    }
    Ok(Some(head))
}

/// The one length all `Content-Length` headers agree on (0 without any);
/// differing ones are refused: two parsers could read different bodies.
fn content_length(values: &[&[u8]]) -> Result<usize, Failure> {
    let mut length = None;
    for value in values {
        let n = std::str::from_utf8(value)
            .ok()
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or_else(|| refuse(400, "Content-Length is not a number"))?;
        if length.is_some_and(|l| l != n) {
            return Err(refuse(400, "conflicting Content-Length headers"));
        }
        length = Some(n);
    }
    Ok(length.unwrap_or(0))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The status line and headers of `reply`.
pub fn reply_head(reply: &Reply) -> String {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        reply.status,
        reason_phrase(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(allow) = &reply.allow {
        head.push_str(&format!("Allow: {allow}\r\n"));
    }
    if let Some(seconds) = reply.retry_after {
        head.push_str(&format!("Retry-After: {seconds}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Writes `reply` (without its body for `HEAD`) before `deadline`, then
/// ends our side of the connection.
pub fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool, deadline: Instant) {
    let head = reply_head(reply);
    let body: &[u8] = if head_only { &[] } else { &reply.body };
    let _ = write_until(stream, head.as_bytes(), deadline)
        .and_then(|()| write_until(stream, body, deadline));
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// Writes in pieces, each allowed only the time left, so that a client
/// reading slowly cannot hold the connection past `deadline`.
fn write_until(stream: &mut TcpStream, bytes: &[u8], deadline: Instant) -> std::io::Result<()> {
    for piece in bytes.chunks(64 << 10) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        stream.write_all(piece)?;
    }
    Ok(())
}

/// Reads (and drops) what the client may still send, briefly, so that
/// closing does not reset the connection before it reads an early reply.
pub fn drain(stream: &mut TcpStream) {
    let until = Instant::now() + Duration::from_millis(200);
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(n) if n > 0 && drained + n <= MAX_BODY_BYTES => drained += n,
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Option<Head>, u16> {
        parse_head(text.as_bytes()).map_err(|f| match f {
            Failure::Reply(r) => r.status,
            Failure::Gone => 0,
        })
    }

    #[test]
    fn heads_parse_or_fail_with_their_status() {
        let h = head("GET /api?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nOrigin: http://a\r\nX-Topics-Token: t\r\n\r\nbody")
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                h.method.as_str(),
                h.target.as_str(),
                h.head_len,
                h.content_length,
                h.version
            ),
            ("GET", "/api?x=1", 91, 12, 1)
        );
        assert_eq!(
            (h.host.as_deref(), h.origin.as_deref(), h.token.as_deref()),
            (Some("a"), Some("http://a"), Some("t"))
        );
        assert_eq!(head("GET /api HTTP/1.1\r\nHost:"), Ok(None));
        assert_eq!(head("GARBAGE\r\n\r\n"), Err(400));
        assert_eq!(
            head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(411)
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n"),
            Err(400)
        );
        let many: String = (0..70).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(head(&format!("GET / HTTP/1.1\r\n{many}\r\n")), Err(431));
    }

    #[test]
    fn hosts_and_lengths_must_be_unambiguous() {
        assert_eq!(head("GET / HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().host, None);
        assert_eq!(
            head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Err(400)
        );
        let two = |a: &str, b: &str| {
            head(&format!(
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: {a}\r\nContent-Length: {b}\r\n\r\n"
            ))
        };
        assert_eq!(two("3", "4"), Err(400));
        assert_eq!(two("3", "3").unwrap().unwrap().content_length, 3);
    }

    #[test]
    fn reply_heads_carry_allow_and_retry_after() {
        assert_eq!(
            reply_head(&Reply::busy()),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 55\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nRetry-After: 1\r\n\r\n"
        );
    }
}
