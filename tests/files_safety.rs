//! Output files cannot destroy inputs, symlinks are written through, an
//! interrupted write leaves nothing behind, and a full standard output is
//! an I/O error (exit 4).

use crate::util;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{fit_pretokenized, fit_pretokenized_args, topics};

const ANSWERS: &str = "a b a\nb c b\nc a c\n";

/// A directory with `a.txt` and its model `m.json`.
fn with_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), ANSWERS).unwrap();
    fit_pretokenized(
        dir.path(),
        "a.txt",
        2,
        &["--iterations", "5", "-o", "m.json"],
    )
    .ok();
    dir
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn temporaries(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with(".topics-"))
        .collect()
}

/// Runs `args` in `dir`, expecting the same-file refusal naming `output`
/// and `input`, with every file in `dir` unchanged.
fn refused<S: AsRef<OsStr> + std::fmt::Debug>(dir: &Path, args: &[S], output: &str, input: &str) {
    let before: Vec<(String, Vec<u8>)> = names_in(dir)
        .into_iter()
        .filter(|n| dir.join(n).is_file())
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect();
    let run = topics(dir, args);
    assert_eq!(run.code, 12, "{args:?}: {}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("topics: error: {output}: is the same file as the input {input}; writing it would destroy the input: choose another output path\n"),
        "{args:?}"
    );
    for (name, bytes) in before {
        assert_eq!(
            std::fs::read(dir.join(&name)).unwrap(),
            bytes,
            "{args:?} changed {name}"
        );
    }
    assert!(temporaries(dir).is_empty());
}

#[test]
fn fit_and_select_k_refuse_to_overwrite_their_answers() {
    let dir = with_model();
    let p = dir.path();
    refused(
        p,
        &fit_pretokenized_args("a.txt", 2, &["-o", "a.txt"]),
        "a.txt",
        "a.txt",
    );
    // The same file under another name: a different path, a hard link.
    std::fs::create_dir(p.join("sub")).unwrap();
    refused(
        p,
        &fit_pretokenized_args("a.txt", 2, &["-o", "sub/../a.txt"]),
        "sub/../a.txt",
        "a.txt",
    );
    std::fs::hard_link(p.join("a.txt"), p.join("hard.txt")).unwrap();
    refused(
        p,
        &fit_pretokenized_args("hard.txt", 2, &["-o", "a.txt"]),
        "a.txt",
        "hard.txt",
    );
    // Refused before the input is read: a CSV without its text column
    // would otherwise fail with exit 6.
    std::fs::write(p.join("s.csv"), "id,answer\n1,x\n").unwrap();
    refused(p, &["fit", "s.csv", "-o", "s.csv"], "s.csv", "s.csv");
    refused(
        p,
        &[
            "select-k",
            "a.txt",
            "--pretokenized",
            "-k",
            "2",
            "--plot",
            "a.txt",
        ],
        "a.txt",
        "a.txt",
    );
}

