//! Reading answers files and writing outputs safely.
//!
//! Input: a `.txt` file with one answer per line (id = 1-based line number),
//! a `.csv`/`.tsv` file with a header, or `-` for standard input. UTF-8 with
//! or without a byte-order mark; invalid bytes are reported with their line
//! and byte offset.
//!
//! Output: every file is written to a temporary file in the same directory,
//! synced, then renamed over the target, so an interrupted run never leaves
//! a half-written model or report behind.

mod answers;
mod atomic;
mod decoding;
mod delimited;

pub use answers::{
    answers_from_lines, parse_answers, read_answers, Answer, InputFormat, InputOptions,
    MAX_ANSWER_BYTES,
};
pub use atomic::{refuse_overwriting_inputs, sweep_stale_temporaries, write_atomic, write_stdout};
pub use decoding::{decode_utf8, display_path, read_text, read_text_in};
pub use delimited::{csv_error, delimited_reader, find_column, LineCounter};
