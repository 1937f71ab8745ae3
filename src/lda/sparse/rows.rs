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
//! *lane-major*: with `L` lanes ([`lanes`]: 8 or 16, chosen from K alone),
//! lane `i` holds topics `i, i + L, i + 2L, …`, and the lanes keep their
//! running sums side by side (one vector addition per L topics). The lane
//! totals are chained by a prefix scan, the lane the draw falls in is the
//! first whose chained end passes `u`, and its topic is found by counting,
//! in every lane at once, the stored running sums at or below `u`:
//! comparisons and a mask, not a dependent walk, and no branch on the
//! random outcome.
//!
//! The scan works on blocks of eight lanes (one AVX2 register): a
//! Hillis–Steele scan inside each block (adding the lanes 1, 2 and 4 places
//! before, zeros shifted in), then, with 16 lanes, the first block's total
//! added to every lane of the second.
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
//! The lane count depends on K only, never on the instruction set, and every
//! operation is lane-wise and in the same order in the AVX-512, AVX2 and
//! portable builds (where a vector adds a zero to a lane, the portable code
//! adds the zero too), and Rust never fuses a multiply and an add on its
//! own, so every build draws the same topics (tested, and selectable with
//! `TOPICS_SIMD`, see [`super::simd`]).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::simd::InstructionSet;
use super::{reciprocal, reciprocals, BlockTokens, Shared};

/// Lanes per scan block: one AVX2 register of `f32`.
const BLOCK: usize = 8;

/// The largest K that takes 8 lanes (K = 20 pads to 24 topics, not 32).
/// Eight lanes need fewer instructions per token (one register per group,
/// no second block to carry into); 16 lanes halve the dependent additions
/// of the running sums, which only dominate at large K. Measured on AVX2
/// at K = 100 (`ap.txt`, 1 thread): 8 lanes sampled about 1.13× as fast
/// as 16.
const EIGHT_LANES_MAX_K: usize = 128;

/// Lanes of the lane-major order for `k` topics: 8 or 16, a function of K
/// only (never of the instruction set), so every build draws alike.
pub(super) fn lanes(k: usize) -> usize {
    if k <= EIGHT_LANES_MAX_K {
        BLOCK
    } else {
        2 * BLOCK
    }
}

/// Row length for `k` topics: whole lane groups, the tail padded with
/// topics of weight exactly zero (count 0, α 0, g 0).
pub(super) fn stride(k: usize) -> usize {
    let lanes = lanes(k);
    k.div_ceil(lanes) * lanes
}

/// The fewest lane groups for which the AVX2 draw counts in one loop and
/// corrects the taken-out lane's count by a walk (see [`draw_avx2`]); with
/// fewer the two short loops are faster. Measured on AVX2 (`ap.txt`,
/// 1 thread): 13 groups (K = 100) 1.05× as fast with the walk, 3 groups
/// (K = 20) about 2% slower; the threshold in between is not tuned.
const WALK_MIN_GROUPS: usize = 8;

/// Instruction sets the kernel is compiled for (const generic tags).
const PORTABLE: u8 = 0;
const AVX2: u8 = 1;
const AVX512: u8 = 2;

