//! `topics conjoint`: AMCEs, marginal means and friends from a long CSV of
//! conjoint profiles, as cregg/cjoint compute them.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::ValueEnum;
use rayon::prelude::*;
use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::conjoint::design::{Binarize, Options};
use topics::conjoint::estimate::{self, AnovaRow, EstimateRow, FreqRow, Profile};
use topics::conjoint::output;
use topics::conjoint::plot::{self, PlotSpec};

use super::common::{print, to_json, write_file, EstimationArgs, Format};

const EXAMPLES: &str = "\
Examples:
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --outcome chosen
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --estimate mm --h0 0.5 --plot mm.svg
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --level 0.9 --format json -o amce.json
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --estimate amce-diffs --by gender
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --estimate anova --by age_group
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --outcome rating --binarize '>4'
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --outcome chosen --estimate predict --profile most --profile least
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --estimate freqs --format csv
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --estimate freqs --plot freqs.svg
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --outcome chosen --estimate amce,mm --format json -o estimates.json
  topics conjoint examples/data/conjoint.csv --design examples/data/conjoint_design.json --outcome chosen --estimate predict --profile most --by gender

Exit codes: 3-6 input files and columns, 12 an output file is an input, 30 not a number,
31 empty required cell, 32 unknown or unseen level, 33 single-level feature, 34 bad design
file, 35 restricted design, 36 coefficient not identified, 37 invalid request, 38 predict
on an outcome that is not 0/1.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Long CSV with one row per profile.
    data: PathBuf,
    /// Design file (JSON): `roles` (respondent_id, attributes, outcomes,
    /// weights) and `levels` (order per feature, reference first);
    /// optional `labels`, `restrictions` and `randomization` (see
    /// --randomization).
    #[arg(long)]
    design: Option<PathBuf>,
    /// Respondent id column (clusters the standard errors).
    #[arg(long)]
    respondent: Option<String>,
    /// Outcome column(s), comma-separated; replaces the design's outcomes.
    #[arg(long, value_delimiter = ',')]
    outcome: Vec<String>,
    /// Feature columns, comma-separated; replaces the design's attributes.
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Make LEVEL the reference level of FEATURE (repeatable).
    #[arg(long = "reference", value_name = "FEATURE=LEVEL")]
    references: Vec<String>,
    /// What to estimate; several, comma-separated (e.g. amce,mm), share one
    /// read of the data: JSON is then an object keyed by estimate, the
    /// table one section per estimate, CSV one table of all rows.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "amce")]
    estimate: Vec<EstimateArg>,
    /// Respondent grouping column for subgroup estimates, differences and
    /// the anova test.
    #[arg(long)]
    by: Option<String>,
    /// Survey weights: the named column, or (without a value) the design
    /// file's `weights` role. Weights apply only when this flag is given.
    #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "COL")]
    weights: Option<String>,
    #[command(flatten)]
    estimation: EstimationArgs,
    /// Make a ratings outcome binary, e.g. '>4' (also >=, <, <=, ==).
    #[arg(long, allow_hyphen_values = true)]
    binarize: Option<String>,
    /// Profile to predict with --estimate predict: 'most', 'least', or
    /// 'feature=level; feature=level; ...' naming every feature (repeatable).
    #[arg(long)]
    profile: Vec<String>,
    /// Estimate designs with restrictions between features as if they had
    /// none (a main-effects model averaging over combinations that never
    /// occur); see --randomization for the restricted-design AMCE.
    #[arg(long)]
    unrestricted: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the results to this file instead of standard output.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Draw the estimates (or, with --estimate freqs, the level shares) as
    /// an SVG plot.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EstimateArg {
    /// Average marginal component effects.
    Amce,
    /// Marginal means.
    Mm,
    /// Differences of marginal means between --by groups.
    MmDiffs,
    /// Differences of AMCEs between --by groups (one interacted model).
    AmceDiffs,
    /// Do AMCEs differ between --by groups? (F and clustered Wald tests.)
    Anova,
    /// How often each level was shown.
    Freqs,
    /// Predicted outcome of full profiles (--profile).
    Predict,
}

