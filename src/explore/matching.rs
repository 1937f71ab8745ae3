//! Matching the topics of two runs: the one-to-one assignment that
//! maximizes total similarity (the Hungarian method), so that stability
//! across seeds is measured between the topics that correspond, whatever
//! their ids, and so that labels follow their topics into a refit; and
//! matching topics to known classes (hand codes, or the true themes of
//! simulated answers), to say how often an answer's dominant topic is its
//! class.

use std::collections::HashMap;

use crate::lda::LdaModel;

/// The assignment `row → column` maximizing the summed `similarity`
/// (a square matrix), by the O(n³) Hungarian method with potentials
/// (Kuhn 1955; Munkres 1957). Ties go to the assignment found first, which
/// is deterministic.
pub fn hungarian_max(similarity: &[Vec<f64>]) -> Vec<usize> {
    let n = similarity.len();
    if n == 0 {
        return Vec::new();
    }
    // Minimize cost = −similarity; 1-based arrays as in the classic
    // formulation, index 0 being the virtual start.
    let cost = |i: usize, j: usize| -similarity[i - 1][j - 1];
    let inf = f64::INFINITY;
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut p = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![inf; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost(i0, j) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut assignment = vec![0; n];
    for j in 1..=n {
        if p[j] > 0 {
            assignment[p[j] - 1] = j - 1;
        }
    }
    assignment
}

/// How often answers' dominant topics agree with classes known for them
/// (an analyst's hand codes, or the themes simulated answers were drawn
/// from), once each topic is matched to one class.
///
/// Topic ids are arbitrary, so the matching is the one-to-one assignment
/// that puts the most answers on the diagonal of the topic × class table
/// (Hungarian method): the agreement is the best any relabelling of the
/// topics gives, the usual score of clustering against known classes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassAgreement {
    /// Answers per (dominant topic, class).
    pub table: Vec<Vec<usize>>,
    /// The class each topic is matched to; `None` for a topic left over
    /// when there are more topics than classes.
    pub class_of_topic: Vec<Option<usize>>,
}