/// Samples every token of one block, word by word; returns the block's view
/// of the topic totals at the end.
pub(super) fn sample(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    match ctx.isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `ctx.isa` is at most what the CPU supports (simd.rs).
        InstructionSet::Avx512 if lanes(ctx.k) > BLOCK => unsafe {
            sample_avx512(tokens, rows, ctx)
        },
        // Eight lanes are one AVX2 register: the AVX2 build serves them
        // (compiled for AVX-512 the same code measured a quarter slower).
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above (AVX-512 CPUs have AVX2).
        InstructionSet::Avx512 => unsafe { sample_avx2(tokens, rows, ctx) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        InstructionSet::Avx2 => unsafe { sample_avx2(tokens, rows, ctx) },
        _ => sample_with::<PORTABLE>(tokens, rows, ctx),
    }
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

/// The kernel for the lane count K calls for.
#[inline(always)]
fn sample_with<const ISA: u8>(tokens: BlockTokens, rows: &mut [u16], ctx: &Shared) -> Vec<u64> {
    if lanes(ctx.k) == BLOCK {
        sample_lanes::<ISA, BLOCK>(tokens, rows, ctx)
    } else {
        sample_lanes::<ISA, { 2 * BLOCK }>(tokens, rows, ctx)
    }
}

#[inline(always)]
fn sample_lanes<const ISA: u8, const L: usize>(
    tokens: BlockTokens,
    rows: &mut [u16],
    ctx: &Shared,
) -> Vec<u64> {
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
    debug_assert_eq!(stride % L, 0);
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
            let taken = TakenOut::new(old, L, doc[old], alpha[old], g[old], g_out);
            let new = draw::<ISA, L>(doc, alpha, g, running, &taken, rng.random::<f32>(), k);
            if new == old {
                continue;
            }
            move_token::<ISA, L>(doc, old, new);
            row[old] -= 1;
            row[new] += 1;
            n_k[old] -= 1;
            n_k[new] += 1;
            inv_in[old] = inv[old];
            inv[old] = inv_out[old];
            inv_out[new] = inv[new];
            inv[new] = inv_in[new];
            set_factor::<ISA, L>(g, old, g_out);
            set_factor::<ISA, L>(g, new, factor(row[new], beta, inv[new]));
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
/// give, so every running sum of lane `old % L` from group `old / L` on,
/// and that lane's total, is `delta` too large. The sums are computed from
/// the counts as they are (no comparison per topic in the vector loop, and
/// the correction, which needs a few dependent loads and multiplications,
/// is not waited for) and corrected where they are read.
struct TakenOut {
    lane: usize,
    group: usize,
    delta: f32,
}

impl TakenOut {
    fn new(old: usize, lanes: usize, count: u16, alpha: f32, g_old: f32, g_out: f32) -> TakenOut {
        let counted = (count as f32 + alpha) * g_old;
        let wanted = (count as f32 - 1.0 + alpha) * g_out;
        TakenOut {
            lane: old % lanes,
            group: old / lanes,
            delta: counted - wanted,
        }
    }
}

/// Draws the token's new topic (below `k`): `r` uniform in [0, 1) scaled to
/// the total weight, located in lane-major order over `L` lanes. Writes the
/// lane-wise running sums of the weights into `running`.
#[inline(always)]
fn draw<const ISA: u8, const L: usize>(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
    taken: &TakenOut,
    r: f32,
    k: usize,
) -> usize {
    debug_assert!(alpha.len() == doc.len() && g.len() == doc.len());
    debug_assert!(running.len() == doc.len() && doc.len().is_multiple_of(L));
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 && L == 2 * BLOCK {
        // SAFETY: `AVX512` is only chosen inside `sample_avx512`, which runs
        // on CPUs with AVX-512F; the four slices have the same length, a
        // multiple of L = 16.
        return unsafe { draw_avx512(doc, alpha, g, running, taken, r, k) };
    }
    #[cfg(target_arch = "x86_64")]
    if ISA >= AVX2 {
        // SAFETY: both vector builds run on CPUs with AVX2; the slices are
        // as above, a multiple of L = 8 × blocks.
        return unsafe {
            // Each count strategy compiled on its own (the same K takes
            // the same branch on every token).
            if L == BLOCK && doc.len() < WALK_MIN_GROUPS * BLOCK {
                draw_avx2::<1, false>(doc, alpha, g, running, taken, r, k)
            } else if L == BLOCK {
                draw_avx2::<1, true>(doc, alpha, g, running, taken, r, k)
            } else {
                draw_avx2::<2, true>(doc, alpha, g, running, taken, r, k)
            }
        };
    }
    let totals = lane_totals::<L>(doc, alpha, g, running);
    locate::<L>(totals, running, taken, r, k)
}

/// The lane totals of the weights (n_dt + α_t) g_t as the counts give them
/// (the taken-out token still counted: [`TakenOut`] corrects them where
/// they are read); writes the lane-wise running sums into `running`.
fn lane_totals<const L: usize>(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
) -> [f32; L] {
    let mut lane = [0.0f32; L];
    let groups = doc
        .chunks_exact(L)
        .zip(alpha.chunks_exact(L))
        .zip(g.chunks_exact(L).zip(running.chunks_exact_mut(L)));
    for ((counts, alpha), (g, running)) in groups {
        for i in 0..L {
            lane[i] += (counts[i] as f32 + alpha[i]) * g[i];
        }
        running.copy_from_slice(&lane);
    }
    lane
}

/// The lane totals chained (see the module comment): entry `i` is the total
/// of lanes `0..=i`, the last the total of all. Inside each quad of four
/// lanes a Hillis–Steele scan (lane i plus lane i − s, or plus zero for
/// i < s, for s = 1, 2: in-lane shuffles, a cycle each); in each block of
/// eight the first quad's last entry added to the second quad (zero to the
/// first); then the first block's last entry added to every entry of the
/// second.
fn chain<const L: usize>(mut lane: [f32; L]) -> [f32; L] {
    for block in lane.chunks_exact_mut(BLOCK) {
        for quad in block.chunks_exact_mut(4) {
            for step in [1, 2] {
                let before: [f32; 4] = quad.try_into().expect("a quad of lanes");
                for i in 0..4 {
                    quad[i] = before[i] + if i >= step { before[i - step] } else { 0.0 };
                }
            }
        }
        let carry = block[3];
        for (i, x) in block.iter_mut().enumerate() {
            *x += if i >= 4 { carry } else { 0.0 };
        }
    }
    let carry = lane[BLOCK - 1];
    for x in lane.iter_mut().skip(BLOCK) {
        *x += carry;
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
fn locate<const L: usize>(
    totals: [f32; L],
    running: &[f32],
    taken: &TakenOut,
    r: f32,
    k: usize,
) -> usize {
    // The correction, as a vector: δ in the taken-out lane, 0 elsewhere
    // (subtracting and adding that 0 is exact, as in the vector code).
    let mut delta = [0.0f32; L];
    delta[taken.lane] = taken.delta;
    let mut fixed = [0.0f32; L];
    for i in 0..L {
        fixed[i] = totals[i] - delta[i];
    }
    let inclusive = chain(fixed);
    let mut base = [0.0f32; L];
    base[1..].copy_from_slice(&inclusive[..L - 1]);
    // The total is the scan's last entry (ready before the bases are).
    let u = r * inclusive[L - 1];
    // Lane i's running sums are compared with u − base_i; in the taken-out
    // lane, from its group on, with that plus δ (the sums there are δ too
    // large).
    let mut below = [0.0f32; L];
    let mut from_taken = [0.0f32; L];
    for i in 0..L {
        below[i] = u - base[i];
        from_taken[i] = below[i] + delta[i];
    }
    // The first lane whose total (its last running sum) passes its bound;
    // the same comparison ends the count below inside that lane.
    let Some(lane) = (0..L).position(|i| totals[i] > from_taken[i]) else {
        return last_positive(running, L);
    };
    let before = running[lane..]
        .iter()
        .step_by(L)
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
    checked(before * L + lane, running, k, L)
}

/// The drawn topic, unless rounding picked a lane of weight zero (one that
/// holds only padding, when K < L): the scan's rounding can leave such a
/// lane's end an ulp above the previous lane's. The last topic of positive
/// weight then takes the draw, as for a point past the total.
#[inline(always)]
fn checked(topic: usize, running: &[f32], k: usize, lanes: usize) -> usize {
    if topic < k {
        topic
    } else {
        last_positive(running, lanes)
    }
}

/// The last topic of positive weight in lane-major order over `lanes`.
#[cold]
fn last_positive(running: &[f32], lanes: usize) -> usize {
    let groups = running.len() / lanes;
    for lane in (0..lanes).rev() {
        for group in (0..groups).rev() {
            let sum = running[group * lanes + lane];
            let before = if group == 0 {
                0.0
            } else {
                running[(group - 1) * lanes + lane]
            };
            if sum > before {
                return group * lanes + lane;
            }
        }
    }
    0
}

/// [`draw`] in AVX2 for `H` blocks of eight lanes (L = 8 H), counting by
/// one loop and a walk when `WALK` ([`WALK_MIN_GROUPS`]): the weights,
/// the scan and the location stay in 256-bit registers; the draw's lane
/// and group come from compare masks, without a branch on the outcome.
/// The same floating-point operations as [`lane_totals`], [`chain`] and
/// [`locate`], in the same order; the group is counted against `below` in
/// every group and then moved to the taken-out bound (the same count, as a
/// lane's running sums never decrease).
///
/// # Safety
/// The CPU must support AVX2; `alpha`, `g` and `running` must be as long as
/// `doc`, whose length is a multiple of 8 H.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn draw_avx2<const H: usize, const WALK: bool>(
    doc: &[u16],
    alpha: &[f32],
    g: &[f32],
    running: &mut [f32],
    taken: &TakenOut,
    r: f32,
    k: usize,
) -> usize {
    use std::arch::x86_64::*;
    let lanes = H * BLOCK;
    let len = doc.len();
    let (counts, alpha, g, out) = (
        doc.as_ptr(),
        alpha.as_ptr(),
        g.as_ptr(),
        running.as_mut_ptr(),
    );
    let mut sums = [_mm256_setzero_ps(); H];
    let mut at = 0;
    while at < len {
        for (h, sum) in sums.iter_mut().enumerate() {
            let p = at + h * BLOCK;
            // SAFETY: p + 8 <= len, and every slice holds len elements.
            let n = _mm256_cvtepu16_epi32(_mm_loadu_si128(counts.add(p) as *const __m128i));
            let w = _mm256_mul_ps(
                _mm256_add_ps(_mm256_cvtepi32_ps(n), _mm256_loadu_ps(alpha.add(p))),
                _mm256_loadu_ps(g.add(p)),
            );
            *sum = _mm256_add_ps(*sum, w);
            _mm256_storeu_ps(out.add(p), *sum);
        }
        at += lanes;
    }
    let ids = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let delta_everywhere = _mm256_set1_ps(taken.delta);
    let mut delta = [_mm256_setzero_ps(); H];
    let mut fixed = [_mm256_setzero_ps(); H];
    let mut scan = [_mm256_setzero_ps(); H];
    for h in 0..H {
        let here = _mm256_cmpeq_epi32(
            ids,
            _mm256_set1_epi32(taken.lane as i32 - (h * BLOCK) as i32),
        );
        delta[h] = _mm256_and_ps(delta_everywhere, _mm256_castsi256_ps(here));
        fixed[h] = _mm256_sub_ps(sums[h], delta[h]);
        scan[h] = scan_block(fixed[h]);
    }
    // Each block's base (the lanes before each lane); the second block's
    // scan gets the first block's total, and its base starts with it.
    let last = _mm256_set1_epi32(BLOCK as i32 - 1);
    let mut base = [_mm256_setzero_ps(); H];
    let mut carry = _mm256_setzero_ps();
    for h in 0..H {
        if h > 0 {
            scan[h] = _mm256_add_ps(scan[h], carry);
        }
        base[h] = _mm256_blend_ps::<1>(shift_up(scan[h], 1), carry);
        carry = _mm256_permutevar8x32_ps(scan[h], last);
    }
    let total = _mm256_permutevar8x32_ps(scan[H - 1], last);
    let u = _mm256_mul_ps(_mm256_set1_ps(r), total);
    let mut below = [_mm256_setzero_ps(); H];
    let mut from_taken = [_mm256_setzero_ps(); H];
    let mut beyond = 0u32;
    for h in 0..H {
        below[h] = _mm256_sub_ps(u, base[h]);
        from_taken[h] = _mm256_add_ps(below[h], delta[h]);
        let passed = _mm256_cmp_ps::<_CMP_GT_OQ>(sums[h], from_taken[h]);
        beyond |= (_mm256_movemask_ps(passed) as u32) << (h * BLOCK);
    }
    if beyond == 0 {
        return last_positive(running, lanes);
    }
    let lane = beyond.trailing_zeros() as usize;
    // Every lane's count of groups whose running sum is at or below its
    // bound (`below` before the taken-out group, `from_taken` from it on);
    // the drawn lane's count is the draw's group. With many groups the
    // two loops, split at a random place, mispredict their exits: then
    // one loop counts against `below` everywhere, and the taken-out lane's
    // count is corrected below.
    let walk = WALK;
    let mut count = [_mm256_setzero_si256(); H];
    let split_at = if walk { len } else { taken.group * lanes };
    let mut at = 0;
    while at < split_at {
        count_at_or_below(&mut count, out.add(at), &below);
        at += lanes;
    }
    while at < len {
        count_at_or_below(&mut count, out.add(at), &from_taken);
        at += lanes;
    }
    let (mut chosen, mut bound) = (count[0], below[0]);
    if H > 1 {
        let second = _mm256_set1_epi32(-((lane >= BLOCK) as i32));
        chosen = _mm256_blendv_epi8(count[0], count[H - 1], second);
        bound = _mm256_blendv_ps(below[0], below[H - 1], _mm256_castsi256_ps(second));
    }
    let place = _mm256_set1_epi32((lane % BLOCK) as i32);
    let mut group = _mm256_cvtsi256_si32(_mm256_permutevar8x32_epi32(chosen, place)) as usize;
    if walk && lane == taken.lane {
        // There the groups from the taken-out one on (G) count against
        // `from_taken` (the same addition, in scalar). A lane's running
        // sums never decrease, so the groups at or below a bound are a
        // prefix: min(count, G) of the groups before G, and from G on the
        // prefix found by walking from max(count, G) (no step at all,
        // mostly).
        let bound = _mm256_cvtss_f32(_mm256_permutevar8x32_ps(bound, place)) + taken.delta;
        let (groups, split) = (len / lanes, taken.group);
        let mut end = group.max(split);
        while end < groups && *out.add(end * lanes + lane) <= bound {
            end += 1;
        }
        while end > split && *out.add((end - 1) * lanes + lane) > bound {
            end -= 1;
        }
        group = group.min(split) + (end - split);
    }
    checked(group * lanes + lane, running, k, lanes)
}

/// Adds one to every lane of `count` whose running sum at `sums` (one
/// group, H blocks) is at or below its bound.
///
/// # Safety
/// The CPU must support AVX2 and `sums` must point at 8 H readable floats.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn count_at_or_below<const H: usize>(
    count: &mut [std::arch::x86_64::__m256i; H],
    sums: *const f32,
    bounds: &[std::arch::x86_64::__m256; H],
) {
    use std::arch::x86_64::*;
    for h in 0..H {
        let at_or_below =
            _mm256_cmp_ps::<_CMP_LE_OQ>(_mm256_loadu_ps(sums.add(h * BLOCK)), bounds[h]);
        // A true comparison is −1: subtracting it counts one.
        count[h] = _mm256_sub_epi32(count[h], _mm256_castps_si256(at_or_below));
    }
}

/// [`chain`] inside one block of eight lanes: the quads scanned by byte
/// shifts inside each 128-bit half (zeros shifted in), then lane 3 added to
/// lanes 4–7 (zero to lanes 0–3).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn scan_block(x: std::arch::x86_64::__m256) -> std::arch::x86_64::__m256 {
    use std::arch::x86_64::*;
    let bits = _mm256_castps_si256(x);
    let x = _mm256_add_ps(x, _mm256_castsi256_ps(_mm256_slli_si256::<4>(bits)));
    let bits = _mm256_castps_si256(x);
    let x = _mm256_add_ps(x, _mm256_castsi256_ps(_mm256_slli_si256::<8>(bits)));
    let carry = _mm256_permutevar8x32_ps(x, _mm256_set1_epi32(3));
    let second_quad = _mm256_setr_epi32(0, 0, 0, 0, -1, -1, -1, -1);
    _mm256_add_ps(x, _mm256_and_ps(carry, _mm256_castsi256_ps(second_quad)))
}

/// The lanes of `x` moved `step` places up, zeros moved in.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn shift_up(x: std::arch::x86_64::__m256, step: i32) -> std::arch::x86_64::__m256 {
    use std::arch::x86_64::*;
    let ids = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let from = _mm256_sub_epi32(ids, _mm256_set1_epi32(step));
    let moved = _mm256_permutevar8x32_ps(x, from);
    let keep = _mm256_cmpgt_epi32(ids, _mm256_set1_epi32(step - 1));
    _mm256_and_ps(moved, _mm256_castsi256_ps(keep))
}

