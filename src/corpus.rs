//! Answers → a counted corpus: tokenized documents over a pruned vocabulary.
//!
//! Blank answers and answers left with no tokens keep their ids and are
//! reported (never silently dropped); they are simply not part of the fit.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fast_map::FastMap;
use crate::io::{Answer, InputOptions};
use crate::text::{Analysis, Analyzer, TextOptions};

/// The terms a model counts, each with the readable word shown for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Counting keys (stems / dictionary forms), indexed by word id.
    terms: Vec<String>,
    /// The most frequent original word of each term, for display.
    display: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

impl Vocabulary {
    /// Builds a vocabulary from parallel term and display lists.
    pub fn new(terms: Vec<String>, display: Vec<String>) -> Vocabulary {
        assert_eq!(terms.len(), display.len(), "one display form per term");
        let mut v = Vocabulary {
            terms,
            display,
            index: HashMap::new(),
        };
        v.rebuild_index();
        v
    }

    /// Restores the lookup table (after deserializing).
    pub fn rebuild_index(&mut self) {
        self.index = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
    }

    /// Refuses what a loaded vocabulary must not hold: a term without its
    /// display word (or the reverse), or a term listed twice (its ids would
    /// be ambiguous).
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.terms.len() != self.display.len() {
            return Err(format!(
                "the vocabulary has {} terms but {} display words",
                self.terms.len(),
                self.display.len()
            ));
        }
        let mut seen = std::collections::HashSet::with_capacity(self.terms.len());
        if let Some(dup) = self.terms.iter().find(|t| !seen.insert(t.as_str())) {
            return Err(format!("the vocabulary lists the term '{dup}' twice"));
        }
        Ok(())
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when no term survived pruning.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The id of a term, if the model knows it.
    pub fn id(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// The term (stem or token) of an id, as the model counts it.
    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    /// The word analysts read for this id (`curious` for the stem `curio`).
    pub fn display(&self, id: u32) -> &str {
        &self.display[id as usize]
    }

    /// Every term, indexed by id.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// One answer that takes part in the fit: its id and its word ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The answer's id (from the id column, or its line number).
    pub id: String,
    /// The answer as written.
    pub text: String,
    /// Word ids of the answer's tokens, in order (pruned words left out).
    pub words: Vec<u32>,
}

/// Vocabulary pruning by document frequency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PruneOptions {
    /// Keep terms used in at least this many answers.
    pub min_df: usize,
    /// Drop terms used in more than this share of answers (1.0 keeps all).
    pub max_df: f64,
}

impl PruneOptions {
    /// For a few hundred short answers: a word must occur in two answers to
    /// say anything about co-occurrence, and a word in more than half of all
    /// answers (the question's own words) only blurs every topic.
    pub const SHORT_ANSWERS: PruneOptions = PruneOptions {
        min_df: 2,
        max_df: 0.5,
    };

    /// No pruning: for pretokenized corpora taken as they are.
    pub const NONE: PruneOptions = PruneOptions {
        min_df: 1,
        max_df: 1.0,
    };

    /// The pruning `fit` and `select-k` use: the flags given, else the
    /// defaults for short answers, or none for pretokenized input.
    pub fn with_defaults(pretokenized: bool, min_df: Option<usize>, max_df: Option<f64>) -> Self {
        let base = if pretokenized {
            Self::NONE
        } else {
            Self::SHORT_ANSWERS
        };
        PruneOptions {
            min_df: min_df.unwrap_or(base.min_df),
            max_df: max_df.unwrap_or(base.max_df),
        }
    }

    fn validate(&self) -> Result<()> {
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::param(
                "--max-df",
                format!("{} is not a share in (0, 1]", self.max_df),
            ));
        }
        Ok(())
    }
}

