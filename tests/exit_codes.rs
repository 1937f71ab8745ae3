//! Every exit code in README's table is the one the program returns.
//!
//! The table is parsed from README.md, so a code added there without a case
//! here (or a case whose code README no longer lists) fails the test. Each
//! case provokes its code for real by running the binary on a bad input,
//! and checks the message too, so a case cannot pass by failing for another
//! reason with the same code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Codes README lists that this file does not provoke, and why.
const NOT_PROVOKED_HERE: &[(u8, &str)] = &[
    (
        1,
        "every failure of the library is typed; 1 is left for untyped errors, which no input is meant to reach",
    ),
    (129, "signals: tests/files_safety.rs sends them"),
    (130, "signals: tests/files_safety.rs sends them"),
    (143, "signals: tests/files_safety.rs sends them"),
];

/// One way to make the program exit with `code`.
struct Case {
    code: u8,
    args: Vec<String>,
    /// Extra environment variables.
    env: Vec<(&'static str, PathBuf)>,
    /// Standard output goes to `/dev/full` (a disk that is full).
    stdout_full: bool,
    /// A piece of the error message (or, for 0, of the output).
    expect: &'static str,
}

fn case(code: u8, args: &[&str], expect: &'static str) -> Case {
    Case {
        code,
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        stdout_full: false,
        expect,
    }
}

fn examples(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// The codes of README's "Exit codes" table (`| 129, 130, 143 | ... |`
/// counts as three).
fn readme_codes() -> BTreeSet<u8> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## Exit codes\n")
        .nth(1)
        .expect("README has an '## Exit codes' section");
    let section = section.split("\n## ").next().unwrap();
    let mut codes = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let first = line
            .trim_start_matches('|')
            .split('|')
            .next()
            .unwrap()
            .trim();
        if first == "code" || first.starts_with("---") {
            continue;
        }
        for part in first.split(',') {
            let code: u8 = part
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("README exit-code row not a code: {line}"));
            assert!(codes.insert(code), "README lists exit code {code} twice");
        }
    }
    codes
}

/// Writes the scratch files the cases read into `dir`.
fn write_inputs(dir: &Path) {
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w(
        "answers.txt",
        &std::fs::read(examples("answers_en.txt")).unwrap(),
    );
    w("invalid.txt", b"fine\nab\xffcd\n");
    w("empty.txt", b"");
    w("long.txt", &vec![b'a'; 1024 * 1024 + 1]);
    w("answers.csv", b"id,text\n1,family and friends\n");
    w("notmodel.json", b"{\"x\": 1}\n");
    w("other_codes.csv", b"id,code\nr1,a\nr2,b\n");
    w("tokenizer.json", b"{\"model\": 3}\n");
    w("ko.txt", "가족을 위해 일한다\n".as_bytes());
    w("user_dict.csv", "장마당\n".as_bytes());
    w("a_file", b"");
    let conjoint = |name: &str, csv: &str| w(name, csv.as_bytes());
    conjoint("not_number.csv", "id,a,b,y\n1,x,p,1\n1,z,q,chosen\n");
    conjoint("empty_id.csv", "id,a,b,y\n1,x,p,1\nNA,z,q,0\n");
    conjoint("good.csv", GOOD);
    conjoint(
        "single.csv",
        "id,a,b,y\n1,x,p,1\n1,x,q,0\n2,x,q,0\n2,x,p,1\n",
    );
    conjoint(
        "collinear.csv",
        "id,a,b,y\n1,x,p,1\n1,z,q,0\n2,x,p,0\n2,z,q,1\n",
    );
    conjoint(
        "rating.csv",
        "id,a,b,y\n1,x,p,5\n1,z,q,2\n2,x,q,3\n2,z,p,1\n3,z,p,4\n3,x,q,7\n",
    );
    w(
        "design_unknown.json",
        br#"{"roles": {"attributes": ["a", "b"]}, "levels": {"a": ["x", "w"]}}"#,
    );
    w("design_bad.json", b"{\"roles\": [1, 2]}");
    w(
        "design_restricted.json",
        br#"{"roles": {"attributes": ["a", "b"]}, "restrictions": [{"a": "z", "excludes": {"b": "q"}}]}"#,
    );
    w(
        "conjoint_result.json",
        br#"[{"estimate": 1, "outcome": "y"}]"#,
    );
    w("map.txt", b"trust = Family\n");
    let by_theme = std::fs::read_to_string(examples("conjoint_by_theme.csv")).unwrap();
    let mut lines = by_theme.lines();
    let header = lines.next().unwrap();
    let renamed: String = lines.clone().map(|l| format!("R{l}\n")).collect();
    w("renamed.csv", format!("{header}\n{renamed}").as_bytes());
    let few: String = lines
        .filter(|l| ["1,", "2,", "3,"].iter().any(|p| l.starts_with(p)))
        .map(|l| format!("{l}\n"))
        .collect();
    w("few.csv", format!("{header}\n{few}").as_bytes());
}

