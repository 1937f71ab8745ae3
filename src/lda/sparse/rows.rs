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
//! *lane-major*: with `LANES` = 8, lane `i` holds topics `i, i + 8, i + 16, …`
//! and the eight lanes keep their running sums side by side (one vector
//! addition per eight topics). The eight lane totals are chained (eight
//! scalar additions), the lane the draw falls in is found by counting the
//! chained totals at or below `u`, and its topic by counting that lane's
//! stored running sums at or below `u`: comparisons, not a dependent walk,
//! and no branch on the random outcome.
//!
//! Every addition is lane-wise and in the same order whether the compiler
//! uses 8-, 4- or 2-wide vectors or none, and Rust never fuses a multiply
//! and an add on its own, so every build computes the same bits.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{BlockTokens, Shared};

/// Topics per lane group: one AVX-512 register of `f64` (two AVX2 ones).
const LANES: usize = 8;

/// Row length for `k` topics: whole lane groups, the tail padded with
/// topics of weight exactly zero (count 0, α 0, g 0).
pub(super) fn stride(k: usize) -> usize {
    k.div_ceil(LANES) * LANES
}

/// Samples every token of one block, word by word; returns the block's view
/// of the topic totals at the end.
pub(super) fn sample(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked just above.
            return unsafe { sample_avx512(tokens, rows, ctx) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { sample_avx2(tokens, rows, ctx) };
        }
    }
    sample_with::<PORTABLE>(tokens, rows, ctx)
}

/// Instruction sets the kernel is compiled for.
const PORTABLE: u8 = 0;
const AVX2: u8 = 1;
const AVX512: u8 = 2;

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
    let mut inv: Vec<f64> = n_k.iter().map(|&n| 1.0 / (n as f64 + vbeta)).collect();
    // 1 / (n_t − 1 + Vβ): the same with one token of topic t taken out
    // (only ever read for topics that hold a token).
    let mut inv_out: Vec<f64> = n_k
        .iter()
        .map(|&n| 1.0 / (n as f64 - 1.0 + vbeta))
        .collect();
    // 1 / (n_t + 1 + Vβ): ready for the topic's next token, so that no
    // division stands between a draw and the next token.
    let mut inv_in: Vec<f64> = n_k
        .iter()
        .map(|&n| 1.0 / ((n + 1) as f64 + vbeta))
        .collect();
    // Lane groups start on cache lines: a vector that straddles two lines
    // costs two accesses.
    let mut alpha_buffer = CacheLines::zeros(stride);
    let alpha = alpha_buffer.slice_mut();
    alpha[..k].copy_from_slice(ctx.alpha);
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
        // Counts stay below 2^31: the i32 route vectorizes.
        for ((g, &n), &inv) in g.iter_mut().zip(row.iter()).zip(&inv) {
            *g = (n as i32 as f64 + beta) * inv;
        }
        for tok in ctx.run_start[r]..ctx.run_start[r + 1] {
            // Documents come in no cache-friendly order: ask for the row of
            // a token two steps ahead while this one is sampled.
            #[cfg(target_arch = "x86_64")]
            if let Some(&ahead) = ctx.tok_doc.get(tok + 2) {
                let at = (ahead as usize).wrapping_sub(doc_start).wrapping_mul(stride);
                prefetch_row(rows.as_ptr().wrapping_add(at), stride);
            }
            let d = ctx.tok_doc[tok] as usize - doc_start;
            let doc = &mut rows[d * stride..(d + 1) * stride];
            let zi = &mut z[tok - token_start];
            let old = *zi as usize;
            // The conditional with this token taken out, without touching
            // the counts: only topic `old` differs (its n_dt, n_wt and n_t
            // are one less).
            let g_out = (row[old] as f64 - 1.0 + beta) * inv_out[old];
            let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g_out);
            let new = draw::<ISA>(doc, alpha, g, running, &taken, rng.random::<f64>());
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
            set_factor::<ISA>(g, new, (row[new] as f64 + beta) * inv[new]);
            // Off the path to the next draw.
            inv_out[old] = 1.0 / (n_k[old] as f64 - 1.0 + vbeta);
            inv_in[new] = 1.0 / ((n_k[new] + 1) as f64 + vbeta);
            *zi = new as u16;
        }
    }
    n_k
}

