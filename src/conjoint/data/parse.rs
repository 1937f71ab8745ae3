//! Parsing the long CSV (one row per profile) into a [`ConjointData`]:
//! respondents numbered, levels coded, outcomes and weights read, every bad
//! cell named by line and column.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{plain, Spec};
use crate::conjoint::error::ConjointError;
use crate::error::{Error, Result};
use crate::fast_map::FastMap;
use crate::io::{display_path, read_text, InputFormat};

/// One attribute of the profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Column name.
    pub name: String,
    /// Display name (the column name unless the design gives a label).
    pub label: String,
    /// Levels, reference first.
    pub levels: Vec<String>,
}

/// A grouping of rows (`--by`): group names in order, first = reference.
#[derive(Debug, Clone)]
pub struct Grouping {
    /// The `--by` column.
    pub column: String,
    /// Group names; the first is the reference group.
    pub groups: Vec<String>,
    /// Group of each row, `None` where the cell is missing.
    pub of_row: Vec<Option<u32>>,
}

/// A numeric column with `NaN` for missing cells.
#[derive(Debug, Clone)]
pub struct NumericColumn {
    /// Column name.
    pub name: String,
    /// One value per row, `NaN` where the cell is empty.
    pub values: Vec<f64>,
}

/// A conjoint experiment in memory.
#[derive(Debug, Clone)]
pub struct ConjointData {
    /// The data file, for messages.
    pub path: PathBuf,
    /// The features, in display order.
    pub features: Vec<Feature>,
    /// Level index of row `i`, feature `f` at `i * features.len() + f`.
    levels: Vec<u16>,
    /// Respondent number of each row (`0..respondent_ids.len()`).
    pub respondent: Vec<u32>,
    /// The respondent ids as written in the file, indexed by respondent number.
    pub respondent_ids: Vec<String>,
    /// 1-based line of each row in the CSV.
    pub line: Vec<u64>,
    /// The outcome columns read.
    pub outcomes: Vec<NumericColumn>,
    /// The weights column, when one was asked for.
    pub weights: Option<NumericColumn>,
    /// The `--by` grouping, when one was asked for.
    pub by: Option<Grouping>,
}

impl ConjointData {
    /// Number of rows (profiles) read.
    pub fn nrows(&self) -> usize {
        self.respondent.len()
    }

    /// Level index of feature `f` in row `i`.
    pub fn level(&self, i: usize, f: usize) -> usize {
        self.levels[i * self.features.len() + f] as usize
    }

    /// The level indices of row `i`, one per feature.
    pub fn row_levels(&self, i: usize) -> &[u16] {
        let nf = self.features.len();
        &self.levels[i * nf..(i + 1) * nf]
    }

    /// Position of the feature named `name` (column name), if any.
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f.name == name)
    }

    /// Reads a long CSV according to `spec`.
    pub fn read(path: &Path, spec: &Spec) -> Result<ConjointData> {
        let text = read_text(path)?;
        Self::parse(&text, &display_path(path), spec)
    }

    /// Parses CSV text (as read from `path`, named in messages; a `.tsv`
    /// or `.tab` path means tab-separated).
    ///
    /// A file without quotes takes the plain path (lines split at the
    /// delimiter, no copies); anything else, or a plain file whose shape
    /// is wrong, is read by the `csv` crate, whose messages name the line
    /// of a malformed record. Both give the same data and the same cell
    /// errors.
    pub fn parse(text: &str, path: &Path, spec: &Spec) -> Result<ConjointData> {
        let delimiter = delimiter(path);
        if let Some(data) = parse_plain(text, delimiter, path, spec, PIECE_BYTES) {
            return data;
        }
        Self::parse_csv(text, path, spec)
    }

    /// [`ConjointData::parse`] through the `csv` crate (quoted fields).
    fn parse_csv(text: &str, path: &Path, spec: &Spec) -> Result<ConjointData> {
        let mut reader = csv_reader(text, path);
        let header = read_header(&mut reader, text, path)?;
        let columns = ColumnIndex::resolve(&header, path, spec)?;
        check_references(spec)?;
        let mut rows = Rows::new(path, spec);
        let mut record = csv::StringRecord::new();
        let mut lines = crate::io::LineCounter::new(text);
        while reader
            .read_record(&mut record)
            .map_err(|e| crate::io::csv_error(path, text, e))?
        {
            let line = lines.line_of(record.position());
            let cell = |i: usize| trim(record.get(i).unwrap_or(""));
            rows.push(&cell, line, &header, &columns)?;
        }
        rows.finish(spec)
    }
}

