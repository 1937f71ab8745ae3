//! The collapsed Gibbs sampler's state and its dense reference kernel.
//!
//! Counts follow tomotopy's names: `n_dk` (document × topic), `n_wk`
//! (word × topic, word-major so one word's topics are contiguous) and `n_k`
//! (topic totals). Tokens of all documents are stored flat, with offsets.

use rand::Rng;

use crate::corpus::Document;
use crate::math::ln_gamma;

/// Counts and assignments of one Gibbs chain.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub k: usize,
    pub v: usize,
    /// `offsets[d]..offsets[d + 1]` are document `d`'s tokens.
    pub offsets: Vec<usize>,
    pub words: Vec<u32>,
    pub z: Vec<u16>,
    pub n_dk: Vec<u32>,
    pub n_wk: Vec<u32>,
    pub n_k: Vec<u64>,
    pub alpha: Vec<f64>,
    pub beta: f64,
}

impl State {
    /// Assigns every token a uniformly random topic.
    pub fn init<R: Rng>(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        rng: &mut R,
    ) -> State {
        let mut state = State::unassigned(docs, v, k, alpha, beta);
        state.assign(|_, _| rng.random_range(0..k) as u16);
        state
    }

    /// Starts every token at the topic `start` gives it (`start[d][i]` for
    /// the `i`-th word of document `d`; the caller checks the shape).
    pub fn init_from(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        start: &[Vec<u16>],
    ) -> State {
        let mut state = State::unassigned(docs, v, k, alpha, beta);
        state.assign(|d, i| start[d][i]);
        state
    }

    /// The documents' tokens with every count zero.
    fn unassigned(docs: &[Document], v: usize, k: usize, alpha: f64, beta: f64) -> State {
        let mut offsets = Vec::with_capacity(docs.len() + 1);
        offsets.push(0);
        let mut words = Vec::new();
        for d in docs {
            words.extend_from_slice(&d.words);
            offsets.push(words.len());
        }
        State {
            k,
            v,
            z: vec![0; words.len()],
            offsets,
            words,
            n_dk: vec![0; docs.len() * k],
            n_wk: vec![0; v * k],
            n_k: vec![0; k],
            alpha: vec![alpha; k],
            beta,
        }
    }

    /// Sets every token's topic to `topic(document, position)` and counts
    /// it, documents in order.
    fn assign(&mut self, mut topic: impl FnMut(usize, usize) -> u16) {
        for d in 0..self.offsets.len() - 1 {
            let first = self.offsets[d];
            for i in first..self.offsets[d + 1] {
                let t = topic(d, i - first);
                self.z[i] = t;
                self.add(d, self.words[i] as usize, t as usize);
            }
        }
    }

    /// A state holding counts only (no token assignments: `words` and `z`
    /// are empty), built from another kernel's layout for hyperparameter
    /// optimization and [`super::LdaModel`]; neither needs the tokens.
    #[allow(clippy::too_many_arguments)]
    pub fn from_counts(
        k: usize,
        v: usize,
        doc_len: &[u32],
        n_dk: Vec<u32>,
        n_wk: Vec<u32>,
        n_k: Vec<u64>,
        alpha: Vec<f64>,
        beta: f64,
    ) -> State {
        let mut offsets = Vec::with_capacity(doc_len.len() + 1);
        offsets.push(0);
        for &n in doc_len {
            offsets.push(offsets[offsets.len() - 1] + n as usize);
        }
        State {
            k,
            v,
            offsets,
            words: Vec::new(),
            z: Vec::new(),
            n_dk,
            n_wk,
            n_k,
            alpha,
            beta,
        }
    }

    pub fn num_docs(&self) -> usize {
        self.offsets.len() - 1
    }

    #[cfg(test)]
    pub fn num_tokens(&self) -> usize {
        self.words.len()
    }

    pub fn doc_len(&self, d: usize) -> usize {
        self.offsets[d + 1] - self.offsets[d]
    }

    pub fn doc_counts(&self, d: usize) -> &[u32] {
        &self.n_dk[d * self.k..(d + 1) * self.k]
    }

    #[inline]
    fn add(&mut self, d: usize, w: usize, t: usize) {
        self.n_dk[d * self.k + t] += 1;
        self.n_wk[w * self.k + t] += 1;
        self.n_k[t] += 1;
    }

