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
    delimiter: char,
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
        Some(Lines {
            rest: text,
            line: 0,
            delimiter: char::from(delimiter),
            has_cr: text.contains('\r'),
            cells: Vec::new(),
        })
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
        let (mut line, rest) = match self.rest.find('\n') {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        self.line += 1;
        if self.has_cr {
            line = line.strip_suffix('\r').unwrap_or(line);
            if line.contains('\r') {
                return Some(None);
            }
        }
        if line.is_empty() {
            return Some(None);
        }
        self.cells.clear();
        self.cells.extend(line.split(self.delimiter));
        if fields != usize::MAX && self.cells.len() != fields {
            return Some(None);
        }
        Some(Some((self.line, &self.cells)))
    }
}
