//! What can be wrong with a conjoint data set, design file or request.
//!
//! Each variant names the file, line, column or level to fix; the crate's
//! [`crate::Error::Conjoint`] wraps it and gives it an exit code in 30–39.

use std::path::PathBuf;

/// A conjoint-specific failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConjointError {
    /// An outcome or weight cell is not a number.
    #[error("{}: line {line}: column '{column}': '{value}' is not a number", path.display())]
    NotNumeric {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },

    /// A required cell (respondent id, feature level, weight) is empty.
    #[error("{}: line {line}: column '{column}' is empty ({what} is required on every row)", path.display())]
    EmptyCell {
        path: PathBuf,
        line: u64,
        column: String,
        what: &'static str,
    },

    /// The data holds a level the design file does not list.
    #[error(
        "{}: line {line}: feature '{feature}' has level '{level}', which the design does not list (it lists: {})",
        path.display(),
        known.join(", ")
    )]
    UnknownLevel {
        path: PathBuf,
        line: u64,
        feature: String,
        level: String,
        known: Vec<String>,
    },

    /// A level of the design (or of `--reference`) never occurs in the data.
    #[error("{}: feature '{feature}': level '{level}' never occurs in the data", path.display())]
    LevelNeverSeen {
        path: PathBuf,
        feature: String,
        level: String,
    },

    /// A feature needs at least two levels to have an effect.
    #[error("{}: feature '{feature}' has only one level ('{level}'); a feature needs at least two", path.display())]
    SingleLevel {
        path: PathBuf,
        feature: String,
        level: String,
    },

    /// The design file cannot be read as a design.
    #[error("{}: {message}", path.display())]
    BadDesign { path: PathBuf, message: String },

    /// The design restricts which levels can appear together.
    #[error("{message}")]
    Restricted { message: String },

    /// The model cannot be estimated: a coefficient is not identified.
    #[error("cannot estimate {what}: coefficient '{coefficient}' is not identified (no data, or collinear with other levels)")]
    NotIdentified { what: String, coefficient: String },

    /// A request (profile, grouping, binarize rule, option) is invalid.
    #[error("{0}")]
    Request(String),

    /// A probability was asked of an outcome that is not 0/1.
    #[error(
        "{}: line {line}: column '{column}' has the value {value}, but {what} needs a 0/1 outcome (use --binarize to make one)",
        path.display()
    )]
    NotBinary {
        path: PathBuf,
        line: u64,
        column: String,
        value: f64,
        what: String,
    },
}

impl ConjointError {
    /// Exit codes 30–39, one per class of problem.
    pub fn exit_code(&self) -> i32 {
        match self {
            ConjointError::NotNumeric { .. } => 30,
            ConjointError::EmptyCell { .. } => 31,
            ConjointError::UnknownLevel { .. } | ConjointError::LevelNeverSeen { .. } => 32,
            ConjointError::SingleLevel { .. } => 33,
            ConjointError::BadDesign { .. } => 34,
            ConjointError::Restricted { .. } => 35,
            ConjointError::NotIdentified { .. } => 36,
            ConjointError::Request(_) => 37,
            ConjointError::NotBinary { .. } => 38,
        }
    }
}