/// What happened to the answers on the way into the corpus.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusReport {
    /// Answers read.
    pub answers: usize,
    /// Ids of blank answers (left out of the fit).
    pub blank_ids: Vec<String>,
    /// Ids of answers with text but no token left after stopwords and
    /// pruning (left out of the fit).
    pub empty_ids: Vec<String>,
    /// Ids of answers that only say the respondent does not know or has
    /// no reason (`I don't know.`, `잘 모르겠습니다`), left out of the fit
    /// as item nonresponse (see [`crate::text::nonanswer`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nonanswer_ids: Vec<String>,
    /// Distinct terms before pruning.
    pub terms_before_pruning: usize,
    /// Tokens in the fitted documents.
    pub tokens: usize,
    /// The roots the Korean analyzer left out of the tokens most often
    /// (XR, by default: see [`crate::text::Analysis::left_out_roots`]),
    /// most frequent first, at most [`LEFT_OUT_ROOTS_KEPT`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out_roots: Vec<LeftOutRoot>,
    /// Root occurrences left out in all, over every answer read.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out_root_tokens: usize,
}

impl CorpusReport {
    /// The left-out roots as a reader sees them: the `n` most frequent with
    /// their counts (`궁금 ×15, 지루 ×10, …`), or `None` when none was left
    /// out.
    pub fn left_out_roots_list(&self, n: usize) -> Option<String> {
        if self.left_out_roots.is_empty() {
            return None;
        }
        let shown: Vec<String> = self
            .left_out_roots
            .iter()
            .take(n)
            .map(|r| format!("{} ×{}", r.root, r.count))
            .collect();
        let more = if self.left_out_roots.len() > n {
            ", …"
        } else {
            ""
        };
        Some(format!("{}{more}", shown.join(", ")))
    }
}

/// A root the Korean analyzer left out, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutRoot {
    /// The root as written (궁금).
    pub root: String,
    /// Its occurrences in the answers read.
    pub count: usize,
}

/// How many of the left-out roots the report keeps: enough to name the
/// frequent ones without making a model file grow with its corpus.
pub const LEFT_OUT_ROOTS_KEPT: usize = 20;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The `LEFT_OUT_ROOTS_KEPT` most frequent of `counts`, most frequent
/// first; ties in alphabetical order, so the list does not depend on hash
/// order.
fn most_frequent_roots(counts: FastMap<usize>) -> Vec<LeftOutRoot> {
    let mut roots: Vec<LeftOutRoot> = counts
        .into_iter()
        .map(|(root, count)| LeftOutRoot { root, count })
        .collect();
    roots.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.root.cmp(&b.root)));
    roots.truncate(LEFT_OUT_ROOTS_KEPT);
    roots
}

/// A tokenized, pruned corpus ready for LDA.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The terms the model counts.
    pub vocab: Vocabulary,
    /// The answers that take part in the fit.
    pub docs: Vec<Document>,
    /// What reading and pruning kept and dropped, for the analyst.
    pub report: CorpusReport,
}

/// A corpus read by [`Corpus::from_path`], with the analyzer that
/// tokenized it and the SHA-256 of the file's text (saved in the model).
pub struct CorpusFile {
    /// The counted answers, ready to fit.
    pub corpus: Corpus,
    /// The text pipeline that produced the tokens (saved with the model).
    pub analyzer: Analyzer,
    /// SHA-256 of the file's text, hex: identifies the input in the model.
    pub sha256: String,
}

impl Corpus {
    /// Tokenizes `answers` (in parallel, order kept), prunes the vocabulary
    /// and drops answers left empty, reporting their ids.
    pub fn build(answers: &[Answer], analyzer: &Analyzer, prune: PruneOptions) -> Result<Corpus> {
        prune.validate()?;
        let interned = Interned::from_answers(answers, analyzer);
        Ok(Self::assemble(interned, answers.iter().cloned(), prune))
    }

    /// [`Corpus::build`], taking the answers: their texts move into the
    /// documents instead of being copied, which halves what a large input
    /// costs to hold.
    pub fn build_owned(
        answers: Vec<Answer>,
        analyzer: &Analyzer,
        prune: PruneOptions,
    ) -> Result<Corpus> {
        prune.validate()?;
        let interned = Interned::from_answers(&answers, analyzer);
        Ok(Self::assemble(interned, answers.into_iter(), prune))
    }

