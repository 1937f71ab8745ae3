//! The bad-input matrix: each case runs the `topics` binary on a
//! messy input and asserts the exact message on standard error, the
//! documented exit code (README.md), and that nothing panicked.

use crate::util;

use std::path::Path;

/// A study-shaped conjoint sample: the first two respondents of the
/// bundled example (40 profile rows), written with LF line ends.
fn conjoint_rows() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(util::repo_file("examples/data/conjoint.csv")).unwrap();
    text.lines()
        .take(41)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn write_csv(dir: &Path, name: &str, rows: &[Vec<String>]) {
    let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
    std::fs::write(dir.join(name), text).unwrap();
}

/// `rows` with `column` of data row `row` (1-based, header excluded) set
/// to `value`.
fn with_cell(rows: &[Vec<String>], row: usize, column: &str, value: &str) -> Vec<Vec<String>> {
    let c = rows[0].iter().position(|h| h == column).unwrap();
    let mut rows = rows.to_vec();
    rows[row][c] = value.to_string();
    rows
}

/// Writes every input file the cases use into `dir`.
fn fixtures(dir: &Path) {
    let answers =
        "apple banana apple\nbanana cherry\ndog cat dog\ncat mouse\napple cherry\ndog mouse\n";
    let files: &[(&str, &[u8])] = &[
        ("ok.txt", answers.as_bytes()),
        ("empty.txt", b""),
        ("blank.txt", b"\n \n\t\n"),
        ("stop.txt", b"the and of\nis a the\nwe were it\n"),
        ("bad_utf8.txt", b"fine\nbroken \xC3\x28 here\n"),
        ("cp949.txt", b"\xB0\xA1\xC1\xB7\xC0\xCC \xC1\xD8 \xB0\xC5\n"),
        ("utf16.txt", b"\xFF\xFEh\x00i\x00\n\x00"),
        ("nul.txt", b"ok line\nbin\x00ary\n"),
        ("ragged.csv", b"id,text\n1,a b\n2,c,d\n"),
        ("quote.csv", b"id,text\n1,\"fine\"\n2,\"never closed\n3,x\n"),
        ("nocol.csv", b"id,answer\n1,hello\n"),
        ("dupcol.csv", b"text,id,text\na,1,b\n"),
        (
            "dupid.csv",
            b"id,text\nr1,apple banana\nr2,dog cat\nr1,apple\n",
        ),
        ("notmodel.json", b"{\"hello\": 1}"),
        ("garbage.json", b"\x89PNG not json"),
        ("design_bad.json", b"{\"roles\": [1, 2"),
        ("results_bad.json", b"[{\"feature\": 1}"),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(dir.join("big.txt"), "x".repeat(10 * 1024 * 1024) + "\n").unwrap();
    std::fs::create_dir(dir.join("adir")).unwrap();
    let rows = conjoint_rows();
    write_csv(dir, "c.csv", &rows);
    write_csv(dir, "c_text.csv", &with_cell(&rows, 3, "chosen", "yes"));
    write_csv(dir, "c_noid.csv", &with_cell(&rows, 4, "respondent", ""));
    write_csv(
        dir,
        "c_level.csv",
        &with_cell(&rows, 5, "provider", "Alien"),
    );
    write_csv(dir, "c_not01.csv", &with_cell(&rows, 2, "chosen", "2"));
    // Rust reads `inf` and `1e400` as infinite numbers; 1e308 is finite but
    // overflows the sums of squares.
    write_csv(dir, "c_inf.csv", &with_cell(&rows, 3, "chosen", "inf"));
    write_csv(dir, "c_huge.csv", &with_cell(&rows, 2, "rating", "1e308"));
    write_csv(dir, "c_hugew.csv", &with_cell(&rows, 6, "rating", "-1e400"));
    let single: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let c = rows[0].iter().position(|h| h == "type").unwrap();
            let mut r = r.clone();
            if i > 0 {
                r[c] = "Fiction".into();
            }
            r
        })
        .collect();
    write_csv(dir, "c_single.csv", &single);
    std::fs::copy(
        util::repo_file("examples/data/conjoint_design.json"),
        dir.join("d.json"),
    )
    .unwrap();
    // A saved model and damaged copies of it.
    util::fit_pretokenized(dir, "ok.txt", 2, &["--iterations", "20", "-o", "m.json"]).ok();
    let model = std::fs::read_to_string(dir.join("m.json")).unwrap();
    // Cut right after the envelope's `"model":` (52 bytes).
    let cut = model.find("\"model\":").unwrap() + 8;
    assert_eq!(cut, 52);
    std::fs::write(dir.join("truncated.json"), &model[..cut]).unwrap();
    std::fs::write(
        dir.join("newer.json"),
        model.replacen("\"schema_version\":1", "\"schema_version\":7", 1),
    )
    .unwrap();
    std::fs::write(
        dir.join("tampered.json"),
        model.replacen("\"iterations\":20", "\"iterations\":21", 1),
    )
    .unwrap();
}

