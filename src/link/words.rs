//! Words ↔ levels: does the experiment agree with what a topic's words say?
//!
//! Each topic's top words (by probability and by FREX) are put beside the
//! attribute levels they share (a word among several topics' top words goes
//! to the topic that holds most of its tokens): a level's label is run
//! through the model's own text pipeline, so `Family` meets the stemmed
//! `famili` of the answers and `가족` the Korean analyzer's `가족`. A user-editable mapping file adds
//! pairs the labels cannot show (the answers say `trust`, the level is
//! `Family`):
//!
//! ```text
//! # word or topic -> levels ('-' before a level: expected to be chosen less)
//! trust -> Family, Friend
//! drama -> provider=Friend, Video
//! topic 2 -> South Korean
//! fear -> -Stranger
//! ```
//!
//! The left side is a topic (`topic 2`, `#2`, or a topic's label) or a word:
//! of the topics with that word among their top words, the one that holds
//! most of the word's tokens (a common word can be among the top words of
//! several topics, but it is one topic's word); `→` may replace `->`.
//! For each pair the table gives the topic group's marginal-mean difference
//! from the other respondents for that level, its interval, and whether it
//! points the way the words suggest.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::combine::LinkRow;
use super::error::LinkError;
use super::estimate::OTHERS;
use super::groups::GroupRule;
use crate::conjoint::data::Feature;
use crate::conjoint::estimate::Statistic;
use crate::error::Result;
use crate::explore::{Labels, Ranking, TopicWordMatrix};
use crate::io::{display_path, read_text};
use crate::lda::LdaModel;
use crate::text::Analyzer;

/// A topic's top words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicWords {
    /// The topic's 0-based number.
    pub topic: usize,
    /// The topic's name (label or number).
    pub name: String,
    /// By probability φ, comma-separated.
    pub prob: String,
    /// By stm's FREX (weight 0.5).
    pub frex: String,
}

/// Which direction the words suggest for a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// Writers of the topic choose the level more.
    More,
    /// Writers of the topic choose the level less.
    Less,
}

impl Expected {
    /// `more` or `less`, as the outputs write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Expected::More => "more",
            Expected::Less => "less",
        }
    }
}

/// One line of the mapping file.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingLine {
    /// 1-based line in the mapping file.
    pub line: usize,
    /// The words the line maps (left of the arrow).
    pub left: String,
    /// `(feature or None, level, expected)`.
    pub levels: Vec<(Option<String>, String, Expected)>,
}

/// Reads a mapping file (see the module documentation).
pub fn read_mapping(path: &Path) -> Result<Vec<MappingLine>> {
    parse_mapping(&read_text(path)?, &display_path(path))
}

/// Parses mapping-file text; `path` names the file in errors.
pub fn parse_mapping(text: &str, path: &Path) -> Result<Vec<MappingLine>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |message: String| LinkError::BadMapping {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let (left, right) = line
            .split_once("->")
            .or_else(|| line.split_once('→'))
            .ok_or_else(|| bad(format!("expected 'word -> Level, Level', found '{line}'")))?;
        let left = left.trim();
        if left.is_empty() {
            return Err(bad("nothing before '->': name a word or a topic".into()).into());
        }
        let mut levels = Vec::new();
        for item in right.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (expected, item) = match item.strip_prefix('-') {
                Some(rest) => (Expected::Less, rest.trim()),
                None => (
                    Expected::More,
                    item.strip_prefix('+').unwrap_or(item).trim(),
                ),
            };
            let (feature, level) = match item.split_once('=') {
                Some((f, l)) => (Some(f.trim().to_string()), l.trim().to_string()),
                None => (None, item.to_string()),
            };
            levels.push((feature, level, expected));
        }
        if levels.is_empty() {
            return Err(bad(format!("no level after '->' for '{left}'")).into());
        }
        out.push(MappingLine {
            line: i + 1,
            left: left.to_string(),
            levels,
        });
    }
    Ok(out)
}

