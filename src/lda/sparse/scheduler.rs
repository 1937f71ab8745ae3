//! The block scheduler: the corpus cut into an `S × S` grid of blocks of
//! equal token mass, sampled round by round with one random stream per
//! block, so that the chain does not depend on the number of threads (see
//! the module documentation of [`super`]).

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::layouts::{prefers_rows, topic_bits, BlockDocs, DocCounts, Layout};
use super::likelihood::{Nonzero, TermCache};
use super::simd::{instruction_set, InstructionSet};
use super::{lists, rows};
use crate::corpus::Document;
use crate::lda::state::State;
use crate::math::ln_gamma;

/// Tokens per shard: every (block, word) pair costs an O(K) set-up, so
/// shards must be large; 100,000 gives `ap.txt` (436k tokens) 4 × 4 blocks.
const TOKENS_PER_SHARD: usize = 100_000;
/// Shards per side of the block grid, hence the most threads a sweep can
/// keep busy.
const MAX_SHARDS: usize = 16;

/// The number of shards for a corpus: a function of its size only, so the
/// partition (and the result) never depends on the thread count.
pub(crate) fn default_shards(tokens: usize) -> usize {
    (tokens / TOKENS_PER_SHARD).clamp(1, MAX_SHARDS)
}

/// 1 / (n + shift + Vβ): the reciprocal of a topic's total as it is
/// (`shift` 0), with the sampled token taken out (−1) or with one token more
/// (+1). Both kernels build their tables and update them through this one
/// expression, so a table entry and its update round alike.
#[inline(always)]
pub(super) fn reciprocal(n: u64, shift: f64, vbeta: f64) -> f64 {
    1.0 / (n as f64 + shift + vbeta)
}

/// [`reciprocal`] for every topic total.
pub(super) fn reciprocals(n_k: &[u64], shift: f64, vbeta: f64) -> Vec<f64> {
    n_k.iter().map(|&n| reciprocal(n, shift, vbeta)).collect()
}

/// SplitMix64 step: decorrelates the seeds of the block streams.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The seed of one block's random stream in one sweep.
fn block_seed(seed: u64, sweep: usize, round: usize, block: usize) -> u64 {
    mix(mix(mix(mix(seed) ^ sweep as u64) ^ round as u64) ^ block as u64)
}

/// Sampler state in the sparse, block-partitioned layout.
#[derive(Debug, Clone)]
pub(crate) struct SparseState {
    k: usize,
    v: usize,
    shards: usize,
    topic_bits: u32,
    /// Word slots: words renumbered so each word group is a contiguous range.
    slot_word: Vec<u32>,
    /// `word_bounds[j]..word_bounds[j + 1]` are the slots of word group `j`.
    word_bounds: Vec<usize>,
    /// `doc_bounds[i]..doc_bounds[i + 1]` are the documents of group `i`.
    doc_bounds: Vec<usize>,
    /// Runs of block `b = i * shards + j` are `block_runs[b]..block_runs[b + 1]`.
    block_runs: Vec<usize>,
    /// One run = the tokens of one word in one block, sorted by document.
    run_slot: Vec<u32>,
    /// Run `r` holds tokens `run_start[r]..run_start[r + 1]`.
    run_start: Vec<usize>,
    tok_doc: Vec<u32>,
    z: Vec<u16>,
    /// Slot-major word-topic counts.
    n_wk: Vec<u32>,
    n_k: Vec<u64>,
    docs: DocCounts,
    doc_len: Vec<u32>,
    pub alpha: Vec<f64>,
    pub beta: f64,
    /// The log-likelihood's ln Γ tables, kept between calls.
    ll_terms: TermCache,
}

/// Contiguous document groups of (nearly) equal token mass.
fn split_docs(doc_len: &[u32], shards: usize) -> Vec<usize> {
    let total: usize = doc_len.iter().map(|&n| n as usize).sum();
    let mut bounds = vec![0];
    let mut seen = 0usize;
    for (d, &n) in doc_len.iter().enumerate() {
        let group = bounds.len();
        if group < shards && seen >= total * group / shards {
            bounds.push(d);
        }
        seen += n as usize;
    }
    while bounds.len() <= shards {
        bounds.push(doc_len.len());
    }
    bounds
}