    /// Reads, tokenizes and builds the corpus of an answers file (`-` for
    /// standard input). The file is read before the analyzer is built (a
    /// bad file fails fast) and its text dropped before building (a large
    /// input is held once). A corpus with nothing to fit is
    /// [`Error::EmptyCorpus`] saying why, in one wording for every command.
    pub fn from_path(
        path: &std::path::Path,
        input: &InputOptions,
        text: TextOptions,
        prune: PruneOptions,
    ) -> Result<CorpusFile> {
        let raw = crate::io::read_text_in(path, input.encoding.as_deref())?;
        let sha256 = crate::lda::sha256_hex(raw.as_bytes());
        let answers = crate::io::parse_answers(&raw, path, input)?;
        drop(raw);
        let analyzer = Analyzer::new(text)?;
        let corpus = Corpus::build_owned(answers, &analyzer, prune)?;
        match corpus.empty_reason() {
            Some(reason) => Err(Error::EmptyCorpus {
                path: crate::io::display_path(path),
                reason,
            }),
            None => Ok(CorpusFile {
                corpus,
                analyzer,
                sha256,
            }),
        }
    }

    /// Why nothing is left to fit, or `None` when some answer has words.
    pub fn empty_reason(&self) -> Option<String> {
        let r = &self.report;
        Some(if !self.docs.is_empty() {
            return None;
        } else if r.answers == 0 {
            "the file has no answers".into()
        } else if r.blank_ids.len() == r.answers {
            format!("all {} answers are blank", r.answers)
        } else if r.blank_ids.len() + r.nonanswer_ids.len() == r.answers {
            format!(
                "all {} answers are blank or only say the respondent does not know ({} blank, {} such); --keep-nonanswers fits those",
                r.answers,
                r.blank_ids.len(),
                r.nonanswer_ids.len()
            )
        } else {
            format!(
                "no answer has a word left after stopwords and vocabulary pruning ({} answers, {} blank); try --min-df 1 or --no-stopwords",
                r.answers,
                r.blank_ids.len()
            )
        })
    }

    /// Prunes the interned vocabulary and makes the documents, renumbering
    /// each answer's term ids in place.
    fn assemble(
        interned: Interned,
        answers: impl ExactSizeIterator<Item = Answer>,
        prune: PruneOptions,
    ) -> Corpus {
        let mut report = CorpusReport {
            answers: answers.len(),
            terms_before_pruning: interned.terms.len(),
            left_out_root_tokens: interned.left_out_roots.values().sum(),
            left_out_roots: most_frequent_roots(interned.left_out_roots),
            ..Default::default()
        };
        let max_docs = (prune.max_df * interned.nonblank as f64).floor() as usize;
        let mut new_id: Vec<Option<u32>> = vec![None; interned.terms.len()];
        let mut kept_terms = Vec::new();
        let mut kept_display = Vec::new();
        for (old, term) in interned.terms.into_iter().enumerate() {
            let df = interned.df[old];
            if df >= prune.min_df && (prune.max_df >= 1.0 || df <= max_docs) {
                new_id[old] = Some(kept_terms.len() as u32);
                kept_display.push(interned.surfaces[old].most_frequent(&term).to_string());
                kept_terms.push(term);
            }
        }
        drop((interned.surfaces, interned.ids, interned.last_doc));
        let mut docs = Vec::new();
        for ((answer, mut words), nonanswer) in answers.zip(interned.docs).zip(interned.nonanswer) {
            if answer.text.trim().is_empty() {
                report.blank_ids.push(answer.id);
                continue;
            }
            if nonanswer {
                report.nonanswer_ids.push(answer.id);
                continue;
            }
            words.retain_mut(|t| match new_id[*t as usize] {
                Some(id) => {
                    *t = id;
                    true
                }
                None => false,
            });
            if words.is_empty() {
                report.empty_ids.push(answer.id);
                continue;
            }
            report.tokens += words.len();
            docs.push(Document {
                id: answer.id,
                text: answer.text,
                words,
            });
        }
        Corpus {
            vocab: Vocabulary::new(kept_terms, kept_display),
            docs,
            report,
        }
    }

    /// Total tokens in the fitted documents.
    pub fn num_tokens(&self) -> usize {
        self.report.tokens
    }
}

