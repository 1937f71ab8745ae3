//! Every example in every subcommand's `--help` runs as written (exit 0) in
//! a directory holding a copy of `examples/data/` and the model the
//! examples name (`model.json`: the English answers, K = 3, seed 1, with
//! the trust topic labeled "Trust").

use crate::util;

use std::path::Path;

use util::{example_dir, run_documented, shell_commands, topics};

/// The subcommands `topics --help` lists.
fn subcommands() -> Vec<String> {
    let help = topics(Path::new("."), &["--help"]).ok().stdout;
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section");
    list.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The example lines of a `--help` text: the indented lines after
/// `Examples:` up to the first blank line.
fn examples(help: &str) -> String {
    let Some(rest) = help.split("Examples:\n").nth(1) else {
        return String::new();
    };
    rest.lines()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| format!("{}\n", l.trim()))
        .collect()
}

/// The model every example names, fitted once and copied into each
/// subcommand's directory.
fn prepared(dir: &Path) {
    topics(
        dir,
        &[
            "fit",
            "examples/data/answers_en.txt",
            "-k",
            "3",
            "-o",
            "model.json",
            "--quotes",
            "0",
        ],
    )
    .ok();
    topics(dir, &["label", "model.json", "--word", "trust", "Trust"]).ok();
}

#[test]
fn every_help_example_runs() {
    let names = subcommands();
    assert!(names.len() >= 13, "{names:?}");
    let base = example_dir();
    prepared(base.path());
    let mut ran = 0;
    for name in &names {
        let help = topics(Path::new("."), &[name, "--help"]).ok().stdout;
        let commands = shell_commands(&examples(&help));
        if name == "serve" {
            // It runs until stopped; tests/serve_api.rs starts it.
            continue;
        }
        assert!(
            !commands.is_empty(),
            "`topics {name} --help` has no examples"
        );
        let dir = example_dir();
        for file in ["model.json", "model.json.labels.json"] {
            std::fs::copy(base.path().join(file), dir.path().join(file)).unwrap();
        }
        for command in &commands {
            let run = run_documented(dir.path(), command);
            assert_eq!(
                run.code,
                0,
                "`topics {name} --help` example failed: {}\nstderr:\n{}",
                command.join(" "),
                run.stderr
            );
            ran += 1;
        }
    }
    assert!(ran >= 40, "{ran} examples");
}

#[test]
fn examples_are_found_in_help_text() {
    let help = "Usage: x\n\nExamples:\n  topics a b \\\n      c\n  topics d \"e f\"\n\nMore text.\n  topics not-an-example\n";
    assert_eq!(
        shell_commands(&examples(help)),
        vec![vec!["topics", "a", "b", "c"], vec!["topics", "d", "e f"]]
    );
}
