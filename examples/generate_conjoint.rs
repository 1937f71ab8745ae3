//! Writes the example conjoint data set (the shape of the motivating study:
//! 313 respondents × 10 tasks × 2 profiles, seven attributes, a forced
//! choice, four sharing outcomes, a 7-point rating, covariates) from known
//! effects, with a fixed seed.
//!
//! ```text
//! cargo run --example generate_conjoint              # examples/data/conjoint*.{csv,json}
//! cargo run --release --example generate_conjoint -- --large ROWS FILE.csv
//! ```
//! `--large` writes a forced-choice design with 9 features and ROWS profile
//! rows (10 tasks × 2 profiles per respondent) for the benchmarks.

use std::path::{Path, PathBuf};

use topics::conjoint::simulate;
use topics::io::write_atomic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--large") {
        let rows: usize = args.get(1).ok_or("--large ROWS FILE.csv")?.parse()?;
        let path = PathBuf::from(args.get(2).ok_or("--large ROWS FILE.csv")?);
        let features = simulate::bench_features(9);
        write_atomic(&path, |w| {
            simulate::write_forced_choice(w, &features, rows.div_ceil(20), 10, 7)
        })?;
        eprintln!("wrote {}", path.display());
        return Ok(());
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    write_atomic(&dir.join("conjoint.csv"), |w| {
        simulate::write_study(w, 313, 10, simulate::STUDY_SEED)
    })?;
    for (name, korean) in [
        ("conjoint_design.json", false),
        ("conjoint_design_ko.json", true),
    ] {
        let json = serde_json::to_string_pretty(&simulate::study_design(korean))?;
        write_atomic(&dir.join(name), |w| writeln!(w, "{json}"))?;
    }
    eprintln!("wrote {}/conjoint.csv and the design files", dir.display());
    Ok(())
}
