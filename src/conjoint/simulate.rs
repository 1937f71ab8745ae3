//! Simulated conjoint experiments with known effects: the example data set
//! in the shape of the motivating study, and large designs for benchmarks
//! and power checks.
//!
//! Choice model: in each task a respondent sees two profiles A and B and
//! chooses A with probability `0.5 + u(A) − u(B)`, where `u` sums the true
//! AMCE of each of the profile's levels. This linear probability model makes
//! the true AMCEs exactly the listed effects, so an estimator can be checked
//! against them.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A feature with the true AMCE of each level (the first, the reference,
/// is 0).
#[derive(Debug, Clone, PartialEq)]
pub struct SimFeature {
    /// Column name.
    pub name: String,
    /// English display name.
    pub label: String,
    /// Korean display name.
    pub korean_label: String,
    /// `(level, true AMCE)`, reference first.
    pub levels: Vec<(String, f64)>,
}

fn feature(name: &str, label: &str, korean: &str, levels: &[(&str, f64)]) -> SimFeature {
    SimFeature {
        name: name.into(),
        label: label.into(),
        korean_label: korean.into(),
        levels: levels.iter().map(|(l, e)| (l.to_string(), *e)).collect(),
    }
}

/// The seven attributes of the motivating study (sharing media content),
/// with the effects the study reports; levels it does not report have a
/// true effect of 0.
pub fn study_features() -> Vec<SimFeature> {
    vec![
        feature(
            "provider",
            "Provider",
            "제공자",
            &[
                ("Stranger", 0.0),
                ("Neighbor", 0.0),
                ("Friend", 0.095),
                ("Family", 0.088),
            ],
        ),
        feature(
            "acquisition_place",
            "Acquisition place",
            "입수 장소",
            &[
                ("Own home", 0.0),
                ("Relative's home", 0.0),
                ("Workplace", 0.0),
                ("Outside spaces", -0.083),
            ],
        ),
        feature(
            "distribution_media",
            "Distribution media",
            "유통 매체",
            &[
                ("USB drive", 0.0),
                ("SD card", 0.0),
                ("DVD", 0.0),
                ("Mobile phone", 0.0),
            ],
        ),
        feature(
            "content_subject",
            "Content subject",
            "콘텐츠 주제",
            &[
                ("Chinese", 0.0),
                ("American", 0.0),
                ("South Korean", 0.059),
                ("North Korean", -0.059),
            ],
        ),
        feature(
            "content_form",
            "Content form",
            "콘텐츠 형식",
            &[
                ("Text", 0.0),
                ("Image", 0.0),
                ("Audio", 0.0),
                ("Video", 0.045),
            ],
        ),
        feature(
            "target_age",
            "Target age",
            "대상 연령",
            &[
                ("All ages", 0.0),
                ("Teens", 0.0),
                ("Ages 20-49", 0.0),
                ("Ages 50+", -0.075),
            ],
        ),
        feature(
            "type",
            "Type",
            "유형",
            &[("Non-fiction", 0.0), ("Fiction", -0.046)],
        ),
    ]
}

/// The seed of the committed example files (`examples/data/conjoint.csv`).
pub const STUDY_SEED: u64 = 20_141_017;

/// Sharing outcomes asked about the chosen profile: the share of people who
/// would pass it on to each kind of contact at the reference profile. The
/// same feature effects apply (so their true AMCEs equal the choice's).
pub const SHARING: [(&str, f64); 4] = [
    ("share_stranger", 0.30),
    ("share_neighbor", 0.40),
    ("share_friend", 0.55),
    ("share_family", 0.65),
];

/// The level order of the simulated respondent covariates, for design
/// files (shared with the link simulator).
pub(crate) fn insert_covariate_levels(levels: &mut serde_json::Map<String, serde_json::Value>) {
    levels.insert("gender".into(), serde_json::json!(["Female", "Male"]));
    levels.insert(
        "age_group".into(),
        serde_json::json!(["20-39", "40-59", "60+"]),
    );
    levels.insert(
        "education".into(),
        serde_json::json!(["High school or less", "College or more"]),
    );
}

/// One random profile (a uniformly drawn level of every feature) and its
/// utility, the sum of its levels' effects. Shared with the link simulator.
pub(crate) fn draw_profile(
    rng: &mut Xoshiro256PlusPlus,
    features: &[SimFeature],
) -> (Vec<usize>, f64) {
    let levels: Vec<usize> = features
        .iter()
        .map(|f| rng.random_range(0..f.levels.len()))
        .collect();
    let u = levels
        .iter()
        .zip(features)
        .map(|(&l, f)| f.levels[l].1)
        .sum();
    (levels, u)
}

fn bernoulli(rng: &mut Xoshiro256PlusPlus, p: f64) -> u8 {
    u8::from(rng.random::<f64>() < p.clamp(0.0, 1.0))
}

