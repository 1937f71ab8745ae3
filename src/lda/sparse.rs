//! The default kernel: a sparse collapsed Gibbs sampler that draws from the
//! exact full conditional, runs on several threads, and yet gives the same
//! chain for the same seed whatever the number of threads.
//!
//! # The conditional, split into a sparse and a smooth part
//!
//! With `g_t = (n_wt + β) / (n_t + Vβ)` the collapsed conditional of a token
//! of word `w` in document `d` is
//!
//! p(z = t) ∝ (n_dt + α_t) g_t = n_dt g_t + α_t g_t,
//!
//! the bucket decomposition of SparseLDA (Yao, Mimno & McCallum 2009). The
//! *document part* Σ_t n_dt g_t has one term per topic present in the
//! document (a handful), recomputed for every token. The *prior part*
//! A = Σ_t α_t g_t depends only on the word and the topic totals, so tokens
//! are visited word by word (as F+LDA, Yu et al. 2015, does) and A is kept up
//! to date in O(1) per count change; it is summed over all topics once per
//! word, and walked topic by topic only for the few draws (α_t ≪ n_d) that
//! land in it. A token therefore costs O(topics in its document), not O(K),
//! and the draw is exact: no Metropolis-Hastings step, no stale proposal.
//!
//! The token's own assignment is taken out of the conditional without
//! touching the counts (only topic `old` differs, by one), so a token that
//! keeps its topic — most of them, once the chain has burned in — writes
//! nothing back. The per-document loop is compiled twice, portable and
//! AVX2 (chosen at run time); both add in the same order, to the same bits.
//!
//! # Determinism across threads
//!
//! Documents are cut into `S` contiguous groups of equal token mass and words
//! into `S` groups of equal token mass; the corpus becomes an `S × S` grid of
//! blocks. A sweep has `S` rounds; in round `e`, block `(i, (i + e) mod S)`
//! is sampled for every `i`, in parallel: blocks of one round share no
//! document and no word, so their document-topic and word-topic counts are
//! disjoint (Newman et al. 2009, "diagonal" partitioning). Only the topic
//! totals `n_t` are shared: each block starts from the totals at the start of
//! the round and sees its own changes; the changes of all blocks are added
//! after the round. `S` depends only on the corpus size and each block draws
//! from its own random stream derived from (seed, sweep, round, block), so
//! 1, 2 or 16 threads compute exactly the same numbers. With `S = 1` (small
//! corpora) this is the plain sequential collapsed Gibbs sampler; with
//! `S > 1` a block sees the other blocks' changes to the topic totals only
//! at the end of the round (the approximation of AD-LDA, Newman et al.
//! 2009, here limited to the totals, which move by well under 1% in a
//! round on corpora large enough to get `S > 1`).
//!
//! # Memory
//!
//! A token is 6 bytes (document `u32`, topic `u16`; its word is implied by
//! its place). Word-topic counts are dense `u32` rows (one word's topics are
//! contiguous); document-topic counts are sparse lists of `u32` packing
//! `count << topic_bits | topic` in no particular order, with room for at
//! most min(K, length) topics per document.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::math::ln_gamma;
use super::state::State;
use crate::corpus::Document;

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

/// Bits needed to store a topic index below `k`.
fn topic_bits(k: usize) -> u32 {
    (usize::BITS - (k.max(2) - 1).leading_zeros()).max(1)
}

