//! The rule by which `topics select-k` names a K, and the sentences that
//! say why and when the evidence for it is weak.
//!
//! The rule: among the Ks whose topics the seeds reproduce (stability ≥ the
//! threshold), the K with the best held-out log-likelihood, unless a
//! smaller stable K comes within the seed-to-seed standard deviation of it:
//! then the smallest such K. Like the one-standard-error rule of
//! cross-validation (Hastie, Tibshirani & Friedman, *Elements of
//! Statistical Learning*, §7.10), it names the simpler model when the data
//! cannot tell the two apart, because a topic split off by a larger K that
//! predicts no better is one an analyst would have to explain away. With a
//! single seed stability is unknown and held-out likelihood decides alone;
//! when no K is stable the most stable K is named. Either way the evidence
//! is then called weak, as it is when held-out likelihood does not separate
//! the chosen K from the runner-up (their difference is within the
//! seed-to-seed standard deviation, which includes every parsimonious
//! choice), or when the chosen K is the largest tried (a larger one might
//! be stable too).

use super::select_k::{KSummary, Recommendation};

/// Ks in a list: `2`, `2 and 3`, `4, 5 and 6`.
fn list_ks(ks: &[usize]) -> String {
    let names: Vec<String> = ks.iter().map(usize::to_string).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Held-out likelihood for comparisons: a K without scored tokens (NaN)
/// loses to every K with some.
fn ll(s: &KSummary) -> f64 {
    if s.held_out_ll.is_nan() {
        f64::NEG_INFINITY
    } else {
        s.held_out_ll
    }
}

/// The summary with the largest `key` (the first one on ties, so the
/// smaller K when the Ks are given in increasing order).
fn best_by<'a>(rows: &[&'a KSummary], key: impl Fn(&KSummary) -> f64) -> Option<&'a KSummary> {
    rows.iter()
        .copied()
        .fold(None, |best: Option<&KSummary>, s| match best {
            Some(b) if key(b) >= key(s) => Some(b),
            _ => Some(s),
        })
}

/// Applies the rule of this module to the per-K summaries (not empty).
pub(super) fn recommend(summary: &[KSummary], min_stability: f64) -> Recommendation {
    let rule = format!(
        "of the Ks whose topics the seeds reproduce (stability >= {min_stability:.2}), \
         the one with the best held-out log-likelihood, or the smallest whose held-out \
         log-likelihood is within the seed-to-seed sd of that best; with one seed, the best \
         held-out log-likelihood; with no stable K, the most stable K"
    );
    let all: Vec<&KSummary> = summary.iter().collect();
    let seeded = summary.iter().all(|s| s.stability.is_some());
    let stable: Vec<&KSummary> = summary
        .iter()
        .filter(|s| s.stability.is_some_and(|x| x >= min_stability))
        .collect();
    let mut weak = Vec::new();
    let chosen = if !seeded {
        weak.push(
            "one seed: stability across seeds is unknown, so held-out likelihood decided alone \
             (run --seeds 3 or more)"
                .to_string(),
        );
        best_by(&all, ll)
    } else if stable.is_empty() {
        weak.push(format!(
            "no K reaches stability {min_stability:.2}: at every K tried the topics change with \
             the seed"
        ));
        best_by(&all, |s| s.stability.unwrap_or(0.0))
    } else {
        parsimonious(&stable)
    };
    let Some(chosen) = chosen else {
        return Recommendation {
            k: 0,
            rule,
            reason: "no K was fitted".into(),
            weak,
        };
    };
    let by_stability = seeded && stable.is_empty();
    let candidates = if stable.is_empty() { &all } else { &stable };
    let reason = reason(chosen, candidates, summary, min_stability);
    if !by_stability {
        weak.extend(weak_separation(chosen, candidates));
    }
    let largest = summary.iter().map(|s| s.k).max();
    if summary.len() > 1 && Some(chosen.k) == largest {
        weak.push(format!(
            "K = {} is the largest K tried: a larger K may do as well",
            chosen.k
        ));
    }
    Recommendation {
        k: chosen.k,
        rule,
        reason,
        weak,
    }
}

