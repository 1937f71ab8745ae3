//! The conjoint and topics × conjoint sections of the report, rendered in
//! Rust. (The `findings` engineer owns and rewrites this file; this is the
//! rendering that used to live in page.rs, moved unchanged.)

use std::fmt::Write;

use super::svg::{conjoint_plots, escape};
use super::ReportData;

/// The inside of `<section id="conjoint">`: heading, forest plots.
pub(crate) fn conjoint_section(data: &ReportData) -> String {
    let mut s = String::from("<h2>Conjoint: AMCEs and marginal means</h2>\n");
    match &data.conjoint {
        Some(rows) => {
            s.push_str("<p class=\"note\">Estimates with their confidence intervals; hollow points are reference levels.</p>\n");
            for (title, svg) in conjoint_plots(rows) {
                let _ = writeln!(s, "<figure>{svg}<figcaption>{}</figcaption></figure>", escape(&title));
            }
            s.push_str("<div id=\"conjoint-table\"></div>\n");
        }
        None => s.push_str("<p class=\"note\">No conjoint result was given (topics report MODEL --conjoint RESULT.json).</p>\n"),
    }
    s
}

/// The inside of `<section id="link">`.
pub(crate) fn link_section(data: &ReportData) -> String {
    let mut s = String::from("<h2>Topics × conjoint</h2>\n");
    if data.link.is_some() {
        s.push_str("<p class=\"note\">The cross-check of topics against the conjoint experiment, as `topics link` computed it.</p><div id=\"link-tables\"></div>\n");
    } else {
        s.push_str("<p class=\"note\">No cross-check was given (topics report MODEL --link RESULT.json).</p><div id=\"link-tables\"></div>\n");
    }
    s
}
