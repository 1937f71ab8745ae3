//! Delimited (CSV/TSV) helpers shared by every reader of tables: a strict
//! reader, errors that name the line, header lookup.

use std::path::Path;

use crate::error::{Error, Result};

/// A strict (rectangular) CSV reader over `text` and its header, trimmed.
pub fn delimited_reader<'a>(
    text: &'a str,
    delimiter: u8,
    path: &Path,
) -> Result<(csv::Reader<&'a [u8]>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(path, text, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((reader, header))
}

/// A CSV reader error as [`Error::Csv`], with the line counted from the
/// error's byte offset and ragged rows said plainly.
pub fn csv_error(path: &Path, text: &str, e: csv::Error) -> Error {
    let line = LineCounter::new(text).line_of(e.position());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields as in the header, found {len}")
        }
        _ => e.to_string(),
    };
    Error::Csv {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The index of column `name` in `header`; a missing column lists the
/// header, a duplicated one is refused (which of the two was meant?).
pub fn find_column(header: &[String], name: &str, path: &Path) -> Result<usize> {
    let mut matches = header
        .iter()
        .enumerate()
        .filter(|(_, h)| *h == name)
        .map(|(i, _)| i);
    let first = matches.next().ok_or_else(|| Error::MissingColumn {
        path: path.to_path_buf(),
        column: name.to_string(),
        available: header.to_vec(),
    })?;
    if let Some(second) = matches.next() {
        return Err(Error::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: format!(
                "column '{name}' appears twice in the header (columns {} and {})",
                first + 1,
                second + 1
            ),
        });
    }
    Ok(first)
}

/// Line numbers of CSV records, counted from their byte offsets.
///
/// The `csv` crate's own line numbers drift by one on CRLF files — exactly
/// the Excel exports analysts bring — so lines are counted here, in one pass
/// when offsets come in increasing order.
#[derive(Debug)]
pub struct LineCounter<'a> {
    bytes: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Counts lines of `text` from the start.
    pub fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            bytes: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.bytes.len());
        if offset < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.byte..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = offset;
        self.line
    }

    /// The line of a CSV record or error position (1 when unknown). On
    /// CRLF files the reader reports a record as starting at the `\n` of
    /// the previous line's terminator; records never start with a line
    /// terminator, so those bytes are skipped.
    pub fn line_of(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(p) = position else { return 1 };
        let mut offset = p.byte() as usize;
        while matches!(self.bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        self.line_at(offset as u64)
    }
}

/// The 1-based line where a quoted field opens that the file never closes,
/// if any (the CSV reader would otherwise swallow the rest of the file into
/// one field).
pub(super) fn unterminated_quote_line(text: &str, delimiter: u8) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut line = 1u64;
    let mut opened_at = None;
    let mut at_field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match opened_at {
            Some(_) if b == b'"' => {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    opened_at = None;
                }
            }
            Some(_) => {}
            None if b == b'"' && at_field_start => opened_at = Some(line),
            None => {}
        }
        if b == b'\n' {
            line += 1;
        }
        at_field_start = opened_at.is_none() && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    opened_at
}
