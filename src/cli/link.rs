//! `topics link`: cross-check a topic model against a conjoint experiment
//! answered by the same respondents.

use std::path::PathBuf;

use clap::ValueEnum;
use topics::conjoint::data::{ConjointData, DesignFile, Spec};
use topics::explore::{open_model, Labels};
use topics::link::covariates::{self, ConjointSource, CovariatesFile};
use topics::link::estimate::LinkOptions;
use topics::link::groups::GroupRule;
use topics::link::join::Join;
use topics::link::prevalence::BootstrapOptions;
use topics::link::{output, plot, words, LinkError, LinkInput};

use super::common::{print, to_json, write_file, EstimationArgs, Format};

const EXAMPLES: &str = "\
Examples:
  topics fit examples/data/answers_en.txt -k 3 -o model.json
  topics label model.json --word trust \"Trust\"
  topics link --model model.json --conjoint examples/data/conjoint_by_theme.csv \\
      --design examples/data/conjoint_by_theme_design.json --outcome chosen \\
      --mapping examples/data/link_mapping.txt --prevalence-by market_experience --plot link.svg
  topics link --model model.json --conjoint examples/data/conjoint_by_theme.csv \\
      --design examples/data/conjoint_by_theme_design.json --groups threshold --threshold 0.4
  topics link --model model.json --conjoint examples/data/conjoint_by_theme.csv \\
      --design examples/data/conjoint_by_theme_design.json --groups terciles --topic Trust --draws 5
  topics link --model model.json --conjoint examples/data/conjoint_by_theme.csv \\
      --design examples/data/conjoint_by_theme_design.json --format json -o link.json
  topics report model.json --link-results link.json -o report.html

Respondents are joined to answers by the conjoint respondent id (or --answers-id COL)
against the answer ids saved in the model; every unmatched or ambiguous id is counted.
Estimates are repeated over the posterior draws of θ saved in the model and combined
by Rubin's rules, so intervals include the uncertainty of the topic assignment.

Exit codes: 3-6 input files and columns, 8 invalid flag, 9 bad model, 12 an output file
is an input, 30-37 conjoint data (see topics conjoint --help), 40 labels file does not fit
the model, 50 no respondent joined, 51 per-respondent column not constant, 52 bad mapping
file, 53 nothing estimable, 54 invalid request.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The topic model (from `topics fit`); its labels are used when set.
    #[arg(long)]
    model: PathBuf,
    /// Long conjoint CSV, one row per profile.
    #[arg(long)]
    conjoint: PathBuf,
    /// The conjoint design file (JSON; as for `topics conjoint`).
    #[arg(long)]
    design: PathBuf,
    /// Outcome column(s), comma-separated [default: the design's first outcome].
    #[arg(long, value_delimiter = ',')]
    outcome: Vec<String>,
    /// Respondent id column [default: the design's].
    #[arg(long)]
    respondent: Option<String>,
    /// Conjoint column holding each respondent's answer id, when it is not
    /// the respondent id.
    #[arg(long, value_name = "COL")]
    answers_id: Option<String>,
    /// How respondents are put into topic groups.
    #[arg(long, value_enum, default_value_t = GroupsArg::Dominant)]
    groups: GroupsArg,
    /// With --groups threshold: θ at or above this puts a respondent in a
    /// topic's group.
    #[arg(long, default_value_t = 0.3)]
    threshold: f64,
    /// With --groups terciles: the topic whose θ is split into terciles
    /// (a number or a label).
    #[arg(long)]
    topic: Option<String>,
    /// Use the last N posterior draws of θ [default: all the model keeps].
    #[arg(long, value_name = "N")]
    draws: Option<usize>,
    /// Words-to-levels mapping file ("trust -> Family, Friend" per line).
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Top words per topic and ranking (probability, FREX) searched for
    /// the levels' words (more than are shown: a level's word need not be
    /// among the very top).
    #[arg(long, alias = "top-words", default_value_t = 20)]
    match_words: usize,
    /// Topic prevalence by this respondent covariate (repeatable or
    /// comma-separated): a column of --covariates, else of the conjoint CSV.
    #[arg(long, value_delimiter = ',', value_name = "COL")]
    prevalence_by: Vec<String>,
    /// CSV of respondent covariates keyed by answer id.
    #[arg(long, value_name = "FILE.csv")]
    covariates: Option<PathBuf>,
    /// Id column of --covariates [default: its first column].
    #[arg(long, value_name = "COL")]
    covariates_id: Option<String>,
    /// Bootstrap replicates for the prevalence intervals.
    #[arg(long, default_value_t = 1000)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    estimation: EstimationArgs,
    /// Output format (csv: the pooled estimates; --csv-dir writes every table).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Write every table as CSV into this directory.
    #[arg(long, value_name = "DIR")]
    csv_dir: Option<PathBuf>,
    /// Draw marginal means by topic group (one panel per feature) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GroupsArg {
    /// Each respondent in the group of their largest θ.
    Dominant,
    /// Each topic's group: respondents with θ ≥ --threshold.
    Threshold,
    /// Terciles of one topic's θ (--topic).
    Terciles,
}

fn request(message: String) -> topics::Error {
    LinkError::Request(message).into()
}

