#!/usr/bin/env python3
"""The bundled Korean answers as Kiwi tokenizes them, for a fit on another
analyzer's tokens (`examples/theme_agreement.rs --pretokenized yes`).

Usage (from the repository root):

    python3 -m venv .venv && .venv/bin/pip install kiwipiepy kiwipiepy-model
    .venv/bin/python benches/kiwi_answers.py OUT_DIR
    cargo run --release --example theme_agreement -- --data OUT_DIR --lang ko --pretokenized yes

Writes OUT_DIR/answers_ko.txt (line i: respondent i's content tokens, space
separated), OUT_DIR/sentences.csv (the `ko` column tokenized the same way,
so the split into led and tied answers and `--ceiling yes` work) and a copy
of respondents.csv. The tokens are Kiwi's content tokens as in the gold
standard (the filter of benches/kiwi_compare.py), without the words of
stopwords/ko.txt, so the fit differs from the default one in the analyzer
alone: Kiwi instead of lindera over mecab-ko-dic with this crate's rules.
"""
import csv
import shutil
import sys
from pathlib import Path

from kiwipiepy import Kiwi

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kiwi_compare import kiwi_tokens  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: kiwi_answers.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    kiwi = Kiwi()
    stop = set((ROOT / "stopwords" / "ko.txt").read_text(encoding="utf-8").split())

    def content(text):
        return " ".join(t for t in kiwi_tokens(kiwi.tokenize(text)) if t not in stop)

    answers = (DATA / "answers_ko.txt").read_text(encoding="utf-8").split("\n")
    if answers and answers[-1] == "":
        answers.pop()
    (out / "answers_ko.txt").write_text("".join(content(a) + "\n" for a in answers), encoding="utf-8")
    with open(DATA / "sentences.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(out / "sentences.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for row in rows:
            row["ko"] = content(row["ko"])
            writer.writerow(row)
    shutil.copy(DATA / "respondents.csv", out / "respondents.csv")
    print(f"wrote {len(answers)} answers and {len(rows)} sentences to {out}")


if __name__ == "__main__":
    main()
