//! Any bytes given as a randomization file for a restricted conjoint, with
//! the restricted estimates run on what resolves.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    topics::fuzz::randomization(data);
});
