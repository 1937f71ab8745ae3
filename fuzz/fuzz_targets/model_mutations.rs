//! A valid model edited as the bytes say, its checksum recomputed: refused
//! as a bad model (exit 9) or loaded into a model whose θ and φ are
//! distributions; never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = topics::fuzz::model_mutations(data);
});
