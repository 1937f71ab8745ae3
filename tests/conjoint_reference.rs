//! AMCEs, marginal means and frequencies against cregg 0.3.7.
//!
//! Reference figures: `tests/data/conjoint/cregg_*.json`, copied from
//! `../shared/data/conjoint/reference/` (computed by cregg 0.3.7,
//! leeper/cregg@0906890, R 4.2.2, survey 4.1-1; see that directory's
//! PROVENANCE.md and each file's `meta`). Data: compact recoded copies of
//! cregg's `immigration` and `taxes` (MIT), made by
//! `tests/data/conjoint/make_compact.py`. The same checks on the full CSVs
//! in `../shared/data/conjoint/` are `#[ignore]`d tests (`*_on_full_data`),
//! run with `--ignored` where that folder is present.

use std::collections::HashMap;

use serde_json::Value;
use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::conjoint::design::Options;
use topics::conjoint::estimate::{self, EstimateRow};

use crate::util;
use crate::util::repo_file as here;

/// "Equal to 1e-8": absolute for values up to 1, relative above (z
/// statistics reach 120).
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-8 * want.abs().max(1.0)
}

/// Loads a coded copy and a map code → label per feature.
fn coded(name: &str) -> (ConjointData, HashMap<(String, String), String>) {
    let design_path = here(&format!("tests/data/conjoint/{name}_coded.json"));
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&design_path).unwrap()).unwrap();
    let mut labels = HashMap::new();
    for (feature, list) in raw["level_labels"].as_object().unwrap() {
        for (i, label) in list.as_array().unwrap().iter().enumerate() {
            labels.insert(
                (feature.clone(), (i + 1).to_string()),
                label.as_str().unwrap().to_string(),
            );
        }
    }
    let spec = Spec::from_design(DesignFile::load(&design_path).unwrap(), &design_path);
    let data = ConjointData::read(
        &here(&format!("tests/data/conjoint/{name}_coded.csv")),
        &spec,
    )
    .unwrap();
    (data, labels)
}

/// The full CSV from `../shared/data/conjoint/` (panics when absent: only
/// `#[ignore]`d tests call this).
fn full(name: &str) -> ConjointData {
    let csv = util::shared_data(&format!("conjoint/{name}.csv"));
    let design = util::shared_data(&format!("conjoint/{name}.json"));
    let spec = Spec::from_design(DesignFile::load(&design).unwrap(), &design);
    ConjointData::read(&csv, &spec).unwrap()
}

fn reference(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(here(&format!("tests/data/conjoint/{file}"))).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["rows"].as_array().unwrap().clone()
}

/// Compares every reference row with ours; returns the largest deviation.
fn compare(
    rows: &[EstimateRow],
    labels: Option<&HashMap<(String, String), String>>,
    file: &str,
) -> f64 {
    let reference = reference(file);
    assert_eq!(rows.len(), reference.len(), "{file}: row count");
    let mut worst: f64 = 0.0;
    for want in &reference {
        let feature = want["feature_var"].as_str().unwrap();
        let level = want["level"].as_str().unwrap();
        let got = rows
            .iter()
            .find(|r| {
                r.feature == feature
                    && match labels {
                        Some(l) => l[&(r.feature.clone(), r.level.clone())] == level,
                        None => r.level == level,
                    }
            })
            .unwrap_or_else(|| panic!("{file}: no row for {feature}={level}"));
        let pairs = [
            ("estimate", Some(got.estimate)),
            ("std_error", got.std_error),
            ("z", got.z),
            ("p", got.p),
            ("lower", got.lower),
            ("upper", got.upper),
        ];
        for (key, value) in pairs {
            match (want[key].as_f64(), value) {
                (None, None) => {}
                (Some(w), Some(g)) => {
                    assert!(
                        close(g, w),
                        "{file}: {feature}={level} {key}: got {g}, cregg {w}"
                    );
                    worst = worst.max((g - w).abs() / w.abs().max(1.0));
                }
                (w, g) => panic!("{file}: {feature}={level} {key}: got {g:?}, cregg {w:?}"),
            }
        }
    }
    worst
}