/// Writes the study-shaped example: `respondents × tasks × 2` profile rows
/// with a forced choice, four sharing outcomes (on the chosen profile only;
/// empty on the other), a 7-point rating and respondent covariates.
/// Respondent ids are "1".."respondents".
pub fn write_study(
    out: &mut dyn Write,
    respondents: usize,
    tasks: usize,
    seed: u64,
) -> std::io::Result<()> {
    let features = study_features();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let noise = Normal::new(0.0, 1.2).map_err(std::io::Error::other)?;
    write!(out, "respondent,task,profile")?;
    for f in &features {
        write!(out, ",{}", f.name)?;
    }
    write!(out, ",chosen")?;
    for (name, _) in SHARING {
        write!(out, ",{name}")?;
    }
    writeln!(out, ",rating,gender,age_group,education")?;
    for r in 1..=respondents {
        let gender = ["Female", "Male"][rng.random_range(0..2)];
        let age = ["20-39", "40-59", "60+"][rng.random_range(0..3)];
        let education = ["High school or less", "College or more"][rng.random_range(0..2)];
        for t in 1..=tasks {
            let a = draw_profile(&mut rng, &features);
            let b = draw_profile(&mut rng, &features);
            let chose_a = bernoulli(&mut rng, 0.5 + a.1 - b.1);
            for (p, (levels, u)) in [a, b].into_iter().enumerate() {
                let chosen = if p == 0 { chose_a } else { 1 - chose_a };
                write!(out, "{r},{t},{}", p + 1)?;
                for (f, &l) in features.iter().zip(&levels) {
                    write!(out, ",{}", f.levels[l].0)?;
                }
                write!(out, ",{chosen}")?;
                for (_, base) in SHARING {
                    let share = bernoulli(&mut rng, base + u);
                    if chosen == 1 {
                        write!(out, ",{share}")?;
                    } else {
                        write!(out, ",")?;
                    }
                }
                let rating = (4.0 + 8.0 * u + noise.sample(&mut rng))
                    .round()
                    .clamp(1.0, 7.0);
                writeln!(out, ",{rating},{gender},{age},{education}")?;
            }
        }
    }
    Ok(())
}

/// The design file of [`write_study`] (sidecar form), with feature labels
/// in English or Korean and the true effects under `true_amce`.
pub fn study_design(korean: bool) -> serde_json::Value {
    let features = study_features();
    let mut levels = serde_json::Map::new();
    let mut labels = serde_json::Map::new();
    let mut truth = serde_json::Map::new();
    for f in &features {
        levels.insert(
            f.name.clone(),
            f.levels.iter().map(|l| l.0.clone()).collect(),
        );
        labels.insert(
            f.name.clone(),
            (if korean { &f.korean_label } else { &f.label })
                .clone()
                .into(),
        );
        truth.insert(f.name.clone(), f.levels.iter().map(|l| l.1).collect());
    }
    insert_covariate_levels(&mut levels);
    let mut outcomes = vec!["chosen".to_string()];
    outcomes.extend(SHARING.iter().map(|s| s.0.to_string()));
    outcomes.push("rating".into());
    serde_json::json!({
        "source": "simulated by examples/generate_conjoint.rs (topics::conjoint::simulate::write_study)",
        "roles": {
            "respondent_id": "respondent",
            "task": "task",
            "profile": "profile",
            "attributes": features.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            "outcomes": outcomes,
            "respondent_covariates": ["gender", "age_group", "education"],
            "weights": null
        },
        "levels": levels,
        "labels": labels,
        "true_amce": truth
    })
}

/// A generic large design for benchmarks: `n_features` features with 2 to
/// 5 levels and small effects (so choice probabilities stay in [0, 1]).
pub fn bench_features(n_features: usize) -> Vec<SimFeature> {
    (0..n_features)
        .map(|f| {
            let n_levels = 2 + f % 4;
            let levels = (0..n_levels)
                .map(|l| {
                    (
                        format!("f{}_l{}", f + 1, l + 1),
                        if l == 0 {
                            0.0
                        } else {
                            0.01 * (l as f64) * if f % 2 == 0 { 1.0 } else { -1.0 }
                        },
                    )
                })
                .collect::<Vec<_>>();
            SimFeature {
                name: format!("f{}", f + 1),
                label: format!("Feature {}", f + 1),
                korean_label: String::new(),
                levels,
            }
        })
        .collect()
}

/// Writes a forced-choice design (`respondent,task,profile,features...,chosen`).
pub fn write_forced_choice(
    out: &mut dyn Write,
    features: &[SimFeature],
    respondents: usize,
    tasks: usize,
    seed: u64,
) -> std::io::Result<()> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    write!(out, "respondent,task,profile")?;
    for f in features {
        write!(out, ",{}", f.name)?;
    }
    writeln!(out, ",chosen")?;
    for r in 1..=respondents {
        for t in 1..=tasks {
            let a = draw_profile(&mut rng, features);
            let b = draw_profile(&mut rng, features);
            let chose_a = bernoulli(&mut rng, 0.5 + a.1 - b.1);
            for (p, (levels, _)) in [a, b].into_iter().enumerate() {
                write!(out, "{r},{t},{}", p + 1)?;
                for (f, &l) in features.iter().zip(&levels) {
                    write!(out, ",{}", f.levels[l].0)?;
                }
                writeln!(out, ",{}", if p == 0 { chose_a } else { 1 - chose_a })?;
            }
        }
    }
    Ok(())
}
