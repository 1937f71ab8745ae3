//! From a conjoint data set to the dummy-coded designs of each estimator:
//! which rows enter (observed outcome, group), and which coefficient each
//! column is.

use super::data::ConjointData;
use super::error::ConjointError;
use super::ols::{self, BinaryDesign, Clusters, DesignRows, OlsFit, OlsInput, VarianceKind};
use crate::error::Result;

/// Turns a ratings outcome into 0/1 (`--binarize '>4'`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binarize {
    /// How the rating is compared with the threshold.
    pub op: Comparison,
    /// The number the rating is compared with.
    pub threshold: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The comparison of a [`Binarize`] rule.
pub enum Comparison {
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `==` (or `=`)
    Equal,
}

impl std::str::FromStr for Binarize {
    type Err = ConjointError;

    /// Parses `>4`, `>=5`, `<3`, `<=2` or `==7`.
    fn from_str(s: &str) -> Result<Binarize, ConjointError> {
        let s = s.trim();
        let (op, rest) = [
            (">=", Comparison::GreaterEqual),
            ("<=", Comparison::LessEqual),
            ("==", Comparison::Equal),
            (">", Comparison::Greater),
            ("<", Comparison::Less),
            ("=", Comparison::Equal),
        ]
        .iter()
        .find_map(|(p, op)| s.strip_prefix(p).map(|rest| (*op, rest)))
        .ok_or_else(|| bad_binarize(s))?;
        let threshold: f64 = rest.trim().parse().map_err(|_| bad_binarize(s))?;
        Ok(Binarize { op, threshold })
    }
}

fn bad_binarize(s: &str) -> ConjointError {
    ConjointError::Request(format!(
        "--binarize '{s}': expected a comparison and a number, such as '>4', '>=5', '<3' or '==7'"
    ))
}

impl Binarize {
    /// 1.0 if `y` passes the rule, else 0.0; a missing `y` (`NaN`) stays missing.
    pub fn apply(&self, y: f64) -> f64 {
        if y.is_nan() {
            return y;
        }
        let t = self.threshold;
        let yes = match self.op {
            Comparison::Greater => y > t,
            Comparison::GreaterEqual => y >= t,
            Comparison::Less => y < t,
            Comparison::LessEqual => y <= t,
            Comparison::Equal => y == t,
        };
        if yes {
            1.0
        } else {
            0.0
        }
    }
}

/// How every estimate is computed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which clustered (sandwich) variance to use.
    pub variance: VarianceKind,
    /// 1 − confidence level of the intervals.
    pub alpha: f64,
    /// Null value for marginal means.
    pub h0: f64,
    /// Use the data's weights column (when it was read).
    pub weighted: bool,
    /// Turns a ratings outcome into 0/1 before estimating, when set.
    pub binarize: Option<Binarize>,
    /// How a restricted design's AMCEs average over its restricted pairs
    /// (`--randomization`); `None` estimates the plain main-effects model.
    pub weighting: Option<std::sync::Arc<super::randomization::Weighting>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            variance: VarianceKind::Cregg,
            alpha: 0.05,
            h0: 0.0,
            weighted: false,
            binarize: None,
            weighting: None,
        }
    }
}

impl Options {
    /// The estimators' options at `alpha` = 1 − confidence level, refused
    /// outside (0, 1) (`--alpha`, exit 8).
    pub fn new(variance: VarianceKind, alpha: f64, h0: f64) -> Result<Options> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(crate::Error::param(
                "--alpha",
                format!("{alpha} is not between 0 and 1"),
            ));
        }
        Ok(Options {
            variance,
            alpha,
            h0,
            ..Options::default()
        })
    }

    /// [`Options::new`] at a confidence `level` (`--level`, exit 8), with
    /// α rounded to 12 decimals so that level 0.95 gives exactly α 0.05.
    pub fn at_level(variance: VarianceKind, level: f64, h0: f64) -> Result<Options> {
        if !(level > 0.0 && level < 1.0) {
            return Err(crate::Error::param(
                "--level",
                format!("{level} is not between 0 and 1 (e.g. 0.95 for 95% intervals)"),
            ));
        }
        Options::new(variance, ((1.0 - level) * 1e12).round() / 1e12, h0)
    }
}

