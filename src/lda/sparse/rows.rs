//! The kernel for document-topic counts kept as dense `u16` rows.
//!
//! Tokens are still visited word by word, so the word's factors
//! g_t = (n_wt + β) / (n_t + Vβ) are computed once per word and block; a
//! token then needs its document's row only. The conditional
//! p(z = t) ∝ (n_dt + α_t) g_t is computed whole, with no split into parts,
//! as straight vector arithmetic over the row: no gathers, no list upkeep,
//! no branch per topic.
//!
//! # An inverse-CDF draw without a serial prefix sum
//!
//! A draw needs running sums of the weights, and a running sum over K topics
//! is a chain of K dependent additions (a few cycles each): at K = 100 that
//! chain alone would cost more than everything else a token needs. Any fixed
//! order of the topics gives a valid inverse-CDF draw, so the order used is
//! *lane-major*: with [`LANES`] = 16, lane `i` holds topics `i, i + 16,
//! i + 32, …`, and the sixteen lanes keep their running sums side by side
//! (one vector addition per sixteen topics). The lane totals are chained by
//! a prefix scan, the lane the draw falls in is found by counting the
//! chained totals at or below `u`, and its topic by counting, in every lane
//! at once, the stored running sums at or below `u`: comparisons, not a
//! dependent walk, and no branch on the random outcome.
//!
//! # Precision
//!
//! Weights and their sums are `f32`, as in tomotopy: twice the topics per
//! vector instruction. Counts are exact integers; a weight and a running sum
//! carry a relative rounding error of order 10⁻⁷, so the probability of a
//! draw is off by that fraction of itself or of the total, orders of
//! magnitude below what any number of sweeps could detect. The factors g_t
//! and the topic totals are computed in `f64` and rounded once.
//!
//! # The same bits on every machine
//!
//! Every operation is lane-wise and in the same order in the AVX-512, AVX2
//! and portable builds (the scan adds the lanes 1, 2, 4 and 8 places before,
//! in that order, in all three), and Rust never fuses a multiply and an add
//! on its own, so every build draws the same topics (tested).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{reciprocal, reciprocals, BlockTokens, Shared};

/// Topics per lane group: one AVX-512 register of `f32` (two AVX2 ones).
const LANES: usize = 16;

/// Row length for `k` topics: whole lane groups, the tail padded with
/// topics of weight exactly zero (count 0, α 0, g 0).
pub(super) fn stride(k: usize) -> usize {
    k.div_ceil(LANES) * LANES
}

/// Instruction sets the kernel is compiled for.
const PORTABLE: u8 = 0;
const AVX2: u8 = 1;
const AVX512: u8 = 2;

/// Samples every token of one block, word by word; returns the block's view
/// of the topic totals at the end.
pub(super) fn sample(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    #[cfg(target_arch = "x86_64")]
    {
        if avx512_present() {
            // SAFETY: the CPU supports AVX-512F and AVX2, checked just above.
            return unsafe { sample_avx512(tokens, rows, ctx) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { sample_avx2(tokens, rows, ctx) };
        }
    }
    sample_with::<PORTABLE>(tokens, rows, ctx)
}

/// Whether the AVX-512 build can run: it uses AVX-512F and, for the
/// count updates, AVX2.
#[cfg(target_arch = "x86_64")]
fn avx512_present() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx2")
}

/// [`sample_with`] compiled for AVX2 (same operations, same bits).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sample_avx2(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    sample_with::<AVX2>(tokens, rows, ctx)
}

/// [`sample_with`] compiled for AVX-512 (same operations, same bits).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn sample_avx512(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    sample_with::<AVX512>(tokens, rows, ctx)
}

