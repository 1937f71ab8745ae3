//! Text decoding: a whole input (file or `-`) read as UTF-8, with or
//! without a byte-order mark, or in a named legacy encoding; invalid bytes
//! and NUL bytes are reported with their line.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
