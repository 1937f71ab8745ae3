//! Per-topic diagnostics, in the spirit of MALLET's `--diagnostics-file`
//! and stm's `topicQuality`: coherence (UMass and NPMI, each answer being
//! the co-occurrence window), exclusivity, size, dominance, effective number
//! of words and distance from the corpus distribution.
//!
//! Coherence of a topic depends only on its own top words and the answers,
//! never on which other topics are scored, so values can be compared across
//! models and K.

use serde::Serialize;

use super::rankings::{Ranking, TopicWordMatrix};
use crate::error::Result;
use crate::lda::LdaModel;
use crate::text::Analyzer;

/// Top words per topic used for coherence and exclusivity (stm's default
/// M = 10 for `semanticCoherence` and `exclusivity`).
pub const COHERENCE_WORDS: usize = 10;

/// stm's `exclusivity()` puts weight 0.7 on exclusivity in its FREX.
const STM_EXCLUSIVITY_WEIGHT: f64 = 0.7;

/// Which way of a measure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Larger values are better.
    Higher,
    /// Smaller values are better.
    Lower,
    /// Neither: the measure describes the topic (its size) rather than
    /// grading it.
    Neither,
}

impl Better {
    /// The mark shown after a column name in tables: ↑, ↓ or nothing.
    pub fn arrow(self) -> &'static str {
        match self {
            Better::Higher => "↑",
            Better::Lower => "↓",
            Better::Neither => "",
        }
    }
}

/// Every measure of [`TopicDiagnostics`] (and of `topics select-k`), the
/// direction that is better, and why in a few words. Sizes are neither:
/// a small topic can be a real minority view.
pub const MEASURES: &[(&str, Better, &str)] = &[
    ("tokens", Better::Neither, "size"),
    ("token_share", Better::Neither, "size"),
    ("rank1_share", Better::Neither, "size"),
    (
        "umass",
        Better::Higher,
        "closer to 0: top words occur together",
    ),
    ("npmi", Better::Higher, "top words occur together"),
    (
        "exclusivity",
        Better::Higher,
        "top words belong to this topic only",
    ),
    (
        "word_exclusivity",
        Better::Higher,
        "top words belong to this topic only",
    ),
    ("effective_words", Better::Lower, "a focused topic"),
    (
        "corpus_distance",
        Better::Higher,
        "not just the corpus' common words",
    ),
    (
        "uniform_distance",
        Better::Higher,
        "not spread over every word",
    ),
    ("held_out_ll", Better::Higher, "predicts unseen answers"),
    ("held_out_ll_sd", Better::Lower, "the same across seeds"),
    (
        "stability",
        Better::Higher,
        "every topic the same from every seed",
    ),
];

/// Which way of `measure` (a column name) is better; `None` for columns
/// that are not measures (topic, label, top words).
pub fn better(measure: &str) -> Option<Better> {
    MEASURES
        .iter()
        .find(|(name, _, _)| *name == measure)
        .map(|&(_, b, _)| b)
}

/// A column name with its arrow (`npmi ↑`), for table headers.
pub fn with_arrow(column: &str) -> String {
    match better(column).map(Better::arrow) {
        Some(arrow) if !arrow.is_empty() => format!("{column} {arrow}"),
        _ => column.to_string(),
    }
}

/// The legend under a table of `columns`: which are better higher, which
/// lower, which are sizes, with the reasons.
pub fn direction_legend(columns: &[&str]) -> String {
    let group = |want: Better| -> Vec<String> {
        MEASURES
            .iter()
            .filter(|(name, b, _)| *b == want && columns.contains(name))
            .map(|(name, _, why)| match want {
                Better::Neither => name.to_string(),
                _ => format!("{name} ({why})"),
            })
            .collect()
    };
    let mut lines = Vec::new();
    for (want, head) in [
        (Better::Higher, "↑ higher is better"),
        (Better::Lower, "↓ lower is better"),
        (Better::Neither, "sizes, neither better nor worse"),
    ] {
        let names = group(want);
        if !names.is_empty() {
            lines.push(format!("{head}: {}", names.join(", ")));
        }
    }
    lines.join("\n") + "\n"
}

