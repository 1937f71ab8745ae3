//! The study-shaped example data set: it is what the seeded simulator
//! writes, the estimators recover the effects it was generated from, and
//! the estimators not covered by cregg's reference files agree with
//! statsmodels (`tests/data/conjoint/statsmodels_reference.json`, written by
//! `statsmodels_reference.py` beside it; statsmodels 0.15.0).

use serde_json::Value;
use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::conjoint::design::{Binarize, Options};
use topics::conjoint::estimate::{self, EstimateRow, Profile};
use topics::conjoint::ols::VarianceKind;
use topics::conjoint::simulate;

use crate::util;
use crate::util::repo_file as here;

fn example(by: Option<&str>) -> ConjointData {
    let design = here("examples/data/conjoint_design.json");
    let mut spec = Spec::from_design(DesignFile::load(&design).unwrap(), &design);
    spec.by = by.map(str::to_string);
    ConjointData::read(&here("examples/data/conjoint.csv"), &spec).unwrap()
}

fn statsmodels() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(here("tests/data/conjoint/statsmodels_reference.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn committed_example_is_what_the_seeded_simulator_writes() {
    let mut bytes = Vec::new();
    simulate::write_study(&mut bytes, 313, 10, simulate::STUDY_SEED).unwrap();
    let committed = std::fs::read(here("examples/data/conjoint.csv")).unwrap();
    assert!(bytes == committed, "examples/data/conjoint.csv differs from the simulator's output: rerun `cargo run --example generate_conjoint`");
    let design: Value = serde_json::from_str(
        &std::fs::read_to_string(here("examples/data/conjoint_design.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(design, simulate::study_design(false));
}

#[test]
fn example_has_the_study_shape() {
    let data = example(None);
    assert_eq!(data.nrows(), 313 * 10 * 2);
    let ids: Vec<String> = (1..=313).map(|i| i.to_string()).collect();
    assert_eq!(data.respondent_ids, ids);
    let shape: Vec<usize> = data.features.iter().map(|f| f.levels.len()).collect();
    assert_eq!(shape, [4, 4, 4, 4, 4, 4, 2]);
    // Sharing outcomes are asked on the chosen profile only.
    assert_eq!(
        estimate::missing_outcomes(&data, "share_family").unwrap(),
        3130
    );
}

/// Every non-reference level's true AMCE lies in its simultaneous 95%
/// interval (Bonferroni over the 19 levels of one outcome), for the choice
/// and each sharing outcome. Of the eight effects the study reports, seven
/// are also inside their ordinary 95% intervals for the choice outcome; the
/// eighth, target age 50+ (true −0.075), is not with this seed (estimate
/// −0.112, interval [−0.147, −0.078]) — one miss in 19 intervals is what 95%
/// coverage predicts, which is why the all-levels check is simultaneous.
#[test]
fn estimator_recovers_the_generating_effects() {
    let data = example(None);
    let truth = simulate::study_features();
    let levels = 19.0;
    let bonferroni = Options {
        alpha: 0.05 / levels,
        ..Options::default()
    };
    let mut outcomes = vec!["chosen"];
    outcomes.extend(simulate::SHARING.iter().map(|s| s.0));
    for outcome in outcomes {
        let rows = estimate::amce(&data, outcome, &bonferroni).unwrap();
        for f in &truth {
            for (level, effect) in f.levels.iter().skip(1) {
                let r = rows
                    .iter()
                    .find(|r| r.feature == f.name && &r.level == level)
                    .unwrap();
                let (lo, hi) = (r.lower.unwrap(), r.upper.unwrap());
                assert!(
                    lo <= *effect && *effect <= hi,
                    "{outcome}: {}={level}: true {effect} outside [{lo}, {hi}]",
                    f.name
                );
            }
        }
    }
    let rows = estimate::amce(&data, "chosen", &Options::default()).unwrap();
    let reported = [
        ("provider", "Friend", 0.095),
        ("provider", "Family", 0.088),
        ("acquisition_place", "Outside spaces", -0.083),
        ("content_subject", "South Korean", 0.059),
        ("content_subject", "North Korean", -0.059),
        ("content_form", "Video", 0.045),
        ("type", "Fiction", -0.046),
    ];
    // The miss described above (keeps the comment true for this seed).
    let age = rows
        .iter()
        .find(|r| r.feature == "target_age" && r.level == "Ages 50+")
        .unwrap();
    assert!(age.upper.unwrap() < -0.075 && age.upper.unwrap() > -0.08);
    for (feature, level, effect) in reported {
        let r = rows
            .iter()
            .find(|r| r.feature == feature && r.level == level)
            .unwrap();
        assert!(
            r.lower.unwrap() <= effect && effect <= r.upper.unwrap(),
            "{feature}={level}: {effect} not in [{:?}, {:?}]",
            r.lower,
            r.upper
        );
    }
}

/// A forced choice: each task's two profiles are chosen once, so the
/// marginal means of a feature average to 0.5 weighted by display counts.
#[test]
fn forced_choice_marginal_means_balance() {
    let data = example(None);
    let rows = estimate::mm(
        &data,
        "chosen",
        &Options {
            h0: 0.5,
            ..Options::default()
        },
    )
    .unwrap();
    let freqs = estimate::freqs(&data, false).unwrap();
    for f in &data.features {
        let (num, den) = rows
            .iter()
            .zip(&freqs)
            .filter(|(r, _)| r.feature == f.name)
            .fold((0.0, 0.0), |(n, d), (r, q)| {
                assert_eq!(r.level, q.level);
                (n + r.estimate * q.count as f64, d + q.count as f64)
            });
        assert!((num / den - 0.5).abs() < 1e-12, "{}: {}", f.name, num / den);
    }
}

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1.0)
}

#[test]
fn amce_diffs_match_statsmodels_interacted_model() {
    let data = example(Some("age_group"));
    let opts = Options {
        variance: VarianceKind::Cjoint,
        ..Options::default()
    };
    let rows = estimate::amce_diffs(&data, "chosen", &opts).unwrap();
    let reference = statsmodels();
    let want = reference["example"]["amce_diffs_by_age_group"]
        .as_array()
        .unwrap();
    assert_eq!(
        want.len(),
        rows.iter().filter(|r| r.std_error.is_some()).count()
    );
    for w in want {
        let name = w["coefficient"].as_str().unwrap();
        let (coef, group) = name.rsplit_once(" x ").unwrap();
        let (feature, level) = coef.split_once('=').unwrap();
        let by = format!("{group} - 20-39");
        let r = rows
            .iter()
            .find(|r| r.feature == feature && r.level == level && r.by.as_deref() == Some(&by))
            .unwrap();
        assert!(
            close(r.estimate, w["estimate"].as_f64().unwrap(), 1e-10),
            "{name}"
        );
        assert!(
            close(
                r.std_error.unwrap(),
                w["std_error"].as_f64().unwrap(),
                1e-10
            ),
            "{name}"
        );
    }
}

#[test]
fn anova_matches_statsmodels_f_and_wald_tests() {
    let data = example(Some("age_group"));
    let opts = Options {
        variance: VarianceKind::Cjoint,
        ..Options::default()
    };
    let got = estimate::anova(&data, "chosen", &opts).unwrap();
    let reference = statsmodels();
    let w = &reference["example"]["anova_by_age_group"];
    assert_eq!(got.df1 as u64, w["df1"].as_u64().unwrap());
    assert_eq!(got.df2 as u64, w["df2"].as_u64().unwrap());
    assert_eq!(got.wald_df as u64, w["wald_df"].as_u64().unwrap());
    for (key, value) in [
        ("F", got.f),
        ("p", got.p),
        ("wald_chi2", got.wald_chi2),
        ("wald_p", got.wald_p),
    ] {
        assert!(
            close(value, w[key].as_f64().unwrap(), 1e-9),
            "{key}: {value} vs {}",
            w[key]
        );
    }
}

#[test]
fn prediction_matches_statsmodels() {
    let data = example(None);
    let reference = statsmodels();
    let w = &reference["example"]["predict"];
    let pairs: Vec<(String, String)> = w["profile"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let opts = Options {
        variance: VarianceKind::Cjoint,
        ..Options::default()
    };
    let rows = estimate::predict(&data, "chosen", &[Profile::Levels(pairs)], &opts).unwrap();
    assert!(close(
        rows[0].estimate,
        w["estimate"].as_f64().unwrap(),
        1e-10
    ));
    assert!(close(
        rows[0].std_error.unwrap(),
        w["std_error"].as_f64().unwrap(),
        1e-10
    ));
}

/// The most likely profile takes each feature's best level; its prediction
/// exceeds every single-level change.
#[test]
fn most_and_least_likely_profiles() {
    let data = example(None);
    let rows = estimate::predict(
        &data,
        "chosen",
        &[Profile::MostLikely, Profile::LeastLikely],
        &Options::default(),
    )
    .unwrap();
    assert!(
        rows[0].level.contains("provider=Family") || rows[0].level.contains("provider=Friend"),
        "{}",
        rows[0].level
    );
    assert!(
        rows[1].level.contains("target_age=Ages 50+"),
        "{}",
        rows[1].level
    );
    assert!(rows[0].estimate > 0.5 && rows[1].estimate < 0.5);
}

#[test]
#[ignore = "needs ../shared/data/conjoint/cregg_taxes.csv (run with --ignored where it is present)"]
fn weighted_amce_matches_statsmodels_wls() {
    let csv = util::shared_data("conjoint/cregg_taxes.csv");
    let dir = csv.parent().unwrap();
    let design = dir.join("cregg_taxes.json");
    let mut spec = Spec::from_design(DesignFile::load(&design).unwrap(), &design);
    spec.weights = Some("weight".into());
    let data = ConjointData::read(&dir.join("cregg_taxes.csv"), &spec).unwrap();
    let opts = Options {
        variance: VarianceKind::Cjoint,
        weighted: true,
        ..Options::default()
    };
    let rows: Vec<EstimateRow> = estimate::amce(&data, "chose_plan", &opts).unwrap();
    let reference = statsmodels();
    for w in reference["taxes_weighted"]["rows"].as_array().unwrap() {
        let (feature, level) = w["coefficient"].as_str().unwrap().split_once('=').unwrap();
        let r = rows
            .iter()
            .find(|r| r.feature == feature && r.level == level)
            .unwrap();
        assert!(
            close(r.estimate, w["estimate"].as_f64().unwrap(), 1e-10),
            "{feature}={level}"
        );
        assert!(
            close(
                r.std_error.unwrap(),
                w["std_error"].as_f64().unwrap(),
                1e-10
            ),
            "{feature}={level}"
        );
    }
}

/// `--binarize '>4'` turns the 7-point rating into 0/1 before fitting.
#[test]
fn binarized_rating_is_a_proportion() {
    let data = example(None);
    let opts = Options {
        binarize: Some(">4".parse::<Binarize>().unwrap()),
        ..Options::default()
    };
    let rows = estimate::mm(&data, "rating", &opts).unwrap();
    let values = &data
        .outcomes
        .iter()
        .find(|o| o.name == "rating")
        .unwrap()
        .values;
    let f = data.feature_index("type").unwrap();
    let fiction: Vec<f64> = (0..data.nrows())
        .filter(|&i| data.level(i, f) == 1)
        .map(|i| f64::from(u8::from(values[i] > 4.0)))
        .collect();
    let share = fiction.iter().sum::<f64>() / fiction.len() as f64;
    let r = rows
        .iter()
        .find(|r| r.feature == "type" && r.level == "Fiction")
        .unwrap();
    assert!((r.estimate - share).abs() < 1e-12);
    assert!(r.estimate > 0.0 && r.estimate < 1.0);
}

/// mm-diffs are the group's marginal mean minus the reference group's,
/// with SE √(SE₁² + SE₂²) (the groups are disjoint samples), from per-group fits.
#[test]
fn mm_diffs_combine_the_group_estimates() {
    let data = example(Some("gender"));
    let per_group = estimate::mm_by(&data, "chosen", &Options::default()).unwrap();
    let diffs = estimate::mm_diffs(&data, "chosen", &Options::default()).unwrap();
    let (female, male) = per_group.split_at(per_group.len() / 2);
    assert!(female.iter().all(|r| r.by.as_deref() == Some("Female")));
    assert_eq!(diffs.len(), male.len());
    for ((d, m), f) in diffs.iter().zip(male).zip(female) {
        assert_eq!(d.by.as_deref(), Some("Male - Female"));
        assert!((d.estimate - (m.estimate - f.estimate)).abs() < 1e-15);
        let se = (m.std_error.unwrap().powi(2) + f.std_error.unwrap().powi(2)).sqrt();
        assert!((d.std_error.unwrap() - se).abs() < 1e-15);
    }
}

/// `alpha` sets the interval: 90% uses qnorm(0.95) = 1.6448536269514722
/// (scipy 1.17.1 `stats.norm.ppf(0.95)`).
#[test]
fn alpha_sets_the_interval_width() {
    let data = example(None);
    let rows = estimate::amce(
        &data,
        "chosen",
        &Options {
            alpha: 0.10,
            ..Options::default()
        },
    )
    .unwrap();
    let r = &rows[1];
    let half = (r.upper.unwrap() - r.lower.unwrap()) / 2.0;
    assert!((half / r.std_error.unwrap() - 1.6448536269514722).abs() < 1e-12);
}
