//! The fitted result as plain data for programs (`--format json`).

use serde::Serialize;

use super::chains::ChainReport;
use super::model::{LdaModel, Trace};
use crate::corpus::CorpusReport;

/// A word of a topic with its probability φ.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WordProb {
    /// The readable form.
    pub word: String,
    /// The counting key (stem or dictionary form).
    pub term: String,
    /// φ_kw: the word's probability in the topic.
    pub prob: f64,
}

/// An answer that shows a topic well.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quote {
    /// The answer's id.
    pub id: String,
    /// The topic's share θ in the answer.
    pub theta: f64,
    /// The answer as written.
    pub text: String,
    /// The ids of the other answers written the same way (case and spacing
    /// aside), which the list does not repeat; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub same_text: Vec<String>,
}

/// The most ids [`Quote::same_text_note`] names.
const SAME_TEXT_IDS_SHOWN: usize = 3;

impl Quote {
    /// Who else wrote this answer, for people: `also answer 207`, `also
    /// answers 207, 12 and 5`, `also 39 other answers: 207, 12, 5, …`;
    /// `None` when nobody did.
    pub fn same_text_note(&self) -> Option<String> {
        match self.same_text.as_slice() {
            [] => None,
            [one] => Some(format!("also answer {one}")),
            ids if ids.len() <= SAME_TEXT_IDS_SHOWN => {
                let (last, rest) = ids.split_last().expect("two or more ids");
                Some(format!("also answers {} and {last}", rest.join(", ")))
            }
            ids => Some(format!(
                "also {} other answers: {}, …",
                ids.len(),
                ids[..SAME_TEXT_IDS_SHOWN].join(", ")
            )),
        }
    }
}

/// One topic: id, token share, top words, representative answers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopicSummary {
    /// The topic's 0-based number.
    pub id: usize,
    /// The analyst's label, when one is set (`topics label`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Share of all tokens assigned to the topic.
    pub share: f64,
    /// The topic's document-topic prior α_k.
    pub alpha: f64,
    /// Top words, most probable first.
    pub words: Vec<WordProb>,
    /// Answers with the highest θ for the topic.
    pub quotes: Vec<Quote>,
}

/// θ of one answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocTheta {
    /// The answer's id.
    pub id: String,
    /// Topic shares, summing to 1.
    pub theta: Vec<f64>,
}

/// Everything `topics fit --format json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct FitResult {
    /// Number of topics.
    pub k: usize,
    /// Training joint log-likelihood per token at the last sweep.
    pub log_likelihood_per_token: f64,
    /// Document-topic prior per topic (after optimization).
    pub alpha: Vec<f64>,
    /// Topic-word prior (after optimization).
    pub beta: f64,
    /// The topics, in topic order.
    pub topics: Vec<TopicSummary>,
    /// θ of every fitted answer.
    pub documents: Vec<DocTheta>,
    /// What reading and pruning kept and dropped.
    pub corpus: CorpusReport,
    /// The log-likelihood over sweeps, to judge convergence.
    pub trace: Trace,
    /// Seed of the sampler (same seed and input give the same result).
    pub seed: u64,
    /// Gibbs sweeps run.
    pub iterations: usize,
    /// How the chains agreed, when more than one ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chains: Option<ChainReport>,
}

impl LdaModel {
    /// The top `words` words and `quotes` representative answers of a topic.
    pub fn topic_summary(&self, topic: usize, words: usize, quotes: usize) -> TopicSummary {
        TopicSummary {
            id: topic,
            label: None,
            share: self.token_share(topic),
            alpha: self.alpha()[topic],
            words: self
                .top_words(topic, words)
                .into_iter()
                .map(|(w, prob)| WordProb {
                    word: self.vocab().display(w).to_string(),
                    term: self.vocab().term(w).to_string(),
                    prob,
                })
                .collect(),
            quotes: self
                .top_distinct_documents(topic, quotes)
                .into_iter()
                .map(|q| Quote {
                    id: self.documents()[q.doc].id.clone(),
                    theta: q.theta,
                    text: self.documents()[q.doc].text.clone(),
                    same_text: q
                        .same_text
                        .iter()
                        .map(|&o| self.documents()[o].id.clone())
                        .collect(),
                })
                .collect(),
        }
    }

    /// The whole fitted result as plain data, with topic labels where
    /// given (`labels[k]`).
    pub fn result_labeled(
        &self,
        words: usize,
        quotes: usize,
        labels: &[Option<String>],
    ) -> FitResult {
        let mut result = self.result(words, quotes);
        for topic in &mut result.topics {
            topic.label = labels.get(topic.id).cloned().flatten();
        }
        result
    }

    /// The whole fitted result as plain data.
    pub fn result(&self, words: usize, quotes: usize) -> FitResult {
        FitResult {
            k: self.k(),
            log_likelihood_per_token: self.ll_per_token(),
            alpha: self.alpha().to_vec(),
            beta: self.beta(),
            topics: (0..self.k())
                .map(|t| self.topic_summary(t, words, quotes))
                .collect(),
            documents: (0..self.documents().len())
                .map(|d| DocTheta {
                    id: self.documents()[d].id.clone(),
                    theta: self.theta(d),
                })
                .collect(),
            corpus: self.corpus_report().clone(),
            trace: self.trace().clone(),
            seed: self.params().seed,
            iterations: self.params().iterations,
            chains: self.chains().cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(same_text: &[&str]) -> Quote {
        Quote {
            id: "1".into(),
            theta: 0.9,
            text: "Not sure.".into(),
            same_text: same_text.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_same_text_note_names_a_few_ids_and_counts_the_rest() {
        assert_eq!(quote(&[]).same_text_note(), None);
        assert_eq!(
            quote(&["207"]).same_text_note().as_deref(),
            Some("also answer 207")
        );
        assert_eq!(
            quote(&["207", "12", "5"]).same_text_note().as_deref(),
            Some("also answers 207, 12 and 5")
        );
        assert_eq!(
            quote(&["207", "12", "5", "8"]).same_text_note().as_deref(),
            Some("also 4 other answers: 207, 12, 5, …")
        );
    }
}
