//! The Korean system dictionary: mecab-ko-dic, carried in source form inside
//! the binary and compiled into lindera's format on first use.
//!
//! # Why first use into a cache directory, not build.rs
//!
//! - **Build time.** A build script would compile lindera's dictionary
//!   builder a second time (build dependencies are built separately and,
//!   in dev builds, unoptimized) and then run it unoptimized over 194 MB of
//!   CSV and matrix text on every clean build: minutes of CI time on 2
//!   cores, paid by every `cargo test`, even by runs that never touch Korean.
//! - **Relocation.** The compiled dictionary is about 85 MB. Embedding it
//!   would bloat the binary and every test executable; pointing at
//!   `OUT_DIR` would tie the binary to the build tree. The 10.6 MB `.tar.xz`
//!   source is embedded instead (`include_bytes!`), so the `topics` binary
//!   is self-contained and works when copied elsewhere, offline.
//! - **Cost.** The first Korean analysis on a machine decompresses and
//!   compiles the dictionary (about 5 s of CPU in a release build, 11 s in
//!   a dev build; 82 MB on disk) into `$TOPICS_CACHE_DIR`, else `$XDG_CACHE_HOME/topics`, else
//!   `~/.cache/topics` (the system temp dir if that cannot be written). Every later run loads
//!   the compiled files (memory-mapped) in well under a second.
//!
//! The cache entry's name includes a hash of the embedded source, the
//! metadata and the lindera version, so an upgrade never reads a stale
//! dictionary. The compiled files are written into a temporary directory
//! beside the entry and renamed into place, so concurrent first uses (the
//! test harness, parallel jobs) never see a half-built dictionary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lindera::dictionary::{
    load_fs_dictionary, Dictionary, DictionaryBuilder, Metadata, UserDictionary,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// mecab-ko-dic in MeCab source form (see `assets/ko-dic/README.md`).
const SOURCE: &[u8] = include_bytes!("../../assets/ko-dic/mecab-ko-dic-src.tar.xz");
/// How lindera reads that source (fields, user rows, space penalties).
const METADATA: &str = include_str!("../../assets/ko-dic/metadata.json");
/// The directory inside the archive.
const SOURCE_DIR: &str = "mecab-ko-dic-src";
/// Derived from the source at build time, see [`irregular_stems`].
const STEMS_FILE: &str = "topics-stems.tsv";
/// Bumped when what `ensure_built` writes changes.
const CACHE_LAYOUT: &str = "topics-ko-dic-3";

/// The system dictionary, loaded once per process and shared (lindera's
/// dictionary is reference-counted and memory-mapped, so clones are cheap).
pub fn system_dictionary() -> Result<Dictionary> {
    static LOADED: OnceLock<std::result::Result<Dictionary, (PathBuf, String)>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let dir = built_dictionary_dir()?;
            load_fs_dictionary(&dir).map_err(|e| (dir.clone(), e.to_string()))
        })
        .clone()
        .map_err(|(path, reason)| Error::KoDictionary { path, reason })
}

/// Predicate surfaces whose stem differs from the surface (`만드` → 만들,
/// `깨달` → 깨닫, `그러` → 그렇), keyed by `surface\tPOS`.
///
/// mecab-ko-dic lists most such forms twice with the same costs: once as
/// an `Inflect` entry whose expression names the stem, once as a plain
/// entry without it. Which of two equal-cost entries the lattice picks is
/// an implementation detail (lindera and MeCab differ), so the stems are
/// collected from the `Inflect` rows when the dictionary is compiled.
pub fn irregular_stems() -> Result<std::collections::HashMap<String, String>> {
    static LOADED: OnceLock<
        std::result::Result<std::collections::HashMap<String, String>, (PathBuf, String)>,
    > = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let path = built_dictionary_dir()?.join(STEMS_FILE);
            let text = std::fs::read_to_string(&path).map_err(|e| (path.clone(), e.to_string()))?;
            Ok(text
                .lines()
                .filter_map(|line| {
                    let (key, stem) = line.rsplit_once('\t')?;
                    Some((key.to_string(), stem.to_string()))
                })
                .collect())
        })
        .clone()
        .map_err(|(path, reason)| Error::KoDictionary { path, reason })
}

/// Writes [`STEMS_FILE`]: one `surface\tPOS\tstem` line per single-morpheme
/// `Inflect` entry whose stem is not its surface (two syllables or more).
fn write_stems(csv: &Path, out: &Path) -> std::io::Result<()> {
    use std::io::BufRead;
    let mut stems = std::collections::BTreeMap::new();
    for line in std::io::BufReader::new(std::fs::File::open(csv)?).lines() {
        let line = line?;
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 12 || fields[8] != "Inflect" || fields[11].contains('+') {
            continue;
        }
        let mut expression = fields[11].split('/');
        let (Some(stem), Some(tag)) = (expression.next(), expression.next()) else {
            continue;
        };
        if stem != fields[0] && tag == fields[4] && is_irregular_stem(fields[0], stem) {
            stems.insert(format!("{}\t{}", fields[0], fields[4]), stem.to_string());
        }
    }
    let mut text = String::new();
    for (key, stem) in stems {
        text.push_str(&format!("{key}\t{stem}\n"));
    }
    std::fs::write(out, text)
}

