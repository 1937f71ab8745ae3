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
        /// The data file.
        path: PathBuf,
        /// 1-based line of the cell.
        line: u64,
        /// Column of the cell.
        column: String,
        /// The cell's text.
        value: String,
    },

    /// An outcome or weight cell is a number, but infinite (`inf`, `1e400`)
    /// or so large that the estimates' sums of squares would overflow.
    #[error(
        "{}: line {line}: column '{column}': '{value}' is too large: values must be finite and within ±{limit:e}, or the estimates' sums of squares overflow (rescale the column)",
        path.display()
    )]
    OutOfRange {
        /// The data file.
        path: PathBuf,
        /// 1-based line of the cell.
        line: u64,
        /// Column of the cell.
        column: String,
        /// The cell's text.
        value: String,
        /// The largest magnitude accepted.
        limit: f64,
    },

    /// A required cell (respondent id, feature level, weight) is empty.
    #[error("{}: line {line}: column '{column}' is empty ({what} is required on every row)", path.display())]
    EmptyCell {
        /// The data file.
        path: PathBuf,
        /// 1-based line of the cell.
        line: u64,
        /// Column of the cell.
        column: String,
        /// What the column is for (respondent id, level, weight).
        what: &'static str,
    },

    /// The data holds a level the design file does not list.
    #[error(
        "{}: line {line}: feature '{feature}' has level '{level}', which the design does not list (it lists: {})",
        path.display(),
        known.join(", ")
    )]
    UnknownLevel {
        /// The data file.
        path: PathBuf,
        /// 1-based line of the row.
        line: u64,
        /// The feature (column).
        feature: String,
        /// The level the design does not list.
        level: String,
        /// The levels the design lists.
        known: Vec<String>,
    },

    /// A level of the design (or of `--reference`) never occurs in the data.
    #[error("{}: feature '{feature}': level '{level}' never occurs in the data", path.display())]
    LevelNeverSeen {
        /// The data file.
        path: PathBuf,
        /// The feature (column).
        feature: String,
        /// The level that never occurs.
        level: String,
    },

    /// A feature needs at least two levels to have an effect.
    #[error("{}: feature '{feature}' has only one level ('{level}'); a feature needs at least two", path.display())]
    SingleLevel {
        /// The data file.
        path: PathBuf,
        /// The feature (column).
        feature: String,
        /// Its only level.
        level: String,
    },

    /// The design file cannot be read as a design.
    #[error("{}: {message}", path.display())]
    BadDesign {
        /// The design file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// The design restricts which levels can appear together.
    #[error("{message}")]
    Restricted {
        /// The restrictions found, and how to proceed.
        message: String,
    },

    /// The model cannot be estimated: a coefficient is not identified.
    #[error("cannot estimate {what}: coefficient '{coefficient}' is not identified (no data, or collinear with other levels)")]
    NotIdentified {
        /// The estimate that was asked for.
        what: String,
        /// The coefficient (feature and level) without identifying data.
        coefficient: String,
    },

    /// A request (profile, grouping, binarize rule, option) is invalid.
    #[error("{0}")]
    Request(String),

    /// A probability was asked of an outcome that is not 0/1.
    #[error(
        "{}: line {line}: column '{column}' has the value {value}, but {what} needs a 0/1 outcome (use --binarize to make one)",
        path.display()
    )]
    NotBinary {
        /// The data file.
        path: PathBuf,
        /// 1-based line of the first non-0/1 value.
        line: u64,
        /// The outcome column.
        column: String,
        /// The value found.
        value: f64,
        /// The estimate that needs a 0/1 outcome.
        what: String,
    },
}

impl ConjointError {
    /// Exit codes 30–39, one per class of problem.
    pub fn exit_code(&self) -> i32 {
        match self {
            ConjointError::NotNumeric { .. } | ConjointError::OutOfRange { .. } => 30,
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