impl Args {
    fn rule(&self, labels: &topics::explore::Labels) -> anyhow::Result<GroupRule> {
        Ok(match self.groups {
            GroupsArg::Dominant => GroupRule::Dominant,
            GroupsArg::Threshold => GroupRule::threshold(self.threshold)?,
            GroupsArg::Terciles => {
                let t = self
                    .topic
                    .as_deref()
                    .ok_or_else(|| request("--groups terciles needs --topic K".into()))?;
                let t = labels.resolve(t).map_err(|e| match e {
                    topics::Error::InvalidParameter { reason, .. } => {
                        request(format!("--topic {t}: {reason}"))
                    }
                    other => other,
                })?;
                GroupRule::Terciles(t)
            }
        })
    }

    /// The checked bootstrap settings. Only prevalence (`--prevalence-by`)
    /// runs the bootstrap, so without it `--bootstrap` is not held against
    /// the run (it is raised to the smallest valid count, unused).
    fn bootstrap(&self, alpha: f64) -> topics::Result<BootstrapOptions> {
        let replicates = match self.prevalence_by.is_empty() {
            true => self.bootstrap.max(2),
            false => self.bootstrap,
        };
        BootstrapOptions::new(replicates, self.seed, alpha)
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let csv_files: Vec<PathBuf> = args
        .csv_dir
        .iter()
        .flat_map(|dir| output::CSV_FILES.map(|name| dir.join(name)))
        .collect();
    topics::io::refuse_overwriting_inputs(
        &[args.output.as_deref(), args.plot.as_deref()]
            .into_iter()
            .chain(csv_files.iter().map(|p| Some(p.as_path())))
            .collect::<Vec<_>>(),
        &[
            Some(&args.model),
            Some(&Labels::path_for(&args.model)),
            Some(&args.conjoint),
            Some(&args.design),
            args.mapping.as_deref(),
            args.covariates.as_deref(),
        ],
    )?;
    let opts = args.estimation.options()?;
    let bootstrap = args.bootstrap(opts.alpha)?;
    let (model, labels) = open_model(&args.model)?;
    let rule = args.rule(&labels)?;
    let design = DesignFile::load(&args.design)?;
    let mut spec = Spec::from_design(design, &args.design);
    if let Some(r) = &args.respondent {
        spec.respondent = Some(r.clone());
    }
    if !args.outcome.is_empty() {
        spec.outcomes = args.outcome.clone();
    } else if spec.outcomes.len() > 1 {
        eprintln!(
            "note: no --outcome given; using the design's first outcome '{}'",
            spec.outcomes[0]
        );
        spec.outcomes.truncate(1);
    }
    let data = ConjointData::read(&args.conjoint, &spec)?;
    let mut opts = opts;
    opts.weighting = args.estimation.weighting(&data, &spec, false)?;
    for o in &data.outcomes {
        let missing = topics::conjoint::estimate::missing_outcomes(&data, &o.name)?;
        if missing > 0 {
            eprintln!(
                "note: outcome '{}': {missing} of {} rows have no value and are left out",
                o.name,
                data.nrows()
            );
        }
    }
    let respondent_column = spec.respondent.clone().unwrap_or_default();
    let answer_ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
    let join = Join::of(
        &data,
        &args.conjoint,
        &respondent_column,
        args.answers_id.as_deref(),
        &answer_ids,
        &args.model,
    )?;
    let mapping = match &args.mapping {
        Some(p) => words::read_mapping(p)?,
        None => Vec::new(),
    };
    let covariates_file = args
        .covariates
        .as_deref()
        .map(|p| CovariatesFile::open(p, args.covariates_id.as_deref()))
        .transpose()?;
    let covariates = covariates::load(
        &args.prevalence_by,
        covariates_file.as_ref(),
        &ConjointSource {
            data: &data,
            path: &args.conjoint,
            spec: &spec,
            join: &join,
            model: &model,
        },
    )?;
    let link_opts = LinkOptions {
        rule,
        draws: args.draws,
        conjoint: opts.clone(),
    };
    let result = topics::link::link(
        LinkInput {
            model: &model,
            model_path: &args.model,
            labels: &labels,
            data: &data,
            data_path: &args.conjoint,
            join,
            mapping: &mapping,
            mapping_path: args.mapping.as_deref(),
            top_words: args.match_words,
            covariates: &covariates,
            bootstrap,
        },
        &link_opts,
    )?;
    if let Some(path) = &args.plot {
        let outcome = &result.summary.outcomes[0];
        let svg = plot::svg(
            &result.rows,
            &data.features,
            outcome,
            opts.h0,
            &format!(
                "Marginal means of '{outcome}' by topic group ({}% CI, {} θ draws)",
                (1.0 - opts.alpha) * 100.0,
                result.summary.draws
            ),
        );
        write_file(path, svg.as_bytes())?;
    }
    if let Some(dir) = &args.csv_dir {
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(|e| topics::Error::io(dir, e))?;
        }
        for (name, text) in output::all_csv(&result) {
            write_file(&dir.join(name), text.as_bytes())?;
        }
    }
    let text = match args.format {
        Format::Table => output::table(&result, &data.features),
        Format::Csv => output::rows_csv(&result.rows),
        Format::Json => to_json(&result)?,
    };
    match &args.output {
        Some(path) => write_file(path, text.as_bytes())?,
        None => print(&text)?,
    }
    Ok(())
}