/// The plain path of [`ConjointData::parse`], or `None` when the text
/// needs the `csv` crate (pieces of `piece_bytes` are read in parallel):
/// it has a quote or a byte-order mark, a lone
/// `\r`, an empty line or a line whose field count differs from the
/// header's (the crate then names the problem as it always has).
fn parse_plain(
    text: &str,
    delimiter: u8,
    path: &Path,
    spec: &Spec,
    piece_bytes: usize,
) -> Option<Result<ConjointData>> {
    let mut lines = plain::Lines::new(text, delimiter)?;
    let (_, header) = lines.next_record()?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let columns = match ColumnIndex::resolve(&header, path, spec) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    if let Err(e) = check_references(spec) {
        return Some(Err(e));
    }
    let (body, has_cr) = lines.rest();
    let header_lines = lines.lines_read();
    // Reads a piece whose first line is line `first + 1` of the file.
    let read = |piece: &str, first: u64| -> Option<Result<Rows<'_>>> {
        let mut lines = plain::Lines::part(piece, delimiter, has_cr, first);
        let mut rows = Rows::new(path, spec);
        while let Some(next) = lines.next_record_of(header.len()) {
            let (line, cells) = next?;
            let cell = |i: usize| cells.get(i).map_or("", |c| trim(c));
            if let Err(e) = rows.push(&cell, line, &header, &columns) {
                return Some(Err(e));
            }
        }
        rows.lines = lines.lines_read() - first;
        Some(Ok(rows))
    };
    // Pieces of fixed size are read in parallel, then joined in file
    // order: respondents and labels are numbered as one pass would number
    // them. A piece in error is read again in one pass with the true line
    // numbers, so messages never depend on the cuts.
    let parts: Vec<Option<Result<Rows<'_>>>> = plain::pieces(body, piece_bytes)
        .into_par_iter()
        .map(|piece| read(piece, 0))
        .collect();
    let mut all = Rows::new(path, spec);
    let total: usize = parts.iter().flatten().flatten().map(Rows::len).sum();
    all.reserve(total);
    let mut offset = header_lines;
    for part in parts {
        match part? {
            Ok(part) => {
                let lines = part.lines;
                all.append(part, offset)?;
                offset += lines;
            }
            Err(_) => return read(body, header_lines).map(|r| r.and_then(|r| r.finish(spec))),
        }
    }
    Some(all.finish(spec))
}

/// Bytes of one piece of a plain file read in parallel.
const PIECE_BYTES: usize = 1 << 20;

/// `str::trim`, without its Unicode scan for the usual cell that starts
/// and ends with a visible ASCII character (Unicode spaces are not ASCII,
/// so such a cell has nothing to trim).
fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        [only] if only.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// Tab for a `.tsv` or `.tab` path, comma otherwise.
fn delimiter(path: &Path) -> u8 {
    match InputFormat::from_path(path) {
        InputFormat::Delimited(d) => d,
        InputFormat::Lines => b',',
    }
}

/// A strict CSV reader over `text`: tab-separated for a `.tsv` or `.tab`
/// path, comma-separated otherwise.
fn csv_reader<'t>(text: &'t str, path: &Path) -> csv::Reader<&'t [u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter(path))
        .flexible(false)
        .from_reader(text.as_bytes())
}

/// The header row, each name trimmed.
fn read_header(reader: &mut csv::Reader<&[u8]>, text: &str, path: &Path) -> Result<Vec<String>> {
    Ok(reader
        .headers()
        .map_err(|e| crate::io::csv_error(path, text, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect())
}

/// Every `--reference` names a feature or the `--by` column.
fn check_references(spec: &Spec) -> Result<()> {
    for (name, level) in &spec.references {
        if !spec.features.contains(name) && spec.by.as_ref() != Some(name) {
            return Err(ConjointError::Request(format!(
                "--reference {name}={level}: '{name}' is not a feature (features: {})",
                spec.features.join(", ")
            ))
            .into());
        }
    }
    Ok(())
}

/// The reference level asked for column `name`, if any.
fn reference_of<'s>(spec: &'s Spec, name: &str) -> Option<&'s str> {
    spec.references
        .iter()
        .find(|(column, _)| column == name)
        .map(|(_, level)| level.as_str())
}