/// True if `stem` is `surface` with only its last syllable changed (만드 →
/// 만들, 깨달 → 깨닫), of a predicate of two or more syllables. Other
/// `Inflect` rows normalize spelling (재미있 → 재밌), which would move the
/// token away from what the answer wrote; one-syllable surfaces are real
/// stems as often as not (가 is 가다 and, before -는, 갈다).
fn is_irregular_stem(surface: &str, stem: &str) -> bool {
    let (s, t): (Vec<char>, Vec<char>) = (surface.chars().collect(), stem.chars().collect());
    s.len() >= 2 && s.len() == t.len() && s[..s.len() - 1] == t[..t.len() - 1]
}

/// Compiles a user dictionary from CSV text: `surface,POS,reading` rows
/// (for example `장마당,NNP,장마당`), or full 12-field mecab-ko-dic rows.
pub fn user_dictionary(csv: &str) -> Result<UserDictionary> {
    let builder =
        DictionaryBuilder::new(metadata().map_err(|reason| Error::UserDictionary { reason })?);
    builder
        .build_user_dict_from_reader(csv.as_bytes())
        .map_err(|e| Error::UserDictionary {
            reason: e.to_string(),
        })
}

fn metadata() -> std::result::Result<Metadata, String> {
    serde_json::from_str(METADATA).map_err(|e| format!("bundled metadata.json: {e}"))
}

/// Where the compiled dictionary for this build of `topics` lives.
pub fn cache_entry() -> PathBuf {
    cache_root().join(entry_name())
}

/// The compiled dictionary's directory, built on first use: in the cache
/// directory, or, if that cannot be written (a read-only home), in the
/// system temp directory.
fn built_dictionary_dir() -> std::result::Result<PathBuf, (PathBuf, String)> {
    static BUILT: OnceLock<std::result::Result<PathBuf, (PathBuf, String)>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let primary = cache_entry();
            match ensure_built(&primary) {
                Ok(()) => Ok(primary),
                Err(first) => {
                    let fallback = std::env::temp_dir().join("topics-cache").join(entry_name());
                    ensure_built(&fallback)
                        .map(|()| fallback)
                        .map_err(|_| first)
                }
            }
        })
        .clone()
}

fn entry_name() -> String {
    let mut hash = Sha256::new();
    hash.update(SOURCE);
    hash.update(METADATA.as_bytes());
    hash.update(lindera::get_version().as_bytes());
    hash.update(CACHE_LAYOUT.as_bytes());
    let digest = hash.finalize();
    let key: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("ko-dic-{key}")
}

fn cache_root() -> PathBuf {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("TOPICS_CACHE_DIR") {
        return dir;
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return dir.join("topics");
    }
    if let Some(home) = var("HOME") {
        return home.join(".cache").join("topics");
    }
    std::env::temp_dir().join("topics-cache")
}

/// Builds the dictionary into `dir` unless it is already there.
fn ensure_built(dir: &Path) -> std::result::Result<(), (PathBuf, String)> {
    if dir.join("metadata.json").is_file() {
        return Ok(());
    }
    let fail = |what: &str, e: &dyn std::fmt::Display| (dir.to_path_buf(), format!("{what}: {e}"));
    let root = dir.parent().unwrap_or(dir);
    std::fs::create_dir_all(root).map_err(|e| fail("cannot create the cache directory", &e))?;
    let work = tempfile::Builder::new()
        .prefix(".ko-dic-build-")
        .tempdir_in(root)
        .map_err(|e| fail("cannot create a build directory", &e))?;
    unpack_source(work.path())
        .map_err(|e| fail("cannot unpack the bundled dictionary source", &e))?;
    let built = work.path().join("dict");
    let metadata = metadata().map_err(|e| fail("bad metadata", &e))?;
    let source = work.path().join(SOURCE_DIR);
    DictionaryBuilder::new(metadata)
        .build_dictionary(&source, &built)
        .map_err(|e| fail("cannot compile the dictionary", &e))?;
    write_stems(&source.join("mecab-ko-dic.csv"), &built.join(STEMS_FILE))
        .map_err(|e| fail("cannot derive the stem table", &e))?;
    match std::fs::rename(&built, dir) {
        Ok(()) => Ok(()),
        // Another process finished first; its copy is identical.
        Err(_) if dir.join("metadata.json").is_file() => Ok(()),
        Err(e) => Err(fail("cannot move the compiled dictionary into place", &e)),
    }
}

/// Decompresses the embedded `.tar.xz` into `into`.
fn unpack_source(into: &Path) -> std::io::Result<()> {
    let tar_path = into.join("source.tar");
    {
        let file = std::fs::File::create(&tar_path)?;
        let mut out = std::io::BufWriter::new(file);
        lzma_rs::xz_decompress(&mut std::io::BufReader::new(SOURCE), &mut out)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        std::io::Write::flush(&mut out)?;
    }
    tar::Archive::new(std::fs::File::open(&tar_path)?).unpack(into)?;
    std::fs::remove_file(&tar_path)
}
