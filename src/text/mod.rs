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
//!
//! The built-in pipeline, in order: HTML character references decoded
//! ([`web`]), NFKC + lowercase ([`normalize`]), links left out; then,
//! with the default Korean analyzer (lindera) and any `--lang` but `en`, a
//! line holding a Hangul syllable goes whole through
//! [`korean_lindera`] (so words keep their left context), and its Latin
//! words come back for the English path ([`english`]). Any other line (and
//! every line with `--ko-analyzer rules` or `--lang en`) is split into UAX #29
//! words, cut where the script changes ([`segment`]), and each piece goes
//! through the rules-based Korean path ([`korean_rules`]) or the English
//! path. Last come the stopword lists ([`stopwords`]). A `--tokenizer`
//! pipeline ([`user_tokenizer`]) or `--pretokenized` input replaces all of
//! this but the stopwords. An answer that only says the respondent does not
//! know or has no reason ([`nonanswer`]) gets no tokens at all, so a fit
//! leaves it out as it leaves out a blank one. Numbers, punctuation and
//! emoji never become tokens; there is no minimum length, because 1–2
//! syllable Korean nouns (`꿈`, `가족`) carry most of the meaning.

pub mod english;
pub mod ko_dic;
mod korean_context;
pub mod korean_lindera;
pub mod korean_rules;
pub mod nonanswer;
pub mod normalize;
pub mod segment;
pub mod stopwords;
pub mod user_tokenizer;
pub mod web;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use english::English;
use korean_lindera::{KoreanLindera, Morpheme};
use korean_rules::KoreanRules;
use segment::Script;
use stopwords::Stopwords;
use user_tokenizer::UserTokenizer;

/// One token of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The counting key: stemmed / dictionary form, lowercased.
    pub term: String,
    /// The readable form it came from (lowercased, unstemmed).
    pub surface: String,
}

/// One answer's tokens, and what the Korean analyzer left out of them by
/// class that an analyst may want back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// The tokens, in order (what [`Analyzer::tokens`] gives).
    pub tokens: Vec<Token>,
    /// Roots (XR: 궁금 of `궁금했어요`, 지루 of `지루한`) the lindera
    /// analyzer left out because `XR` is not among the kept classes, as by
    /// default: Kiwi leaves them out too, but they are often the words of
    /// feeling an analyst reads for, so the fit summary names the frequent
    /// ones.
    pub left_out_roots: Vec<String>,
    /// The answer only says the respondent does not know or has no reason
    /// ([`nonanswer`]), and `drop_nonanswers` is on: it has no tokens.
    pub nonanswer: bool,
}

/// Which language path(s) to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Decide per word by script: Hangul → Korean, Latin → English.
    #[default]
    Auto,
    /// Korean answers: Hangul → Korean; Latin words (mostly acronyms and
    /// names such as `ost`, `cg`) are lowercased but not stemmed.
    Ko,
    /// English answers: every word through the English path.
    En,
}

/// Which Korean analyzer to run on Hangul.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KoAnalyzer {
    /// Morphological analysis with lindera over mecab-ko-dic (token F1 ≈ 0.87
    /// against Kiwi on NSMC reviews, see tests/text_korean.rs).
    #[default]
    Lindera,
    /// The dictionary-free particle and ending stripper (F1 ≈ 0.37).
    Rules,
}

/// Settings of the text pipeline. Saved in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextOptions {
    /// Take whitespace-separated tokens as they are (no normalization beyond
    /// splitting; no stemming, no stopwords).
    pub pretokenized: bool,
    /// Which language's rules apply.
    pub lang: Lang,
    /// English Snowball stemming.
    pub stem: bool,
    /// Remove the bundled stopword lists.
    pub stopwords: bool,
    /// Extra stopwords given by the user (matched against terms).
    pub extra_stopwords: Vec<String>,
    /// The content of a user's Hugging Face `tokenizer.json`; when set, its
    /// pipeline replaces normalization and segmentation (stopwords still
    /// apply). Stored as text so a saved model is self-contained.
    #[serde(default)]
    pub tokenizer_json: Option<String>,
    /// The Korean analyzer.
    #[serde(default)]
    pub ko_analyzer: KoAnalyzer,
    /// mecab-ko-dic classes to keep with the lindera analyzer (empty = the
    /// default content classes, [`korean_lindera::DEFAULT_KEEP`]).
    #[serde(default)]
    pub ko_keep: Vec<String>,
    /// A Korean user dictionary (CSV text: `surface,POS,reading` rows),
    /// stored as text so a saved model is self-contained.
    #[serde(default)]
    pub ko_user_dict: Option<String>,
    /// Give no tokens to an answer that only says the respondent does not
    /// know or has no reason (`I don't know.`, `잘 모르겠습니다`; see
    /// [`nonanswer`]), so a fit leaves it out as it leaves out blank
    /// answers. On by default; models saved before this field existed
    /// fitted such answers and load with it off.
    #[serde(default)]
    pub drop_nonanswers: bool,
}