#[inline(always)]
fn sample_with<const ISA: u8>(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    let BlockTokens {
        doc_start,
        slot_start,
        runs,
        token_start,
        z,
        n_wk,
        seed,
    } = tokens;
    let (k, beta, vbeta) = (ctx.k, ctx.beta, ctx.vbeta);
    let stride = stride(k);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut n_k = ctx.totals.to_vec();
    let mut inv = reciprocals(&n_k, 0.0, vbeta);
    // 1 / (n_t − 1 + Vβ): the same with one token of topic t taken out
    // (only ever read for topics that hold a token).
    let mut inv_out = reciprocals(&n_k, -1.0, vbeta);
    // 1 / (n_t + 1 + Vβ): ready for the topic's next token, so that no
    // division stands between a draw and the next token.
    let mut inv_in = reciprocals(&n_k, 1.0, vbeta);
    // Lane groups start on cache lines: a vector that straddles two lines
    // costs two accesses.
    let mut alpha_buffer = CacheLines::zeros(stride);
    let alpha = alpha_buffer.slice_mut();
    for (a, &value) in alpha.iter_mut().zip(ctx.alpha) {
        *a = value as f32;
    }
    let alpha = &*alpha;
    // g_t of the current word; the padding stays 0.
    let mut g_buffer = CacheLines::zeros(stride);
    let g = g_buffer.slice_mut();
    // Running sums of the weights, lane by lane (see the module comment).
    let mut running_buffer = CacheLines::zeros(stride);
    let running = running_buffer.slice_mut();
    for r in runs {
        let slot = ctx.run_slot[r] as usize - slot_start;
        let row = &mut n_wk[slot * k..(slot + 1) * k];
        for ((g, &n), &inv) in g.iter_mut().zip(row.iter()).zip(&inv) {
            *g = factor(n, beta, inv);
        }
        for tok in ctx.run_start[r]..ctx.run_start[r + 1] {
            // Documents come in no cache-friendly order: ask for the row of
            // a token two steps ahead while this one is sampled.
            #[cfg(target_arch = "x86_64")]
            if let Some(&ahead) = ctx.tok_doc.get(tok + 2) {
                let at = (ahead as usize)
                    .wrapping_sub(doc_start)
                    .wrapping_mul(stride);
                prefetch_row(rows.as_ptr().wrapping_add(at), stride);
            }
            let d = ctx.tok_doc[tok] as usize - doc_start;
            let doc = &mut rows[d * stride..(d + 1) * stride];
            let zi = &mut z[tok - token_start];
            let old = *zi as usize;
            // The conditional with this token taken out, without touching
            // the counts: only topic `old` differs (its n_dt, n_wt and n_t
            // are one less).
            let g_out = ((row[old] as f64 - 1.0 + beta) * inv_out[old]) as f32;
            let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g_out);
            let new = draw::<ISA>(doc, alpha, g, running, &taken, rng.random::<f32>(), k);
            if new == old {
                continue;
            }
            move_token::<ISA>(doc, old, new);
            row[old] -= 1;
            row[new] += 1;
            n_k[old] -= 1;
            n_k[new] += 1;
            inv_in[old] = inv[old];
            inv[old] = inv_out[old];
            inv_out[new] = inv[new];
            inv[new] = inv_in[new];
            set_factor::<ISA>(g, old, g_out);
            set_factor::<ISA>(g, new, factor(row[new], beta, inv[new]));
            // Off the path to the next draw.
            inv_out[old] = reciprocal(n_k[old], -1.0, vbeta);
            inv_in[new] = reciprocal(n_k[new], 1.0, vbeta);
            *zi = new as u16;
        }
    }
    n_k
}

/// g_t = (n_wt + β) / (n_t + Vβ) from the count and the reciprocal, in
/// `f64`, rounded once. Counts stay below 2^31: the i32 route vectorizes.
#[inline(always)]
fn factor(n_wt: u32, beta: f64, inv: f64) -> f32 {
    ((n_wt as i32 as f64 + beta) * inv) as f32
}

/// A zeroed `f32` buffer whose slice starts on a 64-byte boundary.
struct CacheLines {
    storage: Vec<f32>,
    start: usize,
    len: usize,
}

impl CacheLines {
    fn zeros(len: usize) -> CacheLines {
        const PER_LINE: usize = 64 / std::mem::size_of::<f32>();
        let storage = vec![0.0f32; len + PER_LINE];
        let misalignment = storage.as_ptr() as usize % 64;
        let start = ((64 - misalignment) % 64) / std::mem::size_of::<f32>();
        CacheLines {
            storage,
            start,
            len,
        }
    }

    fn slice_mut(&mut self) -> &mut [f32] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

/// The correction for the token being sampled: its topic `old` must weigh
/// (n_d,old − 1 + α_old) g_out, not the (n_d,old + α_old) g_old its counts
/// give, so every running sum of lane `old % LANES` from group
/// `old / LANES` on, and that lane's total, is `delta` too large. The sums
/// are computed from the counts as they are (no comparison per topic in the
/// vector loop, and the correction, which needs a few dependent loads and
/// multiplications, is not waited for) and corrected where they are read.
struct TakenOut {
    lane: usize,
    group: usize,
    delta: f32,
}

impl TakenOut {
    fn new(old: usize, count: u16, alpha: f32, g_old: f32, g_out: f32) -> TakenOut {
        let counted = (count as f32 + alpha) * g_old;
        let wanted = (count as f32 - 1.0 + alpha) * g_out;
        TakenOut {
            lane: old % LANES,
            group: old / LANES,
            delta: counted - wanted,
        }
    }

