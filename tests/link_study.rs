//! The "done when" check of `topics link`: on a study simulated with known
//! topic-dependent preferences (`examples/data/conjoint_by_theme.csv`, from
//! `topics::link::simulate`, for the respondents whose answers are
//! `examples/data/answers_en.txt` with true themes in `respondents.csv`),
//! the link finds the differences that were put in, with intervals that
//! cover the truth, and none where none were put in.
//!
//! The truth of a topic-group estimate is known by construction once the
//! groups are: the simulated choice model is linear, so a group's true
//! marginal means and AMCEs are the respondent-weighted mixture of its
//! members' true themes', and the pooled estimate's target is the mean of
//! those truths over the θ draws. (Respondents whose dominant topic is not
//! their true theme dilute a group's difference; that dilution is part of
//! the truth of the estimate, not an error of it.)
//!
//! Error rates are controlled honestly: coverage is checked for all
//! intervals at once with Bonferroni-adjusted critical values (family-wise
//! 95%), the planted differences are required to be significant at
//! 0.05 / 4, and the null differences must all stay below the Bonferroni
//! threshold 0.05 / 42 (3 topics × 14 levels of the four features no theme
//! changes), so this test fails by chance with probability at most 5% for a
//! fresh seed; for the committed seed it is deterministic.

use crate::util;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::explore::open_model;
use topics::link::combine::t_quantile_upper;
use topics::link::estimate::ThetaDraws;
use topics::link::groups::{dominant, GroupRule};
use topics::link::join::Join;
use topics::link::simulate;

use util::{repo_file, topics};

/// A 3-topic model of the English answers, fitted once per test binary.
fn model() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under target/tmp, rewritten on every run (not a leaked temp dir).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("link_study");
        std::fs::create_dir_all(&dir).unwrap();
        let answers = repo_file("examples/data/answers_en.txt");
        topics(
            &dir,
            &[
                "fit",
                answers.to_str().unwrap(),
                "-k",
                "3",
                "-o",
                "model.json",
            ],
        )
        .ok();
        dir.join("model.json")
    })
}

fn link_json(extra: &[&str]) -> Value {
    let model = model();
    let data = repo_file("examples/data/conjoint_by_theme.csv");
    let design = repo_file("examples/data/conjoint_by_theme_design.json");
    let mapping = repo_file("examples/data/link_mapping.txt");
    let mut args = vec![
        "link",
        "--model",
        model.to_str().unwrap(),
        "--conjoint",
        data.to_str().unwrap(),
        "--design",
        design.to_str().unwrap(),
        "--outcome",
        "chosen",
        "--mapping",
        mapping.to_str().unwrap(),
        "--prevalence-by",
        "market_experience",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = topics(model.parent().unwrap(), &args).ok();
    serde_json::from_str(&run.stdout).unwrap()
}

fn themes() -> HashMap<String, usize> {
    let text = std::fs::read_to_string(repo_file("examples/data/respondents.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[4].parse().unwrap())
        })
        .collect()
}

/// True values of every group estimate, averaged over the θ draws:
/// key (statistic, BY, feature, level).
struct Truth {
    values: HashMap<(String, String, String, String), f64>,
    /// The true theme most members of each topic's group have.
    theme_of_topic: Vec<usize>,
}

fn truth() -> Truth {
    let (model, labels) = open_model(model()).unwrap();
    let design_path = repo_file("examples/data/conjoint_by_theme_design.json");
    let mut spec = Spec::from_design(DesignFile::load(&design_path).unwrap(), &design_path);
    spec.outcomes = vec!["chosen".into()];
    let data_path = repo_file("examples/data/conjoint_by_theme.csv");
    let data = ConjointData::read(&data_path, &spec).unwrap();
    let ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
    let join = Join::of(&data, &data_path, "respondent", None, &ids, model_path()).unwrap();
    let draws = ThetaDraws::new(&model, &join, None).unwrap();
    let themes = themes();
    let theme: Vec<usize> = draws
        .joined
        .iter()
        .map(|&(r, _)| themes[&data.respondent_ids[r]])
        .collect();
    let k = model.k();
    let truths: Vec<Vec<simulate_features::Effects>> = (0..3)
        .map(|t| vec![simulate_features::effects(t)])
        .collect();
    let mut values: HashMap<(String, String, String, String), f64> = HashMap::new();
    let m = draws.num_draws() as f64;
    for theta in &draws.theta {
        let members = GroupRule::Dominant.members(theta, k);
        for (g, member) in members.iter().enumerate() {
            let name = labels.name(g);
            let mut inside = [0.0; 3];
            let mut outside = [0.0; 3];
            for (i, &m) in member.iter().enumerate() {
                if m {
                    inside[theme[i]] += 1.0;
                } else {
                    outside[theme[i]] += 1.0;
                }
            }
            for f in simulate::theme_features(0) {
                for (level, _) in &f.levels {
                    let mix = |w: &[f64; 3], what: &dyn Fn(usize) -> f64| {
                        let n: f64 = w.iter().sum();
                        (0..3).map(|t| w[t] / n * what(t)).sum::<f64>()
                    };
                    let mm = |t: usize| simulate::true_mm(t, &f.name, level).unwrap();
                    let amce = |t: usize| truths[t][0][&(f.name.clone(), level.clone())];
                    let add = |values: &mut HashMap<_, f64>, stat: &str, by: &str, v: f64| {
                        *values
                            .entry((
                                stat.to_string(),
                                by.to_string(),
                                f.name.clone(),
                                level.clone(),
                            ))
                            .or_default() += v / m;
                    };
                    add(&mut values, "mm", &name, mix(&inside, &mm));
                    add(&mut values, "amce", &name, mix(&inside, &amce));
                    add(
                        &mut values,
                        "mm_difference",
                        &format!("{name} - others"),
                        mix(&inside, &mm) - mix(&outside, &mm),
                    );
                }
            }
        }
    }
    let last = draws.theta.last().unwrap();
    let theme_of_topic = (0..k)
        .map(|g| {
            let mut counts = [0usize; 3];
            for (i, t) in last.iter().enumerate() {
                if dominant(t) == g {
                    counts[theme[i]] += 1;
                }
            }
            (0..3).max_by_key(|&t| counts[t]).unwrap()
        })
        .collect();
    Truth {
        values,
        theme_of_topic,
    }
}

fn model_path() -> &'static Path {
    model()
}

