//! Word rankings of a topic: probability, LDAvis relevance, stm's FREX,
//! lift, stm's score and the topic's part of Chuang et al.'s saliency.
//!
//! The most probable words of a topic are often the corpus's most common
//! words; each other ranking trades probability against how specific a word
//! is to the topic, and analysts read several side by side before naming a
//! topic.

use serde::Serialize;

use crate::lda::LdaModel;

/// LDAvis's default weight on log φ in relevance (Sievert & Shirley 2014
/// found λ ≈ 0.6 best for interpretation in their user study).
pub const DEFAULT_LAMBDA: f64 = 0.6;

/// How to rank the words of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum Ranking {
    /// φ_kw.
    Prob,
    /// LDAvis relevance: λ·log φ_kw + (1−λ)·log(φ_kw / p_w).
    Relevance {
        /// Weight on log φ_kw (LDAvis's λ, 0.6 recommended).
        lambda: f64,
    },
    /// stm's FREX: the weighted harmonic mean of the word's within-topic
    /// rank ECDF of frequency (φ_kw) and of exclusivity (φ_kw / Σ_j φ_jw,
    /// shrunk towards uniform by the word's corpus count as stm's
    /// `labelTopics` does when counts are known); `weight` is on frequency
    /// (stm's `frexw`, 0.5 by default).
    Frex {
        /// Weight on frequency, in 0..=1.
        weight: f64,
    },
    /// φ_kw / p_w (Taddy 2012; stm's `lift`).
    Lift,
    /// stm's (and the `lda` package's) score:
    /// φ_kw · (log φ_kw − mean_j log φ_jw).
    Score,
    /// The topic's term of Chuang et al.'s (2012) saliency:
    /// p_w · P(k|w) · log(P(k|w) / P(k)), with P(k|w) by Bayes' rule
    /// (φ_kw P(k) / Σ_j φ_jw P(j)) as in the paper. Summed over topics it
    /// is the word's saliency. (LDAvis's `createJSON` takes P(k|w) as
    /// φ_kw / Σ_j φ_jw, without the topic weights; the two agree when the
    /// topics are equally large.)
    Saliency,
}

impl Ranking {
    /// The name used on the command line, in JSON and in CSV headers.
    pub fn name(&self) -> &'static str {
        match self {
            Ranking::Prob => "prob",
            Ranking::Relevance { .. } => "relevance",
            Ranking::Frex { .. } => "frex",
            Ranking::Lift => "lift",
            Ranking::Score => "score",
            Ranking::Saliency => "saliency",
        }
    }

    /// All six rankings with their default settings, in display order.
    pub fn all(lambda: f64) -> [Ranking; 6] {
        [
            Ranking::Prob,
            Ranking::Relevance { lambda },
            Ranking::Frex { weight: 0.5 },
            Ranking::Lift,
            Ranking::Score,
            Ranking::Saliency,
        ]
    }

    /// Parses `prob|relevance|frex|lift|score|saliency`.
    pub fn parse(name: &str, lambda: f64) -> Option<Ranking> {
        Ranking::all(lambda).into_iter().find(|r| r.name() == name)
    }
}

/// A word of a topic with its score under a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedWord {
    /// The word's id in the model's vocabulary.
    pub word_id: u32,
    /// The readable form (filled by [`TopicWordMatrix::top_words_named`]).
    pub word: String,
    /// The word's score under the ranking (higher ranks first).
    pub score: f64,
    /// φ_kw, shown beside every ranking.
    pub prob: f64,
}

/// The numbers every ranking needs: φ (K × V), the corpus word
/// distribution p_w and the topic marginal P(k).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicWordMatrix {
    phi: Vec<Vec<f64>>,
    word_prob: Vec<f64>,
    topic_prob: Vec<f64>,
    /// Corpus count of each word, when known: FREX then shrinks
    /// exclusivity of rare words (stm's `js.estimate`).
    word_counts: Option<Vec<f64>>,
}

impl TopicWordMatrix {
    /// From explicit numbers (rows of `phi` sum to 1; `word_prob` and
    /// `topic_prob` sum to 1).
    pub fn new(phi: Vec<Vec<f64>>, word_prob: Vec<f64>, topic_prob: Vec<f64>) -> TopicWordMatrix {
        TopicWordMatrix {
            phi,
            word_prob,
            topic_prob,
            word_counts: None,
        }
    }

