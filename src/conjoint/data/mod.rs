//! Reading a conjoint experiment: a long CSV (one row per profile) and a
//! design that says which columns are the respondent, the features and the
//! outcomes, and in which order each feature's levels go (the first is the
//! reference level).
//!
//! The design file accepts the sidecar form of `../shared/data/conjoint/*.json`
//! (`roles` and `levels`), plus optional `labels` (display names of
//! features) and `restrictions`. Levels are keyed by (feature, level), so
//! the same label in two features never mixes.

mod parse;
mod plain;
mod schema;
mod spec;

pub use parse::{ConjointData, Feature, Grouping, NumericColumn};
pub use schema::{DesignFile, Roles};
pub use spec::Spec;
