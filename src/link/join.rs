//! Joining conjoint respondents to their answers in the topic model.
//!
//! The key of a respondent is their conjoint respondent id, or the value of
//! a named per-respondent column (`--answers-id`) when the answers were
//! numbered differently. The key is matched against the answer ids saved in
//! the model. Every way the two files can disagree is counted and named in
//! the [`JoinReport`]; an ambiguous match (an answer id used twice in the
//! model, or one answer claimed by two respondents) joins nobody rather than
//! guessing, and nothing is joined twice.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::LinkError;
use crate::conjoint::data::ConjointData;
use crate::error::Result;
use crate::io::{display_path, read_text, InputFormat};

/// How many example ids a report lists per problem.
pub const EXAMPLE_IDS: usize = 10;

/// Counts (and the first few ids) of everything that did or did not join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinReport {
    /// Respondents in the conjoint data.
    pub conjoint_respondents: usize,
    /// Answers fitted in the model.
    pub answers: usize,
    /// Respondents joined to exactly one answer.
    pub joined: usize,
    /// Conjoint rows of the joined respondents (the rows every estimate
    /// uses).
    pub rows_joined: usize,
    /// Conjoint rows left out because their respondent did not join.
    pub rows_left_out: usize,
    /// Respondents whose key is not an answer id of the model (no answer,
    /// a blank answer, a non-answer such as `don't know`, or one with no
    /// words left after preprocessing).
    pub respondents_without_answer: usize,
    /// The first few of them, to look up.
    pub respondents_without_answer_ids: Vec<String>,
    /// Respondents with an empty key (`--answers-id` cell empty).
    pub respondents_without_key: usize,
    /// Answers whose id no respondent has.
    pub answers_without_conjoint: usize,
    /// The first few of them, to look up.
    pub answers_without_conjoint_ids: Vec<String>,
    /// Answer ids that occur more than once in the model; their
    /// respondents are not joined.
    pub duplicated_answer_ids: usize,
    /// The first few of them, to look up.
    pub duplicated_answer_ids_list: Vec<String>,
    /// Answers claimed by more than one respondent (through
    /// `--answers-id`); none of those respondents is joined.
    pub answers_claimed_twice: usize,
    /// The first few of them, to look up.
    pub answers_claimed_twice_ids: Vec<String>,
}

