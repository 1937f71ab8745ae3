//! Reading answers files and writing outputs safely.
//!
//! Input: a `.txt` file with one answer per line (id = 1-based line number),
//! a `.csv`/`.tsv` file with a header, or `-` for standard input. UTF-8 with
//! or without a byte-order mark; invalid bytes are reported with their line
//! and byte offset.
//!
//! Output: every file is written to a temporary file in the same directory,
//! synced, then renamed over the target, so an interrupted run never leaves
//! a half-written model or report behind.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One open-ended answer with the id that links it back to its respondent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub id: String,
    pub text: String,
}

/// Answers longer than this are refused: a single line this long is almost
/// always a file that is not one answer per line (a binary or minified
/// export), and tokenizing it would only hide the mistake.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// How to read an answers file.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Character encoding label (`utf-8` when absent; `cp949`, `euc-kr`,
    /// `utf-16le`, … as the WHATWG Encoding Standard names them).
    pub encoding: Option<String>,
    /// CSV/TSV column holding the answer text (default: `text`, or the only
    /// column when there is just one).
    pub text_column: Option<String>,
    /// CSV/TSV column holding the answer id (default: 1-based data row).
    pub id_column: Option<String>,
}

/// The layout of an input, decided from its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One answer per line.
    Lines,
    /// Delimited with a header row.
    Delimited(u8),
}

impl InputFormat {
    /// `.csv` → comma, `.tsv`/`.tab` → tab, anything else (and stdin) → lines.
    pub fn from_path(path: &Path) -> InputFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => InputFormat::Delimited(b','),
            Some("tsv") | Some("tab") => InputFormat::Delimited(b'\t'),
            _ => InputFormat::Lines,
        }
    }
}

/// Displays `-` as `<stdin>` in messages.
pub fn display_path(path: &Path) -> PathBuf {
    if path == Path::new("-") {
        PathBuf::from("<stdin>")
    } else {
        path.to_path_buf()
    }
}

/// Reads a whole input (file or `-`) as UTF-8 text, without a BOM.
pub fn read_text(path: &Path) -> Result<String> {
    read_text_in(path, None)
}

/// Reads a whole input in the named encoding (UTF-8 when `None`), and
/// refuses NUL bytes, which never occur in text.
pub fn read_text_in(path: &Path, encoding: Option<&str>) -> Result<String> {
    let shown = display_path(path);
    let bytes = read_bytes(path)?;
    let text = match encoding {
        None => decode_utf8(bytes, &shown)?,
        Some(label) => decode_legacy(&bytes, label, &shown)?,
    };
    if let Some(offset) = text.find('\0') {
        return Err(Error::NulByte {
            path: shown,
            line: line_of(text.as_bytes(), offset),
        });
    }
    Ok(text)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let shown = display_path(path);
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&shown, e))?;
    } else {
        if path.is_dir() {
            return Err(Error::IsDirectory { path: shown });
        }
        bytes = std::fs::read(path).map_err(|e| Error::io(&shown, e))?;
    }
    Ok(bytes)
}

/// 1-based line number of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Decodes with an `encoding_rs` encoding named by `label`; a BOM, if
/// present, wins over the label (as browsers do).
fn decode_legacy(bytes: &[u8], label: &str, path: &Path) -> Result<String> {
    // Windows calls its Korean code page cp949 / ms949 / uhc; the WHATWG
    // standard files it under windows-949 (= EUC-KR extended).
    let normalized = match label.trim().to_ascii_lowercase().as_str() {
        "cp949" | "ms949" | "uhc" => "windows-949".to_string(),
        other => other.to_string(),
    };
    let encoding = encoding_rs::Encoding::for_label(normalized.as_bytes()).ok_or_else(|| {
        Error::param(
            "--encoding",
            format!("unknown encoding '{label}'; for example utf-8, cp949, euc-kr, utf-16le, utf-16be"),
        )
    })?;
    let (text, used, had_errors) = encoding.decode(bytes);
    if had_errors {
        let line = text.find('\u{FFFD}').map(|o| line_of(text.as_bytes(), o)).unwrap_or(1);
        return Err(Error::Decode {
            path: path.to_path_buf(),
            line,
            encoding: used.name().to_string(),
        });
    }
    Ok(text.into_owned())
}

