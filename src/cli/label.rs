//! `topics label`: name a topic, rename or remove its label, or list the
//! labels. Labels live in `MODEL.labels.json` next to the model, which is
//! never rewritten; every edit is a locked read-modify-write of that file,
//! so concurrent runs never lose one another's labels.

use std::path::PathBuf;

use topics::explore::{topic_of_word, Labels, WordTopic};
use topics::lda::LdaModel;

use super::common::{print, wrote};

const EXAMPLES: &str = "\
Examples:
  topics label model.json
  topics label model.json --word trust \"Trust\"
  topics label model.json --word dramas \"Curiosity\"
  topics label model.json 2 \"Learning\"
  topics label model.json Trust \"Trust in family\"
  topics label model.json Learning --remove

TOPIC is a number (\"2\", \"#2\") or the topic's current label. With --word, the
label goes to the topic where the word weighs most: the word goes through the
model's own tokenizer (so \"Family\" finds the stem \"famili\"), and the topic
holding the largest share of its tokens is chosen, but only if that share is
at least twice any other topic's; otherwise the shares are printed and nothing
is written. A label must be new (another topic's label is refused), non-empty
and not a number.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A model saved by `topics fit -o`.
    model: PathBuf,
    /// The topic to label: its number or its current label (with --word:
    /// the label). Without it, the current labels are listed.
    topic: Option<String>,
    /// The label.
    label: Option<String>,
    /// Label the topic where this word weighs most (see below).
    #[arg(long, value_name = "WORD", conflicts_with = "remove")]
    word: Option<String>,
    /// Remove the topic's label.
    #[arg(long)]
    remove: bool,
}

/// One requested edit, parsed from the arguments.
enum Edit {
    List,
    Set { topic: String, label: String },
    ByWord { word: String, label: String },
    Remove { topic: String },
}

fn edit_of(args: &Args) -> anyhow::Result<Edit> {
    let usage = |m: &str| topics::Error::param("label", m.to_string());
    Ok(match (&args.word, args.topic.clone(), args.label.clone(), args.remove) {
        (Some(word), Some(label), None, false) => Edit::ByWord {
            word: word.clone(),
            label,
        },
        (Some(_), _, _, _) => {
            return Err(usage("with --word give only the label: topics label MODEL --word WORD \"Label\"").into())
        }
        (None, None, None, false) => Edit::List,
        (None, Some(topic), None, true) => Edit::Remove { topic },
        (None, Some(topic), Some(label), false) => Edit::Set { topic, label },
        (None, _, Some(_), true) => {
            return Err(usage("--remove takes only the topic: topics label MODEL TOPIC --remove").into())
        }
        (None, None, None, true) => {
            return Err(usage("--remove needs the topic: topics label MODEL TOPIC --remove").into())
        }
        (None, Some(_), None, false) => {
            return Err(usage(
                "give the label after the topic, e.g. topics label MODEL 2 \"Trust\" (--remove removes it)",
            )
            .into())
        }
        (None, None, Some(_), false) => unreachable!("clap fills positionals in order"),
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let edit = edit_of(&args)?;
    let model = LdaModel::load(&args.model)?;
    let path = Labels::path_for(&args.model);
    match edit {
        Edit::List => {
            let labels = Labels::load_for_model(&args.model, &model)?;
            print(&list(&model, &labels))?;
            return Ok(());
        }
        Edit::Set { topic, label } => {
            let (labels, (t, old)) = Labels::update_for(&args.model, &model, |l| {
                let t = l.resolve(&topic)?;
                let old = l.get(t).map(str::to_string);
                l.set(t, &label)?;
                Ok((t, old))
            })?;
            announce(&labels, t, old);
        }
        Edit::ByWord { word, label } => {
            let found = topic_of_word(&model, &word)?;
            eprintln!("topics: {}", describe(&word, &found));
            let t = found.topic;
            let (labels, old) = Labels::update_for(&args.model, &model, |l| {
                let old = l.get(t).map(str::to_string);
                l.set(t, &label)?;
                Ok(old)
            })?;
            announce(&labels, t, old);
        }
        Edit::Remove { topic } => {
            let (_, (t, old)) = Labels::update_for(&args.model, &model, |l| {
                let t = l.resolve(&topic)?;
                let old = l.get(t).map(str::to_string);
                l.remove(t)?;
                Ok((t, old))
            })?;
            match old {
                Some(old) => eprintln!("topics: label \"{old}\" of topic {t} removed"),
                None => eprintln!("topics: topic {t} had no label"),
            }
        }
    }
    wrote(&path);
    Ok(())
}

/// Says what the topic is called now, and what it was called before.
fn announce(labels: &Labels, t: usize, old: Option<String>) {
    let now = labels.name(t);
    match old {
        Some(old) if old != now => eprintln!("topics: topic {t} labeled \"{now}\" (was \"{old}\")"),
        _ => eprintln!("topics: topic {t} labeled \"{now}\""),
    }
}

/// `#t  label  top words` per topic.
fn list(model: &LdaModel, labels: &Labels) -> String {
    let mut s = String::new();
    for t in 0..model.k() {
        let words: Vec<&str> = model
            .top_words(t, 5)
            .iter()
            .map(|&(w, _)| model.vocab().display(w))
            .collect();
        s.push_str(&format!(
            "#{t}\t{}\t{}\n",
            labels.get(t).unwrap_or("-"),
            words.join(", ")
        ));
    }
    s
}

/// Why `--word` chose its topic: the word's shares, leading first.
fn describe(word: &str, found: &WordTopic) -> String {
    let next = (0..found.shares.len())
        .filter(|&t| t != found.topic)
        .max_by(|&a, &b| found.shares[a].total_cmp(&found.shares[b]).then(b.cmp(&a)));
    let next = match next {
        Some(n) => format!("; next: topic {n} with {:.0}%", 100.0 * found.shares[n]),
        None => String::new(),
    };
    format!(
        "\"{word}\" (term \"{}\") weighs most in topic {}: {:.0}% of its {} tokens{next}",
        found.term,
        found.topic,
        100.0 * found.shares[found.topic],
        found.tokens
    )
}
