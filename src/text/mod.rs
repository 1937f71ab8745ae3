//! Text → tokens: the analyzer that turns one answer into the terms a topic
//! model counts.
//!
//! The contract the rest of the crate relies on:
//! - [`TextOptions`] is plain data (serde), saved inside every model so that
//!   `infer` on new answers runs exactly the pipeline the model was fit with.
//! - [`Analyzer::new`] validates options and loads resources once;
//!   [`Analyzer::tokens`] is then cheap and thread-safe (`&self`, `Sync`).
//! - A [`Token`]'s `term` is what is counted (an English stem, a Korean
//!   dictionary form); its `surface` is the readable word it came from, used
//!   to pick the display form analysts see (`curious`, not `curio`).

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// One token of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The counting key: stemmed / dictionary form, lowercased.
    pub term: String,
    /// The readable form it came from (lowercased, unstemmed).
    pub surface: String,
}

/// Which language path(s) to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Decide per word by script: Hangul → Korean, Latin → English.
    #[default]
    Auto,
    Ko,
    En,
}

/// Settings of the text pipeline. Saved in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextOptions {
    /// Take whitespace-separated tokens as they are (no normalization beyond
    /// splitting; no stemming, no stopwords).
    pub pretokenized: bool,
    pub lang: Lang,
    /// English Snowball stemming.
    pub stem: bool,
    /// Remove the bundled stopword lists.
    pub stopwords: bool,
    /// Extra stopwords given by the user (matched against terms).
    pub extra_stopwords: Vec<String>,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            pretokenized: false,
            lang: Lang::Auto,
            stem: true,
            stopwords: true,
            extra_stopwords: Vec::new(),
        }
    }
}

/// A ready-to-use text pipeline.
#[derive(Debug)]
pub struct Analyzer {
    options: TextOptions,
}

impl Analyzer {
    /// Builds the pipeline described by `options`.
    pub fn new(options: TextOptions) -> Result<Analyzer> {
        Ok(Analyzer { options })
    }

    /// The options this analyzer was built from.
    pub fn options(&self) -> &TextOptions {
        &self.options
    }

    /// The tokens of one answer, in order.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        text.split_whitespace()
            .map(|w| {
                let w = if self.options.pretokenized {
                    w.to_string()
                } else {
                    w.to_lowercase()
                };
                Token {
                    term: w.clone(),
                    surface: w,
                }
            })
            .filter(|t| !self.options.extra_stopwords.contains(&t.term))
            .collect()
    }
}