/// The rows read so far, with the level coders still collecting labels.
struct Rows<'a> {
    path: &'a Path,
    data: ConjointData,
    features: Vec<LevelCoder>,
    by_coder: Option<LevelCoder>,
    by_rows: Vec<Option<u32>>,
    respondents: FastMap<u32>,
    /// Lines of the piece these rows were read from (plain path).
    lines: u64,
}

impl<'a> Rows<'a> {
    /// No rows yet: one coder per feature (and for `--by`), one empty
    /// column per outcome (and for the weights).
    fn new(path: &'a Path, spec: &Spec) -> Rows<'a> {
        let features = spec
            .features
            .iter()
            .map(|f| LevelCoder::new(f, spec.levels.get(f)))
            .collect();
        let by_coder = spec
            .by
            .as_ref()
            .map(|b| LevelCoder::new(b, spec.levels.get(b)));
        let data = ConjointData {
            path: path.to_path_buf(),
            features: Vec::new(),
            levels: Vec::new(),
            respondent: Vec::new(),
            respondent_ids: Vec::new(),
            line: Vec::new(),
            outcomes: spec
                .outcomes
                .iter()
                .map(|o| NumericColumn {
                    name: o.clone(),
                    values: Vec::new(),
                })
                .collect(),
            weights: spec.weights.as_ref().map(|w| NumericColumn {
                name: w.clone(),
                values: Vec::new(),
            }),
            by: None,
        };
        Rows {
            path,
            data,
            features,
            by_coder,
            by_rows: Vec::new(),
            respondents: FastMap::default(),
            lines: 0,
        }
    }

    /// Reads one data row (CSV line `line`).
    /// `cell(i)` is the row's trimmed cell of column `i`.
    fn push<'r>(
        &mut self,
        cell: &impl Fn(usize) -> &'r str,
        line: u64,
        header: &[String],
        columns: &ColumnIndex,
    ) -> Result<()> {
        let id = cell(columns.respondent);
        if is_missing(id) {
            return Err(empty(
                self.path,
                line,
                &header[columns.respondent],
                "a respondent id",
            ));
        }
        let r = self.respondent_number(id);
        self.data.respondent.push(r);
        self.data.line.push(line);
        self.push_levels(cell, line, columns)?;
        self.push_outcomes(cell, line, columns)?;
        self.push_weight(cell, line, columns)?;
        self.push_group(cell, line, columns)
    }

    /// Appends the rows of the next piece of the file (read on their own,
    /// line numbers counted from the piece's start, which is after
    /// `line_offset` lines): respondents and labels the piece saw first
    /// get the next numbers, as one pass would give them. `None` when a
    /// feature would get more labels than a coder holds (one pass then
    /// says so).
    fn append(&mut self, part: Rows<'_>, line_offset: u64) -> Option<()> {
        let respondents: Vec<u32> = part
            .data
            .respondent_ids
            .iter()
            .map(|id| self.respondent_of(id))
            .collect();
        let features: Vec<Vec<u16>> = self
            .features
            .iter_mut()
            .zip(&part.features)
            .map(|(all, piece)| all.absorb(piece))
            .collect::<Option<_>>()?;
        let groups = match (self.by_coder.as_mut(), part.by_coder.as_ref()) {
            (Some(all), Some(piece)) => all.absorb(piece)?,
            _ => Vec::new(),
        };
        let d = &mut self.data;
        d.respondent.extend(
            part.data
                .respondent
                .iter()
                .map(|&r| respondents[r as usize]),
        );
        d.line
            .extend(part.data.line.iter().map(|&l| l + line_offset));
        let nf = features.len();
        d.levels.extend(
            part.data
                .levels
                .iter()
                .enumerate()
                .map(|(i, &l)| features[i % nf][l as usize]),
        );
        for (all, piece) in d.outcomes.iter_mut().zip(part.data.outcomes) {
            all.values.extend(piece.values);
        }
        if let (Some(all), Some(piece)) = (d.weights.as_mut(), part.data.weights) {
            all.values.extend(piece.values);
        }
        self.by_rows.extend(
            part.by_rows
                .iter()
                .map(|g| g.map(|g| u32::from(groups[g as usize]))),
        );
        Some(())
    }

    /// Rows read.
    fn len(&self) -> usize {
        self.data.respondent.len()
    }

