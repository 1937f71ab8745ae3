//! Writes the conjoint example whose preferences differ by theme
//! (`examples/data/conjoint_by_theme.csv` and its design file), for the
//! respondents of `examples/data/respondents.csv`, with a fixed seed.
//!
//! ```text
//! cargo run --example generate_link_study
//! ```
//! The effects are in `topics::link::simulate` (trust: stronger friend and
//! family providers; curiosity: stronger South Korean content and video;
//! learning: no difference).

use std::path::Path;

use topics::io::write_atomic;
use topics::link::simulate;

/// The dominant theme of each respondent, in id order.
fn themes(path: &Path) -> Result<Vec<usize>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "dominant_theme")
        .ok_or("respondents.csv has no dominant_theme column")?;
    let mut out = Vec::new();
    for record in reader.records() {
        out.push(record?[column].parse()?);
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let themes = themes(&dir.join("respondents.csv"))?;
    write_atomic(&dir.join("conjoint_by_theme.csv"), |w| {
        simulate::write_by_theme(w, &themes, simulate::TASKS, simulate::SEED)
    })?;
    let json = serde_json::to_string_pretty(&simulate::design())?;
    write_atomic(&dir.join("conjoint_by_theme_design.json"), |w| {
        writeln!(w, "{json}")
    })?;
    eprintln!(
        "wrote {}/conjoint_by_theme.csv ({} respondents) and conjoint_by_theme_design.json",
        dir.display(),
        themes.len()
    );
    Ok(())
}