/// Assigns words to groups of equal token mass (largest first to the
/// lightest group; ties by index) and numbers them group by group.
/// Returns the slot of each word, the word of each slot and group bounds.
fn split_words(freq: &[usize], shards: usize) -> (Vec<u32>, Vec<u32>, Vec<usize>) {
    let mut order: Vec<usize> = (0..freq.len()).collect();
    order.sort_by(|&a, &b| freq[b].cmp(&freq[a]).then(a.cmp(&b)));
    let mut load = vec![0usize; shards];
    let mut group_of = vec![0usize; freq.len()];
    for w in order {
        let lightest = (0..shards).min_by_key(|&g| (load[g], g)).unwrap_or(0);
        load[lightest] += freq[w];
        group_of[w] = lightest;
    }
    let mut slot_word = Vec::with_capacity(freq.len());
    let mut bounds = vec![0];
    for g in 0..shards {
        slot_word.extend(
            (0..freq.len())
                .filter(|&w| group_of[w] == g)
                .map(|w| w as u32),
        );
        bounds.push(slot_word.len());
    }
    let mut word_slot = vec![0u32; freq.len()];
    for (slot, &w) in slot_word.iter().enumerate() {
        word_slot[w as usize] = slot as u32;
    }
    (word_slot, slot_word, bounds)
}

impl SparseState {
    /// Lays the corpus out in blocks and assigns every token a uniformly
    /// random topic from a stream seeded by `seed`. `layout` is the
    /// document-count layout; `None` takes the one [`prefers_rows`] picks
    /// for this corpus and K (tests pass one to check both on the same
    /// corpora).
    #[allow(clippy::too_many_arguments)]
    pub fn init(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        seed: u64,
        shards: usize,
        layout: Option<Layout>,
    ) -> SparseState {
        let mut state = SparseState::unassigned(docs, v, k, alpha, beta, shards, layout);
        state.assign_random(seed);
        state
    }

    /// Starts every token at the topic `start` gives it (`start[d][i]` for
    /// the `i`-th word of document `d`; the caller checks the shape), in the
    /// layout [`prefers_rows`] picks.
    pub fn init_from(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        shards: usize,
        start: &[Vec<u16>],
    ) -> SparseState {
        let mut state = SparseState::unassigned(docs, v, k, alpha, beta, shards, None);
        state.assign_start(docs, start);
        state
    }

    /// The blocks and count tables of `docs`, every token unassigned.
    fn unassigned(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        shards: usize,
        layout: Option<Layout>,
    ) -> SparseState {
        let shards = shards.max(1);
        let doc_len: Vec<u32> = docs.iter().map(|d| d.words.len() as u32).collect();
        let layout = layout.unwrap_or(if prefers_rows(&doc_len, k) {
            Layout::Rows
        } else {
            Layout::Lists
        });
        let mut freq = vec![0usize; v];
        for d in docs {
            for &w in &d.words {
                freq[w as usize] += 1;
            }
        }
        let (word_slot, slot_word, word_bounds) = split_words(&freq, shards);
        drop(freq);
        let doc_bounds = split_docs(&doc_len, shards);
        let num_tokens: usize = doc_len.iter().map(|&n| n as usize).sum();

        let mut tok_doc = Vec::with_capacity(num_tokens);
        let mut run_slot = Vec::new();
        let mut run_start = Vec::new();
        let mut block_runs = Vec::with_capacity(shards * shards + 1);
        for i in 0..shards {
            // (slot, doc) keys of the group, sorted: slots of group j precede
            // those of group j + 1, so the group's blocks come out in order.
            let mut keys: Vec<u64> = (doc_bounds[i]..doc_bounds[i + 1])
                .flat_map(|d| docs[d].words.iter().map(move |&w| (w, d)))
                .map(|(w, d)| (word_slot[w as usize] as u64) << 32 | d as u64)
                .collect();
            keys.sort_unstable();
            let mut pos = 0;
            for j in 0..shards {
                block_runs.push(run_slot.len());
                let end_slot = word_bounds[j + 1] as u64;
                while pos < keys.len() && (keys[pos] >> 32) < end_slot {
                    let slot = (keys[pos] >> 32) as u32;
                    run_slot.push(slot);
                    run_start.push(tok_doc.len());
                    while pos < keys.len() && (keys[pos] >> 32) as u32 == slot {
                        tok_doc.push(keys[pos] as u32);
                        pos += 1;
                    }
                }
            }
        }
        block_runs.push(run_slot.len());
        run_start.push(tok_doc.len());

        let doc_counts = match layout {
            Layout::Rows => DocCounts::rows(doc_len.len(), k),
            Layout::Lists => DocCounts::lists(&doc_len, k),
        };
        SparseState {
            k,
            v,
            shards,
            topic_bits: topic_bits(k),
            slot_word,
            word_bounds,
            doc_bounds,
            block_runs,
            run_slot,
            run_start,
            z: vec![0; tok_doc.len()],
            tok_doc,
            n_wk: vec![0; v * k],
            n_k: vec![0; k],
            docs: doc_counts,
            doc_len,
            alpha: vec![alpha; k],
            beta,
            ll_terms: TermCache::default(),
        }
    }