/// Every answer as ids of its (unpruned) terms, with each term's document
/// frequency and surface counts, terms numbered in first-seen order.
///
/// Answers are tokenized in parallel a chunk at a time and interned at
/// once, so the token strings of only one chunk are alive: a million
/// answers cost their ids (4 bytes a token), not their tokens' text.
/// Pretokenized answers are interned straight from their text, with no
/// string allocated for a term already seen.
struct Interned {
    terms: Vec<String>,
    df: Vec<usize>,
    surfaces: Vec<Surfaces>,
    docs: Vec<Vec<u32>>,
    /// Answers that are neither blank nor non-answers (the base of
    /// `max_df`).
    nonblank: usize,
    /// For each answer, whether it is a non-answer (no tokens, left out).
    nonanswer: Vec<bool>,
    /// The id of each term.
    ids: FastMap<u32>,
    /// For each term, 1 + the number of the last answer counted in its
    /// document frequency (0: none yet).
    last_doc: Vec<usize>,
    /// Occurrences of each root the analyzer left out.
    left_out_roots: FastMap<usize>,
}

/// How often each surface form gave one term. The form that is the term
/// itself (every token of pretokenized input, most English words) is
/// counted without a map entry.
#[derive(Debug, Default)]
struct Surfaces {
    /// Tokens whose surface is the term itself.
    same: usize,
    /// Tokens of any other surface, by surface.
    other: FastMap<usize>,
}

impl Surfaces {
    fn add(&mut self, term: &str, surface: &str) {
        // Pretokenized tokens pass the same slice twice: no comparison.
        if std::ptr::eq(surface, term) || surface == term {
            self.same += 1;
        } else if let Some(n) = self.other.get_mut(surface) {
            *n += 1;
        } else {
            self.other.insert(surface.to_string(), 1);
        }
    }

    /// The most frequent surface form of `term`; ties go to the
    /// alphabetically first, so the choice does not depend on hash order.
    fn most_frequent<'a>(&'a self, term: &'a str) -> &'a str {
        let same = (self.same > 0).then_some((term, self.same));
        let other = self.other.iter().map(|(s, &n)| (s.as_str(), n));
        same.into_iter()
            .chain(other)
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s)
            .unwrap_or("")
    }
}

/// Answers tokenized together before their tokens are interned: at most
/// this many, and at most [`CHUNK_BYTES`] of text, so that the token
/// strings alive at once stay a few megabytes whatever the answers' length.
const CHUNK: usize = 4096;
const CHUNK_BYTES: usize = 1 << 20;

