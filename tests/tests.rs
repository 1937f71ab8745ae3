//! The one integration-test binary: every former `tests/*.rs` file is a
//! module here, sharing `util`. One binary links the crate once instead of
//! once a file, which is most of the build time of `cargo test` on small
//! machines (Cargo.toml sets `autotests = false` and names only this file).

mod util;

mod atomic_write;
mod browser;
mod chains;
mod conjoint_cli;
mod conjoint_estimates;
mod conjoint_example;
mod conjoint_reference;
mod examples_data;
mod exit_codes;
mod explore_cli;
mod explore_select_k;
mod files_safety;
mod fit_cli;
mod flags_cli;
mod fuzz_corpus;
mod help_examples;
mod input_matrix;
mod labels_cli;
mod lda_properties;
mod lda_reference;
mod link_cli;
mod link_study;
mod model_validation;
mod readme_walkthrough;
mod render_bytes;
mod report_findings;
mod report_html;
mod restricted_cli;
mod restricted_reference;
mod sampler;
mod serve_api;
mod serve_load;
mod serve_routes;
mod simd_override;
mod text;
mod text_korean;
mod text_properties;
mod theme_recovery;
mod validate_cli;
