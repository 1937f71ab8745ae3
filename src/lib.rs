//! `topics`: topics from open-ended survey answers, checked against a
//! conjoint experiment.
//!
//! The modules follow the data:
//! [`text`] (an answer → tokens) → [`corpus`] (answers → a counted corpus)
//! → [`lda`] (a corpus → a topic model) → conjoint / link → report.
//!
//! The `topics` binary is a thin command-line layer over this library; every
//! capability is usable from Rust.

#![warn(missing_docs)]

pub mod conjoint;
pub mod corpus;
pub mod error;
pub mod explore;
mod fast_map;
// Test support (fuzz targets, tests): reachable, not part of the API.
#[doc(hidden)]
pub mod fuzz;
pub mod io;
pub mod lda;
pub mod link;
pub mod math;
pub mod render;
pub mod report;
pub mod serve;
pub mod text;

pub use error::{Error, Result};
