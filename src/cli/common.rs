//! Flags shared by several subcommands.

use std::path::PathBuf;

use clap::ValueEnum;
use topics::corpus::{Corpus, CorpusFile};
use topics::io::InputOptions;
use topics::text::{KoAnalyzer, Lang, TextOptions};

/// How to read an answers file.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Answers: a .txt file with one answer per line (id = line number),
    /// a .csv/.tsv file with a header, or - for standard input.
    pub input: PathBuf,
    /// CSV/TSV column with the answer text [default: text, or the only column].
    #[arg(long)]
    pub text_column: Option<String>,
    /// CSV/TSV column with the answer id [default: the 1-based row number].
    #[arg(long)]
    pub id_column: Option<String>,
    /// Character encoding of the input, e.g. cp949 or euc-kr for Korean
    /// Excel exports, utf-16le [default: utf-8].
    #[arg(long)]
    pub encoding: Option<String>,
}

impl InputArgs {
    pub fn options(&self) -> InputOptions {
        InputOptions {
            encoding: self.encoding.clone(),
            text_column: self.text_column.clone(),
            id_column: self.id_column.clone(),
        }
    }
}

/// Text preprocessing flags.
#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// Take whitespace-separated tokens as they are (no normalization,
    /// stemming, stopwords or pruning unless asked).
    #[arg(long)]
    pub pretokenized: bool,
    /// Language of the answers: auto decides per word by script.
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// Do not stem English words.
    #[arg(long)]
    pub no_stem: bool,
    /// Keep the bundled stopwords.
    #[arg(long)]
    pub no_stopwords: bool,
    /// Fit answers that only say the respondent does not know or has no
    /// reason (`I don't know.`, `잘 모르겠습니다`); by default they are left
    /// out like blank answers, as item nonresponse.
    #[arg(long)]
    pub keep_nonanswers: bool,
    /// Extra stopwords, comma-separated (matched against the tokens that
    /// `topics tokenize` prints).
    #[arg(long, value_delimiter = ',')]
    pub stopword: Vec<String>,
    /// Run a Hugging Face tokenizer.json pipeline instead of the built-in
    /// normalization and segmentation (stopwords still apply). The file's
    /// content is saved in the model.
    #[arg(long, value_name = "FILE", value_parser = read_tokenizer_file)]
    pub tokenizer: Option<String>,
    /// Korean analyzer: lindera (morphological analysis with the bundled
    /// mecab-ko-dic, compiled into a cache directory on first use) or rules
    /// (dictionary-free particle and ending stripping).
    #[arg(long, value_enum, default_value_t = KoAnalyzerArg::Lindera)]
    pub ko_analyzer: KoAnalyzerArg,
    /// mecab-ko-dic classes to keep, comma-separated (the default is
    /// `DEFAULT_KEEP` of the library, so the help cannot drift from it).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CLASSES",
        help = format!(
            "mecab-ko-dic classes to keep with the lindera analyzer, comma-separated; add XR to keep roots (지루 in 지루하다) [default: {}]",
            topics::text::korean_lindera::DEFAULT_KEEP.join(",")
        )
    )]
    pub ko_keep: Vec<String>,
    /// Korean user dictionary: a CSV file of `surface,POS,reading` rows
    /// (e.g. `장마당,NNP,장마당`) for domain words. Saved in the model.
    #[arg(long, value_name = "FILE", value_parser = read_tokenizer_file)]
    pub ko_user_dict: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KoAnalyzerArg {
    Lindera,
    Rules,
}

/// Reads a `--tokenizer` or `--ko-user-dict` file while parsing, so
/// [`TextArgs::options`] stays plain data; the content is validated when
/// the analyzer is built.
fn read_tokenizer_file(path: &str) -> Result<String, String> {
    let path = PathBuf::from(path);
    topics::io::read_text(&path).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Auto,
    Ko,
    En,
}