impl ClassAgreement {
    /// Scores `calls`, one `(dominant topic, known class)` per answer, with
    /// `k` topics and `classes` classes. A topic or class out of range is a
    /// caller's bug and panics.
    pub fn new(calls: &[(usize, usize)], k: usize, classes: usize) -> ClassAgreement {
        let mut table = vec![vec![0; classes]; k];
        for &(topic, class) in calls {
            table[topic][class] += 1;
        }
        // Square for the assignment: padded rows or columns score nothing.
        let n = k.max(classes);
        let square: Vec<Vec<f64>> = (0..n)
            .map(|t| {
                (0..n)
                    .map(|c| match (table.get(t), c < classes) {
                        (Some(row), true) => row[c] as f64,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        let class_of_topic = hungarian_max(&square)
            .into_iter()
            .take(k)
            .map(|c| (c < classes).then_some(c))
            .collect();
        ClassAgreement {
            table,
            class_of_topic,
        }
    }

    /// Whether an answer whose dominant topic is `topic` and whose class is
    /// `class` counts as agreeing.
    pub fn agrees(&self, topic: usize, class: usize) -> bool {
        self.class_of_topic[topic] == Some(class)
    }

    /// Answers on the matched diagonal.
    pub fn agreeing(&self) -> usize {
        self.table
            .iter()
            .zip(&self.class_of_topic)
            .filter_map(|(row, class)| class.map(|c| row[c]))
            .sum()
    }

    /// Answers scored.
    pub fn scored(&self) -> usize {
        self.table.iter().flatten().sum()
    }

    /// The share of answers on the matched diagonal (0 when none was
    /// scored).
    pub fn share(&self) -> f64 {
        match self.scored() {
            0 => 0.0,
            n => self.agreeing() as f64 / n as f64,
        }
    }
}

/// Cosine similarity of two word distributions.
pub(crate) fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Matches the topics of run `a` to those of run `b` (both K × V over the
/// same vocabulary) by cosine similarity of φ: returns, for each topic of
/// `a`, its partner in `b` and their similarity.
pub fn match_topics(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<(usize, f64)> {
    let sim: Vec<Vec<f64>> = a
        .iter()
        .map(|x| b.iter().map(|y| cosine(x, y)).collect())
        .collect();
    hungarian_max(&sim)
        .into_iter()
        .enumerate()
        .map(|(i, j)| (j, sim[i][j]))
        .collect()
}

/// Matches the topics of model `a` to those of model `b`, which may have
/// other vocabularies and another K: φ rows are compared by cosine
/// similarity over words matched by their string (a word only one model
/// knows adds to that side's norm only), and the one-to-one assignment
/// maximizing the total is taken. For each topic of `a`: its partner in `b`
/// and their similarity, or `None` when `b` has fewer topics and this one
/// was left without a partner.
pub fn match_models(a: &LdaModel, b: &LdaModel) -> Vec<Option<(usize, f64)>> {
    let b_ids: HashMap<&str, usize> = b
        .vocab()
        .terms()
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    // For each word of `a`, its id in `b`, if `b` has it.
    let shared: Vec<Option<usize>> = a
        .vocab()
        .terms()
        .iter()
        .map(|t| b_ids.get(t.as_str()).copied())
        .collect();
    let phi_a: Vec<Vec<f64>> = (0..a.k()).map(|t| a.phi_row(t)).collect();
    let phi_b: Vec<Vec<f64>> = (0..b.k()).map(|t| b.phi_row(t)).collect();
    let norm = |row: &[f64]| row.iter().map(|x| x * x).sum::<f64>().sqrt();
    let n = a.k().max(b.k());
    let mut sim = vec![vec![0.0; n]; n];
    for (i, x) in phi_a.iter().enumerate() {
        for (j, y) in phi_b.iter().enumerate() {
            // `0.0 +`: an empty float sum is −0.0, shown as "-0.00".
            let dot: f64 = 0.0
                + x.iter()
                    .zip(&shared)
                    .filter_map(|(p, w)| w.map(|w| p * y[w]))
                    .sum::<f64>();
            let denom = norm(x) * norm(y);
            sim[i][j] = if denom > 0.0 { dot / denom } else { 0.0 };
        }
    }
    hungarian_max(&sim)
        .into_iter()
        .take(a.k())
        .enumerate()
        .map(|(i, j)| (j < b.k()).then(|| (j, sim[i][j])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_optimum_where_greedy_fails() {
        // Greedy takes (0,0)=10 then (1,1)=1: total 11. The optimum is
        // (0,1)+(1,0) = 9 + 9 = 18.
        let s = vec![vec![10.0, 9.0], vec![9.0, 1.0]];
        assert_eq!(hungarian_max(&s), vec![1, 0]);
    }

    /// `count` answers with dominant topic `topic` and class `class`.
    fn calls(cells: &[(usize, usize, usize)]) -> Vec<(usize, usize)> {
        cells
            .iter()
            .flat_map(|&(topic, class, count)| std::iter::repeat_n((topic, class), count))
            .collect()
    }

    #[test]
    fn class_agreement_takes_the_best_relabelling_not_the_greedy_one() {
        // Topic 0 holds 10 of class 0 and 9 of class 1; topic 1 holds 9 of
        // class 0 and 1 of class 1. Greedy (topic 0 → class 0) puts 11 on
        // the diagonal; the best relabelling (0 → 1, 1 → 0) puts 18 of 29.
        let a = ClassAgreement::new(&calls(&[(0, 0, 10), (0, 1, 9), (1, 0, 9), (1, 1, 1)]), 2, 2);
        assert_eq!(a.class_of_topic, vec![Some(1), Some(0)]);
        assert_eq!((a.agreeing(), a.scored()), (18, 29));
        assert!((a.share() - 18.0 / 29.0).abs() < 1e-15);
        assert!(a.agrees(0, 1) && !a.agrees(0, 0));
    }

    #[test]
    fn class_agreement_leaves_a_spare_topic_unmatched() {
        // Three topics, two classes: topic 2 (3 answers of class 0) is the
        // weakest claim on class 0, which topic 1 holds with 5.
        let a = ClassAgreement::new(&calls(&[(0, 1, 4), (1, 0, 5), (2, 0, 3)]), 3, 2);
        assert_eq!(a.class_of_topic, vec![Some(1), Some(0), None]);
        assert_eq!((a.agreeing(), a.scored()), (9, 12));
        assert!(!a.agrees(2, 0));
        assert_eq!(ClassAgreement::new(&[], 2, 2).share(), 0.0);
    }

    #[test]
    fn brute_force_agrees_on_4x4() {
        let s = vec![
            vec![0.1, 0.9, 0.3, 0.2],
            vec![0.8, 0.7, 0.1, 0.4],
            vec![0.2, 0.6, 0.5, 0.9],
            vec![0.3, 0.2, 0.8, 0.7],
        ];
        let got = hungarian_max(&s);
        let total = |a: &[usize]| a.iter().enumerate().map(|(i, &j)| s[i][j]).sum::<f64>();
        let mut best = 0.0f64;
        for a in 0..4 {
            for b in 0..4 {
                for c in 0..4 {
                    for d in 0..4 {
                        let perm = [a, b, c, d];
                        let mut seen = [false; 4];
                        if perm.iter().all(|&x| !std::mem::replace(&mut seen[x], true)) {
                            best = best.max(total(&perm));
                        }
                    }
                }
            }
        }
        assert!((total(&got) - best).abs() < 1e-12);
        assert_eq!(got, vec![1, 0, 3, 2]);
    }

    #[test]
    fn permuted_topics_are_matched_back() {
        let a = vec![
            vec![0.7, 0.2, 0.1],
            vec![0.1, 0.1, 0.8],
            vec![0.2, 0.7, 0.1],
        ];
        let b = vec![a[2].clone(), a[0].clone(), a[1].clone()];
        let m = match_topics(&a, &b);
        assert_eq!(m.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 2, 0]);
        assert!(m.iter().all(|x| (x.1 - 1.0).abs() < 1e-12));
    }
}
