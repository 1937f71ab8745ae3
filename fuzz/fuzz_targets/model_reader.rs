//! Any bytes given as a model file: refused with a reason or loaded, never
//! a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    topics::fuzz::model_reader(data);
});
