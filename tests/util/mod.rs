//! Helpers shared by every integration-test module (one test binary, see
//! `tests/tests.rs`): run the built `topics` binary in a scratch directory,
//! find the repository's files and the shared benchmark data, and build the
//! tiny model whose topics are known by construction (`tiny_model`).

#![allow(dead_code)]

mod tiny_model;

pub use tiny_model::*;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The output of one `topics` run.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    /// Panics with both streams when the run failed.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "topics failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `topics args…` in `dir`.
pub fn topics<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the topics binary runs");
    Run::from(out)
}

/// The arguments of `topics fit INPUT --pretokenized -k K EXTRA…`: the
/// fit most tests run on a small, already tokenized answers file.
pub fn fit_pretokenized_args(input: &str, k: usize, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["fit", input, "--pretokenized", "-k"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    args.push(k.to_string());
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Runs `topics fit INPUT --pretokenized -k K EXTRA…` in `dir`.
pub fn fit_pretokenized(dir: &Path, input: &str, k: usize, extra: &[&str]) -> Run {
    topics(dir, &fit_pretokenized_args(input, k, extra))
}

/// Runs `topics args…` in the test's own working directory and returns the
/// raw output (for tests that check the exit status and bytes themselves).
pub fn output(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(args)
        .output()
        .expect("the topics binary runs")
}

/// Runs `topics args…` in `dir` with `input` on standard input.
pub fn topics_stdin<S: AsRef<OsStr>>(dir: &Path, args: &[S], input: &[u8]) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the topics binary runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    Run::from(child.wait_with_output().unwrap())
}

/// A file from `../shared/data/` (the benchmark corpora beside the
/// repository). Only `#[ignore]`d tests call this, and they run only where
/// that folder is present (`.ci/run` runs them with `--ignored`); run
/// without it, they fail loudly rather than pass without checking anything.
pub fn shared_data(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative);
    assert!(
        path.exists(),
        "{} is absent: this test needs the shared corpora in ../shared/data beside the repository",
        path.display()
    );
    path
}

/// The repository's own files (examples, fixtures).
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A scratch directory holding a copy of `examples/data/` at
/// `examples/data/`, so that documented commands run there as written.
pub fn example_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("examples/data");
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(repo_file("examples/data")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Shell commands from documentation: lines ending in `\` continue on the
/// next, `# …` outside quotes is a comment, and `&&` separates commands.
/// Each command is split into words as a POSIX shell would for the simple
/// quoting used in docs (double and single quotes, no expansion).
pub fn shell_commands(text: &str) -> Vec<Vec<String>> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
        } else {
            current.push_str(line);
            joined.push(std::mem::take(&mut current));
        }
    }
    let mut commands = Vec::new();
    for line in joined {
        let mut words = Vec::new();
        let (mut word, mut quote, mut any) = (String::new(), None, false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    any = true;
                }
                (None, '#') if word.is_empty() && !any => break,
                (None, '&') if chars.peek() == Some(&'&') => {
                    chars.next();
                    if any {
                        words.push(std::mem::take(&mut word));
                        any = false;
                    }
                    commands.push(std::mem::take(&mut words));
                }
                (None, c) if c.is_whitespace() => {
                    if any {
                        words.push(std::mem::take(&mut word));
                        any = false;
                    }
                }
                (None, c) => {
                    word.push(c);
                    any = true;
                }
            }
        }
        if any {
            words.push(word);
        }
        if !words.is_empty() {
            commands.push(words);
        }
    }
    commands
}

/// Runs a documented `topics …` command (its first word must be `topics`)
/// in `dir`.
pub fn run_documented(dir: &Path, command: &[String]) -> Run {
    assert_eq!(command[0], "topics", "not a topics command: {command:?}");
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    topics(dir, &args)
}