    fn assign_random(&mut self, seed: u64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(seed));
        let k = self.k;
        self.assign(|_, _| rng.random_range(0..k));
    }

    /// Tokens are stored by (word slot, document), not in document order,
    /// so each (document, word) pair takes the start's topics of that
    /// word's occurrences in the document, in turn: the counts are the
    /// start's exactly.
    fn assign_start(&mut self, docs: &[Document], start: &[Vec<u16>]) {
        let mut topics: HashMap<(u32, u32), Vec<u16>> = HashMap::new();
        for (d, (doc, start)) in docs.iter().zip(start).enumerate() {
            for (&w, &t) in doc.words.iter().zip(start).rev() {
                topics.entry((d as u32, w)).or_default().push(t);
            }
        }
        self.assign(|doc, word| {
            topics
                .get_mut(&(doc, word))
                .and_then(Vec::pop)
                .map_or(0, usize::from)
        });
    }

    /// Sets every token's topic to `topic(document, word)` and counts it,
    /// in storage order.
    fn assign(&mut self, mut topic: impl FnMut(u32, u32) -> usize) {
        let k = self.k;
        for r in 0..self.run_slot.len() {
            let slot = self.run_slot[r] as usize;
            let word = self.slot_word[slot];
            for tok in self.run_start[r]..self.run_start[r + 1] {
                let t = topic(self.tok_doc[tok], word);
                self.z[tok] = t as u16;
                self.n_wk[slot * k + t] += 1;
                self.n_k[t] += 1;
                self.docs
                    .add(self.tok_doc[tok] as usize, t, self.topic_bits);
            }
        }
    }

    /// One sweep: `shards` rounds of disjoint blocks, sampled in parallel on
    /// the current rayon pool. The result depends on `seed` and `sweep`, not
    /// on the pool's size.
    pub fn sweep(&mut self, seed: u64, sweep: usize) {
        self.sweep_on(seed, sweep, instruction_set());
    }

    /// [`Self::sweep`] on a given instruction set (at most the CPU's): the
    /// same result on each, only the speed differs (tests compare them).
    fn sweep_on(&mut self, seed: u64, sweep: usize, isa: InstructionSet) {
        for round in 0..self.shards {
            self.sample_round(seed, sweep, round, isa);
        }
    }

    fn sample_round(&mut self, seed: u64, sweep: usize, round: usize, isa: InstructionSet) {
        let s = self.shards;
        let k = self.k;
        let round_start_totals = self.n_k.clone();
        let ctx = Shared {
            isa,
            k,
            topic_bits: self.topic_bits,
            alpha: &self.alpha,
            beta: self.beta,
            vbeta: self.v as f64 * self.beta,
            run_slot: &self.run_slot,
            run_start: &self.run_start,
            tok_doc: &self.tok_doc,
            totals: &round_start_totals,
        };
        // Disjoint mutable pieces: z by block, documents and words by group.
        let mut z_blocks: Vec<Option<&mut [u16]>> = Vec::with_capacity(s * s);
        let mut rest = &mut self.z[..];
        for b in 0..s * s {
            let len = self.run_start[self.block_runs[b + 1]] - self.run_start[self.block_runs[b]];
            let (head, tail) = rest.split_at_mut(len);
            z_blocks.push(Some(head));
            rest = tail;
        }
        let mut word_groups: Vec<Option<&mut [u32]>> = Vec::with_capacity(s);
        let mut rest = &mut self.n_wk[..];
        for j in 0..s {
            let (head, tail) =
                rest.split_at_mut((self.word_bounds[j + 1] - self.word_bounds[j]) * k);
            word_groups.push(Some(head));
            rest = tail;
        }
        let doc_groups = self.docs.split(&self.doc_bounds);
        let mut blocks = Vec::with_capacity(s);
        for (i, docs) in doc_groups.into_iter().enumerate() {
            let j = (i + round) % s;
            let b = i * s + j;
            let tokens = BlockTokens {
                doc_start: self.doc_bounds[i],
                slot_start: self.word_bounds[j],
                runs: self.block_runs[b]..self.block_runs[b + 1],
                token_start: self.run_start[self.block_runs[b]],
                z: z_blocks[b].take().unwrap_or_default(),
                n_wk: word_groups[j].take().unwrap_or_default(),
                seed: block_seed(seed, sweep, round, i),
            };
            blocks.push((tokens, docs));
        }
        let locals: Vec<Vec<u64>> = blocks
            .into_par_iter()
            .map(|(tokens, docs)| match docs {
                BlockDocs::Lists(docs) => lists::sample(tokens, docs, &ctx),
                BlockDocs::Rows(rows) => rows::sample(tokens, rows, &ctx),
            })
            .collect();
        // Each block's totals = round-start totals + its own changes; adding
        // the changes in block order is exact (integers), hence deterministic.
        for local in &locals {
            for t in 0..k {
                self.n_k[t] =
                    self.n_k[t].wrapping_add(local[t].wrapping_sub(round_start_totals[t]));
            }
        }
    }

    /// The training joint log-likelihood log p(w, z), the same quantity as
    /// [`State::log_likelihood`], computed from the sparse counts with the
    /// ln Γ terms looked up (see [`super::likelihood`]).
    pub fn log_likelihood(&self) -> f64 {
        self.ll_terms.with(&self.alpha, self.beta, |tables| {
            let mut ll = 0.0;
            for d in 0..self.doc_len.len() {
                // ln Γ(Σα) − ln Γ(n_d + Σα), the negated table entry (exact).
                ll -= tables.by_length.term(self.doc_len[d]);
                self.docs.for_each(d, self.topic_bits, |t, n| {
                    ll += tables.by_topic[t].term(n);
                });
            }
            let vbeta = self.v as f64 * self.beta;
            let ln_gamma_vbeta = ln_gamma(vbeta);
            for &n in &self.n_k {
                ll += ln_gamma_vbeta - ln_gamma(n as f64 + vbeta);
            }
            for (_, n) in Nonzero::new(&self.n_wk) {
                ll += tables.by_word.term(n);
            }
            ll
        })
    }

    /// The document-topic counts as dense rows (`D × K`), for the saved
    /// posterior draws.
    pub fn doc_topic_counts(&self) -> Vec<u32> {
        let k = self.k;
        let mut n_dk = vec![0u32; self.doc_len.len() * k];
        for (d, row) in n_dk.chunks_exact_mut(k).enumerate() {
            self.docs.write_row(d, self.topic_bits, row);
        }
        n_dk
    }

    /// The counts in the dense layout of [`State`] (corpus word order, dense
    /// document rows), for hyperparameter optimization and the model.
    pub fn to_state(&self) -> State {
        let (k, v) = (self.k, self.v);
        let n_dk = self.doc_topic_counts();
        let mut n_wk = vec![0u32; v * k];
        for (slot, &w) in self.slot_word.iter().enumerate() {
            n_wk[w as usize * k..(w as usize + 1) * k]
                .copy_from_slice(&self.n_wk[slot * k..(slot + 1) * k]);
        }
        State::from_counts(
            k,
            v,
            &self.doc_len,
            n_dk,
            n_wk,
            self.n_k.clone(),
            self.alpha.clone(),
            self.beta,
        )
    }

    /// [`Self::to_state`], releasing the token arrays first: at the end of
    /// a fit the dense counts and the model are built while the sampler's
    /// largest arrays are already gone (peak memory on large corpora).
    pub fn into_state(mut self) -> State {
        self.tok_doc = Vec::new();
        self.z = Vec::new();
        self.run_slot = Vec::new();
        self.run_start = Vec::new();
        self.to_state()
    }

    /// Every token as (document, corpus word id, topic), in block order.
    #[cfg(test)]
    pub fn assignments(&self) -> Vec<(usize, u32, u16)> {
        let mut out = Vec::with_capacity(self.z.len());
        for r in 0..self.run_slot.len() {
            let w = self.slot_word[self.run_slot[r] as usize];
            for tok in self.run_start[r]..self.run_start[r + 1] {
                out.push((self.tok_doc[tok] as usize, w, self.z[tok]));
            }
        }
        out
    }
}

