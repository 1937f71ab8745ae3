//! A conjoint experiment whose preferences differ by theme in a known way:
//! the check that `topics link` finds the differences that were put in,
//! and none that were not.
//!
//! Respondents come with a theme (0 learning, 1 trust, 2 curiosity, as in
//! `examples/data/respondents.csv`). Everyone shares the base effects;
//! the trust group adds a stronger effect of a friend or family provider,
//! the curiosity group a stronger effect of South Korean content and of
//! video; the learning group adds nothing. Choices follow the linear
//! probability model of [`crate::conjoint::simulate`] (choose A with
//! probability `0.5 + u(A) − u(B)`), and every group's utilities span at
//! most 0.5, so the probability never leaves [0, 1] and the true marginal
//! means are exact: for a level `l` of feature `f` in a group,
//! `0.5 + a_l − mean_f(a)`, where `a` are the group's effects (profiles are
//! drawn uniformly and independently).
//!
//! The base effects are smaller than the motivating study's so that the
//! theme effects fit in that range. A respondent covariate,
//! `market_experience`, depends on the theme (Yes with probability 0.7,
//! 0.3, 0.5), so topic prevalence by it differs; `gender`, `age_group` and
//! `education` do not.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::conjoint::simulate::{
    draw_profile, insert_covariate_levels, study_features, SimFeature,
};

/// The seed of the committed example (`examples/data/conjoint_by_theme.csv`).
pub const SEED: u64 = 20_250_505;

/// Tasks per respondent in the committed example: twice the motivating
/// study's 10, so that differences of the size put in (0.125–0.15 in
/// marginal means, before the dilution by misassigned respondents) are
/// found with high probability by 313 respondents.
pub const TASKS: usize = 20;

/// Theme names, in theme order.
pub const THEMES: [&str; 3] = ["learning", "trust", "curiosity"];

/// Probability of `market_experience = Yes` per theme.
pub const MARKET_YES: [f64; 3] = [0.7, 0.3, 0.5];

/// Effects shared by every theme: `(feature, level, AMCE)`; unlisted
/// levels have 0.
pub const BASE: [(&str, &str, f64); 3] = [
    ("provider", "Friend", 0.05),
    ("provider", "Family", 0.05),
    ("type", "Fiction", -0.03),
];

/// Effects added for one theme: `(theme, feature, level, extra AMCE)`.
pub const EXTRA: [(usize, &str, &str, f64); 4] = [
    (1, "provider", "Friend", 0.25),
    (1, "provider", "Family", 0.25),
    (2, "content_subject", "South Korean", 0.20),
    (2, "content_form", "Video", 0.20),
];

/// The features of the study with the true AMCEs of `theme`.
pub fn theme_features(theme: usize) -> Vec<SimFeature> {
    let mut features = study_features();
    for f in &mut features {
        for (level, effect) in &mut f.levels {
            *effect = BASE
                .iter()
                .filter(|(bf, bl, _)| *bf == f.name && bl == level)
                .map(|b| b.2)
                .chain(
                    EXTRA
                        .iter()
                        .filter(|(t, ef, el, _)| *t == theme && *ef == f.name && el == level)
                        .map(|e| e.3),
                )
                .sum();
        }
    }
    features
}

/// True marginal mean of `level` of `feature` in `theme`'s group (forced
/// choice): `0.5 + a_l − mean(a)`.
pub fn true_mm(theme: usize, feature: &str, level: &str) -> Option<f64> {
    let features = theme_features(theme);
    let f = features.iter().find(|f| f.name == feature)?;
    let a = f.levels.iter().find(|l| l.0 == level)?.1;
    let mean = f.levels.iter().map(|l| l.1).sum::<f64>() / f.levels.len() as f64;
    Some(0.5 + a - mean)
}

/// True marginal-mean difference of `theme`'s group from all other
/// respondents, when `counts[t]` respondents have theme `t` (each with the
/// same number of tasks, so the others' mean weighs themes by count).
pub fn true_mm_difference(
    theme: usize,
    feature: &str,
    level: &str,
    counts: &[usize],
) -> Option<f64> {
    let own = true_mm(theme, feature, level)?;
    let others: usize = (0..counts.len())
        .filter(|&t| t != theme)
        .map(|t| counts[t])
        .sum();
    let mut mix = 0.0;
    for t in (0..counts.len()).filter(|&t| t != theme) {
        mix += counts[t] as f64 / others as f64 * true_mm(t, feature, level)?;
    }
    Some(own - mix)
}