impl JoinReport {
    /// What kept respondents or answers out of the join, each with its
    /// count and (some of) its ids, in the order the views list them.
    pub fn problems(&self) -> [(&'static str, usize, &[String]); 4] {
        [
            (
                "respondents without an answer in the model",
                self.respondents_without_answer,
                &self.respondents_without_answer_ids,
            ),
            (
                "answers without conjoint rows",
                self.answers_without_conjoint,
                &self.answers_without_conjoint_ids,
            ),
            (
                "answer ids used twice in the model (not joined)",
                self.duplicated_answer_ids,
                &self.duplicated_answer_ids_list,
            ),
            (
                "answers claimed by several respondents (not joined)",
                self.answers_claimed_twice,
                &self.answers_claimed_twice_ids,
            ),
        ]
    }
}

/// The result of a join.
#[derive(Debug, Clone)]
pub struct Join {
    /// For each conjoint respondent (as numbered in
    /// [`ConjointData::respondent_ids`]), the index of their answer in the
    /// model's documents.
    pub doc_of_respondent: Vec<Option<usize>>,
    /// What was joined and left out, for the analyst.
    pub report: JoinReport,
}

impl Join {
    /// Joins respondents (by `keys`, one per respondent, `None` when empty)
    /// to answers (by `answer_ids`, in model order); `rows_per_respondent`
    /// counts each respondent's conjoint rows.
    pub fn new(
        keys: &[Option<String>],
        answer_ids: &[&str],
        rows_per_respondent: &[usize],
    ) -> Join {
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (d, id) in answer_ids.iter().enumerate() {
            by_id.entry(id).or_default().push(d);
        }
        let mut duplicated: Vec<String> = by_id
            .iter()
            .filter(|(_, docs)| docs.len() > 1)
            .map(|(id, _)| id.to_string())
            .collect();
        sort_ids(&mut duplicated);
        let mut claims: HashMap<&str, usize> = HashMap::new();
        for key in keys.iter().flatten() {
            *claims.entry(key.as_str()).or_default() += 1;
        }
        let mut claimed_twice: Vec<String> = claims
            .iter()
            .filter(|(id, &n)| n > 1 && by_id.contains_key(*id))
            .map(|(id, _)| id.to_string())
            .collect();
        sort_ids(&mut claimed_twice);
        let mut doc_of_respondent = vec![None; keys.len()];
        let mut without_answer = Vec::new();
        let mut without_key = 0;
        for (r, key) in keys.iter().enumerate() {
            let Some(key) = key else {
                without_key += 1;
                continue;
            };
            match by_id.get(key.as_str()) {
                None => without_answer.push(key.clone()),
                Some(docs) if docs.len() == 1 && claims[key.as_str()] == 1 => {
                    doc_of_respondent[r] = Some(docs[0]);
                }
                Some(_) => {}
            }
        }
        sort_ids(&mut without_answer);
        let mut seen = std::collections::HashSet::new();
        let answers_without: Vec<String> = answer_ids
            .iter()
            .filter(|id| !claims.contains_key(*id) && seen.insert(**id))
            .map(|id| id.to_string())
            .collect();
        let rows_joined = doc_of_respondent
            .iter()
            .zip(rows_per_respondent)
            .filter(|(d, _)| d.is_some())
            .map(|(_, &n)| n)
            .sum();
        let total_rows: usize = rows_per_respondent.iter().sum();
        let report = JoinReport {
            conjoint_respondents: keys.len(),
            answers: answer_ids.len(),
            joined: doc_of_respondent.iter().flatten().count(),
            rows_joined,
            rows_left_out: total_rows - rows_joined,
            respondents_without_answer: without_answer.len(),
            respondents_without_answer_ids: first(&without_answer),
            respondents_without_key: without_key,
            answers_without_conjoint: answers_without.len(),
            answers_without_conjoint_ids: first(&answers_without),
            duplicated_answer_ids: duplicated.len(),
            duplicated_answer_ids_list: first(&duplicated),
            answers_claimed_twice: claimed_twice.len(),
            answers_claimed_twice_ids: first(&claimed_twice),
        };
        Join {
            doc_of_respondent,
            report,
        }
    }

    /// Joins `data` to the model's answers, by respondent id or by the
    /// per-respondent column `answers_id` of the CSV at `data_path`.
    pub fn of(
        data: &ConjointData,
        data_path: &Path,
        respondent_column: &str,
        answers_id: Option<&str>,
        answer_ids: &[&str],
        model_path: &Path,
    ) -> Result<Join> {
        let keys: Vec<Option<String>> = match answers_id {
            None => data.respondent_ids.iter().cloned().map(Some).collect(),
            Some(column) => {
                let values = respondent_values(data_path, respondent_column, column, "respondent")?;
                data.respondent_ids
                    .iter()
                    .map(|r| values.get(r).cloned().flatten())
                    .collect()
            }
        };
        let mut rows = vec![0usize; data.respondent_ids.len()];
        for &r in &data.respondent {
            rows[r as usize] += 1;
        }
        let join = Join::new(&keys, answer_ids, &rows);
        if join.report.joined == 0 {
            return Err(LinkError::NoOverlap {
                model: display_path(model_path),
                data: display_path(data_path),
                data_ids: first(&keys.iter().flatten().cloned().collect::<Vec<_>>())
                    .into_iter()
                    .take(3)
                    .collect(),
                model_ids: answer_ids.iter().take(3).map(|s| s.to_string()).collect(),
            }
            .into());
        }
        Ok(join)
    }
}

fn first(ids: &[String]) -> Vec<String> {
    ids.iter().take(EXAMPLE_IDS).cloned().collect()
}

/// Numeric ids in numeric order, then the rest in text order, so lists read
/// naturally ("2, 10" rather than "10, 2").
fn sort_ids(ids: &mut [String]) {
    ids.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    });
}

