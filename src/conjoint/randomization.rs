//! How a restricted design was randomized, and so how its AMCEs average
//! over the levels of the attribute each one depends on.
//!
//! A randomization file has the form of cjoint's `conjointDesign` exported
//! to JSON (`../shared/data/conjoint/cjoint_immigrationdesign.json`):
//!
//! ```json
//! {
//!   "attributes": {"Education": ["no formal", "..."], "Job": ["janitor", "..."]},
//!   "dependence": {"Education": "Job", "Job": "Education"},
//!   "one_way": {"Education": {"no formal": 0.1147, "...": 0.18}},
//!   "education_job": {"rows": "Education", "cols": "Job",
//!                     "row_levels": ["..."], "col_levels": ["..."],
//!                     "prob": [[0.0164, 0, "..."]]}
//! }
//! ```
//!
//! Every member that is an object with `rows`, `cols` and `prob` (or an
//! entry of a `joint` array) is the joint table of one dependent pair:
//! `prob[i][j]` = P(row level i, column level j), 0 for a combination the
//! design never shows. `attributes`, `dependence` and `one_way` are
//! optional and, when present, checked against the tables and the data. A
//! design file can carry the same object as its `randomization` member.
//!
//! [`WeightingKind::Uniform`] is cregg's choice instead: equal weight over the
//! combinations the data show, with the dependent pairs found in the data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::data::{ConjointData, Spec};
use super::error::ConjointError;
use super::restrictions;
use crate::error::Result;
use crate::io::{display_path, read_text};

/// Tolerance of the checks that a table sums to 1 and agrees with the
/// one-way probabilities (files export 15 digits).
const PROB_TOLERANCE: f64 = 1e-6;

/// The joint randomization table of one dependent pair, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct JointTable {
    /// The row attribute.
    pub rows: String,
    /// The column attribute.
    pub cols: String,
    /// Levels of the row attribute, in the table's order.
    pub row_levels: Vec<String>,
    /// Levels of the column attribute, in the table's order.
    pub col_levels: Vec<String>,
    /// `prob[i][j]` = P(row level i, column level j).
    pub prob: Vec<Vec<f64>>,
}

/// A randomization file (or a design file's `randomization` member).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RandomizationFile {
    /// Level lists by attribute, when the file gives them.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// One-way probabilities by attribute and level, when given.
    pub one_way: BTreeMap<String, BTreeMap<String, f64>>,
    /// Which attribute depends on which, when given.
    pub dependence: Vec<(String, String)>,
    /// The joint tables of the dependent pairs.
    pub joint: Vec<JointTable>,
    /// Where it was read from, for messages and the output.
    pub source: PathBuf,
}

fn bad(path: &Path, message: String) -> crate::Error {
    ConjointError::BadDesign {
        path: display_path(path),
        message,
    }
    .into()
}