impl TextOptions {
    /// The mecab-ko-dic classes the lindera analyzer keeps: `ko_keep`, or
    /// the default content classes when it is empty, so an analyst reading
    /// the settings sees what was kept rather than "none".
    pub fn ko_keep_effective(&self) -> Vec<&str> {
        if self.ko_keep.is_empty() {
            korean_lindera::DEFAULT_KEEP.to_vec()
        } else {
            self.ko_keep.iter().map(String::as_str).collect()
        }
    }
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            pretokenized: false,
            lang: Lang::Auto,
            stem: true,
            stopwords: true,
            extra_stopwords: Vec::new(),
            tokenizer_json: None,
            ko_analyzer: KoAnalyzer::Lindera,
            ko_keep: Vec::new(),
            ko_user_dict: None,
            drop_nonanswers: true,
        }
    }
}

/// A ready-to-use text pipeline.
#[derive(Debug)]
pub struct Analyzer {
    options: TextOptions,
    stopwords: Stopwords,
    english: English,
    korean: KoreanRules,
    lindera: Option<KoreanLindera>,
    user: Option<UserTokenizer>,
}

impl Analyzer {
    /// Builds the pipeline described by `options`.
    pub fn new(options: TextOptions) -> Result<Analyzer> {
        let user = options
            .tokenizer_json
            .as_deref()
            .map(UserTokenizer::from_json)
            .transpose()?;
        // Pretokenized input keeps its meaning: only the user's own
        // stopwords apply, never the bundled lists.
        let stopwords = Stopwords::new(
            options.stopwords && !options.pretokenized,
            &options.extra_stopwords,
        );
        korean_lindera::validate_keep(&options.ko_keep)?;
        let wants_lindera = options.ko_analyzer == KoAnalyzer::Lindera
            && options.lang != Lang::En
            && !options.pretokenized
            && user.is_none();
        let lindera = if wants_lindera {
            Some(KoreanLindera::new(
                &options.ko_keep,
                options.ko_user_dict.as_deref(),
            )?)
        } else {
            None
        };
        Ok(Analyzer {
            lindera,
            english: English::new(options.stem && options.lang != Lang::Ko),
            korean: KoreanRules,
            stopwords,
            user,
            options,
        })
    }

    /// The options this analyzer was built from.
    pub fn options(&self) -> &TextOptions {
        &self.options
    }

    /// Whether the answer `text` only says the respondent does not know or
    /// has no reason, and the options leave such answers out
    /// (`drop_nonanswers`; never for `--pretokenized` input, which is taken
    /// as it is).
    pub fn is_nonanswer(&self, text: &str) -> bool {
        self.options.drop_nonanswers && !self.options.pretokenized && nonanswer::is_nonanswer(text)
    }