/// A topic beside a level, with the experiment's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordLevelPair {
    /// The topic's 0-based number.
    pub topic: usize,
    /// The topic's name (label or number).
    pub name: String,
    /// The feature (column name).
    pub feature: String,
    /// The level.
    pub level: String,
    /// The words that link them (shared by the level's label and the
    /// topic's top words, or named in the mapping file).
    pub words: String,
    /// `label` (shared words) or `mapping line N`.
    pub source: String,
    /// The direction the words suggest.
    pub expected: Expected,
    /// The outcome column of the estimate, when there is one.
    pub outcome: Option<String>,
    /// The topic group's marginal-mean difference from the others.
    pub mm_difference: Option<f64>,
    /// Its standard error (pooled over draws).
    pub std_error: Option<f64>,
    /// Lower end of its confidence interval.
    pub lower: Option<f64>,
    /// Upper end of its confidence interval.
    pub upper: Option<f64>,
    /// Its p-value.
    pub p: Option<f64>,
    /// `agrees` (interval on the expected side of 0), `contradicts` (on
    /// the other side), `unclear` (covers 0) or `no estimate`.
    pub verdict: Cow<'static, str>,
}

/// The words ↔ levels cross-check.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WordsLevels {
    /// Each topic's top words.
    pub topics: Vec<TopicWords>,
    /// Every topic ↔ level pair found.
    pub pairs: Vec<WordLevelPair>,
    /// Mapping lines whose word is among no topic's top words (a word of
    /// the other language in a bilingual mapping file, or topics that
    /// changed since the file was written).
    pub unmatched: Vec<String>,
}

/// Top words of every topic as term sets, for matching.
struct TopWords {
    terms: Vec<BTreeSet<String>>,
    shown: Vec<TopicWords>,
}

