//! How often do `topics link`'s intervals cover the truth, and how often
//! does it find a difference where none was put in? A Monte Carlo check
//! over freshly simulated conjoint data sets (new seeds of
//! `topics::link::simulate::write_by_theme`) for the example respondents,
//! with one 3-topic model of their English answers.
//!
//! ```text
//! cargo run --release --example link_coverage -- [DATA SETS, default 100]
//! ```
//! Prints, over all data sets: the share of 95% intervals (marginal means,
//! AMCEs and differences of every topic group, pooled over θ draws) that
//! cover their truth, and the share of differences on the four features no
//! theme changes that are significant at 5%. The truth of a group estimate
//! is the mixture of its members' true themes' values, averaged over draws
//! (see tests/link_study.rs).
//!
//! With 100 data sets (seeds 1..=100; committed code, release build):
//! coverage 20691/21300 = 0.9714 and null differences significant at 5%
//! 107/4200 = 0.0255: the pooled intervals are somewhat conservative
//! for this target. Part of the between-draw variance is the change of the
//! groups' true composition from draw to draw, which the average truth
//! checked here does not vary with; it is the price of carrying the
//! uncertainty of the topic assignment into every interval.

use std::collections::HashMap;
use std::path::Path;

use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::conjoint::design::Options;
use topics::conjoint::simulate::SimFeature;
use topics::corpus::{Corpus, PruneOptions};
use topics::explore::Labels;
use topics::io::{read_answers, InputOptions};
use topics::lda::{self, LdaParams};
use topics::link::estimate::{by_topic_group, LinkOptions, ThetaDraws};
use topics::link::groups::GroupRule;
use topics::link::join::Join;
use topics::link::simulate;
use topics::text::{Analyzer, TextOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sets: u64 = std::env::args().nth(1).map_or(Ok(100), |s| s.parse())?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let answers = read_answers(&dir.join("answers_en.txt"), &InputOptions::default())?;
    let analyzer = Analyzer::new(TextOptions::default())?;
    let corpus = Corpus::build(&answers, &analyzer, PruneOptions::SHORT_ANSWERS)?;
    let params = LdaParams {
        k: 3,
        ..LdaParams::default()
    };
    let model = lda::fit(&corpus, &params, analyzer.options().clone(), &mut |_| {})?;
    let themes: Vec<usize> = std::fs::read_to_string(dir.join("respondents.csv"))?
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap_or("0").parse().unwrap_or(0))
        .collect();
    let design_path = dir.join("conjoint_by_theme_design.json");
    let mut spec = Spec::from_design(DesignFile::load(&design_path)?, &design_path);
    spec.outcomes = vec!["chosen".into()];
    let labels = Labels::empty(3);
    let opts = LinkOptions {
        rule: GroupRule::Dominant,
        draws: None,
        conjoint: Options::default(),
    };
    let ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
    let null_features = [
        "acquisition_place",
        "distribution_media",
        "target_age",
        "type",
    ];
    let (mut covered, mut intervals, mut false_hits, mut nulls) = (0usize, 0usize, 0usize, 0usize);
    let mut truth: Option<HashMap<(String, String, String, String), f64>> = None;
    for seed in 1..=sets {
        let mut csv = Vec::new();
        simulate::write_by_theme(&mut csv, &themes, simulate::TASKS, seed)?;
        let path = Path::new("simulated.csv");
        let data = ConjointData::parse(std::str::from_utf8(&csv)?, path, &spec)?;
        let join = Join::new(
            &data
                .respondent_ids
                .iter()
                .map(|r| Some(r.clone()))
                .collect::<Vec<_>>(),
            &ids,
            &vec![0; data.respondent_ids.len()],
        );
        let draws = ThetaDraws::new(&model, &join, None)?;
        // The groups depend only on the model, so the truth is the same
        // for every data set.
        let truth = truth.get_or_insert_with(|| group_truth(&draws, &data, &themes, &labels));
        let est = by_topic_group(&data, &draws, &labels, &opts)?;
        for r in est.rows.iter().filter(|r| r.row.std_error.is_some()) {
            let key = (
                r.row.statistic.as_str().to_string(),
                r.row.by.clone().unwrap_or_default(),
                r.row.feature.clone(),
                r.row.level.clone(),
            );
            let t = truth[&key];
            intervals += 1;
            if r.row.lower.unwrap_or(f64::NAN) <= t && t <= r.row.upper.unwrap_or(f64::NAN) {
                covered += 1;
            }
            if key.0 == "mm_difference" && null_features.contains(&key.2.as_str()) {
                nulls += 1;
                if r.row.p.unwrap_or(1.0) < 0.05 {
                    false_hits += 1;
                }
            }
        }
        eprint!("\r{seed}/{sets} data sets");
    }
    eprintln!();
    println!(
        "coverage of 95% intervals: {covered}/{intervals} = {:.4}",
        covered as f64 / intervals as f64
    );
    println!(
        "null differences significant at 5%: {false_hits}/{nulls} = {:.4}",
        false_hits as f64 / nulls as f64
    );
    Ok(())
}

/// The mixture truth of every group estimate, averaged over θ draws.
fn group_truth(
    draws: &ThetaDraws,
    data: &ConjointData,
    themes: &[usize],
    labels: &Labels,
) -> HashMap<(String, String, String, String), f64> {
    let theme: Vec<usize> = draws
        .joined
        .iter()
        .map(|&(r, _)| themes[data.respondent_ids[r].parse::<usize>().unwrap_or(1) - 1])
        .collect();
    let effects: Vec<Vec<SimFeature>> = (0..3).map(simulate::theme_features).collect();
    let m = draws.num_draws() as f64;
    let mut out: HashMap<(String, String, String, String), f64> = HashMap::new();
    for theta in &draws.theta {
        for (g, member) in GroupRule::Dominant.members(theta, 3).iter().enumerate() {
            let name = labels.name(g);
            let (mut inside, mut outside) = ([0.0; 3], [0.0; 3]);
            for (i, &is) in member.iter().enumerate() {
                if is {
                    inside[theme[i]] += 1.0;
                } else {
                    outside[theme[i]] += 1.0;
                }
            }
            let mix = |w: &[f64; 3], v: &dyn Fn(usize) -> f64| {
                let n: f64 = w.iter().sum();
                (0..3).map(|t| w[t] / n * v(t)).sum::<f64>()
            };
            for (f, feature) in effects[0].iter().enumerate() {
                for (l, (level, _)) in feature.levels.iter().enumerate() {
                    let mm =
                        |t: usize| simulate::true_mm(t, &feature.name, level).unwrap_or(f64::NAN);
                    let amce = |t: usize| effects[t][f].levels[l].1;
                    let mut add = |stat: &str, by: String, v: f64| {
                        *out.entry((stat.into(), by, feature.name.clone(), level.clone()))
                            .or_default() += v / m;
                    };
                    add("mm", name.clone(), mix(&inside, &mm));
                    add("amce", name.clone(), mix(&inside, &amce));
                    add(
                        "mm_difference",
                        format!("{name} - others"),
                        mix(&inside, &mm) - mix(&outside, &mm),
                    );
                }
            }
        }
    }
    out
}