/// Diagnostics of one topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicDiagnostics {
    /// The topic's 0-based number.
    pub topic: usize,
    /// Tokens assigned to the topic.
    pub tokens: u64,
    /// Share of all tokens.
    pub token_share: f64,
    /// Share of answers whose largest θ is this topic (MALLET's
    /// `rank_1_docs`; ties go to the lower topic id).
    pub rank1_share: f64,
    /// Mimno et al.'s (2011) UMass coherence of the top words (≤ 0; closer
    /// to 0 is more coherent).
    pub umass: f64,
    /// Mean normalized PMI of the top-word pairs (−1 … 1; higher is more
    /// coherent).
    pub npmi: f64,
    /// stm's `exclusivity`: the sum of FREX (weight 0.7 on exclusivity)
    /// over the top words (larger is more exclusive; at most M).
    pub exclusivity: f64,
    /// Mean of φ_kw / Σ_j φ_jw over the top words (0 … 1), as MALLET's
    /// word-level exclusivity.
    pub word_exclusivity: f64,
    /// 1 / Σ_w p(w|k)² with p(w|k) = n_kw / n_k (MALLET's
    /// `eff_num_words`): how many words the topic really uses.
    pub effective_words: f64,
    /// KL(p(·|k) ‖ p(·)) from the corpus word distribution (MALLET's
    /// `corpus_dist`): small means the topic just mirrors the corpus.
    pub corpus_distance: f64,
    /// KL(p(·|k) ‖ uniform) (MALLET's `uniform_dist`).
    pub uniform_distance: f64,
}

/// Diagnostics of every topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// Top words per topic used for coherence and exclusivity.
    pub coherence_words: usize,
    /// One entry per topic, in topic order.
    pub topics: Vec<TopicDiagnostics>,
}

impl Diagnostics {
    /// Computes every diagnostic; `docs` are the fitted answers as word ids
    /// (see [`document_words`]).
    pub fn compute(model: &LdaModel, docs: &[Vec<u32>], m: usize) -> Diagnostics {
        Diagnostics::compute_with_docs(model, &TopicWordMatrix::from_model(model), docs, m)
    }

    /// [`compute`](Self::compute) reusing an already built matrix.
    pub(crate) fn compute_with_docs(
        model: &LdaModel,
        matrix: &TopicWordMatrix,
        docs: &[Vec<u32>],
        m: usize,
    ) -> Diagnostics {
        let rank1 = rank1_counts(model);
        let n_docs = model.documents().len().max(1) as f64;
        let topics = (0..model.k())
            .map(|t| {
                let top: Vec<u32> = matrix
                    .top_words(t, Ranking::Prob, m)
                    .iter()
                    .map(|w| w.word_id)
                    .collect();
                let counts = model.topic_word_counts(t);
                TopicDiagnostics {
                    topic: t,
                    tokens: model.topic_counts()[t],
                    token_share: model.token_share(t),
                    rank1_share: rank1[t] as f64 / n_docs,
                    umass: umass_coherence(&top, docs),
                    npmi: npmi_coherence(&top, docs),
                    exclusivity: stm_exclusivity(matrix, t, m),
                    word_exclusivity: mean_exclusivity(matrix, t, &top),
                    effective_words: effective_words(counts),
                    corpus_distance: kl_from(counts, matrix.word_prob()),
                    uniform_distance: kl_from(
                        counts,
                        &vec![1.0 / counts.len() as f64; counts.len()],
                    ),
                }
            })
            .collect();
        Diagnostics {
            coherence_words: m,
            topics,
        }
    }
}

/// The fitted answers as word ids, re-tokenized with the model's own
/// pipeline (the model stores each answer's text, not its tokens). Words
/// outside the model's vocabulary are dropped, exactly as in the fit.
pub fn document_words(model: &LdaModel) -> Result<Vec<Vec<u32>>> {
    let analyzer = Analyzer::new(model.text_options().clone())?;
    Ok(model
        .documents()
        .iter()
        .map(|d| {
            analyzer
                .tokens(&d.text)
                .iter()
                .filter_map(|t| model.vocab().id(&t.term))
                .collect()
        })
        .collect())
}

/// How many answers have each topic as their largest θ.
fn rank1_counts(model: &LdaModel) -> Vec<usize> {
    let mut counts = vec![0; model.k()];
    for d in 0..model.documents().len() {
        let theta = model.theta(d);
        let mut best = 0;
        for (t, &p) in theta.iter().enumerate() {
            if p > theta[best] {
                best = t;
            }
        }
        counts[best] += 1;
    }
    counts
}