/// Whether every document-topic count fits beside its topic index in a
/// packed `u32` (documents longer than 65,535 tokens at K > 32,768 do not).
pub(crate) fn supports(docs: &[Document], k: usize) -> bool {
    let limit = (u32::MAX >> topic_bits(k)) as usize;
    docs.iter().all(|d| d.words.len() <= limit)
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
    /// Document `d` may use `doc_entries[doc_offsets[d]..doc_offsets[d + 1]]`.
    doc_offsets: Vec<usize>,
    doc_entries: Vec<u32>,
    /// How many of a document's entries are in use (non-zero counts).
    doc_nnz: Vec<u32>,
    doc_len: Vec<u32>,
    pub alpha: Vec<f64>,
    pub beta: f64,
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
    /// random topic from a stream seeded by `seed`.
    pub fn init(
        docs: &[Document],
        v: usize,
        k: usize,
        alpha: f64,
        beta: f64,
        seed: u64,
        shards: usize,
    ) -> SparseState {
        let shards = shards.max(1);
        let doc_len: Vec<u32> = docs.iter().map(|d| d.words.len() as u32).collect();
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

        let mut doc_offsets = Vec::with_capacity(docs.len() + 1);
        doc_offsets.push(0);
        for &n in &doc_len {
            doc_offsets.push(doc_offsets[doc_offsets.len() - 1] + (n as usize).min(k));
        }
        let total_entries = doc_offsets[docs.len()];
        let mut state = SparseState {
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
            doc_offsets,
            doc_entries: vec![0; total_entries],
            doc_nnz: vec![0; docs.len()],
            doc_len,
            alpha: vec![alpha; k],
            beta,
        };
        state.assign_random(seed);
        state
    }

    fn assign_random(&mut self, seed: u64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(seed));
        let k = self.k;
        for r in 0..self.run_slot.len() {
            let slot = self.run_slot[r] as usize;
            for tok in self.run_start[r]..self.run_start[r + 1] {
                let t = rng.random_range(0..k);
                self.z[tok] = t as u16;
                self.n_wk[slot * k + t] += 1;
                self.n_k[t] += 1;
                let d = self.tok_doc[tok] as usize;
                let entries = &mut self.doc_entries[self.doc_offsets[d]..self.doc_offsets[d + 1]];
                doc_add(entries, &mut self.doc_nnz[d], t, self.topic_bits);
            }
        }
    }

    /// One sweep: `shards` rounds of disjoint blocks, sampled in parallel on
    /// the current rayon pool. The result depends on `seed` and `sweep`, not
    /// on the pool's size.
    pub fn sweep(&mut self, seed: u64, sweep: usize) {
        for round in 0..self.shards {
            self.sample_round(seed, sweep, round);
        }
    }

    fn sample_round(&mut self, seed: u64, sweep: usize, round: usize) {
        let s = self.shards;
        let k = self.k;
        let round_start_totals = self.n_k.clone();
        let ctx = Shared {
            k,
            topic_bits: self.topic_bits,
            alpha: &self.alpha,
            beta: self.beta,
            vbeta: self.v as f64 * self.beta,
            run_slot: &self.run_slot,
            run_start: &self.run_start,
            tok_doc: &self.tok_doc,
            doc_offsets: &self.doc_offsets,
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
        let mut entries_rest = &mut self.doc_entries[..];
        let mut nnz_rest = &mut self.doc_nnz[..];
        let mut blocks = Vec::with_capacity(s);
        for i in 0..s {
            let (d0, d1) = (self.doc_bounds[i], self.doc_bounds[i + 1]);
            let (entries, tail) =
                entries_rest.split_at_mut(self.doc_offsets[d1] - self.doc_offsets[d0]);
            entries_rest = tail;
            let (nnz, tail) = nnz_rest.split_at_mut(d1 - d0);
            nnz_rest = tail;
            let j = (i + round) % s;
            let b = i * s + j;
            blocks.push(Block {
                doc_start: d0,
                entry_start: self.doc_offsets[d0],
                slot_start: self.word_bounds[j],
                runs: self.block_runs[b]..self.block_runs[b + 1],
                token_start: self.run_start[self.block_runs[b]],
                z: z_blocks[b].take().unwrap_or_default(),
                entries,
                nnz,
                n_wk: word_groups[j].take().unwrap_or_default(),
                seed: block_seed(seed, sweep, round, i),
            });
        }
        let locals: Vec<Vec<u64>> = blocks
            .into_par_iter()
            .map(|block| block.sample(&ctx))
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
    /// [`State::log_likelihood`], computed from the sparse counts.
    pub fn log_likelihood(&self) -> f64 {
        let mask = (1u32 << self.topic_bits) - 1;
        let alpha_sum: f64 = self.alpha.iter().sum();
        let ln_gamma_alpha: Vec<f64> = self.alpha.iter().map(|&a| ln_gamma(a)).collect();
        let mut ll = 0.0;
        for d in 0..self.doc_len.len() {
            ll += ln_gamma(alpha_sum) - ln_gamma(self.doc_len[d] as f64 + alpha_sum);
            for &e in self.doc_used(d) {
                let t = (e & mask) as usize;
                ll += ln_gamma((e >> self.topic_bits) as f64 + self.alpha[t]) - ln_gamma_alpha[t];
            }
        }
        let vbeta = self.v as f64 * self.beta;
        let ln_gamma_beta = ln_gamma(self.beta);
        for &n in &self.n_k {
            ll += ln_gamma(vbeta) - ln_gamma(n as f64 + vbeta);
        }
        for &n in &self.n_wk {
            if n > 0 {
                ll += ln_gamma(n as f64 + self.beta) - ln_gamma_beta;
            }
        }
        ll
    }

    fn doc_used(&self, d: usize) -> &[u32] {
        let start = self.doc_offsets[d];
        &self.doc_entries[start..start + self.doc_nnz[d] as usize]
    }

    /// The document-topic counts as dense rows (`D × K`), for the saved
    /// posterior draws.
    pub fn doc_topic_counts(&self) -> Vec<u32> {
        let k = self.k;
        let mask = (1u32 << self.topic_bits) - 1;
        let mut n_dk = vec![0u32; self.doc_len.len() * k];
        for d in 0..self.doc_len.len() {
            for &e in self.doc_used(d) {
                n_dk[d * k + (e & mask) as usize] = e >> self.topic_bits;
            }
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
struct Shared<'a> {
    k: usize,
    topic_bits: u32,
    alpha: &'a [f64],
    beta: f64,
    vbeta: f64,
    run_slot: &'a [u32],
    run_start: &'a [usize],
    tok_doc: &'a [u32],
    doc_offsets: &'a [usize],
    /// Topic totals at the start of the round.
    totals: &'a [u64],
}

/// One block of a round with mutable access to exactly its own counts.
struct Block<'a> {
    doc_start: usize,
    entry_start: usize,
    slot_start: usize,
    runs: std::ops::Range<usize>,
    token_start: usize,
    z: &'a mut [u16],
    entries: &'a mut [u32],
    nnz: &'a mut [u32],
    n_wk: &'a mut [u32],
    seed: u64,
}

impl Block<'_> {
    /// Samples every token of the block, word by word; returns the block's
    /// view of the topic totals at the end.
    fn sample(self, ctx: &Shared) -> Vec<u64> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { self.sample_avx2(ctx) };
        }
        self.sample_with::<false>(ctx)
    }

    /// The same code compiled for AVX2, where the compiler vectorizes the
    /// per-word and per-document loops (gathers). No fused multiply-add is
    /// enabled and no sum is reordered, so the numbers are bit-identical to
    /// the portable build's.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sample_avx2(self, ctx: &Shared) -> Vec<u64> {
        self.sample_with::<true>(ctx)
    }

    #[inline(always)]
    fn sample_with<const AVX2: bool>(self, ctx: &Shared) -> Vec<u64> {
        let Block {
            doc_start,
            entry_start,
            slot_start,
            runs,
            token_start,
            z,
            entries,
            nnz,
            n_wk,
            seed,
        } = self;
        let (k, tb, beta, vbeta, alpha) = (ctx.k, ctx.topic_bits, ctx.beta, ctx.vbeta, ctx.alpha);
        let mask = (1u32 << tb) - 1;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut n_k = ctx.totals.to_vec();
        let mut inv: Vec<f64> = n_k.iter().map(|&n| 1.0 / (n as f64 + vbeta)).collect();
        // 1 / (n_t − 1 + Vβ): the same with one token of topic t taken out
        // (only ever read for topics that hold a token).
        let mut inv_out: Vec<f64> = n_k
            .iter()
            .map(|&n| 1.0 / (n as f64 - 1.0 + vbeta))
            .collect();
        let mut weights = vec![0.0f64; k];
        // g_t = (n_wt + β) / (n_t + Vβ) of the current word.
        // Padded to every index a packed topic field can hold, so that the
        // vector gathers below stay in bounds whatever the entries contain.
        let mut g = vec![0.0f64; (mask as usize + 1).max(k)];
        for r in runs {
            let slot = ctx.run_slot[r] as usize - slot_start;
            let row = &mut n_wk[slot * k..(slot + 1) * k];
            // Counts stay below 2^31: the i32 route vectorizes.
            for ((g, &n), &inv) in g.iter_mut().zip(row.iter()).zip(&inv) {
                *g = (n as i32 as f64 + beta) * inv;
            }
            // The prior part A = Σ_t α_t g_t of this word.
            let mut prior_mass: f64 = alpha.iter().zip(&g).map(|(a, g)| a * g).sum();
            for tok in ctx.run_start[r]..ctx.run_start[r + 1] {
                // Documents come in no cache-friendly order: ask for the list
                // of a token two steps ahead while this one is sampled.
                #[cfg(target_arch = "x86_64")]
                if let Some(&ahead) = ctx.tok_doc.get(tok + 2) {
                    let at = ctx.doc_offsets[ahead as usize].wrapping_sub(entry_start);
                    // SAFETY: a prefetch is only a hint and never faults, even
                    // for an address outside `entries` (the block's last tokens).
                    unsafe {
                        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                        _mm_prefetch::<_MM_HINT_T0>(entries.as_ptr().wrapping_add(at) as *const i8);
                    }
                }
                let d = ctx.tok_doc[tok] as usize - doc_start;
                let lo = ctx.doc_offsets[d + doc_start] - entry_start;
                let hi = ctx.doc_offsets[d + doc_start + 1] - entry_start;
                let doc = &mut entries[lo..hi];
                let used = &mut nnz[d];
                let zi = &mut z[tok - token_start];
                let old = *zi as usize;

                // The conditional with this token taken out, without touching
                // the counts: only topic `old` differs (its n_dt, n_wt and n_t
                // are one less). Most tokens keep their topic, and then
                // nothing has to be written back.
                let g_in = g[old];
                let g_out = (row[old] as f64 - 1.0 + beta) * inv_out[old];
                g[old] = g_out;
                let prior_out = prior_mass + alpha[old] * (g_out - g_in);
                let n = *used as usize;
                let doc_mass = if AVX2 {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: AVX2 is present (AVX2 is only true inside
                    // `sample_avx2`); `g` covers every maskable topic index.
                    unsafe {
                        doc_weights_avx2(&doc[..n], &g, tb, old as u32, &mut weights[..n])
                    }
                    #[cfg(not(target_arch = "x86_64"))]
                    doc_weights(&doc[..n], &g, tb, old as u32, &mut weights[..n])
                } else {
                    doc_weights(&doc[..n], &g, tb, old as u32, &mut weights[..n])
                };
                let u = rng.random::<f64>() * (doc_mass + prior_out);
                // `at`: the new topic's place in the list, when it has one.
                let (new, at) = if u < doc_mass {
                    let x = walk(&weights[..n], u);
                    ((doc[x] & mask) as usize, Some(x))
                } else {
                    (draw_prior(u - doc_mass, &g[..k], alpha), None)
                };
                if new == old {
                    g[old] = g_in;
                    continue;
                }

                // Move the token from `old` to `new`. For `old`, g and the
                // prior mass already hold their taken-out values.
                row[old] -= 1;
                n_k[old] -= 1;
                inv[old] = inv_out[old];
                inv_out[old] = 1.0 / (n_k[old] as f64 - 1.0 + vbeta);
                prior_mass = prior_out;
                match at {
                    // Add first, while the list place of `new` is valid.
                    Some(x) => {
                        doc_increment(doc, x, tb);
                        doc_remove(doc, used, old, tb);
                    }
                    // Remove first: a full list has room for a new topic
                    // only once `old` may have left it.
                    None => {
                        doc_remove(doc, used, old, tb);
                        doc_add(doc, used, new, tb);
                    }
                }
                row[new] += 1;
                n_k[new] += 1;
                inv_out[new] = inv[new];
                inv[new] = 1.0 / (n_k[new] as f64 + vbeta);
                let g_new = (row[new] as f64 + beta) * inv[new];
                prior_mass += alpha[new] * (g_new - g[new]);
                g[new] = g_new;
                *zi = new as u16;
            }
        }
        n_k
    }
}