/// (arguments, exit code, the exact last line of standard error).
const CASES: &[(&[&str], i32, &str)] = &[
    // fit: files
    (&["fit", "missing.txt"], 3, "topics: error: missing.txt: no such file"),
    (&["fit", "adir"], 3, "topics: error: adir: is a directory, expected a file"),
    (&["fit", "empty.txt"], 7, "topics: error: empty.txt: the file has no answers"),
    (&["fit", "blank.txt"], 7, "topics: error: blank.txt: all 3 answers are blank"),
    (&["fit", "stop.txt"], 7, "topics: error: stop.txt: no answer has a word left after stopwords and vocabulary pruning (3 answers, 0 blank); try --min-df 1 or --no-stopwords"),
    // select-k: the same empty-corpus errors as fit
    (&["select-k", "empty.txt"], 7, "topics: error: empty.txt: the file has no answers"),
    (&["select-k", "blank.txt"], 7, "topics: error: blank.txt: all 3 answers are blank"),
    (&["select-k", "stop.txt"], 7, "topics: error: stop.txt: no answer has a word left after stopwords and vocabulary pruning (3 answers, 0 blank); try --min-df 1 or --no-stopwords"),
    // fit: encodings and bytes
    (&["fit", "bad_utf8.txt"], 5, "topics: error: bad_utf8.txt: line 2: invalid UTF-8 at byte 12 of the file"),
    (&["fit", "cp949.txt"], 5, "topics: error: cp949.txt: line 1: invalid UTF-8 at byte 0 of the file; it looks like CP949/EUC-KR (a Korean Excel export): pass --encoding cp949 or save it as UTF-8"),
    (&["fit", "utf16.txt"], 5, "topics: error: utf16.txt: line 1: invalid UTF-8 at byte 0 of the file; the file starts with a UTF-16 byte-order mark: pass --encoding utf-16 or save it as UTF-8"),
    (&["fit", "nul.txt"], 5, "topics: error: nul.txt: line 2: contains a NUL byte: this looks like a binary file, not text"),
    (&["fit", "big.txt"], 11, "topics: error: big.txt: answer 1 is 10485760 bytes long; answers over 1048576 bytes are refused (is this one answer per line?)"),
    // fit: CSV
    (&["fit", "ragged.csv"], 6, "topics: error: ragged.csv: line 3: expected 2 fields as in the header, found 3"),
    (&["fit", "quote.csv"], 6, "topics: error: quote.csv: line 3: a quoted field opened here is never closed (unbalanced \")"),
    (&["fit", "nocol.csv"], 6, "topics: error: nocol.csv: column 'text' not found; the header has: id, answer"),
    (&["fit", "dupcol.csv"], 6, "topics: error: dupcol.csv: line 1: column 'text' appears twice in the header (columns 1 and 3)"),
    (&["fit", "dupid.csv", "--id-column", "id"], 6, "topics: error: dupid.csv: line 4: answer id 'r1' already appeared on line 2: ids must be unique to link answers to respondents"),
    // fit: parameters
    (&["fit", "ok.txt", "-k", "0"], 8, "topics: error: invalid -k: the number of topics must be at least 1"),
    (&["fit", "ok.txt", "--pretokenized", "-k", "7"], 8, "topics: error: invalid -k: 7 topics for 6 answers with words: use at most one topic per answer"),
    (&["fit", "ok.txt", "--alpha", "-0.5"], 8, "topics: error: invalid --alpha: -0.5 is not a positive number"),
    (&["fit", "ok.txt", "--beta", "NaN"], 8, "topics: error: invalid --beta: NaN is not a positive number"),
    (&["fit", "ok.txt", "--max-df", "1.5"], 8, "topics: error: invalid --max-df: 1.5 is not a share in (0, 1]"),
    // fit: outputs
    (&["fit", "ok.txt", "--pretokenized", "-k", "2", "-o", "nodir/m.json"], 4, "topics: error: could not save the model: nodir/m.json: directory nodir does not exist"),
    (&["fit", "ok.txt", "--pretokenized", "-k", "2", "-o", "ok.txt/m.json"], 4, "topics: error: could not save the model: ok.txt/m.json: directory ok.txt does not exist"),
    // tokenize
    (&["tokenize", "missing.txt"], 3, "topics: error: missing.txt: no such file"),
    (&["tokenize", "bad_utf8.txt"], 5, "topics: error: bad_utf8.txt: line 2: invalid UTF-8 at byte 12 of the file"),
    (&["tokenize", "ok.txt", "--encoding", "klingon"], 8, "topics: error: invalid --encoding: unknown encoding 'klingon'; for example utf-8, cp949, euc-kr, utf-16le, utf-16be"),
    // infer and show: model files
    (&["infer", "notmodel.json", "ok.txt"], 9, "topics: error: notmodel.json: not a topics model (no \"format\": \"topics-model\")"),
    (&["infer", "garbage.json", "ok.txt"], 9, "topics: error: garbage.json: not a topics model (the file is not text)"),
    (&["infer", "truncated.json", "ok.txt"], 9, "topics: error: truncated.json: the model file is truncated (line 1, column 52)"),
    (&["infer", "newer.json", "ok.txt"], 9, "topics: error: newer.json: written by a newer topics (model schema 7); this build reads schema 1 and older: upgrade topics"),
    (&["show", "tampered.json"], 9, "topics: error: tampered.json: checksum mismatch: the model file was changed or damaged after it was written"),
    (&["infer", "m.json", "missing.txt"], 3, "topics: error: missing.txt: no such file"),
    (&["infer", "m.json", "nul.txt"], 5, "topics: error: nul.txt: line 2: contains a NUL byte: this looks like a binary file, not text"),
    // conjoint
    (&["conjoint", "c.csv", "--design", "missing.json"], 3, "topics: error: missing.json: no such file"),
    (&["conjoint", "c.csv", "--design", "design_bad.json"], 34, "topics: error: design_bad.json: line 1 column 12: invalid type: integer `1`, expected a string"),
    (&["conjoint", "c.csv", "--design", "d.json", "--outcome", "nosuch"], 6, "topics: error: c.csv: column 'nosuch' not found; the header has: respondent, task, profile, provider, acquisition_place, distribution_media, content_subject, content_form, target_age, type, chosen, share_stranger, share_neighbor, share_friend, share_family, rating, gender, age_group, education"),
    (&["conjoint", "c_text.csv", "--design", "d.json", "--outcome", "chosen"], 30, "topics: error: c_text.csv: line 4: column 'chosen': 'yes' is not a number"),
    (&["conjoint", "c_inf.csv", "--design", "d.json", "--outcome", "chosen"], 30, "topics: error: c_inf.csv: line 4: column 'chosen': 'inf' is too large: values must be finite and within ±1e100, or the estimates' sums of squares overflow (rescale the column)"),
    (&["conjoint", "c_huge.csv", "--design", "d.json", "--outcome", "rating"], 30, "topics: error: c_huge.csv: line 3: column 'rating': '1e308' is too large: values must be finite and within ±1e100, or the estimates' sums of squares overflow (rescale the column)"),
    (&["conjoint", "c_hugew.csv", "--design", "d.json", "--outcome", "chosen", "--weights", "rating"], 30, "topics: error: c_hugew.csv: line 7: column 'rating': '-1e400' is too large: values must be finite and within ±1e100, or the estimates' sums of squares overflow (rescale the column)"),
    (&["conjoint", "c_noid.csv", "--design", "d.json", "--outcome", "chosen"], 31, "topics: error: c_noid.csv: line 5: column 'respondent' is empty (a respondent id is required on every row)"),
    (&["conjoint", "c_level.csv", "--design", "d.json", "--outcome", "chosen"], 32, "topics: error: c_level.csv: line 6: feature 'provider' has level 'Alien', which the design does not list (it lists: Stranger, Neighbor, Friend, Family)"),
    (&["conjoint", "c_single.csv", "--design", "d.json", "--outcome", "chosen"], 32, "topics: error: c_single.csv: feature 'type': level 'Non-fiction' never occurs in the data"),
    (&["conjoint", "c_not01.csv", "--design", "d.json", "--outcome", "chosen", "--estimate", "predict", "--profile", "most"], 38, "topics: error: c_not01.csv: line 3: column 'chosen' has the value 2, but a predicted probability needs a 0/1 outcome (use --binarize to make one)"),
    (&["conjoint", "c.csv", "--design", "d.json", "--outcome", "chosen", "--plot", "nodir/p.svg"], 4, "topics: error: nodir/p.svg: directory nodir does not exist"),
    // report
    (&["report", "truncated.json", "-o", "r.html"], 9, "topics: error: truncated.json: the model file is truncated (line 1, column 52)"),
    (&["report", "m.json", "--conjoint", "results_bad.json", "-o", "r.html"], 41, "topics: error: results_bad.json: not valid JSON: EOF while parsing a list at line 1 column 15"),
    (&["report", "m.json", "-o", "nodir/r.html"], 4, "topics: error: nodir/r.html: directory nodir does not exist"),
];