impl Args {
    fn spec(&self) -> anyhow::Result<Spec> {
        let mut design_weights = None;
        let mut spec = match &self.design {
            Some(path) => {
                let design = DesignFile::load(path)?;
                design_weights = design.roles.weights.clone();
                Spec::from_design(design, path)
            }
            None => Spec::default(),
        };
        if let Some(r) = &self.respondent {
            spec.respondent = Some(r.clone());
        }
        if !self.outcome.is_empty() {
            spec.outcomes = self.outcome.clone();
        }
        if !self.features.is_empty() {
            spec.features = self.features.clone();
        }
        for r in &self.references {
            let Some((f, l)) = r.split_once('=') else {
                bail!(request(format!(
                    "--reference '{r}': expected FEATURE=LEVEL"
                )));
            };
            spec.references
                .push((f.trim().to_string(), l.trim().to_string()));
        }
        spec.by = self.by.clone();
        spec.weights = match self.weights.as_deref() {
            None => None,
            Some("") => Some(design_weights.context(
                "--weights without a column needs a design file whose roles name 'weights'",
            )?),
            Some(col) => Some(col.to_string()),
        };
        Ok(spec)
    }

    fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            weighted: self.weights.is_some(),
            binarize: self
                .binarize
                .as_deref()
                .map(str::parse::<Binarize>)
                .transpose()
                .map_err(topics::Error::from)?,
            ..self.estimation.options()?
        })
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    topics::io::refuse_overwriting_inputs(
        &[args.output.as_deref(), args.plot.as_deref()],
        &[Some(&args.data), args.design.as_deref()],
    )?;
    let spec = args.spec()?;
    let opts = args.options()?;
    let kinds = requested(&args)?;
    let data = ConjointData::read(&args.data, &spec)?;
    let only_freqs = kinds.iter().all(|&k| k == EstimateArg::Freqs);
    // Frequencies describe the design itself, restricted or not.
    let mut opts = opts;
    if !only_freqs {
        opts.weighting = args.estimation.weighting(&data, &spec, args.unrestricted)?;
    }
    notes(&data, only_freqs)?;
    // Several estimates run side by side: each is deterministic on its own
    // (the same bits for any thread count), and their serial passes over
    // the rows then overlap with each other's parallel ones.
    let results = kinds
        .par_iter()
        .map(|&kind| estimate_one(&args, kind, &data, &opts))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if let (Some(path), [(kind, result)]) = (&args.plot, results.as_slice()) {
        draw(path, *kind, result, &data, &opts)?;
    }
    let text = match results.as_slice() {
        [(_, result)] => render(result, args.format, &data, &opts)?,
        _ => render_several(&results, args.format, &data, &opts)?,
    };
    match &args.output {
        Some(path) => write_file(path, text.as_bytes())?,
        None => print(&text)?,
    }
    Ok(())
}