    /// A lane total or running sum, corrected: x − δ in the taken-out lane
    /// from its group on, x − 0 (exact) elsewhere, as the vector code does.
    #[inline(always)]
    fn fix(&self, x: f32, lane: usize, group: usize) -> f32 {
        let here = lane == self.lane && group >= self.group;
        x - if here { self.delta } else { 0.0 }
    }
}

/// Draws the token's new topic (below `k`): `r` uniform in [0, 1) scaled to
/// the total weight, located in lane-major order. Writes the lane-wise
/// running sums of the weights into `running`.
#[inline(always)]
fn draw<const ISA: u8>(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
    taken: &TakenOut,
    r: f32,
    k: usize,
) -> usize {
    debug_assert!(alpha.len() == doc.len() && g.len() == doc.len());
    debug_assert!(running.len() == doc.len() && doc.len().is_multiple_of(LANES));
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 {
        // SAFETY: `AVX512` is only chosen inside `sample_avx512`, which runs
        // on CPUs with AVX-512F; the four slices have the same length, a
        // multiple of LANES.
        return unsafe { draw_avx512(doc, alpha, g, running, taken, r, k) };
    }
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX2 {
        // SAFETY: as above, for AVX2 inside `sample_avx2`.
        let totals = unsafe { lane_totals_avx2(doc, alpha, g, running) };
        return locate(totals, running, taken, r, k);
    }
    locate(lane_totals(doc, alpha, g, running), running, taken, r, k)
}

/// The lane totals of the weights (n_dt + α_t) g_t as the counts give them
/// (the taken-out token still counted: [`TakenOut`] corrects them where
/// they are read); writes the lane-wise running sums into `running`.
fn lane_totals(doc: &[u16], alpha: &[f32], g: &[f32], running: &mut [f32]) -> [f32; LANES] {
    let mut lane = [0.0f32; LANES];
    let groups = doc
        .chunks_exact(LANES)
        .zip(alpha.chunks_exact(LANES))
        .zip(g.chunks_exact(LANES).zip(running.chunks_exact_mut(LANES)));
    for ((counts, alpha), (g, running)) in groups {
        for i in 0..LANES {
            lane[i] += (counts[i] as f32 + alpha[i]) * g[i];
        }
        running.copy_from_slice(&lane);
    }
    lane
}

/// The lane totals chained by a Hillis–Steele scan: entry `i` is the total
/// of lanes `0..=i`, the last the total of all.
fn chain(mut lane: [f32; LANES]) -> [f32; LANES] {
    for step in [1, 2, 4, 8] {
        for i in (step..LANES).rev() {
            lane[i] += lane[i - step];
        }
    }
    lane
}

/// The topic whose lane-major interval holds `r` times the total (see the
/// module comment).
///
/// Lane `i` spans [base_i, base_i + total_i), where base_i, the total of
/// the lanes before it, comes from the scan; its end is computed by the
/// very addition that its last running sum takes, so the lane found always
/// contains a group whose sum exceeds the point. The first lane whose end
/// exceeds the point is taken (a scan's rounding need not be monotone, so
/// counting ends at or below the point could pick a wrong lane). A topic of
/// weight zero is never drawn inside a lane: its running sum equals the one
/// before it. Rounding can leave the point at or past the total; the last
/// topic of positive weight then takes it.
fn locate(totals: [f32; LANES], running: &[f32], taken: &TakenOut, r: f32, k: usize) -> usize {
    let groups = running.len() / LANES;
    let mut fixed = totals;
    for (lane, total) in fixed.iter_mut().enumerate() {
        *total = taken.fix(*total, lane, groups - 1);
    }
    let inclusive = chain(fixed);
    let mut base = [0.0f32; LANES];
    base[1..].copy_from_slice(&inclusive[..LANES - 1]);
    let u = r * (base[LANES - 1] + fixed[LANES - 1]);
    // Lane i's running sums are compared with u − base_i; in the taken-out
    // lane, from its group on, with that plus δ (the sums there are δ too
    // large).
    let mut below = [0.0f32; LANES];
    let mut from_taken = [0.0f32; LANES];
    for i in 0..LANES {
        below[i] = u - base[i];
        from_taken[i] = below[i] + if i == taken.lane { taken.delta } else { 0.0 };
    }
    // The first lane whose total (its last running sum) passes its bound;
    // the same comparison ends the count below inside that lane.
    let Some(lane) = (0..LANES).position(|i| totals[i] > from_taken[i]) else {
        return last_positive(running);
    };
    let before = running[lane..]
        .iter()
        .step_by(LANES)
        .enumerate()
        .filter(|&(group, &sum)| {
            let bound = if group >= taken.group {
                from_taken[lane]
            } else {
                below[lane]
            };
            sum <= bound
        })
        .count();
    checked(before * LANES + lane, running, k)
}

/// The drawn topic, unless rounding picked a lane of weight zero (one that
/// holds only padding, when K < 16): the scan's rounding can leave such a
/// lane's end an ulp above the previous lane's. The last topic of positive
/// weight then takes the draw, as for a point past the total.
#[inline(always)]
fn checked(topic: usize, running: &[f32], k: usize) -> usize {
    if topic < k {
        topic
    } else {
        last_positive(running)
    }
}

/// The last topic of positive weight in lane-major order.
#[cold]
fn last_positive(running: &[f32]) -> usize {
    let groups = running.len() / LANES;
    for lane in (0..LANES).rev() {
        for group in (0..groups).rev() {
            let sum = running[group * LANES + lane];
            let before = if group == 0 {
                0.0
            } else {
                running[(group - 1) * LANES + lane]
            };
            if sum > before {
                return group * LANES + lane;
            }
        }
    }
    0
}

/// [`lane_totals`] in AVX2: a lane group is two 8-wide vectors.
///
/// # Safety
/// The CPU must support AVX2; `alpha`, `g` and `running` must be as long as
/// `doc`, whose length is a multiple of [`LANES`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn lane_totals_avx2(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
) -> [f32; LANES] {
    use std::arch::x86_64::*;
    let len = doc.len();
    let (counts, alpha, g, out) = (
        doc.as_ptr(),
        alpha.as_ptr(),
        g.as_ptr(),
        running.as_mut_ptr(),
    );
    let (mut low, mut high) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut at = 0;
    while at < len {
        // SAFETY: at + 16 <= len, and every slice holds len elements.
        let n_low = _mm256_cvtepu16_epi32(_mm_loadu_si128(counts.add(at) as *const __m128i));
        let n_high = _mm256_cvtepu16_epi32(_mm_loadu_si128(counts.add(at + 8) as *const __m128i));
        let w_low = _mm256_mul_ps(
            _mm256_add_ps(_mm256_cvtepi32_ps(n_low), _mm256_loadu_ps(alpha.add(at))),
            _mm256_loadu_ps(g.add(at)),
        );
        let w_high = _mm256_mul_ps(
            _mm256_add_ps(
                _mm256_cvtepi32_ps(n_high),
                _mm256_loadu_ps(alpha.add(at + 8)),
            ),
            _mm256_loadu_ps(g.add(at + 8)),
        );
        low = _mm256_add_ps(low, w_low);
        high = _mm256_add_ps(high, w_high);
        _mm256_storeu_ps(out.add(at), low);
        _mm256_storeu_ps(out.add(at + 8), high);
        at += LANES;
    }
    let mut lane = [0.0f32; LANES];
    _mm256_storeu_ps(lane.as_mut_ptr(), low);
    _mm256_storeu_ps(lane.as_mut_ptr().add(8), high);
    lane
}

