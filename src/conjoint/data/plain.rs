//! The plain CSV of most conjoint exports: no quotes, one record per line.
//! Such a file needs no CSV state machine: each line is split at the
//! delimiter in place, without copying a cell. Anything this reader is not
//! sure to read as the `csv` crate would (a quote, a byte-order mark, a
//! lone `\r`, an empty line, a line with the wrong number of fields) is
//! left to the crate, so the data and the messages never depend on which
//! path read the file.

/// The records of a plain CSV text, line by line.
pub(super) struct Lines<'t> {
    rest: &'t str,
    line: u64,
    delimiter: u8,
    /// Whether the text holds a `\r` at all (else no line is checked).
    has_cr: bool,
    cells: Vec<&'t str>,
}

impl<'t> Lines<'t> {
    /// A reader of `text`, or `None` when the text needs the `csv` crate
    /// from the start (a quote or a byte-order mark).
    pub(super) fn new(text: &'t str, delimiter: u8) -> Option<Lines<'t>> {
        if text.contains('"') || text.starts_with('\u{feff}') || !delimiter.is_ascii() {
            return None;
        }
        Some(Lines::part(text, delimiter, text.contains('\r'), 0))
    }

    /// A reader of a piece of a text that [`Lines::new`] accepted, cut at a
    /// line end, whose first line is line `first + 1`.
    pub(super) fn part(text: &'t str, delimiter: u8, has_cr: bool, first: u64) -> Lines<'t> {
        Lines {
            rest: text,
            line: first,
            delimiter,
            has_cr,
            cells: Vec::new(),
        }
    }

    /// The text not read yet, and whether it may hold a `\r`.
    pub(super) fn rest(&self) -> (&'t str, bool) {
        (self.rest, self.has_cr)
    }

    /// Lines read so far.
    pub(super) fn lines_read(&self) -> u64 {
        self.line
    }

    /// The first record (the header) and its line, or `None` when the text
    /// is empty or its first line is not plain.
    pub(super) fn next_record(&mut self) -> Option<(u64, &[&'t str])> {
        self.next_record_of(usize::MAX).flatten()
    }

    /// The next record with exactly `fields` cells (any count when
    /// `usize::MAX`) and its 1-based line: `None` at the end of the text,
    /// `Some(None)` when the line is not plain or has another count.
    pub(super) fn next_record_of(&mut self, fields: usize) -> Option<Option<(u64, &[&'t str])>> {
        if self.rest.is_empty() {
            return None;
        }
        // One pass over the line's bytes finds its end and its cells
        // (cells are short: a search call per cell costs more than it
        // saves); delimiter and newline are ASCII, so every cut is at a
        // character boundary.
        self.cells.clear();
        let text = self.rest;
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut end = bytes.len();
        for (i, &b) in bytes.iter().enumerate() {
            if b == self.delimiter {
                self.cells.push(&text[start..i]);
                start = i + 1;
            } else if b == b'\n' {
                end = i;
                break;
            }
        }
        self.rest = text.get(end + 1..).unwrap_or("");
        self.line += 1;
        let mut last = &text[start..end];
        if self.has_cr {
            last = last.strip_suffix('\r').unwrap_or(last);
            if last.contains('\r') || self.cells.iter().any(|c| c.contains('\r')) {
                return Some(None);
            }
        }
        if self.cells.is_empty() && last.is_empty() {
            return Some(None);
        }
        self.cells.push(last);
        if fields != usize::MAX && self.cells.len() != fields {
            return Some(None);
        }
        Some(Some((self.line, &self.cells)))
    }
}

/// `text` cut into pieces of about `size` bytes, each ending at a line
/// end (the last one at the end of the text). The cuts depend only on the
/// text, never on the number of threads.
pub(super) fn pieces(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > size {
        match rest.as_bytes()[size..].iter().position(|&b| b == b'\n') {
            Some(at) => {
                let (piece, tail) = rest.split_at(size + at + 1);
                out.push(piece);
                rest = tail;
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}
