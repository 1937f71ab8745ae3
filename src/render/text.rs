//! Text for people: escaping for HTML/SVG and display widths for aligned
//! terminal tables.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// `s` cut to at most `columns` terminal columns, with `…` in the last
/// column when anything was cut. Counted in columns, not characters, so a
/// Korean answer (two columns a syllable) is cut at the same width on the
/// screen as an English one, instead of running twice as long.
pub fn truncate_to_width(s: &str, columns: usize) -> String {
    if display_width(s) <= columns {
        return s.to_string();
    }
    let room = columns.saturating_sub(1);
    let mut used = 0;
    let mut head = String::new();
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        head.push(c);
    }
    head.push('…');
    head
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
    fn truncates_by_columns() {
        assert_eq!(
            truncate_to_width("Family and friends", 18),
            "Family and friends"
        );
        assert_eq!(truncate_to_width("Family and friends", 10), "Family an…");
        // Two columns a syllable: four syllables, a space and the ellipsis
        // fill 10.
        assert_eq!(
            truncate_to_width("가족과 친구가 가져왔어요", 10),
            "가족과 친…"
        );
        // A syllable never straddles the edge: at 9 columns one is left
        // over.
        assert_eq!(truncate_to_width("가족과 친구가", 9), "가족과 …");
        assert_eq!(truncate_to_width("가족", 1), "…");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"R&D\" 'x'</b>"),
            "&lt;b&gt;&quot;R&amp;D&quot; &#39;x&#39;&lt;/b&gt;"
        );
    }
}
