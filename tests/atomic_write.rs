//! Nothing lost: a `topics fit -o` killed at any moment, including in the
//! middle of writing the model, leaves the previous model file intact.

use crate::util;

use std::process::{Command, Stdio};

use topics::lda::LdaModel;

/// A pretokenized corpus big enough that writing its model takes a
/// noticeable fraction of a second (many answers × topics).
fn big_corpus() -> String {
    let mut s = String::new();
    let mut x: u64 = 12345;
    for _ in 0..30_000 {
        for _ in 0..12 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(&format!("w{} ", (x >> 33) % 20_000));
        }
        s.push('\n');
    }
    s
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".topics-"))
        .collect()
}

/// Returns once a temporary file exists in `dir` or `child` has exited.
fn wait_for_temp_file(dir: &std::path::Path, child: &mut std::process::Child) {
    while temp_files(dir).is_empty() && child.try_wait().ok().flatten().is_none() {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
}

#[test]
fn killed_fit_leaves_previous_model_intact() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("old.txt"), "a b a\nb c b\nc a c\n").unwrap();
    util::fit_pretokenized(p, "old.txt", 2, &["--iterations", "5", "-o", "m.json"]).ok();
    let previous = std::fs::read(p.join("m.json")).unwrap();
    std::fs::write(p.join("big.txt"), big_corpus()).unwrap();

    // Time one full run, then kill runs at spread-out moments until one
    // dies while its temporary file exists (i.e. mid-write): every other
    // run is killed at a fraction of the full run's time, the others as
    // soon as (or a few milliseconds after) their temporary file appears,
    // so that a model written quickly is still caught mid-write.
    let start = std::time::Instant::now();
    util::fit_pretokenized(p, "big.txt", 40, &["--iterations", "3", "-o", "probe.json"]).ok();
    let full = start.elapsed();
    let mut killed_mid_write = 0;
    for attempt in 0..60u32 {
        let fraction = 0.5 + 0.5 * (attempt as f64 / 60.0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_topics"))
            .args(util::fit_pretokenized_args(
                "big.txt",
                40,
                &["--iterations", "3", "-o", "m.json", "--quotes", "0"],
            ))
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if attempt % 2 == 0 {
            std::thread::sleep(full.mul_f64(fraction));
        } else {
            wait_for_temp_file(p, &mut child);
            std::thread::sleep(std::time::Duration::from_millis((attempt / 2 % 4) as u64));
        }
        let _ = child.kill();
        let _ = child.wait();
        let leftovers = temp_files(p);
        let now = std::fs::read(p.join("m.json")).unwrap();
        // The invariant: the file is the previous model, byte for byte, or
        // (when the rename happened before the kill) the complete new one.
        if now != previous {
            LdaModel::load(&p.join("m.json")).unwrap_or_else(|e| {
                panic!("attempt {attempt}: neither the old model nor a complete new one: {e}")
            });
            std::fs::write(p.join("m.json"), &previous).unwrap();
        }
        if !leftovers.is_empty() {
            killed_mid_write += 1;
            for f in leftovers {
                std::fs::remove_file(p.join(f)).unwrap();
            }
        }
        if killed_mid_write >= 2 {
            break;
        }
    }
    assert!(
        killed_mid_write >= 1,
        "no kill landed during the write; the test did not exercise it"
    );
    LdaModel::load(&p.join("m.json")).unwrap();
}