/// Two Ks whose held-out likelihoods differ by less than the larger of
/// their seed-to-seed standard deviations: the data do not tell them apart.
fn within_noise(a: &KSummary, b: &KSummary) -> bool {
    (ll(a) - ll(b)).abs() < a.held_out_ll_sd.max(b.held_out_ll_sd)
}

/// The best held-out likelihood among `stable`, or the smallest K within
/// noise of it ([`within_noise`]).
fn parsimonious<'a>(stable: &[&'a KSummary]) -> Option<&'a KSummary> {
    let best = best_by(stable, ll)?;
    stable
        .iter()
        .copied()
        .filter(|s| s.k < best.k && within_noise(s, best))
        .min_by_key(|s| s.k)
        .or(Some(best))
}

/// Why `chosen`: its stability, its held-out likelihood against the
/// runner-up among `candidates`, its coherence, and the Ks left out as
/// unstable.
fn reason(
    chosen: &KSummary,
    candidates: &[&KSummary],
    summary: &[KSummary],
    min_stability: f64,
) -> String {
    let mut parts = Vec::new();
    let others: Vec<&KSummary> = candidates
        .iter()
        .copied()
        .filter(|s| s.k != chosen.k)
        .collect();
    if let Some(stability) = chosen.stability {
        let also = others.iter().map(|s| s.k).collect::<Vec<_>>();
        let stable = stability >= min_stability;
        parts.push(match (stable, also.is_empty()) {
            (true, true) => format!("the only stable K (stability {stability:.3})"),
            (true, false) => format!(
                "stable (stability {stability:.3}, as {} K = {})",
                if also.len() == 1 { "is" } else { "are" },
                list_ks(&also)
            ),
            (false, _) => format!("the most stable K (stability {stability:.3})"),
        });
    }
    match best_by(&others, ll) {
        Some(runner_up) if chosen.stability.is_none_or(|s| s >= min_stability) => {
            let mut part = format!(
                "held-out log-likelihood {:.3} per token against {:.3} at K = {}",
                chosen.held_out_ll, runner_up.held_out_ll, runner_up.k
            );
            if ll(runner_up) > ll(chosen) {
                part.push_str(&format!(
                    ", within the seed-to-seed sd ({:.3}), so the smaller K",
                    chosen.held_out_ll_sd.max(runner_up.held_out_ll_sd)
                ));
            }
            parts.push(part)
        }
        _ => parts.push(format!(
            "held-out log-likelihood {:.3} per token",
            chosen.held_out_ll
        )),
    }
    parts.push(coherence_note(chosen, candidates));
    let unstable: Vec<String> = summary
        .iter()
        .filter_map(|s| {
            let x = s.stability?;
            (x < min_stability).then(|| format!("{} ({x:.3})", s.k))
        })
        .collect();
    if !unstable.is_empty() && chosen.stability.is_some_and(|s| s >= min_stability) {
        parts.push(format!("not stable: K = {}", unstable.join(", ")));
    }
    parts.join("; ")
}

/// Coherence beside the choice: whether another candidate has higher NPMI.
fn coherence_note(chosen: &KSummary, candidates: &[&KSummary]) -> String {
    match best_by(candidates, |s| s.npmi) {
        _ if candidates.len() < 2 => format!("NPMI coherence {:.3}", chosen.npmi),
        Some(best) if best.k != chosen.k => format!(
            "NPMI coherence {:.3} (K = {} has {:.3})",
            chosen.npmi, best.k, best.npmi
        ),
        _ => format!("NPMI coherence {:.3}, the highest of these", chosen.npmi),
    }
}