impl TextArgs {
    pub fn options(&self) -> TextOptions {
        TextOptions {
            pretokenized: self.pretokenized,
            lang: match self.lang {
                LangArg::Auto => Lang::Auto,
                LangArg::Ko => Lang::Ko,
                LangArg::En => Lang::En,
            },
            stem: !self.no_stem,
            stopwords: !self.no_stopwords && !self.pretokenized,
            extra_stopwords: self.stopword.clone(),
            tokenizer_json: self.tokenizer.clone(),
            ko_analyzer: match self.ko_analyzer {
                KoAnalyzerArg::Lindera => KoAnalyzer::Lindera,
                KoAnalyzerArg::Rules => KoAnalyzer::Rules,
            },
            ko_keep: self.ko_keep.clone(),
            ko_user_dict: self.ko_user_dict.clone(),
            drop_nonanswers: !self.keep_nonanswers,
        }
    }
}

/// The answers and how to turn them into tokens: the flags of every
/// command that tokenizes answers (`fit`, `select-k`, `tokenize`).
#[derive(Debug, clap::Args)]
pub struct CorpusArgs {
    /// Where the answers are and how to read them.
    #[command(flatten)]
    pub input: InputArgs,
    /// How answers become tokens.
    #[command(flatten)]
    pub text: TextArgs,
}

impl CorpusArgs {
    /// Reads, tokenizes and prunes the answers as the flags say.
    pub fn read(&self, prune: &PruneArgs) -> topics::Result<CorpusFile> {
        Corpus::from_path(
            &self.input.input,
            &self.input.options(),
            self.text.options(),
            prune.options(&self.text),
        )
    }
}

/// Vocabulary pruning flags of `fit` and `select-k`.
#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Keep words used in at least this many answers
    /// [default: 2; 1 with --pretokenized].
    #[arg(long)]
    pub min_df: Option<usize>,
    /// Drop words used in more than this share of answers
    /// [default: 0.5; 1 (keep all) with --pretokenized].
    #[arg(long, allow_negative_numbers = true)]
    pub max_df: Option<f64>,
}

impl PruneArgs {
    pub fn options(&self, text: &TextArgs) -> topics::corpus::PruneOptions {
        topics::corpus::PruneOptions::with_defaults(text.pretokenized, self.min_df, self.max_df)
    }
}

/// Output format for results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text for people.
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// Writes `text` to standard output (a closed pipe ends quietly, see main;
/// a full disk is an I/O error, exit 4).
pub fn print(text: &str) -> topics::Result<()> {
    topics::io::write_stdout(text.as_bytes())
}

/// Serializes `value` as pretty JSON plus a newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// One CSV field, quoted when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The small-sample factor of the clustered variance (`--se`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeArg {
    /// G/(G−1), as cregg.
    Cregg,
    /// G/(G−1)·(N−1)/(N−K), as cjoint and Stata.
    Cjoint,
}

/// The estimation flags of `conjoint` and `link`: the variance, the
/// interval level and the null of the marginal-means tests.
#[derive(Debug, clap::Args)]
pub struct EstimationArgs {
    /// Small-sample factor of the clustered variance: cregg's G/(G-1), or
    /// cjoint's and Stata's G/(G-1)·(N-1)/(N-K).
    #[arg(long, value_enum, default_value_t = SeArg::Cregg)]
    pub se: SeArg,
    /// Confidence level of the intervals [default: 0.95].
    #[arg(long, value_name = "LEVEL", conflicts_with = "alpha")]
    pub level: Option<f64>,
    /// Old spelling: 1 - the confidence level.
    #[arg(long, hide = true)]
    pub alpha: Option<f64>,
    /// Null value of the marginal-means z tests (0.5 is usual for a forced
    /// choice).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub h0: f64,
    /// A restricted design's randomization, which fixes how each level's
    /// AMCE averages over the attribute it depends on (Hainmueller, Hopkins
    /// & Yamamoto 2014): FILE (joint probabilities, as cjoint's design;
    /// see README), `design` (the design file's own `randomization`), or
    /// `uniform` (equal weight over the combinations the data show, as
    /// cregg).
    #[arg(long, value_name = "FILE|uniform|design")]
    pub randomization: Option<topics::conjoint::randomization::Request>,
}

