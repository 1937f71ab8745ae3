//! Conjoint estimates by topic group, over the posterior draws of θ.
//!
//! For every kept draw of θ the respondents are put into topic groups
//! ([`GroupRule`]) and, with the conjoint estimators of
//! [`crate::conjoint::estimate`] (respondent-clustered, as cregg):
//! marginal means and AMCEs within each group; for each group, the
//! differences of its marginal means from all other joined respondents
//! (`mm_difference`, cregg's `mm_diffs` with the others as reference); and
//! the omnibus clustered Wald test that the group's AMCEs differ from the
//! others' (`anova`). The draws are then pooled by [`super::combine`].
//! Draws are computed in parallel and pooled in draw order, so the result
//! does not depend on the number of threads.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::combine::{self, LinkRow, PooledTest};
use super::error::LinkError;
use super::groups::{dominant, GroupRule};
use super::join::Join;
use crate::conjoint::data::{ConjointData, Grouping};
use crate::conjoint::design::Options;
use crate::conjoint::estimate::{self as cj, EstimateRow};
use crate::error::Result;
use crate::explore::Labels;
use crate::lda::LdaModel;

/// The name of the reference group in differences ("Trust - others").
pub const OTHERS: &str = "others";

/// What to estimate.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// How θ puts respondents into topic groups.
    pub rule: GroupRule,
    /// Use only the last this many θ draws (`None`: all the model keeps).
    pub draws: Option<usize>,
    /// The conjoint estimators' options (variance, α, h0, ...).
    pub conjoint: Options,
}

/// θ of every joined respondent in every used draw.
#[derive(Debug, Clone)]
pub struct ThetaDraws {
    /// `(respondent index in the conjoint data, answer index in the model)`
    /// of each joined respondent, in respondent order.
    pub joined: Vec<(usize, usize)>,
    /// `theta[s][i]`: θ of joined respondent `i` in draw `s`; the last draw
    /// is the kept chain's final state.
    pub theta: Vec<Vec<Vec<f64>>>,
    /// θ of each joined respondent as the model reports it (the posterior
    /// mean over its draws): the groups' sizes and the stability's
    /// reference, so that they name the same topic as the summary, the
    /// report and `explore` do.
    pub point: Vec<Vec<f64>>,
    /// Draws the model keeps (0 for models saved before draws were kept).
    pub available: usize,
}

impl ThetaDraws {
    /// Gathers θ for the joined respondents: the last `wanted` draws (all
    /// when `None`), or only the final θ if the model keeps no draws.
    pub fn new(model: &LdaModel, join: &Join, wanted: Option<usize>) -> Result<ThetaDraws> {
        let joined: Vec<(usize, usize)> = join
            .doc_of_respondent
            .iter()
            .enumerate()
            .filter_map(|(r, d)| d.map(|d| (r, d)))
            .collect();
        let available = model.num_theta_draws();
        if let Some(n) = wanted {
            if n == 0 || n > available.max(1) {
                return Err(crate::Error::param(
                    "--draws",
                    format!(
                        "{n} draws asked for, but the model keeps {} (refit with --saved-samples to keep more)",
                        available.max(1)
                    ),
                ));
            }
        }
        let theta = if available == 0 {
            vec![joined.iter().map(|&(_, d)| model.theta(d)).collect()]
        } else {
            let n = wanted.unwrap_or(available);
            (available - n..available)
                .map(|s| {
                    joined
                        .iter()
                        .map(|&(_, d)| model.theta_draw(s, d))
                        .collect()
                })
                .collect()
        };
        let point = joined.iter().map(|&(_, d)| model.theta(d)).collect();
        Ok(ThetaDraws {
            joined,
            theta,
            point,
            available,
        })
    }

    /// Number of θ draws available.
    pub fn num_draws(&self) -> usize {
        self.theta.len()
    }
}

/// The omnibus test that a group's preferences differ from the others'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTest {
    /// The outcome column tested.
    pub outcome: String,
    #[serde(rename = "BY")]
    /// The topic group tested against the others.
    pub by: String,
    /// Clustered Wald test of all group × feature terms (and the group's
    /// intercept shift) of the interacted AMCE model, pooled over draws.
    #[serde(flatten)]
    pub test: PooledTest,
    /// θ draws pooled.
    pub draws: usize,
}

