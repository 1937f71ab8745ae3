//! Plain-text tables whose columns line up in a terminal even with Korean
//! (double-width) text.

use unicode_width::UnicodeWidthStr;

/// Columns separated by two spaces, padded by display width; the header is
/// underlined with dashes. Numeric-looking cells are right-aligned.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate().take(columns) {
            let pad = widths[i].saturating_sub(cell.width());
            if i > 0 {
                text.push_str("  ");
            }
            if is_number(cell) {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header, &mut out);
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    line(&rule, &mut out);
    for row in rows {
        line(row, &mut out);
    }
    out
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_columns_line_up() {
        let t = text_table(
            &["rank".into(), "Topic 0".into()],
            &[
                vec!["1".into(), "신뢰".into()],
                vec!["10".into(), "cost".into()],
            ],
        );
        assert_eq!(t, "rank  Topic 0\n----  -------\n   1  신뢰\n  10  cost\n");
    }
}
