"""Derives the compact test copies of the cregg example data.

Run from the repository root:  python3 tests/data/conjoint/make_compact.py
Reads ../shared/data/conjoint/{cregg_immigration,cregg_taxes}.{csv,json}
and writes, for each, a CSV with the respondent id, every feature coded as
its 1-based position in R's level order, and the outcome, plus a design
file whose `levels` are those codes and whose `level_labels` give the
original labels (so tests can compare with cregg's rows). Standard library
only; the estimates are invariant to the recoding.
"""
import csv
import json
import os

SRC = os.path.join("..", "shared", "data", "conjoint")
DST = os.path.join("tests", "data", "conjoint")


def compact(name, outcome, renumber_ids):
    meta = json.load(open(os.path.join(SRC, name + ".json"), encoding="utf-8"))
    roles = meta["roles"]
    rid, feats = roles["respondent_id"], roles["attributes"]
    codes = {f: {lvl: str(i + 1) for i, lvl in enumerate(meta["levels"][f])} for f in feats}
    ids = {}
    with open(os.path.join(SRC, name + ".csv"), encoding="utf-8", newline="") as fin, open(
        os.path.join(DST, name + "_coded.csv"), "w", encoding="utf-8", newline=""
    ) as fout:
        reader = csv.DictReader(fin)
        out = csv.writer(fout, lineterminator="\n")
        out.writerow([rid] + feats + [outcome])
        for row in reader:
            r = row[rid]
            if renumber_ids:
                r = ids.setdefault(r, str(len(ids) + 1))
            out.writerow([r] + [codes[f][row[f]] for f in feats] + [row[outcome]])
    design = {
        "source": meta["source"] + " (recoded by make_compact.py)",
        "roles": {"respondent_id": rid, "attributes": feats, "outcomes": [outcome]},
        "levels": {f: [str(i + 1) for i in range(len(meta["levels"][f]))] for f in feats},
        "level_labels": {f: meta["levels"][f] for f in feats},
    }
    with open(os.path.join(DST, name + "_coded.json"), "w", encoding="utf-8") as f:
        json.dump(design, f, ensure_ascii=False, indent=1)
        f.write("\n")


compact("cregg_immigration", "ChosenImmigrant", False)
compact("cregg_taxes", "chose_plan", True)