impl EstimationArgs {
    /// The weighting of a restricted design (`--randomization`), resolved
    /// against its data; refuses a restricted design without it unless
    /// `allow_unrestricted` (exit 35).
    pub fn weighting(
        &self,
        data: &topics::conjoint::data::ConjointData,
        spec: &topics::conjoint::data::Spec,
        allow_unrestricted: bool,
    ) -> topics::Result<Option<std::sync::Arc<topics::conjoint::randomization::Weighting>>> {
        topics::conjoint::randomization::choose(
            data,
            spec,
            self.randomization.as_ref(),
            allow_unrestricted,
        )
    }

    /// The checked options (`--level`, else `--alpha`, else 95%).
    pub fn options(&self) -> topics::Result<topics::conjoint::design::Options> {
        use topics::conjoint::{design::Options, ols::VarianceKind};
        let variance = match self.se {
            SeArg::Cregg => VarianceKind::Cregg,
            SeArg::Cjoint => VarianceKind::Cjoint,
        };
        match self.level {
            Some(level) => Options::at_level(variance, level, self.h0),
            None => Options::new(variance, self.alpha.unwrap_or(0.05), self.h0),
        }
    }
}

/// Words shown per topic, in every command that lists top words.
pub const WORDS: usize = 10;
/// Answers quoted per topic, in every command that quotes answers.
pub const QUOTES: usize = 5;

/// Output format of `topics fit`, which has no CSV (see `topics show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitFormat {
    /// Readable text for people.
    Table,
    /// JSON for programs.
    Json,
}

/// Announces a file the command wrote, in the one wording every command
/// uses, so that every write is visible.
pub fn wrote(path: &std::path::Path) {
    eprintln!("topics: wrote {}", path.display());
}

/// Writes `bytes` to `path` atomically and announces it.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    topics::io::write_atomic(path, |w| w.write_all(bytes))?;
    wrote(path);
    Ok(())
}

/// `--topic` given as a number or a label → that topic; absent → every
/// topic.
pub fn topic_ids(
    labels: &topics::explore::Labels,
    topic: Option<&str>,
) -> anyhow::Result<Vec<usize>> {
    match topic {
        Some(reference) => Ok(vec![labels.resolve(reference)?]),
        None => Ok((0..labels.k()).collect()),
    }
}

/// The results files the report page can show (`report`; `serve` should
/// flatten this too, so both spell them alike and the old `--conjoint` and
/// `--link` stay hidden aliases).
#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    /// A conjoint result to plot: the JSON of `topics conjoint --format json`.
    #[arg(long, alias = "conjoint", value_name = "RESULTS.json")]
    pub conjoint_results: Option<std::path::PathBuf>,
    /// A topics × conjoint cross-check to show: the JSON of
    /// `topics link --format json`.
    #[arg(long, alias = "link", value_name = "RESULTS.json")]
    pub link_results: Option<std::path::PathBuf>,
    /// A check of the topics against hand codes to show: the JSON of
    /// `topics validate --format json`.
    #[arg(long, alias = "validation", value_name = "RESULTS.json")]
    pub validation_results: Option<std::path::PathBuf>,
}

/// The results files `report` and `serve` show, each checked for its kind.
pub struct LoadedResults {
    pub conjoint: Option<Vec<topics::report::ConjointRow>>,
    pub link: Option<topics::link::output::LinkResult>,
    pub validation: Option<topics::explore::ValidationResult>,
}

impl ResultsArgs {
    /// Reads the results files given (each refused when of the wrong kind).
    pub fn load(&self) -> topics::Result<LoadedResults> {
        let conjoint = self
            .conjoint_results
            .as_deref()
            .map(topics::report::load_conjoint)
            .transpose()?;
        let link = self
            .link_results
            .as_deref()
            .map(topics::report::load_link)
            .transpose()?;
        let validation = self
            .validation_results
            .as_deref()
            .map(topics::report::load_validation)
            .transpose()?;
        Ok(LoadedResults {
            conjoint,
            link,
            validation,
        })
    }

    /// The results files given, for the check that no output overwrites one.
    pub fn paths(&self) -> [Option<&std::path::Path>; 3] {
        [
            self.conjoint_results.as_deref(),
            self.link_results.as_deref(),
            self.validation_results.as_deref(),
        ]
    }
}
