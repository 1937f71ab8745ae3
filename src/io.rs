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
    /// The respondent's id (the id column, or the 1-based line number).
    pub id: String,
    /// The answer as written.
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
            format!(
                "unknown encoding '{label}'; for example utf-8, cp949, euc-kr, utf-16le, utf-16be"
            ),
        )
    })?;
    let (text, used, had_errors) = encoding.decode(bytes);
    if had_errors {
        let line = text
            .find('\u{FFFD}')
            .map(|o| line_of(text.as_bytes(), o))
            .unwrap_or(1);
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
    let non_ascii: Vec<char> = text
        .chars()
        .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
        .collect();
    let hangul = non_ascii
        .iter()
        .filter(|&&c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        .count();
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
        InputFormat::Delimited(delimiter) => {
            answers_from_delimited(text, delimiter, options, &shown)?
        }
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

/// Refuses, before anything is read or written, a run whose output file is
/// one of its input files (`topics fit a.txt -o a.txt` would replace the
/// answers with the model; `topics report m.json -o m.json` the model with
/// HTML). `None` entries are flags not given; `-` (standard input) and
/// paths that do not exist yet are never the same file as anything.
///
/// "The same file" is decided by identity, not by name: on Unix the device
/// and inode (so `./a.txt`, `../dir/a.txt`, a symlink or a hard link to the
/// input are all caught), elsewhere the canonical paths.
pub fn refuse_overwriting_inputs(
    outputs: &[Option<&Path>],
    inputs: &[Option<&Path>],
) -> Result<()> {
    let inputs: Vec<(&Path, FileIdentity)> = inputs
        .iter()
        .flatten()
        .filter_map(|&p| FileIdentity::of(p).map(|id| (p, id)))
        .collect();
    for &output in outputs.iter().flatten() {
        let Some(id) = FileIdentity::of(output) else {
            continue;
        };
        if let Some(&(input, _)) = inputs.iter().find(|(_, other)| *other == id) {
            return Err(Error::OutputIsInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileIdentity {
    /// The identity of the regular file `path` names (following symlinks);
    /// `None` for `-`, for devices and pipes (`/dev/null` is written in
    /// place, never replaced) and for a path that does not exist or cannot
    /// be inspected (reading or writing it reports that in its own words).
    fn of(path: &Path) -> Option<FileIdentity> {
        if path == Path::new("-") {
            return None;
        }
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileIdentity {
                dev_ino: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(FileIdentity {
                canonical: std::fs::canonicalize(path).ok()?,
            })
        }
    }
}

/// Writes standard output, naming it in the error: a full disk or
/// `> /dev/full` is an I/O error (exit 4) like any other file. A closed
/// pipe keeps its `BrokenPipe` source, which the binary treats as success.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            path: PathBuf::from("<stdout>"),
            source,
        })
}

/// Writes `path` atomically: the bytes go to a temporary file in the same
/// directory, are synced to disk, and the file is renamed over `path`.
/// If `write` fails or the process dies, the previous `path` is untouched.
///
/// - A symlink is written through: the temporary file is made beside the
///   file the link (or chain of links) finally names and renamed onto it,
///   so the link stays a link and its target gets the new content.
/// - A target that exists but is not a regular file (`/dev/null`, a FIFO,
///   a terminal) is written to directly: renaming over it would replace
///   the device with a plain file.
/// - No temporary file outlives the process: while open it is registered,
///   and SIGINT, SIGTERM or SIGHUP remove it before the process exits with
///   128 + the signal (130, 143, 129). Temporary files that an earlier,
///   killed process left in the same directory are removed first (see
///   [`sweep_stale_temporaries`]).
///
/// For tests only: `TOPICS_TEST_WRITE_DELAY_MS` (milliseconds) holds every
/// write open that long after its bytes are written, so that a test can
/// interrupt a write for certain. Not for any other use.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    // Before resolving links: `/dev/stdout` names a pipe through a link
    // whose text (`pipe:[…]`) is no path.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            return write_in_place(path, write);
        }
    }
    let target = resolve_symlinks(path)?;
    let dir = match target.parent() {
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
    sweep_stale_temporaries(&dir);
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut tmp =
        temporaries::create(&dir, output_permissions(&target)).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            // tempfile's own message repeats the path; say it once, plainly.
            source: std::io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ),
        })?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.file.as_file_mut());
        write(&mut buffered).map_err(io_err)?;
        buffered.flush().map_err(io_err)?;
    }
    test_write_delay();
    tmp.file.as_file().sync_all().map_err(io_err)?;
    tmp.persist(&target).map_err(io_err)
}