    /// Adds the corpus count of each word, so that FREX shrinks the
    /// exclusivity of rare words as stm's `labelTopics` does.
    pub fn with_word_counts(mut self, counts: Vec<f64>) -> TopicWordMatrix {
        self.word_counts = Some(counts);
        self
    }

    /// φ with the model's smoothing, p_w from the word's token count in the
    /// fitted answers (as LDAvis's `term.frequency`), P(k) the topic's
    /// token share (as LDAvis's topic proportions).
    pub fn from_model(model: &LdaModel) -> TopicWordMatrix {
        let k = model.k();
        let v = model.vocab().len();
        let phi: Vec<Vec<f64>> = (0..k).map(|t| model.phi_row(t)).collect();
        let mut word_counts = vec![0f64; v];
        for t in 0..k {
            for (w, &n) in model.topic_word_counts(t).iter().enumerate() {
                word_counts[w] += n as f64;
            }
        }
        let total: f64 = word_counts.iter().sum::<f64>().max(1.0);
        let word_prob = word_counts.iter().map(|n| n / total).collect();
        let topic_prob = (0..k).map(|t| model.token_share(t)).collect();
        TopicWordMatrix::new(phi, word_prob, topic_prob).with_word_counts(word_counts)
    }

    /// Number of topics.
    pub fn k(&self) -> usize {
        self.phi.len()
    }

    /// Number of words in the vocabulary.
    pub fn vocab_len(&self) -> usize {
        self.word_prob.len()
    }

    /// φ: each topic's word distribution (K rows of V).
    pub fn phi(&self) -> &[Vec<f64>] {
        &self.phi
    }

    /// Each word's share of all tokens (p_w).
    pub fn word_prob(&self) -> &[f64] {
        &self.word_prob
    }

    /// Each topic's share of all tokens.
    pub fn topic_prob(&self) -> &[f64] {
        &self.topic_prob
    }

    /// The score of every word of `topic` under `ranking` (higher = better).
    /// Words never seen in the corpus (p_w = 0) get −∞ under lift and
    /// relevance, where their score is undefined.
    pub fn scores(&self, topic: usize, ranking: Ranking) -> Vec<f64> {
        let row = &self.phi[topic];
        match ranking {
            Ranking::Prob => row.clone(),
            Ranking::Relevance { lambda } => row
                .iter()
                .zip(&self.word_prob)
                .map(|(&p, &pw)| {
                    if pw > 0.0 {
                        lambda * p.ln() + (1.0 - lambda) * (p / pw).ln()
                    } else {
                        f64::NEG_INFINITY
                    }
                })
                .collect(),
            Ranking::Lift => row
                .iter()
                .zip(&self.word_prob)
                .map(|(&p, &pw)| if pw > 0.0 { p / pw } else { f64::NEG_INFINITY })
                .collect(),
            Ranking::Frex { weight } => self.frex(topic, weight, true),
            Ranking::Score => self.score(topic),
            Ranking::Saliency => self.saliency_term(topic),
        }
    }

    /// φ_kw / Σ_j φ_jw: how much of the word's probability mass this topic
    /// holds.
    pub fn exclusivity(&self, topic: usize) -> Vec<f64> {
        let sums = self.column_sums();
        self.phi[topic]
            .iter()
            .zip(&sums)
            .map(|(&p, &s)| if s > 0.0 { p / s } else { 0.0 })
            .collect()
    }