/// [`draw`] in AVX-512: a lane group is one register, and the draw is
/// located without reading single numbers back from memory (a 64-byte
/// store cannot hand its data to a 4-byte load; the load would wait for
/// the store to reach the cache).
///
/// # Safety
/// The CPU must support AVX-512F; `alpha`, `g` and `running` must be as
/// long as `doc`, whose length is a multiple of [`LANES`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn draw_avx512(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
    taken: &TakenOut,
    r: f32,
    k: usize,
) -> usize {
    use std::arch::x86_64::*;
    let len = doc.len();
    let (counts, alpha, g, out) = (
        doc.as_ptr(),
        alpha.as_ptr(),
        g.as_ptr(),
        running.as_mut_ptr(),
    );
    let mut sums = _mm512_setzero_ps();
    let mut at = 0;
    while at < len {
        // SAFETY: at + 16 <= len, and every slice holds len elements.
        let n = _mm512_cvtepu16_epi32(_mm256_loadu_si256(counts.add(at) as *const __m256i));
        let w = _mm512_mul_ps(
            _mm512_add_ps(_mm512_cvtepi32_ps(n), _mm512_loadu_ps(alpha.add(at))),
            _mm512_loadu_ps(g.add(at)),
        );
        sums = _mm512_add_ps(sums, w);
        _mm512_storeu_ps(out.add(at), sums);
        at += LANES;
    }
    // The taken-out correction, in its lane only (x − 0 elsewhere: exact).
    let delta = _mm512_set1_ps(taken.delta);
    let taken_at = taken.group * LANES;
    let taken_lane = 1u16 << taken.lane;
    let fixed = _mm512_sub_ps(sums, _mm512_maskz_mov_ps(taken_lane, delta));
    // The scan: add the lanes shifted up by 1, 2, 4 and 8 (zeros shifted in).
    let zero = _mm512_setzero_si512();
    let mut scan = fixed;
    let shifted = _mm512_alignr_epi32::<15>(_mm512_castps_si512(scan), zero);
    scan = _mm512_add_ps(scan, _mm512_castsi512_ps(shifted));
    let shifted = _mm512_alignr_epi32::<14>(_mm512_castps_si512(scan), zero);
    scan = _mm512_add_ps(scan, _mm512_castsi512_ps(shifted));
    let shifted = _mm512_alignr_epi32::<12>(_mm512_castps_si512(scan), zero);
    scan = _mm512_add_ps(scan, _mm512_castsi512_ps(shifted));
    let shifted = _mm512_alignr_epi32::<8>(_mm512_castps_si512(scan), zero);
    scan = _mm512_add_ps(scan, _mm512_castsi512_ps(shifted));
    // Each lane's base (the lanes before it), the point u, and the bounds
    // the running sums are compared with, as in `locate`.
    let base = _mm512_castsi512_ps(_mm512_alignr_epi32::<15>(_mm512_castps_si512(scan), zero));
    let total = _mm512_permutexvar_ps(_mm512_set1_epi32(15), _mm512_add_ps(base, fixed));
    let u = _mm512_mul_ps(_mm512_set1_ps(r), total);
    let below = _mm512_sub_ps(u, base);
    let from_taken = _mm512_mask_add_ps(below, taken_lane, below, delta);
    let beyond = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(sums, from_taken);
    if beyond == 0 {
        return last_positive(running);
    }
    let lane = beyond.trailing_zeros() as usize;
    // Every lane's count of groups whose running sum is at or below its
    // bound; the drawn lane's count is the draw's group.
    let one = _mm512_set1_epi32(1);
    let mut count = _mm512_setzero_si512();
    let mut at = 0;
    while at < taken_at {
        // SAFETY: as above; `running` was written by full-width stores.
        let at_or_below = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(_mm512_loadu_ps(out.add(at)), below);
        count = _mm512_mask_add_epi32(count, at_or_below, count, one);
        at += LANES;
    }
    while at < len {
        // SAFETY: as above.
        let at_or_below =
            _mm512_cmp_ps_mask::<_CMP_LE_OQ>(_mm512_loadu_ps(out.add(at)), from_taken);
        count = _mm512_mask_add_epi32(count, at_or_below, count, one);
        at += LANES;
    }
    // The drawn lane's count, moved to the front.
    let group = _mm512_cvtsi512_si32(_mm512_maskz_compress_epi32(beyond, count)) as usize;
    checked(group * LANES + lane, running, k)
}