/// Document frequencies of each top word and of each pair, one answer
/// being one window.
struct CoOccurrence {
    single: Vec<usize>,
    /// `pair[i][j]` for i > j.
    pair: Vec<Vec<usize>>,
    docs: usize,
}

fn co_occurrence(top: &[u32], docs: &[Vec<u32>]) -> CoOccurrence {
    let m = top.len();
    let mut single = vec![0; m];
    let mut pair = vec![vec![0; m]; m];
    let mut present = vec![false; m];
    for doc in docs {
        for (i, w) in top.iter().enumerate() {
            present[i] = doc.contains(w);
        }
        for i in 0..m {
            if present[i] {
                single[i] += 1;
                for j in 0..i {
                    if present[j] {
                        pair[i][j] += 1;
                    }
                }
            }
        }
    }
    CoOccurrence {
        single,
        pair,
        docs: docs.len(),
    }
}

/// UMass coherence (Mimno et al. 2011, eq. 1):
/// Σ_{m=2..M} Σ_{l<m} log((D(v_m, v_l) + 1) / D(v_l)), with `top` ordered
/// from the most probable word. Pairs whose earlier word occurs in no
/// answer are skipped (the formula is undefined there).
pub fn umass_coherence(top: &[u32], docs: &[Vec<u32>]) -> f64 {
    let c = co_occurrence(top, docs);
    let mut sum = 0.0;
    for m in 1..top.len() {
        for l in 0..m {
            if c.single[l] > 0 {
                sum += ((c.pair[m][l] as f64 + 1.0) / c.single[l] as f64).ln();
            }
        }
    }
    sum
}

/// Mean NPMI over pairs of top words (Bouma 2009; Aletras & Stevenson
/// 2013): log(P(a,b) / (P(a)P(b))) / −log P(a,b), probabilities being
/// shares of answers. Pairs that never co-occur score −1 (the limit);
/// pairs that occur in every answer score 1.
pub fn npmi_coherence(top: &[u32], docs: &[Vec<u32>]) -> f64 {
    let c = co_occurrence(top, docs);
    let n = c.docs.max(1) as f64;
    let mut sum = 0.0;
    let mut pairs = 0usize;
    for i in 1..top.len() {
        for j in 0..i {
            pairs += 1;
            let joint = c.pair[i][j] as f64 / n;
            sum += if joint == 0.0 {
                -1.0
            } else if joint == 1.0 {
                1.0
            } else {
                let (pi, pj) = (c.single[i] as f64 / n, c.single[j] as f64 / n);
                (joint / (pi * pj)).ln() / -joint.ln()
            };
        }
    }
    if pairs == 0 {
        0.0
    } else {
        sum / pairs as f64
    }
}

/// stm's `exclusivity(model, M, frexw = 0.7)` for one topic.
fn stm_exclusivity(matrix: &TopicWordMatrix, topic: usize, m: usize) -> f64 {
    let frex = matrix.frex(topic, 1.0 - STM_EXCLUSIVITY_WEIGHT, false);
    matrix
        .top_words(topic, Ranking::Prob, m)
        .iter()
        .map(|w| frex[w.word_id as usize])
        .sum()
}

fn mean_exclusivity(matrix: &TopicWordMatrix, topic: usize, top: &[u32]) -> f64 {
    if top.is_empty() {
        return 0.0;
    }
    let excl = matrix.exclusivity(topic);
    top.iter().map(|&w| excl[w as usize]).sum::<f64>() / top.len() as f64
}

/// 1 / Σ p², p the topic's unsmoothed word distribution; 0 for an empty
/// topic.
fn effective_words(counts: &[u32]) -> f64 {
    let total: f64 = counts.iter().map(|&n| n as f64).sum();
    if total == 0.0 {
        return 0.0;
    }
    1.0 / counts
        .iter()
        .map(|&n| (n as f64 / total).powi(2))
        .sum::<f64>()
}