    /// Room for `rows` more rows in every column (the joined pieces' total
    /// is known before they are joined: no column is copied as it grows).
    fn reserve(&mut self, rows: usize) {
        let d = &mut self.data;
        d.respondent.reserve(rows);
        d.line.reserve(rows);
        d.levels.reserve(rows * self.features.len());
        d.outcomes.iter_mut().for_each(|o| o.values.reserve(rows));
        if let Some(w) = d.weights.as_mut() {
            w.values.reserve(rows);
        }
        if self.by_coder.is_some() {
            self.by_rows.reserve(rows);
        }
    }

    /// The number of respondent `id` (a new one on first sight), without
    /// the shortcut for a row of the previous row's respondent.
    fn respondent_of(&mut self, id: &str) -> u32 {
        if let Some(&r) = self.respondents.get(id) {
            return r;
        }
        let r = self.respondents.len() as u32;
        self.respondents.insert(id.to_string(), r);
        self.data.respondent_ids.push(id.to_string());
        r
    }

    /// The number of respondent `id`, numbering a new one on first sight.
    fn respondent_number(&mut self, id: &str) -> u32 {
        // A respondent's profiles usually follow one another.
        if let Some(&last) = self.data.respondent.last() {
            let seen = &self.data.respondent_ids[last as usize];
            if seen.len() == id.len() && seen.bytes().zip(id.bytes()).all(|(a, b)| a == b) {
                return last;
            }
        }
        self.respondent_of(id)
    }

    /// The row's level of every feature; none may be missing.
    fn push_levels<'r>(
        &mut self,
        cell: &impl Fn(usize) -> &'r str,
        line: u64,
        columns: &ColumnIndex,
    ) -> Result<()> {
        for (coder, &col) in self.features.iter_mut().zip(&columns.features) {
            let value = cell(col);
            if is_missing(value) {
                return Err(empty(
                    self.path,
                    line,
                    &coder.name,
                    "a level of every feature",
                ));
            }
            self.data.levels.push(coder.code(value, self.path, line)?);
        }
        Ok(())
    }

    /// The row's outcomes (`NaN` where missing).
    fn push_outcomes<'r>(
        &mut self,
        cell: &impl Fn(usize) -> &'r str,
        line: u64,
        columns: &ColumnIndex,
    ) -> Result<()> {
        for (out, &col) in self.data.outcomes.iter_mut().zip(&columns.outcomes) {
            out.values
                .push(parse_number(cell(col), self.path, line, &out.name)?);
        }
        Ok(())
    }

    /// The row's weight, when weights are read: present, finite and not
    /// negative.
    fn push_weight<'r>(
        &mut self,
        cell: &impl Fn(usize) -> &'r str,
        line: u64,
        columns: &ColumnIndex,
    ) -> Result<()> {
        let (Some(w), Some(col)) = (self.data.weights.as_mut(), columns.weights) else {
            return Ok(());
        };
        let path = self.path;
        let v = parse_number(cell(col), path, line, &w.name)?;
        if v.is_nan() {
            return Err(empty(path, line, &w.name, "a weight"));
        }
        // Infinite and huge weights were refused by `parse_number`.
        if v < 0.0 {
            return Err(ConjointError::Request(format!(
                "{}: line {line}: column '{}': weight {v} must not be negative",
                path.display(),
                w.name
            ))
            .into());
        }
        w.values.push(v);
        Ok(())
    }

    /// The row's `--by` group (`None` where the cell is missing).
    fn push_group<'r>(
        &mut self,
        cell: &impl Fn(usize) -> &'r str,
        line: u64,
        columns: &ColumnIndex,
    ) -> Result<()> {
        if let (Some(coder), Some(col)) = (self.by_coder.as_mut(), columns.by) {
            let value = cell(col);
            self.by_rows.push(if is_missing(value) {
                None
            } else {
                Some(coder.code(value, self.path, line)? as u32)
            });
        }
        Ok(())
    }

    /// Puts every feature's levels (and the groups) in their final order
    /// and renumbers the rows to match.
    fn finish(mut self, spec: &Spec) -> Result<ConjointData> {
        if self.data.respondent.is_empty() {
            return Err(Error::EmptyCorpus {
                path: self.path.to_path_buf(),
                reason: "no data rows".into(),
            });
        }
        let features = std::mem::take(&mut self.features);
        for (f, coder) in features.into_iter().enumerate() {
            self.finish_feature(f, coder, spec)?;
        }
        if let Some(coder) = self.by_coder.take() {
            self.finish_grouping(coder, spec)?;
        }
        Ok(self.data)
    }

    /// Final level order of feature `f`: the design's, or sorted; then the
    /// reference first. A feature needs two levels.
    fn finish_feature(&mut self, f: usize, coder: LevelCoder, spec: &Spec) -> Result<()> {
        let reference = reference_of(spec, &coder.name);
        let (feature, remap) = coder.finish(reference, spec, self.path)?;
        if feature.levels.len() < 2 {
            return Err(ConjointError::SingleLevel {
                path: self.path.to_path_buf(),
                feature: feature.name,
                level: feature.levels.first().cloned().unwrap_or_default(),
            }
            .into());
        }
        let nf = spec.features.len();
        for i in 0..self.data.respondent.len() {
            let v = &mut self.data.levels[i * nf + f];
            *v = remap[*v as usize];
        }
        self.data.features.push(feature);
        Ok(())
    }

    /// Final group order of the `--by` column and each row's group.
    fn finish_grouping(&mut self, coder: LevelCoder, spec: &Spec) -> Result<()> {
        let reference = reference_of(spec, &coder.name);
        let column = coder.name.clone();
        let (groups, remap) = coder.finish_groups(reference, self.path)?;
        self.data.by = Some(Grouping {
            column,
            groups,
            of_row: std::mem::take(&mut self.by_rows)
                .into_iter()
                .map(|g| g.map(|g| remap[g as usize] as u32))
                .collect(),
        });
        Ok(())
    }
}