/// A zeroed `f64` buffer whose slice starts on a 64-byte boundary.
struct CacheLines {
    storage: Vec<f64>,
    start: usize,
    len: usize,
}

impl CacheLines {
    fn zeros(len: usize) -> CacheLines {
        let storage = vec![0.0f64; len + 8];
        let misalignment = storage.as_ptr() as usize % 64;
        let start = ((64 - misalignment) % 64) / std::mem::size_of::<f64>();
        CacheLines {
            storage,
            start,
            len,
        }
    }

    fn slice_mut(&mut self) -> &mut [f64] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

/// Moves one token of document row `doc` from topic `old` to topic `new`.
///
/// The AVX2 path rewrites the whole 8-count group as one 16-byte store: the
/// next token often reads the same row (a word repeated in a document), and
/// its 16-byte load can take a 16-byte store's data straight from the store
/// buffer, not a 2-byte one's (a stall of tens of cycles).
#[inline(always)]
fn move_token<const ISA: u8>(doc: &mut [u16], old: usize, new: usize) {
    #[cfg(target_arch = "x86_64")]
    if ISA >= AVX2 {
        // SAFETY: AVX2 is only true inside `sample_avx2` (an AVX2 CPU);
        // both topics are below the row's length, a multiple of LANES.
        unsafe {
            add_to_count(doc, old, -1);
            add_to_count(doc, new, 1);
        }
        return;
    }
    doc[old] -= 1;
    doc[new] += 1;
}

/// Adds `delta` to `doc[t]` by rewriting its 8-count group.
///
/// # Safety
/// AVX2 must be present and `t / LANES * LANES + LANES <= doc.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_to_count(doc: &mut [u16], t: usize, delta: i16) {
    use std::arch::x86_64::*;
    debug_assert!(t / LANES * LANES + LANES <= doc.len());
    let at = doc.as_mut_ptr().add(t / LANES * LANES) as *mut __m128i;
    let lanes = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    let hit = _mm_cmpeq_epi16(lanes, _mm_set1_epi16((t % LANES) as i16));
    let step = _mm_and_si128(hit, _mm_set1_epi16(delta));
    _mm_storeu_si128(at, _mm_add_epi16(_mm_loadu_si128(at), step));
}