/// Moves one token of document row `doc` from topic `old` to topic `new`.
///
/// The vector builds rewrite the whole 16-count group as one 32-byte store:
/// the next token often reads the same row (a word repeated in a
/// document), and its vector load can take a vector store's data straight
/// from the store buffer, not a 2-byte one's (a stall of tens of cycles).
#[inline(always)]
fn move_token<const ISA: u8>(doc: &mut [u16], old: usize, new: usize) {
    #[cfg(target_arch = "x86_64")]
    if ISA >= AVX2 {
        // SAFETY: AVX2 is present in both vector builds; both topics are
        // below the row's length, a multiple of LANES.
        unsafe {
            add_to_count(doc, old, -1);
            add_to_count(doc, new, 1);
        }
        return;
    }
    doc[old] -= 1;
    doc[new] += 1;
}

/// Adds `delta` to `doc[t]` by rewriting its 16-count group.
///
/// # Safety
/// AVX2 must be present and `t / LANES * LANES + LANES <= doc.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_to_count(doc: &mut [u16], t: usize, delta: i16) {
    use std::arch::x86_64::*;
    debug_assert!(t / LANES * LANES + LANES <= doc.len());
    let at = doc.as_mut_ptr().add(t / LANES * LANES) as *mut __m256i;
    let lanes = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let hit = _mm256_cmpeq_epi16(lanes, _mm256_set1_epi16((t % LANES) as i16));
    let step = _mm256_and_si256(hit, _mm256_set1_epi16(delta));
    _mm256_storeu_si256(at, _mm256_add_epi16(_mm256_loadu_si256(at), step));
}

