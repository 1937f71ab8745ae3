//! Answer parsing: one answer per line, or a CSV/TSV file with a header
//! naming the text and id columns.

use std::path::Path;

use super::decoding::{display_path, read_text_in};
use super::delimited::{
    csv_error, delimited_reader, find_column, unterminated_quote_line, LineCounter,
};
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
}