/// The widest utility range of any theme: at most 0.5 keeps every choice
/// probability in [0, 1].
pub fn widest_utility_range() -> f64 {
    (0..THEMES.len())
        .map(|t| {
            theme_features(t)
                .iter()
                .map(|f| {
                    let hi = f.levels.iter().map(|l| l.1).fold(f64::MIN, f64::max);
                    let lo = f.levels.iter().map(|l| l.1).fold(f64::MAX, f64::min);
                    hi - lo
                })
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// Writes the long CSV: respondent ids `1..=themes.len()` (respondent `i`
/// has theme `themes[i-1]`), `tasks` forced-choice tasks of two profiles,
/// the `chosen` outcome and the respondent covariates.
pub fn write_by_theme(
    out: &mut dyn Write,
    themes: &[usize],
    tasks: usize,
    seed: u64,
) -> std::io::Result<()> {
    let by_theme: Vec<Vec<SimFeature>> = (0..THEMES.len()).map(theme_features).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    write!(out, "respondent,task,profile")?;
    for f in &by_theme[0] {
        write!(out, ",{}", f.name)?;
    }
    writeln!(out, ",chosen,gender,age_group,education,market_experience")?;
    for (r, &theme) in themes.iter().enumerate() {
        let features = &by_theme[theme];
        let gender = ["Female", "Male"][rng.random_range(0..2)];
        let age = ["20-39", "40-59", "60+"][rng.random_range(0..3)];
        let education = ["High school or less", "College or more"][rng.random_range(0..2)];
        let market = if rng.random::<f64>() < MARKET_YES[theme] {
            "Yes"
        } else {
            "No"
        };
        for t in 1..=tasks {
            let a = draw_profile(&mut rng, features);
            let b = draw_profile(&mut rng, features);
            let p = (0.5 + a.1 - b.1).clamp(0.0, 1.0);
            let chose_a = u8::from(rng.random::<f64>() < p);
            for (p, (levels, _)) in [a, b].into_iter().enumerate() {
                write!(out, "{},{t},{}", r + 1, p + 1)?;
                for (f, &l) in features.iter().zip(&levels) {
                    write!(out, ",{}", f.levels[l].0)?;
                }
                let chosen = if p == 0 { chose_a } else { 1 - chose_a };
                writeln!(out, ",{chosen},{gender},{age},{education},{market}")?;
            }
        }
    }
    Ok(())
}

/// The design file of [`write_by_theme`], with the true AMCEs per theme
/// under `true_amce_by_theme`.
pub fn design() -> serde_json::Value {
    let mut levels = serde_json::Map::new();
    let mut labels = serde_json::Map::new();
    for f in study_features() {
        levels.insert(
            f.name.clone(),
            f.levels.iter().map(|l| l.0.clone()).collect(),
        );
        labels.insert(f.name.clone(), f.label.clone().into());
    }
    insert_covariate_levels(&mut levels);
    levels.insert("market_experience".into(), serde_json::json!(["No", "Yes"]));
    let mut truth = serde_json::Map::new();
    for (t, name) in THEMES.iter().enumerate() {
        let mut per = serde_json::Map::new();
        for f in theme_features(t) {
            per.insert(f.name.clone(), f.levels.iter().map(|l| l.1).collect());
        }
        truth.insert(name.to_string(), per.into());
    }
    serde_json::json!({
        "source": "simulated by examples/generate_link_study.rs (topics::link::simulate::write_by_theme); themes from respondents.csv",
        "roles": {
            "respondent_id": "respondent",
            "task": "task",
            "profile": "profile",
            "attributes": study_features().iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            "outcomes": ["chosen"],
            "respondent_covariates": ["gender", "age_group", "education", "market_experience"],
            "weights": null
        },
        "levels": levels,
        "labels": labels,
        "true_amce_by_theme": truth
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_probabilities_stay_in_range_and_truths_are_exact() {
        // Curiosity spans most: provider .05 + subject .2 + form .2 + type .03.
        assert!((widest_utility_range() - 0.48).abs() < 1e-12);
        // Trust's Friend MM: 0.5 + 0.3 − 0.15.
        assert!((true_mm(1, "provider", "Friend").unwrap() - 0.65).abs() < 1e-12);
        assert!((true_mm(0, "provider", "Friend").unwrap() - 0.525).abs() < 1e-12);
        // Trust vs others (learning and curiosity alike in provider): 0.125.
        let d = true_mm_difference(1, "provider", "Friend", &[120, 94, 99]).unwrap();
        assert!((d - 0.125).abs() < 1e-12);
        // Curiosity's South Korean: 0.2 − 0.05 = 0.15 above the others.
        let d = true_mm_difference(2, "content_subject", "South Korean", &[120, 94, 99]).unwrap();
        assert!((d - 0.15).abs() < 1e-12);
        // A feature no theme changes: no difference anywhere.
        for t in 0..3 {
            assert_eq!(
                true_mm_difference(t, "target_age", "Teens", &[120, 94, 99]),
                Some(0.0)
            );
        }
    }
}