/// The file that writing `path` lands in: `path` itself, or the end of its
/// chain of symlinks (which need not exist yet: a dangling link is
/// written through too, creating its target).
fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As the kernel's ELOOP: a longer chain is taken to be a loop.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|e| Error::io(path, e))?;
                // A relative target is relative to the link's directory;
                // `join` keeps an absolute one as it is.
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// The test-only pause of [`write_atomic`] (see there).
fn test_write_delay() {
    if let Some(ms) = std::env::var("TOPICS_TEST_WRITE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// The prefix of every temporary file `topics` makes; followed by the
/// writing process's id, a dash, random characters, and [`TEMP_SUFFIX`].
const TEMP_PREFIX: &str = ".topics-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file older than this is stale whoever made it: a write
/// keeps its file's modification time fresh, and none takes an hour.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files of ours in `dir` that are provably stale:
/// named `.topics-<pid>-….tmp` by a process that is no longer running, or
/// (whatever the name, as older versions wrote `.topics-XXXXXX.tmp`) not
/// modified for an hour. Anything else — other names, directories, the
/// files of running processes — is left alone. Failures are ignored: this
/// is housekeeping, not part of the write.
pub fn sweep_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        let orphaned = temp_file_pid(name)
            .is_some_and(|pid| pid != std::process::id() && !process_is_running(pid));
        if old || orphaned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name `.topics-<pid>-….tmp`.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let (pid, _) = rest.split_once('-')?;
    pid.parse().ok()
}

/// Whether process `pid` exists (signal 0 checks without sending; EPERM
/// means it exists but belongs to someone else). Where that cannot be
/// asked, every process is taken to be running, so only age makes a
/// temporary file stale.
fn process_is_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: kill with signal 0 sends nothing; it only checks.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Temporary files registered while open, removed if a signal ends the
/// process before they are renamed into place.
mod temporaries {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard, Once};

    /// The paths of the temporary files open now.
    static OPEN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    fn open_files() -> MutexGuard<'static, Vec<PathBuf>> {
        OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A registered temporary file: deleted by `tempfile` and unregistered
    /// when dropped, unless persisted.
    pub(super) struct Temporary {
        pub(super) file: tempfile::NamedTempFile,
        registration: Registration,
    }

    /// Unregisters its path when dropped.
    struct Registration(PathBuf);

    /// Creates `.topics-<pid>-XXXXXX.tmp` in `dir` and registers it, after
    /// making sure the signal handler that removes it is installed.
    pub(super) fn create(
        dir: &Path,
        permissions: Option<std::fs::Permissions>,
    ) -> std::io::Result<Temporary> {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(super::signals::install);
        let prefix = format!("{}{}-", super::TEMP_PREFIX, std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(super::TEMP_SUFFIX);
        if let Some(permissions) = permissions {
            builder.permissions(permissions);
        }
        // Registered under the lock that the signal cleanup holds, so a
        // file is either created and registered or not created at all.
        let mut open = open_files();
        let file = builder.tempfile_in(dir)?;
        open.push(file.path().to_path_buf());
        let registration = Registration(file.path().to_path_buf());
        Ok(Temporary { file, registration })
    }

    impl Temporary {
        /// Renames the file onto `target`; it is then no longer ours.
        pub(super) fn persist(self, target: &Path) -> std::io::Result<()> {
            let Temporary { file, registration } = self;
            let result = file.persist(target).map(drop).map_err(|e| e.error);
            drop(registration);
            result
        }
    }

    impl Drop for Registration {
        fn drop(&mut self) {
            unregister(&self.0);
        }
    }

    fn unregister(path: &Path) {
        let mut open = open_files();
        if let Some(i) = open.iter().position(|p| p == path) {
            open.swap_remove(i);
        }
    }

    /// Removes every registered file and leaves the lock held, so that no
    /// new one appears before the process exits.
    pub(super) fn remove_all_and_hold() -> MutexGuard<'static, Vec<PathBuf>> {
        let open = open_files();
        for path in open.iter() {
            let _ = std::fs::remove_file(path);
        }
        open
    }
}