    #[inline]
    fn remove(&mut self, d: usize, w: usize, t: usize) {
        self.n_dk[d * self.k + t] -= 1;
        self.n_wk[w * self.k + t] -= 1;
        self.n_k[t] -= 1;
    }

    /// One sweep of the plain collapsed Gibbs sampler: every token's topic
    /// is redrawn from its full conditional ([`conditional_weights`]).
    /// This is the reference kernel other kernels are tested against.
    pub fn sweep_dense<R: Rng>(&mut self, rng: &mut R) {
        let k = self.k;
        let vbeta = self.v as f64 * self.beta;
        let mut cumulative = vec![0.0f64; k];
        for d in 0..self.num_docs() {
            for i in self.offsets[d]..self.offsets[d + 1] {
                let w = self.words[i] as usize;
                self.remove(d, w, self.z[i] as usize);
                conditional_weights(
                    &self.n_dk[d * k..(d + 1) * k],
                    &self.n_wk[w * k..(w + 1) * k],
                    &self.n_k,
                    &self.alpha,
                    self.beta,
                    vbeta,
                    &mut cumulative,
                );
                let t = draw_cumulative(&cumulative, rng);
                self.z[i] = t as u16;
                self.add(d, w, t);
            }
        }
    }

    /// The training joint log-likelihood log p(w, z), as MALLET's
    /// `modelLogLikelihood` and tomotopy's `ll_per_word` × tokens:
    /// the Dirichlet-multinomial evidence of the document-topic counts
    /// under alpha plus that of the topic-word counts under beta.
    pub fn log_likelihood(&self) -> f64 {
        let k = self.k;
        let alpha_sum: f64 = self.alpha.iter().sum();
        let ln_gamma_alpha: Vec<f64> = self.alpha.iter().map(|&a| ln_gamma(a)).collect();
        let mut ll = 0.0;
        for d in 0..self.num_docs() {
            let counts = self.doc_counts(d);
            ll += ln_gamma(alpha_sum) - ln_gamma(self.doc_len(d) as f64 + alpha_sum);
            for t in 0..k {
                if counts[t] > 0 {
                    ll += ln_gamma(counts[t] as f64 + self.alpha[t]) - ln_gamma_alpha[t];
                }
            }
        }
        let vbeta = self.v as f64 * self.beta;
        let ln_gamma_beta = ln_gamma(self.beta);
        for t in 0..k {
            ll += ln_gamma(vbeta) - ln_gamma(self.n_k[t] as f64 + vbeta);
        }
        for &n in &self.n_wk {
            if n > 0 {
                ll += ln_gamma(n as f64 + self.beta) - ln_gamma_beta;
            }
        }
        ll
    }
}

/// Fills `cumulative` with the running sum over topics of the collapsed
/// Gibbs conditional for one token whose own assignment is already removed:
///
/// p(z = t | rest) ∝ (n_dt + α_t) · (n_wt + β) / (n_t + Vβ)
///
/// (Griffiths & Steyvers 2004). Priors are *added* to counts: a topic whose
/// counts reach zero can still be drawn.
pub(crate) fn conditional_weights(
    doc: &[u32],
    word: &[u32],
    totals: &[u64],
    alpha: &[f64],
    beta: f64,
    vbeta: f64,
    cumulative: &mut [f64],
) {
    let mut sum = 0.0;
    for t in 0..doc.len() {
        sum += (doc[t] as f64 + alpha[t]) * (word[t] as f64 + beta) / (totals[t] as f64 + vbeta);
        cumulative[t] = sum;
    }
}