const GOOD: &str = "id,a,b,y\n1,x,p,1\n1,z,q,0\n2,x,q,0\n2,z,p,1\n3,z,p,1\n3,x,q,0\n";

/// `topics conjoint FILE` on the small two-feature data, plus `extra`.
fn conjoint(code: u8, file: &str, extra: &[&str], expect: &'static str) -> Case {
    let mut args = vec![
        "conjoint",
        file,
        "--respondent",
        "id",
        "--features",
        "a,b",
        "--outcome",
        "y",
    ];
    args.extend_from_slice(extra);
    case(code, &args, expect)
}

/// `topics link` of `model.json` with the example conjoint `data`, plus
/// `extra`.
fn link(code: u8, data: &str, extra: &[&str], expect: &'static str) -> Case {
    let design = examples("conjoint_by_theme_design.json");
    let mut args = vec![
        "link",
        "--model",
        "model.json",
        "--conjoint",
        data,
        "--design",
        design.as_str(),
    ];
    args.extend_from_slice(extra);
    case(code, &args, expect)
}

fn cases(dir: &Path) -> Vec<Case> {
    let by_theme = examples("conjoint_by_theme.csv");
    let unwritable = dir.join("a_file/cache");
    vec![
        case(0, &["tokenize", "answers.csv"], "famili"),
        case(
            2,
            &["fit", "answers.txt", "--no-such-flag"],
            "unexpected argument '--no-such-flag'",
        ),
        case(3, &["tokenize", "no_such.txt"], "no_such.txt: no such file"),
        Case {
            stdout_full: true,
            ..case(
                4,
                &["tokenize", "answers.txt"],
                "<stdout>: No space left on device",
            )
        },
        case(
            5,
            &["tokenize", "invalid.txt"],
            "invalid.txt: line 2: invalid UTF-8 at byte 7",
        ),
        case(
            6,
            &["tokenize", "answers.csv", "--text-column", "answer"],
            "column 'answer' not found; the header has: id, text",
        ),
        case(
            7,
            &["fit", "empty.txt", "-k", "2", "-o", "m7.json"],
            "empty.txt: the file has no answers",
        ),
        case(
            8,
            &["fit", "answers.txt", "-k", "0", "-o", "m8.json"],
            "invalid -k: the number of topics must be at least 1",
        ),
        case(
            9,
            &["show", "notmodel.json"],
            "notmodel.json: not a topics model",
        ),
        case(
            10,
            &["tokenize", "ko.txt", "--tokenizer", "tokenizer.json"],
            "tokenizer: cannot load tokenizer.json",
        ),
        case(
            11,
            &["tokenize", "long.txt"],
            "long.txt: answer 1 is 1048577 bytes long",
        ),
        case(
            12,
            &["fit", "answers.txt", "-k", "2", "-o", "answers.txt"],
            "is the same file as the input",
        ),
        Case {
            // Under a regular file, so not even root can create it; TMPDIR
            // too, as the dictionary falls back to the temp directory.
            env: vec![
                ("TOPICS_CACHE_DIR", unwritable.clone()),
                ("TMPDIR", unwritable),
            ],
            ..case(
                20,
                &["tokenize", "ko.txt", "--ko-analyzer", "lindera"],
                "Korean dictionary: cannot create the cache directory",
            )
        },
        case(
            21,
            &["tokenize", "ko.txt", "--ko-user-dict", "user_dict.csv"],
            "Korean user dictionary:",
        ),
        conjoint(
            30,
            "not_number.csv",
            &[],
            "not_number.csv: line 3: column 'y': 'chosen' is not a number",
        ),
        conjoint(
            31,
            "empty_id.csv",
            &[],
            "empty_id.csv: line 3: column 'id' is empty",
        ),
        conjoint(
            32,
            "good.csv",
            &["--design", "design_unknown.json"],
            "feature 'a' has level 'z', which the design does not list",
        ),
        conjoint(
            33,
            "single.csv",
            &[],
            "feature 'a' has only one level ('x')",
        ),
        conjoint(
            34,
            "good.csv",
            &["--design", "design_bad.json"],
            "design_bad.json: line 1 column",
        ),
        conjoint(
            35,
            "good.csv",
            &["--design", "design_restricted.json"],
            "pass --unrestricted",
        ),
        conjoint(
            36,
            "collinear.csv",
            &[],
            "coefficient 'b=q' is not identified",
        ),
        conjoint(
            37,
            "good.csv",
            &["--estimate", "mm-diffs"],
            "--estimate mm-diffs: needs --by COL",
        ),
        conjoint(
            38,
            "rating.csv",
            &["--estimate", "predict", "--profile", "most"],
            "needs a 0/1 outcome",
        ),
        case(
            40,
            &["words", "model.json"],
            "these labels are for a model with 4 topics, but the model has 3",
        ),
        case(
            41,
            &[
                "report",
                "model.json",
                "--conjoint",
                "conjoint_result.json",
                "-o",
                "r.html",
            ],
            "conjoint_result.json: row 1: missing field `statistic`",
        ),
        case(
            42,
            &["serve", "model.json", "--host", "0.0.0.0", "--port", "0"],
            "refusing to listen on a non-loopback address",
        ),
        case(
            43,
            &["validate", "model.json", "other_codes.csv"],
            "other_codes.csv: none of the 2 coded ids is an answer id of the model",
        ),
        link(
            50,
            "renamed.csv",
            &[],
            "no conjoint respondent of renamed.csv has an answer in the model",
        ),
        link(
            51,
            &by_theme,
            &["--answers-id", "task"],
            "column 'task' is '2' for respondent '1', but '1' on an earlier row",
        ),
        link(
            52,
            &by_theme,
            &["--mapping", "map.txt"],
            "map.txt: line 1: expected 'word -> Level, Level'",
        ),
        link(
            53,
            "few.csv",
            &[],
            "no topic group could be estimated in every θ draw",
        ),
        link(
            54,
            &by_theme,
            &["--groups", "terciles"],
            "--groups terciles needs --topic K",
        ),
    ]
}

