//! The ln Γ terms of the joint log-likelihood, computed once and looked up.
//!
//! log p(w, z) sums `ln Γ(n + a) − ln Γ(a)` over every nonzero count `n` of
//! the document-topic and topic-word tables. The counts are small integers
//! that repeat, so each term is computed once per distinct (n, a) and then
//! looked up; the tables are kept across calls (a fit traces the
//! likelihood every few sweeps, and the priors change only when they are
//! optimized, which rebuilds them). A looked-up term is the value of the
//! same expression, so the sum is bit-identical to computing each term
//! afresh.

use std::sync::Mutex;

use crate::math::ln_gamma;

/// Counts below this are kept in the tables; larger ones (a few, in long
/// answers or very frequent words) are computed each time, so that the
/// tables stay small whatever the corpus (at most this many values a
/// prior).
const TABLE_LEN: usize = 1 << 12;

/// `ln Γ(n + a) − ln Γ(a)` for the counts `n` of one prior `a`.
#[derive(Debug, Clone)]
pub(super) struct GammaTerms {
    a: f64,
    ln_gamma_a: f64,
    terms: Vec<f64>,
}

impl GammaTerms {
    pub(super) fn new(a: f64) -> GammaTerms {
        GammaTerms {
            a,
            ln_gamma_a: ln_gamma(a),
            terms: Vec::new(),
        }
    }

    /// The expression every term is (tabled or not).
    fn compute(&self, n: f64) -> f64 {
        ln_gamma(n + self.a) - self.ln_gamma_a
    }

    /// `ln Γ(n + a) − ln Γ(a)`.
    #[inline]
    pub(super) fn term(&mut self, n: u32) -> f64 {
        match self.terms.get(n as usize) {
            Some(&t) => t,
            None => self.term_not_tabled(n as usize),
        }
    }

    /// A term not in the table yet: tabled with every count below it, or
    /// computed when the count is too large to table.
    #[cold]
    #[inline(never)]
    fn term_not_tabled(&mut self, n: usize) -> f64 {
        if n >= TABLE_LEN {
            return self.compute(n as f64);
        }
        while self.terms.len() <= n {
            let m = self.terms.len() as f64;
            self.terms.push(self.compute(m));
        }
        self.terms[n]
    }
}

/// The tables for one set of priors.
#[derive(Debug, Clone)]
pub(super) struct Tables {
    alpha: Vec<f64>,
    beta: f64,
    /// Per topic, over document-topic counts (prior α_t).
    pub(super) by_topic: Vec<GammaTerms>,
    /// Over answer lengths (prior Σα).
    pub(super) by_length: GammaTerms,
    /// Over topic-word counts (prior β).
    pub(super) by_word: GammaTerms,
}

impl Tables {
    fn new(alpha: &[f64], beta: f64) -> Tables {
        let alpha_sum: f64 = alpha.iter().sum();
        Tables {
            alpha: alpha.to_vec(),
            beta,
            by_topic: alpha.iter().map(|&a| GammaTerms::new(a)).collect(),
            by_length: GammaTerms::new(alpha_sum),
            by_word: GammaTerms::new(beta),
        }
    }

    /// Whether these tables were made for exactly these priors.
    fn fits(&self, alpha: &[f64], beta: f64) -> bool {
        self.beta.to_bits() == beta.to_bits()
            && self.alpha.len() == alpha.len()
            && self
                .alpha
                .iter()
                .zip(alpha)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// The tables of the last call, behind a lock so that the likelihood can
/// be read through a shared reference (boxed: the sampler state stays
/// small). A copy of a state copies them.
#[derive(Debug, Default)]
pub(super) struct TermCache(Mutex<Option<Box<Tables>>>);

impl Clone for TermCache {
    fn clone(&self) -> TermCache {
        TermCache(Mutex::new(self.lock().clone()))
    }
}

impl TermCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Box<Tables>>> {
        // A panic while the lock was held leaves at worst a partly filled
        // table, whose entries are still right.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the tables for `alpha` and `beta` (made anew when the
    /// priors changed since the last call).
    pub(super) fn with<R>(&self, alpha: &[f64], beta: f64, f: impl FnOnce(&mut Tables) -> R) -> R {
        let mut guard = self.lock();
        if !guard.as_ref().is_some_and(|t| t.fits(alpha, beta)) {
            *guard = Some(Box::new(Tables::new(alpha, beta)));
        }
        f(guard.as_mut().expect("tables were just made"))
    }
}

/// Calls `f(i, n)` for every nonzero `n = cells[i]`, in ascending `i`
/// (the order of a plain loop that skips zeros, hence the same sums); see
/// [`Nonzero`].
#[inline]
pub(super) fn for_each_nonzero<T: Copy + Into<u32>>(cells: &[T], mut f: impl FnMut(usize, u32)) {
    for (i, n) in Nonzero::new(cells) {
        f(i, n);
    }
}

/// The nonzero cells of a count table as `(index, count)`, in ascending
/// index. The cells are tested [`Nonzero::LANES`] at a time into a bit
/// mask and only its set bits are visited: the count tables are mostly
/// zeros, and a test and branch on each cell, mispredicted at every
/// change, cost more than the work done on the nonzero ones.
pub(super) struct Nonzero<'a, T> {
    cells: &'a [T],
    /// Index of the first cell of the chunk `mask` describes.
    base: usize,
    /// The chunk's nonzero cells not yet visited (see
    /// [`Nonzero::chunk_mask`]).
    mask: u64,
}

impl<'a, T: Copy + Into<u32>> Nonzero<'a, T> {
    const LANES: usize = 8;

