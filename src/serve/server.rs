//! The server: the listening socket, one thread per connection within its
//! deadlines, the bounded queue and the worker pool, and the 503 answer
//! when they are full (see the module documentation of [`super`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::http::{self, Failure, Request};
use super::{App, Guard, Reply};
use crate::error::{Error, Result};

/// Where to listen, whom to answer, and how much load to take.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on (loopback unless `--allow-remote`).
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Host names (or addresses) besides the loopback ones that requests
    /// may be addressed to; listening on a non-loopback address needs at
    /// least one.
    pub allow_remote: Vec<String>,
    /// Time a client has to send its whole request (head and body), and
    /// then to take the whole reply: a client trickling bytes gains nothing.
    pub request_timeout: Duration,
    /// Threads computing replies.
    pub workers: usize,
    /// Requests read and waiting for a worker; one more gets 503.
    pub queue: usize,
    /// Connections open at once (being read, waiting or being answered);
    /// one more gets 503.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ServeOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8765,
            allow_remote: Vec::new(),
            request_timeout: Duration::from_secs(10),
            workers: (2 * cores).clamp(4, 16),
            queue: 256,
            max_connections: 512,
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
    guard: Arc<Guard>,
    options: ServeOptions,
}

impl Server {
    /// Binds the address, refusing a non-loopback one unless names to
    /// answer to are given.
    pub fn bind(app: App, options: &ServeOptions) -> Result<Server> {
        let addr = SocketAddr::new(options.host, options.port);
        let fail = |reason: String| Error::Serve {
            addr: addr.to_string(),
            reason,
        };
        if !options.host.is_loopback() && options.allow_remote.is_empty() {
            return Err(fail(
                "refusing to listen on a non-loopback address: anyone who can reach it could read the answers; pass --allow-remote NAME (the host name clients use) to do it anyway".into(),
            ));
        }
        if options.request_timeout.is_zero() {
            return Err(fail("the request timeout must be positive".into()));
        }
        if options.workers == 0 || options.max_connections == 0 {
            return Err(fail("workers and connections must be at least 1".into()));
        }
        let listener = TcpListener::bind(addr).map_err(|e| fail(e.to_string()))?;
        deepen_backlog(&listener);
        let addr = listener.local_addr().map_err(|e| fail(e.to_string()))?;
        Ok(Server {
            guard: Arc::new(Guard::new(addr, &options.allow_remote, app.token())),
            listener,
            app: Arc::new(app),
            addr,
            stop: Arc::new(AtomicBool::new(false)),
            options: options.clone(),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The model being served.
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// A handle that stops [`run`](Self::run) from another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            stop: Arc::clone(&self.stop),
            addr: self.addr,
        }
    }

    /// Answers requests until stopped.
    ///
    /// This thread only accepts. Each connection is read and answered on a
    /// thread of its own (at most `max_connections`, each within
    /// `request_timeout`), which hands the parsed request to a fixed pool
    /// of `workers` through a queue of `queue` places: a burst waits there
    /// instead of being refused, and a slow client holds only its own
    /// connection thread, never a worker. Past either bound the client
    /// gets 503 with `Retry-After`, written by a thread of its own.
    pub fn run(&self) {
        let jobs = start_workers(self.options.workers, self.options.queue);
        let refusals = start_refuser();
        let open = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else {
                // Out of descriptors or an aborted handshake: keep serving.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            if open.fetch_add(1, Ordering::SeqCst) >= self.options.max_connections {
                open.fetch_sub(1, Ordering::SeqCst);
                // Nothing is read or written here; a full refuser drops.
                let _ = refusals.try_send(stream);
                continue;
            }
            let slot = Slot(Arc::clone(&open));
            let connection = Connection {
                app: Arc::clone(&self.app),
                guard: Arc::clone(&self.guard),
                jobs: jobs.clone(),
                timeout: self.options.request_timeout,
            };
            let spawned = std::thread::Builder::new()
                .name("topics-connection".into())
                .stack_size(256 << 10)
                .spawn(move || {
                    let _slot = slot;
                    connection.serve(stream);
                });
            if spawned.is_err() {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Connections the kernel holds for the accepting thread.
const BACKLOG: i32 = 1024;

/// Raises the listen backlog from std's 128 to [`BACKLOG`]: with 200
/// clients connecting at once a full backlog drops SYNs, which the client
/// retries only after a second; queued, they wait milliseconds instead.
#[cfg(unix)]
fn deepen_backlog(listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    extern "C" {
        fn listen(fd: i32, backlog: i32) -> i32;
    }
    // SAFETY: `listen` on a socket this process owns and keeps open; on
    // Linux and the BSDs, calling it again on a listening socket only
    // changes the backlog. A failure leaves the old backlog in place.
    let _ = unsafe { listen(listener.as_raw_fd(), BACKLOG) };
}

#[cfg(not(unix))]
fn deepen_backlog(_: &TcpListener) {}

/// One open connection's place in the count; freed when dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A request handed to the workers, with where to send its reply.
type Job = Box<dyn FnOnce() + Send>;

/// Starts `workers` threads taking jobs from a queue of `queue` places.
fn start_workers(workers: usize, queue: usize) -> SyncSender<Job> {
    let (sender, receiver) = sync_channel::<Job>(queue);
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..workers {
        let receiver = Arc::clone(&receiver);
        let _ = std::thread::Builder::new()
            .name(format!("topics-worker-{i}"))
            .spawn(move || work(&receiver));
    }
    sender
}

/// Runs jobs until every sender is gone.
fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = match receiver.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Connections beyond the limit wait here for their 503.
const REFUSALS_WAITING: usize = 64;

/// Starts the thread that answers connections over the limit with 503.
fn start_refuser() -> SyncSender<TcpStream> {
    let (sender, receiver) = sync_channel::<TcpStream>(REFUSALS_WAITING);
    let _ = std::thread::Builder::new()
        .name("topics-refuser".into())
        .spawn(move || {
            for mut stream in receiver {
                refuse_busy(&mut stream);
            }
        });
    sender
}

/// 503 without waiting on the client: what it sent so far is read (so
/// closing does not reset the connection), then the short reply written,
/// without blocking.
fn refuse_busy(stream: &mut TcpStream) {
    use std::io::{Read, Write};
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut sink = [0u8; 16 << 10];
    let _ = stream.read(&mut sink);
    let reply = Reply::busy();
    let mut bytes = http::reply_head(&reply).into_bytes();
    bytes.extend_from_slice(&reply.body);
    let _ = stream.write(&bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// What a connection thread needs.
struct Connection {
    app: Arc<App>,
    guard: Arc<Guard>,
    jobs: SyncSender<Job>,
    timeout: Duration,
}

impl Connection {
    /// Reads one request, has a worker answer it, writes the reply, closes.
    fn serve(self, mut stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let deadline = Instant::now() + self.timeout;
        let guard = Arc::clone(&self.guard);
        match http::read_request(&mut stream, deadline, |head| guard.check(head)) {
            Ok(request) => {
                let head_only = request.head.method == "HEAD";
                let reply = self.answer(request);
                let deadline = Instant::now() + self.timeout;
                http::write_reply(&mut stream, &reply, head_only, deadline);
            }
            Err(Failure::Reply(reply)) => {
                http::write_reply(&mut stream, &reply, false, Instant::now() + self.timeout);
                http::drain(&mut stream);
            }
            Err(Failure::Gone) => {}
        }
    }

    /// The reply a worker computes, or 503 when the queue is full.
    fn answer(&self, request: Request) -> Reply {
        let (send, receive) = sync_channel::<Reply>(1);
        let app = Arc::clone(&self.app);
        let job: Job = Box::new(move || {
            let Request { head, body } = request;
            let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                app.handle(&head.method, &head.target, &body)
            }))
            .unwrap_or_else(|_| Reply::error(500, "internal error (a bug): the request failed"));
            let _ = send.send(reply);
        });
        match self.jobs.try_send(job) {
            Ok(()) => receive
                .recv()
                .unwrap_or_else(|_| Reply::error(500, "internal error: no reply")),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Reply::busy(),
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