/// Which rows enter one fit, with their outcome, weight and cluster.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Data rows in the fit, in file order.
    pub rows: Vec<usize>,
    /// Outcome of each kept row (binarized if asked).
    pub y: Vec<f64>,
    /// Weight of each kept row, when weighted.
    pub weights: Option<Vec<f64>>,
    /// Cluster number (`0..n_clusters`) of each kept row.
    pub cluster: Vec<u32>,
    /// Number of distinct clusters (respondents) in the fit.
    pub n_clusters: usize,
    /// The rows of each cluster, for the sandwich.
    pub clusters: Clusters,
}

/// Which rows to keep beyond an observed outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFilter {
    /// Every row with an observed outcome.
    All,
    /// Rows whose `--by` group is known.
    Grouped,
    /// Rows of one `--by` group.
    Group(u32),
}

impl Sample {
    /// Rows with an observed `outcome` passing `filter`; clusters are
    /// renumbered densely so `G` counts only respondents present.
    pub fn new(data: &ConjointData, outcome: usize, filter: RowFilter, opts: &Options) -> Sample {
        let values = &data.outcomes[outcome].values;
        let mut cluster_map = vec![u32::MAX; data.respondent_ids.len()];
        let mut sample = Sample {
            rows: Vec::new(),
            y: Vec::new(),
            weights: (opts.weighted && data.weights.is_some()).then(Vec::new),
            cluster: Vec::new(),
            n_clusters: 0,
            clusters: Clusters::default(),
        };
        for (i, &raw) in values.iter().enumerate() {
            let y = opts.binarize.map_or(raw, |b| b.apply(raw));
            if y.is_nan() {
                continue;
            }
            let group = data.by.as_ref().and_then(|b| b.of_row[i]);
            let keep = match filter {
                RowFilter::All => true,
                RowFilter::Grouped => group.is_some(),
                RowFilter::Group(g) => group == Some(g),
            };
            if !keep {
                continue;
            }
            let r = data.respondent[i] as usize;
            if cluster_map[r] == u32::MAX {
                cluster_map[r] = sample.n_clusters as u32;
                sample.n_clusters += 1;
            }
            sample.rows.push(i);
            sample.y.push(y);
            sample.cluster.push(cluster_map[r]);
            if let (Some(w), Some(col)) = (sample.weights.as_mut(), data.weights.as_ref()) {
                w.push(col.values[i]);
            }
        }
        sample.clusters = Clusters::new(&sample.cluster, sample.n_clusters);
        sample
    }

    /// Fits `design` (built on these rows) by clustered least squares.
    pub fn fit(
        &self,
        design: &dyn DesignRows,
        opts: &Options,
        names: &dyn Fn(usize) -> String,
        what: &str,
    ) -> Result<OlsFit> {
        self.check_fittable(what)?;
        let input = OlsInput {
            design,
            y: &self.y,
            weights: self.weights.as_deref(),
            clusters: &self.clusters,
        };
        ols::fit(&input, opts.variance).map_err(|s| {
            ConjointError::NotIdentified {
                what: what.to_string(),
                coefficient: names(s.column),
            }
            .into()
        })
    }

    /// The marginal-means model of every feature on these rows, in one
    /// pass ([`ols::fit_one_hot`]); a level without rows is named as
    /// `feature=level`.
    pub fn fit_means(
        &self,
        data: &ConjointData,
        opts: &Options,
        what: &str,
    ) -> Result<Vec<OlsFit>> {
        self.check_fittable(what)?;
        let nlevels: Vec<usize> = data.features.iter().map(|f| f.levels.len()).collect();
        let codes = |i: usize| data.row_levels(self.rows[i]);
        let fits = ols::fit_one_hot(
            &codes,
            &nlevels,
            &self.y,
            self.weights.as_deref(),
            &self.clusters,
            opts.variance,
        );
        fits.into_iter()
            .zip(&data.features)
            .map(|(fit, feature)| {
                fit.map_err(|s| {
                    ConjointError::NotIdentified {
                        what: what.to_string(),
                        coefficient: format!("{}={}", feature.name, feature.levels[s.column]),
                    }
                    .into()
                })
            })
            .collect()
    }