/// Column positions of every role.
struct ColumnIndex {
    respondent: usize,
    features: Vec<usize>,
    outcomes: Vec<usize>,
    weights: Option<usize>,
    by: Option<usize>,
}

impl ColumnIndex {
    fn resolve(header: &[String], path: &Path, spec: &Spec) -> Result<ColumnIndex> {
        let find = |name: &str| -> Result<usize> {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    available: header.to_vec(),
                })
        };
        let respondent = spec.respondent.as_deref().ok_or_else(|| {
            ConjointError::Request(
                "no respondent column: give --respondent COL or a design file with roles.respondent_id"
                    .into(),
            )
        })?;
        if spec.features.is_empty() {
            return Err(ConjointError::Request(
                "no features: give --features A,B,C or a design file with roles.attributes".into(),
            )
            .into());
        }
        if spec.outcomes.is_empty() {
            return Err(ConjointError::Request(
                "no outcome: give --outcome COL or a design file with roles.outcomes".into(),
            )
            .into());
        }
        Ok(ColumnIndex {
            respondent: find(respondent)?,
            features: spec
                .features
                .iter()
                .map(|f| find(f))
                .collect::<Result<_>>()?,
            outcomes: spec
                .outcomes
                .iter()
                .map(|o| find(o))
                .collect::<Result<_>>()?,
            weights: spec.weights.as_deref().map(find).transpose()?,
            by: spec.by.as_deref().map(find).transpose()?,
        })
    }
}

/// Up to this many levels a coder compares labels instead of hashing.
const LINEAR_LEVELS: usize = 8;

/// Turns level labels of one column into small integers.
struct LevelCoder {
    name: String,
    /// Levels fixed by the design (unknown ones are errors), or `None` to
    /// collect what the data holds.
    fixed: bool,
    names: Vec<String>,
    index: FastMap<u16>,
    counts: Vec<u64>,
    /// The label ending in each byte: `index + 1`, 0 for none, or
    /// [`SHARED_LAST`] when several end in it. Labels of one feature mostly
    /// differ in their last byte, so this finds most cells with one
    /// comparison.
    by_last: [u16; 256],
}

/// Several labels end in this byte (see `LevelCoder::by_last`).
const SHARED_LAST: u16 = u16::MAX;

impl LevelCoder {
    fn new(name: &str, levels: Option<&Vec<String>>) -> LevelCoder {
        let mut coder = LevelCoder {
            name: name.to_string(),
            fixed: levels.is_some(),
            names: Vec::new(),
            index: FastMap::default(),
            counts: Vec::new(),
            by_last: [0; 256],
        };
        for level in levels.into_iter().flatten() {
            coder.add(level, 0);
        }
        coder
    }

