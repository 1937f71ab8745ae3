//! Exploring a fitted model before trusting it: word rankings, per-topic
//! diagnostics, saved labels, the intertopic distance map, and choosing K.
//!
//! Every function here works on plain numbers ([`TopicWordMatrix`], word-id
//! lists) so that the formulas can be checked against hand-computed values;
//! the `from_model` constructors only gather those numbers from an
//! [`LdaModel`](crate::lda::LdaModel).
//!
//! ```
//! use topics::{corpus::{Corpus, PruneOptions}, io::answers_from_lines, lda};
//! use topics::explore::{Ranking, TopicWordMatrix};
//! use topics::text::{Analyzer, TextOptions};
//!
//! let answers = answers_from_lines("apple banana apple\nbanana cherry\ncherry apple");
//! let analyzer = Analyzer::new(TextOptions { pretokenized: true, ..Default::default() })?;
//! let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE)?;
//! let params = lda::LdaParams { k: 2, iterations: 50, ..Default::default() };
//! let model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {})?;
//! let matrix = TopicWordMatrix::from_model(&model);
//! let frex = matrix.top_words(0, Ranking::Frex { weight: 0.5 }, 2);
//! assert_eq!(frex.len(), 2);
//! # Ok::<(), topics::Error>(())
//! ```

mod diagnostics;
mod distance;
mod labels;
mod matching;
mod rankings;
mod recommend;
mod select_k;
mod table;
mod validation;
mod validation_result;

pub use diagnostics::{
    better, direction_legend, document_words, npmi_coherence, umass_coherence, with_arrow, Better,
    Diagnostics, TopicDiagnostics, COHERENCE_WORDS, MEASURES,
};
pub use distance::{classical_mds, jensen_shannon, jsd_matrix, IntertopicMap};
pub use labels::{
    carry_over, open_model, refit_for, topic_of_word, CarryOver, LabelMove, Labels, Refit,
    WordTopic, CARRY_OVER_MIN_SIMILARITY, WORD_LEAD,
};
pub use matching::{hungarian_max, match_models, match_topics, ClassAgreement};
pub use rankings::{js_shrink, RankedWord, Ranking, TopicWordMatrix, DEFAULT_LAMBDA};
pub use select_k::{
    held_out_log_likelihood, parse_ks, select_k, split_held_out, KRun, KSummary, Recommendation,
    SelectKOptions, SelectKReport, DEFAULT_MIN_STABILITY,
};
pub use table::text_table;
pub use validation::{Call, CodeValidation, CodedAnswer, ShareBand, ValidationError, SHARE_BANDS};
pub use validation_result::{ValidationAnswer, ValidationBand, ValidationResult, ValidationTopic};