/// How many respondents a group holds across draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSize {
    /// The group's name (a topic label or number).
    pub group: String,
    /// By the model's θ (the posterior mean over the draws).
    pub respondents: usize,
    /// Fewest respondents in the group in any draw.
    pub min_over_draws: usize,
    /// Most respondents in the group in any draw.
    pub max_over_draws: usize,
    /// Mean respondents in the group over draws.
    pub mean_over_draws: f64,
}

/// Everything estimated by topic group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupEstimates {
    /// Size of every group.
    pub groups: Vec<GroupSize>,
    /// Marginal means and AMCEs in each group, then each group's
    /// marginal-mean differences from the others.
    pub rows: Vec<LinkRow>,
    /// One omnibus test per group and outcome.
    pub tests: Vec<GroupTest>,
    /// Groups or estimates left out, and why.
    pub notes: Vec<String>,
}

/// One draw's estimates.
#[derive(Default)]
struct DrawResult {
    rows: Vec<EstimateRow>,
    /// `(outcome, group name, χ², df)`.
    tests: Vec<(String, String, f64, usize)>,
    sizes: Vec<usize>,
    failures: Vec<String>,
}

/// Estimates by topic group over all draws, pooled.
pub fn by_topic_group(
    data: &ConjointData,
    draws: &ThetaDraws,
    labels: &Labels,
    opts: &LinkOptions,
) -> Result<GroupEstimates> {
    let names = opts.rule.names(labels);
    let k = labels.k();
    let position = position_of_respondent(data, &draws.joined);
    let results: Vec<DrawResult> = draws
        .theta
        .par_iter()
        .map(|theta| one_draw(data, theta, &position, &names, k, opts))
        .collect();
    let m = results.len();
    let per_draw: Vec<Vec<EstimateRow>> = results.iter().map(|r| r.rows.clone()).collect();
    let (rows, mut notes) = combine::combine_rows(&per_draw, opts.conjoint.h0, opts.conjoint.alpha);
    let mut failures: Vec<String> = results.iter().flat_map(|r| r.failures.clone()).collect();
    failures.sort();
    failures.dedup();
    notes.splice(0..0, failures);
    let mut tests = Vec::new();
    for outcome in data.outcomes.iter().map(|o| o.name.as_str()) {
        for name in &names {
            let found: Vec<(f64, usize)> = results
                .iter()
                .filter_map(|r| {
                    r.tests
                        .iter()
                        .find(|t| t.0 == outcome && &t.1 == name)
                        .map(|t| (t.2, t.3))
                })
                .collect();
            if found.len() != m || found.iter().any(|f| f.1 != found[0].1) {
                continue;
            }
            let chi2: Vec<f64> = found.iter().map(|f| f.0).collect();
            tests.push(GroupTest {
                outcome: outcome.to_string(),
                by: format!("{name} - {OTHERS}"),
                test: combine::pool_chi2(&chi2, found[0].1),
                draws: m,
            });
        }
    }
    if rows.is_empty() {
        return Err(LinkError::NothingToEstimate(format!(
            "no topic group could be estimated in every θ draw: {}",
            notes.join("; ")
        ))
        .into());
    }
    let point_members = opts.rule.members(&draws.point, k);
    let groups = names
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let sizes: Vec<usize> = results.iter().map(|r| r.sizes[g]).collect();
            GroupSize {
                group: name.clone(),
                respondents: point_members[g].iter().filter(|&&m| m).count(),
                min_over_draws: sizes.iter().copied().min().unwrap_or(0),
                max_over_draws: sizes.iter().copied().max().unwrap_or(0),
                mean_over_draws: sizes.iter().sum::<usize>() as f64 / m.max(1) as f64,
            }
        })
        .collect();
    Ok(GroupEstimates {
        groups,
        rows,
        tests,
        notes,
    })
}

/// For each conjoint respondent, their position among the joined ones.
fn position_of_respondent(data: &ConjointData, joined: &[(usize, usize)]) -> Vec<Option<usize>> {
    let mut pos = vec![None; data.respondent_ids.len()];
    for (i, &(r, _)) in joined.iter().enumerate() {
        pos[r] = Some(i);
    }
    pos
}