    /// The tokens of one answer, in order.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.analyze(text).tokens
    }

    /// The tokens of one answer, in order, with the roots the Korean
    /// analyzer left out of them ([`Analysis::left_out_roots`]).
    pub fn analyze(&self, text: &str) -> Analysis {
        if self.is_nonanswer(text) {
            return Analysis {
                nonanswer: true,
                ..Analysis::default()
            };
        }
        if let Some(words) = self.pretokenized_words(text) {
            let tokens = words
                .map(|w| Token {
                    term: w.to_string(),
                    surface: w.to_string(),
                })
                .collect();
            return Analysis {
                tokens,
                ..Analysis::default()
            };
        }
        let mut analysis = if let Some(user) = &self.user {
            Analysis {
                tokens: self.user_tokens(user, text),
                ..Analysis::default()
            }
        } else {
            self.builtin_analysis(text)
        };
        if !self.stopwords.is_empty() {
            analysis.tokens.retain(|t| {
                !self.stopwords.contains(&t.term) && !self.stopwords.contains(&t.surface)
            });
        }
        analysis
    }

    /// With `--pretokenized`, the tokens of one answer borrowed from its
    /// text (each is its own term and surface), the user's stopwords left
    /// out: what [`Analyzer::tokens`] gives, without two strings a token,
    /// for reading large pretokenized corpora. `None` for any other input.
    pub fn pretokenized_words<'a>(
        &'a self,
        text: &'a str,
    ) -> Option<impl Iterator<Item = &'a str> + 'a> {
        self.options.pretokenized.then(|| {
            text.split_whitespace()
                .filter(|w| self.stopwords.is_empty() || !self.stopwords.contains(w))
        })
    }

    fn user_tokens(&self, user: &UserTokenizer, text: &str) -> Vec<Token> {
        user.tokens(text)
            .into_iter()
            .filter(|(token, _)| token.chars().any(char::is_alphabetic))
            .map(|(term, original)| Token {
                term,
                surface: normalize::normalize(&original),
            })
            .collect()
    }

    fn builtin_analysis(&self, text: &str) -> Analysis {
        let text = normalize::normalize(&web::decode_references(text));
        let text = web::remove_links(&text);
        if let Some(lindera) = &self.lindera {
            if text.chars().any(segment::is_syllable) {
                return self.lindera_analysis(lindera, &text);
            }
        }
        Analysis {
            tokens: self.segmented_tokens(&text),
            ..Analysis::default()
        }
    }

    /// The tokens of normalized text without lindera: the rule-based
    /// Korean path and the English path, piece by piece.
    fn segmented_tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for piece in segment::pieces(text) {
            match (piece.script, self.options.lang) {
                (Script::Hangul, Lang::Auto | Lang::Ko) => {
                    if let Some(term) = self.korean.analyze(piece.text, piece.attached) {
                        out.push(Token {
                            surface: term.clone(),
                            term,
                        });
                    }
                }
                (Script::Latin, _) | (Script::Hangul | Script::Other, Lang::En) => {
                    let surface = self.english.surface(piece.text);
                    if !surface.is_empty() {
                        out.push(Token {
                            term: self.english.term(surface),
                            surface: surface.to_string(),
                        });
                    }
                }
                (Script::Other, _) => out.push(Token {
                    term: piece.text.to_string(),
                    surface: piece.text.to_string(),
                }),
            }
        }
        out
    }
}

impl Analyzer {
    /// The whole line goes through lindera (so that words keep their left
    /// context); Latin words come back for the English path.
    fn lindera_analysis(&self, lindera: &KoreanLindera, text: &str) -> Analysis {
        // Verbs doing a particle's work (대하다 in `에 대해`) go with the
        // bundled stopwords; without them the line reads as Kiwi reads it.
        let drop_function_words = self.options.stopwords && !self.options.pretokenized;
        let korean = |term: String| Token {
            surface: term.clone(),
            term,
        };
        let mut analysis = Analysis::default();
        for morpheme in lindera.morphemes(text) {
            let token = match morpheme {
                Morpheme::Korean(term) => Some(korean(term)),
                Morpheme::Function(term) => (!drop_function_words).then(|| korean(term)),
                Morpheme::Latin(word) => {
                    let surface = self.english.surface(&word);
                    (!surface.is_empty()).then(|| Token {
                        term: self.english.term(surface),
                        surface: surface.to_string(),
                    })
                }
                Morpheme::LeftOutRoot(root) => {
                    analysis.left_out_roots.push(root);
                    None
                }
            };
            analysis.tokens.extend(token);
        }
        analysis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sync<T: Sync + Send>() {}

    #[test]
    fn analyzer_is_sync() {
        assert_sync::<Analyzer>();
    }

    #[test]
    fn old_models_without_new_fields_load() {
        let json = r#"{"pretokenized":false,"lang":"auto","stem":true,"stopwords":true,"extra_stopwords":[]}"#;
        let o: TextOptions = serde_json::from_str(json).expect("old options parse");
        // Such models fitted their non-answers: they load saying so.
        assert_eq!(
            o,
            TextOptions {
                drop_nonanswers: false,
                ..TextOptions::default()
            }
        );
    }
}