/// The true AMCE of every (feature, level) of a theme.
mod simulate_features {
    use std::collections::HashMap;

    pub type Effects = HashMap<(String, String), f64>;

    pub fn effects(theme: usize) -> Effects {
        topics::link::simulate::theme_features(theme)
            .into_iter()
            .flat_map(|f| {
                let name = f.name.clone();
                f.levels
                    .into_iter()
                    .map(move |(l, e)| ((name.clone(), l), e))
            })
            .collect()
    }
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn finds_the_differences_put_in_and_none_elsewhere() {
    let json = link_json(&[]);
    let truth = truth();
    // Each topic stands for a different theme (LDA recovers the three).
    let mut seen = truth.theme_of_topic.clone();
    seen.sort();
    assert_eq!(
        seen,
        [0, 1, 2],
        "topics ↔ themes: {:?}",
        truth.theme_of_topic
    );
    let topic_of = |theme: usize| {
        truth
            .theme_of_topic
            .iter()
            .position(|&t| t == theme)
            .unwrap()
    };
    let name = |theme: usize| format!("Topic {}", topic_of(theme));
    let rows = json["rows"].as_array().unwrap();
    let diff = |theme: usize, feature: &str, level: &str| -> &Value {
        rows.iter()
            .find(|r| {
                r["statistic"] == "mm_difference"
                    && r["BY"] == format!("{} - others", name(theme))
                    && r["feature"] == feature
                    && r["level"] == level
            })
            .unwrap()
    };

    // 1. The planted differences are found (each at 0.05 / 4) in the
    //    planted direction. Measured with the committed seed: trust group
    //    Friend +0.102, Family +0.101; curiosity group South Korean +0.134,
    //    Video +0.118 (all p < 1e-6).
    for (theme, feature, level) in [
        (1, "provider", "Friend"),
        (1, "provider", "Family"),
        (2, "content_subject", "South Korean"),
        (2, "content_form", "Video"),
    ] {
        let r = diff(theme, feature, level);
        assert!(
            num(r, "estimate") > 0.0 && num(r, "p") < 0.05 / 4.0,
            "{feature}={level} in theme {theme}: {r}"
        );
    }

    // 2. No difference where none was put in: the four features no theme
    //    changes, in every topic group (Bonferroni over 42 tests).
    let null_features = [
        "acquisition_place",
        "distribution_media",
        "target_age",
        "type",
    ];
    let nulls: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            r["statistic"] == "mm_difference"
                && null_features.contains(&r["feature"].as_str().unwrap())
        })
        .collect();
    assert_eq!(nulls.len(), 3 * 14);
    for r in &nulls {
        assert!(
            num(r, "p") > 0.05 / 42.0,
            "a difference found where none was put in: {r}"
        );
    }

    // 3. Every interval (marginal means, AMCEs and differences of every
    //    group) covers its truth, simultaneously at 95% (Bonferroni).
    let with_se: Vec<&Value> = rows.iter().filter(|r| !r["std_error"].is_null()).collect();
    let n = with_se.len() as f64;
    assert_eq!(with_se.len(), 3 * 26 + 3 * 19 + 3 * 26);
    let mut worst: f64 = 0.0;
    for r in &with_se {
        let key = (
            r["statistic"].as_str().unwrap().to_string(),
            r["BY"].as_str().unwrap().to_string(),
            r["feature"].as_str().unwrap().to_string(),
            r["level"].as_str().unwrap().to_string(),
        );
        let t = truth.values[&key];
        let df = r["df"].as_f64().unwrap_or(f64::INFINITY);
        let crit = t_quantile_upper(0.05 / (2.0 * n), df);
        let z = (num(r, "estimate") - t).abs() / num(r, "std_error");
        worst = worst.max(z / crit);
        assert!(
            z <= crit,
            "{key:?}: estimate {} is {z:.2} SE from the truth {t}",
            r["estimate"]
        );
    }
    eprintln!("largest |estimate - truth| / Bonferroni critical value: {worst:.3}");

    // 4. The omnibus tests see the trust and curiosity groups (0.05 / 3).
    for theme in [1, 2] {
        let test = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["BY"] == format!("{} - others", name(theme)))
            .unwrap();
        assert!(num(test, "p") < 0.05 / 3.0, "{test}");
    }

    // 5. The words ↔ levels table says the mapped pairs agree.
    let pairs = json["words_levels"]["pairs"].as_array().unwrap();
    for (theme, level, words) in [
        (1, "Family", "trust"),
        (1, "Friend", "trust"),
        (2, "South Korean", "dramas"),
        (2, "Video", "dramas"),
    ] {
        let p = pairs
            .iter()
            .find(|p| p["name"] == name(theme) && p["level"] == level && p["words"] == words)
            .unwrap_or_else(|| panic!("no pair {words} -> {level}"));
        assert_eq!(p["verdict"], "agrees", "{p}");
        assert!(p["source"].as_str().unwrap().starts_with("mapping line "));
    }
}

