//! `topics serve`: the report page and a JSON API over one model, on
//! 127.0.0.1 (see the `topics::serve` docs for the API).

use std::net::IpAddr;
use std::path::PathBuf;

use topics::report::{load_conjoint, load_json};
use topics::serve::{App, ServeOptions, Server};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "API (all JSON; errors are {\"error\": ...} with a 4xx status):
  GET  /                         the report page, with label editing
  GET  /api                      the list of endpoints
  GET  /api/model                settings and provenance
  GET  /api/topics               topics with labels, shares, top words
  GET  /api/words?by=frex&n=15&lambda=0.6&topic=K
  GET  /api/quotes?topic=K&n=5   answers with the highest theta
  GET  /api/theta?id=ID          theta of a fitted answer
  POST /api/infer                {\"answers\": [\"text\", ...]} -> theta of new answers
  GET  /api/labels               the labels
  PUT  /api/labels/K             {\"label\": \"Trust\"} -> writes MODEL.labels.json
  GET  /api/diagnostics          per-topic diagnostics"
)]
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
    /// Allow a non-loopback --host (the service has no authentication).
    #[arg(long)]
    allow_remote: bool,
    /// A conjoint result (`topics conjoint --format json`) the page plots.
    #[arg(long)]
    conjoint: Option<PathBuf>,
    /// A topics × conjoint cross-check result (JSON) the page shows.
    #[arg(long)]
    link: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let options = ServeOptions {
        host: args.host,
        port: args.port,
        allow_remote: args.allow_remote,
        ..ServeOptions::default()
    };
    let conjoint = args.conjoint.as_deref().map(load_conjoint).transpose()?;
    let link = args.link.as_deref().map(load_json).transpose()?;
    let app = App::open(&args.model)?.with_results(conjoint, link);
    let server = Server::bind(app, &options)?;
    // The first line on standard output says where to connect (scripts and
    // tests read it, which matters with --port 0).
    println!(
        "topics: serving {} at http://{}/",
        args.model.display(),
        server.addr()
    );
    server.run();
    Ok(())
}