    /// Refuses a fit without rows or with fewer than two clusters.
    fn check_fittable(&self, what: &str) -> Result<()> {
        if self.rows.is_empty() {
            return Err(ConjointError::Request(format!(
                "{what}: no rows with an observed outcome"
            ))
            .into());
        }
        if self.n_clusters < 2 {
            return Err(ConjointError::Request(format!(
                "{what}: clustered standard errors need at least two respondents, found {}",
                self.n_clusters
            ))
            .into());
        }
        Ok(())
    }
}

/// Column layout of the AMCE model: intercept, then for each feature its
/// non-reference levels; optionally, for each non-reference group, a group
/// intercept and a copy of every feature column (the interacted model).
#[derive(Debug, Clone)]
pub struct AmceLayout {
    /// First column of each feature's dummies.
    pub offsets: Vec<usize>,
    /// Columns of the main model (intercept + dummies).
    pub base: usize,
    /// Groups beyond the reference (0 without interactions).
    pub extra_groups: usize,
}

impl AmceLayout {
    /// The layout for `data`, interacted with `extra_groups` non-reference groups.
    pub fn new(data: &ConjointData, extra_groups: usize) -> AmceLayout {
        let mut offsets = Vec::with_capacity(data.features.len());
        let mut next = 1;
        for f in &data.features {
            offsets.push(next);
            next += f.levels.len() - 1;
        }
        AmceLayout {
            offsets,
            base: next,
            extra_groups,
        }
    }

    /// Number of columns, interactions included.
    pub fn ncols(&self) -> usize {
        self.base * (1 + self.extra_groups)
    }

    /// The column of (feature, level ≥ 1) in the main model.
    pub fn column(&self, feature: usize, level: usize) -> usize {
        self.offsets[feature] + level - 1
    }

    /// The column of (feature, level) interacted with group `g ≥ 1`; the
    /// group's intercept shift is `group_column(g, None)`.
    pub fn group_column(&self, g: usize, feature_level: Option<(usize, usize)>) -> usize {
        let within = feature_level.map_or(0, |(f, l)| self.column(f, l));
        self.base * g + within
    }

    /// Builds the design over `sample`'s rows; `group` gives each row's
    /// group when the model is interacted.
    pub fn design(&self, data: &ConjointData, sample: &Sample) -> BinaryDesign {
        let mut d = BinaryDesign::new(self.ncols());
        let mut active: Vec<u32> = Vec::with_capacity(2 * (self.offsets.len() + 1));
        for &i in &sample.rows {
            self.active_into(data, i, &mut active);
            d.push_row(&active);
        }
        d
    }

    /// The design over `sample`'s rows without storing it: each row's
    /// columns are worked out when the fit visits the row (the same
    /// columns as [`AmceLayout::design`], none of its memory).
    pub fn rows<'a>(&'a self, data: &'a ConjointData, sample: &'a Sample) -> AmceRows<'a> {
        AmceRows {
            layout: self,
            data,
            sample,
        }
    }

    /// The columns that are 1 in data row `i`, in increasing order.
    fn active_into(&self, data: &ConjointData, i: usize, active: &mut Vec<u32>) {
        active.clear();
        active.push(0);
        // `column(f, l)` without its indexing: this runs for every row on
        // every pass of a fit.
        for (&offset, &l) in self.offsets.iter().zip(data.row_levels(i)) {
            if l > 0 {
                active.push((offset + l as usize - 1) as u32);
            }
        }
        if self.extra_groups > 0 {
            let g = data.by.as_ref().and_then(|b| b.of_row[i]).unwrap_or(0) as usize;
            if g > 0 {
                let base_len = active.len();
                for a in 0..base_len {
                    active.push((self.base * g) as u32 + active[a]);
                }
            }
        }
    }

    /// A readable name for column `c` (for "not identified" errors).
    pub fn name(&self, data: &ConjointData, c: usize, groups: &[String]) -> String {
        let g = c / self.base;
        let within = c % self.base;
        let base_name = if within == 0 {
            "(intercept)".to_string()
        } else {
            let f = self.offsets.iter().rposition(|&o| o <= within).unwrap_or(0);
            let feature = &data.features[f];
            format!(
                "{}={}",
                feature.name,
                feature.levels[within - self.offsets[f] + 1]
            )
        };
        if g == 0 {
            base_name
        } else {
            format!(
                "{base_name} × {}",
                groups.get(g).map_or("?", |s| s.as_str())
            )
        }
    }
}