/// Draws an index with probability proportional to the increments of a
/// cumulative weight vector.
#[inline]
pub(crate) fn draw_cumulative<R: Rng>(cumulative: &[f64], rng: &mut R) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let u = rng.random::<f64>() * total;
    cumulative
        .partition_point(|&c| c <= u)
        .min(cumulative.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Hand-made counts: K = 2, V = 3, alpha = (0.5, 0.25), beta = 0.1.
    /// n_d = (2, 0), n_w = (1, 3), n_k = (10, 4).
    /// weights: (2.5)(1.1)/(10.3) = 0.266990..., (0.25)(3.1)/(4.3) = 0.180232...,
    /// so topic 0 has probability 0.5969960873 (computed by hand in Python).
    #[test]
    fn conditional_matches_hand_computation() {
        let mut c = [0.0; 2];
        conditional_weights(&[2, 0], &[1, 3], &[10, 4], &[0.5, 0.25], 0.1, 0.3, &mut c);
        let w0 = 2.5 * 1.1 / 10.3;
        let w1 = 0.25 * 3.1 / 4.3;
        assert!((c[0] - w0).abs() < 1e-15);
        assert!((c[1] - (w0 + w1)).abs() < 1e-15);
        assert!((w0 / (w0 + w1) - 0.596_996_087_3).abs() < 1e-9);
    }

    #[test]
    fn empty_topic_keeps_prior_mass() {
        let mut c = [0.0; 2];
        conditional_weights(&[0, 0], &[0, 0], &[0, 0], &[0.1, 0.1], 0.01, 0.03, &mut c);
        assert!((c[0] - 0.1 * 0.01 / 0.03).abs() < 1e-15);
        assert!((c[1] - 2.0 * c[0]).abs() < 1e-15);
    }

    #[test]
    fn draw_follows_weights() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let cumulative = [1.0, 1.0, 4.0];
        let mut hits = [0usize; 3];
        for _ in 0..40_000 {
            hits[draw_cumulative(&cumulative, &mut rng)] += 1;
        }
        assert_eq!(hits[1], 0, "a zero-weight index is never drawn");
        let share = hits[2] as f64 / 40_000.0;
        assert!((share - 0.75).abs() < 0.01, "share {share}");
    }

    fn toy_docs() -> Vec<Document> {
        (0..20)
            .map(|d| Document {
                id: d.to_string(),
                text: String::new(),
                words: (0..(5 + d % 7))
                    .map(|i| ((d * 3 + i * 5) % 11) as u32)
                    .collect(),
            })
            .collect()
    }

    fn assert_consistent(s: &State) {
        assert_eq!(s.n_k.iter().sum::<u64>() as usize, s.num_tokens());
        assert_eq!(
            s.n_wk.iter().map(|&n| n as usize).sum::<usize>(),
            s.num_tokens()
        );
        for d in 0..s.num_docs() {
            let sum: u32 = s.doc_counts(d).iter().sum();
            assert_eq!(sum as usize, s.doc_len(d));
        }
        let mut recount = vec![0u32; s.n_wk.len()];
        for (i, &w) in s.words.iter().enumerate() {
            recount[w as usize * s.k + s.z[i] as usize] += 1;
        }
        assert_eq!(recount, s.n_wk);
    }

    #[test]
    fn counts_stay_consistent_across_sweeps() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut s = State::init(&toy_docs(), 11, 4, 0.1, 0.01, &mut rng);
        assert_consistent(&s);
        for _ in 0..25 {
            s.sweep_dense(&mut rng);
            assert_consistent(&s);
        }
    }

    /// For K = 1 every token is in topic 0 and the joint likelihood reduces
    /// to the Dirichlet-multinomial evidence of the word counts alone.
    #[test]
    fn log_likelihood_single_topic_closed_form() {
        let docs = vec![
            Document {
                id: "1".into(),
                text: String::new(),
                words: vec![0, 0, 1],
            },
            Document {
                id: "2".into(),
                text: String::new(),
                words: vec![1, 2],
            },
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let s = State::init(&docs, 3, 1, 0.5, 0.1, &mut rng);
        // Document part is zero for K = 1: lnΓ(α) − lnΓ(n + α) + lnΓ(n + α) − lnΓ(α).
        // Word part: lnΓ(0.3) − lnΓ(5.3) + lnΓ(2.1) + lnΓ(2.1) + lnΓ(1.1) − 3 lnΓ(0.1).
        let expected = ln_gamma(0.3) - ln_gamma(5.3) + 2.0 * ln_gamma(2.1) + ln_gamma(1.1)
            - 3.0 * ln_gamma(0.1);
        assert!((s.log_likelihood() - expected).abs() < 1e-10);
        // Value from Python 3.11 math.lgamma: lgamma(.3)-lgamma(5.3)+2*lgamma(2.1)+lgamma(1.1)-3*lgamma(.1)
        assert!(
            (expected - (-9.260_972_993_622_099)).abs() < 1e-12,
            "{expected}"
        );
    }
}
