//! Any bytes (as lossy UTF-8) through the default text pipeline.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    topics::fuzz::tokenizer(data);
});
