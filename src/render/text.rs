//! Text for people: escaping for HTML/SVG and display widths for aligned
//! terminal tables.

use unicode_width::UnicodeWidthStr;

/// Escapes text for HTML/SVG element content and (double- or
/// single-quoted) attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Terminal columns taken by `s` (Unicode's East Asian Width: Hangul and
/// CJK take two), so Korean labels line up.
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `width` terminal columns.
pub fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_is_two_columns_wide() {
        assert_eq!(display_width("가족"), 4);
        assert_eq!(display_width("Family 가족"), 11);
        assert_eq!(display_width("θ ≥ 0.5 · –"), 11);
        assert_eq!(pad("가족", 6), "가족  ");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"R&D\" 'x'</b>"),
            "&lt;b&gt;&quot;R&amp;D&quot; &#39;x&#39;&lt;/b&gt;"
        );
    }
}