#[test]
fn immigration_amce_matches_cregg() {
    let (data, labels) = coded("cregg_immigration");
    let rows = estimate::amce(&data, "ChosenImmigrant", &Options::default()).unwrap();
    let worst = compare(
        &rows,
        Some(&labels),
        "cregg_amce_immigration_unconstrained.json",
    );
    eprintln!("immigration AMCE: largest deviation from cregg {worst:.2e}");
}

#[test]
#[ignore = "needs ../shared/data/conjoint/cregg_immigration.csv (run with --ignored where it is present)"]
fn immigration_amce_matches_cregg_on_full_data() {
    let data = full("cregg_immigration");
    let rows = estimate::amce(&data, "ChosenImmigrant", &Options::default()).unwrap();
    compare(&rows, None, "cregg_amce_immigration_unconstrained.json");
}

#[test]
fn immigration_mm_matches_cregg_for_both_nulls() {
    let (data, labels) = coded("cregg_immigration");
    let rows = estimate::mm(&data, "ChosenImmigrant", &Options::default()).unwrap();
    let worst = compare(&rows, Some(&labels), "cregg_mm_immigration.json");
    let half = Options {
        h0: 0.5,
        ..Options::default()
    };
    let rows = estimate::mm(&data, "ChosenImmigrant", &half).unwrap();
    let worst_half = compare(&rows, Some(&labels), "cregg_mm_immigration_h0_0.5.json");
    eprintln!("immigration MM: largest deviation from cregg {worst:.2e} (h0 = 0), {worst_half:.2e} (h0 = 0.5)");
}

#[test]
#[ignore = "needs ../shared/data/conjoint/cregg_immigration.csv (run with --ignored where it is present)"]
fn immigration_mm_matches_cregg_on_full_data() {
    let data = full("cregg_immigration");
    let half = Options {
        h0: 0.5,
        ..Options::default()
    };
    let rows = estimate::mm(&data, "ChosenImmigrant", &half).unwrap();
    compare(&rows, None, "cregg_mm_immigration_h0_0.5.json");
}

#[test]
fn taxes_amce_matches_cregg() {
    let (data, labels) = coded("cregg_taxes");
    assert_eq!(data.respondent_ids.len(), 2000);
    let rows = estimate::amce(&data, "chose_plan", &Options::default()).unwrap();
    let worst = compare(&rows, Some(&labels), "cregg_amce_taxes.json");
    eprintln!("taxes AMCE: largest deviation from cregg {worst:.2e}");
}

#[test]
#[ignore = "needs ../shared/data/conjoint/cregg_taxes.csv (run with --ignored where it is present)"]
fn taxes_amce_matches_cregg_on_full_data() {
    let data = full("cregg_taxes");
    let rows = estimate::amce(&data, "chose_plan", &Options::default()).unwrap();
    compare(&rows, None, "cregg_amce_taxes.json");
}

#[test]
fn immigration_freqs_match_cregg() {
    let (data, labels) = coded("cregg_immigration");
    let rows = estimate::freqs(&data, false).unwrap();
    let reference = reference("cregg_freqs_immigration.json");
    assert_eq!(rows.len(), reference.len());
    for want in reference {
        let feature = want["feature_var"].as_str().unwrap();
        let level = want["level"].as_str().unwrap();
        let got = rows
            .iter()
            .find(|r| {
                r.feature == feature && labels[&(r.feature.clone(), r.level.clone())] == level
            })
            .unwrap();
        assert_eq!(
            got.count,
            want["count"].as_u64().unwrap(),
            "{feature}={level}"
        );
    }
}

/// cjoint's factor: SE(cjoint)/SE(cregg) = √((N−1)/(N−K)) = 1.0014718 on
/// immigration with K = 42 (PROVENANCE.md of the shared data).
#[test]
fn cjoint_variance_factor() {
    let (data, _) = coded("cregg_immigration");
    let cregg = estimate::amce(&data, "ChosenImmigrant", &Options::default()).unwrap();
    let cjoint_opts = Options {
        variance: topics::conjoint::ols::VarianceKind::Cjoint,
        ..Options::default()
    };
    let cjoint = estimate::amce(&data, "ChosenImmigrant", &cjoint_opts).unwrap();
    let ratio = cjoint[1].std_error.unwrap() / cregg[1].std_error.unwrap();
    assert!((ratio - 1.0014718).abs() < 5e-8, "ratio {ratio}");
    assert!((ratio - (13959.0f64 / 13918.0).sqrt()).abs() < 1e-14);
}
