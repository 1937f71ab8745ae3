//! The model's text summary (`topics fit` prints it; `topics summary`
//! reprints it from a saved model).

use super::LdaModel;

impl LdaModel {
    /// A readable summary in the spirit of tomotopy's `summary()`.
    pub fn summary(&self, top_n: usize) -> String {
        self.summary_labeled(top_n, &[])
    }

    /// [`LdaModel::summary`] with the analyst's topic labels shown beside
    /// the topic ids (`labels[k]`, where given).
    pub fn summary_labeled(&self, top_n: usize, labels: &[Option<String>]) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let c = &self.corpus;
        let p = &self.params;
        let _ = writeln!(s, "<Corpus>");
        let nonanswers = if c.nonanswer_ids.is_empty() {
            String::new()
        } else {
            format!(
                ", {} non-answers (don't know, no reason)",
                c.nonanswer_ids.len()
            )
        };
        let _ = writeln!(
            s,
            "| answers: {} read, {} fitted, {} blank{nonanswers}, {} without words after preprocessing",
            c.answers,
            self.documents.len(),
            c.blank_ids.len(),
            c.empty_ids.len()
        );
        let _ = writeln!(
            s,
            "| tokens: {}   vocabulary: {} terms ({} before pruning)",
            self.num_tokens(),
            self.vocab.len(),
            c.terms_before_pruning
        );
        if let Some(line) = self.left_out_roots_line() {
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "<Settings>");
        let _ = writeln!(
            s,
            "| k: {}   iterations: {}   seed: {}   burn-in: {}   optimize-interval: {}",
            p.k, p.iterations, p.seed, p.burn_in, p.optimize_interval
        );
        let _ = writeln!(
            s,
            "| alpha: {} (initial {}; sum {:.4})   beta: {:.5} (initial {})",
            format_alpha(&self.alpha),
            p.alpha,
            self.alpha.iter().sum::<f64>(),
            self.beta,
            p.beta
        );
        let _ = writeln!(s, "<Fit>");
        let _ = writeln!(s, "| log-likelihood per token: {:.4}", self.ll_per_token());
        if let Some(chains) = self.chains() {
            let _ = writeln!(s, "{}", chains.summary_line());
        }
        let _ = writeln!(s, "<Topics>");
        for t in 0..self.k() {
            let words: Vec<&str> = self
                .top_words(t, top_n)
                .iter()
                .map(|&(w, _)| self.vocab.display(w))
                .collect();
            let label = match labels.get(t) {
                Some(Some(name)) => format!(" {name}"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "| #{t}{label} ({:.1}% of tokens): {}",
                100.0 * self.token_share(t),
                words.join(", ")
            );
        }
        s
    }
}

/// Left-out roots named in the summary; the model keeps more.
const ROOTS_SHOWN: usize = 6;

impl LdaModel {
    /// The summary's line on the roots the Korean analyzer left out (`| left
    /// out: roots of 하다-words, 40 times (궁금 ×15, …)`), with the
    /// `--ko-keep` that counts them; `None` when none was left out.
    fn left_out_roots_line(&self) -> Option<String> {
        let c = &self.corpus;
        let shown = c.left_out_roots_list(ROOTS_SHOWN)?;
        let mut classes = self.text.ko_keep_effective();
        classes.push("XR");
        Some(format!(
            "| left out: roots of 하다-words, {} times ({shown}), as Kiwi does; --ko-keep {} counts them",
            c.left_out_root_tokens,
            classes.join(",")
        ))
    }
}

fn format_alpha(alpha: &[f64]) -> String {
    let shown: Vec<String> = alpha.iter().take(8).map(|a| format!("{a:.4}")).collect();
    let more = if alpha.len() > 8 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}
