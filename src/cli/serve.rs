//! `topics serve`: the report page and a JSON API over one model, on
//! 127.0.0.1 (see the `topics::serve` docs for the API).

use std::net::IpAddr;
use std::path::PathBuf;

use topics::serve::{App, ServeOptions, Server};

/// What `--help` says after the options: who is refused, then the routes
/// (from the one route table).
fn after_help() -> String {
    format!(
        "Protection: any web page you open can send requests to this machine. The service \
answers only requests addressed to its own address (Host 127.0.0.1:PORT, localhost:PORT, \
[::1]:PORT, or a name given to --allow-remote), so no other site can read the answers; and \
every request that is not GET or HEAD (label edits, inference) must come from its own page \
(Origin) and carry the header X-Topics-Token with this process's random token, which the \
served page embeds and GET /api returns to scripts, so no other site can rewrite labels.\n\n\
Load: each request must arrive whole within 10 s; requests wait in a queue for a fixed pool \
of workers; past 512 open connections or 256 waiting requests the answer is 503 with \
Retry-After.\n\n{}",
        topics::serve::help()
    )
}

#[derive(Debug, clap::Args)]
#[command(after_help = after_help())]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = ServeOptions::default().port)]
    port: u16,
    /// Address to listen on; anything but a loopback address needs
    /// --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// A host name (or address) clients on other machines use to reach
    /// this one; requests addressed to it are answered too (repeatable).
    /// Needed for a non-loopback --host: anyone who can reach it can read
    /// the answers.
    #[arg(long, value_name = "NAME")]
    allow_remote: Vec<String>,
    #[command(flatten)]
    results: super::common::ResultsArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let options = ServeOptions {
        host: args.host,
        port: args.port,
        allow_remote: args.allow_remote,
        ..ServeOptions::default()
    };
    let results = args.results.load()?;
    let app = App::open(&args.model)?
        .with_results(results.conjoint, results.link)
        .with_validation(results.validation);
    let server = Server::bind(app, &options)?;
    // The first line on standard output says where to connect (scripts and
    // tests read it, which matters with --port 0).
    println!(
        "topics: serving {} at http://{}/",
        args.model.display(),
        server.addr()
    );
    // The Korean analyzer is built while the first page loads, not on the
    // first inference.
    let app = std::sync::Arc::clone(server.app());
    std::thread::spawn(move || app.warm_up());
    server.run();
    Ok(())
}
