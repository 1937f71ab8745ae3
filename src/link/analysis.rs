//! The whole cross-check in one call: join, group estimates over θ draws,
//! stability, words ↔ levels and prevalence.

use std::collections::HashMap;
use std::path::Path;

use super::estimate::{self, LinkOptions, ThetaDraws};
use super::groups::GroupRule;
use super::join::Join;
use super::output::{LinkResult, Summary, COMBINATION};
use super::prevalence::{self, BootstrapOptions};
use super::words::{self, MappingLine};
use crate::conjoint::data::ConjointData;
use crate::error::Result;
use crate::explore::Labels;
use crate::io::display_path;
use crate::lda::LdaModel;

/// A respondent covariate for topic prevalence: its value per answer id.
#[derive(Debug, Clone)]
pub struct Covariate {
    /// The covariate's column name.
    pub name: String,
    /// The respondent's value, keyed by their answer id.
    pub by_answer: HashMap<String, String>,
    /// Level order (first = reference), e.g. from the design file.
    pub levels: Option<Vec<String>>,
}

/// Where everything comes from.
pub struct LinkInput<'a> {
    /// The topic model whose θ groups respondents.
    pub model: &'a LdaModel,
    /// The model file, for messages and the summary.
    pub model_path: &'a Path,
    /// Topic labels, for group names.
    pub labels: &'a Labels,
    /// The conjoint experiment.
    pub data: &'a ConjointData,
    /// The conjoint data file, for messages and the summary.
    pub data_path: &'a Path,
    /// Which answer belongs to which respondent.
    pub join: Join,
    /// The words → levels mapping (empty when none was given).
    pub mapping: &'a [MappingLine],
    /// The mapping file, for messages.
    pub mapping_path: Option<&'a Path>,
    /// Top words per ranking considered for the words ↔ levels table.
    pub top_words: usize,
    /// Respondent covariates for topic prevalence.
    pub covariates: &'a [Covariate],
    /// Settings of the prevalence bootstrap.
    pub bootstrap: BootstrapOptions,
}

/// Runs every step of the cross-check.
pub fn link(input: LinkInput<'_>, opts: &LinkOptions) -> Result<LinkResult> {
    let draws = ThetaDraws::new(input.model, &input.join, opts.draws)?;
    let mut notes = Vec::new();
    if draws.available == 0 {
        notes.push(
            "the model keeps no posterior draws of θ (fitted by an older topics): only the final θ is used, so intervals do not include the uncertainty of the topic assignment".to_string(),
        );
    }
    let est = estimate::by_topic_group(input.data, &draws, input.labels, opts)?;
    notes.extend(est.notes.iter().cloned());
    let stability = estimate::stability(input.data, &draws, input.labels);
    let words_levels = words::words_levels(
        input.model,
        input.labels,
        &input.data.features,
        &est.rows,
        opts.rule,
        input.mapping,
        input.mapping_path,
        input.top_words,
    )?;
    notes.extend(words_levels.unmatched.iter().cloned());
    if matches!(opts.rule, GroupRule::Terciles(_)) {
        notes.push("words ↔ levels: groups are terciles of one topic, so no pair has a topic-group difference".into());
    }
    let mut prevalence_rows = Vec::new();
    for c in input.covariates {
        let (values, theta) = covariate_theta(input.model, c, &draws);
        if values.iter().all(Option::is_none) {
            notes.push(format!(
                "prevalence by '{}': no answer has a value; left out",
                c.name
            ));
            continue;
        }
        let missing = values.iter().filter(|v| v.is_none()).count();
        if missing > 0 {
            notes.push(format!(
                "prevalence by '{}': {missing} of {} answers have no value and are left out",
                c.name,
                values.len()
            ));
        }
        let order = prevalence::level_order(&values, c.levels.as_ref());
        prevalence_rows.extend(prevalence::prevalence(
            &c.name,
            &values,
            &theta,
            &order,
            input.labels,
            &input.bootstrap,
        ));
    }
    let groups_by = match opts.rule {
        GroupRule::Dominant => "dominant topic".to_string(),
        GroupRule::Threshold(t) => format!("θ ≥ {t}"),
        GroupRule::Terciles(t) => format!("terciles of {}'s θ", input.labels.name(t)),
    };
    Ok(LinkResult {
        summary: Summary {
            model: display_path(input.model_path).display().to_string(),
            conjoint: display_path(input.data_path).display().to_string(),
            outcomes: input.data.outcomes.iter().map(|o| o.name.clone()).collect(),
            groups_by,
            draws: draws.num_draws(),
            draws_in_model: draws.available,
            combination: COMBINATION.into(),
            alpha: opts.conjoint.alpha,
            h0: opts.conjoint.h0,
            weighting: opts
                .conjoint
                .weighting
                .as_deref()
                .map(crate::conjoint::randomization::amce_key),
        },
        join: input.join.report.clone(),
        groups: est.groups,
        rows: est.rows,
        tests: est.tests,
        words_levels,
        prevalence: prevalence_rows,
        stability,
        notes,
    })
}

/// The covariate value of every answer and θ of every answer in each used
/// draw (the same draws as the group estimates).
fn covariate_theta(
    model: &LdaModel,
    c: &Covariate,
    draws: &ThetaDraws,
) -> (Vec<Option<String>>, Vec<Vec<Vec<f64>>>) {
    let docs = model.documents();
    let values: Vec<Option<String>> = docs
        .iter()
        .map(|d| c.by_answer.get(&d.id).cloned())
        .collect();
    let m = draws.num_draws();
    let theta = if draws.available == 0 {
        vec![(0..docs.len()).map(|d| model.theta(d)).collect()]
    } else {
        (draws.available - m..draws.available)
            .map(|s| (0..docs.len()).map(|d| model.theta_draw(s, d)).collect())
            .collect()
    };
    (values, theta)
}