/// SIGINT, SIGTERM and SIGHUP while a temporary file is open: remove it,
/// then exit 128 + the signal as a shell would report it.
///
/// The handler itself only writes the signal number into a pipe (the one
/// thing a signal handler may safely do); a watcher thread reads it, takes
/// the registry lock, removes the files and exits. Written on `libc`,
/// already in the dependency tree, instead of adding `signal-hook`. Only a
/// signal left at its default (dying) is taken over: one that was ignored
/// (`nohup`, a background job) stays ignored, and one that other code of
/// the process handles (a server's graceful shutdown) stays theirs; their
/// leftovers are swept by the next write instead.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The pipe's write end, for the handler.
    static PIPE: AtomicI32 = AtomicI32::new(-1);

    extern "C" fn on_signal(signal: libc::c_int) {
        let fd = PIPE.load(Ordering::Relaxed);
        let byte = signal as u8;
        // SAFETY: write(2) is async-signal-safe; the byte outlives the call.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }

    /// Installs the handlers and starts the watcher; on any failure leaves
    /// the default behavior (the process dies, as before).
    pub(super) fn install() {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return;
        }
        let [read_end, write_end] = fds;
        // SAFETY: plain fcntl(2) calls on descriptors we own.
        unsafe {
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            // A full pipe must not block the handler (one byte suffices).
            libc::fcntl(write_end, libc::F_SETFL, libc::O_NONBLOCK);
        }
        PIPE.store(write_end, Ordering::Relaxed);
        let watcher = std::thread::Builder::new()
            .name("topics-signals".into())
            .spawn(move || watch(read_end));
        if watcher.is_err() {
            return;
        }
        for signal in SIGNALS {
            handle(signal);
        }
    }

    /// Points `signal` at [`on_signal`] if it was at its default.
    fn handle(signal: libc::c_int) {
        // SAFETY: sigaction(2) with zero-initialized, then filled, structs.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, &action, &mut previous) == 0
                && previous.sa_sigaction != libc::SIG_DFL
            {
                libc::sigaction(signal, &previous, std::ptr::null_mut());
            }
        }
    }

    /// Waits for a signal number from the pipe, cleans up and exits.
    fn watch(read_end: libc::c_int) {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads one byte into `byte`.
            let n = unsafe { libc::read(read_end, (&mut byte as *mut u8).cast(), 1) };
            if n == 1 {
                break;
            }
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        let _held = super::temporaries::remove_all_and_hold();
        std::process::exit(128 + byte as i32);
    }
}

#[cfg(not(unix))]
mod signals {
    /// No handler: the temporary files of a killed process are swept by
    /// age on the next write into their directory.
    pub(super) fn install() {}
}

