//! Helpers shared by the integration tests: run the built `topics` binary
//! in a scratch directory and find the shared benchmark data.

#![allow(dead_code)]

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
        assert_eq!(self.code, 0, "topics failed:\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// Runs `topics args…` in `dir`.
pub fn topics(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the topics binary runs");
    Run::from(out)
}

/// Runs `topics args…` in `dir` with `input` on standard input.
pub fn topics_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
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
/// repository), or `None` with a message saying the check is skipped.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent (the shared corpora live in ../shared/data beside the repository)",
            path.display()
        );
        None
    }
}

/// The repository's own files (examples, fixtures).
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}