/// [`draw`] in AVX-512 for 16 lanes: a lane group is one register, and the
/// draw is located without reading single numbers back from memory (a
/// 64-byte store cannot hand its data to a 4-byte load; the load would wait
/// for the store to reach the cache). The same operations as [`draw_avx2`]
/// with two blocks, lane for lane.
///
/// # Safety
/// The CPU must support AVX-512F; `alpha`, `g` and `running` must be as
/// long as `doc`, whose length is a multiple of 16.
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
    const LANES: usize = 2 * BLOCK;
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
    let taken_lane = 1u16 << taken.lane;
    let delta = _mm512_maskz_mov_ps(taken_lane, _mm512_set1_ps(taken.delta));
    let fixed = _mm512_sub_ps(sums, delta);
    // The scan inside each block of eight lanes (as `chain`), then the first
    // block's total added to the second.
    let ids = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let mut scan = fixed;
    // Quads: lane i − 1 and i − 2 by in-lane permutes (zeros where the
    // quad has no such lane), then lane 3 of each block to its lanes 4–7.
    scan = _mm512_add_ps(scan, _mm512_maskz_permute_ps::<0b10_01_00_00>(0xEEEE, scan));
    scan = _mm512_add_ps(scan, _mm512_maskz_permute_ps::<0b01_00_00_00>(0xCCCC, scan));
    let quad_carry = _mm512_setr_epi32(0, 0, 0, 0, 3, 3, 3, 3, 0, 0, 0, 0, 11, 11, 11, 11);
    scan = _mm512_add_ps(scan, _mm512_maskz_permutexvar_ps(0xF0F0, quad_carry, scan));
    let carry = _mm512_permutexvar_ps(_mm512_set1_epi32(BLOCK as i32 - 1), scan);
    scan = _mm512_mask_add_ps(scan, 0xFF00, scan, carry);
    // Each lane's base (the lanes before it), the point u, and the bounds
    // the running sums are compared with, as in `locate`.
    let base =
        _mm512_maskz_permutexvar_ps(0xFFFE, _mm512_sub_epi32(ids, _mm512_set1_epi32(1)), scan);
    let total = _mm512_permutexvar_ps(_mm512_set1_epi32(15), scan);
    let u = _mm512_mul_ps(_mm512_set1_ps(r), total);
    let below = _mm512_sub_ps(u, base);
    let from_taken = _mm512_add_ps(below, delta);
    let beyond = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(sums, from_taken);
    if beyond == 0 {
        return last_positive(running, LANES);
    }
    let lane = beyond.trailing_zeros() as usize;
    // Every lane's count of groups whose running sum is at or below its
    // bound; the drawn lane's count is the draw's group.
    let one = _mm512_set1_epi32(1);
    let mut count = _mm512_setzero_si512();
    let taken_at = taken.group * LANES;
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
    let place = _mm512_set1_epi32(lane as i32);
    let group = _mm512_cvtsi512_si32(_mm512_permutexvar_epi32(place, count)) as usize;
    checked(group * LANES + lane, running, k, LANES)
}

