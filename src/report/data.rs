//! What the page shows, computed in Rust: [`ReportData`], the one JSON
//! document embedded in the page, and how it is built from a model.

use serde::Serialize;

use crate::conjoint::estimate::EstimateRow;
use crate::error::{Error, Result};
use crate::explore::{
    document_words, Diagnostics, IntertopicMap, Labels, Ranking, TopicDiagnostics, TopicWordMatrix,
    ValidationResult, COHERENCE_WORDS, DEFAULT_LAMBDA,
};
use crate::lda::{LdaModel, Quote};
use crate::link::output::LinkResult;
use crate::text::{KoAnalyzer, TextOptions};

/// How much the report shows.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Words per topic in each ranking.
    pub words: usize,
    /// Representative answers per topic.
    pub quotes: usize,
    /// The λ the slider starts at.
    pub lambda: f64,
    /// The model file name shown in the overview.
    pub model_path: String,
    /// Whether the page is sent by `topics serve` (enables label editing).
    pub served: bool,
    /// The token the served page sends with state-changing requests
    /// (`X-Topics-Token`); none in a report file.
    pub token: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            words: 15,
            quotes: 5,
            lambda: DEFAULT_LAMBDA,
            model_path: String::new(),
            served: false,
            token: None,
        }
    }
}

/// Settings and provenance shown in the overview.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Version of `topics` that wrote the page.
    pub topics_version: String,
    /// Version of `topics` that fitted the model.
    pub model_version: String,
    /// The model file as given.
    pub model_path: String,
    /// The answers file the model was fitted on, as given then.
    pub input_path: String,
    /// SHA-256 of that file's bytes, to check it is the same file.
    pub input_sha256: String,
    /// Number of topics.
    pub k: usize,
    /// Seed of the fit.
    pub seed: u64,
    /// Gibbs sweeps of the fit.
    pub iterations: usize,
    /// Sweeps before the priors were first optimized.
    pub burn_in: usize,
    /// Sweeps between prior optimizations (0: never).
    pub optimize_interval: usize,
    /// Document-topic prior asked for, before optimization.
    pub alpha_initial: f64,
    /// Topic-word prior asked for, before optimization.
    pub beta_initial: f64,
    /// Document-topic prior per topic, after optimization.
    pub alpha: Vec<f64>,
    /// Topic-word prior, after optimization.
    pub beta: f64,
    /// Training joint log-likelihood per token at the last sweep.
    pub ll_per_token: f64,
    /// Answers read.
    pub answers: usize,
    /// Answers that took part in the fit.
    pub fitted_answers: usize,
    /// Blank answers, left out of the fit.
    pub blank_answers: usize,
    /// Answers with no word left after stopwords and pruning, left out.
    pub empty_answers: usize,
    /// Answers that only say the respondent does not know or has no
    /// reason, left out as item nonresponse.
    pub nonanswers: usize,
    /// The roots the Korean analyzer left out (`40 times: 궁금 ×15, …`),
    /// empty when none was.
    pub left_out_roots: String,
    /// Tokens in the fitted answers.
    pub tokens: u64,
    /// Terms in the model's vocabulary.
    pub vocabulary: usize,
    /// The text pipeline's settings, as saved in the model.
    pub text_options: serde_json::Value,
}

/// One topic's identity.
#[derive(Debug, Clone, Serialize)]
pub struct TopicInfo {
    /// The topic's 0-based number.
    pub id: usize,
    /// The analyst's label, when one is set.
    pub label: Option<String>,
    /// Share of all tokens assigned to the topic.
    pub share: f64,
}

/// A word under one ranking.
#[derive(Debug, Clone, Serialize)]
pub struct WordScore {
    /// The readable form.
    pub word: String,
    /// The word's score under the ranking.
    pub score: f64,
    /// φ_kw, shown beside every ranking.
    pub prob: f64,
}

/// The top words of every topic under one ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankingWords {
    /// The ranking's name (`prob`, `frex`, `lift`).
    pub by: &'static str,
    /// Per topic.
    pub words: Vec<Vec<WordScore>>,
}