fn one_draw(
    data: &ConjointData,
    theta: &[Vec<f64>],
    position: &[Option<usize>],
    names: &[String],
    k: usize,
    opts: &LinkOptions,
) -> DrawResult {
    let members = opts.rule.members(theta, k);
    let mut data = data.clone();
    let mut out = DrawResult::default();
    let respondent = data.respondent.clone();
    for (g, name) in names.iter().enumerate() {
        out.sizes.push(members[g].iter().filter(|&&m| m).count());
        let membership: Vec<Option<bool>> = respondent
            .iter()
            .map(|&r| position[r as usize].map(|p| members[g][p]))
            .collect();
        data.by = Some(Grouping {
            column: "topic group".into(),
            groups: vec![name.clone()],
            of_row: membership
                .iter()
                .map(|m| (*m == Some(true)).then_some(0))
                .collect(),
        });
        let mut within = Vec::new();
        let mut ok = true;
        for o in data
            .outcomes
            .iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
        {
            match (
                cj::mm_by(&data, &o, &opts.conjoint),
                cj::amce_by(&data, &o, &opts.conjoint),
            ) {
                (Ok(mm), Ok(amce)) => {
                    within.extend(mm);
                    within.extend(amce);
                }
                (Err(e), _) | (_, Err(e)) => {
                    out.failures.push(format!("group '{name}': left out ({e})"));
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        out.rows.extend(within);
        data.by = Some(Grouping {
            column: "topic group".into(),
            groups: vec![OTHERS.into(), name.clone()],
            of_row: membership.iter().map(|m| m.map(u32::from)).collect(),
        });
        for o in data
            .outcomes
            .iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
        {
            match cj::mm_diffs(&data, &o, &opts.conjoint) {
                Ok(rows) => out.rows.extend(rows),
                Err(e) => out
                    .failures
                    .push(format!("differences of group '{name}': left out ({e})")),
            }
            match cj::anova(&data, &o, &opts.conjoint) {
                Ok(a) => out
                    .tests
                    .push((o.clone(), name.clone(), a.wald_chi2, a.wald_df)),
                Err(e) => out
                    .failures
                    .push(format!("omnibus test of group '{name}': left out ({e})")),
            }
        }
    }
    out
}

/// How stable each respondent's dominant topic is across θ draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stability {
    /// θ draws compared.
    pub draws: usize,
    /// Respondents compared.
    pub respondents: usize,
    /// Respondents whose dominant topic is the same in every draw.
    pub unchanged: usize,
    /// Share of respondents whose dominant topic changes in at least one
    /// draw.
    pub changed_share: f64,
    /// Mean over respondents of the share of draws whose dominant topic
    /// differs from their dominant topic in the model's θ.
    pub mean_disagreement: f64,
    /// One entry per joined respondent.
    pub per_respondent: Vec<RespondentStability>,
}

/// One respondent's dominant topic across draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RespondentStability {
    /// The respondent's id.
    pub id: String,
    /// Dominant topic in the model's θ (the posterior mean).
    pub topic: usize,
    /// The topic's name (label or number).
    pub name: String,
    /// Draws whose dominant topic differs from `topic`.
    pub draws_elsewhere: usize,
    /// Share of draws that agree with `topic`.
    pub agreement: f64,
    /// Times the dominant topic changes from one draw to the next.
    pub switches: usize,
}

/// Dominant-topic stability of every joined respondent.
pub fn stability(data: &ConjointData, draws: &ThetaDraws, labels: &Labels) -> Stability {
    let m = draws.num_draws();
    let per_respondent: Vec<RespondentStability> = draws
        .joined
        .iter()
        .enumerate()
        .map(|(i, &(r, _))| {
            let dom: Vec<usize> = draws.theta.iter().map(|t| dominant(&t[i])).collect();
            let topic = dominant(&draws.point[i]);
            let elsewhere = dom.iter().filter(|&&d| d != topic).count();
            RespondentStability {
                id: data.respondent_ids[r].clone(),
                topic,
                name: labels.name(topic),
                draws_elsewhere: elsewhere,
                agreement: 1.0 - elsewhere as f64 / m as f64,
                switches: dom.windows(2).filter(|w| w[0] != w[1]).count(),
            }
        })
        .collect();
    let n = per_respondent.len();
    let unchanged = per_respondent
        .iter()
        .filter(|r| r.draws_elsewhere == 0)
        .count();
    Stability {
        draws: m,
        respondents: n,
        unchanged,
        changed_share: (n - unchanged) as f64 / n.max(1) as f64,
        mean_disagreement: per_respondent
            .iter()
            .map(|r| 1.0 - r.agreement)
            .sum::<f64>()
            / n.max(1) as f64,
        per_respondent,
    }
}