    /// Numbers a label new to this coder (the caller checks capacity).
    fn add(&mut self, label: &str, count: u64) -> u16 {
        let i = self.names.len() as u16;
        self.names.push(label.to_string());
        self.index.insert(label.to_string(), i);
        self.counts.push(count);
        if let Some(&b) = label.as_bytes().last() {
            let slot = &mut self.by_last[b as usize];
            *slot = if *slot == 0 { i + 1 } else { SHARED_LAST };
        }
        i
    }

    fn code(&mut self, value: &str, path: &Path, line: u64) -> Result<u16> {
        if let Some(&b) = value.as_bytes().last() {
            let slot = self.by_last[b as usize];
            if slot != 0 && slot != SHARED_LAST {
                let i = (slot - 1) as usize;
                if self.names[i] == value {
                    self.counts[i] += 1;
                    return Ok(i as u16);
                }
            }
        }
        // A few levels: comparing beats hashing.
        if self.names.len() <= LINEAR_LEVELS {
            let last = value.as_bytes().last();
            // Labels of one feature mostly differ in their last byte.
            let same = |n: &String| {
                n.len() == value.len()
                    && n.as_bytes().last() == last
                    && n.bytes().zip(value.bytes()).all(|(a, b)| a == b)
            };
            if let Some(i) = self.names.iter().position(same) {
                self.counts[i] += 1;
                return Ok(i as u16);
            }
        } else if let Some(&i) = self.index.get(value) {
            self.counts[i as usize] += 1;
            return Ok(i);
        }
        if self.fixed || self.names.len() >= u16::MAX as usize {
            return Err(ConjointError::UnknownLevel {
                path: path.to_path_buf(),
                line,
                feature: self.name.clone(),
                level: value.to_string(),
                known: self.names.clone(),
            }
            .into());
        }
        Ok(self.add(value, 1))
    }

    /// Takes in the labels and counts of `piece` (a coder of the same
    /// column that read a later part of the file), labels new to this
    /// coder numbered in the piece's order; returns the piece's index →
    /// this coder's index, or `None` past the coder's capacity.
    fn absorb(&mut self, piece: &LevelCoder) -> Option<Vec<u16>> {
        piece
            .names
            .iter()
            .zip(&piece.counts)
            .map(|(name, &count)| {
                let i = match self.index.get(name.as_str()) {
                    Some(&i) => i as usize,
                    None if self.names.len() < u16::MAX as usize => self.add(name, 0) as usize,
                    None => return None,
                };
                self.counts[i] += count;
                Some(i as u16)
            })
            .collect()
    }

    /// The final level order and the map old index → new index.
    fn order(&self, reference: Option<&str>, path: &Path) -> Result<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        if !self.fixed {
            order.sort_by(|&a, &b| self.names[a].cmp(&self.names[b]));
        }
        if let Some(reference) = reference {
            let pos = order
                .iter()
                .position(|&i| self.names[i] == reference)
                .ok_or_else(|| ConjointError::LevelNeverSeen {
                    path: path.to_path_buf(),
                    feature: self.name.clone(),
                    level: reference.to_string(),
                })?;
            let r = order.remove(pos);
            order.insert(0, r);
        }
        Ok(order)
    }

    fn remap(order: &[usize]) -> Vec<u16> {
        let mut remap = vec![0u16; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new as u16;
        }
        remap
    }

    fn finish(
        self,
        reference: Option<&str>,
        spec: &Spec,
        path: &Path,
    ) -> Result<(Feature, Vec<u16>)> {
        if let Some(never) = self.counts.iter().position(|&c| c == 0) {
            return Err(ConjointError::LevelNeverSeen {
                path: path.to_path_buf(),
                feature: self.name.clone(),
                level: self.names[never].clone(),
            }
            .into());
        }
        let order = self.order(reference, path)?;
        let feature = Feature {
            label: spec
                .labels
                .get(&self.name)
                .cloned()
                .unwrap_or_else(|| self.name.clone()),
            levels: order.iter().map(|&i| self.names[i].clone()).collect(),
            name: self.name,
        };
        Ok((feature, Self::remap(&order)))
    }

    /// Groups may list levels that no row has (they are then left out).
    fn finish_groups(
        self,
        reference: Option<&str>,
        path: &Path,
    ) -> Result<(Vec<String>, Vec<u16>)> {
        let order: Vec<usize> = self
            .order(reference, path)?
            .into_iter()
            .filter(|&i| self.counts[i] > 0)
            .collect();
        let mut remap = vec![u16::MAX; self.names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new as u16;
        }
        Ok((
            order.iter().map(|&i| self.names[i].clone()).collect(),
            remap,
        ))
    }
}

