//! Any bytes given as a conjoint CSV, with every estimate run on what reads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    topics::fuzz::conjoint_reader(data);
});