impl RandomizationFile {
    /// Reads a randomization file, naming the line and column of a JSON
    /// error.
    pub fn load(path: &Path) -> Result<RandomizationFile> {
        let text = read_text(path)?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            bad(
                path,
                format!("line {} column {}: not JSON ({e})", e.line(), e.column()),
            )
        })?;
        RandomizationFile::from_value(&value, path)
    }

    /// Reads the randomization object `value` (found in `path`).
    pub fn from_value(value: &Value, path: &Path) -> Result<RandomizationFile> {
        let obj = value.as_object().ok_or_else(|| {
            bad(
                path,
                "a randomization must be a JSON object with joint tables".into(),
            )
        })?;
        let mut out = RandomizationFile {
            source: path.to_path_buf(),
            ..RandomizationFile::default()
        };
        for (key, v) in obj {
            match key.as_str() {
                "class" => {}
                "attributes" => out.attributes = typed(v, path, "attributes")?,
                "one_way" => out.one_way = typed(v, path, "one_way")?,
                "dependence" => out.dependence = dependence(v, path)?,
                "joint" => {
                    for (i, t) in v.as_array().into_iter().flatten().enumerate() {
                        out.joint.push(table(t, path, &format!("joint[{i}]"))?);
                    }
                }
                _ if v.get("prob").is_some() => out.joint.push(table(v, path, key)?),
                _ => {}
            }
        }
        if out.joint.is_empty() {
            return Err(bad(path, "the randomization has no joint table of a dependent pair (members with rows, cols, row_levels, col_levels and prob)".into()));
        }
        out.check_consistent()?;
        Ok(out)
    }

    /// Each table sums to 1, agrees with `one_way` and `attributes`, and
    /// every `dependence` pair has a table.
    fn check_consistent(&self) -> Result<()> {
        let path = &self.source;
        for t in &self.joint {
            let total: f64 = t.prob.iter().flatten().sum();
            if (total - 1.0).abs() > PROB_TOLERANCE {
                return Err(bad(
                    path,
                    format!(
                        "the joint table of {} × {} sums to {total}, not 1",
                        t.rows, t.cols
                    ),
                ));
            }
            let row_margin: Vec<f64> = t.prob.iter().map(|r| r.iter().sum()).collect();
            let col_margin: Vec<f64> = (0..t.col_levels.len())
                .map(|j| t.prob.iter().map(|r| r[j]).sum())
                .collect();
            self.check_margin(&t.rows, &t.row_levels, &row_margin)?;
            self.check_margin(&t.cols, &t.col_levels, &col_margin)?;
        }
        for (a, b) in &self.dependence {
            if self.table_of(a, b).is_none() {
                return Err(bad(
                    path,
                    format!("'dependence' pairs {a} with {b}, but no joint table gives their probabilities"),
                ));
            }
        }
        Ok(())
    }

    fn check_margin(&self, feature: &str, levels: &[String], margin: &[f64]) -> Result<()> {
        if let Some(listed) = self.attributes.get(feature) {
            let mut a = listed.clone();
            let mut b = levels.to_vec();
            a.sort();
            b.sort();
            if a != b {
                return Err(bad(
                    &self.source,
                    format!("the levels of {feature} in its joint table differ from 'attributes'"),
                ));
            }
        }
        let Some(one_way) = self.one_way.get(feature) else {
            return Ok(());
        };
        for (level, &m) in levels.iter().zip(margin) {
            let p = one_way.get(level).copied().unwrap_or(f64::NAN);
            // A level missing from `one_way` (NaN) fails too.
            let agrees = (p - m).abs() <= PROB_TOLERANCE;
            if !agrees {
                return Err(bad(
                    &self.source,
                    format!("{feature}='{level}': the joint table gives probability {m}, 'one_way' gives {p}"),
                ));
            }
        }
        Ok(())
    }

    /// The table pairing `a` with `b` (either way round).
    fn table_of(&self, a: &str, b: &str) -> Option<&JointTable> {
        self.joint
            .iter()
            .find(|t| (t.rows == a && t.cols == b) || (t.rows == b && t.cols == a))
    }
}

fn typed<T: serde::de::DeserializeOwned>(v: &Value, path: &Path, what: &str) -> Result<T> {
    serde_json::from_value(v.clone()).map_err(|e| bad(path, format!("'{what}': {e}")))
}

/// `{"A": "B", "B": "A"}` (cjoint's form, a value may be a list) or
/// `[["A", "B"]]`.
fn dependence(v: &Value, path: &Path) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    if let Some(list) = v.as_array() {
        let list: Vec<Vec<String>> = typed(&Value::Array(list.clone()), path, "dependence")?;
        for p in list {
            match p.as_slice() {
                [a, b] => pairs.push((a.clone(), b.clone())),
                _ => {
                    return Err(bad(
                        path,
                        "'dependence': each entry must name two attributes".into(),
                    ))
                }
            }
        }
        return Ok(pairs);
    }
    let map: BTreeMap<String, Value> = typed(v, path, "dependence")?;
    for (a, others) in map {
        let others: Vec<String> = match others {
            Value::String(s) => vec![s],
            other => typed(&other, path, "dependence")?,
        };
        pairs.extend(others.into_iter().map(|b| (a.clone(), b)));
    }
    Ok(pairs)
}

