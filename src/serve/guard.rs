//! Who may use the service. It listens on loopback, but every web page the
//! analyst opens can send requests to loopback too:
//!
//! - a page on another site, whose name it made resolve to 127.0.0.1 (DNS
//!   rebinding), could read the answers: so only requests whose `Host` is
//!   this service's own address (`127.0.0.1:P`, `localhost:P`, `[::1]:P`,
//!   the bound address, and the names given to `--allow-remote`) are
//!   answered;
//! - a page on another site could post a form that rewrites labels
//!   without reading anything: so every request that is not `GET` or
//!   `HEAD` must come from this service's own origin (when the browser
//!   says, in `Origin`) and carry `X-Topics-Token`, a random secret of this
//!   process that only the served page (and `GET /api`, readable only by
//!   this origin) carries.

use std::net::{IpAddr, SocketAddr};

use rand::TryRngCore;

use super::http::Head;
use super::routes::Reply;
use crate::error::{Error, Result};

/// 32 bytes from the operating system's random source, in hex.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| Error::Serve {
            addr: String::new(),
            reason: format!("no random source for the session token: {e}"),
        })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The allowed `Host` values and origins, and the token.
#[derive(Debug, Clone)]
pub struct Guard {
    /// `name:port`, lowercase.
    hosts: Vec<String>,
    token: String,
}

impl Guard {
    /// Allows the loopback names, the bound address itself (an address
    /// literal cannot be rebound) and `names`, all with `addr`'s port.
    pub fn new(addr: SocketAddr, names: &[String], token: &str) -> Guard {
        let port = addr.port();
        let mut hosts: Vec<String> = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        if !addr.ip().is_unspecified() {
            hosts.push(authority(&addr.ip().to_string(), port));
        }
        hosts.extend(names.iter().map(|n| authority(n.trim(), port)));
        if port == 80 {
            // Browsers leave the default port out.
            let bare: Vec<String> = hosts
                .iter()
                .filter_map(|h| h.strip_suffix(":80").map(str::to_string))
                .collect();
            hosts.extend(bare);
        }
        hosts.dedup();
        Guard {
            hosts,
            token: token.to_string(),
        }
    }

    /// The address the service is reached at, for messages.
    fn home(&self) -> &str {
        &self.hosts[0]
    }

    /// Refuses (403) a request for another host, a state-changing request
    /// from another origin, and one without the token.
    pub fn check(&self, head: &Head) -> std::result::Result<(), Reply> {
        if let Some(host) = &head.host {
            if !self.hosts.contains(&host.to_ascii_lowercase()) {
                return Err(Reply::error(
                    403,
                    &format!(
                        "this service answers only requests addressed to http://{}/ (the request was for '{host}'); start it with --allow-remote {} to answer to that name",
                        self.home(),
                        host.rsplit_once(':').map_or(host.as_str(), |(name, _)| name)
                    ),
                ));
            }
        }
        if matches!(head.method.as_str(), "GET" | "HEAD") {
            return Ok(());
        }
        if let Some(origin) = &head.origin {
            let own = origin
                .to_ascii_lowercase()
                .strip_prefix("http://")
                .is_some_and(|h| self.hosts.iter().any(|a| a == h));
            if !own {
                return Err(Reply::error(
                    403,
                    &format!("refused a {} from the page at '{origin}': only this service's own page may change labels or run inference", head.method),
                ));
            }
        }
        match &head.token {
            Some(t) if same(t.as_bytes(), self.token.as_bytes()) => Ok(()),
            Some(_) => Err(Reply::error(
                403,
                "wrong X-Topics-Token: this service was restarted since the page was loaded; reload it",
            )),
            None => Err(Reply::error(
                403,
                &format!("a {} needs the header X-Topics-Token with this process's token (the served page sends it; GET /api tells it)", head.method),
            )),
        }
    }
}

/// `name:port`, with brackets around an IPv6 literal; a name that already
/// ends with this port is kept as it is.
fn authority(name: &str, port: u16) -> String {
    let name = name.to_ascii_lowercase();
    if name.ends_with(&format!(":{port}")) && !name.contains("::")
        || name.ends_with(&format!("]:{port}"))
    {
        return name;
    }
    match name.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        _ => format!("{name}:{port}"),
    }
}

/// Compares without stopping at the first difference, so the time taken
/// tells nothing about the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(method: &str, host: Option<&str>, origin: Option<&str>, token: Option<&str>) -> Head {
        Head {
            method: method.into(),
            target: "/api/labels/0".into(),
            version: 1,
            host: host.map(str::to_string),
            origin: origin.map(str::to_string),
            token: token.map(str::to_string),
            content_length: 0,
            head_len: 0,
        }
    }

    fn status(guard: &Guard, h: Head) -> u16 {
        match guard.check(&h) {
            Ok(()) => 200,
            Err(r) => r.status,
        }
    }

    #[test]
    fn hosts_origins_and_tokens() {
        let g = Guard::new(
            "127.0.0.1:4000".parse().unwrap(),
            &["Lab.example".into()],
            "abc",
        );
        for host in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
            "lab.example:4000",
        ] {
            assert_eq!(
                status(&g, head("GET", Some(host), None, None)),
                200,
                "{host}"
            );
        }
        for host in [
            "evil.example:4000",
            "localhost",
            "127.0.0.1:4001",
            "lab.example",
        ] {
            assert_eq!(
                status(&g, head("GET", Some(host), None, None)),
                403,
                "{host}"
            );
        }
        let err = g
            .check(&head("GET", Some("evil.example"), None, None))
            .unwrap_err();
        assert_eq!(
            err.text(),
            "{\"error\":\"this service answers only requests addressed to http://127.0.0.1:4000/ (the request was for 'evil.example'); start it with --allow-remote evil.example to answer to that name\"}\n"
        );
        let host = Some("127.0.0.1:4000");
        assert_eq!(status(&g, head("PUT", host, None, Some("abc"))), 200);
        assert_eq!(
            status(
                &g,
                head("PUT", host, Some("http://localhost:4000"), Some("abc"))
            ),
            200
        );
        assert_eq!(
            status(
                &g,
                head("PUT", host, Some("http://evil.example"), Some("abc"))
            ),
            403
        );
        assert_eq!(
            status(&g, head("PUT", host, Some("null"), Some("abc"))),
            403
        );
        assert_eq!(status(&g, head("POST", host, None, None)), 403);
        assert_eq!(status(&g, head("DELETE", host, None, Some("abd"))), 403);
        assert_eq!(status(&g, head("DELETE", host, None, Some("ab"))), 403);
    }

    #[test]
    fn authorities() {
        assert_eq!(authority("Box.lan", 8), "box.lan:8");
        assert_eq!(authority("box.lan:8", 8), "box.lan:8");
        assert_eq!(authority("fe80::1", 8), "[fe80::1]:8");
        assert_eq!(authority("[fe80::1]:8", 8), "[fe80::1]:8");
        let tokens = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(tokens.0.len(), 64);
        assert_ne!(tokens.0, tokens.1);
    }
}