/// The estimates asked for, each once, in the order given; refuses
/// combinations that cannot be answered before the data is read.
fn requested(args: &Args) -> anyhow::Result<Vec<EstimateArg>> {
    let mut kinds: Vec<EstimateArg> = Vec::new();
    for &k in &args.estimate {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    for &kind in &kinds {
        let needs_by = matches!(
            kind,
            EstimateArg::MmDiffs | EstimateArg::AmceDiffs | EstimateArg::Anova
        );
        if needs_by && args.by.is_none() {
            bail!(request(format!(
                "--estimate {}: needs --by COL",
                name(kind)
            )));
        }
    }
    if args.plot.is_some() && kinds.len() > 1 {
        bail!(request(
            "--plot draws one estimate; ask for the others in another call".into()
        ));
    }
    if args.plot.is_some() && kinds == [EstimateArg::Anova] {
        bail!(request(
            "--plot draws estimates; it is not available with --estimate anova".into()
        ));
    }
    let tables = kinds
        .iter()
        .filter(|k| matches!(k, EstimateArg::Freqs | EstimateArg::Anova))
        .count();
    if args.format == Format::Csv && kinds.len() > 1 && tables > 0 {
        bail!(request(
            "--format csv holds one table: freqs and anova have columns of their own; \
ask for them in a call of their own, or use --format json"
                .into()
        ));
    }
    Ok(kinds)
}

/// The name of an estimate as written on the command line.
fn name(kind: EstimateArg) -> String {
    kind.to_possible_value()
        .map_or(String::new(), |v| v.get_name().to_string())
}

/// Tells on standard error which rows the estimates leave out.
fn notes(data: &ConjointData, only_freqs: bool) -> anyhow::Result<()> {
    for o in &data.outcomes {
        let missing = estimate::missing_outcomes(data, &o.name)?;
        if missing > 0 && !only_freqs {
            eprintln!(
                "note: outcome '{}': {missing} of {} rows have no value and are left out",
                o.name,
                data.nrows()
            );
        }
    }
    if let Some(by) = &data.by {
        let missing = by.of_row.iter().filter(|g| g.is_none()).count();
        if missing > 0 {
            eprintln!(
                "note: --by {}: {missing} rows have no group and are left out of grouped estimates",
                by.column
            );
        }
    }
    Ok(())
}

/// What one estimate produced.
enum Answer {
    Freqs(Vec<FreqRow>),
    Anova(Vec<AnovaRow>),
    Rows(Vec<EstimateRow>),
}

fn estimate_one(
    args: &Args,
    kind: EstimateArg,
    data: &ConjointData,
    opts: &Options,
) -> anyhow::Result<(EstimateArg, Answer)> {
    let result = match kind {
        EstimateArg::Freqs if opts.weighted => {
            Answer::Freqs(estimate::freqs_weighted(data, data.by.is_some())?)
        }
        EstimateArg::Freqs => Answer::Freqs(estimate::freqs(data, data.by.is_some())?),
        EstimateArg::Anova => Answer::Anova(
            data.outcomes
                .iter()
                .map(|o| estimate::anova(data, &o.name, opts))
                .collect::<topics::Result<Vec<_>>>()?,
        ),
        kind => Answer::Rows(estimates(args, kind, data, opts)?),
    };
    Ok((kind, result))
}

/// One estimate's output, exactly as a call asking for it alone prints it.
fn render(
    result: &Answer,
    format: Format,
    data: &ConjointData,
    opts: &Options,
) -> anyhow::Result<String> {
    Ok(match (result, format) {
        (Answer::Freqs(rows), Format::Table) => output::freqs_table(rows, &data.features),
        (Answer::Freqs(rows), Format::Csv) => output::freqs_csv(rows),
        (Answer::Freqs(rows), Format::Json) => to_json(rows)?,
        (Answer::Anova(rows), Format::Table) => output::anova_table(rows),
        (Answer::Anova(rows), Format::Csv) => output::anova_csv(rows),
        (Answer::Anova(rows), Format::Json) => to_json(rows)?,
        (Answer::Rows(rows), Format::Table) => {
            output::estimates_table(rows, &data.features, opts.alpha)
        }
        (Answer::Rows(rows), Format::Csv) => output::estimates_csv(rows),
        (Answer::Rows(rows), Format::Json) => to_json(rows)?,
    })
}

/// Several estimates: JSON is one object keyed by estimate name (in the
/// order asked), the table one `== name ==` section per estimate, CSV one
/// table of all estimate rows (their `statistic` column tells them apart).
fn render_several(
    results: &[(EstimateArg, Answer)],
    format: Format,
    data: &ConjointData,
    opts: &Options,
) -> anyhow::Result<String> {
    match format {
        Format::Json => {
            let mut map = serde_json::Map::new();
            for (kind, result) in results {
                let value = match result {
                    Answer::Freqs(rows) => serde_json::to_value(rows)?,
                    Answer::Anova(rows) => serde_json::to_value(rows)?,
                    Answer::Rows(rows) => serde_json::to_value(rows)?,
                };
                map.insert(name(*kind), value);
            }
            to_json(&Keyed(results.iter().map(|(k, _)| name(*k)).collect(), map))
        }
        Format::Csv => {
            let rows: Vec<EstimateRow> = results
                .iter()
                .flat_map(|(_, r)| match r {
                    Answer::Rows(rows) => rows.clone(),
                    _ => Vec::new(),
                })
                .collect();
            Ok(output::estimates_csv(&rows))
        }
        Format::Table => {
            let mut out = String::new();
            for (i, (kind, result)) in results.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("== {} ==\n", name(*kind)));
                out.push_str(&render(result, format, data, opts)?);
            }
            Ok(out)
        }
    }
}

