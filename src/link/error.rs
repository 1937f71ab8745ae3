//! What can be wrong when linking topics to a conjoint experiment.
//!
//! The crate's [`crate::Error::Link`] wraps these and gives each an exit
//! code in 50–59.

use std::path::PathBuf;

/// A link-specific failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// Not one conjoint respondent has an answer in the model: the ids do
    /// not match (wrong id column, or ids written differently).
    #[error(
        "no conjoint respondent of {} has an answer in the model {} (conjoint ids look like {}; answer ids look like {}): use --answers-id COL to name the conjoint column that holds the answer id",
        data.display(),
        model.display(),
        data_ids.join(", "),
        model_ids.join(", ")
    )]
    NoOverlap {
        /// The model file.
        model: PathBuf,
        /// The conjoint data file.
        data: PathBuf,
        /// A few conjoint ids, to compare by eye.
        data_ids: Vec<String>,
        /// A few answer ids of the model, to compare by eye.
        model_ids: Vec<String>,
    },

    /// A per-respondent column (answer id, covariate) takes two values for
    /// one respondent, or a per-answer column (a code, a covariate) two
    /// values for one answer.
    /// (`message` says which column, respondent or answer and values, so
    /// the error stays small.)
    #[error("{}: line {line}: {message}", path.display())]
    NotConstant {
        /// The conjoint data or covariates file.
        path: PathBuf,
        /// 1-based line of the first row that disagrees.
        line: u64,
        /// Which column, respondent and values.
        message: String,
    },

    /// The words-to-levels mapping file cannot be read.
    #[error("{}: line {line}: {message}", path.display())]
    BadMapping {
        /// The mapping file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },

    /// A topic group cannot be estimated in any draw (too few respondents).
    #[error("{0}")]
    NothingToEstimate(String),

    /// The request does not fit the model or the data.
    #[error("{0}")]
    Request(String),
}

impl LinkError {
    /// Exit codes 50–59, one per class of problem.
    pub fn exit_code(&self) -> i32 {
        match self {
            LinkError::NoOverlap { .. } => 50,
            LinkError::NotConstant { .. } => 51,
            LinkError::BadMapping { .. } => 52,
            LinkError::NothingToEstimate(_) => 53,
            LinkError::Request(_) => 54,
        }
    }
}