fn run(dir: &Path, case: &Case) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_topics"));
    cmd.args(&case.args).current_dir(dir).stdin(Stdio::null());
    for (name, value) in &case.env {
        cmd.env(name, value);
    }
    if case.stdout_full {
        cmd.stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
    }
    let out = cmd.output().unwrap();
    let text = if case.code == 0 {
        &out.stdout
    } else {
        &out.stderr
    };
    (
        out.status.code(),
        String::from_utf8_lossy(text).into_owned(),
    )
}

/// A 3-topic model of the example answers (ids 1..313, the example
/// conjoint's respondent ids), for the cases that read a model.
fn fit_model(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args([
            "fit",
            "answers.txt",
            "-k",
            "3",
            "--iterations",
            "100",
            "-o",
            "model.json",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_readme_exit_code_is_the_one_returned() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path());
    fit_model(dir.path());
    let cases = cases(dir.path());

    let readme = readme_codes();
    let provoked: BTreeSet<u8> = cases.iter().map(|c| c.code).collect();
    let skipped: BTreeSet<u8> = NOT_PROVOKED_HERE.iter().map(|s| s.0).collect();
    let untested: Vec<u8> = readme
        .difference(&(&provoked | &skipped))
        .copied()
        .collect();
    assert!(
        untested.is_empty(),
        "README lists exit codes no case provokes: {untested:?}"
    );
    let unlisted: Vec<u8> = (&provoked | &skipped)
        .difference(&readme)
        .copied()
        .collect();
    assert!(
        unlisted.is_empty(),
        "exit codes tested here but missing from README: {unlisted:?}"
    );

    let mut failures = Vec::new();
    for case in &cases {
        // Exit 40 needs a labels file that does not fit the model; written
        // only for its own case, since every other view would refuse too.
        let labels = dir.path().join("model.json.labels.json");
        if case.code == 40 {
            std::fs::write(
                &labels,
                r#"{"format": "topics-labels", "k": 4, "labels": {}}"#,
            )
            .unwrap();
        }
        let (code, text) = run(dir.path(), case);
        if case.code == 40 {
            std::fs::remove_file(&labels).unwrap();
        }
        // Usage errors are clap's, which prints its own prefix.
        let prefix = match case.code {
            0 => "",
            2 => "error: ",
            _ => "topics: error: ",
        };
        let prefixed = text.starts_with(prefix);
        if code != Some(i32::from(case.code)) || !text.contains(case.expect) || !prefixed {
            failures.push(format!(
                "topics {}: expected exit {} with '{}', got {:?}:\n{}",
                case.args.join(" "),
                case.code,
                case.expect,
                code,
                text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The codes a help text's "Exit codes:" paragraph names (`3-6` counts as
/// 3, 4, 5 and 6).
fn help_codes(help: &str) -> Vec<u8> {
    let Some(rest) = help.split("Exit codes:").nth(1) else {
        return Vec::new();
    };
    let paragraph = rest.split("\n\n").next().unwrap();
    let mut codes = Vec::new();
    for item in paragraph.split(',') {
        let number = item.split_whitespace().next().unwrap_or("");
        match number.split_once('-') {
            Some((a, b)) => codes.extend(a.parse::<u8>().unwrap()..=b.parse::<u8>().unwrap()),
            None => codes.push(
                number
                    .parse()
                    .unwrap_or_else(|_| panic!("help 'Exit codes:' item not a code: {item:?}")),
            ),
        }
    }
    codes
}

/// Help texts that list exit codes list only codes README documents, so
/// the two cannot drift apart silently.
#[test]
fn help_texts_list_only_readme_exit_codes() {
    let readme = readme_codes();
    let mut listed = 0;
    for command in [
        "fit",
        "tokenize",
        "infer",
        "show",
        "words",
        "quotes",
        "label",
        "diagnostics",
        "report",
        "serve",
        "select-k",
        "conjoint",
        "link",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_topics"))
            .args([command, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        for code in help_codes(&help) {
            listed += 1;
            assert!(
                readme.contains(&code),
                "topics {command} --help lists exit code {code}, which README does not"
            );
        }
    }
    assert!(listed > 0, "no help text lists exit codes");
    // conjoint's help names every conjoint code README lists.
    let out = Command::new(env!("CARGO_BIN_EXE_topics"))
        .args(["conjoint", "--help"])
        .output()
        .unwrap();
    let conjoint = help_codes(&String::from_utf8(out.stdout).unwrap());
    for code in readme.iter().filter(|c| (30..40).contains(*c)) {
        assert!(
            conjoint.contains(code),
            "topics conjoint --help lacks exit code {code}"
        );
    }
}