fn top_words(model: &LdaModel, labels: &Labels, n: usize) -> TopWords {
    let matrix = TopicWordMatrix::from_model(model);
    let mut terms = Vec::new();
    let mut shown = Vec::new();
    for t in 0..model.k() {
        let prob = matrix.top_words_named(model, t, Ranking::Prob, n);
        let frex = matrix.top_words_named(model, t, Ranking::Frex { weight: 0.5 }, n);
        terms.push(
            prob.iter()
                .chain(&frex)
                .map(|w| model.vocab().term(w.word_id).to_string())
                .collect(),
        );
        let join = |ws: &[crate::explore::RankedWord]| {
            ws.iter()
                .map(|w| w.word.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        shown.push(TopicWords {
            topic: t,
            name: labels.name(t),
            prob: join(&prob),
            frex: join(&frex),
        });
    }
    TopWords { terms, shown }
}

/// Builds the cross-check: pairs from shared words and from `mapping`,
/// each with the pooled marginal-mean difference in `rows` (for every
/// outcome). `top_n` words per ranking are considered.
#[allow(clippy::too_many_arguments)]
pub fn words_levels(
    model: &LdaModel,
    labels: &Labels,
    features: &[Feature],
    rows: &[LinkRow],
    rule: GroupRule,
    mapping: &[MappingLine],
    mapping_path: Option<&Path>,
    top_n: usize,
) -> Result<WordsLevels> {
    let analyzer = Analyzer::new(model.text_options().clone())?;
    let top = top_words(model, labels, top_n);
    let terms_of = |text: &str| -> BTreeSet<String> {
        analyzer.tokens(text).into_iter().map(|t| t.term).collect()
    };
    // (topic, feature index, level index, words, source, expected)
    let mut links: Vec<(usize, usize, usize, String, String, Expected)> = Vec::new();
    let tokens_in = |t: usize, term: &str| {
        model
            .vocab()
            .id(term)
            .map_or(0, |w| u64::from(model.topic_word_counts(t)[w as usize]))
    };
    // Each word of a level's label goes to the one topic that has it among
    // its top words and holds most of its tokens.
    for (f, feature) in features.iter().enumerate() {
        for (l, level) in feature.levels.iter().enumerate() {
            let mut by_topic: Vec<(usize, Vec<String>)> = Vec::new();
            for term in terms_of(level) {
                let Some(t) = owner(&top.terms, std::slice::from_ref(&term), &tokens_in) else {
                    continue;
                };
                match by_topic.iter_mut().find(|(u, _)| *u == t) {
                    Some((_, words)) => words.push(display_of(model, &term)),
                    None => by_topic.push((t, vec![display_of(model, &term)])),
                }
            }
            by_topic.sort_by_key(|(t, _)| *t);
            for (t, words) in by_topic {
                links.push((t, f, l, words.join(", "), "label".into(), Expected::More));
            }
        }
    }
    let path = mapping_path.map(display_path).unwrap_or_default();
    let mut unmatched = Vec::new();
    for m in mapping {
        let bad = |message: String| LinkError::BadMapping {
            path: path.clone(),
            line: m.line,
            message,
        };
        let topics = mapped_topics(&m.left, labels, &top.terms, &terms_of, &tokens_in);
        // Levels are checked even when the word matches no topic: a level
        // that is not in the design is a mistake in the file.
        let levels = m
            .levels
            .iter()
            .map(|(feature, level, expected)| {
                find_level(features, feature.as_deref(), level)
                    .map(|(f, l)| (f, l, *expected))
                    .map_err(bad)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if topics.is_empty() {
            unmatched.push(format!(
                "{}: line {}: '{}' is not a topic (topic N, #N or a label) nor among any topic's top {top_n} words; no pair",
                path.display(),
                m.line,
                m.left
            ));
            continue;
        }
        for (f, l, expected) in levels {
            for &t in &topics {
                links.push((
                    t,
                    f,
                    l,
                    m.left.clone(),
                    format!("mapping line {}", m.line),
                    expected,
                ));
            }
        }
    }
    let mut pairs = Vec::new();
    for (t, f, l, words, source, expected) in links {
        let feature = &features[f];
        let level = &feature.levels[l];
        let group = rule
            .topic_of_group(t)
            .map(|g| format!("{} - {OTHERS}", rule.names(labels)[g]));
        let matches: Vec<&LinkRow> = rows
            .iter()
            .filter(|r| {
                r.row.statistic == Statistic::MmDifference
                    && r.row.by == group
                    && r.row.feature == feature.name
                    && &r.row.level == level
            })
            .collect();
        let base = WordLevelPair {
            topic: t,
            name: labels.name(t),
            feature: feature.name.clone(),
            level: level.clone(),
            words: words.clone(),
            source: source.clone(),
            expected,
            outcome: None,
            mm_difference: None,
            std_error: None,
            lower: None,
            upper: None,
            p: None,
            verdict: "no estimate".into(),
        };
        if matches.is_empty() || !matches!(rule, GroupRule::Dominant | GroupRule::Threshold(_)) {
            pairs.push(base);
            continue;
        }
        for r in matches {
            let mut p = base.clone();
            p.outcome = Some(r.row.outcome.clone());
            p.mm_difference = Some(r.row.estimate);
            p.std_error = r.row.std_error;
            p.lower = r.row.lower;
            p.upper = r.row.upper;
            p.p = r.row.p;
            p.verdict = verdict(r.row.lower, r.row.upper, expected).into();
            pairs.push(p);
        }
    }
    Ok(WordsLevels {
        topics: top.shown,
        pairs,
        unmatched,
    })
}

/// The readable form of a vocabulary term (the term itself if unknown).
fn display_of(model: &LdaModel, term: &str) -> String {
    model
        .vocab()
        .id(term)
        .map_or(term.to_string(), |id| model.vocab().display(id).to_string())
}

/// `agrees` when the interval lies on the expected side of 0,
/// `contradicts` when on the other, else `unclear`.
pub fn verdict(lower: Option<f64>, upper: Option<f64>, expected: Expected) -> &'static str {
    let (Some(lo), Some(hi)) = (lower, upper) else {
        return "no estimate";
    };
    let (pos, neg) = (lo > 0.0, hi < 0.0);
    match (expected, pos, neg) {
        (Expected::More, true, _) | (Expected::Less, _, true) => "agrees",
        (Expected::More, _, true) | (Expected::Less, true, _) => "contradicts",
        _ => "unclear",
    }
}

fn mapped_topics(
    left: &str,
    labels: &Labels,
    top_terms: &[BTreeSet<String>],
    terms_of: &dyn Fn(&str) -> BTreeSet<String>,
    tokens_in: &dyn Fn(usize, &str) -> u64,
) -> Vec<usize> {
    let lower = left.to_lowercase();
    let number = lower
        .strip_prefix("topic")
        .or_else(|| lower.strip_prefix('#'))
        .and_then(|n| n.trim().parse::<usize>().ok());
    if let Some(t) = number.filter(|&t| t < labels.k()) {
        return vec![t];
    }
    if let Some(t) =
        (0..labels.k()).find(|&t| labels.get(t).is_some_and(|l| l.to_lowercase() == lower))
    {
        return vec![t];
    }
    let terms = terms_of(left);
    if terms.is_empty() {
        return Vec::new();
    }
    let terms: Vec<String> = terms.into_iter().collect();
    owner(top_terms, &terms, tokens_in).into_iter().collect()
}

/// Of the topics with all `terms` among their top words, the one holding
/// most of their tokens (the lower topic on a tie).
fn owner(
    top_terms: &[BTreeSet<String>],
    terms: &[String],
    tokens_in: &dyn Fn(usize, &str) -> u64,
) -> Option<usize> {
    (0..top_terms.len())
        .filter(|&t| terms.iter().all(|term| top_terms[t].contains(term)))
        .map(|t| (t, terms.iter().map(|term| tokens_in(t, term)).sum::<u64>()))
        .fold(None, |best: Option<(usize, u64)>, (t, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((t, n)),
        })
        .map(|(t, _)| t)
}

fn find_level(
    features: &[Feature],
    feature: Option<&str>,
    level: &str,
) -> Result<(usize, usize), String> {
    let want = level.to_lowercase();
    let mut found = Vec::new();
    for (f, feat) in features.iter().enumerate() {
        if feature.is_some_and(|name| name != feat.name && name != feat.label) {
            continue;
        }
        for (l, lv) in feat.levels.iter().enumerate() {
            if lv.to_lowercase() == want {
                found.push((f, l));
            }
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(match feature {
            Some(name) if !features.iter().any(|f| f.name == name || f.label == name) => format!(
                "'{name}' is not a feature (features: {})",
                features
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("no level '{level}' in the design"),
        }),
        many => Err(format!(
            "level '{level}' is in several features ({}); write feature=level",
            many.iter()
                .map(|&(f, _)| features[f].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_file_lines() {
        let text = "# comment\n\ntrust -> Family, Friend\n가족 → provider=Family, -Stranger\n";
        let m = parse_mapping(text, Path::new("map.txt")).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].line, 3);
        assert_eq!(
            m[0].levels,
            vec![
                (None, "Family".to_string(), Expected::More),
                (None, "Friend".to_string(), Expected::More)
            ]
        );
        assert_eq!(m[1].left, "가족");
        assert_eq!(
            m[1].levels[1],
            (None, "Stranger".to_string(), Expected::Less)
        );
        let err = parse_mapping("trust: Family\n", Path::new("map.txt")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "map.txt: line 1: expected 'word -> Level, Level', found 'trust: Family'"
        );
        assert_eq!(err.exit_code(), 52);
        let err = parse_mapping("trust ->  \n", Path::new("map.txt")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "map.txt: line 1: no level after '->' for 'trust'"
        );
    }

    #[test]
    fn levels_found_case_insensitively_and_ambiguity_named() {
        let features = vec![
            Feature {
                name: "a".into(),
                label: "A".into(),
                levels: vec!["Home".into(), "Family".into()],
            },
            Feature {
                name: "b".into(),
                label: "B".into(),
                levels: vec!["home".into(), "Work".into()],
            },
        ];
        assert_eq!(find_level(&features, None, "family"), Ok((0, 1)));
        assert_eq!(find_level(&features, Some("b"), "Home"), Ok((1, 0)));
        assert_eq!(
            find_level(&features, None, "Home"),
            Err("level 'Home' is in several features (a, b); write feature=level".into())
        );
        assert_eq!(
            find_level(&features, Some("c"), "Home"),
            Err("'c' is not a feature (features: a, b)".into())
        );
    }

    #[test]
    fn a_shared_word_goes_to_the_topic_with_most_of_its_tokens() {
        let top: Vec<BTreeSet<String>> = vec![
            ["famili", "trust"].iter().map(|s| s.to_string()).collect(),
            ["famili", "drama"].iter().map(|s| s.to_string()).collect(),
            ["drama"].iter().map(|s| s.to_string()).collect(),
        ];
        let counts = |t: usize, term: &str| match (t, term) {
            (0, "famili") => 40,
            (1, "famili") => 55,
            (1, "drama") | (2, "drama") => 30,
            _ => 0,
        };
        assert_eq!(owner(&top, &["famili".into()], &counts), Some(1));
        assert_eq!(owner(&top, &["trust".into()], &counts), Some(0));
        // A tie goes to the lower topic; a word in no top list to none.
        assert_eq!(owner(&top, &["drama".into()], &counts), Some(1));
        assert_eq!(owner(&top, &["radio".into()], &counts), None);
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(Some(0.01), Some(0.2), Expected::More), "agrees");
        assert_eq!(
            verdict(Some(0.01), Some(0.2), Expected::Less),
            "contradicts"
        );
        assert_eq!(verdict(Some(-0.2), Some(-0.01), Expected::Less), "agrees");
        assert_eq!(verdict(Some(-0.2), Some(0.01), Expected::More), "unclear");
        assert_eq!(verdict(None, None, Expected::More), "no estimate");
    }
}