/// Sets the word factor `g[t]`; in AVX2 by rewriting its 4-factor half of a
/// lane group, for the store-to-load forwarding [`move_token`] explains
/// (every token loads all of `g` as 32-byte vectors).
#[inline(always)]
fn set_factor<const ISA: u8>(g: &mut [f64], t: usize, value: f64) {
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 {
        // SAFETY: AVX512 is only chosen inside `sample_avx512`; `g` is a
        // whole number of lane groups.
        unsafe { set_factor_avx512(g, t, value) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX2 {
        // SAFETY: AVX2 is only true inside `sample_avx2`; `g` is a whole
        // number of lane groups, so the aligned half of `t` is inside it.
        unsafe { set_factor_avx2(g, t, value) };
        return;
    }
    g[t] = value;
}

/// # Safety
/// AVX2 must be present and `t / 4 * 4 + 4 <= g.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn set_factor_avx2(g: &mut [f64], t: usize, value: f64) {
    use std::arch::x86_64::*;
    debug_assert!(t / 4 * 4 + 4 <= g.len());
    let at = g.as_mut_ptr().add(t / 4 * 4);
    let hit = _mm256_cmp_pd::<_CMP_EQ_OQ>(
        _mm256_setr_pd(0.0, 1.0, 2.0, 3.0),
        _mm256_set1_pd((t % 4) as f64),
    );
    let merged = _mm256_blendv_pd(_mm256_loadu_pd(at), _mm256_set1_pd(value), hit);
    _mm256_storeu_pd(at, merged);
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

/// The chained lane totals of the token's conditional: entry `i` is the
/// total weight of lanes `0..=i`, the last the total of all. Writes the
/// lane-wise running sums of the weights (n_dt + α_t) g_t into `running`.
///
/// The token being sampled is still counted in the running sums (pure
/// vector arithmetic, no comparison per topic); `taken` corrects its topic's
/// weight in the lane totals here and in the sums where they are read.
///
/// The lane totals are chained by a Hillis–Steele scan (add the lane 1, 2,
/// then 4 places before), which fits vector registers; the portable code
/// adds in exactly that order.
#[inline(always)]
fn lane_ends<const ISA: u8>(
    doc: &[u16],
    alpha: &[f64],
    g: &[f64],
    running: &mut [f64],
    taken: &TakenOut,
) -> [f64; LANES] {
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX2 {
        // SAFETY: `AVX2` is only chosen inside `sample_avx2`, which runs on
        // CPUs with AVX2; the four slices have the same length, a multiple
        // of LANES.
        return unsafe { lane_ends_avx2(doc, alpha, g, running, taken) };
    }
    let mut lane = [0.0f64; LANES];
    let groups = doc
        .chunks_exact(LANES)
        .zip(alpha.chunks_exact(LANES))
        .zip(g.chunks_exact(LANES).zip(running.chunks_exact_mut(LANES)));
    for (group, ((counts, alpha), (g, running))) in groups.enumerate() {
        for i in 0..LANES {
            let weight = (counts[i] as f64 + alpha[i]) * g[i];
            let taken_here = group == taken.group && i == taken.lane;
            lane[i] += weight - if taken_here { taken.delta } else { 0.0 };
            running[i] = lane[i];
        }
    }
    for step in [1, 2, 4] {
        for i in (step..LANES).rev() {
            lane[i] += lane[i - step];
        }
    }
    lane
}

/// [`lane_ends`] in AVX2: each lane group is two 4-wide vectors, and every
/// lane sees the portable code's operations, so the bits are the same.
///
/// # Safety
/// The CPU must support AVX2; `alpha`, `g` and `running` must be at least
/// as long as `doc`, whose length is a multiple of [`LANES`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn lane_ends_avx2(
    doc: &[u16],
    alpha: &[f64],
    g: &[f64],
    running: &mut [f64],
    taken: &TakenOut,
) -> [f64; LANES] {
    use std::arch::x86_64::*;
    debug_assert!(alpha.len() >= doc.len() && g.len() >= doc.len());
    debug_assert!(running.len() >= doc.len() && doc.len() % LANES == 0);
    let len = doc.len();
    let (doc, alpha, g, out) = (doc.as_ptr(), alpha.as_ptr(), g.as_ptr(), running.as_mut_ptr());
    // The correction: `delta` in the taken-out lane of its group, else 0.
    let which = _mm256_set1_pd(taken.lane as f64);
    let delta = _mm256_set1_pd(taken.delta);
    let hit_low = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_setr_pd(0.0, 1.0, 2.0, 3.0), which);
    let hit_high = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_setr_pd(4.0, 5.0, 6.0, 7.0), which);
    let (fix_low, fix_high) = (_mm256_and_pd(hit_low, delta), _mm256_and_pd(hit_high, delta));
    let taken_at = taken.group * LANES;
    let (mut low, mut high) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut at = 0;
    while at < len {
        // SAFETY: at + 8 <= len, and every slice holds len elements.
        let counts = _mm256_cvtepu16_epi32(_mm_loadu_si128(doc.add(at) as *const __m128i));
        let counts_low = _mm256_cvtepi32_pd(_mm256_castsi256_si128(counts));
        let counts_high = _mm256_cvtepi32_pd(_mm256_extracti128_si256::<1>(counts));
        let w_low = _mm256_mul_pd(
            _mm256_add_pd(counts_low, _mm256_loadu_pd(alpha.add(at))),
            _mm256_loadu_pd(g.add(at)),
        );
        let w_high = _mm256_mul_pd(
            _mm256_add_pd(counts_high, _mm256_loadu_pd(alpha.add(at + 4))),
            _mm256_loadu_pd(g.add(at + 4)),
        );
        let here = _mm256_castsi256_pd(_mm256_set1_epi64x(-((at == taken_at) as i64)));
        let w_low = _mm256_sub_pd(w_low, _mm256_and_pd(here, fix_low));
        let w_high = _mm256_sub_pd(w_high, _mm256_and_pd(here, fix_high));
        low = _mm256_add_pd(low, w_low);
        high = _mm256_add_pd(high, w_high);
        _mm256_storeu_pd(out.add(at), low);
        _mm256_storeu_pd(out.add(at + 4), high);
        at += LANES;
    }
    // Scan step 1: lanes shifted up by one ([0, l0, l1, l2], [l3, h4, h5, h6]).
    let across = _mm256_permute2f128_pd::<0x21>(low, high);
    let low_shift = _mm256_shuffle_pd::<0b0101>(_mm256_permute2f128_pd::<0x08>(low, low), low);
    let high_shift = _mm256_shuffle_pd::<0b0101>(across, high);
    low = _mm256_add_pd(low, low_shift);
    high = _mm256_add_pd(high, high_shift);
    // Step 2: shifted by two ([0, 0, l0, l1], [l2, l3, h4, h5]).
    let low_shift = _mm256_permute2f128_pd::<0x08>(low, low);
    let high_shift = _mm256_permute2f128_pd::<0x21>(low, high);
    low = _mm256_add_pd(low, low_shift);
    high = _mm256_add_pd(high, high_shift);
    // Step 4: the high lanes add the low ones.
    high = _mm256_add_pd(high, low);
    let mut ends = [0.0f64; LANES];
    _mm256_storeu_pd(ends.as_mut_ptr(), low);
    _mm256_storeu_pd(ends.as_mut_ptr().add(4), high);
    ends
}