/// Moves one token of document row `doc` from topic `old` to topic `new`.
///
/// The vector builds rewrite the whole L-count group of each as one store:
/// the next token often reads the same row (a word repeated in a
/// document), and its vector load can take a vector store's data straight
/// from the store buffer, not a 2-byte one's (a stall of tens of cycles).
#[inline(always)]
fn move_token<const ISA: u8, const L: usize>(doc: &mut [u16], old: usize, new: usize) {
    #[cfg(target_arch = "x86_64")]
    if ISA >= AVX2 {
        // SAFETY: AVX2 is present in both vector builds; both topics are
        // below the row's length, a multiple of L.
        unsafe {
            add_to_count::<L>(doc, old, -1);
            add_to_count::<L>(doc, new, 1);
        }
        return;
    }
    doc[old] -= 1;
    doc[new] += 1;
}

/// Adds `delta` to `doc[t]` by rewriting its L-count group (8 counts: one
/// 16-byte store; 16: one 32-byte store).
///
/// # Safety
/// AVX2 must be present and `t / L * L + L <= doc.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_to_count<const L: usize>(doc: &mut [u16], t: usize, delta: i16) {
    use std::arch::x86_64::*;
    debug_assert!(t / L * L + L <= doc.len());
    let place = (t % L) as i16;
    if L == BLOCK {
        let at = doc.as_mut_ptr().add(t / L * L) as *mut __m128i;
        let lanes = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
        let step = _mm_and_si128(
            _mm_cmpeq_epi16(lanes, _mm_set1_epi16(place)),
            _mm_set1_epi16(delta),
        );
        _mm_storeu_si128(at, _mm_add_epi16(_mm_loadu_si128(at), step));
    } else {
        let at = doc.as_mut_ptr().add(t / L * L) as *mut __m256i;
        let lanes = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let step = _mm256_and_si256(
            _mm256_cmpeq_epi16(lanes, _mm256_set1_epi16(place)),
            _mm256_set1_epi16(delta),
        );
        _mm256_storeu_si256(at, _mm256_add_epi16(_mm256_loadu_si256(at), step));
    }
}