/// Strips a UTF-8 BOM and validates, naming the line and byte of the first
/// invalid sequence.
pub fn decode_utf8(mut bytes: Vec<u8>, path: &Path) -> Result<String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let offset = e.utf8_error().valid_up_to();
            let line = line_of(bytes, offset);
            Err(Error::InvalidUtf8 {
                path: path.to_path_buf(),
                line,
                byte_offset: offset as u64,
                hint: encoding_hint(bytes, offset),
            })
        }
    }
}

/// Guesses a legacy encoding for a helpful message.
fn encoding_hint(bytes: &[u8], offset: usize) -> String {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return "; the file starts with a UTF-16 byte-order mark: pass --encoding utf-16 or save it as UTF-8".into();
    }
    if looks_like_cp949(&bytes[offset..]) {
        return "; it looks like CP949/EUC-KR (a Korean Excel export): pass --encoding cp949 or save it as UTF-8".into();
    }
    String::new()
}

/// Whether the bytes from the first invalid one on decode cleanly as
/// CP949 (windows-949) into mostly Hangul: a binary file does not.
fn looks_like_cp949(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let (text, _, had_errors) = encoding_rs::EUC_KR.decode(sample);
    if had_errors && sample.len() == bytes.len() {
        return false;
    }
    let non_ascii: Vec<char> = text.chars().filter(|c| !c.is_ascii() && *c != '\u{FFFD}').collect();
    let hangul = non_ascii.iter().filter(|&&c| ('\u{AC00}'..='\u{D7A3}').contains(&c)).count();
    !non_ascii.is_empty() && hangul * 2 >= non_ascii.len() && !text.contains('\u{FFFD}')
}

/// Reads answers from `path` in the layout its extension says.
pub fn read_answers(path: &Path, options: &InputOptions) -> Result<Vec<Answer>> {
    let text = read_text_in(path, options.encoding.as_deref())?;
    parse_answers(&text, path, options)
}

/// Parses already-read text as answers in the layout `path`'s extension
/// says, refusing answers over [`MAX_ANSWER_BYTES`].
pub fn parse_answers(text: &str, path: &Path, options: &InputOptions) -> Result<Vec<Answer>> {
    let shown = display_path(path);
    let answers = match InputFormat::from_path(path) {
        InputFormat::Lines => answers_from_lines(text),
        InputFormat::Delimited(delimiter) => answers_from_delimited(text, delimiter, options, &shown)?,
    };
    if let Some(pos) = answers.iter().position(|a| a.text.len() > MAX_ANSWER_BYTES) {
        return Err(Error::AnswerTooLong {
            path: shown,
            id: answers[pos].id.clone(),
            bytes: answers[pos].text.len(),
        });
    }
    Ok(answers)
}

/// One answer per line; the id is the 1-based line number. A trailing
/// carriage return (CRLF files) is removed.
pub fn answers_from_lines(text: &str) -> Vec<Answer> {
    text.lines()
        .enumerate()
        .map(|(i, line)| Answer {
            id: (i + 1).to_string(),
            text: line.trim_end_matches('\r').to_string(),
        })
        .collect()
}

fn answers_from_delimited(
    text: &str,
    delimiter: u8,
    options: &InputOptions,
    path: &Path,
) -> Result<Vec<Answer>> {
    let (mut reader, header) = delimited_reader(text, delimiter, path)?;
    let csv_error = |e: csv::Error| csv_error(path, text, e);
    if let Some(line) = unterminated_quote_line(text, delimiter) {
        return Err(Error::Csv {
            path: path.to_path_buf(),
            line,
            message: "a quoted field opened here is never closed (unbalanced \")".into(),
        });
    }
    let find = |name: &str| find_column(&header, name, path);
    let text_index = match &options.text_column {
        Some(name) => find(name)?,
        None if header.len() == 1 => 0,
        None => find("text")?,
    };
    let id_index = options.id_column.as_deref().map(find).transpose()?;
    let mut answers = Vec::new();
    let mut first_line_of_id: std::collections::HashMap<String, u64> = Default::default();
    let mut lines = LineCounter::new(text);
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let line = lines.line_of(record.position());
        let id = match id_index {
            Some(i) => record.get(i).unwrap_or("").trim().to_string(),
            None => (row + 1).to_string(),
        };
        if id_index.is_some() {
            if id.is_empty() {
                return Err(Error::Csv {
                    path: path.to_path_buf(),
                    line,
                    message: "the answer id is empty".into(),
                });
            }
            if let Some(first) = first_line_of_id.insert(id.clone(), line) {
                return Err(Error::Csv {
                    path: path.to_path_buf(),
                    line,
                    message: format!("answer id '{id}' already appeared on line {first}: ids must be unique to link answers to respondents"),
                });
            }
        }
        answers.push(Answer {
            id,
            text: record.get(text_index).unwrap_or("").to_string(),
        });
    }
    Ok(answers)
}