/// KL(p ‖ q) with p the topic's unsmoothed word distribution.
fn kl_from(counts: &[u32], q: &[f64]) -> f64 {
    let total: f64 = counts.iter().map(|&n| n as f64).sum();
    if total == 0.0 {
        return 0.0;
    }
    counts
        .iter()
        .zip(q)
        .filter(|(&n, _)| n > 0)
        .map(|(&n, &qw)| {
            let p = n as f64 / total;
            p * (p / qw).ln()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers {a b}, {a b}, {a c}, {c} with a = 0, b = 1, c = 2:
    /// D(a) = 3, D(b) = 2, D(c) = 2, D(a,b) = 2, D(a,c) = 1, D(b,c) = 0.
    fn docs() -> Vec<Vec<u32>> {
        vec![vec![0, 1], vec![1, 0], vec![0, 2], vec![2]]
    }

    #[test]
    fn umass_by_hand() {
        // ln((2+1)/3) + ln((1+1)/3) + ln((0+1)/2) = 0 + ln(2/3) + ln(1/2) = ln(1/3)
        let c = umass_coherence(&[0, 1, 2], &docs());
        assert!((c - (1.0f64 / 3.0).ln()).abs() < 1e-12, "{c}");
        // The order matters: D(v_l) is the earlier (more probable) word's.
        // [c, a]: ln((1+1)/2) = 0.
        assert_eq!(umass_coherence(&[2, 0], &docs()), 0.0);
    }

    #[test]
    fn npmi_by_hand() {
        // P(a) = .75, P(b) = P(c) = .5, P(a,b) = .5, P(a,c) = .25, P(b,c) = 0.
        // NPMI(a,b) = ln(.5/.375)/-ln .5 = 0.415037
        // NPMI(a,c) = ln(.25/.375)/-ln .25 = -0.292481
        // NPMI(b,c) = -1; mean = -0.292481
        let c = npmi_coherence(&[0, 1, 2], &docs());
        let expected =
            ((0.5f64 / 0.375).ln() / 2f64.ln() + (0.25f64 / 0.375).ln() / 4f64.ln() - 1.0) / 3.0;
        assert!((c - expected).abs() < 1e-12);
        assert!((c - -0.292481).abs() < 1e-6);
        // Perfectly co-occurring words score 1.
        assert_eq!(npmi_coherence(&[0, 1], &[vec![0, 1], vec![0, 1, 2]]), 1.0);
    }

    #[test]
    fn coherence_of_a_topic_ignores_other_topics() {
        // Same top words, different companions elsewhere: same value.
        let d = docs();
        let alone = umass_coherence(&[0, 1], &d);
        let again = umass_coherence(&[0, 1], &d);
        assert_eq!(alone, again);
        assert_eq!(umass_coherence(&[0, 1], &d), (3.0f64 / 3.0).ln());
    }

    #[test]
    fn stm_exclusivity_by_hand() {
        // The rankings example: topic 0 top-2 by φ is w0, w1 (tie w1/w2 to
        // the lower id). FREX with weight .7 on exclusivity:
        // w0: 1/(.7/1 + .3/1) = 1; w1: 1/(.7/.75 + .3/.625) = 0.707547.
        let m = TopicWordMatrix::new(
            vec![vec![0.5, 0.2, 0.2, 0.1], vec![0.1, 0.1, 0.4, 0.4]],
            vec![0.3, 0.15, 0.3, 0.25],
            vec![0.5, 0.5],
        );
        let e = stm_exclusivity(&m, 0, 2);
        assert!((e - (1.0 + 1.0 / (0.7 / 0.75 + 0.3 / 0.625))).abs() < 1e-12);
        assert!((e - 1.707547).abs() < 1e-6);
        // stm's exclusivity() never shrinks, even when counts are known.
        let with_counts = m.clone().with_word_counts(vec![1.0; 4]);
        assert_eq!(stm_exclusivity(&with_counts, 0, 2), e);
        // Mean word exclusivity of w0, w1: (.5/.6 + .2/.3)/2 = 0.75
        assert!((mean_exclusivity(&m, 0, &[0, 1]) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn effective_words_and_distances_by_construction() {
        // Two words used equally: 2 effective words, KL from uniform over 4
        // = ln 2, and no distance from a corpus with the same distribution.
        assert_eq!(effective_words(&[5, 5, 0, 0]), 2.0);
        assert!((kl_from(&[5, 5, 0, 0], &[0.25; 4]) - 2f64.ln()).abs() < 1e-12);
        assert_eq!(kl_from(&[5, 5, 0, 0], &[0.5, 0.5, 0.0, 0.0]), 0.0);
        assert_eq!(effective_words(&[0, 0]), 0.0);
    }
}
