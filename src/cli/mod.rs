//! Command-line parsing and dispatch. One file per subcommand; each parses
//! its flags into library types and calls the library.

mod common;
mod conjoint;
mod fit;
mod infer;
mod show;
mod tokenize;

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
    /// Conjoint estimates (AMCE, marginal means, ...) as cregg computes them.
    Conjoint(conjoint::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Fit(args) => fit::run(args),
        Command::Tokenize(args) => tokenize::run(args),
        Command::Infer(args) => infer::run(args),
        Command::Show(args) => show::run(args),
        Command::Conjoint(args) => conjoint::run(args),
    }
}