/// Sets the word factor `g[t]`; the vector builds rewrite the whole vector
/// that holds it, for the store-to-load forwarding [`move_token`] explains
/// (every token loads all of `g` as vectors of the draw's width).
#[inline(always)]
fn set_factor<const ISA: u8, const L: usize>(g: &mut [f32], t: usize, value: f32) {
    #[cfg(target_arch = "x86_64")]
    if ISA == AVX512 && L == 2 * BLOCK {
        // SAFETY: AVX512 is only chosen inside `sample_avx512`; `g` is a
        // whole number of 16-lane groups.
        unsafe { set_factor_avx512(g, t, value) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if ISA >= AVX2 {
        // SAFETY: AVX2 is present in both vector builds; `g` is a whole
        // number of lane groups, so the aligned eight around `t` are in it.
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
/// AVX-512F must be present and `t / 16 * 16 + 16 <= g.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn set_factor_avx512(g: &mut [f32], t: usize, value: f32) {
    use std::arch::x86_64::*;
    debug_assert!(t / 16 * 16 + 16 <= g.len());
    let at = g.as_mut_ptr().add(t / 16 * 16);
    let merged = _mm512_mask_mov_ps(_mm512_loadu_ps(at), 1 << (t % 16), _mm512_set1_ps(value));
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

    /// Topics in lane-major order over `lanes` lanes.
    fn lane_major(len: usize, lanes: usize) -> impl Iterator<Item = usize> {
        (0..lanes).flat_map(move |lane| (lane..len).step_by(lanes))
    }

    /// The draw of build `ISA` for the lane count of `k`.
    #[inline(always)]
    fn draw_for<const ISA: u8>(c: &Case, running: &mut [f32]) -> usize {
        let Case {
            doc,
            alpha,
            g,
            taken,
            r,
            k,
        } = *c;
        if lanes(k) == BLOCK {
            draw::<ISA, BLOCK>(doc, alpha, g, running, taken, r, k)
        } else {
            draw::<ISA, { 2 * BLOCK }>(doc, alpha, g, running, taken, r, k)
        }
    }

    /// The portable locate for the lane count of `k`.
    fn locate_portable(
        doc: &[u16],
        alpha: &[f32],
        g: &[f32],
        taken: &TakenOut,
        r: f32,
        k: usize,
    ) -> (usize, Vec<f32>) {
        let mut running = vec![0.0f32; doc.len()];
        let case = Case {
            doc,
            alpha,
            g,
            taken,
            r,
            k,
        };
        let topic = draw_for::<PORTABLE>(&case, &mut running);
        (topic, running)
    }

    #[test]
    fn lanes_and_stride_depend_on_k_only() {
        assert_eq!((lanes(1), stride(1)), (8, 8));
        assert_eq!((lanes(20), stride(20)), (8, 24));
        assert_eq!((lanes(100), stride(100)), (8, 104));
        assert_eq!((lanes(128), stride(128)), (8, 128));
        assert_eq!((lanes(129), stride(129)), (16, 144));
        assert_eq!((lanes(200), stride(200)), (16, 208));
    }

    #[test]
    fn chain_scans_each_block_then_carries() {
        let mut x = [0.0f32; 16];
        for (i, v) in x.iter_mut().enumerate() {
            *v = (i + 1) as f32;
        }
        let scanned = chain(x);
        for (i, &sum) in scanned.iter().enumerate() {
            let expected: f32 = (1..=i + 1).map(|v| v as f32).sum();
            assert_eq!(sum, expected, "lane {i}");
        }
        let eight: [f32; 8] = [1.0; 8];
        assert_eq!(chain(eight), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    }

    #[test]
    fn draws_land_where_a_lane_major_walk_puts_them() {
        for k in [20, 140] {
            let counts = [(0, 3), (5, 1), (9, 7), (19, 2), (k - 7, 4), (k - 1, 1)];
            let (doc, alpha, g) = example(k, &counts);
            let old = 9;
            let g_out = g[old] * 0.9;
            let w = weights(&doc, &alpha, &g, old, g_out);
            assert!(w[k..].iter().all(|&x| x == 0.0), "padding has no weight");
            let total: f64 = w.iter().sum();
            let taken = TakenOut::new(old, lanes(k), doc[old], alpha[old], g[old], g_out);
            for step in 0..4000 {
                // Mid-points of a fine grid: never within rounding of an end.
                let r = (step as f32 + 0.5) / 4000.0;
                let (drawn, _) = locate_portable(&doc, &alpha, &g, &taken, r, k);
                let u = r as f64 * total;
                let mut end = 0.0;
                let mut expected = None;
                let mut ends = Vec::new();
                for t in lane_major(w.len(), lanes(k)) {
                    end += w[t];
                    ends.push((t, end));
                    if expected.is_none() && w[t] > 0.0 && u < end {
                        expected = Some(t);
                    }
                }
                let expected = expected.expect("u below the total");
                if drawn != expected {
                    // Allowed only within single-precision rounding of an end.
                    for &(t, end) in &ends {
                        if t == expected || t == drawn {
                            assert!(
                                (end - u).abs() < 1e-5 * total,
                                "K {k}, r {r}: drew {drawn}, expected {expected}"
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
        let taken = TakenOut::new(2, lanes(20), doc[2], alpha[2], g[2], g[2] * 0.5);
        // 8 lanes: lane 7 holds topics 7, 15 and 23 (padding): 15 is the
        // last topic of positive weight in lane-major order.
        let (topic, running) = locate_portable(&doc, &alpha, &g, &taken, 1.0, 20);
        assert_eq!(topic, 15);
        assert_eq!(locate_portable(&doc, &alpha, &g, &taken, 2.0, 20).0, 15);
        assert_eq!(last_positive(&running, 8), 15);
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
        let taken = TakenOut::new(0, lanes(3), doc[0], alpha[0], g[0], 0.5);
        // (0 + 0.001) × 0.5, up to single-precision rounding of the
        // subtraction (about 1e-7 of the uncorrected weight).
        let lane0 = 1.001f32 - taken.delta;
        assert!((lane0 - 0.5e-3).abs() < 2e-7, "{lane0}");
        // The total is 2.0005: a point just past topic 0's sliver lands in
        // topic 1, one inside it in topic 0.
        assert_eq!(locate_portable(&doc, &alpha, &g, &taken, 3e-4, 3).0, 1);
        assert_eq!(locate_portable(&doc, &alpha, &g, &taken, 2e-4, 3).0, 0);
    }

    /// A random row at K topics and the taken-out token of one of them.
    fn random_row(
        rng: &mut Xoshiro256PlusPlus,
        k: usize,
        p: f64,
    ) -> (Vec<u16>, Vec<f32>, Vec<f32>, usize) {
        let s = stride(k);
        let mut doc = vec![0u16; s];
        let (mut alpha, mut g) = (vec![0.0f32; s], vec![0.0f32; s]);
        for t in 0..k {
            doc[t] = if rng.random::<f64>() < p {
                rng.random_range(1..400)
            } else {
                0
            };
            alpha[t] = rng.random_range(1e-4..1.5);
            g[t] = rng.random_range(1e-7..0.1);
        }
        let old = rng.random_range(0..k);
        doc[old] = doc[old].max(1);
        (doc, alpha, g, old)
    }

    /// Whatever the rounding, a draw is a real topic (below K) of positive
    /// weight: points are put on, just below and just above every lane's
    /// end and every running sum, where a scan's rounding could disagree
    /// with the sums (a first version could then step past a lane's last
    /// group and out of the row).
    #[test]
    fn draws_near_every_boundary_are_real_topics_of_positive_weight() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for &k in &[3usize, 17, 20, 24, 25, 100, 129, 200] {
            for _ in 0..50 {
                let (doc, alpha, g, old) = random_row(&mut rng, k, 0.2);
                let taken =
                    TakenOut::new(old, lanes(k), doc[old], alpha[old], g[old], g[old] * 0.99);
                let w = weights(&doc, &alpha, &g, old, g[old] * 0.99);
                let total: f64 = w.iter().sum();
                let mut points: Vec<f32> = vec![0.0, 1.0 - f32::EPSILON, 1.0];
                let mut end = 0.0f64;
                for t in lane_major(doc.len(), lanes(k)) {
                    end += w[t];
                    let r = (end / total) as f32;
                    points.extend([r, r.next_down(), r.next_up()]);
                }
                for r in points {
                    let (topic, _) =
                        locate_portable(&doc, &alpha, &g, &taken, r.clamp(0.0, 1.0), k);
                    assert!(topic < k, "K {k}, r {r}: topic {topic}");
                    assert!(w[topic] > 0.0, "K {k}, r {r}: topic {topic} has no weight");
                }
            }
        }
    }

    /// The vector builds draw the same topics as the portable code and
    /// leave the same running sums, bit for bit, for both lane counts; on
    /// x86_64 the AVX2 build is always compared (a CPU without it fails the
    /// test), the AVX-512 build where the CPU has it (said on stderr when
    /// it does not).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_builds_draw_what_the_portable_code_draws() {
        let detected = InstructionSet::detected();
        assert!(
            detected >= InstructionSet::Avx2,
            "this x86_64 CPU lacks AVX2: the AVX2 build cannot be compared"
        );
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for &k in &[3usize, 8, 16, 20, 24, 25, 33, 100, 129, 130, 200] {
            for _ in 0..300 {
                let (doc, alpha, g, old) = random_row(&mut rng, k, 0.3);
                let taken =
                    TakenOut::new(old, lanes(k), doc[old], alpha[old], g[old], g[old] * 0.97);
                let case = Case {
                    doc: &doc,
                    alpha: &alpha,
                    g: &g,
                    taken: &taken,
                    r: rng.random::<f32>(),
                    k,
                };
                assert_vector_builds_agree(&case, detected);
            }
        }
        if detected < InstructionSet::Avx512 {
            eprintln!(
                "no AVX-512 on this CPU: only the AVX2 build was compared with the portable one"
            );
        }
    }

    /// Near the running sums of the taken-out token's lane, where the
    /// vector builds count against `below` and then move the count to the
    /// corrected bound from the taken-out group on, they still draw what
    /// the portable code draws, whether taking the token out lowers its
    /// topic's weight (δ > 0) or raises it (a larger factor, δ < 0).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_builds_agree_around_the_taken_out_lane() {
        let detected = InstructionSet::detected();
        assert!(
            detected >= InstructionSet::Avx2,
            "this x86_64 CPU lacks AVX2"
        );
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(23);
        let mut corrected = 0;
        for &k in &[20usize, 100, 129, 200] {
            for scale in [0.97f32, 1.5] {
                for _ in 0..40 {
                    let (doc, alpha, g, old) = random_row(&mut rng, k, 0.4);
                    let g_out = g[old] * scale;
                    let taken = TakenOut::new(old, lanes(k), doc[old], alpha[old], g[old], g_out);
                    let w = weights(&doc, &alpha, &g, old, g_out);
                    let total: f64 = w.iter().sum();
                    let mut points = Vec::new();
                    let mut end = 0.0f64;
                    for t in lane_major(doc.len(), lanes(k)) {
                        end += w[t];
                        if t % lanes(k) == old % lanes(k) {
                            let r = (end / total) as f32;
                            points.extend([r, r.next_down(), r.next_up()]);
                        }
                    }
                    for r in points {
                        let case = Case {
                            doc: &doc,
                            alpha: &alpha,
                            g: &g,
                            taken: &taken,
                            r: r.clamp(0.0, 1.0),
                            k,
                        };
                        let expected = assert_vector_builds_agree(&case, detected);
                        corrected += usize::from(
                            expected % lanes(k) == taken.lane && expected / lanes(k) >= taken.group,
                        );
                    }
                }
            }
        }
        assert!(
            corrected > 100,
            "only {corrected} draws reached the corrected bound"
        );
    }

    /// Asserts that the AVX2 build (and the AVX-512 build, when
    /// `detected`) draws the topic and leaves the running sums that the
    /// portable code does for `c`; returns the topic.
    #[cfg(target_arch = "x86_64")]
    fn assert_vector_builds_agree(c: &Case, detected: InstructionSet) -> usize {
        let (k, r) = (c.k, c.r);
        let (expected, expected_running) = locate_portable(c.doc, c.alpha, c.g, c.taken, c.r, c.k);
        let mut running = vec![0.0; c.doc.len()];
        // SAFETY: the callers assert AVX2.
        let drawn = unsafe { draw_with_avx2(c, &mut running) };
        assert_eq!(drawn, expected, "AVX2, K {k}, r {r}");
        assert_eq!(running, expected_running);
        if detected == InstructionSet::Avx512 {
            let mut running = vec![0.0; c.doc.len()];
            // SAFETY: AVX-512F and AVX2 detected.
            let drawn = unsafe { draw_with_avx512(c, &mut running) };
            assert_eq!(drawn, expected, "AVX-512, K {k}, r {r}");
            assert_eq!(running, expected_running);
        }
        expected
    }

    /// One draw's inputs.
    #[derive(Clone, Copy)]
    struct Case<'a> {
        doc: &'a [u16],
        alpha: &'a [f32],
        g: &'a [f32],
        taken: &'a TakenOut,
        r: f32,
        k: usize,
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn draw_with_avx2(c: &Case, running: &mut [f32]) -> usize {
        draw_for::<AVX2>(c, running)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2")]
    unsafe fn draw_with_avx512(c: &Case, running: &mut [f32]) -> usize {
        draw_for::<AVX512>(c, running)
    }

    /// Moving a token through the vector path changes exactly two counts,
    /// and a factor set through it changes exactly one, for both widths.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_updates_touch_one_entry() {
        assert!(
            std::arch::is_x86_feature_detected!("avx2"),
            "this x86_64 CPU lacks AVX2"
        );
        let mut doc: Vec<u16> = (0..48).map(|t| t as u16 + 1).collect();
        let before = doc.clone();
        // SAFETY: AVX2 checked above; 47 / 16 * 16 + 16 = 48, and the
        // 8-count groups of 3 and 41 end at 8 and 48.
        unsafe {
            add_to_count::<16>(&mut doc, 17, -1);
            add_to_count::<16>(&mut doc, 47, 1);
            add_to_count::<8>(&mut doc, 3, 1);
            add_to_count::<8>(&mut doc, 41, -1);
        }
        for t in 0..48 {
            let change = [(17, -1), (47, 1), (3, 1), (41, -1)]
                .iter()
                .filter(|&&(at, _)| at == t)
                .map(|&(_, d)| d)
                .sum::<i32>();
            assert_eq!(doc[t] as i32, before[t] as i32 + change, "topic {t}");
        }
        let mut g: Vec<f32> = (0..32).map(|t| t as f32).collect();
        // SAFETY: AVX2 checked above.
        unsafe { set_factor_avx2(&mut g, 13, -1.0) };
        if InstructionSet::detected() == InstructionSet::Avx512 {
            // SAFETY: AVX-512F and AVX2 detected.
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
