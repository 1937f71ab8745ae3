//! The design file as written on disk: column roles, level orders, labels
//! and restrictions.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::conjoint::error::ConjointError;
use crate::error::{Error, Result};
use crate::io::{display_path, read_text};

/// Column roles in a design file (the shared sidecar layout).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Roles {
    /// Column holding the respondent id (the clustering unit).
    pub respondent_id: Option<String>,
    /// Column numbering a respondent's tasks; accepted so shared design files read, unused by the estimators.
    pub task: Option<String>,
    /// Column numbering the profiles within a task; accepted, unused by the estimators.
    pub profile: Option<String>,
    /// The feature (attribute) columns, in display order.
    pub attributes: Vec<String>,
    /// The outcome columns (choice or rating).
    pub outcomes: Vec<String>,
    /// Columns that are constant within a respondent (covariates for `--by`).
    pub respondent_covariates: Vec<String>,
    /// The survey weights column, used only when asked for.
    pub weights: Option<String>,
}

/// A design file as written on disk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DesignFile {
    /// Which column plays which role.
    pub roles: Roles,
    /// Level order per feature (and per grouping column, if wanted); the
    /// first level is the reference.
    pub levels: BTreeMap<String, Vec<String>>,
    /// Display names of features for tables and plots.
    pub labels: BTreeMap<String, String>,
    /// Restrictions between features (any entry makes the design
    /// restricted; see [`Spec::restrictions`](super::Spec::restrictions)).
    pub restrictions: Vec<serde_json::Value>,
}

impl DesignFile {
    /// Reads and parses a design file, naming the line and column of a JSON
    /// error.
    pub fn load(path: &Path) -> Result<DesignFile> {
        let text = read_text(path)?;
        serde_json::from_str(&text).map_err(|e| {
            Error::from(ConjointError::BadDesign {
                path: display_path(path),
                message: format!(
                    "line {} column {}: {}",
                    e.line(),
                    e.column(),
                    // serde_json appends the position itself; say it once.
                    e.to_string().trim_end_matches(&format!(
                        " at line {} column {}",
                        e.line(),
                        e.column()
                    ))
                ),
            })
        })
    }
}
