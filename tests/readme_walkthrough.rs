//! README's walkthrough ("Do the topics agree with the experiment?") runs
//! as written on the bundled data and gives the verdicts README states.

use crate::util;

use std::collections::{BTreeMap, BTreeSet};

use util::{example_dir, repo_file, run_documented, shell_commands};

/// The text of README's section starting at `heading` up to the next
/// heading of the same or a higher level.
fn section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading}"));
    let rest = &readme[start + heading.len()..];
    let end = rest
        .find("\n### ")
        .or_else(|| rest.find("\n## "))
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The first ```sh block of `text`.
fn sh_block(text: &str) -> String {
    let start = text.find("```sh\n").expect("a ```sh block") + 6;
    let end = text[start..].find("```").unwrap() + start;
    text[start..end].to_string()
}

/// `(topic name, feature=level) → verdict` of the pairs README lists: the
/// backticked `A ↔ B` items of the section's bullet lines, each under the
/// verdict named by the paragraph before its list ("these pairs agree",
/// "this pair contradicts").
fn stated_pairs(text: &str) -> BTreeMap<(String, String), String> {
    let mut verdict = None;
    let mut pairs = BTreeMap::new();
    for line in text.lines() {
        if !line.starts_with("* `") {
            if line.contains("pairs agree") {
                verdict = Some("agrees");
            } else if line.contains("pair contradicts") {
                verdict = Some("contradicts");
            }
            continue;
        }
        let verdict = verdict.expect("a list of pairs after the verdict it has");
        for pair in line.split('`').skip(1).step_by(2) {
            let (a, b) = pair.split_once(" ↔ ").expect("a pair");
            pairs.insert((a.to_string(), b.to_string()), verdict.to_string());
        }
    }
    pairs
}

/// `(topic name, feature=level, verdict)` of the words ↔ levels table.
fn verdicts(table: &str) -> Vec<(String, String, String)> {
    table
        .lines()
        .filter(|l| l.contains(" ↔ ") && l.contains(" → "))
        .map(|l| {
            let (name, rest) = l.trim().split_once(" ↔ ").unwrap();
            let level = rest.split(" (").next().unwrap();
            let verdict = rest.rsplit(" → ").next().unwrap();
            (name.to_string(), level.to_string(), verdict.to_string())
        })
        .collect()
}

#[test]
fn walkthrough_runs_and_gives_the_verdicts_readme_states() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let text = section(&readme, "### Do the topics agree with the experiment?");
    let commands = shell_commands(&sh_block(&text));
    assert!(commands.len() >= 8, "{commands:?}");
    assert!(
        commands.iter().any(|c| c.iter().any(|w| w == "--word")),
        "the walkthrough names topics by a word, not by a number that depends on the fit"
    );
    let stated = stated_pairs(&text);
    assert_eq!(stated.len(), 4, "{stated:?}");
    let dir = example_dir();
    let mut link_tables = Vec::new();
    for command in &commands {
        let run = run_documented(dir.path(), command).ok();
        if command[1] == "link" && !command.iter().any(|w| w == "--format") {
            link_tables.push(run.stdout);
        }
    }
    assert!(dir.path().join("report.html").exists());
    assert!(dir.path().join("link.svg").exists());
    let table = link_tables.first().expect("a table from topics link");
    let found = verdicts(table);
    let found_pairs: BTreeSet<(String, String)> =
        found.iter().map(|v| (v.0.clone(), v.1.clone())).collect();
    let listed: BTreeSet<(String, String)> = stated.keys().cloned().collect();
    assert!(
        listed.is_subset(&found_pairs),
        "README's pairs are not all in the table:\n{table}"
    );
    // The mapping lines README says make no pair are named in the notes.
    for word in ["relatives", "dramas", "fun", "영상"] {
        assert!(text.contains(&format!("`{word}")), "README names {word}");
        assert!(
            table.contains(&format!(
                "'{word}' is not a topic (topic N, #N or a label) nor among any topic's top 20 words; no pair"
            )),
            "no note on {word}:\n{table}"
        );
    }
    for (name, level, verdict) in &found {
        let expected = stated
            .get(&(name.clone(), level.clone()))
            .map_or("unclear", String::as_str);
        assert_eq!(verdict, expected, "{name} ↔ {level}:\n{table}");
    }
}

#[test]
fn whole_study_block_runs_as_written() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let text = section(&readme, "### A whole study on the bundled example data");
    let dir = example_dir();
    let commands = shell_commands(&sh_block(&text));
    assert_eq!(commands.len(), 6, "{commands:?}");
    for command in &commands {
        run_documented(dir.path(), command).ok();
    }
    assert!(dir.path().join("amce.json").exists());
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("<p class=\"lede\" id=\"validation-lede\">The dominant topic agrees with the code for <strong>"));
}

#[test]
fn shell_commands_split_like_a_shell() {
    let cmds = shell_commands(
        "topics label m.json --word 가족 \"Trust in family\"   # a comment\n\
         topics link --model m.json \\\n    --mapping 'a b.txt' && topics report m.json -o r.html\n",
    );
    assert_eq!(
        cmds,
        vec![
            vec![
                "topics",
                "label",
                "m.json",
                "--word",
                "가족",
                "Trust in family"
            ],
            vec![
                "topics",
                "link",
                "--model",
                "m.json",
                "--mapping",
                "a b.txt"
            ],
            vec!["topics", "report", "m.json", "-o", "r.html"],
        ]
    );
}