    pub(super) fn new(cells: &'a [T]) -> Self {
        let mut it = Nonzero {
            cells,
            base: 0,
            mask: 0,
        };
        it.mask = it.chunk_mask();
        it
    }

    /// The nonzero cells of the chunk at `base` (fewer at the end): bit
    /// `8 i` is set when cell `base + i` is nonzero. Built as eight 0/1
    /// bytes, which compilers turn into a few vector compares and packs on
    /// every instruction set.
    #[inline]
    fn chunk_mask(&self) -> u64 {
        let mut flags = [0u8; 8];
        match self.cells.get(self.base..self.base + Self::LANES) {
            Some(chunk) => {
                for (f, &n) in flags.iter_mut().zip(chunk) {
                    *f = u8::from(n.into() != 0);
                }
            }
            None => {
                let tail = self.cells.get(self.base..).unwrap_or_default();
                for (f, &n) in flags.iter_mut().zip(tail) {
                    *f = u8::from(n.into() != 0);
                }
            }
        }
        u64::from_le_bytes(flags)
    }
}

impl<T: Copy + Into<u32>> Iterator for Nonzero<'_, T> {
    type Item = (usize, u32);

    #[inline]
    fn next(&mut self) -> Option<(usize, u32)> {
        while self.mask == 0 {
            self.base += Self::LANES;
            if self.base >= self.cells.len() {
                return None;
            }
            self.mask = self.chunk_mask();
        }
        let i = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some((i, self.cells[i].into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonzero_cells_are_visited_in_order() {
        // Every length around the chunk size, zeros and nonzeros mixed.
        for len in 0..40usize {
            let cells: Vec<u16> = (0..len).map(|i| ((i * 7 + len) % 5 % 3) as u16).collect();
            let mut seen = Vec::new();
            for_each_nonzero(&cells, |i, n| seen.push((i, n)));
            let expected: Vec<(usize, u32)> = (0..len)
                .filter(|&i| cells[i] != 0)
                .map(|i| (i, cells[i] as u32))
                .collect();
            assert_eq!(seen, expected, "len {len}");
        }
        let wide = [0u32, u32::MAX, 0, 0, 0, 0, 0, 0, 7];
        let mut seen = Vec::new();
        for_each_nonzero(&wide, |i, n| seen.push((i, n)));
        assert_eq!(seen, [(1, u32::MAX), (8, 7)]);
    }

    #[test]
    fn terms_are_the_plain_expression_bit_for_bit() {
        for a in [0.01, 0.1, 0.7, 2.0, 7.3] {
            let mut terms = GammaTerms::new(a);
            // Out of order, repeated, and beyond the table.
            for n in [5u32, 0, 1, 4095, 4096, 5, 70_000, 2, 3000] {
                let plain = ln_gamma(n as f64 + a) - ln_gamma(a);
                assert_eq!(terms.term(n).to_bits(), plain.to_bits(), "a = {a}, n = {n}");
            }
            assert_eq!(terms.terms.len(), 4096, "tables stop at TABLE_LEN");
        }
    }

    #[test]
    fn the_cache_follows_the_priors() {
        let cache = TermCache::default();
        let alpha = [0.1, 0.2];
        let lg = |x: f64| ln_gamma(x);
        let first = cache.with(&alpha, 0.01, |t| t.by_topic[1].term(3));
        assert_eq!(first, lg(3.2) - lg(0.2));
        cache.with(&alpha, 0.01, |t| assert_eq!(t.by_topic[1].terms.len(), 4));
        // New priors: new tables.
        let moved = cache.with(&[0.1, 0.3], 0.02, |t| {
            assert!(t.by_topic[1].terms.is_empty());
            (
                t.by_topic[1].term(3),
                t.by_word.term(2),
                t.by_length.term(4),
            )
        });
        assert_eq!(moved.0, lg(3.3) - lg(0.3));
        assert_eq!(moved.1, lg(2.02) - lg(0.02));
        assert_eq!(moved.2, lg(4.0 + (0.1 + 0.3)) - lg(0.1 + 0.3));
        let copy = cache.clone();
        copy.with(&[0.1, 0.3], 0.02, |t| assert_eq!(t.by_word.terms.len(), 3));
    }
}