/// A sentence when held-out likelihood does not separate `chosen` from the
/// runner-up (the best of the others, which may be better than `chosen`
/// when [`parsimonious`] named the smaller K): their means differ by less
/// than the larger seed-to-seed sd, or the runner-up is better.
fn weak_separation(chosen: &KSummary, candidates: &[&KSummary]) -> Option<String> {
    let others: Vec<&KSummary> = candidates
        .iter()
        .copied()
        .filter(|s| s.k != chosen.k)
        .collect();
    let runner_up = best_by(&others, ll)?;
    let gap = ll(chosen) - ll(runner_up);
    let sd = chosen.held_out_ll_sd.max(runner_up.held_out_ll_sd);
    (gap < sd).then(|| {
        format!(
            "held-out likelihood does not separate K = {} from K = {} \
             (difference {:.3}, seed-to-seed sd {sd:.3})",
            chosen.k,
            runner_up.k,
            gap.abs()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: usize, ll: f64, sd: f64, npmi: f64, stability: Option<f64>) -> KSummary {
        KSummary {
            k,
            held_out_ll: ll,
            held_out_ll_sd: sd,
            umass: -70.0,
            npmi,
            exclusivity: 9.0,
            stability,
        }
    }

    /// The English bundled answers' summary (K 2..6, seeds 1..5).
    fn bundled() -> Vec<KSummary> {
        vec![
            row(2, -4.8734, 0.0086, 0.1805, Some(0.9926)),
            row(3, -4.5996, 0.0437, 0.1476, Some(0.9709)),
            row(4, -4.5758, 0.0769, 0.0832, Some(0.7271)),
            row(5, -4.4780, 0.0450, 0.0923, Some(0.7133)),
            row(6, -4.4771, 0.0323, 0.0897, Some(0.6874)),
        ]
    }

    #[test]
    fn best_held_out_among_the_stable_ks() {
        let r = recommend(&bundled(), 0.9);
        assert_eq!(r.k, 3);
        assert_eq!(
            r.reason,
            "stable (stability 0.971, as is K = 2); held-out log-likelihood -4.600 per \
             token against -4.873 at K = 2; NPMI coherence 0.148 (K = 2 has 0.180); not stable: \
             K = 4 (0.727), 5 (0.713), 6 (0.687)"
        );
        assert!(r.weak.is_empty(), "{:?}", r.weak);
        // A stricter threshold leaves K = 2 alone.
        assert_eq!(recommend(&bundled(), 0.98).k, 2);
    }

    #[test]
    fn a_smaller_stable_k_within_noise_of_the_best_is_named() {
        // K = 4 stable and a little better held out, by less than the
        // seed-to-seed sd: K = 3, said why, and the evidence called weak.
        let mut rows = bundled();
        rows[2] = row(4, -4.5700, 0.0300, 0.1300, Some(0.9030));
        let r = recommend(&rows, 0.9);
        assert_eq!(r.k, 3);
        assert!(
            r.reason.contains(
                "held-out log-likelihood -4.600 per token against -4.570 at K = 4, within the \
                 seed-to-seed sd (0.044), so the smaller K"
            ),
            "{}",
            r.reason
        );
        assert_eq!(r.weak.len(), 1, "{:?}", r.weak);
        assert!(r.weak[0].starts_with("held-out likelihood does not separate K = 3 from K = 4"));
        // Better by more than the sd: K = 4.
        rows[2].held_out_ll = -4.5000;
        assert_eq!(recommend(&rows, 0.9).k, 4);
    }

    #[test]
    fn weak_evidence_is_named() {
        // One seed: no stability; held-out likelihood alone; K = 6 largest.
        let one_seed: Vec<KSummary> = bundled()
            .into_iter()
            .map(|s| KSummary {
                stability: None,
                ..s
            })
            .collect();
        let r = recommend(&one_seed, 0.9);
        assert_eq!(r.k, 6);
        assert_eq!(r.weak.len(), 3, "{:?}", r.weak);
        assert!(r.weak[0].starts_with("one seed"));
        assert!(r.weak[1].starts_with("held-out likelihood does not separate K = 6 from K = 5"));
        assert!(r.weak[2].starts_with("K = 6 is the largest K tried"));
        // Nothing stable: the most stable K, said so.
        let r = recommend(&bundled(), 0.999);
        assert_eq!(r.k, 2);
        assert_eq!(r.weak.len(), 1, "{:?}", r.weak);
        assert!(r.weak[0].starts_with("no K reaches stability 1.00"));
        assert!(r.reason.starts_with("the most stable K (stability 0.993)"));
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list_ks(&[2]), "2");
        assert_eq!(list_ks(&[2, 3]), "2 and 3");
        assert_eq!(list_ks(&[4, 5, 6]), "4, 5 and 6");
    }
}