    fn column_sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.vocab_len()];
        for row in &self.phi {
            for (s, &p) in sums.iter_mut().zip(row) {
                *s += p;
            }
        }
        sums
    }

    /// stm's `calcfrex`: ranks are average ranks of ties, divided by V;
    /// with word counts and `shrink`, exclusivity is first shrunk word by
    /// word (`labelTopics` shrinks; stm's `exclusivity()` does not).
    pub(crate) fn frex(&self, topic: usize, weight: f64, shrink: bool) -> Vec<f64> {
        let v = self.vocab_len() as f64;
        let freq = average_ranks(&self.phi[topic]);
        let exclusivity = match &self.word_counts {
            Some(counts) if shrink => self.shrunk_exclusivity(topic, counts),
            _ => self.exclusivity(topic),
        };
        let excl = average_ranks(&exclusivity);
        freq.iter()
            .zip(&excl)
            .map(|(&f, &e)| 1.0 / (weight / (f / v) + (1.0 - weight) / (e / v)))
            .collect()
    }

    /// Exclusivity of `topic` after shrinking each word's exclusivity
    /// distribution over topics towards uniform ([`js_shrink`]).
    fn shrunk_exclusivity(&self, topic: usize, counts: &[f64]) -> Vec<f64> {
        let sums = self.column_sums();
        (0..self.vocab_len())
            .map(|w| {
                let over_topics: Vec<f64> = self
                    .phi
                    .iter()
                    .map(|row| if sums[w] > 0.0 { row[w] / sums[w] } else { 0.0 })
                    .collect();
                js_shrink(&over_topics, counts[w])[topic]
            })
            .collect()
    }

    /// stm's `calcscore`: φ_kw · (log φ_kw − (1/K) Σ_j log φ_jw).
    fn score(&self, topic: usize) -> Vec<f64> {
        let k = self.k() as f64;
        (0..self.vocab_len())
            .map(|w| {
                let mean_log: f64 = self.phi.iter().map(|row| row[w].ln()).sum::<f64>() / k;
                let p = self.phi[topic][w];
                p * (p.ln() - mean_log)
            })
            .collect()
    }

    /// P(k|w) = φ_kw P(k) / Σ_j φ_jw P(j) for every word.
    fn topic_given_word(&self, topic: usize) -> Vec<f64> {
        (0..self.vocab_len())
            .map(|w| {
                let total: f64 = (0..self.k())
                    .map(|j| self.phi[j][w] * self.topic_prob[j])
                    .sum();
                if total > 0.0 {
                    self.phi[topic][w] * self.topic_prob[topic] / total
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn saliency_term(&self, topic: usize) -> Vec<f64> {
        let pk = self.topic_prob[topic];
        self.topic_given_word(topic)
            .iter()
            .zip(&self.word_prob)
            .map(|(&q, &pw)| {
                if q > 0.0 && pk > 0.0 {
                    pw * q * (q / pk).ln()
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Chuang et al.'s saliency of every word: p_w · Σ_k P(k|w) log(P(k|w)/P(k)).
    pub fn saliency(&self) -> Vec<f64> {
        let mut total = vec![0.0; self.vocab_len()];
        for t in 0..self.k() {
            for (s, x) in total.iter_mut().zip(self.saliency_term(t)) {
                *s += x;
            }
        }
        total
    }

    /// The `n` best words of `topic`; ties go to the more probable word,
    /// then to the lower word id, so the order never depends on sorting
    /// internals.
    pub fn top_words(&self, topic: usize, ranking: Ranking, n: usize) -> Vec<RankedWord> {
        let scores = self.scores(topic, ranking);
        let row = &self.phi[topic];
        let mut ids: Vec<usize> = (0..scores.len()).collect();
        ids.sort_by(|&a, &b| {
            scores[b]
                .total_cmp(&scores[a])
                .then(row[b].total_cmp(&row[a]))
                .then(a.cmp(&b))
        });
        ids.truncate(n);
        ids.into_iter()
            .map(|w| RankedWord {
                word_id: w as u32,
                word: String::new(),
                score: scores[w],
                prob: row[w],
            })
            .collect()
    }

    /// [`top_words`](Self::top_words) with each word's readable form from
    /// the model's vocabulary.
    pub fn top_words_named(
        &self,
        model: &LdaModel,
        topic: usize,
        ranking: Ranking,
        n: usize,
    ) -> Vec<RankedWord> {
        let mut words = self.top_words(topic, ranking, n);
        for w in &mut words {
            w.word = model.vocab().display(w.word_id).to_string();
        }
        words
    }
}

/// A James–Stein-type shrinkage of a discrete distribution towards uniform
/// (Hausser & Strimmer 2009), as stm's `js.estimate` applies to each word's
/// exclusivity before FREX: the shrinkage weight is the summed variance of
/// the maximum-likelihood estimate from `count` observations,
/// Σ p(1−p)/(count−1), over the squared distance from uniform, truncated
/// to [0, 1]. A word seen once carries no information (uniform).
pub fn js_shrink(prob: &[f64], count: f64) -> Vec<f64> {
    let n = prob.len() as f64;
    let uniform = 1.0 / n;
    if count <= 1.0 {
        return vec![uniform; prob.len()];
    }
    let variance: f64 = prob.iter().map(|p| p * (1.0 - p) / (count - 1.0)).sum();
    let deviation: f64 = prob.iter().map(|p| (p - uniform).powi(2)).sum();
    if deviation == 0.0 {
        return prob.to_vec();
    }
    let lambda = variance / deviation;
    if lambda.is_nan() {
        return vec![uniform; prob.len()];
    }
    let lambda = lambda.clamp(0.0, 1.0);
    prob.iter()
        .map(|p| lambda * uniform + (1.0 - lambda) * p)
        .collect()
}

/// 1-based ranks in ascending order, ties given their average rank (R's
/// `rank` and data.table's `frank` default, which stm uses).
pub(crate) fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &idx in &order[i..=j] {
            ranks[idx] = average;
        }
        i = j + 1;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K = 2, V = 4, equal topic shares; p_w is the average of the rows,
    /// as it must be when P(k) = (½, ½).
    fn example() -> TopicWordMatrix {
        TopicWordMatrix::new(
            vec![vec![0.5, 0.2, 0.2, 0.1], vec![0.1, 0.1, 0.4, 0.4]],
            vec![0.3, 0.15, 0.3, 0.25],
            vec![0.5, 0.5],
        )
    }

    fn ids(words: &[RankedWord]) -> Vec<u32> {
        words.iter().map(|w| w.word_id).collect()
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn average_ranks_match_r() {
        // R: rank(c(0.5, 0.2, 0.2, 0.1)) == c(4, 2.5, 2.5, 1)
        assert_eq!(
            average_ranks(&[0.5, 0.2, 0.2, 0.1]),
            vec![4.0, 2.5, 2.5, 1.0]
        );
    }

    #[test]
    fn frex_by_hand() {
        // Topic 0. Frequency ECDF: rank(φ)/V = (4, 2.5, 2.5, 1)/4.
        // Exclusivity φ/colsum = (.5/.6, .2/.3, .2/.6, .1/.5) = (.833, .667,
        // .333, .2), ECDF (4, 3, 2, 1)/4. Harmonic mean with weight ½:
        // w1: 1/(.5/.625 + .5/.75) = 1/1.466667 = 0.681818;
        // w2: 1/(.5/.625 + .5/.5) = 1/1.8 = 0.555556.
        let m = example();
        let frex = m.scores(0, Ranking::Frex { weight: 0.5 });
        close(&frex, &[1.0, 0.681818, 0.555556, 0.25], 1e-6);
        // FREX breaks the probability tie of w1 and w2 by exclusivity.
        assert_eq!(
            ids(&m.top_words(0, Ranking::Frex { weight: 0.5 }, 4)),
            vec![0, 1, 2, 3]
        );
    }

    #[test]
    fn lift_and_relevance_by_hand() {
        let m = example();
        // lift = φ/p_w = (.5/.3, .2/.15, .2/.3, .1/.25)
        close(
            &m.scores(0, Ranking::Lift),
            &[5.0 / 3.0, 4.0 / 3.0, 2.0 / 3.0, 0.4],
            1e-12,
        );
        // relevance(λ=.6) = .6 ln φ + .4 ln lift:
        // w0 = .6 ln .5 + .4 ln(5/3) = -0.415888 + 0.204330 = -0.211558
        // w3 = .6 ln .1 + .4 ln .4 = -1.381551 - 0.366516 = -1.748067
        let r = m.scores(0, Ranking::Relevance { lambda: 0.6 });
        close(&[r[0], r[3]], &[-0.211558, -1.748067], 1e-6);
        // λ = 1 is probability order, λ = 0 is lift order (LDAvis).
        let by_lambda1 = m.top_words(1, Ranking::Relevance { lambda: 1.0 }, 4);
        assert_eq!(ids(&by_lambda1), ids(&m.top_words(1, Ranking::Prob, 4)));
        let by_lambda0 = m.top_words(1, Ranking::Relevance { lambda: 0.0 }, 4);
        assert_eq!(ids(&by_lambda0), ids(&m.top_words(1, Ranking::Lift, 4)));
    }

    #[test]
    fn score_by_hand() {
        // score = φ (ln φ - mean_j ln φ_jw):
        // w0 = .5 (ln .5 - (ln .5 + ln .1)/2) = .25 ln 5 = 0.402359
        // w1 = .2 (ln .2 - ln .1)/2 = .1 ln 2 = 0.069315
        // w2 = .2 (ln .2 - ln .4)/2 = -.1 ln 2; w3 = .05 ln .25 = -.1 ln 2
        let s = example().scores(0, Ranking::Score);
        let l2 = std::f64::consts::LN_2;
        close(
            &s,
            &[0.25 * 5f64.ln(), 0.1 * l2, -0.1 * l2, -0.1 * l2],
            1e-12,
        );
        assert_eq!(ids(&example().top_words(0, Ranking::Score, 2)), vec![0, 1]);
    }

    #[test]
    fn saliency_by_hand() {
        // P(0|w0) = .5·.5 / .3 = 5/6, P(1|w0) = 1/6.
        // saliency(w0) = .3 (5/6 ln(5/3) + 1/6 ln(1/3)) = 0.072776
        // and its topic-0 term is .3 · 5/6 · ln(5/3) = 0.127706.
        let m = example();
        let sal = m.saliency();
        assert!(
            (sal[0] - 0.3 * (5.0 / 6.0 * (5.0f64 / 3.0).ln() + (1.0f64 / 3.0).ln() / 6.0)).abs()
                < 1e-12
        );
        assert!((sal[0] - 0.072776).abs() < 1e-6);
        assert!((m.scores(0, Ranking::Saliency)[0] - 0.127706).abs() < 1e-6);
        // A word spread like the topics themselves (P(k|w) = P(k)) has none.
        let flat = TopicWordMatrix::new(
            vec![vec![0.5, 0.5], vec![0.5, 0.5]],
            vec![0.5, 0.5],
            vec![0.5, 0.5],
        );
        close(&flat.saliency(), &[0.0, 0.0], 1e-15);
    }

    #[test]
    fn js_shrinkage_by_hand() {
        // p = (.9, .1), 11 observations: variance = 2 · .09/10 = .018,
        // distance² = .16 + .16 = .32, λ = .05625;
        // shrunk = .05625 · .5 + .94375 · (.9, .1) = (.8775, .1225).
        close(&js_shrink(&[0.9, 0.1], 11.0), &[0.8775, 0.1225], 1e-12);
        // Seen once: uniform. Already uniform: unchanged.
        assert_eq!(js_shrink(&[0.9, 0.1], 1.0), vec![0.5, 0.5]);
        assert_eq!(js_shrink(&[0.5, 0.5], 10.0), vec![0.5, 0.5]);
        // Heavily observed words keep their exclusivity; λ is capped at 1.
        close(&js_shrink(&[0.9, 0.1], 1e9), &[0.9, 0.1], 1e-8);
        assert_eq!(js_shrink(&[0.6, 0.4], 2.0), vec![0.5, 0.5]);
    }

    #[test]
    fn frex_shrinks_the_exclusivity_of_rare_words() {
        // Topic 0 owns w0 (count 1000) and w2 (seen once) alike: unshrunk
        // both are fully exclusive (FREX: w0 .933, w2 .636, w1 .6); shrunk,
        // the once-seen w2 is uniform over topics, its exclusivity ties
        // w1's .5, and its FREX (.556) falls below w1's (.682).
        let m = TopicWordMatrix::new(
            vec![vec![0.5, 0.3, 0.2, 0.0], vec![0.0, 0.3, 0.0, 0.7]],
            vec![0.25, 0.3, 0.1, 0.35],
            vec![0.5, 0.5],
        );
        let plain = m.top_words(0, Ranking::Frex { weight: 0.5 }, 3);
        assert_eq!(ids(&plain), vec![0, 2, 1]);
        let m = m.with_word_counts(vec![1000.0, 1000.0, 1.0, 1000.0]);
        let shrunk = m.top_words(0, Ranking::Frex { weight: 0.5 }, 3);
        assert_eq!(ids(&shrunk), vec![0, 1, 2]);
    }

    #[test]
    fn parse_names() {
        assert_eq!(
            Ranking::parse("relevance", 0.3),
            Some(Ranking::Relevance { lambda: 0.3 })
        );
        assert_eq!(
            Ranking::parse("frex", 0.6),
            Some(Ranking::Frex { weight: 0.5 })
        );
        assert_eq!(Ranking::parse("tfidf", 0.6), None);
    }
}