/// Empty, `NA` (R) and `NaN` cells are missing.
fn is_missing(value: &str) -> bool {
    value.is_empty() || value == "NA" || value == "NaN"
}

/// The largest magnitude an outcome or weight may have. The estimates sum
/// squared outcomes and squared weighted residuals over up to millions of
/// rows (the clustered errors' meat), so a value near `f64::MAX` (or one a
/// little past 1e154) overflows to infinity and every estimate turns NaN;
/// 1e100 leaves room for 1e100 rows. No choice, rating or weight comes
/// near it.
pub const MAX_MAGNITUDE: f64 = 1e100;

/// A number cell: `NaN` when missing; an error naming the cell when it is
/// not a number, or not a finite one within ±[`MAX_MAGNITUDE`] (`inf`,
/// `1e400`, which Rust's parser reads as infinite).
fn parse_number(value: &str, path: &Path, line: u64, column: &str) -> Result<f64> {
    if is_missing(value) {
        return Ok(f64::NAN);
    }
    // A choice is 0 or 1: one digit is its own value (what `parse` gives).
    if let [digit @ b'0'..=b'9'] = value.as_bytes() {
        return Ok(f64::from(digit - b'0'));
    }
    let cell = || (path.to_path_buf(), column.to_string(), value.to_string());
    let number = value.parse::<f64>().map_err(|_| {
        let (path, column, value) = cell();
        Error::from(ConjointError::NotNumeric {
            path,
            line,
            column,
            value,
        })
    })?;
    if number.abs() > MAX_MAGNITUDE {
        let (path, column, value) = cell();
        return Err(ConjointError::OutOfRange {
            path,
            line,
            column,
            value,
            limit: MAX_MAGNITUDE,
        }
        .into());
    }
    Ok(number)
}

