//! Shared by the explore/report/serve/browser tests: a tiny model whose
//! topics are known by construction.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use topics::corpus::{Corpus, PruneOptions};
use topics::io::answers_from_lines;
use topics::lda::{self, LdaModel, LdaParams};
use topics::text::{Analyzer, TextOptions};

/// Three disjoint word groups; every answer uses words of one group only,
/// so a 3-topic fit recovers the groups exactly.
pub const GROUPS: [[&str; 5]; 3] = [
    ["trust", "government", "honest", "transparent", "fair"],
    ["비용", "세금", "부담", "예산", "지출"],
    ["jobs", "economy", "wages", "work", "employers"],
];

/// 20 answers per group, 7 words each: w0 ×3, w1 ×2, w2 ×1 and w3 or w4,
/// so that within a group the counts are 60, 40, 20, 13, 7 (no ties).
pub fn answers_text() -> String {
    let mut lines = Vec::new();
    for d in 0..60 {
        let g = &GROUPS[d % 3];
        let i = d / 3;
        let last = if i % 3 == 0 { g[4] } else { g[3] };
        lines.push([g[0], g[0], g[0], g[1], g[1], g[2], last].join(" "));
    }
    lines.join("\n")
}

pub fn fit() -> LdaModel {
    let answers = answers_from_lines(&answers_text());
    let analyzer = Analyzer::new(TextOptions {
        pretokenized: true,
        ..Default::default()
    })
    .unwrap();
    let corpus = Corpus::build(&answers, &analyzer, PruneOptions::NONE).unwrap();
    let params = LdaParams {
        k: 3,
        iterations: 200,
        seed: 7,
        ..Default::default()
    };
    let mut model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {}).unwrap();
    model.input.path = "answers.txt".into();
    model.input.sha256 = lda::sha256_hex(answers_text().as_bytes());
    model
}

/// Fits and saves the model as `dir/model.json`.
pub fn saved_model(dir: &Path) -> PathBuf {
    let path = dir.join("model.json");
    fit().save(&path).unwrap();
    path
}

/// Which group (0, 1, 2) a fitted topic is, by its top word.
pub fn group_of(model: &LdaModel, topic: usize) -> usize {
    let top = model.vocab().display(model.top_words(topic, 1)[0].0);
    GROUPS
        .iter()
        .position(|g| g.contains(&top))
        .expect("top word in a group")
}

pub fn topics_bin() -> &'static str {
    env!("CARGO_BIN_EXE_topics")
}
