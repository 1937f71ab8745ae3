//! Command-line parsing and dispatch. One file per subcommand; each parses
//! its flags into library types and calls the library.

mod common;
mod conjoint;
mod diagnostics;
mod fit;
mod infer;
mod label;
mod link;
mod quotes;
mod report;
mod select_k;
mod serve;
mod show;
mod tokenize;
mod validate;
mod words;

use clap::{Parser, Subcommand};

/// Topics from open-ended survey answers (Korean and English), checked
/// against a conjoint experiment.
#[derive(Debug, Parser)]
#[command(name = "topics", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fit an LDA topic model to a file of answers.
    Fit(fit::Args),
    /// Print the tokens the model would use, one line per input line.
    Tokenize(tokenize::Args),
    /// Topic shares (θ) of new answers under a saved model.
    Infer(infer::Args),
    /// Summarize a saved model.
    Show(show::Args),
    /// Each topic's words by probability, relevance, FREX, lift, score or saliency.
    Words(words::Args),
    /// The answers that best show a topic (highest θ).
    Quotes(quotes::Args),
    /// Name a topic; names are kept next to the model and used by every view.
    Label(label::Args),
    /// Per-topic coherence, exclusivity, size and distinctiveness.
    Diagnostics(diagnostics::Args),
    /// Write a self-contained HTML report that opens offline.
    Report(report::Args),
    /// Serve the report page and a JSON API on 127.0.0.1.
    Serve(serve::Args),
    /// Compare numbers of topics: held-out likelihood, coherence, exclusivity, stability.
    SelectK(select_k::Args),
    /// Conjoint estimates (AMCE, marginal means, ...) as cregg computes them.
    Conjoint(conjoint::Args),
    /// Cross-check topics against the conjoint: estimates by topic group over θ draws.
    Link(link::Args),
    /// Check topics against hand codes of the same answers: agreement after matching.
    Validate(validate::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Fit(args) => fit::run(args),
        Command::Tokenize(args) => tokenize::run(args),
        Command::Infer(args) => infer::run(args),
        Command::Show(args) => show::run(args),
        Command::Words(args) => words::run(args),
        Command::Quotes(args) => quotes::run(args),
        Command::Label(args) => label::run(args),
        Command::Diagnostics(args) => diagnostics::run(args),
        Command::Report(args) => report::run(args),
        Command::Serve(args) => serve::run(args),
        Command::SelectK(args) => select_k::run(args),
        Command::Conjoint(args) => conjoint::run(args),
        Command::Link(args) => link::run(args),
        Command::Validate(args) => validate::run(args),
    }
}