fn table(v: &Value, path: &Path, key: &str) -> Result<JointTable> {
    let field = |name: &str| {
        v.get(name)
            .ok_or_else(|| bad(path, format!("joint table '{key}' has no '{name}'")))
    };
    let t = JointTable {
        rows: typed(field("rows")?, path, key)?,
        cols: typed(field("cols")?, path, key)?,
        row_levels: typed(field("row_levels")?, path, key)?,
        col_levels: typed(field("col_levels")?, path, key)?,
        prob: typed(field("prob")?, path, key)?,
    };
    let shape_ok =
        t.prob.len() == t.row_levels.len() && t.prob.iter().all(|r| r.len() == t.col_levels.len());
    if !shape_ok {
        return Err(bad(
            path,
            format!(
                "joint table '{key}': 'prob' must be {} rows of {} probabilities",
                t.row_levels.len(),
                t.col_levels.len()
            ),
        ));
    }
    if let Some(p) = t
        .prob
        .iter()
        .flatten()
        .find(|p| !(p.is_finite() && **p >= 0.0))
    {
        return Err(bad(
            path,
            format!("joint table '{key}': probability {p} is not a number in [0, 1]"),
        ));
    }
    Ok(t)
}

/// How the AMCEs of a restricted design average over the other attribute of
/// each dependent pair (`--randomization`).
#[derive(Debug, Clone, PartialEq)]
pub enum WeightingKind {
    /// Equal weight over the combinations the data show, as cregg: each
    /// level's main coefficient plus its estimable interaction
    /// coefficients, each weighted 1 / (1 + their number).
    Uniform,
    /// The design's own joint probabilities, as cjoint (Hainmueller,
    /// Hopkins & Yamamoto 2014), read from this file.
    Design(PathBuf),
}

/// One dependent pair of features, resolved against the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The first feature (data index); its levels vary fastest in the
    /// interaction columns.
    pub a: usize,
    /// The second feature (data index).
    pub b: usize,
    /// P(a = i, b = j) at `i * levels(b) + j`, in the data's level order
    /// (reference first); `None` for the uniform weighting.
    pub prob: Option<Vec<f64>>,
}

/// The weighting of a restricted design, resolved against its data.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighting {
    /// Uniform or the design's probabilities.
    pub kind: WeightingKind,
    /// The dependent pairs, each feature in at most one.
    pub pairs: Vec<Pair>,
}

/// What `--randomization` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `uniform`.
    Uniform,
    /// `design`: the design file's own `randomization` member.
    Design,
    /// A randomization file.
    File(PathBuf),
}

impl std::str::FromStr for Request {
    type Err = std::convert::Infallible;

    /// `uniform`, `design`, or a file (write `./uniform` for a file named so).
    fn from_str(s: &str) -> std::result::Result<Request, Self::Err> {
        Ok(match s {
            "uniform" => Request::Uniform,
            "design" => Request::Design,
            path => Request::File(PathBuf::from(path)),
        })
    }
}

/// The key of the rows' `weighting` (JSON) for an AMCE.
pub fn amce_key(w: &Weighting) -> String {
    match &w.kind {
        WeightingKind::Uniform => "uniform".into(),
        WeightingKind::Design(path) => format!("randomization:{}", path.display()),
    }
}

/// The key of the rows' `weighting` for marginal means of a restricted
/// design: plain means of the profiles shown (as cregg).
pub const MM_KEY: &str = "plain_means";

/// The table line that says which weighting a block of rows used.
pub fn describe(key: &str) -> String {
    match key {
        "uniform" => "weighting: uniform over the level combinations the data show (cregg)".into(),
        MM_KEY => "weighting: plain means of the profiles shown; restricted combinations are not reweighted (as cregg)".into(),
        other => match other.strip_prefix("randomization:") {
            Some(path) => format!("weighting: the design's randomization probabilities in {path} (cjoint)"),
            None => format!("weighting: {other}"),
        },
    }
}

