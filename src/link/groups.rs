//! Topic groups: which respondents "write about" a topic, from θ.
//!
//! Three rules, as an analyst might define a topic's writers:
//! the dominant topic (a partition: each respondent in the group of their
//! largest θ), membership by θ above a threshold (groups may overlap, and a
//! respondent may be in none), or terciles of one topic's θ (low, middle,
//! high). Every rule yields named groups of respondents; each group is then
//! compared with all respondents outside it. The groups are recomputed for
//! each posterior draw of θ, which is how the uncertainty of the assignment
//! enters the estimates.

use crate::explore::Labels;

/// How respondents are put into topic groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GroupRule {
    /// The group of a respondent's largest θ (ties go to the lower topic).
    Dominant,
    /// Every topic whose θ is at least this.
    Threshold(f64),
    /// Terciles of this topic's θ among the joined respondents.
    Terciles(usize),
}

impl GroupRule {
    /// [`GroupRule::Threshold`] at `cut`, refused outside (0, 1)
    /// (`--threshold`, exit 8): no respondent is in a group at 1 or above,
    /// every one at 0 or below.
    pub fn threshold(cut: f64) -> crate::Result<GroupRule> {
        if !(cut > 0.0 && cut < 1.0) {
            return Err(crate::Error::param(
                "--threshold",
                format!("{cut} is not between 0 and 1"),
            ));
        }
        Ok(GroupRule::Threshold(cut))
    }

    /// Group names: topic labels (or `Topic k`), or `<topic> θ low/middle/high`.
    pub fn names(&self, labels: &Labels) -> Vec<String> {
        match *self {
            GroupRule::Dominant | GroupRule::Threshold(_) => {
                (0..labels.k()).map(|t| labels.name(t)).collect()
            }
            GroupRule::Terciles(t) => ["low", "middle", "high"]
                .iter()
                .map(|p| format!("{} θ {p}", labels.name(t)))
                .collect(),
        }
    }

    /// The topic each group stands for (`None` for terciles, whose groups
    /// are levels of one topic).
    pub fn topic_of_group(&self, group: usize) -> Option<usize> {
        match self {
            GroupRule::Terciles(_) => None,
            _ => Some(group),
        }
    }

    /// Membership of each respondent (rows of `theta`, one θ vector each)
    /// in each group: `members[g][i]`.
    pub fn members(&self, theta: &[Vec<f64>], k: usize) -> Vec<Vec<bool>> {
        match *self {
            GroupRule::Dominant => {
                let dominant: Vec<usize> = theta.iter().map(|t| dominant(t)).collect();
                (0..k)
                    .map(|g| dominant.iter().map(|&d| d == g).collect())
                    .collect()
            }
            GroupRule::Threshold(cut) => (0..k)
                .map(|g| theta.iter().map(|t| t[g] >= cut).collect())
                .collect(),
            GroupRule::Terciles(topic) => {
                let tercile = terciles(&theta.iter().map(|t| t[topic]).collect::<Vec<_>>());
                (0..3)
                    .map(|g| tercile.iter().map(|&x| x == g).collect())
                    .collect()
            }
        }
    }
}

/// The index of the largest share (the first on ties).
pub use crate::lda::dominant_topic as dominant;

/// Tercile (0, 1, 2) of each value by rank, ⌊3·rank/n⌋; ties are broken
/// by position so the split is as even as possible and deterministic.
pub fn terciles(values: &[f64]) -> Vec<usize> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut out = vec![0; n];
    for (rank, &i) in order.iter().enumerate() {
        out[i] = 3 * rank / n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_checked() {
        assert_eq!(
            GroupRule::threshold(0.4).unwrap(),
            GroupRule::Threshold(0.4)
        );
        for bad in [0.0, 1.0, -0.2, f64::NAN] {
            let e = GroupRule::threshold(bad).unwrap_err();
            assert_eq!(e.exit_code(), 8);
            assert_eq!(
                e.to_string(),
                format!("invalid --threshold: {bad} is not between 0 and 1")
            );
        }
    }

    #[test]
    fn rules_give_the_expected_members() {
        let theta = vec![
            vec![0.6, 0.3, 0.1],
            vec![0.2, 0.2, 0.6],
            vec![0.4, 0.45, 0.15],
            vec![0.5, 0.5, 0.0],
        ];
        let m = GroupRule::Dominant.members(&theta, 3);
        assert_eq!(
            m,
            vec![
                vec![true, false, false, true],
                vec![false, false, true, false],
                vec![false, true, false, false]
            ]
        );
        let m = GroupRule::Threshold(0.4).members(&theta, 3);
        assert_eq!(m[0], [true, false, true, true]);
        assert_eq!(m[1], [false, false, true, true]);
        assert_eq!(m[2], [false, true, false, false]);
        let m = GroupRule::Terciles(0).members(&theta, 3);
        // θ_0 = .6 .2 .4 .5 → ranks 3 0 1 2 → terciles ⌊3r/4⌋ = 2 0 0 1.
        assert_eq!(m[0], [false, true, true, false]);
        assert_eq!(m[1], [false, false, false, true]);
        assert_eq!(m[2], [true, false, false, false]);
    }

    #[test]
    fn names_use_labels() {
        let mut labels = Labels::empty(2);
        labels.set(1, "Trust").unwrap();
        assert_eq!(GroupRule::Dominant.names(&labels), ["Topic 0", "Trust"]);
        assert_eq!(
            GroupRule::Terciles(1).names(&labels),
            ["Trust θ low", "Trust θ middle", "Trust θ high"]
        );
    }
}