/// The AMCE design of a sample, row by row ([`AmceLayout::rows`]).
pub struct AmceRows<'a> {
    layout: &'a AmceLayout,
    data: &'a ConjointData,
    sample: &'a Sample,
}

impl DesignRows for AmceRows<'_> {
    fn ncols(&self) -> usize {
        self.layout.ncols()
    }

    fn nrows(&self) -> usize {
        self.sample.rows.len()
    }

    fn row<'s>(&'s self, i: usize, buf: &'s mut Vec<u32>) -> &'s [u32] {
        self.layout.active_into(self.data, self.sample.rows[i], buf);
        buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_refuse_levels_and_alphas_outside_0_1() {
        let o = Options::at_level(VarianceKind::Cjoint, 0.95, 0.5).unwrap();
        assert_eq!(
            (o.alpha, o.h0, o.variance),
            (0.05, 0.5, VarianceKind::Cjoint)
        );
        assert_eq!(
            Options::at_level(VarianceKind::Cregg, 0.9, 0.0)
                .unwrap()
                .alpha,
            0.1
        );
        let e = Options::at_level(VarianceKind::Cregg, 95.0, 0.0).unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert_eq!(
            e.to_string(),
            "invalid --level: 95 is not between 0 and 1 (e.g. 0.95 for 95% intervals)"
        );
        let e = Options::new(VarianceKind::Cregg, 1.0, 0.0).unwrap_err();
        assert_eq!(e.to_string(), "invalid --alpha: 1 is not between 0 and 1");
        assert_eq!(
            Options::new(VarianceKind::Cregg, 0.01, 0.0).unwrap().alpha,
            0.01
        );
    }

    /// The rows worked out on the fly are the stored design's, grouped
    /// (interacted) or not.
    #[test]
    fn amce_rows_are_the_stored_design() {
        let csv = "id,a,b,g,y\n1,x,p,m,1\n1,z,q,m,0\n2,x,q,f,0\n2,z,p,f,1\n3,z,q,,1\n";
        let spec = crate::conjoint::data::Spec {
            respondent: Some("id".into()),
            features: vec!["a".into(), "b".into()],
            outcomes: vec!["y".into()],
            by: Some("g".into()),
            ..Default::default()
        };
        let data = ConjointData::parse(csv, std::path::Path::new("d.csv"), &spec).unwrap();
        let sample = Sample::new(&data, 0, RowFilter::All, &Options::default());
        for groups in [0, 1] {
            let layout = AmceLayout::new(&data, groups);
            let (stored, rows) = (layout.design(&data, &sample), layout.rows(&data, &sample));
            assert_eq!(DesignRows::nrows(&rows), 5);
            assert_eq!(DesignRows::ncols(&rows), stored.ncols);
            let mut buf = Vec::new();
            for i in 0..5 {
                assert_eq!(rows.row(i, &mut buf), stored.row(i));
            }
        }
        let interacted = AmceLayout::new(&data, 1);
        let mut buf = Vec::new();
        // Row 1: a = z, b = q, group m (the second group): 0, a=z, b=q and their copies.
        assert_eq!(
            interacted.rows(&data, &sample).row(1, &mut buf),
            [0, 1, 2, 3, 4, 5]
        );
    }
}