/// A strict (rectangular) CSV reader over `text` and its header, trimmed.
pub fn delimited_reader<'a>(text: &'a str, delimiter: u8, path: &Path) -> Result<(csv::Reader<&'a [u8]>, Vec<String>)> {
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
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
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
    let mut matches = header.iter().enumerate().filter(|(_, h)| *h == name).map(|(i, _)| i);
    let first = matches.next().ok_or_else(|| Error::MissingColumn {
        path: path.to_path_buf(),
        column: name.to_string(),
        available: header.to_vec(),
    })?;
    if let Some(second) = matches.next() {
        return Err(Error::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: format!("column '{name}' appears twice in the header (columns {} and {})", first + 1, second + 1),
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
    pub fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter { bytes: text.as_bytes(), byte: 0, line: 1 }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.bytes.len());
        if offset < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.byte..offset].iter().filter(|&&b| b == b'\n').count() as u64;
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
fn unterminated_quote_line(text: &str, delimiter: u8) -> Option<u64> {
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

/// Writes `path` atomically: the bytes go to a temporary file in the same
/// directory, are synced to disk, and the file is renamed over `path`.
/// If `write` fails or the process dies, the previous `path` is untouched.
///
/// A target that exists but is not a regular file (`/dev/null`, a FIFO, a
/// terminal) is written to directly: renaming over it would replace the
/// device with a plain file.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            return write_in_place(path, write);
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            ),
        });
    }
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".topics-").suffix(".tmp");
    if let Some(permissions) = output_permissions(path) {
        builder.permissions(permissions);
    }
    // tempfile's own message repeats the path; say it once, plainly.
    let mut tmp = builder.tempfile_in(&dir).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(e.kind(), format!("cannot create a file in {}: {}", dir.display(), e.kind())),
    })?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered).map_err(io_err)?;
        buffered.flush().map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

fn write_in_place<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::OpenOptions::new().write(true).open(path).map_err(io_err)?;
    let mut buffered = std::io::BufWriter::new(file);
    write(&mut buffered).map_err(io_err)?;
    buffered.flush().map_err(io_err)
}

