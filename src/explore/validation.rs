//! Topics against hand codes: how often an answer's dominant topic is the
//! code a person gave it.
//!
//! Analysts validate a topic model by reading, and by coding a sample of
//! answers themselves and checking that the topics sort those answers the
//! same way (Grimmer & Stewart 2013, "validate, validate, validate"). Codes
//! and topics have no common names, so each topic is matched to one code
//! first, the pairing that agrees most ([`ClassAgreement`]); the same
//! score checks a fit against the known themes of simulated answers.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::matching::ClassAgreement;
use crate::lda::{dominant_topic, LdaModel};

/// The model's answers compared with codes given to them by id.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeValidation {
    /// The distinct codes in natural order (numbers by value): the
    /// columns of [`ClassAgreement::table`].
    pub codes: Vec<String>,
    /// Dominant topic × code over the answers both fitted and coded, and
    /// each topic's matched code (an index into `codes`).
    pub agreement: ClassAgreement,
    /// Coded ids that are not answers of the model, in natural order
    /// (blank answers are left out of a fit; other ids may be typos).
    pub not_in_model: Vec<String>,
    /// Fitted answers that have no code.
    pub uncoded: usize,
    /// The answers both fitted and coded, in the model's order.
    pub answers: Vec<CodedAnswer>,
}

/// One fitted answer as the validation sees it: its id, dominant topic and
/// that topic's share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Call<'a> {
    /// The answer's id.
    pub id: &'a str,
    /// Its dominant topic.
    pub topic: usize,
    /// θ of the dominant topic.
    pub share: f64,
}

/// A fitted answer that has a code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodedAnswer {
    /// Its index among the fitted answers (the model's documents).
    pub doc: usize,
    /// Its code, an index into [`CodeValidation::codes`].
    pub code: usize,
    /// Its dominant topic.
    pub topic: usize,
    /// θ of the dominant topic: how clearly the model calls the answer.
    pub share: f64,
}

/// Lower bounds of the bands of [`CodeValidation::by_share`]: answers the
/// model gives mostly to one topic, answers one topic leads, and mixed
/// answers. Disagreement gathers in the mixed ones, whose dominant topic
/// is close to a coin flip between two topics; an analyst reads the
/// agreement of the clear ones as what the topics can do, and the mixed
/// ones as answers a single code does not describe.
pub const SHARE_BANDS: [f64; 2] = [0.8, 0.6];

/// Agreement among the answers whose dominant topic's share is in
/// `[lower, upper)` (`upper` is `None` for the top band, which holds 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareBand {
    /// The band's lowest share (0 for the last band).
    pub lower: f64,
    /// The share the band stops below; `None` for the top band.
    pub upper: Option<f64>,
    /// Coded answers in the band.
    pub answers: usize,
    /// Of them, the answers whose dominant topic is matched to their code.
    pub agreeing: usize,
}