fn empty(path: &Path, line: u64, column: &str, what: &'static str) -> Error {
    ConjointError::EmptyCell {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        what,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            respondent: Some("id".into()),
            features: vec!["color".into(), "size".into()],
            outcomes: vec!["y".into()],
            ..Spec::default()
        }
    }

    const CSV: &str = "id,color,size,y\n1,red,big,1\n1,blue,small,0\n2,red,small,\n2,blue,big,1\n";

    #[test]
    fn levels_sorted_unless_given_and_reference_moves_first() {
        let mut s = spec();
        s.references.push(("size".into(), "small".into()));
        let d = ConjointData::parse(CSV, Path::new("d.csv"), &s).unwrap();
        assert_eq!(d.features[0].levels, ["blue", "red"]);
        assert_eq!(d.features[1].levels, ["small", "big"]);
        assert_eq!(d.level(0, 0), 1);
        assert_eq!(d.level(0, 1), 1);
        assert!(d.outcomes[0].values[2].is_nan());
        assert_eq!(d.respondent, [0, 0, 1, 1]);
    }

    #[test]
    fn unknown_level_names_line_feature_and_level() {
        let mut s = spec();
        s.levels
            .insert("color".into(), vec!["red".into(), "green".into()]);
        let err = ConjointData::parse(CSV, Path::new("d.csv"), &s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: line 3: feature 'color' has level 'blue', which the design does not list (it lists: red, green)"
        );
    }

    #[test]
    fn design_level_never_seen_is_named() {
        let mut s = spec();
        s.levels.insert(
            "color".into(),
            vec!["red".into(), "blue".into(), "green".into()],
        );
        let err = ConjointData::parse(CSV, Path::new("d.csv"), &s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: feature 'color': level 'green' never occurs in the data"
        );
    }

    #[test]
    fn non_numeric_outcome_and_empty_id() {
        let bad = "id,color,size,y\n1,red,big,yes\n";
        let err = ConjointData::parse(bad, Path::new("d.csv"), &spec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: line 2: column 'y': 'yes' is not a number"
        );
        let bad = "id,color,size,y\n1,red,big,1\n,blue,big,1\n";
        let err = ConjointData::parse(bad, Path::new("d.csv"), &spec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: line 3: column 'id' is empty (a respondent id is required on every row)"
        );
    }

    #[test]
    fn reference_must_name_a_feature() {
        let mut s = spec();
        s.references.push(("colour".into(), "red".into()));
        let err = ConjointData::parse(CSV, Path::new("d.csv"), &s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--reference colour=red: 'colour' is not a feature (features: color, size)"
        );
        let mut s = spec();
        s.references.push(("color".into(), "green".into()));
        let err = ConjointData::parse(CSV, Path::new("d.csv"), &s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: feature 'color': level 'green' never occurs in the data"
        );
    }

    #[test]
    fn tab_separated_by_extension() {
        let tsv = CSV.replace(',', "\t");
        let d = ConjointData::parse(&tsv, Path::new("d.tsv"), &spec()).unwrap();
        assert_eq!(d.nrows(), 4);
        assert_eq!(d.features[1].levels, ["big", "small"]);
    }

    #[test]
    fn single_level_feature_is_an_error() {
        let one = "id,color,size,y\n1,red,big,1\n2,red,small,0\n";
        let err = ConjointData::parse(one, Path::new("d.csv"), &spec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv: feature 'color' has only one level ('red'); a feature needs at least two"
        );
    }

    #[test]
    fn same_level_name_in_two_features_stays_apart() {
        let csv = "id,a,b,y\n1,x,x,1\n1,z,w,0\n2,x,w,1\n2,z,x,0\n";
        let s = Spec {
            respondent: Some("id".into()),
            features: vec!["a".into(), "b".into()],
            outcomes: vec!["y".into()],
            ..Spec::default()
        };
        let d = ConjointData::parse(csv, Path::new("d.csv"), &s).unwrap();
        assert_eq!(d.features[0].levels, ["x", "z"]);
        assert_eq!(d.features[1].levels, ["w", "x"]);
        assert_eq!(d.row_levels(0), [0, 1]);
    }

    /// The plain path and the `csv` crate read every file alike: the same
    /// data, or the same error (plain files the plain path is unsure of go
    /// to the crate).
    #[test]
    fn plain_path_reads_as_the_csv_crate_does() {
        let cases = [
            CSV.to_string(),
            CSV.replace('\n', "\r\n"),
            CSV.trim_end().to_string(),
            CSV.replace(',', " , "),
            format!("{CSV}\n\n"),
            format!("\n{CSV}"),
            "id,color,size,y\n1,red,big,1\n1,blue\n".to_string(),
            "id,color,size,y\n1,red,big,1\n1,blue,small,0,9\n".to_string(),
            "id,color,size,y\n1,\"red\",big,1\n1,blue,small,0\n".to_string(),
            "id,color,size,y\n1,red,big,1\r1,blue,small,0\n".to_string(),
            "id,color,size,y\n1,red,big,yes\n".to_string(),
            "id,color,size,y\n1,red,big,1\n,blue,small,0\n".to_string(),
            "id,color,size,y\n1,red,big,1\n1,blue,small,0.25\n2,red,,1\n".to_string(),
            "id,colour,size,y\n1,red,big,1\n".to_string(),
            "id,color,size,y\n1,빨강,big,1\n2,파랑,small,NA\n".to_string(),
            "id,color,size,y\n3,red,big,1\n1,blue,small,0\n3,green,small,1\n2,red,big,0\n1,green,big,1\n".to_string(),
            "id,color,size,y\n1,red,big,1\n2,blue,small,0\n2,blue,small,x\n3,red,big,1,1\n".to_string(),
            String::new(),
        ];
        for text in &cases {
            for name in ["d.csv", "d.tsv"] {
                let text = if name == "d.tsv" {
                    text.replace(',', "\t")
                } else {
                    text.clone()
                };
                let path = Path::new(name);
                let crate_ = ConjointData::parse_csv(&text, path, &spec());
                // One piece, and (pieces of 1 byte) a piece per line.
                for piece in [PIECE_BYTES, 1] {
                    let plain = parse_plain(&text, delimiter(path), path, &spec(), piece)
                        .unwrap_or_else(|| ConjointData::parse_csv(&text, path, &spec()));
                    match (plain, &crate_) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text:?}")
                        }
                        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text:?}"),
                        (a, b) => panic!("{text:?}: {a:?} vs {b:?}"),
                    }
                }
            }
        }
        // The plain path did read the plain files.
        let plain = |text: &str| parse_plain(text, b',', Path::new("d.csv"), &spec(), 1);
        assert!(plain(CSV).is_some());
        assert!(plain(&CSV.replace('\n', "\r\n")).is_some());
        assert!(plain(&cases[8]).is_none());
    }
}