#[test]
fn every_bad_input_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    fixtures(dir.path());
    assert!(CASES.len() >= 30);
    let mut failures = Vec::new();
    for (args, code, message) in CASES {
        let run = util::topics(dir.path(), args);
        let last = run.stderr.lines().last().unwrap_or("");
        let message_ok = last == *message;
        if run.code != *code || !message_ok || run.stderr.contains("panicked") {
            failures.push(format!(
                "{args:?}\n   want {code}: {message}\n    got {}: {last}",
                run.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// CRLF line ends are read like LF ones: same answers, same model.
#[test]
fn crlf_input_gives_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "apple banana apple\nbanana cherry\ndog cat dog\ncat mouse\n";
    std::fs::write(dir.path().join("lf.txt"), lf).unwrap();
    std::fs::write(dir.path().join("crlf.txt"), lf.replace('\n', "\r\n")).unwrap();
    let args = |f: &'static str| {
        [
            "fit",
            f,
            "--pretokenized",
            "-k",
            "2",
            "--iterations",
            "30",
            "--format",
            "json",
        ]
    };
    let a = util::topics(dir.path(), &args("lf.txt")).ok();
    let b = util::topics(dir.path(), &args("crlf.txt")).ok();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("sha256"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a.stdout), strip(&b.stdout));
}

/// An output path in a directory nobody may write to. A directory made
/// read-only (0555) stops ordinary users; root ignores that, so for root
/// the test writes into /sys, where no one can create files.
#[cfg(unix)]
#[test]
fn read_only_output_directory_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fixtures(dir.path());
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable_anyway = std::fs::File::create(locked.join("probe")).is_ok();
    let target = if writable_anyway {
        std::path::PathBuf::from("/sys")
    } else {
        locked.clone()
    };
    let output = target.join("m.json");
    let run = util::fit_pretokenized(
        dir.path(),
        "ok.txt",
        2,
        &["--iterations", "5", "-o", output.to_str().unwrap()],
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().last().unwrap(),
        format!(
            "topics: error: could not save the model: {}: cannot create a file in {}: permission denied",
            output.display(),
            target.display()
        )
    );
    assert!(!output.exists());
}