/// The value of `column` for each respondent (or answer: `unit` names
/// which, for the error) of a long CSV, keyed by `respondent_column`
/// (`None` where empty or `NA`). The value must be the same on all of a
/// key's rows; the first row that differs is named.
pub fn respondent_values(
    path: &Path,
    respondent_column: &str,
    column: &str,
    unit: &str,
) -> Result<BTreeMap<String, Option<String>>> {
    respondent_values_in(&read_text(path)?, path, respondent_column, column, unit)
}

/// As [`respondent_values`], of the file's `text` already read (a file read
/// once: a pipe such as `<(…)` cannot be read twice).
pub fn respondent_values_in(
    text: &str,
    path: &Path,
    respondent_column: &str,
    column: &str,
    unit: &str,
) -> Result<BTreeMap<String, Option<String>>> {
    let shown = display_path(path);
    let delimiter = match InputFormat::from_path(path) {
        InputFormat::Delimited(d) => d,
        InputFormat::Lines => b',',
    };
    let (mut reader, header) = crate::io::delimited_reader(text, delimiter, &shown)?;
    let csv_error = |e: csv::Error| crate::io::csv_error(&shown, text, e);
    let find = |name: &str| crate::io::find_column(&header, name, &shown);
    let (rc, vc) = (find(respondent_column)?, find(column)?);
    let mut values: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    let mut lines = crate::io::LineCounter::new(text);
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = lines.line_of(record.position());
        let respondent = record.get(rc).unwrap_or("").trim().to_string();
        let raw = record.get(vc).unwrap_or("").trim();
        let value = (!(raw.is_empty() || raw == "NA" || raw == "NaN")).then(|| raw.to_string());
        match values.get(&respondent) {
            None => {
                values.insert(respondent, value);
            }
            Some(seen) if *seen == value => {}
            Some(seen) => {
                return Err(LinkError::NotConstant {
                    path: shown.clone(),
                    line,
                    message: format!(
                        "column '{column}' is '{}' for {unit} '{respondent}', but '{}' on an earlier row; \
                         it must be the same on every row of {unit} '{respondent}'",
                        value.unwrap_or_default(),
                        seen.clone().unwrap_or_default()
                    ),
                }
                .into())
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[&str]) -> Vec<Option<String>> {
        ids.iter()
            .map(|s| (!s.is_empty()).then(|| s.to_string()))
            .collect()
    }

    #[test]
    fn every_mismatch_is_counted_and_nothing_joins_twice() {
        // Respondents r1..r6; answers a (twice!), b, c, e, z.
        let k = keys(&["a", "b", "c", "c", "d", ""]);
        let answers = ["a", "b", "c", "a", "e", "z"];
        let rows = [2, 4, 6, 8, 10, 12];
        let j = Join::new(&k, &answers, &rows);
        // r1 -> "a" is duplicated in the model: not joined.
        // r2 -> b joins; r3, r4 both claim c: neither joins.
        // r5 -> d has no answer; r6 has no key.
        assert_eq!(j.doc_of_respondent, [None, Some(1), None, None, None, None]);
        let r = &j.report;
        assert_eq!((r.conjoint_respondents, r.answers, r.joined), (6, 6, 1));
        assert_eq!((r.rows_joined, r.rows_left_out), (4, 38));
        assert_eq!(r.respondents_without_answer_ids, ["d"]);
        assert_eq!(r.respondents_without_key, 1);
        assert_eq!(r.answers_without_conjoint_ids, ["e", "z"]);
        assert_eq!(r.duplicated_answer_ids_list, ["a"]);
        assert_eq!(r.answers_claimed_twice_ids, ["c"]);
    }

    #[test]
    fn ids_listed_in_natural_order_and_capped() {
        let k: Vec<Option<String>> = (1..=30).rev().map(|i| Some(format!("{i}"))).collect();
        let j = Join::new(&k, &["x"], &[1; 30]);
        assert_eq!(j.report.respondents_without_answer, 30);
        assert_eq!(j.report.respondents_without_answer_ids.len(), EXAMPLE_IDS);
        let mut ids = vec!["10".to_string(), "2".into(), "b".into(), "a".into()];
        sort_ids(&mut ids);
        assert_eq!(ids, ["2", "10", "a", "b"]);
    }
}
