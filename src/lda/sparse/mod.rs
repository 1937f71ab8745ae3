//! The default kernel: a collapsed Gibbs sampler that visits tokens word by
//! word, runs on several threads, and yet gives the same chain for the same
//! seed whatever the number of threads.
//!
//! With `g_t = (n_wt + β) / (n_t + Vβ)` the collapsed conditional of a token
//! of word `w` in document `d` is p(z = t) ∝ (n_dt + α_t) g_t. Tokens are
//! visited word by word (as F+LDA, Yu et al. 2015, does), so the factors g_t
//! of a word are computed once per word and block and kept up to date in
//! O(1) per count change; a token then needs only its document's counts.
//! The token's own assignment is taken out of the conditional without
//! touching the counts (only topic `old` differs, by one), so a token that
//! keeps its topic (most of them, once the chain has burned in) writes
//! nothing back. Every draw is from the full conditional: no
//! Metropolis-Hastings step, no stale proposal.
//!
//! # Two layouts of the document-topic counts
//!
//! Which one is used depends on the corpus and K only
//! ([`layouts::prefers_rows`]):
//!
//! - **Dense rows** ([`rows`]): one `u16` count per topic and document. The
//!   conditional is computed whole, O(K) per token, as straight vector
//!   arithmetic (AVX-512, AVX2 or portable, the same bits) with an
//!   inverse-CDF draw that avoids a serial prefix sum. For K up to a few
//!   hundred and documents that are not much shorter than K, this measured
//!   fastest by far: on `ap.txt` about 1.3× (K = 20) and 1.5× (K = 100) the
//!   speed of the lists below, which it replaced there.
//! - **Sparse lists** ([`lists`]): SparseLDA's bucket decomposition (Yao,
//!   Mimno & McCallum 2009), (n_dt + α_t) g_t = n_dt g_t + α_t g_t. The
//!   *document part* has one term per topic present in the document,
//!   recomputed for every token; the *prior part* A = Σ_t α_t g_t depends
//!   only on the word and the topic totals and is kept up to date per count
//!   change, walked topic by topic only for the few draws that land in it.
//!   A token costs O(topics in its document), not O(K): the layout for many
//!   topics and for short answers, where a dense row would be mostly zeros.
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
//! contiguous); document-topic counts are `u16` rows of K rounded up to 8 or 16 lanes,
//! or lists of `u32` packing `count << topic_bits | topic` in no particular
//! order, with room for min(K, length) topics per document, whichever
//! [`layouts::prefers_rows`] picks (rows only when they take at most twice the
//! memory of the lists).

mod layouts;
mod likelihood;
mod lists;
mod rows;
mod scheduler;
mod simd;

pub use simd::{instruction_set, InstructionSet};

pub(crate) use layouts::supports;
pub(crate) use scheduler::{default_shards, SparseState};

#[cfg(test)]
use layouts::topic_bits;
use layouts::ListDocs;
use scheduler::{reciprocal, reciprocals, BlockTokens, Shared};