/// Sets the word factor `g[t]`; the vector builds rewrite the whole vector
/// that holds it, for the store-to-load forwarding [`move_token`] explains
/// (every token loads all of `g` as vectors).
#[inline(always)]
fn set_factor<const ISA: u8>(g: &mut [f32], t: usize, value: f32) {
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 {
        // SAFETY: AVX512 is only chosen inside `sample_avx512`; `g` is a
        // whole number of lane groups.
        unsafe { set_factor_avx512(g, t, value) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX2 {
        // SAFETY: AVX2 is only chosen inside `sample_avx2`; `g` is a whole
        // number of lane groups, so the aligned half of `t` is inside it.
        unsafe { set_factor_avx2(g, t, value) };
        return;
    }
    g[t] = value;
}

/// # Safety
/// AVX2 must be present and `t / 8 * 8 + 8 <= g.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn set_factor_avx2(g: &mut [f32], t: usize, value: f32) {
    use std::arch::x86_64::*;
    debug_assert!(t / 8 * 8 + 8 <= g.len());
    let at = g.as_mut_ptr().add(t / 8 * 8);
    let hit = _mm256_cmpeq_epi32(
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        _mm256_set1_epi32((t % 8) as i32),
    );
    let merged = _mm256_blendv_ps(
        _mm256_loadu_ps(at),
        _mm256_set1_ps(value),
        _mm256_castsi256_ps(hit),
    );
    _mm256_storeu_ps(at, merged);
}

/// # Safety
/// AVX-512F must be present and `t / LANES * LANES + LANES <= g.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn set_factor_avx512(g: &mut [f32], t: usize, value: f32) {
    use std::arch::x86_64::*;
    debug_assert!(t / LANES * LANES + LANES <= g.len());
    let at = g.as_mut_ptr().add(t / LANES * LANES);
    let merged = _mm512_mask_mov_ps(_mm512_loadu_ps(at), 1 << (t % LANES), _mm512_set1_ps(value));
    _mm512_storeu_ps(at, merged);
}