#[test]
fn prevalence_follows_the_covariate_put_in() {
    // market_experience = Yes with probability 0.7 (learning), 0.3
    // (trust), 0.5 (curiosity): learning writers are more common among the
    // experienced, trust writers less.
    let json = link_json(&[]);
    let truth = truth();
    let topic_of = |theme: usize| {
        truth
            .theme_of_topic
            .iter()
            .position(|&t| t == theme)
            .unwrap()
    };
    let rows = json["prevalence"].as_array().unwrap();
    let diff = |topic: usize| {
        rows.iter()
            .find(|r| r["statistic"] == "difference" && r["topic"] == topic)
            .unwrap()
    };
    assert_eq!(diff(0)["level"], "Yes - No");
    assert!(
        num(diff(topic_of(0)), "lower") > 0.0,
        "{}",
        diff(topic_of(0))
    );
    assert!(
        num(diff(topic_of(1)), "upper") < 0.0,
        "{}",
        diff(topic_of(1))
    );
}

#[test]
fn committed_example_is_what_the_seeded_generator_writes() {
    let themes: Vec<usize> = {
        let map = themes();
        (1..=313).map(|i| map[&i.to_string()]).collect()
    };
    let mut bytes = Vec::new();
    simulate::write_by_theme(&mut bytes, &themes, simulate::TASKS, simulate::SEED).unwrap();
    let committed = std::fs::read(repo_file("examples/data/conjoint_by_theme.csv")).unwrap();
    assert!(
        bytes == committed,
        "examples/data/conjoint_by_theme.csv differs: rerun `cargo run --example generate_link_study`"
    );
    let design: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("examples/data/conjoint_by_theme_design.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(design, simulate::design());
}

#[test]
fn no_differences_when_preferences_do_not_depend_on_the_topic() {
    // `examples/data/conjoint.csv` was simulated with the same effects for
    // every respondent (examples/generate_conjoint.rs), so every topic
    // group's true difference from the others is 0. With the committed
    // data: 2 of 78 differences have p < 0.05 (3.9 expected by chance), the
    // smallest p is 0.0045, and the omnibus p-values are 0.82, 0.73, 0.96.
    let model = model();
    let data = repo_file("examples/data/conjoint.csv");
    let design = repo_file("examples/data/conjoint_design.json");
    let run = topics(
        model.parent().unwrap(),
        &[
            "link",
            "--model",
            model.to_str().unwrap(),
            "--conjoint",
            data.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--outcome",
            "chosen",
            "--format",
            "json",
        ],
    )
    .ok();
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let diffs: Vec<&Value> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["statistic"] == "mm_difference")
        .collect();
    assert_eq!(diffs.len(), 78);
    for r in &diffs {
        assert!(num(r, "p") > 0.05 / 78.0, "{r}");
    }
    for t in json["tests"].as_array().unwrap() {
        assert!(num(t, "p") > 0.05 / 3.0, "{t}");
    }
    // The three blank answers and the five non-answers (`Not sure.`,
    // `nothing special`, `I don't know.`) are the only respondents left
    // out.
    assert_eq!(json["join"]["joined"], 305);
    assert_eq!(
        json["join"]["respondents_without_answer_ids"],
        serde_json::json!(["19", "33", "63", "95", "159", "215", "244", "250"])
    );
}

