//! `topics fit`, `show` and `infer` through the command line: outputs,
//! reproducibility and clear failures on bad input.

use crate::util;

use serde_json::Value;
use util::{fit_pretokenized, fit_pretokenized_args, topics, topics_stdin};

const ANSWERS: &str = "\
apple banana apple cherry
banana cherry banana
apple apple cherry

dog cat dog mouse
cat mouse cat dog
mouse dog dog cat
apple banana cherry
dog mouse cat
";

fn scratch(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn fit_json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--iterations") {
        args.extend_from_slice(&["--iterations", "60"]);
    }
    serde_json::from_str(&fit_pretokenized(dir, "a.txt", 2, &args).ok().stdout).unwrap()
}

#[test]
fn json_has_the_documented_fields() {
    let dir = scratch(&[("a.txt", ANSWERS.as_bytes())]);
    let v = fit_json(dir.path(), &[]);
    assert_eq!(v["k"], 2);
    let topics = v["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 2);
    for t in topics {
        let words = t["words"].as_array().unwrap();
        assert!(words[0]["word"].is_string() && words[0]["prob"].is_f64());
        let probs: Vec<f64> = words.iter().map(|w| w["prob"].as_f64().unwrap()).collect();
        assert!(
            probs.windows(2).all(|p| p[0] >= p[1]),
            "sorted by probability"
        );
    }
    let docs = v["documents"].as_array().unwrap();
    // Line 4 is blank: it keeps its id and is left out of the fit.
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3", "5", "6", "7", "8", "9"]);
    assert_eq!(v["corpus"]["blank_ids"], serde_json::json!(["4"]));
    for d in docs {
        let sum: f64 = d["theta"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }
    assert!(v["log_likelihood_per_token"].as_f64().unwrap() < 0.0);
}

#[test]
fn same_seed_same_result_other_seed_other_result() {
    let dir = scratch(&[("a.txt", ANSWERS.as_bytes())]);
    let a = fit_json(dir.path(), &["--seed", "7"]);
    let b = fit_json(dir.path(), &["--seed", "7"]);
    assert_eq!(a, b);
    // After a single sweep the state still shows where the seed started it
    // (on this easy corpus every seed converges to the same likelihood).
    let one = |seed: &str| fit_json(dir.path(), &["--seed", seed, "--iterations", "1"]);
    assert_eq!(one("7"), one("7"));
    assert_ne!(one("7")["documents"], one("8")["documents"]);
}

#[test]
fn separates_two_obvious_topics() {
    let dir = scratch(&[("a.txt", ANSWERS.as_bytes())]);
    let v = fit_json(dir.path(), &["--iterations", "200"]);
    let top: Vec<Vec<String>> = v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut w: Vec<String> = t["words"].as_array().unwrap()[..3]
                .iter()
                .map(|w| w["word"].as_str().unwrap().to_string())
                .collect();
            w.sort();
            w
        })
        .collect();
    let fruit = vec!["apple", "banana", "cherry"];
    let animals = vec!["cat", "dog", "mouse"];
    assert!(
        (top[0] == fruit && top[1] == animals) || (top[0] == animals && top[1] == fruit),
        "{top:?}"
    );
}

#[test]
fn saved_model_reopens_and_infers() {
    let dir = scratch(&[
        ("a.txt", ANSWERS.as_bytes()),
        ("new.txt", b"dog cat cat\napple cherry\nunknownword\n"),
    ]);
    fit_pretokenized(
        dir.path(),
        "a.txt",
        2,
        &["--iterations", "200", "-o", "m.json"],
    )
    .ok();
    let shown = topics(dir.path(), &["show", "m.json", "--format", "json"]).ok();
    let fitted = fit_json(dir.path(), &["--iterations", "200"]);
    let reopened: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(
        fitted, reopened,
        "a reopened model shows exactly what was fitted"
    );

    let out = topics(
        dir.path(),
        &["infer", "m.json", "new.txt", "--format", "json"],
    )
    .ok();
    let rows: Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // The animal answer and the fruit answer land in different topics.
    let argmax = |r: &Value| {
        let t: Vec<f64> = r["theta"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        if t[0] > t[1] {
            0
        } else {
            1
        }
    };
    assert_ne!(argmax(&rows[0]), argmax(&rows[1]));
    assert!(rows[0]["theta"][argmax(&rows[0])].as_f64().unwrap() > 0.8);
    assert_eq!(rows[2]["known_tokens"], 0);
    assert_eq!(rows[2]["unknown_tokens"], 1);
}

#[test]
fn reads_csv_columns_and_stdin() {
    let csv = "respondent,answer\nr1,apple banana\nr2,dog cat\nr3,apple cherry\nr4,mouse dog\n";
    let dir = scratch(&[("a.csv", csv.as_bytes())]);
    let out = topics(
        dir.path(),
        &[
            "fit",
            "a.csv",
            "--pretokenized",
            "--text-column",
            "answer",
            "--id-column",
            "respondent",
            "-k",
            "2",
            "--iterations",
            "20",
            "--format",
            "json",
        ],
    )
    .ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["documents"][3]["id"], "r4");

    let args = ["--iterations", "20", "--format", "json"];
    let piped = topics_stdin(
        dir.path(),
        &fit_pretokenized_args("-", 2, &args),
        ANSWERS.as_bytes(),
    )
    .ok();
    let from_file = {
        std::fs::write(dir.path().join("a.txt"), ANSWERS).unwrap();
        fit_pretokenized(dir.path(), "a.txt", 2, &args).ok()
    };
    assert_eq!(piped.stdout, from_file.stdout);
}