#[test]
fn report_link_and_conjoint_refuse_to_overwrite_their_inputs() {
    let dir = with_model();
    let p = dir.path();
    refused(p, &["report", "m.json", "-o", "m.json"], "m.json", "m.json");
    topics(p, &["label", "m.json", "0", "Trust"]).ok();
    refused(
        p,
        &["report", "m.json", "-o", "m.json.labels.json"],
        "m.json.labels.json",
        "m.json.labels.json",
    );
    // Checked first: the conjoint files need not even exist.
    let link = [
        "link",
        "--model",
        "m.json",
        "--conjoint",
        "c.csv",
        "--design",
        "d.json",
    ];
    refused(
        p,
        &[&link[..], &["-o", "m.json"]].concat(),
        "m.json",
        "m.json",
    );
    std::fs::write(p.join("estimates.csv"), "respondent,x\n").unwrap();
    let link = [
        "link",
        "--model",
        "m.json",
        "--conjoint",
        "estimates.csv",
        "--design",
        "d.json",
    ];
    refused(
        p,
        &[&link[..], &["--csv-dir", "."]].concat(),
        "./estimates.csv",
        "estimates.csv",
    );
    refused(
        p,
        &["conjoint", "estimates.csv", "--plot", "estimates.csv"],
        "estimates.csv",
        "estimates.csv",
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_written_through() {
    use std::os::unix::fs::symlink;
    let dir = with_model();
    let p = dir.path();
    std::fs::create_dir(p.join("elsewhere")).unwrap();
    std::fs::write(p.join("elsewhere/report.html"), "old").unwrap();
    // A chain: link.html -> hop.html -> elsewhere/report.html.
    symlink("elsewhere/report.html", p.join("hop.html")).unwrap();
    symlink("hop.html", p.join("link.html")).unwrap();
    topics(p, &["report", "m.json", "-o", "link.html"]).ok();
    assert!(std::fs::symlink_metadata(p.join("link.html"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(p.join("hop.html"))
        .unwrap()
        .file_type()
        .is_symlink());
    let html = std::fs::read_to_string(p.join("elsewhere/report.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
        "{}",
        &html[..40]
    );
    // A dangling link creates its target.
    symlink("elsewhere/new.json", p.join("dangling.json")).unwrap();
    fit_pretokenized(p, "a.txt", 2, &["--iterations", "5", "-o", "dangling.json"]).ok();
    assert!(std::fs::symlink_metadata(p.join("dangling.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    topics(p, &["show", "elsewhere/new.json"]).ok();
    assert!(temporaries(p).is_empty() && temporaries(&p.join("elsewhere")).is_empty());
    // A link to the input is the input.
    symlink("m.json", p.join("m-link.json")).unwrap();
    refused(
        p,
        &["report", "m.json", "-o", "m-link.json"],
        "m-link.json",
        "m.json",
    );
}

/// Starts `fit -o m.json` with every write held open 30 s (the test-only
/// `TOPICS_TEST_WRITE_DELAY_MS`), waits until its temporary file exists,
/// sends `signal` and returns the exit code.
#[cfg(unix)]
fn interrupt_mid_write(dir: &Path, signal: libc::c_int) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(fit_pretokenized_args(
            "a.txt",
            2,
            &["--iterations", "5", "-o", "m.json"],
        ))
        .env("TOPICS_TEST_WRITE_DELAY_MS", "30000")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temporaries(dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: sends a signal to our own child.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    let status = child.wait().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(25),
        "the write was not interrupted"
    );
    status.code()
}

#[cfg(unix)]
#[test]
fn interrupted_writes_leave_no_temporary_file() {
    let dir = with_model();
    let p = dir.path();
    let previous = std::fs::read(p.join("m.json")).unwrap();
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        assert_eq!(
            interrupt_mid_write(p, signal),
            Some(code),
            "signal {signal}"
        );
        assert_eq!(temporaries(p), Vec::<String>::new(), "signal {signal}");
        assert_eq!(
            std::fs::read(p.join("m.json")).unwrap(),
            previous,
            "signal {signal}"
        );
    }
}

/// Leftovers of killed processes are swept on the next write into their
/// directory, and only they: ours by name, and provably stale.
#[cfg(unix)]
#[test]
fn stale_temporary_files_are_swept() {
    let dir = with_model();
    let p = dir.path();
    let mut finished = Command::new("true").spawn().unwrap();
    let dead = finished.id();
    finished.wait().unwrap();
    let running = std::process::id();
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    for name in [
        format!(".topics-{dead}-AbCdEf.tmp"),
        format!(".topics-{running}-AbCdEf.tmp"),
        ".topics-XyZ123.tmp".into(),
        ".topics-Old123.tmp".into(),
        ".other-1-x.tmp".into(),
        ".topics-notes.txt".into(),
    ] {
        std::fs::write(p.join(&name), "partial").unwrap();
    }
    let old = std::fs::File::options()
        .write(true)
        .open(p.join(".topics-Old123.tmp"))
        .unwrap();
    old.set_modified(hour_ago).unwrap();
    drop(old);
    std::fs::create_dir(p.join(format!(".topics-{dead}-dir.tmp"))).unwrap();
    topics(p, &["report", "m.json", "-o", "r.html"]).ok();
    let left: Vec<String> = names_in(p)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    let mut expected = vec![
        format!(".topics-{dead}-dir.tmp"),
        format!(".topics-{running}-AbCdEf.tmp"),
        ".other-1-x.tmp".to_string(),
        ".topics-XyZ123.tmp".to_string(),
        ".topics-notes.txt".to_string(),
    ];
    expected.sort();
    assert_eq!(left, expected);
}

/// `show m.json > /dev/full` is an I/O error (exit 4), not a general one.
#[cfg(target_os = "linux")]
#[test]
fn full_standard_output_exits_4() {
    let dir = with_model();
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(["show", "m.json"])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "topics: error: <stdout>: No space left on device (os error 28)\n"
    );
}