/// A word the λ slider may bring into a topic's top list.
#[derive(Debug, Clone, Serialize)]
pub struct RelevanceCandidate {
    /// The readable form.
    pub word: String,
    /// Index into [`ReportData::terms`] (display forms may repeat).
    pub term: usize,
    /// log φ_kw, the slider's first term.
    pub log_phi: f64,
    /// log(φ_kw / p_w), the slider's second term.
    pub log_lift: f64,
    /// φ_kw.
    pub prob: f64,
}

/// A representative answer as the page shows it: the quote, and who else
/// wrote it in words (`also answer 207`), so the page words it as the
/// command line does.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportQuote {
    /// The answer, its θ and the ids of the answers written the same way.
    #[serde(flatten)]
    pub quote: Quote,
    /// [`Quote::same_text_note`], absent when nobody else wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_text_note: Option<String>,
}

impl From<Quote> for ReportQuote {
    fn from(quote: Quote) -> Self {
        ReportQuote {
            same_text_note: quote.same_text_note(),
            quote,
        }
    }
}

/// One of the most salient words overall, for LDAvis's default bar view.
#[derive(Debug, Clone, Serialize)]
pub struct SalientWord {
    /// The readable form.
    pub word: String,
    /// Index into [`ReportData::terms`].
    pub term: usize,
    /// Its saliency.
    pub score: f64,
    /// p_w: its share of all tokens.
    pub prob: f64,
}

/// A word the term bar chart can show, with what LDAvis draws for it.
#[derive(Debug, Clone, Serialize)]
pub struct TermInfo {
    /// The readable form.
    pub word: String,
    /// Tokens of the word in the fitted answers (the grey bar).
    pub count: u64,
    /// Estimated tokens of the word in each topic, φ_kw · n_k (the red
    /// bar; LDAvis's `term.topic.frequency`).
    pub topic_counts: Vec<f64>,
    /// P(topic | word) = φ_kw n_k / Σ_j φ_jw n_j: how the word's tokens
    /// spread over the topics (LDAvis resizes the circles to this when a
    /// word is chosen). Not embedded: the page divides `topic_counts` by
    /// their sum (added in topic order, as here), which gives the same
    /// doubles and keeps the page K numbers per word smaller.
    #[serde(skip)]
    pub topic_share: Vec<f64>,
}

/// One fitted answer for the answers browser.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerRow {
    /// The answer's id.
    pub id: String,
    /// The answer as written.
    pub text: String,
    /// Its topic shares.
    pub theta: Vec<f64>,
}

/// One row of a conjoint result (`topics conjoint --format json`): the
/// same type the estimators return, read back.
pub type ConjointRow = EstimateRow;

/// Everything the page shows, embedded as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// Settings and provenance.
    pub meta: Meta,
    /// Every topic, in topic order.
    pub topics: Vec<TopicInfo>,
    /// The relevance slider's starting λ.
    pub lambda: f64,
    /// Words listed per topic.
    pub top_n: usize,
    /// Every ranking but relevance (which the slider recomputes).
    pub rankings: Vec<RankingWords>,
    /// Rows of the term bar chart: LDAvis's 30, or the vocabulary if smaller.
    pub bar_terms: usize,
    /// Per topic: every word that is in the top max(`top_n`, `bar_terms`)
    /// by relevance at some slider position (λ in steps of 0.01), so the
    /// page ranks exactly as the library does.
    pub relevance: Vec<Vec<RelevanceCandidate>>,
    /// Tokens assigned to each topic (n_k).
    pub topic_tokens: Vec<u64>,
    /// Every word the bar chart can show (the relevance candidates and the
    /// salient words), by word id.
    pub terms: Vec<TermInfo>,
    /// Positions and sizes of the topics in the intertopic map.
    pub map: IntertopicMap,
    /// The most salient words overall (Chuang et al. 2012; LDAvis's
    /// default view), with their saliency.
    pub salient: Vec<SalientWord>,
    /// Per topic: the answers that show it best, each text once.
    pub quotes: Vec<Vec<ReportQuote>>,
    /// Per topic: coherence, exclusivity and the rest.
    pub diagnostics: Vec<TopicDiagnostics>,
    /// Top words per topic the diagnostics use.
    pub coherence_words: usize,
    /// A `topics conjoint --format json` result (see [`load_conjoint`](super::load_conjoint)).
    pub conjoint: Option<Vec<EstimateRow>>,
    /// A `topics link --format json` result (see [`load_link`](super::load_link)).
    pub link: Option<LinkResult>,
    /// A `topics validate --format json` result (see
    /// [`load_validation`](super::load_validation)), drawn in Rust: the
    /// page's script does not read it, so it is not embedded twice.
    #[serde(skip)]
    pub validation: Option<ValidationResult>,
    /// The fitted answers in document order (at most [`MAX_ANSWERS`]), for
    /// the answers browser.
    pub answers: Vec<AnswerRow>,
    /// How many answers were fitted (more than `answers` holds when the
    /// page was truncated).
    pub answers_total: usize,
    /// True on the page `topics serve` answers (labels editable), false in a report file.
    pub served: bool,
    /// The token the served page sends with state-changing requests
    /// (`X-Topics-Token`); none in a report file.
    pub token: Option<String>,
}