#[test]
fn table_summary_is_readable() {
    let dir = scratch(&[("a.txt", ANSWERS.as_bytes())]);
    let out = fit_pretokenized(dir.path(), "a.txt", 2, &["--iterations", "50"]).ok();
    assert!(
        out.stdout
            .contains("| answers: 9 read, 8 fitted, 1 blank, 0 without words after preprocessing"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("| tokens: 28   vocabulary: 6 terms (6 before pruning)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("| #0 ("));
    assert!(out.stdout.contains("<Answers that best show each topic>"));
    assert!(
        out.stderr
            .contains("topics: 1 blank answer(s) left out of the fit: ids 4"),
        "{}",
        out.stderr
    );
}

/// Answers that only say the respondent does not know are left out and
/// named, on standard error, in the summary and in the model; with
/// `--keep-nonanswers` they are fitted, and their words counted.
#[test]
fn nonanswers_are_left_out_and_named_unless_kept() {
    let text = "my family brought the drama\n\
                I don't know.\n\
                the drama was fun to watch\n\
                잘 모르겠습니다.\n\
                my family kept it safe\n\
                I don't know why, the drama was fun\n";
    let dir = scratch(&[("a.txt", text.as_bytes())]);
    let fit = |extra: &[&str]| {
        let args = [
            &[
                "fit",
                "a.txt",
                "-k",
                "2",
                "--iterations",
                "20",
                "--min-df",
                "1",
            ][..],
            extra,
        ]
        .concat();
        topics(dir.path(), &args).ok()
    };
    let out = fit(&["-o", "m.json"]);
    assert!(
        out.stderr.contains(
            "topics: 2 non-answer(s) (don't know, no reason) left out of the fit: ids 2, 4 \
             (--keep-nonanswers fits them)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains(
            "| answers: 6 read, 4 fitted, 0 blank, 2 non-answers (don't know, no reason), \
             0 without words after preprocessing"
        ),
        "{}",
        out.stdout
    );
    let model: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("m.json")).unwrap()).unwrap();
    assert_eq!(
        model["model"]["corpus"]["nonanswer_ids"],
        serde_json::json!(["2", "4"])
    );
    assert_eq!(model["model"]["text"]["drop_nonanswers"], true);
    // The answer that says why is an answer: its `know` is a term.
    let terms = &model["model"]["vocabulary"]["terms"];
    assert!(
        terms.as_array().unwrap().contains(&"know".into()),
        "{terms}"
    );
    // A new non-answer gets no words from the model's pipeline, so no
    // dominant topic; a new answer that says more keeps its words.
    std::fs::write(dir.path().join("new.txt"), "Not sure.\nI know the drama\n").unwrap();
    let rows: Value = serde_json::from_str(
        &topics(
            dir.path(),
            &["infer", "m.json", "new.txt", "--format", "json"],
        )
        .ok()
        .stdout,
    )
    .unwrap();
    assert_eq!(rows[0]["known_tokens"], 0);
    assert_eq!(rows[0]["unknown_tokens"], 0);
    assert_eq!(rows[0]["dominant"], Value::Null, "{rows}");
    // `know` is a term; `drama`, in 3 of the 4 answers fitted, is above
    // the default --max-df 0.5.
    assert_eq!(
        (&rows[1]["known_tokens"], &rows[1]["unknown_tokens"]),
        (&1.into(), &1.into()),
        "{rows}"
    );
    assert!(rows[1]["dominant"].is_u64(), "{rows}");

    let kept = fit(&["--keep-nonanswers"]);
    assert!(!kept.stderr.contains("non-answer"), "{}", kept.stderr);
    assert!(
        kept.stdout
            .contains("| answers: 6 read, 6 fitted, 0 blank, 0 without words after preprocessing"),
        "{}",
        kept.stdout
    );
}

/// The summary cuts a long answer at the same screen width in Korean as in
/// English: by columns, two a syllable. Cut by characters, the Korean line
/// ran to about 190 columns where the English one stopped at 100.
#[test]
fn summary_quotes_are_cut_at_one_width_in_both_scripts() {
    let english = "Because my family and friends brought the dramas on a USB stick, I trusted them and watched every episode at night.";
    let korean = "가족이랑 친구들이 USB로 드라마를 가져다줘서 믿고 밤마다 모든 회차를 다 봤어요. 들킬까 봐 무서웠지만 가족이라 괜찮았어요.";
    let text = format!("{english}\n{korean}\n");
    let dir = scratch(&[("a.txt", text.as_bytes())]);
    let out = fit_pretokenized(dir.path(), "a.txt", 1, &["--iterations", "5"]).ok();
    let quote = |start: &str| -> String {
        let line = out
            .stdout
            .lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no quote starting {start:?} in\n{}", out.stdout));
        let after_theta = line.split_once("θ=").expect("a θ").1;
        after_theta
            .split_once("  ")
            .expect("θ then the text")
            .1
            .to_string()
    };
    let (en, ko) = (quote("Because my family"), quote("가족이랑"));
    assert_eq!(
        en,
        "Because my family and friends brought the dramas on a USB stick, I trusted them and watched every e…"
    );
    assert_eq!(
        ko,
        "가족이랑 친구들이 USB로 드라마를 가져다줘서 믿고 밤마다 모든 회차를 다 봤어요. 들킬까 봐 무서웠지만…"
    );
    assert_eq!(topics::render::text::display_width(&en), 100);
    assert_eq!(topics::render::text::display_width(&ko), 100);
}

/// Each failure: exact message on standard error, documented exit code,
/// no panic.
#[test]
fn bad_input_fails_clearly() {
    let dir = scratch(&[
        ("bad.txt", b"fine line\nstill fine\nbroken \xFF byte\n"),
        ("empty.txt", b""),
        ("blank.txt", b"\n  \n\n"),
        ("ok.txt", ANSWERS.as_bytes()),
        ("s.csv", b"id,answer\n1,hello\n"),
        ("notmodel.json", b"{\"hello\": 1}"),
    ]);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["fit", "missing.txt"], 3, "topics: error: missing.txt: no such file\n"),
        (&["fit", "."], 3, "topics: error: .: is a directory, expected a file\n"),
        (&["fit", "bad.txt"], 5, "topics: error: bad.txt: line 3: invalid UTF-8 at byte 28 of the file\n"),
        (&["fit", "empty.txt"], 7, "topics: error: empty.txt: the file has no answers\n"),
        (&["fit", "blank.txt"], 7, "topics: error: blank.txt: all 3 answers are blank\n"),
        (&["fit", "ok.txt", "-k", "0"], 8, "topics: error: invalid -k: the number of topics must be at least 1\n"),
        (&["fit", "ok.txt", "--pretokenized", "-k", "50"], 8, "topics: error: invalid -k: 50 topics for 8 answers with words: use at most one topic per answer\n"),
        (&["fit", "ok.txt", "--alpha", "-1"], 8, "topics: error: invalid --alpha: -1 is not a positive number\n"),
        (&["fit", "ok.txt", "--beta", "NaN"], 8, "topics: error: invalid --beta: NaN is not a positive number\n"),
        (&["fit", "s.csv"], 6, "topics: error: s.csv: column 'text' not found; the header has: id, answer\n"),
        (&["show", "notmodel.json"], 9, "topics: error: notmodel.json: not a topics model (no \"format\": \"topics-model\")\n"),
        (&["fit", "ok.txt", "--pretokenized", "-k", "2", "-o", "nodir/m.json"], 4, "topics: error: could not save the model: nodir/m.json: directory nodir does not exist\n"),
    ];
    for (args, code, message) in cases {
        let run = topics(dir.path(), args);
        assert_eq!(run.code, *code, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.ends_with(message),
            "{args:?}:\n got: {}\nwant: {message}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn damaged_model_is_refused() {
    let dir = scratch(&[("ok.txt", ANSWERS.as_bytes())]);
    fit_pretokenized(
        dir.path(),
        "ok.txt",
        2,
        &["--iterations", "5", "-o", "m.json"],
    )
    .ok();
    let full = std::fs::read_to_string(dir.path().join("m.json")).unwrap();
    std::fs::write(dir.path().join("cut.json"), &full[..full.len() / 2]).unwrap();
    let run = topics(dir.path(), &["show", "cut.json"]);
    assert_eq!(run.code, 9);
    assert!(
        run.stderr.contains("cut.json: the model file is truncated"),
        "{}",
        run.stderr
    );

    std::fs::write(
        dir.path().join("edited.json"),
        full.replacen("\"beta\":", "\"beta\": ", 1),
    )
    .unwrap();
    let run = topics(dir.path(), &["show", "edited.json"]);
    assert_eq!(run.code, 9);
    assert!(run.stderr.ends_with("edited.json: checksum mismatch: the model file was changed or damaged after it was written\n"), "{}", run.stderr);

    std::fs::write(
        dir.path().join("newer.json"),
        full.replacen("\"schema_version\":1", "\"schema_version\":99", 1),
    )
    .unwrap();
    let run = topics(dir.path(), &["show", "newer.json"]);
    assert_eq!(run.code, 9);
    assert!(run.stderr.ends_with("newer.json: written by a newer topics (model schema 99); this build reads schema 1 and older: upgrade topics\n"), "{}", run.stderr);
}

#[test]
fn labels_show_in_the_reopened_model() {
    let dir = scratch(&[("a.txt", ANSWERS.as_bytes())]);
    fit_pretokenized(
        dir.path(),
        "a.txt",
        2,
        &["--iterations", "50", "-o", "m.json"],
    )
    .ok();
    topics(dir.path(), &["label", "m.json", "1", "신뢰 Trust"]).ok();
    let shown = topics(dir.path(), &["show", "m.json", "--quotes", "0"]).ok();
    assert!(
        shown.stdout.contains("| #1 신뢰 Trust ("),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("| #0 ("), "{}", shown.stdout);
    let json: Value = serde_json::from_str(
        &topics(dir.path(), &["show", "m.json", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["topics"][1]["label"], "신뢰 Trust");
    assert!(json["topics"][0].get("label").is_none());
}

/// The summary names the roots the default Korean classes leave out (XR,
/// as Kiwi does: 궁금 of `궁금했어요`) and the `--ko-keep` that counts
/// them; with XR kept, or for answers in English, it has no such line.
#[test]
fn summary_names_the_korean_roots_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let fit = |file: &str, extra: &[&str]| {
        let path = util::repo_file(&format!("examples/data/{file}"));
        let mut args = vec!["fit", path.to_str().unwrap(), "-k", "3"];
        args.extend_from_slice(&["--iterations", "20", "--chains", "1"]);
        args.extend_from_slice(extra);
        topics(dir.path(), &args).ok().stdout
    };
    let korean = fit("answers_ko.txt", &[]);
    let line = korean
        .lines()
        .find(|l| l.starts_with("| left out: roots"))
        .unwrap_or_else(|| panic!("no roots line in\n{korean}"));
    assert_eq!(
        line,
        "| left out: roots of 하다-words, 40 times (궁금 ×15, 지루 ×10, 짜릿 ×6, 평범 ×6, 솔직 ×3), as Kiwi does; --ko-keep NNG,NNP,VV,VA,SL,UNKNOWN,XR counts them"
    );
    let readme = std::fs::read_to_string(util::repo_file("README.md")).unwrap();
    assert!(
        readme.contains(line),
        "README's example line differs from {line:?}"
    );
    let kept = fit(
        "answers_ko.txt",
        &["--ko-keep", "NNG,NNP,VV,VA,SL,UNKNOWN,XR"],
    );
    assert!(
        kept.contains("| tokens: ") && !kept.contains("left out: roots"),
        "{kept}"
    );
    let english = fit("answers_en.txt", &[]);
    assert!(
        english.contains("| tokens: ") && !english.contains("left out: roots"),
        "{english}"
    );
    let json: Value = serde_json::from_str(&fit("answers_ko.txt", &["--format", "json"])).unwrap();
    assert_eq!(json["corpus"]["left_out_root_tokens"], 40);
    assert_eq!(
        json["corpus"]["left_out_roots"][0],
        serde_json::json!({"root": "궁금", "count": 15})
    );
}