/// Decides how `data` is estimated: `None` (no restriction, or
/// `--unrestricted`, or `uniform` on data with no restricted pair), or the
/// weighting of its restricted pairs. A restricted
/// design without `--randomization` is refused (exit 35).
pub fn choose(
    data: &ConjointData,
    spec: &Spec,
    request: Option<&Request>,
    allow_unrestricted: bool,
) -> Result<Option<Arc<Weighting>>> {
    let Some(request) = request else {
        restrictions::check(data, spec, allow_unrestricted)?;
        return Ok(None);
    };
    if allow_unrestricted {
        return Err(ConjointError::Request(
            "--randomization and --unrestricted contradict each other: give one".into(),
        )
        .into());
    }
    let weighting = match request {
        Request::Uniform => match uniform(data, spec)? {
            // Nothing restricted: equal weights over what the data show
            // is the plain AMCE.
            w if w.pairs.is_empty() => return Ok(None),
            w => w,
        },
        Request::File(path) => resolve(data, &RandomizationFile::load(path)?)?,
        Request::Design => {
            let value = spec.randomization.as_ref().ok_or_else(|| {
                ConjointError::Request(
                    "--randomization design: the design file has no 'randomization' member".into(),
                )
            })?;
            let path = spec.design_path.clone().unwrap_or_default();
            resolve(data, &RandomizationFile::from_value(value, &path)?)?
        }
    };
    Ok(Some(Arc::new(weighting)))
}

/// cregg's uniform weighting over the pairs the data show restricted.
fn uniform(data: &ConjointData, spec: &Spec) -> Result<Weighting> {
    let mut pairs: Vec<Pair> = Vec::new();
    for cell in restrictions::empty_cells(data) {
        let (Some(a), Some(b)) = (
            data.feature_index(&cell.feature_a),
            data.feature_index(&cell.feature_b),
        ) else {
            continue;
        };
        if !pairs.iter().any(|p| (p.a, p.b) == (a, b)) {
            pairs.push(Pair { a, b, prob: None });
        }
    }
    if pairs.is_empty() && !spec.restrictions.is_empty() {
        return Err(ConjointError::Restricted {
            message: format!(
                "{}: the design declares restrictions, but no pair of levels is missing from the data, so --randomization uniform cannot tell which features depend on each other; give a randomization file (--randomization FILE)",
                data.path.display()
            ),
        }
        .into());
    }
    check_disjoint(data, &pairs)?;
    Ok(Weighting {
        kind: WeightingKind::Uniform,
        pairs,
    })
}

/// A feature in two pairs would need a three-way interaction, which
/// neither cregg nor this estimator fits.
fn check_disjoint(data: &ConjointData, pairs: &[Pair]) -> Result<()> {
    for (i, p) in pairs.iter().enumerate() {
        for q in &pairs[i + 1..] {
            if let Some(&f) = [p.a, p.b].iter().find(|f| [q.a, q.b].contains(f)) {
                let name =
                    |x: &Pair| format!("{} × {}", data.features[x.a].name, data.features[x.b].name);
                return Err(ConjointError::Restricted {
                    message: format!(
                        "feature '{}' is restricted with two others ({} and {}); only two-way restrictions with each feature in one pair are supported (as in cregg)",
                        data.features[f].name,
                        name(p),
                        name(q)
                    ),
                }
                .into());
            }
        }
    }
    Ok(())
}

