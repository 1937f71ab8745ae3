//! The two layouts of the document-topic counts (sparse lists and dense
//! rows) and the rule that picks one for a corpus and K.

use super::likelihood::for_each_nonzero;
use super::{lists, rows};
use crate::corpus::Document;

/// Bits needed to store a topic index below `k`.
pub(super) fn topic_bits(k: usize) -> u32 {
    (usize::BITS - (k.max(2) - 1).leading_zeros()).max(1)
}

/// Whether every document-topic count fits beside its topic index in a
/// packed `u32` (documents longer than 65,535 tokens at K > 32,768 do not).
pub(crate) fn supports(docs: &[Document], k: usize) -> bool {
    let limit = (u32::MAX >> topic_bits(k)) as usize;
    docs.iter().all(|d| d.words.len() <= limit)
}

/// One document group's counts in the list layout.
pub(super) struct ListDocs<'a> {
    /// Where the group's first document's entries start in the whole array.
    pub(super) entry_start: usize,
    /// The whole corpus's list offsets.
    pub(super) offsets: &'a [usize],
    pub(super) entries: &'a mut [u32],
    pub(super) nnz: &'a mut [u32],
}

/// One document group's counts, mutable by exactly one block of a round.
pub(super) enum BlockDocs<'a> {
    Lists(ListDocs<'a>),
    Rows(&'a mut [u16]),
}

/// Document-topic counts in the layout that samples the corpus faster.
///
/// Lists (`count << topic_bits | topic`, unordered, room for min(K, length)
/// topics per document) cost a token O(topics in its document), which wins
/// for many topics and short documents. Dense `u16` rows cost O(K), but as
/// straight vector arithmetic without gathers, list upkeep or a split of the
/// conditional; measured on `ap.txt`, they sample K = 20 and K = 100 much
/// faster (see [`prefers_rows`]).
#[derive(Debug, Clone)]
pub(super) enum DocCounts {
    Lists(DocLists),
    Rows {
        /// Topics per row: K rounded up to whole vector lanes (zero padding).
        stride: usize,
        counts: Vec<u16>,
    },
}

/// The lists layout of [`DocCounts`]: each document's `count << topic_bits
/// | topic` entries.
#[derive(Debug, Clone)]
pub(super) struct DocLists {
    /// Document `d` may use `entries[offsets[d]..offsets[d + 1]]`.
    offsets: Vec<usize>,
    entries: Vec<u32>,
    /// How many of a document's entries are in use (non-zero counts).
    nnz: Vec<u32>,
}

impl DocLists {
    fn add(&mut self, d: usize, t: usize, tb: u32) {
        let range = self.offsets[d]..self.offsets[d + 1];
        lists::doc_add(&mut self.entries[range], &mut self.nnz[d], t, tb);
    }

    #[inline]
    fn for_each(&self, d: usize, tb: u32, mut f: impl FnMut(usize, u32)) {
        let mask = (1u32 << tb) - 1;
        let start = self.offsets[d];
        for &e in &self.entries[start..start + self.nnz[d] as usize] {
            f((e & mask) as usize, e >> tb);
        }
    }

    /// The lists of each document group of `bounds`, for one block each.
    fn split<'a>(&'a mut self, bounds: &[usize], out: &mut Vec<BlockDocs<'a>>) {
        let offsets = &self.offsets;
        let mut entries_rest = &mut self.entries[..];
        let mut nnz_rest = &mut self.nnz[..];
        for w in bounds.windows(2) {
            let (d0, d1) = (w[0], w[1]);
            let (group_entries, tail) = entries_rest.split_at_mut(offsets[d1] - offsets[d0]);
            entries_rest = tail;
            let (group_nnz, tail) = nnz_rest.split_at_mut(d1 - d0);
            nnz_rest = tail;
            out.push(BlockDocs::Lists(ListDocs {
                entry_start: offsets[d0],
                offsets,
                entries: group_entries,
                nnz: group_nnz,
            }));
        }
    }
}

