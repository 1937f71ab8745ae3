//! Any bytes given as an answers file, read as lines, CSV and TSV.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    topics::fuzz::answers_reader(data);
});
