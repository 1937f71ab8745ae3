//! The kernel for document-topic counts kept as sparse packed lists: the
//! cost of a token grows with the topics present in its document, not with
//! K, so it serves many topics and short documents.
//!
//! The conditional is split into a document part and a prior part as the
//! parent module describes; the document part is computed over the list,
//! the prior part kept up to date per word.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::simd::InstructionSet;
use super::{reciprocal, reciprocals, BlockTokens, ListDocs, Shared};

/// Samples every token of one block, word by word; returns the block's view
/// of the topic totals at the end.
pub(super) fn sample(tokens: BlockTokens, docs: ListDocs, ctx: &Shared) -> Vec<u64> {
    #[cfg(target_arch = "x86_64")]
    if ctx.isa >= InstructionSet::Avx2 {
        // SAFETY: `ctx.isa` is at most what the CPU supports (simd.rs).
        return unsafe { sample_avx2(tokens, docs, ctx) };
    }
    sample_with::<false>(tokens, docs, ctx)
}

/// The same code compiled for AVX2, where the compiler vectorizes the
/// per-word and per-document loops (gathers). No fused multiply-add is
/// enabled and no sum is reordered, so the numbers are bit-identical to
/// the portable build's.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sample_avx2(tokens: BlockTokens, docs: ListDocs, ctx: &Shared) -> Vec<u64> {
    sample_with::<true>(tokens, docs, ctx)
}

#[inline(always)]
fn sample_with<const AVX2: bool>(tokens: BlockTokens, docs: ListDocs, ctx: &Shared) -> Vec<u64> {
    let (doc_start, slot_start, token_start) =
        (tokens.doc_start, tokens.slot_start, tokens.token_start);
    let BlockTokens {
        runs,
        z,
        n_wk,
        seed,
        ..
    } = tokens;
    let ListDocs {
        entry_start,
        offsets,
        entries,
        nnz,
    } = docs;
    let (k, tb, beta, vbeta, alpha) = (ctx.k, ctx.topic_bits, ctx.beta, ctx.vbeta, ctx.alpha);
    let mask = (1u32 << tb) - 1;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut n_k = ctx.totals.to_vec();
    let mut inv = reciprocals(&n_k, 0.0, vbeta);
    // 1 / (n_t − 1 + Vβ): the same with one token of topic t taken out
    // (only ever read for topics that hold a token).
    let mut inv_out = reciprocals(&n_k, -1.0, vbeta);
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
                let at = offsets[ahead as usize].wrapping_sub(entry_start);
                // SAFETY: a prefetch is only a hint and never faults, even
                // for an address outside `entries` (the block's last tokens).
                unsafe {
                    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                    _mm_prefetch::<_MM_HINT_T0>(entries.as_ptr().wrapping_add(at) as *const i8);
                }
            }
            let d = ctx.tok_doc[tok] as usize - doc_start;
            let lo = offsets[d + doc_start] - entry_start;
            let hi = offsets[d + doc_start + 1] - entry_start;
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
            inv_out[old] = reciprocal(n_k[old], -1.0, vbeta);
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
            inv[new] = reciprocal(n_k[new], 0.0, vbeta);
            let g_new = (row[new] as f64 + beta) * inv[new];
            prior_mass += alpha[new] * (g_new - g[new]);
            g[new] = g_new;
            *zi = new as u16;
        }
    }
    n_k
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
pub(super) fn doc_add(doc: &mut [u32], used: &mut u32, t: usize, tb: u32) {
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
    use super::*;
    use crate::lda::sparse::topic_bits;

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
}