/// Hints the cache lines of a document row; a prefetch never faults, so the
/// address may be anything (the block's last tokens point past its rows).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch_row(row: *const u16, stride: usize) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    let bytes = row as *const i8;
    let len = stride * 2;
    let mut at = 0;
    while at < len {
        // SAFETY: prefetching is a hint with no memory access semantics.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(bytes.wrapping_add(at)) };
        at += 64;
    }
    // SAFETY: as above; the row's last line when it straddles one more.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(bytes.wrapping_add(len - 1)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with the given counts at K topics, α and g that vary by topic.
    fn example(k: usize, counts: &[(usize, u16)]) -> (Vec<u16>, Vec<f32>, Vec<f32>) {
        let s = stride(k);
        let (mut doc, mut alpha, mut g) = (vec![0u16; s], vec![0.0f32; s], vec![0.0f32; s]);
        for t in 0..k {
            alpha[t] = 0.05 + 0.01 * t as f32;
            g[t] = 1.0 / (2.0 + (t * 7 % 11) as f32);
        }
        for &(t, n) in counts {
            doc[t] = n;
        }
        (doc, alpha, g)
    }

    /// The weights of a row, in topic order, computed one by one in `f64`.
    fn weights(doc: &[u16], alpha: &[f32], g: &[f32], old: usize, g_out: f32) -> Vec<f64> {
        (0..doc.len())
            .map(|t| {
                let (n, f) = if t == old {
                    (doc[t] as f64 - 1.0, g_out as f64)
                } else {
                    (doc[t] as f64, g[t] as f64)
                };
                (n + alpha[t] as f64) * f
            })
            .collect()
    }

    /// Which topic a point `u` falls in, found the slow way: walk the
    /// topics in lane-major order (exact arithmetic is not needed away from
    /// the interval ends, which the test avoids).
    fn walk_lane_major(w: &[f64], u: f64) -> usize {
        let mut total = 0.0;
        for lane in 0..LANES {
            for t in (lane..w.len()).step_by(LANES) {
                total += w[t];
                if w[t] > 0.0 && u < total {
                    return t;
                }
            }
        }
        unreachable!("u beyond the total")
    }

    #[test]
    fn stride_pads_to_whole_lane_groups() {
        assert_eq!(stride(1), 16);
        assert_eq!(stride(16), 16);
        assert_eq!(stride(20), 32);
        assert_eq!(stride(100), 112);
    }

    #[test]
    fn draws_land_where_a_lane_major_walk_puts_them() {
        let k = 40;
        let (doc, alpha, g) = example(k, &[(0, 3), (5, 1), (9, 7), (19, 2), (33, 4), (39, 1)]);
        let old = 9;
        let g_out = g[old] * 0.9;
        let w = weights(&doc, &alpha, &g, old, g_out);
        assert!(w[k..].iter().all(|&x| x == 0.0), "padding has no weight");
        let total: f64 = w.iter().sum();
        let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g_out);
        let mut running = vec![0.0; doc.len()];
        for step in 0..4000 {
            // Mid-points of a fine grid: never within rounding of an end.
            let r = (step as f32 + 0.5) / 4000.0;
            let drawn = draw::<PORTABLE>(&doc, &alpha, &g, &mut running, &taken, r, k);
            let expected = walk_lane_major(&w, r as f64 * total);
            if drawn != expected {
                // Allowed only within single-precision rounding of an end.
                let mut end = 0.0;
                for lane in 0..LANES {
                    for t in (lane..w.len()).step_by(LANES) {
                        end += w[t];
                        if t == expected || t == drawn {
                            assert!(
                                (end - r as f64 * total).abs() < 1e-5 * total,
                                "r {r}: drew {drawn}, expected {expected}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// Padding topics and topics of weight zero are never drawn, even for
    /// a point rounded up to (or past) the total.
    #[test]
    fn past_the_total_goes_to_the_last_topic_of_positive_weight() {
        let (doc, alpha, g) = example(20, &[(2, 5)]);
        let taken = TakenOut::new(2, doc[2], alpha[2], g[2], g[2] * 0.5);
        let mut running = vec![0.0; doc.len()];
        // Lane 15 holds topics 15 and 31 (padding): 15 is the last.
        let totals = lane_totals(&doc, &alpha, &g, &mut running);
        assert_eq!(locate(totals, &running, &taken, 1.0, 20), 15);
        assert_eq!(locate(totals, &running, &taken, 2.0, 20), 15);
        assert_eq!(last_positive(&running), 15);
    }

    /// The taken-out token's topic weighs (n_dt − 1 + α) g_out: with a count
    /// of one and a small α its interval all but vanishes.
    #[test]
    fn taken_out_token_uses_reduced_count_and_factor() {
        let s = stride(3);
        let mut alpha = vec![0.0f32; s];
        alpha[..3].copy_from_slice(&[1e-3, 1.0, 1.0]);
        let mut g = vec![0.0f32; s];
        g[..3].copy_from_slice(&[1.0, 1.0, 1.0]);
        let mut doc = vec![0u16; s];
        doc[0] = 1;
        let taken = TakenOut::new(0, doc[0], alpha[0], g[0], 0.5);
        let mut running = vec![0.0; s];
        let totals = lane_totals(&doc, &alpha, &g, &mut running);
        assert_eq!(totals[0], 1.001, "counted as the row has it");
        // (0 + 0.001) × 0.5, up to single-precision rounding of the
        // subtraction (about 1e-7 of the uncorrected weight).
        let lane0 = taken.fix(totals[0], 0, 0);
        assert!((lane0 - 0.5e-3).abs() < 2e-7, "{lane0}");
        // The total is 2.0005: a point just past topic 0's sliver lands in
        // topic 1, one inside it in topic 0.
        assert_eq!(locate(totals, &running, &taken, 3e-4, 3), 1);
        assert_eq!(locate(totals, &running, &taken, 2e-4, 3), 0);
    }

    /// Whatever the rounding, a draw is a real topic (below K) of positive
    /// weight: points are put on, just below and just above every lane's
    /// end and every running sum, where a scan's rounding could disagree
    /// with the sums (a first version could then step past a lane's last
    /// group and out of the row).
    #[test]
    fn draws_near_every_boundary_are_real_topics_of_positive_weight() {
        use rand::Rng;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for &k in &[3usize, 17, 20, 100] {
            for _ in 0..50 {
                let s = stride(k);
                let mut doc = vec![0u16; s];
                let (mut alpha, mut g) = (vec![0.0f32; s], vec![0.0f32; s]);
                for t in 0..k {
                    doc[t] = if rng.random::<f64>() < 0.2 {
                        rng.random_range(1..300)
                    } else {
                        0
                    };
                    alpha[t] = rng.random_range(1e-4..0.5);
                    g[t] = rng.random_range(1e-6..0.05);
                }
                let old = rng.random_range(0..k);
                doc[old] = doc[old].max(1);
                let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g[old] * 0.99);
                let w = weights(&doc, &alpha, &g, old, g[old] * 0.99);
                let total: f64 = w.iter().sum();
                let mut running = vec![0.0f32; s];
                let totals = lane_totals(&doc, &alpha, &g, &mut running);
                let mut points: Vec<f32> = vec![0.0, 1.0 - f32::EPSILON, 1.0];
                let mut end = 0.0f64;
                for lane in 0..LANES {
                    for t in (lane..s).step_by(LANES) {
                        end += w[t];
                        let r = (end / total) as f32;
                        points.extend([r, r.next_down(), r.next_up()]);
                    }
                }
                for r in points {
                    let topic = locate(totals, &running, &taken, r.clamp(0.0, 1.0), k);
                    assert!(topic < k, "K {k}, r {r}: topic {topic}");
                    assert!(w[topic] > 0.0, "K {k}, r {r}: topic {topic} has no weight");
                }
            }
        }
    }

    /// The vector builds draw the same topics as the portable code and
    /// leave the same running sums, bit for bit.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_builds_draw_what_the_portable_code_draws() {
        use rand::Rng;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for &k in &[3usize, 16, 20, 33, 100, 130] {
            for _ in 0..300 {
                let s = stride(k);
                let mut doc = vec![0u16; s];
                let (mut alpha, mut g) = (vec![0.0f32; s], vec![0.0f32; s]);
                for t in 0..k {
                    doc[t] = if rng.random::<f64>() < 0.3 {
                        rng.random_range(0..500)
                    } else {
                        0
                    };
                    alpha[t] = rng.random_range(0.001..2.0);
                    g[t] = rng.random_range(1e-7..0.1);
                }
                let old = rng.random_range(0..k);
                doc[old] = doc[old].max(1);
                let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g[old] * 0.97);
                let r = rng.random::<f32>();
                let mut expected_running = vec![0.0; s];
                let expected =
                    draw::<PORTABLE>(&doc, &alpha, &g, &mut expected_running, &taken, r, k);
                if std::arch::is_x86_feature_detected!("avx2") {
                    let mut running = vec![0.0; s];
                    // SAFETY: AVX2 checked just above.
                    let drawn =
                        unsafe { draw_with_avx2(&doc, &alpha, &g, &mut running, &taken, r, k) };
                    assert_eq!(drawn, expected, "AVX2, K {k}");
                    assert_eq!(running, expected_running);
                }
                if avx512_present() {
                    let mut running = vec![0.0; s];
                    // SAFETY: AVX-512F and AVX2 checked just above.
                    let drawn =
                        unsafe { draw_avx512(&doc, &alpha, &g, &mut running, &taken, r, k) };
                    assert_eq!(drawn, expected, "AVX-512, K {k}");
                    assert_eq!(running, expected_running);
                }
            }
        }
        if !avx512_present() {
            eprintln!("no AVX-512 on this CPU: only the AVX2 build was compared");
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn draw_with_avx2(
        doc: &[u16],
        alpha: &[f32],
        g: &[f32],
        running: &mut [f32],
        taken: &TakenOut,
        r: f32,
        k: usize,
    ) -> usize {
        draw::<AVX2>(doc, alpha, g, running, taken, r, k)
    }

    /// Moving a token through the vector path changes exactly two counts,
    /// and a factor set through it changes exactly one.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_updates_touch_one_entry() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut doc: Vec<u16> = (0..48).map(|t| t as u16 + 1).collect();
        let before = doc.clone();
        // SAFETY: AVX2 checked above; 47 / 16 * 16 + 16 = 48.
        unsafe {
            add_to_count(&mut doc, 17, -1);
            add_to_count(&mut doc, 47, 1);
        }
        for t in 0..48 {
            let expected = before[t] as i32 - (t == 17) as i32 + (t == 47) as i32;
            assert_eq!(doc[t] as i32, expected, "topic {t}");
        }
        let mut g: Vec<f32> = (0..32).map(|t| t as f32).collect();
        // SAFETY: AVX2 checked above.
        unsafe { set_factor_avx2(&mut g, 13, -1.0) };
        if avx512_present() {
            // SAFETY: AVX-512F and AVX2 checked just above.
            unsafe { set_factor_avx512(&mut g, 30, -2.0) };
        } else {
            g[30] = -2.0;
        }
        for (t, &x) in g.iter().enumerate() {
            let expected = match t {
                13 => -1.0,
                30 => -2.0,
                _ => t as f32,
            };
            assert_eq!(x, expected);
        }
    }
}