/// The answers cut into consecutive chunks of at most [`CHUNK`] answers and
/// about [`CHUNK_BYTES`] of text (an answer longer than that is a chunk).
fn chunks(answers: &[Answer]) -> impl Iterator<Item = &[Answer]> {
    let mut rest = answers;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let mut end = 0;
        while end < rest.len()
            && end < CHUNK
            && (end == 0 || bytes + rest[end].text.len() <= CHUNK_BYTES)
        {
            bytes += rest[end].text.len();
            end += 1;
        }
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

impl Interned {
    fn from_answers(answers: &[Answer], analyzer: &Analyzer) -> Interned {
        let mut interned = Interned {
            terms: Vec::new(),
            df: Vec::new(),
            surfaces: Vec::new(),
            docs: Vec::with_capacity(answers.len()),
            nonblank: answers.iter().filter(|a| !a.text.trim().is_empty()).count(),
            nonanswer: vec![false; answers.len()],
            ids: FastMap::default(),
            last_doc: Vec::new(),
            left_out_roots: FastMap::default(),
        };
        if analyzer.options().pretokenized {
            for a in answers {
                let words = analyzer.pretokenized_words(&a.text).into_iter().flatten();
                interned.add_doc(words.map(|w| (w, w)));
            }
            return interned;
        }
        for chunk in chunks(answers) {
            let analyzed: Vec<Analysis> = chunk
                .par_iter()
                .map(|a| {
                    if a.text.trim().is_empty() {
                        Analysis::default()
                    } else {
                        analyzer.analyze(&a.text)
                    }
                })
                .collect();
            for analysis in analyzed {
                if analysis.nonanswer {
                    interned.nonanswer[interned.docs.len()] = true;
                    interned.nonblank -= 1;
                }
                let tokens = &analysis.tokens;
                interned.add_doc(tokens.iter().map(|t| (t.term.as_str(), t.surface.as_str())));
                for root in analysis.left_out_roots {
                    *interned.left_out_roots.entry(root).or_default() += 1;
                }
            }
        }
        interned
    }

    /// Interns one answer's (term, surface) tokens and counts each of its
    /// distinct terms once in the document frequencies.
    fn add_doc<'a>(&mut self, tokens: impl Iterator<Item = (&'a str, &'a str)>) {
        let doc_no = self.docs.len() + 1;
        let doc: Vec<u32> = tokens
            .map(|(term, surface)| {
                let id = self.intern(term, surface);
                if self.last_doc[id as usize] != doc_no {
                    self.last_doc[id as usize] = doc_no;
                    self.df[id as usize] += 1;
                }
                id
            })
            .collect();
        self.docs.push(doc);
    }

    fn intern(&mut self, term: &str, surface: &str) -> u32 {
        let id = match self.ids.get(term) {
            Some(&id) => id,
            None => {
                let id = self.terms.len() as u32;
                self.ids.insert(term.to_string(), id);
                self.terms.push(term.to_string());
                self.df.push(0);
                self.last_doc.push(0);
                self.surfaces.push(Surfaces::default());
                id
            }
        };
        self.surfaces[id as usize].add(term, surface);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextOptions;

    fn answers(lines: &[&str]) -> Vec<Answer> {
        crate::io::answers_from_lines(&lines.join("\n"))
    }

    fn pretok() -> Analyzer {
        Analyzer::new(TextOptions {
            pretokenized: true,
            ..TextOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn chunks_keep_order_and_bound_size() {
        let long = "x".repeat(CHUNK_BYTES / 2 + 1);
        let mut input: Vec<Answer> = (0..5)
            .map(|i| Answer {
                id: i.to_string(),
                text: long.clone(),
            })
            .collect();
        input.extend((0..CHUNK + 10).map(|i| Answer {
            id: format!("s{i}"),
            text: "a b".into(),
        }));
        let sizes: Vec<usize> = chunks(&input).map(|c| c.len()).collect();
        // Two half-megabyte answers do not fit one chunk; the last one
        // leaves room for short ones, up to CHUNK answers.
        assert_eq!(sizes, [1, 1, 1, 1, CHUNK, 11]);
        let ids: Vec<&str> = chunks(&input).flatten().map(|a| a.id.as_str()).collect();
        let expected: Vec<&str> = input.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, expected);
        assert_eq!(chunks(&[]).count(), 0);
    }

    #[test]
    fn blank_and_emptied_answers_are_reported() {
        let a = answers(&["a b", "", "c", "a b c"]);
        let prune = PruneOptions {
            min_df: 2,
            max_df: 1.0,
        };
        let c = Corpus::build(&a, &pretok(), prune).unwrap();
        assert_eq!(c.report.blank_ids, vec!["2".to_string()]);
        assert_eq!(c.report.empty_ids, Vec::<String>::new());
        assert_eq!(c.vocab.terms(), &["a", "b", "c"]);
        let prune = PruneOptions {
            min_df: 3,
            max_df: 1.0,
        };
        let c = Corpus::build(&a, &pretok(), prune).unwrap();
        assert!(c.vocab.is_empty());
        assert_eq!(c.report.empty_ids, vec!["1", "3", "4"]);
    }

    /// A non-answer is left out by name, does not count in the base of
    /// `max_df`, and is fitted when asked (`--keep-nonanswers`).
    #[test]
    fn nonanswers_are_left_out_unless_kept() {
        let a = answers(&[
            "I don't know.",
            "we know the family",
            "family trust",
            "",
            "know",
        ]);
        let prune = PruneOptions {
            min_df: 1,
            max_df: 0.5,
        };
        let english = |drop_nonanswers| {
            Analyzer::new(TextOptions {
                lang: crate::text::Lang::En,
                drop_nonanswers,
                ..TextOptions::default()
            })
            .unwrap()
        };
        let c = Corpus::build(&a, &english(true), prune).unwrap();
        assert_eq!(c.report.nonanswer_ids, ["1"]);
        assert_eq!(c.report.blank_ids, ["4"]);
        // Three answers with content, so max_df 0.5 allows a term in one:
        // `know` and `famili` (in two each) are pruned.
        assert_eq!(c.vocab.terms(), &["trust"]);
        assert_eq!(c.report.empty_ids, ["2", "5"]);

        let kept = Corpus::build(&a, &english(false), prune).unwrap();
        assert!(kept.report.nonanswer_ids.is_empty());
        // Four answers with text: `famili` (two) stays, `know` (three,
        // with the non-answer's) goes, and the non-answer is left empty.
        assert_eq!(kept.vocab.terms(), &["famili", "trust"]);
        assert_eq!(kept.report.empty_ids, ["1", "5"]);
    }

    #[test]
    fn a_file_of_nonanswers_says_why_nothing_is_left_to_fit() {
        let a = answers(&["Not sure.", "", "잘 모르겠습니다"]);
        let c = Corpus::build(
            &a,
            &Analyzer::new(TextOptions::default()).unwrap(),
            PruneOptions::NONE,
        )
        .unwrap();
        assert_eq!(
            c.empty_reason().as_deref(),
            Some(
                "all 3 answers are blank or only say the respondent does not know (1 blank, 2 such); --keep-nonanswers fits those"
            )
        );
    }

    #[test]
    fn the_report_counts_the_roots_left_out() {
        let a = answers(&["궁금해요", "지루하고 궁금했어요", "", "심심하고 지루해"]);
        let korean = Analyzer::new(TextOptions {
            lang: crate::text::Lang::Ko,
            ..TextOptions::default()
        })
        .unwrap();
        let c = Corpus::build(&a, &korean, PruneOptions::NONE).unwrap();
        let roots: Vec<(&str, usize)> = c
            .report
            .left_out_roots
            .iter()
            .map(|r| (r.root.as_str(), r.count))
            .collect();
        // Most frequent first, a tie in alphabetical order.
        assert_eq!(roots, [("궁금", 2), ("지루", 2), ("심심", 1)]);
        assert_eq!(c.report.left_out_root_tokens, 5);
        assert_eq!(
            c.report.left_out_roots_list(2).as_deref(),
            Some("궁금 ×2, 지루 ×2, …")
        );
        // Nothing was left out of pretokenized input, and nothing is said.
        let none = Corpus::build(&a, &pretok(), PruneOptions::NONE).unwrap();
        assert_eq!(none.report.left_out_roots_list(2), None);
        assert_eq!(none.report.left_out_root_tokens, 0);
    }

    #[test]
    fn the_report_keeps_the_most_frequent_roots_only() {
        let counts: FastMap<usize> = (0..LEFT_OUT_ROOTS_KEPT + 5)
            .map(|i| (format!("r{i:02}"), i % 7 + 1))
            .collect();
        let kept = most_frequent_roots(counts);
        assert_eq!(kept.len(), LEFT_OUT_ROOTS_KEPT);
        assert!(kept.windows(2).all(
            |p| p[0].count > p[1].count || (p[0].count == p[1].count && p[0].root < p[1].root)
        ));
        // Counts 1..=7 over 25 roots: the three of count 7, then of 6.
        let first: Vec<&str> = kept[..6].iter().map(|r| r.root.as_str()).collect();
        assert_eq!(first, ["r06", "r13", "r20", "r05", "r12", "r19"]);
    }

    #[test]
    fn max_df_drops_ubiquitous_terms() {
        let a = answers(&["x a", "x b", "x a", "y b"]);
        let c = Corpus::build(
            &a,
            &pretok(),
            PruneOptions {
                min_df: 1,
                max_df: 0.5,
            },
        )
        .unwrap();
        assert_eq!(c.vocab.terms(), &["a", "b", "y"]);
        assert_eq!(c.num_tokens(), 5);
    }

    #[test]
    fn from_path_says_why_nothing_is_left_to_fit() {
        let dir = tempfile::tempdir().unwrap();
        let text = || TextOptions {
            pretokenized: true,
            ..TextOptions::default()
        };
        let read = |name: &str, content: &str, prune| {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            Corpus::from_path(&path, &InputOptions::default(), text(), prune)
        };
        let err = |name, content| {
            let e = read(name, content, PruneOptions::SHORT_ANSWERS)
                .err()
                .unwrap();
            assert_eq!(e.exit_code(), 7);
            e.to_string()
                .replace(&dir.path().display().to_string(), "D")
        };
        assert_eq!(err("e.txt", ""), "D/e.txt: the file has no answers");
        assert_eq!(err("b.txt", " \n\n"), "D/b.txt: all 2 answers are blank");
        assert_eq!(
            err("p.txt", "a\nb\n\n"),
            "D/p.txt: no answer has a word left after stopwords and vocabulary pruning (3 answers, 1 blank); try --min-df 1 or --no-stopwords"
        );
        let file = read("ok.txt", "a b\nb c\n", PruneOptions::NONE).unwrap();
        assert_eq!(file.corpus.docs.len(), 2);
        assert_eq!(file.sha256, crate::lda::sha256_hex(b"a b\nb c\n"));
    }

    #[test]
    fn pruning_defaults_follow_pretokenized() {
        assert_eq!(
            PruneOptions::with_defaults(false, None, None),
            PruneOptions::SHORT_ANSWERS
        );
        assert_eq!(
            PruneOptions::with_defaults(true, None, None),
            PruneOptions::NONE
        );
        let given = PruneOptions::with_defaults(true, Some(3), Some(0.4));
        assert_eq!((given.min_df, given.max_df), (3, 0.4));
    }

    #[test]
    fn display_is_most_frequent_surface() {
        let mut counts = Surfaces::default();
        let add = |counts: &mut Surfaces, surface: &str, n: usize| {
            for _ in 0..n {
                counts.add("curio", surface);
            }
        };
        assert_eq!(counts.most_frequent("curio"), "");
        add(&mut counts, "curiosity", 2);
        add(&mut counts, "curious", 3);
        assert_eq!(counts.most_frequent("curio"), "curious");
        // The term's own form, counted apart, ties and sorts first.
        add(&mut counts, "curio", 3);
        assert_eq!((counts.same, counts.other.len()), (3, 2));
        assert_eq!(counts.most_frequent("curio"), "curio");
        add(&mut counts, "curious", 1);
        assert_eq!(counts.most_frequent("curio"), "curious");
        // A tie between other forms goes to the alphabetically first.
        add(&mut counts, "curiosity", 2);
        assert_eq!(counts.most_frequent("curio"), "curiosity");
    }

    #[test]
    fn pretokenized_interning_matches_the_token_path() {
        // The borrowed pretokenized path and the general token path give
        // the same terms, frequencies, surfaces and documents.
        let a = answers(&["b a b", "", "c a", "a  a\tb", "d"]);
        let analyzer = pretok();
        let fast = Interned::from_answers(&a, &analyzer);
        let mut slow = Interned::from_answers(&[], &analyzer);
        for answer in &a {
            let tokens = analyzer.tokens(&answer.text);
            slow.add_doc(tokens.iter().map(|t| (t.term.as_str(), t.surface.as_str())));
        }
        assert_eq!(fast.terms, ["b", "a", "c", "d"]);
        assert_eq!(fast.terms, slow.terms);
        assert_eq!(fast.df, [2, 3, 1, 1]);
        assert_eq!(fast.df, slow.df);
        assert_eq!(
            fast.docs,
            vec![vec![0, 1, 0], vec![], vec![2, 1], vec![1, 1, 0], vec![3]]
        );
        assert_eq!(fast.docs, slow.docs);
        let same: Vec<usize> = fast.surfaces.iter().map(|s| s.same).collect();
        assert_eq!(same, [3, 4, 1, 1]);
        assert!(fast.surfaces.iter().all(|s| s.other.is_empty()));
        let slow_same: Vec<usize> = slow.surfaces.iter().map(|s| s.same).collect();
        assert_eq!(same, slow_same);
    }

    #[test]
    fn pretokenized_words_leave_out_the_users_stopwords() {
        let analyzer = Analyzer::new(TextOptions {
            pretokenized: true,
            extra_stopwords: vec!["the".into()],
            ..TextOptions::default()
        })
        .unwrap();
        let words: Vec<&str> = analyzer
            .pretokenized_words(" the cat  the hat")
            .unwrap()
            .collect();
        assert_eq!(words, ["cat", "hat"]);
        let tokens = analyzer.tokens(" the cat  the hat");
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, words);
        let plain = Analyzer::new(TextOptions {
            lang: crate::text::Lang::En,
            ..TextOptions::default()
        })
        .unwrap();
        assert!(plain.pretokenized_words("the cat").is_none());
    }
}
