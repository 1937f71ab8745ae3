//! `TOPICS_SIMD` changes the sampler's speed, never its result: `topics fit`
//! writes the same model file, byte for byte, on every instruction set the
//! CPU has (the AVX2 path is always compared with the portable one on
//! x86_64), and a value it cannot honour is reported, not obeyed.

use std::path::Path;
use std::process::Command;

/// The committed synthetic corpus (300 short answers).
fn corpus() -> String {
    format!(
        "{}/tests/data/corpora/synthetic_k3_d300.txt",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Fits the corpus at `k` topics under `TOPICS_SIMD=isa`; returns the model
/// file's bytes and stderr.
fn fit_with(dir: &Path, isa: &str, k: usize) -> (Vec<u8>, String) {
    let model = dir.join(format!("model_{isa}_{k}.json"));
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(["fit", "--pretokenized", &corpus(), "-k", &k.to_string()])
        .args(["--iterations", "40", "--threads", "2", "--seed", "5", "-o"])
        .arg(&model)
        .env("TOPICS_SIMD", isa)
        .output()
        .expect("the topics binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "TOPICS_SIMD={isa}: {stderr}");
    (
        std::fs::read(&model).expect("the model was written"),
        stderr,
    )
}

/// The instruction sets this CPU can run, portable first.
fn available() -> Vec<&'static str> {
    let mut sets = vec!["portable"];
    #[cfg(target_arch = "x86_64")]
    {
        assert!(
            std::arch::is_x86_feature_detected!("avx2"),
            "this x86_64 CPU lacks AVX2: the AVX2 path cannot be compared"
        );
        sets.push("avx2");
        if std::arch::is_x86_feature_detected!("avx512f") {
            sets.push("avx512");
        } else {
            eprintln!("no AVX-512 on this CPU: compared portable and avx2 only");
        }
    }
    sets
}

/// K = 20 takes the dense rows, K = 130 the sparse lists on these short
/// answers: both kernels, every path, the same bytes.
#[test]
fn every_instruction_set_writes_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    for k in [20, 130] {
        let (portable, _) = fit_with(dir.path(), "portable", k);
        for isa in &available()[1..] {
            let (model, stderr) = fit_with(dir.path(), isa, k);
            assert!(!stderr.contains("warning"), "{isa}: {stderr}");
            assert!(
                model == portable,
                "K {k}: TOPICS_SIMD={isa} wrote another model"
            );
        }
    }
}

/// A misspelt value is reported on stderr and the detected path is used:
/// the model is the same as any other path's.
#[test]
fn an_unknown_instruction_set_is_reported_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (portable, _) = fit_with(dir.path(), "portable", 20);
    let (model, stderr) = fit_with(dir.path(), "sse9", 20);
    assert!(
        stderr.contains("TOPICS_SIMD=\"sse9\" is not one of portable, avx2, avx512"),
        "{stderr}"
    );
    assert!(model == portable);
}