/// Fills `weights` with n_dt g_t for the document's topics, one token of
/// topic `taken_out` not counted, and returns their sum (four accumulators
/// keep the additions independent).
#[inline]
fn doc_weights(doc: &[u32], g: &[f64], tb: u32, taken_out: u32, weights: &mut [f64]) -> f64 {
    let mask = (1u32 << tb) - 1;
    let weight = |e: u32| {
        let t = e & mask;
        ((e >> tb) - (t == taken_out) as u32) as i32 as f64 * g[t as usize]
    };
    let mut acc = [0.0f64; 4];
    let mut chunks = doc.chunks_exact(4);
    let mut out = weights.chunks_exact_mut(4);
    for (es, ws) in (&mut chunks).zip(&mut out) {
        for i in 0..4 {
            ws[i] = weight(es[i]);
            acc[i] += ws[i];
        }
    }
    for (&e, w) in chunks.remainder().iter().zip(out.into_remainder()) {
        *w = weight(e);
        acc[0] += *w;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// [`doc_weights`] with AVX2: four entries per step, the topic factors
/// gathered. Lane `i` sums entries `i, i + 4, …` and the tail goes to lane 0,
/// exactly as the portable version adds them, so both give the same bits.
///
/// # Safety
/// The CPU must support AVX2, `g` must have `1 << tb` entries (every index
/// a masked topic field can take) and `weights` at least `doc.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn doc_weights_avx2(
    doc: &[u32],
    g: &[f64],
    tb: u32,
    taken_out: u32,
    weights: &mut [f64],
) -> f64 {
    use std::arch::x86_64::*;
    let mask_bits = (1u32 << tb) - 1;
    debug_assert!(g.len() > mask_bits as usize && weights.len() >= doc.len());
    let n = doc.len();
    let mask = _mm_set1_epi32(mask_bits as i32);
    let old = _mm_set1_epi32(taken_out as i32);
    let shift = _mm_cvtsi32_si128(tb as i32);
    let mut acc = _mm256_setzero_pd();
    let mut x = 0;
    while x + 4 <= n {
        // SAFETY: x + 4 <= n = doc.len() <= weights.len(); gather indices
        // are masked to < 1 << tb <= g.len().
        let e = _mm_loadu_si128(doc.as_ptr().add(x) as *const __m128i);
        let topic = _mm_and_si128(e, mask);
        // The comparison gives −1 where the topic is the one taken out.
        let count = _mm_add_epi32(_mm_srl_epi32(e, shift), _mm_cmpeq_epi32(topic, old));
        let factor = _mm256_i32gather_pd::<8>(g.as_ptr(), topic);
        let w = _mm256_mul_pd(_mm256_cvtepi32_pd(count), factor);
        _mm256_storeu_pd(weights.as_mut_ptr().add(x), w);
        acc = _mm256_add_pd(acc, w);
        x += 4;
    }
    let mut lanes = [0.0f64; 4];
    _mm256_storeu_pd(lanes.as_mut_ptr(), acc);
    for x in x..n {
        let t = doc[x] & mask_bits;
        let w = ((doc[x] >> tb) - (t == taken_out) as u32) as i32 as f64 * g[t as usize];
        weights[x] = w;
        lanes[0] += w;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The first index at which the running sum of `weights` exceeds `u`.
/// Rounding can leave `u` a hair above the total: the last index of
/// positive weight takes it.
///
/// Branch-free: the draw's outcome is random, so a loop that stops at it
/// mispredicts once per token; counting the prefix sums at or below `u`
/// costs a few additions instead.
#[inline]
fn walk(weights: &[f64], u: f64) -> usize {
    let mut running = 0.0;
    let mut below = 0;
    for &w in weights {
        running += w;
        below += (running <= u) as usize;
    }
    if below < weights.len() {
        below
    } else {
        weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
    }
}

/// Walks the prior part α_t g_t until `u` is used up. Rounding in the
/// running prior mass can leave a sliver past the last topic; it goes to the
/// last topic (every prior weight is positive).
#[inline(never)]
fn draw_prior(mut u: f64, g: &[f64], alpha: &[f64]) -> usize {
    for (t, (a, g)) in alpha.iter().zip(g).enumerate() {
        u -= a * g;
        if u < 0.0 {
            return t;
        }
    }
    g.len() - 1
}

/// A document's topics are kept as an unordered packed list
/// `count << tb | topic`. The draw scans the whole list anyway (see
/// [`walk`]), so order would buy nothing and cost a reordering per move.
#[inline]
fn count(e: u32, tb: u32) -> u32 {
    e >> tb
}

/// Adds one to entry `x`.
#[inline]
fn doc_increment(doc: &mut [u32], x: usize, tb: u32) {
    doc[x] += 1 << tb;
}

/// The place of topic `t` in a document's list.
#[inline]
fn find(doc: &[u32], t: usize, mask: u32) -> Option<usize> {
    doc.iter().position(|&e| (e & mask) as usize == t)
}

/// Removes one token of topic `t` from a document's list; an emptied entry
/// is replaced by the last one.
#[inline]
fn doc_remove(doc: &mut [u32], used: &mut u32, t: usize, tb: u32) {
    let mask = (1u32 << tb) - 1;
    let n = *used as usize;
    let Some(x) = find(&doc[..n], t, mask) else {
        debug_assert!(false, "topic {t} missing from its document's list");
        return;
    };
    doc[x] -= 1 << tb;
    if count(doc[x], tb) == 0 {
        doc[x] = doc[n - 1];
        *used -= 1;
    }
}

/// Adds one token of topic `t` to a document's list.
#[inline]
fn doc_add(doc: &mut [u32], used: &mut u32, t: usize, tb: u32) {
    let mask = (1u32 << tb) - 1;
    let n = *used as usize;
    match find(&doc[..n], t, mask) {
        Some(x) => doc_increment(doc, x, tb),
        None => {
            doc[n] = (1 << tb) | t as u32;
            *used += 1;
        }
    }
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
            let counts: Vec<u32> = s.doc_used(d).iter().map(|&e| e >> s.topic_bits).collect();
            assert!(
                counts.iter().all(|&c| c > 0),
                "no zero entry kept: {counts:?}"
            );
        }
    }

    #[test]
    fn topic_bits_fit_every_topic() {
        assert_eq!(topic_bits(1), 1);
        assert_eq!(topic_bits(2), 1);
        assert_eq!(topic_bits(20), 5);
        assert_eq!(topic_bits(100), 7);
        assert_eq!(topic_bits(128), 7);
        assert_eq!(topic_bits(129), 8);
        assert_eq!(topic_bits(65_535), 16);
    }

    #[test]
    fn shards_depend_on_size_only() {
        assert_eq!(default_shards(0), 1);
        assert_eq!(default_shards(199_999), 1);
        assert_eq!(default_shards(300_000), 3);
        assert_eq!(default_shards(435_838), 4);
        assert_eq!(default_shards(10_000_000), 16);
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

    /// The AVX2 and portable document weights agree to the last bit, so a
    /// seed gives the same model on machines with and without AVX2.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_and_portable_weights_are_identical() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        }
        let tb = topic_bits(100);
        let g: Vec<f64> = (0..128).map(|t| 1.0 / (3.0 + t as f64 * 0.37)).collect();
        for n in [0usize, 1, 3, 4, 7, 25, 64] {
            let doc: Vec<u32> = (0..n)
                .map(|x| (((n - x) as u32 * 7 + 1) << tb) | ((x * 13) % 100) as u32)
                .collect();
            for taken_out in [0u32, 13, 26, 99] {
                let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
                let sum_a = doc_weights(&doc, &g, tb, taken_out, &mut a);
                // SAFETY: AVX2 checked above; g has 128 = 1 << tb entries.
                let sum_b = unsafe { doc_weights_avx2(&doc, &g, tb, taken_out, &mut b) };
                assert_eq!(sum_a.to_bits(), sum_b.to_bits(), "n {n}");
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn walk_finds_the_interval_of_u() {
        let w = [0.5, 0.0, 0.25, 0.25];
        assert_eq!(walk(&w, 0.0), 0);
        assert_eq!(walk(&w, 0.49), 0);
        assert_eq!(walk(&w, 0.5), 2, "a zero weight is never drawn");
        assert_eq!(walk(&w, 0.8), 3);
        assert_eq!(
            walk(&w, 1.0),
            3,
            "rounding past the total: last positive weight"
        );
        assert_eq!(walk(&[0.5, 0.5, 0.0], 1.0), 1);
    }

    #[test]
    fn counts_stay_consistent_across_parallel_sweeps() {
        let docs = generated_docs(60, 40);
        let mut s = SparseState::init(&docs, 40, 5, 0.1, 0.01, 9, 3);
        assert_consistent(&s);
        for sweep in 1..=20 {
            s.sweep(9, sweep);
            assert_consistent(&s);
        }
    }

    /// Same seed, same data: 1, 2 and 4 worker threads produce identical
    /// assignments and counts.
    #[test]
    fn result_does_not_depend_on_thread_count() {
        let docs = generated_docs(80, 50);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut s = SparseState::init(&docs, 50, 6, 0.1, 0.01, 4, 4);
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
        let mut other = SparseState::init(&docs, 50, 6, 0.1, 0.01, 5, 4);
        other.sweep(5, 1);
        assert_ne!(one.0, other.assignments());
    }

    /// One topic: every token stays in it, and the likelihood is the
    /// dense kernel's closed form for the same counts.
    #[test]
    fn single_topic_is_stable() {
        let docs = generated_docs(12, 9);
        let mut s = SparseState::init(&docs, 9, 1, 0.5, 0.1, 3, 2);
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
        let mut s = SparseState::init(&docs, 25, 4, 0.3, 0.05, 2, 2);
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

        let mut sparse = SparseState::init(&docs, v, k, alpha, beta, 11, 1);
        let sparse_hist = empirical((1..=sweeps).map(|sweep| {
            sparse.sweep(11, sweep);
            let s = sparse.to_state();
            [s.n_dk, s.n_wk].concat()
        }));
        let tv = total_variation(&exact, &sparse_hist);
        assert!(tv < 0.02, "sparse kernel: total variation {tv}");

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
