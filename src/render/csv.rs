//! CSV text through the `csv` crate: RFC 4180 quoting (a field is quoted
//! when it holds a comma, a quote or a line break; quotes are doubled),
//! `\n` line ends, UTF-8.

/// Builds one CSV document row by row.
pub struct CsvText {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvText {
    /// A document starting with `header`.
    pub fn new<I, S>(header: I) -> CsvText
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut t = CsvText {
            writer: csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new()),
        };
        t.row(header);
        t
    }

    /// Appends one record.
    pub fn row<I, S>(&mut self, fields: I) -> &mut CsvText
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        // Writing to a Vec cannot fail.
        let _ = self.writer.write_record(fields);
        self
    }

    /// The document.
    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().unwrap_or_default();
        // Every field was a &str, so the bytes are UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// `[header, rows…]` as CSV text.
pub fn table<R, S>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut t = CsvText::new(header);
    for r in rows {
        t.row(r);
    }
    t.finish()
}

/// A `data:` URL that downloads `csv` as a file a spreadsheet opens with
/// the right encoding: UTF-8 with a byte-order mark (without it, Excel
/// reads Korean as mojibake), percent-encoded.
pub fn data_url(csv: &str) -> String {
    let mut out = String::from("data:text/csv;charset=utf-8,%EF%BB%BF");
    for b in csv.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        let text = table(
            &["a", "b"],
            [
                vec!["plain", "a, b"],
                vec!["say \"hi\"", "two\nlines"],
                vec!["", "가족"],
            ],
        );
        assert_eq!(
            text,
            "a,b\nplain,\"a, b\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n,가족\n"
        );
    }

    #[test]
    fn download_urls_carry_a_bom_and_percent_encode() {
        assert_eq!(
            data_url("a,가\n"),
            "data:text/csv;charset=utf-8,%EF%BB%BFa%2C%EA%B0%80%0A"
        );
    }
}