/// [`draw`] in AVX-512: a lane group is one register, and the draw is
/// located without reading single numbers back from memory (a 64-byte
/// store cannot hand its data to an 8-byte load; the load would wait for
/// the store to reach the cache).
///
/// # Safety
/// The CPU must support AVX-512F; `alpha`, `g` and `running` must be at
/// least as long as `doc`, whose length is a multiple of [`LANES`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn draw_avx512(
    doc: &[u16],
    alpha: &[f64],
    g: &[f64],
    running: &mut [f64],
    taken: &TakenOut,
    r: f64,
) -> usize {
    use std::arch::x86_64::*;
    debug_assert!(alpha.len() >= doc.len() && g.len() >= doc.len());
    debug_assert!(running.len() >= doc.len() && doc.len() % LANES == 0);
    let len = doc.len();
    let (counts, alpha, g, out) = (doc.as_ptr(), alpha.as_ptr(), g.as_ptr(), running.as_mut_ptr());
    let delta = _mm512_set1_pd(taken.delta);
    let taken_at = taken.group * LANES;
    let taken_lane = 1u8 << taken.lane;
    let mut sums = _mm512_setzero_pd();
    let mut at = 0;
    while at < len {
        // SAFETY: at + 8 <= len, and every slice holds len elements.
        let n = _mm256_cvtepu16_epi32(_mm_loadu_si128(counts.add(at) as *const __m128i));
        let w = _mm512_mul_pd(
            _mm512_add_pd(_mm512_cvtepi32_pd(n), _mm512_loadu_pd(alpha.add(at))),
            _mm512_loadu_pd(g.add(at)),
        );
        // w − 0 elsewhere (exact), so every lane adds what the portable
        // code adds.
        let fix = _mm512_maskz_mov_pd(taken_lane & 0u8.wrapping_sub((at == taken_at) as u8), delta);
        sums = _mm512_add_pd(sums, _mm512_sub_pd(w, fix));
        _mm512_storeu_pd(out.add(at), sums);
        at += LANES;
    }
    // The scan: add the lanes shifted up by 1, 2 and 4 (zeros shifted in).
    let zero = _mm512_setzero_si512();
    let shifted = _mm512_alignr_epi64::<7>(_mm512_castpd_si512(sums), zero);
    let mut ends = _mm512_add_pd(sums, _mm512_castsi512_pd(shifted));
    let shifted = _mm512_alignr_epi64::<6>(_mm512_castpd_si512(ends), zero);
    ends = _mm512_add_pd(ends, _mm512_castsi512_pd(shifted));
    let shifted = _mm512_alignr_epi64::<4>(_mm512_castpd_si512(ends), zero);
    ends = _mm512_add_pd(ends, _mm512_castsi512_pd(shifted));
    let total = _mm512_cvtsd_f64(_mm512_permutexvar_pd(_mm512_set1_epi64(7), ends));
    let u = _mm512_set1_pd(r * total);
    let lane = (_mm512_cmp_pd_mask::<_CMP_LE_OQ>(ends, u) as u32).count_ones() as usize;
    if lane == LANES {
        return last_positive(running);
    }
    // Every lane's count of groups whose running sum, past the lanes before
    // it, is at or below u; the drawn lane's count is the draw's group.
    let base = _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(_mm512_castpd_si512(ends), zero));
    let one = _mm512_set1_epi64(1);
    let mut below = _mm512_setzero_si512();
    let mut at = 0;
    while at < len {
        // SAFETY: as above; `running` was written by full-width stores.
        let sum = _mm512_add_pd(base, _mm512_loadu_pd(out.add(at)));
        let le = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(sum, u);
        below = _mm512_mask_add_epi64(below, le, below, one);
        at += LANES;
    }
    let group = _mm_cvtsi128_si64(_mm512_castsi512_si128(_mm512_permutexvar_epi64(
        _mm512_set1_epi64(lane as i64),
        below,
    ))) as usize;
    group * LANES + lane
}