/// A JSON object whose keys come out in the order given (serde_json's map
/// sorts them).
struct Keyed(Vec<String>, serde_json::Map<String, serde_json::Value>);

impl serde::Serialize for Keyed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for k in &self.0 {
            m.serialize_entry(k, &self.1[k])?;
        }
        m.end()
    }
}

fn estimates(
    args: &Args,
    kind: EstimateArg,
    data: &ConjointData,
    opts: &Options,
) -> anyhow::Result<Vec<EstimateRow>> {
    let grouped = args.by.is_some();
    let profiles = args
        .profile
        .iter()
        .map(|p| p.parse::<Profile>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(topics::Error::from)?;
    if kind == EstimateArg::Predict && profiles.is_empty() {
        bail!(request("--estimate predict needs at least one --profile ('most', 'least' or 'feature=level; ...')".into()));
    }
    let mut rows = Vec::new();
    for o in &data.outcomes {
        let name = o.name.as_str();
        rows.extend(match kind {
            EstimateArg::Amce if grouped => estimate::amce_by(data, name, opts)?,
            EstimateArg::Amce => estimate::amce(data, name, opts)?,
            EstimateArg::Mm if grouped => estimate::mm_by(data, name, opts)?,
            EstimateArg::Mm => estimate::mm(data, name, opts)?,
            EstimateArg::MmDiffs => estimate::mm_diffs(data, name, opts)?,
            EstimateArg::AmceDiffs => estimate::amce_diffs(data, name, opts)?,
            EstimateArg::Predict if grouped => estimate::predict_by(data, name, &profiles, opts)?,
            EstimateArg::Predict => estimate::predict(data, name, &profiles, opts)?,
            EstimateArg::Anova | EstimateArg::Freqs => Vec::new(),
        });
    }
    Ok(rows)
}

fn draw(
    path: &std::path::Path,
    kind: EstimateArg,
    result: &Answer,
    data: &ConjointData,
    opts: &Options,
) -> anyhow::Result<()> {
    let rows = match result {
        Answer::Rows(rows) => rows,
        Answer::Freqs(rows) => {
            let weighted = if opts.weighted { ", weighted" } else { "" };
            let svg = plot::freqs_svg(
                rows,
                &data.features,
                &format!("Level frequencies{weighted}"),
            );
            return write_file(path, svg.as_bytes());
        }
        Answer::Anova(_) => return Ok(()),
    };
    let pct = (1.0 - opts.alpha) * 100.0;
    let (title, x_label, null_value) = match kind {
        EstimateArg::Amce => ("AMCE", "Estimated AMCE", 0.0),
        EstimateArg::Mm => ("Marginal means", "Marginal mean", opts.h0),
        EstimateArg::MmDiffs => ("Differences in marginal means", "Difference", 0.0),
        EstimateArg::AmceDiffs => ("Differences in AMCEs", "Difference", 0.0),
        _ => ("Predicted outcome of profiles", "Prediction", opts.h0),
    };
    let svg = plot::svg(&PlotSpec {
        rows,
        features: &data.features,
        null_value,
        title: format!("{title} ({pct}% CI)"),
        x_label: x_label.to_string(),
    });
    write_file(path, svg.as_bytes())
}

/// A request error with its exit code (37).
fn request(message: String) -> topics::Error {
    topics::conjoint::ConjointError::Request(message).into()
}
