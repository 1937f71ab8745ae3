//! The shareable report: one self-contained HTML file that opens offline.
//!
//! Everything the page shows is computed here in Rust and embedded as one
//! JSON document (`<script type="application/json" id="report-data">`):
//! the topics, the relevance candidates and term counts the LDAvis-style
//! map and bars need, the fitted answers with their θ. Plain JavaScript
//! (no library) draws the cards, the map and bars as inline SVG, the
//! answers browser and the tables; the conjoint and link sections are
//! drawn in Rust (`findings`). No web fonts, no CDN, no request of any
//! kind: co-authors open the file from an e-mail attachment on a machine
//! without the tool or a network. The same inputs give the same bytes.
//!
//! The same page is what `topics serve` sends, with `served` set so that
//! the page offers label editing and inference through the service's API.

mod data;
pub(crate) mod findings;
mod inputs;
mod page;
pub mod svg;
mod validation;

pub use data::{
    AnswerRow, ConjointRow, Meta, RankingWords, RelevanceCandidate, ReportData, ReportOptions,
    SalientWord, TermInfo, TopicInfo, WordScore, MAX_ANSWERS,
};
pub use inputs::{load_conjoint, load_link, load_validation};
pub use page::render_html;
