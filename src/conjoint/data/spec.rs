//! The reading spec: which column plays which role, built from a design
//! file and/or flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::DesignFile;

/// Everything needed to read the data: which column plays which role.
/// Built from a design file and/or flags.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// The respondent id column; without it every row is its own cluster.
    pub respondent: Option<String>,
    /// The feature columns to estimate, in display order.
    pub features: Vec<String>,
    /// Level order per column; features missing here get their levels
    /// sorted.
    pub levels: BTreeMap<String, Vec<String>>,
    /// `(feature, level)` pairs to make the reference level.
    pub references: Vec<(String, String)>,
    /// The outcome columns to read.
    pub outcomes: Vec<String>,
    /// The weights column (read, and used, only when set).
    pub weights: Option<String>,
    /// Column that splits respondents into groups.
    pub by: Option<String>,
    /// Display names by column (from the design file).
    pub labels: BTreeMap<String, String>,
    /// Restrictions declared by the design file, as text.
    pub restrictions: Vec<String>,
    /// Where the design came from, for messages.
    pub design_path: Option<PathBuf>,
}

impl Spec {
    /// A spec from a design file. The file's `weights` role is *not* used
    /// unless asked for (as in cregg, where weights apply only when given).
    pub fn from_design(design: DesignFile, path: &Path) -> Spec {
        Spec {
            respondent: design.roles.respondent_id,
            features: design.roles.attributes,
            levels: design.levels,
            references: Vec::new(),
            outcomes: design.roles.outcomes,
            weights: None,
            by: None,
            labels: design.labels,
            restrictions: design.restrictions.iter().map(|r| r.to_string()).collect(),
            design_path: Some(path.to_path_buf()),
        }
    }
}
