//! The library's one error type.
//!
//! Every variant names what an analyst needs to fix the problem: the file,
//! and where it applies the line, byte offset or column. The binary maps each
//! variant to its own exit code (see [`Error::exit_code`]) so scripts can tell
//! a bad input file from a bad flag without parsing messages.

use std::path::PathBuf;

/// A `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough context to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file does not exist.
    #[error("{}: no such file", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },

    /// A directory was given where a file was expected.
    #[error("{}: is a directory, expected a file", path.display())]
    IsDirectory {
        /// The path given.
        path: PathBuf,
    },

    /// Any other I/O failure while reading or writing `path`.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file read or written.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The input is not valid UTF-8.
    #[error(
        "{}: line {line}: invalid UTF-8 at byte {byte_offset} of the file{hint}",
        path.display()
    )]
    InvalidUtf8 {
        /// The input file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 0-based byte offset of the first invalid byte in the file.
        byte_offset: u64,
        /// Extra advice (for example a likely legacy encoding), with a
        /// leading separator, or empty.
        hint: String,
    },

    /// A CSV/TSV file could not be parsed.
    #[error("{}: line {line}: {message}", path.display())]
    Csv {
        /// The input file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: u64,
        /// What is wrong (from the CSV reader, or ours).
        message: String,
    },

    /// A named column is not in the header.
    #[error(
        "{}: column '{column}' not found; the header has: {}",
        path.display(),
        available.join(", ")
    )]
    MissingColumn {
        /// The input file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The header's columns, so the analyst can pick the right one.
        available: Vec<String>,
    },

    /// Nothing is left to fit after reading and tokenizing.
    #[error("{}: {reason}", path.display())]
    EmptyCorpus {
        /// The input file.
        path: PathBuf,
        /// Why nothing is left (empty file, all blank, every word pruned).
        reason: String,
    },

    /// A parameter is out of its valid range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The flag or parameter (`--k`, `alpha`).
        name: &'static str,
        /// The valid range, and what was given.
        reason: String,
    },

    /// A model file could not be read as a `topics` model.
    #[error("{}: {reason}", path.display())]
    BadModel {
        /// The model file.
        path: PathBuf,
        /// Why it is not a usable model (truncated, damaged, newer schema).
        reason: String,
    },

    /// A user-supplied tokenizer pipeline failed to load or run.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// The input holds a NUL byte, which text never does.
    #[error("{}: line {line}: contains a NUL byte: this looks like a binary file, not text", path.display())]
    NulByte {
        /// The input file.
        path: PathBuf,
        /// 1-based line of the first NUL byte.
        line: usize,
    },

    /// The input is not valid in the encoding the user named.
    #[error("{}: line {line}: not valid {encoding}", path.display())]
    Decode {
        /// The input file.
        path: PathBuf,
        /// 1-based line of the first undecodable byte.
        line: usize,
        /// The encoding named (`--encoding`).
        encoding: String,
    },

    /// One answer is implausibly long.
    #[error(
        "{}: answer {id} is {bytes} bytes long; answers over {} bytes are refused (is this one answer per line?)",
        path.display(),
        crate::io::MAX_ANSWER_BYTES
    )]
    AnswerTooLong {
        /// The input file.
        path: PathBuf,
        /// The answer's id.
        id: String,
        /// Its length in bytes.
        bytes: usize,
    },

    /// The topic labels file next to a model is unreadable or does not fit
    /// the model.
    #[error("{}: {reason}", path.display())]
    BadLabels {
        /// The labels file.
        path: PathBuf,
        /// Why it cannot be used with the model.
        reason: String,
    },

    /// A results file given to the report (conjoint or link) is unreadable.
    #[error("{}: {reason}", path.display())]
    BadResults {
        /// The results file.
        path: PathBuf,
        /// Why it cannot be used (unreadable, or of the wrong kind).
        reason: String,
    },

    /// A codes file given to `validate` cannot be compared with the model
    /// (no code in its column, or no coded id among the model's answers).
    #[error("{}: {reason}", path.display())]
    BadCodes {
        /// The codes file.
        path: PathBuf,
        /// Why it cannot be compared.
        reason: String,
    },

    /// An output file is one of the run's input files: writing it would
    /// destroy the input (checked before anything is read or written).
    #[error(
        "{}: is the same file as the input {}; writing it would destroy the input: choose another output path",
        output.display(),
        input.display()
    )]
    OutputIsInput {
        /// The output path given.
        output: PathBuf,
        /// The input it is the same file as.
        input: PathBuf,
    },

    /// The local service could not start (address refused or in use).
    #[error("serve {addr}: {reason}")]
    Serve {
        /// The address asked for.
        addr: String,
        /// Why it cannot be served there.
        reason: String,
    },
    /// A conjoint data set, design or request is invalid (exit codes 30–39).
    #[error(transparent)]
    Conjoint(#[from] crate::conjoint::ConjointError),
    /// The bundled Korean dictionary could not be compiled or loaded into
    /// its cache directory.
    #[error("{}: Korean dictionary: {reason} (set TOPICS_CACHE_DIR to a writable directory, or use --ko-analyzer rules)", path.display())]
    KoDictionary {
        /// The dictionary cache directory or file.
        path: PathBuf,
        /// What failed while building or loading it.
        reason: String,
    },

    /// A Korean user dictionary could not be read.
    #[error("Korean user dictionary: {reason}")]
    UserDictionary {
        /// What is wrong, with the file and line.
        reason: String,
    },
    /// Topics and conjoint cannot be linked as asked (exit codes 50–59).
    #[error(transparent)]
    Link(#[from] crate::link::LinkError),
}

impl Error {
    /// The process exit code for this error, documented in README.md.
    ///
    /// Distinct codes let scripts react to a class of problem; 2 is left to
    /// clap for command-line usage errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::NotFound { .. } | Error::IsDirectory { .. } => 3,
            Error::Io { .. } => 4,
            Error::InvalidUtf8 { .. } => 5,
            Error::Csv { .. } | Error::MissingColumn { .. } => 6,
            Error::EmptyCorpus { .. } => 7,
            Error::InvalidParameter { .. } => 8,
            Error::BadModel { .. } => 9,
            Error::Tokenizer(_) => 10,
            Error::NulByte { .. } | Error::Decode { .. } => 5,
            Error::AnswerTooLong { .. } => 11,
            Error::OutputIsInput { .. } => 12,
            Error::BadLabels { .. } => 40,
            Error::BadResults { .. } => 41,
            Error::Serve { .. } => 42,
            Error::BadCodes { .. } => 43,
            Error::Conjoint(e) => e.exit_code(),
            Error::KoDictionary { .. } => 20,
            Error::UserDictionary { .. } => 21,
            Error::Link(e) => e.exit_code(),
        }
    }

    /// Wraps an I/O error with the path it concerns, turning the common
    /// cases into their own variants.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        let path = path.into();
        match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path },
            std::io::ErrorKind::IsADirectory => Error::IsDirectory { path },
            _ => Error::Io { path, source },
        }
    }

    /// Shorthand for [`Error::InvalidParameter`].
    pub fn param(name: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }
}
