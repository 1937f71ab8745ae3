//! A real `topics serve` on loopback under bounded load and abuse: 200
//! concurrent requests all answered 200; 40 slowloris sockets while a normal
//! client still gets answers within 2 s; a CLI label edit seen at once.
//! Every loop is bounded and every socket is closed by the test's end.

use crate::util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use util::{saved_model, topics_bin};

/// `topics serve MODEL --port 0`, killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(model: &std::path::Path) -> Served {
    let mut child = Command::new(topics_bin())
        .args(["serve", model.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit_once("http://")
        .map(|(_, a)| a.trim_end_matches('/').parse().unwrap())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Served { child, addr }
}

/// One request; (status, body).
fn call(addr: SocketAddr, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nX-Topics-Token: {token}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(raw.as_bytes()).unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn token_of(addr: SocketAddr) -> String {
    let (_, body) = call(addr, "GET", "/api", "", "");
    let api: Value = serde_json::from_str(&body).unwrap();
    api["token"].as_str().unwrap().to_string()
}

#[test]
fn two_hundred_concurrent_requests_are_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(&saved_model(dir.path()));
    let addr = served.addr;
    let token = token_of(addr);
    let threads: Vec<_> = (0..200)
        .map(|i| {
            let token = token.clone();
            std::thread::spawn(move || match i % 4 {
                0 => call(
                    addr,
                    "POST",
                    "/api/infer",
                    &token,
                    r#"{"answers": ["jobs wages", "세금 예산"]}"#,
                ),
                1 => call(addr, "GET", "/api/answers?q=jobs&limit=5", &token, ""),
                2 => call(addr, "GET", "/api/topics", &token, ""),
                _ => call(addr, "GET", "/", &token, ""),
            })
        })
        .collect();
    let replies: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let refused: Vec<&(u16, String)> = replies.iter().filter(|r| r.0 != 200).collect();
    assert!(
        refused.is_empty(),
        "{} of 200 not 200: {:?}",
        refused.len(),
        refused.first()
    );
    // Same request, same answer, however busy the service was.
    let infers: Vec<&String> = replies.iter().step_by(4).map(|r| &r.1).collect();
    assert!(infers.iter().all(|b| *b == infers[0]));
}

#[test]
fn slowloris_sockets_do_not_lock_others_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_model(dir.path());
    let served = serve(&path);
    let addr = served.addr;
    // 40 sockets that each send a header byte every 500 ms, for at most 8 s.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slow: Vec<_> = (0..40)
        .map(|_| {
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                let _ = s.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n").as_bytes());
                for _ in 0..16 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) || s.write_all(b"X").is_err()
                    {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1000));
    let token = token_of(addr);
    for i in 0..5 {
        let started = Instant::now();
        let (status, body) = call(addr, "GET", "/api/labels", &token, "");
        let took = started.elapsed();
        assert_eq!(
            (status, body.as_str()),
            (200, "[null,null,null]\n"),
            "request {i}"
        );
        assert!(took < Duration::from_secs(2), "request {i} took {took:?}");
        // Meanwhile the CLI labels a topic; the service shows it at once.
        if i == 2 {
            let out = Command::new(topics_bin())
                .args(["label", path.to_str().unwrap(), "1", "Cost"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let (_, body) = call(addr, "GET", "/api/labels", &token, "");
            assert_eq!(body, "[null,\"Cost\",null]\n");
            topics::explore::Labels::empty(3).save_for(&path).unwrap();
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in slow {
        t.join().unwrap();
    }
}