/// [`set_factor`] for AVX-512: rewrites the whole 8-factor group.
///
/// # Safety
/// AVX-512F must be present and `t / LANES * LANES + LANES <= g.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn set_factor_avx512(g: &mut [f64], t: usize, value: f64) {
    use std::arch::x86_64::*;
    debug_assert!(t / LANES * LANES + LANES <= g.len());
    let at = g.as_mut_ptr().add(t / LANES * LANES);
    let merged = _mm512_mask_mov_pd(_mm512_loadu_pd(at), 1 << (t % LANES), _mm512_set1_pd(value));
    _mm512_storeu_pd(at, merged);
}

/// The correction for the token being sampled: its topic `old` must weigh
/// (n_d,old − 1 + α_old) g_out, not the (n_d,old + α_old) g_old its counts
/// give, so [`lane_ends`] subtracts `delta` from that one weight.
struct TakenOut {
    lane: usize,
    group: usize,
    delta: f64,
}

impl TakenOut {
    fn new(old: usize, count: u16, alpha: f64, g_old: f64, g_out: f64) -> TakenOut {
        let counted = (count as f64 + alpha) * g_old;
        let wanted = (count as f64 - 1.0 + alpha) * g_out;
        TakenOut {
            lane: old % LANES,
            group: old / LANES,
            delta: counted - wanted,
        }
    }
}

/// Draws the token's new topic: `r` uniform in [0, 1) scaled to the total
/// weight, located in lane-major order.
#[inline(always)]
fn draw<const ISA: u8>(
    doc: &[u16],
    alpha: &[f64],
    g: &[f64],
    running: &mut [f64],
    taken: &TakenOut,
    r: f64,
) -> usize {
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 {
        // SAFETY: `AVX512` is only chosen inside `sample_avx512`, which runs
        // on CPUs with AVX-512F; the four slices have the same length, a
        // multiple of LANES.
        return unsafe { draw_avx512(doc, alpha, g, running, taken, r) };
    }
    let ends = lane_ends::<ISA>(doc, alpha, g, running, taken);
    locate(&ends, running, r * ends[LANES - 1])
}

/// The topic whose lane-major interval holds `u` (see the module comment).
/// A topic of weight zero is never drawn: its running sum equals the one
/// before it. Rounding can leave `u` at or past the total; the last topic of
/// positive weight then takes it.
#[inline(always)]
fn locate(ends: &[f64; LANES], running: &[f64], u: f64) -> usize {
    let lane = ends.iter().filter(|&&end| end <= u).count();
    if lane == LANES {
        return last_positive(running);
    }
    let base = if lane == 0 { 0.0 } else { ends[lane - 1] };
    // The lane's last corrected sum plus `base` is `ends[lane]` (the same
    // numbers added in the same order), which exceeds `u`: the count stops
    // inside the lane.
    let before = running[lane..]
        .iter()
        .step_by(LANES)
        .filter(|&&sum| base + sum <= u)
        .count();
    before * LANES + lane
}

