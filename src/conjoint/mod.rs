//! Choice-based conjoint analysis: the estimates of the R packages cregg
//! and cjoint, computed natively.
//!
//! A conjoint experiment shows respondents pairs of profiles whose
//! features are randomized and records which they chose (or a rating).
//! [`data`] reads the long CSV and its design; [`estimate`] computes
//! average marginal component effects (AMCEs), marginal means, subgroup
//! differences and tests, level frequencies and profile predictions, all
//! with respondent-clustered standard errors ([`ols`]); [`output`] prints
//! them and [`plot`] draws them.
//!
//! ```no_run
//! use topics::conjoint::{data::{ConjointData, DesignFile, Spec}, design::Options, estimate};
//! let path = std::path::Path::new("immigration.json");
//! let spec = Spec::from_design(DesignFile::load(path)?, path);
//! let data = ConjointData::read("immigration.csv".as_ref(), &spec)?;
//! let rows = estimate::amce(&data, "ChosenImmigrant", &Options::default())?;
//! # Ok::<(), topics::Error>(())
//! ```

pub mod data;
pub mod design;
pub mod error;
pub mod estimate;
pub mod linalg;
pub mod ols;
pub mod output;
pub mod plot;
pub mod restrictions;
// Simulated data for examples and tests: reachable, not part of the API.
#[doc(hidden)]
pub mod simulate;
/// The distribution functions, now in [`crate::math`]; this path is kept.
pub use crate::math as stats;

pub use error::ConjointError;