#[test]
fn prevalence_by_a_covariate_file_keyed_by_answer_id() {
    // The true dominant theme as a covariate (respondents.csv, keyed by
    // answer id): each theme's respondents have the highest mean θ on the
    // topic that stands for that theme, and its 95% interval lies above
    // the other topics' means.
    let truth = truth();
    let covariates = repo_file("examples/data/respondents.csv");
    let json = link_json(&[
        "--covariates",
        covariates.to_str().unwrap(),
        "--prevalence-by",
        "dominant_theme",
        "--draws",
        "5",
    ]);
    let rows: Vec<&Value> = json["prevalence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["covariate"] == "dominant_theme" && r["statistic"] == "mean_theta")
        .collect();
    assert_eq!(rows.len(), 3 * 3);
    for theme in 0..3 {
        let level = theme.to_string();
        let topic = truth
            .theme_of_topic
            .iter()
            .position(|&t| t == theme)
            .unwrap();
        let own = rows
            .iter()
            .find(|r| r["level"] == level.as_str() && r["topic"] == topic)
            .unwrap();
        for other in rows
            .iter()
            .filter(|r| r["level"] == level.as_str() && r["topic"] != topic)
        {
            assert!(
                num(own, "lower") > num(other, "estimate"),
                "{own} vs {other}"
            );
        }
    }
}

#[test]
fn korean_answers_link_through_korean_words() {
    // The same respondents' Korean answers: a Korean word in the mapping
    // file finds its topic, and Korean level labels meet the topic's words
    // through the model's own Korean pipeline.
    let dir = tempfile::tempdir().unwrap();
    let answers = repo_file("examples/data/answers_ko.txt");
    topics(
        dir.path(),
        &["fit", answers.to_str().unwrap(), "-k", "3", "-o", "ko.json"],
    )
    .ok();
    std::fs::write(
        dir.path().join("map.txt"),
        "# 낱말 -> 수준\n가족 -> Family, Friend\n",
    )
    .unwrap();
    let data = repo_file("examples/data/conjoint_by_theme.csv");
    let design = repo_file("examples/data/conjoint_by_theme_design.json");
    let run = topics(
        dir.path(),
        &[
            "link",
            "--model",
            "ko.json",
            "--conjoint",
            data.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--outcome",
            "chosen",
            "--mapping",
            "map.txt",
            "--draws",
            "5",
            "--format",
            "json",
        ],
    )
    .ok();
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let pairs = json["words_levels"]["pairs"].as_array().unwrap();
    let mapped: Vec<&Value> = pairs.iter().filter(|p| p["words"] == "가족").collect();
    assert_eq!(mapped.len(), 2, "{pairs:?}");
    for p in mapped {
        assert_eq!(p["source"], "mapping line 2");
        assert_eq!(p["verdict"], "agrees", "{p}");
    }

    let (model, labels) = open_model(&dir.path().join("ko.json")).unwrap();
    let features = vec![topics::conjoint::data::Feature {
        name: "provider".into(),
        label: "제공자".into(),
        levels: vec![
            "낯선 사람".into(),
            "이웃".into(),
            "친구".into(),
            "가족".into(),
        ],
    }];
    let table = topics::link::words::words_levels(
        &model,
        &labels,
        &features,
        &[],
        GroupRule::Dominant,
        &[],
        None,
        20,
    )
    .unwrap();
    let family: Vec<&topics::link::words::WordLevelPair> =
        table.pairs.iter().filter(|p| p.level == "가족").collect();
    assert_eq!(family.len(), 1, "{:?}", table.pairs);
    assert_eq!(family[0].words, "가족");
    assert_eq!(family[0].source, "label");
    assert_eq!(family[0].verdict, "no estimate");
}