/// A replaced file keeps its permissions; a new one is readable by all
/// (a temporary file would otherwise leave the output private, 0600).
fn output_permissions(path: &Path) -> Option<std::fs::Permissions> {
    if let Ok(meta) = std::fs::metadata(path) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_ids_and_strip_cr() {
        let a = answers_from_lines("first\r\n\r\nthird");
        assert_eq!(a.len(), 3);
        assert_eq!(a[1], Answer { id: "2".into(), text: "".into() });
        assert_eq!(a[2].text, "third");
        assert_eq!(a[0].text, "first");
    }

    #[test]
    fn bom_is_removed() {
        let s = decode_utf8(b"\xEF\xBB\xBFhello".to_vec(), Path::new("x")).unwrap();
        assert_eq!(s, "hello");
    }

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let err = decode_utf8(b"ok\nfine\nbad \xFF here".to_vec(), Path::new("a.txt"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.txt: line 3: invalid UTF-8 at byte 12 of the file"
        );
    }

    #[test]
    fn cp949_gets_a_hint() {
        // "가" in CP949 is B0 A1.
        let err = decode_utf8(b"\xB0\xA1\n".to_vec(), Path::new("k.txt")).unwrap_err();
        assert!(err.to_string().ends_with("looks like CP949/EUC-KR (a Korean Excel export): pass --encoding cp949 or save it as UTF-8"), "{err}");
    }

    #[test]
    fn cp949_and_utf16_decode_when_named() {
        let dir = tempfile::tempdir().unwrap();
        let cp949 = dir.path().join("k.txt");
        // "가족" in CP949, then a newline and "ok".
        std::fs::write(&cp949, b"\xB0\xA1\xC1\xB7\nok\n").unwrap();
        assert_eq!(read_text_in(&cp949, Some("cp949")).unwrap(), "가족\nok\n");
        let utf16 = dir.path().join("u.txt");
        std::fs::write(&utf16, b"\xFF\xFEh\x00i\x00").unwrap();
        assert_eq!(read_text_in(&utf16, Some("utf-16le")).unwrap(), "hi");
        let err = read_text_in(&utf16, Some("klingon")).unwrap_err();
        assert_eq!(err.to_string(), "invalid --encoding: unknown encoding 'klingon'; for example utf-8, cp949, euc-kr, utf-16le, utf-16be");
    }

    #[test]
    fn nul_bytes_are_refused_with_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.txt");
        std::fs::write(&p, b"a\nb\x00c\n").unwrap();
        let err = read_text_in(&p, None).unwrap_err();
        assert_eq!(err.to_string(), format!("{}: line 2: contains a NUL byte: this looks like a binary file, not text", p.display()));
    }

    #[test]
    fn overlong_answer_is_refused() {
        let text = format!("short\n{}\n", "x".repeat(MAX_ANSWER_BYTES + 1));
        let err = parse_answers(&text, Path::new("big.txt"), &InputOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), "big.txt: answer 2 is 1048577 bytes long; answers over 1048576 bytes are refused (is this one answer per line?)");
    }

    #[test]
    fn csv_missing_column_lists_header() {
        let err = answers_from_delimited(
            "id,answer\n1,hi\n",
            b',',
            &InputOptions::default(),
            Path::new("s.csv"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.csv: column 'text' not found; the header has: id, answer"
        );
    }

    #[test]
    fn csv_reads_named_columns() {
        let opts = InputOptions {
            encoding: None,
            text_column: Some("answer".into()),
            id_column: Some("id".into()),
        };
        let a = answers_from_delimited("id,answer\nr7,\"hi, there\"\n", b',', &opts, Path::new("s.csv"))
            .unwrap();
        assert_eq!(a, vec![Answer { id: "r7".into(), text: "hi, there".into() }]);
    }

    #[test]
    fn unbalanced_quote_names_its_line() {
        let err = answers_from_delimited("id,text\n1,\"fine, \"\"quoted\"\"\"\n2,\"never closed\n3,x\n", b',', &InputOptions::default(), Path::new("q.csv"))
            .unwrap_err();
        assert_eq!(err.to_string(), "q.csv: line 3: a quoted field opened here is never closed (unbalanced \")");
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\ny\"\n", b','), None);
    }

    #[test]
    fn duplicate_ids_and_columns_are_refused() {
        let opts = InputOptions { id_column: Some("id".into()), ..Default::default() };
        let err = answers_from_delimited("id,text\nr1,a\nr2,b\nr1,c\n", b',', &opts, Path::new("d.csv")).unwrap_err();
        assert_eq!(err.to_string(), "d.csv: line 4: answer id 'r1' already appeared on line 2: ids must be unique to link answers to respondents");
        let err = answers_from_delimited("text,id,text\na,1,b\n", b',', &opts, Path::new("d.csv")).unwrap_err();
        assert_eq!(err.to_string(), "d.csv: line 1: column 'text' appears twice in the header (columns 1 and 3)");
    }

    #[test]
    fn crlf_csv_lines_are_counted_right() {
        let err = answers_from_delimited("id,text\r\n1,a\r\n2,b,c\r\n", b',', &InputOptions::default(), Path::new("w.csv"))
            .unwrap_err();
        assert_eq!(err.to_string(), "w.csv: line 3: expected 2 fields as in the header, found 3");
        let mut lines = LineCounter::new("a\r\nb\r\nc");
        assert_eq!((lines.line_at(0), lines.line_at(3), lines.line_at(6), lines.line_at(1)), (1, 2, 3, 1));
    }

    #[test]
    fn ragged_csv_names_line() {
        let err = answers_from_delimited("id,text\n1,a\n2,b,c\n", b',', &InputOptions::default(), Path::new("r.csv"))
            .unwrap_err();
        assert_eq!(err.to_string(), "r.csv: line 3: expected 2 fields as in the header, found 3");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"discarded")).unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "/dev/null is still a device");
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let failed = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let fresh = dir.path().join("fresh.txt");
            write_atomic(&fresh, |w| w.write_all(b"x")).unwrap();
            assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o644);
            std::fs::remove_file(&fresh).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
