//! The respondent covariates of topic prevalence (`--prevalence-by`), each
//! as answer id → value: from a covariates file keyed by answer id when it
//! has the column, else from the conjoint data through the join.

use std::collections::HashMap;
use std::path::Path;

use super::analysis::Covariate;
use super::join::{respondent_values, respondent_values_in, Join};
use crate::conjoint::data::{ConjointData, Spec};
use crate::error::Result;
use crate::io::{display_path, read_text, InputFormat};
use crate::lda::LdaModel;

/// A covariates file (`--covariates`): `.csv` comma- and `.tsv`
/// tab-separated, with the answer id in `id_column` (`None`: the first).
#[derive(Debug, Clone)]
pub struct CovariatesFile<'a> {
    /// The file, as given (named in errors).
    pub path: &'a Path,
    /// The column holding the answer id (`None`: the first column).
    pub id_column: Option<&'a str>,
    header: Vec<String>,
    /// The file's text, read once (it may be a pipe).
    text: String,
}

impl<'a> CovariatesFile<'a> {
    /// Reads the file's header; a malformed one is an error naming the file.
    pub fn open(path: &'a Path, id_column: Option<&'a str>) -> Result<CovariatesFile<'a>> {
        let text = read_text(path)?;
        let delimiter = match InputFormat::from_path(path) {
            InputFormat::Delimited(d) => d,
            InputFormat::Lines => b',',
        };
        let (_, header) = crate::io::delimited_reader(&text, delimiter, &display_path(path))?;
        Ok(CovariatesFile {
            path,
            id_column,
            header,
            text,
        })
    }

    /// `column` by answer id (answers without a value left out); a column
    /// the file lacks is an error naming the columns it has.
    pub fn required_values(&self, column: &str) -> Result<HashMap<String, String>> {
        self.values(column)?
            .ok_or_else(|| crate::Error::MissingColumn {
                path: display_path(self.path),
                column: column.to_string(),
                available: self.header.clone(),
            })
    }

    /// `column` by answer id (answers without a value left out), or `None`
    /// when the file has no such column.
    pub fn values(&self, column: &str) -> Result<Option<HashMap<String, String>>> {
        if !self.header.iter().any(|h| h == column) {
            return Ok(None);
        }
        let id = self
            .id_column
            .or(self.header.first().map(String::as_str))
            .unwrap_or_default();
        let values = respondent_values_in(&self.text, self.path, id, column, "answer")?;
        Ok(Some(
            values
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
        ))
    }
}

/// The conjoint side of the covariates: the data, its file and design, and
/// the join that maps its respondents to answers in `model`.
pub struct ConjointSource<'a> {
    /// The conjoint rows.
    pub data: &'a ConjointData,
    /// The conjoint file (named in errors about its columns).
    pub path: &'a Path,
    /// The design's roles (respondent id column, …).
    pub spec: &'a Spec,
    /// Which respondent holds which answer.
    pub join: &'a Join,
    /// The model whose answers the covariates describe.
    pub model: &'a LdaModel,
}

/// Each covariate in `names`, from `file` when it has the column, else
/// from the conjoint CSV (a per-respondent column, mapped to answer ids).
pub fn load(
    names: &[String],
    file: Option<&CovariatesFile<'_>>,
    conjoint: &ConjointSource<'_>,
) -> Result<Vec<Covariate>> {
    names
        .iter()
        .map(|name| {
            let from_file = match file {
                Some(f) => f.values(name)?,
                None => None,
            };
            let by_answer = match from_file {
                Some(values) => values,
                None => from_conjoint(conjoint, name)?,
            };
            Ok(Covariate {
                name: name.clone(),
                by_answer,
                levels: conjoint.spec.levels.get(name).cloned(),
            })
        })
        .collect()
}

fn from_conjoint(c: &ConjointSource<'_>, name: &str) -> Result<HashMap<String, String>> {
    let respondent = c.spec.respondent.as_deref().unwrap_or_default();
    let values = respondent_values(c.path, respondent, name, "respondent")?;
    Ok(c.data
        .respondent_ids
        .iter()
        .zip(&c.join.doc_of_respondent)
        .filter_map(|(r, d)| {
            let v = values.get(r).cloned().flatten()?;
            Some((c.model.documents()[(*d)?].id.clone(), v))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tsv_file_is_tab_separated_and_its_errors_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cov.tsv");
        std::fs::write(
            &path,
            "answer\tgroup, with comma\tage\na1\tx, y\t30\na2\t\t41\n",
        )
        .unwrap();
        let file = CovariatesFile::open(&path, None).unwrap();
        let group = file.values("group, with comma").unwrap().unwrap();
        assert_eq!(group.len(), 1, "a2 has no value");
        assert_eq!(group["a1"], "x, y");
        assert_eq!(file.values("age").unwrap().unwrap()["a2"], "41");
        assert_eq!(file.values("income").unwrap(), None);
        let shown = path.display().to_string();
        let e = CovariatesFile::open(&path, Some("id"))
            .unwrap()
            .values("age")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("{shown}: column 'id' not found")),
            "{e}"
        );
        std::fs::write(&path, "answer\tage\na1\t30\textra\n").unwrap();
        let e = CovariatesFile::open(&path, None)
            .unwrap()
            .values("age")
            .unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("{shown}: line 2")),
            "{e}"
        );
    }
}
