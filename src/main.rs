//! The `topics` command line: parses arguments and calls the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("topics: error: {}", message(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// The error and its causes joined by ": ", leaving out a cause whose text
/// the message already holds (library errors name their I/O cause in their
/// own text, with the path it concerns).
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// A typed library error carries its own documented exit code; anything
/// else is a general failure (1). Usage errors (2) are clap's.
fn exit_code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|e| e.downcast_ref::<topics::Error>())
        .map(|e| e.exit_code() as u8)
        .unwrap_or(1)
}

/// Writing into a closed pipe (`topics tokenize x | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