/// What every block of a round reads and nobody writes.
pub(super) struct Shared<'a> {
    /// The code path the kernels take (the same numbers on each).
    pub(super) isa: InstructionSet,
    pub(super) k: usize,
    pub(super) topic_bits: u32,
    pub(super) alpha: &'a [f64],
    pub(super) beta: f64,
    pub(super) vbeta: f64,
    pub(super) run_slot: &'a [u32],
    pub(super) run_start: &'a [usize],
    pub(super) tok_doc: &'a [u32],
    /// Topic totals at the start of the round.
    pub(super) totals: &'a [u64],
}

/// The tokens of one block and the word-topic counts only it may change in
/// its round (its words' rows).
pub(super) struct BlockTokens<'a> {
    pub(super) doc_start: usize,
    pub(super) slot_start: usize,
    pub(super) runs: std::ops::Range<usize>,
    pub(super) token_start: usize,
    pub(super) z: &'a mut [u16],
    pub(super) n_wk: &'a mut [u32],
    pub(super) seed: u64,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn doc(words: &[u32]) -> Document {
        Document {
            id: String::new(),
            text: String::new(),
            words: words.to_vec(),
        }
    }

    /// Documents whose words drift with the document index, so topics form.
    fn generated_docs(n: usize, v: u32) -> Vec<Document> {
        (0..n)
            .map(|d| {
                let len = 5 + (d * 7) % 23;
                let words: Vec<u32> = (0..len)
                    .map(|i| ((d * 13 + i * i * 7 + (d / 9) * 31) as u32) % v)
                    .collect();
                doc(&words)
            })
            .collect()
    }

    /// Recounts every count table from the token assignments.
    fn assert_consistent(s: &SparseState) {
        let state = s.to_state();
        let (k, v) = (s.k, s.v);
        let mut n_dk = vec![0u32; s.doc_len.len() * k];
        let mut n_wk = vec![0u32; v * k];
        let mut n_k = vec![0u64; k];
        for (d, w, t) in s.assignments() {
            n_dk[d * k + t as usize] += 1;
            n_wk[w as usize * k + t as usize] += 1;
            n_k[t as usize] += 1;
        }
        assert_eq!(state.n_dk, n_dk);
        assert_eq!(state.n_wk, n_wk);
        assert_eq!(state.n_k, n_k);
        for d in 0..s.doc_len.len() {
            assert_eq!(state.doc_len(d), s.doc_len[d] as usize);
            let mut counts = Vec::new();
            s.docs.for_each(d, s.topic_bits, |_, n| counts.push(n));
            assert!(
                counts.iter().all(|&c| c > 0),
                "no zero entry kept: {counts:?}"
            );
            assert_eq!(counts.iter().sum::<u32>(), s.doc_len[d]);
        }
    }

    #[test]
    fn topic_bits_fit_every_topic() {
        let topics = [1, 2, 20, 100, 128, 129, 65_535];
        let bits = [1, 1, 5, 7, 7, 8, 16];
        for (k, bits) in topics.into_iter().zip(bits) {
            assert_eq!(topic_bits(k), bits, "K = {k}");
        }
    }

    #[test]
    fn shards_depend_on_size_only() {
        let tokens = [0, 199_999, 300_000, 435_838, 10_000_000];
        let shards = [1, 1, 3, 4, 16];
        for (n, shards) in tokens.into_iter().zip(shards) {
            assert_eq!(default_shards(n), shards, "{n} tokens");
        }
    }

    #[test]
    fn words_are_split_into_groups_of_equal_mass() {
        let freq = [10, 1, 7, 3, 3, 0];
        let (word_slot, slot_word, bounds) = split_words(&freq, 2);
        // Largest first to the lightest group (ties: lower group):
        // w0 (10) → g0 (10, 0); w2 (7) → g1 (10, 7); w3 (3) → g1 (10, 10);
        // w4 (3) → g0 (13, 10); w1 (1) → g1 (13, 11); w5 (0) → g1.
        assert_eq!(bounds, vec![0, 2, 6]);
        assert_eq!(slot_word, vec![0, 4, 1, 2, 3, 5]);
        for (slot, &w) in slot_word.iter().enumerate() {
            assert_eq!(word_slot[w as usize] as usize, slot);
        }
        assert_eq!(split_docs(&[5, 5, 5, 5], 2), vec![0, 2, 4]);
        assert_eq!(split_docs(&[5], 3), vec![0, 1, 1, 1]);
    }

    #[test]
    fn counts_stay_consistent_across_parallel_sweeps() {
        let docs = generated_docs(60, 40);
        for (layout, k) in [(Layout::Lists, 5), (Layout::Rows, 5), (Layout::Rows, 37)] {
            let mut s = SparseState::init(&docs, 40, k, 0.1, 0.01, 9, 3, Some(layout));
            assert_consistent(&s);
            for sweep in 1..=20 {
                s.sweep(9, sweep);
                assert_consistent(&s);
            }
        }
    }

    /// Long documents at moderate K take rows; many short answers at large
    /// K, K beyond the limit and documents too long for `u16` take lists.
    #[test]
    fn layout_follows_memory_and_k() {
        let long = vec![200u32; 50];
        let short = vec![8u32; 5000];
        assert!(prefers_rows(&long, 20));
        assert!(prefers_rows(&long, 100));
        assert!(
            prefers_rows(&short, 16),
            "16 u16 = 32 bytes, lists 32 bytes"
        );
        assert!(!prefers_rows(&short, 100), "112 u16 per 8-token answer");
        assert!(prefers_rows(&[5000u32; 10], 300));
        assert!(!prefers_rows(&[5000u32; 10], 600), "beyond ROWS_MAX_K");
        assert!(!prefers_rows(&[70_000, 10], 20));
    }

    /// Same seed, same data: 1, 2 and 4 worker threads produce identical
    /// assignments and counts.
    #[test]
    fn result_does_not_depend_on_thread_count() {
        let docs = generated_docs(80, 50);
        for layout in [Layout::Lists, Layout::Rows] {
            same_result_for_any_thread_count(&docs, layout);
        }
    }

    fn same_result_for_any_thread_count(docs: &[Document], layout: Layout) {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut s = SparseState::init(docs, 50, 6, 0.1, 0.01, 4, 4, Some(layout));
            pool.install(|| {
                for sweep in 1..=10 {
                    s.sweep(4, sweep);
                }
            });
            (
                s.assignments(),
                s.to_state().n_wk,
                s.n_k.clone(),
                s.log_likelihood(),
            )
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(4));
        // And the seed matters.
        let mut other = SparseState::init(docs, 50, 6, 0.1, 0.01, 5, 4, Some(layout));
        other.sweep(5, 1);
        assert_ne!(one.0, other.assignments());
    }

    /// Whole sweeps on every instruction set the CPU has give the same
    /// chain, bit for bit, in both layouts and at both lane counts (K = 20:
    /// 8 lanes, K = 130: 16). On x86_64 the AVX2 path is always compared
    /// with the portable one (a CPU without AVX2 fails the test); AVX-512
    /// where the CPU has it, and stderr says when it does not.
    #[test]
    fn every_instruction_set_gives_the_same_sweeps() {
        let docs = generated_docs(90, 50);
        let detected = InstructionSet::detected();
        let mut compared = vec![InstructionSet::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            assert!(
                detected >= InstructionSet::Avx2,
                "this x86_64 CPU lacks AVX2: the AVX2 path cannot be compared"
            );
            compared.push(InstructionSet::Avx2);
            if detected == InstructionSet::Avx512 {
                compared.push(InstructionSet::Avx512);
            } else {
                eprintln!("no AVX-512 on this CPU: compared portable and AVX2 only");
            }
        }
        for (layout, k) in [(Layout::Rows, 20), (Layout::Rows, 130), (Layout::Lists, 20)] {
            let run = |isa: InstructionSet| {
                let mut s = SparseState::init(&docs, 50, k, 0.1, 0.01, 6, 3, Some(layout));
                for sweep in 1..=15 {
                    s.sweep_on(6, sweep, isa);
                }
                (s.assignments(), s.n_k.clone(), s.log_likelihood().to_bits())
            };
            let portable = run(InstructionSet::Portable);
            for &isa in &compared[1..] {
                assert!(
                    run(isa) == portable,
                    "{layout:?}, K {k}: {isa:?} differs from portable"
                );
            }
        }
        assert_eq!(
            compared.len(),
            detected as usize + 1,
            "every detected path compared"
        );
    }

    /// One topic: every token stays in it, and the likelihood is the
    /// dense kernel's closed form for the same counts.
    #[test]
    fn single_topic_is_stable() {
        let docs = generated_docs(12, 9);
        let mut s = SparseState::init(&docs, 9, 1, 0.5, 0.1, 3, 2, None);
        for sweep in 1..=5 {
            s.sweep(3, sweep);
        }
        assert!(s.assignments().iter().all(|&(_, _, t)| t == 0));
        assert_consistent(&s);
        let dense = s.to_state().log_likelihood();
        assert!((s.log_likelihood() - dense).abs() < 1e-9 * dense.abs());
    }

    #[test]
    fn log_likelihood_equals_dense_formula() {
        let docs = generated_docs(30, 25);
        let mut s = SparseState::init(&docs, 25, 4, 0.3, 0.05, 2, 2, None);
        for sweep in 1..=3 {
            s.sweep(2, sweep);
        }
        let dense = s.to_state().log_likelihood();
        assert!(
            (s.log_likelihood() - dense).abs() < 1e-9 * dense.abs(),
            "{} vs {dense}",
            s.log_likelihood()
        );
    }

    /// Exact posterior p(n_dk, n_wk | w) of a tiny corpus, by enumerating
    /// all K^N assignments: p(z | w) ∝ exp(log p(w, z)).
    fn exact_count_distribution(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
    ) -> HashMap<Vec<u32>, f64> {
        let tokens: Vec<(usize, u32)> = docs
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| doc.words.iter().map(move |&w| (d, w)))
            .collect();
        let doc_len: Vec<u32> = docs.iter().map(|d| d.words.len() as u32).collect();
        let mut out: HashMap<Vec<u32>, f64> = HashMap::new();
        for code in 0..k.pow(tokens.len() as u32) {
            let (mut n_dk, mut n_wk, mut n_k) =
                (vec![0u32; docs.len() * k], vec![0u32; v * k], vec![0u64; k]);
            let mut c = code;
            for &(d, w) in &tokens {
                let t = c % k;
                c /= k;
                n_dk[d * k + t] += 1;
                n_wk[w as usize * k + t] += 1;
                n_k[t] += 1;
            }
            let key = [n_dk.clone(), n_wk.clone()].concat();
            let state = State::from_counts(k, v, &doc_len, n_dk, n_wk, n_k, vec![alpha; k], beta);
            *out.entry(key).or_default() += state.log_likelihood().exp();
        }
        let total: f64 = out.values().sum();
        out.values_mut().for_each(|p| *p /= total);
        out
    }

    fn total_variation(p: &HashMap<Vec<u32>, f64>, q: &HashMap<Vec<u32>, f64>) -> f64 {
        let keys: std::collections::HashSet<&Vec<u32>> = p.keys().chain(q.keys()).collect();
        keys.into_iter()
            .map(|key| (p.get(key).unwrap_or(&0.0) - q.get(key).unwrap_or(&0.0)).abs())
            .sum::<f64>()
            / 2.0
    }

    fn empirical(samples: impl Iterator<Item = Vec<u32>>) -> HashMap<Vec<u32>, f64> {
        let mut out: HashMap<Vec<u32>, f64> = HashMap::new();
        let mut n = 0.0;
        for key in samples {
            *out.entry(key).or_default() += 1.0;
            n += 1.0;
        }
        out.values_mut().for_each(|p| *p /= n);
        out
    }

    /// A start's counts are the same in the sparse layouts (tokens stored
    /// by word slot) as in the dense one (tokens in document order), and are
    /// the counts of the start itself, for any number of shards.
    #[test]
    fn a_start_is_counted_the_same_in_every_layout() {
        let docs = vec![doc(&[0, 3, 0, 1, 0]), doc(&[2, 2, 4]), doc(&[4, 0, 3, 3])];
        let start: Vec<Vec<u16>> = vec![vec![2, 1, 0, 2, 2], vec![0, 1, 1], vec![1, 2, 0, 1]];
        let (v, k) = (5, 3);
        let dense = State::init_from(&docs, v, k, 0.1, 0.01, &start);
        let mut n_dk = vec![0u32; docs.len() * k];
        let mut n_wk = vec![0u32; v * k];
        for (d, (doc, topics)) in docs.iter().zip(&start).enumerate() {
            for (&w, &t) in doc.words.iter().zip(topics) {
                n_dk[d * k + t as usize] += 1;
                n_wk[w as usize * k + t as usize] += 1;
            }
        }
        assert_eq!((&dense.n_dk, &dense.n_wk), (&n_dk, &n_wk));
        assert_eq!(dense.z, start.concat());
        for shards in [1, 2, 3] {
            let sparse = SparseState::init_from(&docs, v, k, 0.1, 0.01, shards, &start);
            let s = sparse.to_state();
            assert_eq!(
                (&s.n_dk, &s.n_wk, &s.n_k),
                (&n_dk, &n_wk, &dense.n_k),
                "{shards} shards"
            );
        }
    }

    /// The chain's long-run distribution of counts equals the exact
    /// posterior (enumerated), for the sparse kernel and for the dense
    /// reference alike: "same distribution", not "same numbers".
    #[test]
    fn sparse_and_dense_kernels_sample_the_exact_posterior() {
        let docs = vec![doc(&[0, 0, 1]), doc(&[1, 2]), doc(&[0, 2, 2])];
        let (v, k, alpha, beta) = (3, 2, 0.5, 0.3);
        let exact = exact_count_distribution(&docs, v, k, alpha, beta);
        // The threshold separates real differences: changing beta by a
        // factor 2 moves the exact distribution much further than it.
        let other = exact_count_distribution(&docs, v, k, alpha, 2.0 * beta);
        assert!(
            total_variation(&exact, &other) > 0.06,
            "{}",
            total_variation(&exact, &other)
        );
        let sweeps = 200_000;

        for layout in [Layout::Lists, Layout::Rows] {
            let mut sparse = SparseState::init(&docs, v, k, alpha, beta, 11, 1, Some(layout));
            let sparse_hist = empirical((1..=sweeps).map(|sweep| {
                sparse.sweep(11, sweep);
                let s = sparse.to_state();
                [s.n_dk, s.n_wk].concat()
            }));
            let tv = total_variation(&exact, &sparse_hist);
            assert!(tv < 0.02, "sparse kernel, {layout:?}: total variation {tv}");
        }

        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut dense = State::init(&docs, v, k, alpha, beta, &mut rng);
        let dense_hist = empirical((0..sweeps).map(|_| {
            dense.sweep_dense(&mut rng);
            [dense.n_dk.clone(), dense.n_wk.clone()].concat()
        }));
        let tv = total_variation(&exact, &dense_hist);
        assert!(tv < 0.02, "dense kernel: total variation {tv}");
    }
}
