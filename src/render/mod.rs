//! One rendering layer for every output the tool writes: CSV files, number
//! formats, XML/HTML escaping, display widths of terminal tables, axis
//! ticks and the font stack of the SVG figures.
//!
//! Before this module, `conjoint`, `link` and `report` each carried their
//! own copy of these, and the copies had drifted (three tick algorithms,
//! two escapes that disagreed on `'`, a hand-written East-Asian width
//! table). Output that goes through here is formatted one way everywhere.

mod axis;
pub mod csv;
pub mod forest;
pub mod num;
pub mod text;

pub use axis::ticks;

/// The font stack of every figure: fonts that cover Hangul first (on
/// Linux, macOS and Windows), then the system's, so Korean labels never
/// fall back to boxes.
pub const FONT_STACK: &str = "'Noto Sans KR','Noto Sans CJK KR','Apple SD Gothic Neo','Malgun Gothic','NanumGothic',system-ui,sans-serif";