/// The design's probabilities, checked against the data: every feature and
/// level named, no shown combination with probability 0, and every pair
/// the data show restricted covered by a table.
pub fn resolve(data: &ConjointData, file: &RandomizationFile) -> Result<Weighting> {
    let mut pairs = Vec::new();
    for t in &file.joint {
        let find = |name: &str| {
            data.feature_index(name).ok_or_else(|| {
                bad(
                    &file.source,
                    format!(
                        "the joint table of {} × {} names '{name}', which is not a feature of the data (features: {})",
                        t.rows,
                        t.cols,
                        data.features.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        };
        let (r, c) = (find(&t.rows)?, find(&t.cols)?);
        let ri = level_map(data, r, &t.row_levels, &file.source)?;
        let ci = level_map(data, c, &t.col_levels, &file.source)?;
        // The earlier feature of the data comes first, as in a formula
        // that lists features in the design's order.
        let (a, b) = if r < c { (r, c) } else { (c, r) };
        let lb = data.features[b].levels.len();
        let mut prob = vec![0.0; data.features[a].levels.len() * lb];
        for (i, row) in t.prob.iter().enumerate() {
            for (j, &p) in row.iter().enumerate() {
                let (x, y) = if r < c {
                    (ri[i], ci[j])
                } else {
                    (ci[j], ri[i])
                };
                prob[x * lb + y] = p;
            }
        }
        check_shown_allowed(data, a, b, &prob, &file.source)?;
        pairs.push(Pair {
            a,
            b,
            prob: Some(prob),
        });
    }
    // The data's feature order, whatever the file's: the columns of the
    // model do not depend on how the file lists its tables.
    pairs.sort_by_key(|p| (p.a, p.b));
    check_disjoint(data, &pairs)?;
    for cell in restrictions::empty_cells(data) {
        let covered = pairs.iter().any(|p| {
            let names = (
                data.features[p.a].name.as_str(),
                data.features[p.b].name.as_str(),
            );
            names == (cell.feature_a.as_str(), cell.feature_b.as_str())
        });
        if !covered {
            return Err(bad(
                &file.source,
                format!(
                    "the data look restricted on {} × {} ({}='{}' never appears with {}='{}'), but the randomization has no joint table for that pair",
                    cell.feature_a, cell.feature_b, cell.feature_a, cell.level_a, cell.feature_b, cell.level_b
                ),
            ));
        }
    }
    Ok(Weighting {
        kind: WeightingKind::Design(file.source.clone()),
        pairs,
    })
}

/// For each level of the table, its index among the data's levels of
/// feature `f`; the two lists must hold the same levels.
fn level_map(
    data: &ConjointData,
    f: usize,
    levels: &[String],
    source: &Path,
) -> Result<Vec<usize>> {
    let feature = &data.features[f];
    let missing: Vec<&str> = feature
        .levels
        .iter()
        .filter(|l| !levels.contains(l))
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = levels
        .iter()
        .filter(|l| !feature.levels.contains(l))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() || !extra.is_empty() || levels.len() != feature.levels.len() {
        return Err(bad(
            source,
            format!(
                "the levels of '{}' differ from the data's: the data have {} that the randomization does not list, and it lists {} that the data do not have",
                feature.name,
                quoted(&missing),
                quoted(&extra)
            ),
        ));
    }
    Ok(levels
        .iter()
        .map(|l| feature.levels.iter().position(|x| x == l).unwrap_or(0))
        .collect())
}

fn quoted(list: &[&str]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|l| format!("'{l}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A row showing a combination the randomization gives probability 0
/// means the file does not describe this experiment.
fn check_shown_allowed(
    data: &ConjointData,
    a: usize,
    b: usize,
    prob: &[f64],
    source: &Path,
) -> Result<()> {
    let lb = data.features[b].levels.len();
    for i in 0..data.nrows() {
        let (x, y) = (data.level(i, a), data.level(i, b));
        if prob[x * lb + y] == 0.0 {
            let (fa, fb) = (&data.features[a], &data.features[b]);
            return Err(bad(
                source,
                format!(
                    "gives {}='{}' with {}='{}' probability 0, but {} line {} shows that combination",
                    fa.name,
                    fa.levels[x],
                    fb.name,
                    fb.levels[y],
                    data.path.display(),
                    data.line[i]
                ),
            ));
        }
    }
    Ok(())
}