/// Why codes cannot be compared with the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationError {
    /// No answer has a code (the column is empty or `NA` throughout).
    NoCodes,
    /// No coded id is an answer of the model: the id column is likely the
    /// wrong one.
    NoCommonAnswers {
        /// Coded ids in the file.
        coded: usize,
        /// Up to three of them, in natural order.
        examples: Vec<String>,
    },
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValidationError::NoCodes => write!(f, "no answer has a code in this column"),
            ValidationError::NoCommonAnswers { coded, examples } => write!(
                f,
                "none of the {coded} coded ids is an answer id of the model (coded ids such as {}); \
                 the answers' ids are their line numbers, or the fit's --id-column",
                examples.join(", ")
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

impl ValidationError {
    /// The error as the crate reports it, naming the codes file.
    pub fn in_file(self, path: &std::path::Path) -> crate::Error {
        crate::Error::BadCodes {
            path: crate::io::display_path(path),
            reason: self.to_string(),
        }
    }
}

impl CodeValidation {
    /// Compares each answer's dominant topic (of θ, the posterior mean) with
    /// its code in `codes` (answer id → code).
    pub fn new(
        model: &LdaModel,
        codes: &HashMap<String, String>,
    ) -> Result<CodeValidation, ValidationError> {
        let calls: Vec<Call> = model
            .documents()
            .iter()
            .enumerate()
            .map(|(d, doc)| {
                let theta = model.theta(d);
                let topic = dominant_topic(&theta);
                Call {
                    id: doc.id.as_str(),
                    topic,
                    share: theta[topic],
                }
            })
            .collect();
        Self::from_calls(&calls, model.k(), codes)
    }

    /// As [`CodeValidation::new`], from each fitted answer's call (of `k`
    /// topics), in the model's order.
    pub fn from_calls(
        calls: &[Call],
        k: usize,
        codes: &HashMap<String, String>,
    ) -> Result<CodeValidation, ValidationError> {
        if codes.is_empty() {
            return Err(ValidationError::NoCodes);
        }
        let distinct: BTreeSet<&str> = codes.values().map(String::as_str).collect();
        let mut levels: Vec<String> = distinct.into_iter().map(str::to_string).collect();
        levels.sort_by(|a, b| natural(a, b));
        let column: BTreeMap<&str, usize> = levels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let answers: Vec<CodedAnswer> = calls
            .iter()
            .enumerate()
            .filter_map(|(doc, call)| {
                Some(CodedAnswer {
                    doc,
                    code: column[codes.get(call.id)?.as_str()],
                    topic: call.topic,
                    share: call.share,
                })
            })
            .collect();
        if answers.is_empty() {
            let mut ids: Vec<&String> = codes.keys().collect();
            ids.sort_by(|a, b| natural(a, b));
            return Err(ValidationError::NoCommonAnswers {
                coded: codes.len(),
                examples: ids.into_iter().take(3).cloned().collect(),
            });
        }
        let fitted: BTreeSet<&str> = calls.iter().map(|call| call.id).collect();
        let mut not_in_model: Vec<String> = codes
            .keys()
            .filter(|id| !fitted.contains(id.as_str()))
            .cloned()
            .collect();
        not_in_model.sort_by(|a, b| natural(a, b));
        let pairs: Vec<(usize, usize)> = answers.iter().map(|a| (a.topic, a.code)).collect();
        Ok(CodeValidation {
            agreement: ClassAgreement::new(&pairs, k, levels.len()),
            codes: levels,
            not_in_model,
            uncoded: calls.len() - answers.len(),
            answers,
        })
    }

    /// Whether an answer's dominant topic is matched to its code.
    pub fn agrees(&self, answer: &CodedAnswer) -> bool {
        self.agreement.agrees(answer.topic, answer.code)
    }

    /// The answers whose dominant topic is not matched to their code, the
    /// ones the model calls most clearly first (then in the model's
    /// order): a clear disagreement is a miscoded answer or a topic that
    /// is not the code, and is the one worth reading first.
    pub fn disagreements(&self) -> Vec<&CodedAnswer> {
        clearest_disagreements(&self.answers, |a| a.share, |a| self.agrees(a))
    }

    /// Agreement within each band of the dominant topic's share
    /// ([`SHARE_BANDS`]), clearest first; every coded answer is in one band.
    pub fn by_share(&self) -> Vec<ShareBand> {
        let mut uppers = vec![None];
        uppers.extend(SHARE_BANDS.iter().map(|&b| Some(b)));
        let mut lowers = SHARE_BANDS.to_vec();
        lowers.push(0.0);
        lowers
            .into_iter()
            .zip(uppers)
            .map(|(lower, upper)| {
                let inside =
                    |a: &&CodedAnswer| a.share >= lower && upper.is_none_or(|u| a.share < u);
                let band: Vec<&CodedAnswer> = self.answers.iter().filter(inside).collect();
                ShareBand {
                    lower,
                    upper,
                    answers: band.len(),
                    agreeing: band.iter().filter(|a| self.agrees(a)).count(),
                }
            })
            .collect()
    }

    /// The agreement expected by chance with these topic and code shares:
    /// Σ over matched pairs of (topic's share × code's share).
    pub fn chance(&self) -> f64 {
        let n = self.agreement.scored() as f64;
        if n == 0.0 {
            return 0.0;
        }
        self.agreement
            .class_of_topic
            .iter()
            .enumerate()
            .filter_map(|(t, c)| c.map(|c| (t, c)))
            .map(|(t, c)| self.topic_answers(t) as f64 / n * (self.code_answers(c) as f64 / n))
            .sum()
    }

    /// Cohen's κ of the matched pairing: (agreement − chance) / (1 −
    /// chance). The pairing is chosen to agree most, so on a small sample
    /// κ is a little optimistic.
    pub fn kappa(&self) -> f64 {
        let (observed, chance) = (self.agreement.share(), self.chance());
        if chance >= 1.0 {
            return 0.0;
        }
        (observed - chance) / (1.0 - chance)
    }

    /// Answers with code `c` (an index into `codes`).
    pub fn code_answers(&self, c: usize) -> usize {
        self.agreement.table.iter().map(|r| r[c]).sum()
    }

    /// Answers whose dominant topic is `t`.
    pub fn topic_answers(&self, t: usize) -> usize {
        self.agreement.table[t].iter().sum()
    }
}

/// The items that do not `agree`, largest `share` first, ties in the
/// items' order: one ordering for [`CodeValidation::disagreements`] and
/// the saved result's.
pub(crate) fn clearest_disagreements<T>(
    items: &[T],
    share: impl Fn(&T) -> f64,
    agrees: impl Fn(&T) -> bool,
) -> Vec<&T> {
    let mut out: Vec<&T> = items.iter().filter(|a| !agrees(a)).collect();
    // A stable sort keeps the items' order among equal shares.
    out.sort_by(|a, b| share(b).total_cmp(&share(a)));
    out
}

/// Natural order of codes (and ids): numbers by value (`2` before `10`),
/// then the others alphabetically.
fn natural(a: &str, b: &str) -> Ordering {
    let number = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls of answers whose dominant topic has all of θ.
    fn calls<'a>(dominant: &[(&'a str, usize)]) -> Vec<Call<'a>> {
        shared(dominant, &vec![1.0; dominant.len()])
    }

    fn shared<'a>(dominant: &[(&'a str, usize)], shares: &[f64]) -> Vec<Call<'a>> {
        dominant
            .iter()
            .zip(shares)
            .map(|(&(id, topic), &share)| Call { id, topic, share })
            .collect()
    }

    fn codes(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|&(id, c)| (id.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn agreement_chance_and_kappa_by_hand() {
        // Six fitted answers, two topics; codes a/b on five of them and on
        // one id the model does not hold.
        let dominant = [("1", 0), ("2", 0), ("3", 1), ("4", 1), ("5", 1), ("6", 0)];
        let v = CodeValidation::from_calls(
            &calls(&dominant),
            2,
            &codes(&[
                ("1", "b"),
                ("2", "b"),
                ("3", "a"),
                ("4", "a"),
                ("5", "b"),
                ("9", "a"),
            ]),
        )
        .unwrap();
        assert_eq!(v.codes, vec!["a", "b"]);
        // Topic 0: b b; topic 1: a a b. Matched 0 → b, 1 → a: 4 of 5.
        assert_eq!(v.agreement.table, vec![vec![0, 2], vec![2, 1]]);
        assert_eq!(v.agreement.class_of_topic, vec![Some(1), Some(0)]);
        assert_eq!((v.agreement.agreeing(), v.agreement.scored()), (4, 5));
        // Chance: topic 0 (2/5) × code b (3/5) + topic 1 (3/5) × code a (2/5) = 12/25.
        assert!((v.chance() - 0.48).abs() < 1e-12);
        // κ = (0.8 − 0.48) / 0.52.
        assert!((v.kappa() - 0.32 / 0.52).abs() < 1e-12);
        assert_eq!(v.not_in_model, vec!["9"]);
        assert_eq!(v.uncoded, 1);
        assert_eq!((v.code_answers(1), v.topic_answers(1)), (3, 3));
    }

    #[test]
    fn numeric_codes_sort_by_value_before_words() {
        let dominant = [("1", 0), ("2", 0), ("3", 0), ("4", 0)];
        let v = CodeValidation::from_calls(
            &calls(&dominant),
            1,
            &codes(&[("1", "10"), ("2", "2"), ("3", "other"), ("4", "-1")]),
        )
        .unwrap();
        assert_eq!(v.codes, vec!["-1", "2", "10", "other"]);
    }

    #[test]
    fn codes_for_other_answers_are_refused_with_examples() {
        let err = CodeValidation::from_calls(
            &calls(&[("1", 0)]),
            1,
            &codes(&[("r12", "a"), ("r3", "b"), ("r7", "a"), ("r9", "a")]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "none of the 4 coded ids is an answer id of the model (coded ids such as r12, r3, r7); \
             the answers' ids are their line numbers, or the fit's --id-column"
        );
    }

    #[test]
    fn disagreements_come_clearest_first_and_bands_hold_every_answer() {
        // Two topics matched 0 → a, 1 → b (4 of 6 agree); the shares put
        // one answer on each band edge.
        let dominant = [("1", 0), ("2", 0), ("3", 1), ("4", 1), ("5", 0), ("6", 1)];
        let shares = [0.8, 0.95, 0.6, 0.59, 0.7, 0.7];
        let v = CodeValidation::from_calls(
            &shared(&dominant, &shares),
            2,
            &codes(&[
                ("1", "a"),
                ("2", "a"),
                ("3", "b"),
                ("4", "b"),
                ("5", "b"),
                ("6", "a"),
            ]),
        )
        .unwrap();
        assert_eq!(v.agreement.class_of_topic, vec![Some(0), Some(1)]);
        // Answers 5 and 6 disagree at the same share: model order.
        let ids: Vec<usize> = v.disagreements().iter().map(|a| a.doc).collect();
        assert_eq!(ids, vec![4, 5]);
        let bands: Vec<(f64, Option<f64>, usize, usize)> = v
            .by_share()
            .iter()
            .map(|b| (b.lower, b.upper, b.answers, b.agreeing))
            .collect();
        // 0.95 and 0.8 (the edge belongs above); 0.6, 0.7, 0.7; 0.59.
        assert_eq!(
            bands,
            vec![
                (0.8, None, 2, 2),
                (0.6, Some(0.8), 3, 1),
                (0.0, Some(0.6), 1, 1)
            ]
        );
    }
}