/// The last topic of positive weight in lane-major order.
#[cold]
fn last_positive(running: &[f64]) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The weights of a row, in topic order, computed one by one.
    fn weights(doc: &[u16], alpha: &[f64], g: &[f64], old: usize, g_out: f64) -> Vec<f64> {
        (0..doc.len())
            .map(|t| {
                let (n, f) = if t == old {
                    (doc[t] as f64 - 1.0, g_out)
                } else {
                    (doc[t] as f64, g[t])
                };
                (n + alpha[t]) * f
            })
            .collect()
    }

    /// Which topic a draw of `u` lands in, found the slow way: walk the
    /// topics in lane-major order.
    fn walk_lane_major(w: &[f64], u: f64) -> usize {
        let mut total = 0.0;
        let mut last = 0;
        for lane in 0..LANES {
            for t in (lane..w.len()).step_by(LANES) {
                total += w[t];
                if w[t] > 0.0 {
                    last = t;
                    if u < total {
                        return t;
                    }
                }
            }
        }
        last
    }

    #[test]
    fn stride_pads_to_whole_lane_groups() {
        assert_eq!(stride(1), 8);
        assert_eq!(stride(8), 8);
        assert_eq!(stride(20), 24);
        assert_eq!(stride(100), 104);
    }

    #[test]
    fn draws_land_where_a_lane_major_walk_puts_them() {
        let k = 20;
        let s = stride(k);
        let mut alpha = vec![0.0; s];
        let mut g = vec![0.0; s];
        for t in 0..k {
            alpha[t] = 0.05 + 0.01 * t as f64;
            g[t] = 1.0 / (2.0 + (t * 7 % 11) as f64);
        }
        let mut doc = vec![0u16; s];
        for (t, n) in [(0, 3), (5, 1), (9, 7), (19, 2)] {
            doc[t] = n;
        }
        let old = 9;
        let g_out = g[old] * 0.9;
        let w = weights(&doc, &alpha, &g, old, g_out);
        assert!(w[k..].iter().all(|&x| x == 0.0), "padding has no weight");
        let mut running = vec![0.0; s];
        let taken = TakenOut::new(old, doc[old], alpha[old], g[old], g_out);
        let ends = lane_ends::<PORTABLE>(&doc, &alpha, &g, &mut running, &taken);
        let total: f64 = w.iter().sum();
        assert!((ends[LANES - 1] - total).abs() < 1e-12 * total);
        for step in 0..2000 {
            let u = ends[LANES - 1] * step as f64 / 2000.0;
            assert_eq!(locate(&ends, &running, u), walk_lane_major(&w, u), "u = {u}");
        }
        // Past the total (rounding): the last topic of positive weight in
        // lane-major order, never a padding topic.
        // Lane 7 holds topics 7, 15 and 23 (padding): 15 is the last.
        assert_eq!(locate(&ends, &running, ends[LANES - 1]), 15);
        assert_eq!(locate(&ends, &running, f64::MAX), 15);
    }

    /// The taken-out token's topic is drawn with (n_dt − 1 + α) g_out: with a
    /// count of one and a tiny α its interval all but vanishes.
    #[test]
    fn taken_out_token_uses_reduced_count_and_factor() {
        let s = stride(3);
        let mut alpha = vec![0.0; s];
        alpha[..3].copy_from_slice(&[1e-9, 1.0, 1.0]);
        let mut g = vec![0.0; s];
        g[..3].copy_from_slice(&[1.0, 1.0, 1.0]);
        let mut doc = vec![0u16; s];
        doc[0] = 1;
        let mut running = vec![0.0; s];
        let taken = TakenOut::new(0, doc[0], alpha[0], g[0], 0.5);
        let ends = lane_ends::<PORTABLE>(&doc, &alpha, &g, &mut running, &taken);
        assert!((ends[0] - 1e-9 * 0.5).abs() < 1e-24, "{}", ends[0]);
        assert!((ends[LANES - 1] - (1e-9 * 0.5 + 2.0)).abs() < 1e-15);
    }
}