/// Which layout [`DocCounts`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Lists,
    Rows,
}

/// The largest K for dense rows. Measured on `ap.txt` (1 thread): rows
/// sampled 1.6× as fast as lists at K = 200 and 256 and 1.85× at 512, and
/// only broke even at 1,024 (where that corpus would take lists for memory
/// anyway).
const ROWS_MAX_K: usize = 512;

/// Whether the dense-row layout serves this corpus at `k` topics: counts
/// must fit `u16` (documents of at most 65,535 tokens), K must be moderate,
/// and the rows may take at most twice the memory of the lists, so that
/// many short answers at large K (where a row would be mostly zeros) keep
/// the lists. Depends on the corpus and K only, never on the threads.
pub(crate) fn prefers_rows(doc_len: &[u32], k: usize) -> bool {
    if k > ROWS_MAX_K || doc_len.iter().any(|&n| n > u16::MAX as u32) {
        return false;
    }
    let row_bytes = doc_len.len() * rows::stride(k) * 2;
    let list_bytes: usize = doc_len.iter().map(|&n| (n as usize).min(k) * 4).sum();
    row_bytes <= 2 * list_bytes
}

impl DocCounts {
    pub(super) fn lists(doc_len: &[u32], k: usize) -> DocCounts {
        let mut offsets = Vec::with_capacity(doc_len.len() + 1);
        offsets.push(0);
        for &n in doc_len {
            offsets.push(offsets[offsets.len() - 1] + (n as usize).min(k));
        }
        let total = offsets[doc_len.len()];
        DocCounts::Lists(DocLists {
            offsets,
            entries: vec![0; total],
            nnz: vec![0; doc_len.len()],
        })
    }

    pub(super) fn rows(docs: usize, k: usize) -> DocCounts {
        let stride = rows::stride(k);
        DocCounts::Rows {
            stride,
            counts: vec![0; docs * stride],
        }
    }

    /// Adds one token of topic `t` to document `d`.
    pub(super) fn add(&mut self, d: usize, t: usize, tb: u32) {
        match self {
            DocCounts::Lists(l) => l.add(d, t, tb),
            DocCounts::Rows { stride, counts } => counts[d * *stride + t] += 1,
        }
    }

    /// Calls `f(topic, count)` for every topic with tokens in document `d`.
    #[inline]
    pub(super) fn for_each(&self, d: usize, tb: u32, f: impl FnMut(usize, u32)) {
        match self {
            DocCounts::Lists(l) => l.for_each(d, tb, f),
            DocCounts::Rows { stride, counts } => {
                for_each_nonzero(&counts[d * stride..(d + 1) * stride], f)
            }
        }
    }

    /// Writes document `d`'s count of every topic into `out` (`k` cells,
    /// zero where the document has none of a topic).
    pub(super) fn write_row(&self, d: usize, tb: u32, out: &mut [u32]) {
        match self {
            DocCounts::Lists(l) => {
                out.fill(0);
                l.for_each(d, tb, |t, n| out[t] = n);
            }
            DocCounts::Rows { stride, counts } => {
                let row = &counts[d * stride..d * stride + out.len()];
                for (o, &n) in out.iter_mut().zip(row) {
                    *o = n as u32;
                }
            }
        }
    }

    /// Cuts the counts into the document groups `bounds` describes.
    pub(super) fn split(&mut self, bounds: &[usize]) -> Vec<BlockDocs<'_>> {
        let groups = bounds.len() - 1;
        let mut out = Vec::with_capacity(groups);
        match self {
            DocCounts::Lists(l) => l.split(bounds, &mut out),
            DocCounts::Rows { stride, counts } => {
                let mut rest = &mut counts[..];
                for i in 0..groups {
                    let (group, tail) = rest.split_at_mut((bounds[i + 1] - bounds[i]) * *stride);
                    rest = tail;
                    out.push(BlockDocs::Rows(group));
                }
            }
        }
        out
    }
}