fn write_in_place<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_err)?;
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
        assert_eq!(
            a[1],
            Answer {
                id: "2".into(),
                text: "".into()
            }
        );
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
        let err = decode_utf8(b"ok\nfine\nbad \xFF here".to_vec(), Path::new("a.txt")).unwrap_err();
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
        assert_eq!(
            err.to_string(),
            format!(
                "{}: line 2: contains a NUL byte: this looks like a binary file, not text",
                p.display()
            )
        );
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
        let a = answers_from_delimited(
            "id,answer\nr7,\"hi, there\"\n",
            b',',
            &opts,
            Path::new("s.csv"),
        )
        .unwrap();
        assert_eq!(
            a,
            vec![Answer {
                id: "r7".into(),
                text: "hi, there".into()
            }]
        );
    }

    #[test]
    fn unbalanced_quote_names_its_line() {
        let err = answers_from_delimited(
            "id,text\n1,\"fine, \"\"quoted\"\"\"\n2,\"never closed\n3,x\n",
            b',',
            &InputOptions::default(),
            Path::new("q.csv"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "q.csv: line 3: a quoted field opened here is never closed (unbalanced \")"
        );
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\ny\"\n", b','), None);
    }

    #[test]
    fn duplicate_ids_and_columns_are_refused() {
        let opts = InputOptions {
            id_column: Some("id".into()),
            ..Default::default()
        };
        let err = answers_from_delimited(
            "id,text\nr1,a\nr2,b\nr1,c\n",
            b',',
            &opts,
            Path::new("d.csv"),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "d.csv: line 4: answer id 'r1' already appeared on line 2: ids must be unique to link answers to respondents");
        let err = answers_from_delimited("text,id,text\na,1,b\n", b',', &opts, Path::new("d.csv"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: line 1: column 'text' appears twice in the header (columns 1 and 3)"
        );
    }

    #[test]
    fn crlf_csv_lines_are_counted_right() {
        let err = answers_from_delimited(
            "id,text\r\n1,a\r\n2,b,c\r\n",
            b',',
            &InputOptions::default(),
            Path::new("w.csv"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "w.csv: line 3: expected 2 fields as in the header, found 3"
        );
        let mut lines = LineCounter::new("a\r\nb\r\nc");
        assert_eq!(
            (
                lines.line_at(0),
                lines.line_at(3),
                lines.line_at(6),
                lines.line_at(1)
            ),
            (1, 2, 3, 1)
        );
    }

    #[test]
    fn ragged_csv_names_line() {
        let err = answers_from_delimited(
            "id,text\n1,a\n2,b,c\n",
            b',',
            &InputOptions::default(),
            Path::new("r.csv"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.csv: line 3: expected 2 fields as in the header, found 3"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"discarded")).unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );
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
            assert_eq!(
                std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
                0o644
            );
            std::fs::remove_file(&fresh).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn same_file_check_ignores_absent_paths_and_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "x").unwrap();
        let new = dir.path().join("new.txt");
        let stdin = Path::new("-");
        let null = Path::new("/dev/null");
        refuse_overwriting_inputs(&[Some(null)], &[Some(null)]).unwrap();
        refuse_overwriting_inputs(
            &[Some(&new), None, Some(stdin)],
            &[Some(&input), Some(stdin), None],
        )
        .unwrap();
        let err = refuse_overwriting_inputs(&[Some(&new), Some(&input)], &[None, Some(&input)])
            .unwrap_err();
        assert_eq!(err.exit_code(), 12);
        assert!(matches!(err, Error::OutputIsInput { ref output, .. } if output == &input));
    }

    #[test]
    fn temporary_names_carry_the_writer_pid() {
        assert_eq!(temp_file_pid(".topics-4242-Ab3dEf.tmp"), Some(4242));
        assert_eq!(temp_file_pid(".topics-Ab3dEf.tmp"), None);
        assert_eq!(temp_file_pid(".other-4242-Ab3dEf.tmp"), None);
        assert!(process_is_running(std::process::id()));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let err = write_atomic(&a, |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: too many levels of symbolic links", a.display())
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// `-o /dev/stdout` into a pipe: written in place through the link.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipe_behind_a_link_is_written_in_place() {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        let (mut reader, writer) = std::io::pipe().unwrap();
        let path = PathBuf::from(format!("/proc/self/fd/{}", writer.as_raw_fd()));
        write_atomic(&path, |w| w.write_all(b"through the pipe")).unwrap();
        drop(writer);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "through the pipe");
    }
}