/// Words in the term bar chart and the overall saliency table (LDAvis
/// shows 30).
const BAR_TERMS: usize = 30;

/// Answers embedded for the answers browser: enough for most surveys while
/// the page stays a file one can e-mail.
pub const MAX_ANSWERS: usize = 20_000;

/// The slider's positions: λ = 0, 0.01, …, 1.
const SLIDER_STEPS: usize = 100;

impl ReportData {
    /// Gathers the report of `model` with its labels and optional results.
    pub fn build(
        model: &LdaModel,
        labels: &Labels,
        options: &ReportOptions,
        conjoint: Option<Vec<EstimateRow>>,
        link: Option<LinkResult>,
    ) -> Result<ReportData> {
        if !(0.0..=1.0).contains(&options.lambda) {
            return Err(Error::param(
                "--lambda",
                format!("{} is not in [0, 1]", options.lambda),
            ));
        }
        let matrix = TopicWordMatrix::from_model(model);
        let docs = document_words(model)?;
        let diagnostics = Diagnostics::compute(model, &docs, COHERENCE_WORDS);
        let k = model.k();
        let rankings = Ranking::all(options.lambda)
            .into_iter()
            .filter(|r| !matches!(r, Ranking::Relevance { .. }))
            .map(|r| RankingWords {
                by: r.name(),
                words: (0..k)
                    .map(|t| {
                        matrix
                            .top_words_named(model, t, r, options.words)
                            .into_iter()
                            .map(|w| WordScore {
                                word: w.word,
                                score: w.score,
                                prob: w.prob,
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        let bar_terms = BAR_TERMS.min(matrix.vocab_len());
        let candidate_ids: Vec<Vec<u32>> = (0..k)
            .map(|t| relevance_ids(&matrix, t, options.words.max(bar_terms)))
            .collect();
        let salient_ids = most_salient(&matrix, bar_terms);
        let term_ids = union_ids(&candidate_ids, &salient_ids);
        let term_index = |w: u32| term_ids.binary_search(&w).unwrap_or(0);
        Ok(ReportData {
            meta: meta(model, options),
            topics: (0..k)
                .map(|t| TopicInfo {
                    id: t,
                    label: labels.get(t).map(str::to_string),
                    share: model.token_share(t),
                })
                .collect(),
            lambda: options.lambda,
            top_n: options.words,
            rankings,
            bar_terms,
            relevance: candidate_ids
                .iter()
                .enumerate()
                .map(|(t, ids)| relevance_candidates(model, &matrix, t, ids, &term_index))
                .collect(),
            topic_tokens: model.topic_counts().to_vec(),
            terms: term_ids
                .iter()
                .map(|&w| term_info(model, &matrix, w))
                .collect(),
            map: IntertopicMap::from_model(model),
            salient: salient_words(model, &matrix, &salient_ids, &term_index),
            quotes: (0..k)
                .map(|t| {
                    let quotes = model.topic_summary(t, 0, options.quotes).quotes;
                    quotes.into_iter().map(ReportQuote::from).collect()
                })
                .collect(),
            diagnostics: diagnostics.topics,
            coherence_words: diagnostics.coherence_words,
            conjoint,
            link,
            validation: None,
            answers: answer_rows(model, MAX_ANSWERS),
            answers_total: model.documents().len(),
            served: options.served,
            token: options.token.clone(),
        })
    }

    /// The report with a validation against hand codes to show.
    pub fn with_validation(mut self, validation: Option<ValidationResult>) -> ReportData {
        self.validation = validation;
        self
    }

    /// The name views show for a topic: `#3 Trust` or `Topic 3`.
    pub fn topic_name(&self, topic: usize) -> String {
        match &self.topics[topic].label {
            Some(l) => format!("#{topic} {l}"),
            None => format!("Topic {topic}"),
        }
    }
}

/// Left-out roots named in the report's provenance.
const LEFT_OUT_ROOTS_SHOWN: usize = 10;

fn meta(model: &LdaModel, options: &ReportOptions) -> Meta {
    let p = model.params();
    let c = model.corpus_report();
    Meta {
        topics_version: env!("CARGO_PKG_VERSION").to_string(),
        model_version: model.version().to_string(),
        model_path: options.model_path.clone(),
        input_path: model.input.path.clone(),
        input_sha256: model.input.sha256.clone(),
        k: model.k(),
        seed: p.seed,
        iterations: p.iterations,
        burn_in: p.burn_in,
        optimize_interval: p.optimize_interval,
        alpha_initial: p.alpha,
        beta_initial: p.beta,
        alpha: model.alpha().to_vec(),
        beta: model.beta(),
        ll_per_token: model.ll_per_token(),
        answers: c.answers,
        fitted_answers: model.documents().len(),
        blank_answers: c.blank_ids.len(),
        empty_answers: c.empty_ids.len(),
        nonanswers: c.nonanswer_ids.len(),
        left_out_roots: c
            .left_out_roots_list(LEFT_OUT_ROOTS_SHOWN)
            .map(|list| format!("{} times: {list}", c.left_out_root_tokens))
            .unwrap_or_default(),
        tokens: model.num_tokens(),
        vocabulary: model.vocab().len(),
        text_options: text_options_shown(model.text_options()),
    }
}

/// The text options as the provenance table shows them: the Korean classes
/// kept are spelled out (an empty `ko_keep` means the default classes, not
/// none) when the lindera analyzer read the answers.
fn text_options_shown(options: &TextOptions) -> serde_json::Value {
    let mut value = serde_json::to_value(options).unwrap_or(serde_json::Value::Null);
    if options.ko_analyzer == KoAnalyzer::Lindera {
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "ko_keep".into(),
                serde_json::json!(options.ko_keep_effective()),
            );
        }
    }
    value
}

/// The ids of the `n` most salient words, most salient first; ties to the
/// lower word id.
fn most_salient(matrix: &TopicWordMatrix, n: usize) -> Vec<u32> {
    let saliency = matrix.saliency();
    let mut ids: Vec<usize> = (0..saliency.len()).collect();
    ids.sort_by(|&a, &b| saliency[b].total_cmp(&saliency[a]).then(a.cmp(&b)));
    ids.truncate(n);
    ids.into_iter().map(|w| w as u32).collect()
}

fn salient_words(
    model: &LdaModel,
    matrix: &TopicWordMatrix,
    ids: &[u32],
    term_index: &impl Fn(u32) -> usize,
) -> Vec<SalientWord> {
    let saliency = matrix.saliency();
    ids.iter()
        .map(|&w| SalientWord {
            word: model.vocab().display(w).to_string(),
            term: term_index(w),
            score: saliency[w as usize],
            prob: matrix.word_prob()[w as usize],
        })
        .collect()
}

/// The union of the top `n` relevance words over the slider's positions,
/// by word id. The same set as [`TopicWordMatrix::top_words`] gives at
/// each step (same score expression, same order: score, then φ, both
/// descending, then word id), found by selection rather than a full sort
/// and with the logarithms taken once: 101 steps × K topics stay fast on
/// large vocabularies.
fn relevance_ids(matrix: &TopicWordMatrix, topic: usize, n: usize) -> Vec<u32> {
    let phi = &matrix.phi()[topic];
    let logs: Vec<(f64, f64)> = phi
        .iter()
        .zip(matrix.word_prob())
        .map(|(&p, &pw)| (p.ln(), if pw > 0.0 { (p / pw).ln() } else { f64::NAN }))
        .collect();
    let n = n.min(phi.len());
    let mut ids: Vec<u32> = Vec::new();
    let mut order: Vec<usize> = (0..phi.len()).collect();
    let mut scores = vec![0.0; phi.len()];
    for step in 0..=SLIDER_STEPS {
        let lambda = step as f64 / SLIDER_STEPS as f64;
        for (s, &(log_phi, log_lift)) in scores.iter_mut().zip(&logs) {
            // As `TopicWordMatrix::scores`: unseen words rank last.
            *s = if log_lift.is_nan() {
                f64::NEG_INFINITY
            } else {
                lambda * log_phi + (1.0 - lambda) * log_lift
            };
        }
        if n == 0 {
            break;
        }
        order.select_nth_unstable_by(n - 1, |&a, &b| {
            scores[b]
                .total_cmp(&scores[a])
                .then(phi[b].total_cmp(&phi[a]))
                .then(a.cmp(&b))
        });
        ids.extend(order[..n].iter().map(|&w| w as u32));
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Every word id in any of the lists, ascending.
fn union_ids(lists: &[Vec<u32>], more: &[u32]) -> Vec<u32> {
    let mut ids: Vec<u32> = lists.iter().flatten().chain(more).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn relevance_candidates(
    model: &LdaModel,
    matrix: &TopicWordMatrix,
    topic: usize,
    ids: &[u32],
    term_index: &impl Fn(u32) -> usize,
) -> Vec<RelevanceCandidate> {
    let phi = &matrix.phi()[topic];
    ids.iter()
        .map(|&w| {
            let (p, pw) = (phi[w as usize], matrix.word_prob()[w as usize]);
            RelevanceCandidate {
                word: model.vocab().display(w).to_string(),
                term: term_index(w),
                log_phi: p.ln(),
                log_lift: if pw > 0.0 {
                    (p / pw).ln()
                } else {
                    f64::NEG_INFINITY
                },
                prob: p,
            }
        })
        .collect()
}

/// The corpus count of word `w`, its estimated count in each topic and
/// P(topic | w), as LDAvis's `createJSON` derives them from φ and the
/// topic sizes.
fn term_info(model: &LdaModel, matrix: &TopicWordMatrix, w: u32) -> TermInfo {
    let k = model.k();
    let count = (0..k)
        .map(|t| u64::from(model.topic_word_counts(t)[w as usize]))
        .sum();
    let topic_counts: Vec<f64> = (0..k)
        .map(|t| matrix.phi()[t][w as usize] * model.topic_counts()[t] as f64)
        .collect();
    let total: f64 = topic_counts.iter().sum();
    let topic_share = topic_counts
        .iter()
        .map(|&c| if total > 0.0 { c / total } else { 0.0 })
        .collect();
    TermInfo {
        word: model.vocab().display(w).to_string(),
        count,
        topic_counts,
        topic_share,
    }
}

/// The first `limit` fitted answers with their θ.
fn answer_rows(model: &LdaModel, limit: usize) -> Vec<AnswerRow> {
    model
        .documents()
        .iter()
        .take(limit)
        .enumerate()
        .map(|(d, doc)| AnswerRow {
            id: doc.id.clone(),
            text: doc.text.clone(),
            theta: model.theta(d),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_model() -> LdaModel {
        let text = "a a b\nc c d\na b b\nd d c\na a a";
        let answers = crate::io::answers_from_lines(text);
        let analyzer = crate::text::Analyzer::new(crate::text::TextOptions {
            pretokenized: true,
            ..Default::default()
        })
        .unwrap();
        let corpus =
            crate::corpus::Corpus::build(&answers, &analyzer, crate::corpus::PruneOptions::NONE)
                .unwrap();
        let params = crate::lda::LdaParams {
            k: 2,
            iterations: 20,
            seed: 1,
            ..Default::default()
        };
        crate::lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {}).unwrap()
    }

    #[test]
    fn answers_are_cut_at_the_limit_in_file_order() {
        let model = tiny_model();
        let rows = answer_rows(&model, 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "a a b");
        assert_eq!(rows[1].text, "c c d");
        assert_eq!(rows[1].theta, model.theta(1));
        assert_eq!(answer_rows(&model, MAX_ANSWERS).len(), 5);
    }
}
