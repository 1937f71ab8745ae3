//! Do the restricted-design AMCE intervals (`--randomization`) cover the
//! truth? A Monte Carlo check over simulated restricted designs
//! (`topics::conjoint::restricted_sim`: education × job randomized jointly,
//! the top job only with the top education, education × job interactions
//! in the choice model, an independent gender; 300 respondents × 5 forced
//! choices per experiment), under the design's own probabilities (cjoint)
//! and cregg's uniform weighting, each against its own true AMCE.
//!
//! ```text
//! cargo run --release --example restricted_coverage -- [EXPERIMENTS, default 1000]
//! ```
//!
//! Prints per level: the truth, the mean estimate and the share of 95%
//! intervals covering the truth, then the pooled share per weighting and
//! SE convention. The figures of the committed code are in README
//! ("Restricted designs").

use topics::conjoint::design::Options;
use topics::conjoint::ols::VarianceKind;
use topics::conjoint::restricted_sim::coverage;

fn main() -> topics::Result<()> {
    let reps: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("EXPERIMENTS must be a number"))
        .unwrap_or(1000);
    for (design, name) in [
        (true, "design probabilities (cjoint)"),
        (false, "uniform (cregg)"),
    ] {
        for variance in [VarianceKind::Cregg, VarianceKind::Cjoint] {
            let opts = Options {
                variance,
                ..Options::default()
            };
            let levels = coverage(reps, 300, 1, design, &opts)?;
            println!("weighting: {name}; SE {variance:?}; {reps} experiments");
            println!(
                "  {:<20} {:>9} {:>9} {:>9}",
                "level", "truth", "mean est", "coverage"
            );
            for c in &levels {
                println!(
                    "  {:<20} {:>9.4} {:>9.4} {:>9.3}",
                    format!("{}={}", c.feature, c.level),
                    c.truth,
                    c.mean_estimate,
                    c.covered as f64 / c.reps as f64
                );
            }
            let covered: usize = levels.iter().map(|c| c.covered).sum();
            let total: usize = levels.iter().map(|c| c.reps).sum();
            println!(
                "  pooled: {covered}/{total} = {:.4}\n",
                covered as f64 / total as f64
            );
        }
    }
    Ok(())
}
