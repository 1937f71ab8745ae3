#!/usr/bin/env python3
"""Independent reference for the restricted-design AMCE (numpy only).

Never run by cargo test or at run time: its outputs are committed and
`tests/restricted_reference.rs` compares topics with them to 1e-10.

For each case it builds the model R fits for `y ~ A * B + C + ...` as a
dense matrix (intercept, the non-reference dummies of every feature, then
per dependent pair the interaction dummies with A's levels varying
fastest), drops the columns that R's QR (`lm`, tolerance 1e-7) finds to be
linear combinations of the columns before them (modified Gram-Schmidt on
the columns of X), fits least squares, forms the respondent-clustered
covariance (cregg: G/(G-1); cjoint: G/(G-1)·(N-1)/(N-K), K = rank), and
then each level's AMCE as w'beta with SE sqrt(w'Vw):

* uniform (cregg 0.3.7, R/amce.R `calculate_amce`): weight 1 on the level's
  main coefficient and 1/(1+m) on each of its m estimable interaction
  coefficients;
* design (cjoint 2.1.1, R/cjoint.R): weight P(B=k | A=l) on the
  interaction with level k of the other attribute, over the levels k that
  the reference level of A is also shown with (the design's joint table).

Run, from the repository root, in a venv with numpy:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy
    /tmp/venv/bin/python tests/reference/restricted_amce.py

It reads the in-repo coded copies (tests/data/conjoint/*_coded.*) and, when
present, the full CSVs and cjoint's randomization in ../shared/data/conjoint/,
and writes tests/data/conjoint/cregg_immigration_coded_randomization.json
(cjoint's randomization in the coded copy's names) and
tests/data/conjoint/restricted_reference.json.
"""

import csv
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "tests", "data", "conjoint")
SHARED = os.path.join(ROOT, "..", "shared", "data", "conjoint")
QR_TOL = 1e-7


def read(csv_path, sidecar_path):
    """Rows, the sidecar's roles and its level order per attribute."""
    with open(sidecar_path, encoding="utf-8") as f:
        side = json.load(f)
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, side["roles"], side["levels"]


def model(rows, features, levels, pairs):
    """Dense X in R's column order, with a description of each column."""
    cols, names = [np.ones(len(rows))], [("(intercept)",)]
    coded = {f: np.array([levels[f].index(r[f]) for r in rows]) for f in features}
    for f in features:
        for li in range(1, len(levels[f])):
            cols.append((coded[f] == li).astype(float))
            names.append(("main", f, li))
    for a, b in pairs:
        for j in range(1, len(levels[b])):
            for i in range(1, len(levels[a])):
                cols.append(((coded[a] == i) & (coded[b] == j)).astype(float))
                names.append(("int", a, i, b, j))
    return np.column_stack(cols), names


def estimable(x):
    """R's QR with limited pivoting: keep a column unless its residual on
    the kept columns before it is below QR_TOL of its norm."""
    basis, keep = [], []
    for j in range(x.shape[1]):
        v = x[:, j].copy()
        norm = np.linalg.norm(v)
        if norm == 0:
            keep.append(False)
            continue
        for q in basis:
            v -= (q @ v) * q
        for q in basis:  # second pass: Gram-Schmidt twice is enough
            v -= (q @ v) * q
        r = np.linalg.norm(v)
        if r < QR_TOL * norm:
            keep.append(False)
        else:
            basis.append(v / r)
            keep.append(True)
    return np.array(keep)


def fit(x, y, cluster, se):
    """OLS and its respondent-clustered covariance."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    ids, inv = np.unique(cluster, return_inverse=True)
    scores = np.zeros((len(ids), x.shape[1]))
    np.add.at(scores, inv, x * e[:, None])
    g, n, k = len(ids), x.shape[0], x.shape[1]
    c = g / (g - 1)
    if se == "cjoint":
        c *= (n - 1) / (n - k)
    return beta, c * bread @ (scores.T @ scores) @ bread


def weights(names, kept_index, f, l, pair, levels, table):
    """{kept column: weight} of level l of feature f."""
    w = {kept_index[("main", f, l)]: 1.0}
    if pair is None:
        return w
    a, b = pair
    g = b if f == a else a
    cells = []  # (k, kept column or None)
    for k in range(len(levels[g])):
        key = ("int", a, l, b, k) if f == a else ("int", a, k, b, l)
        cells.append((k, kept_index.get(key)))
    interactions = [(k, c) for k, c in cells if c is not None]
    if table is None:
        for _, c in interactions:
            w[c] = 1.0 / (1 + len(interactions))
        return w

    def p(level_f, k):
        return table[(level_f, k)] if f == a else table[(k, level_f)]

    support = [k for k in range(len(levels[g])) if p(0, k) > 0]
    total = sum(p(l, k) for k in support)
    for k, c in interactions:
        if k in support:
            w[c] = p(l, k) / total
    return w


def case(rows, roles, levels, pairs, tables, se):
    """Every feature's AMCEs (reference rows left out) as a list of dicts."""
    features = roles["attributes"]
    outcome = roles["outcomes"][0]
    y = np.array([float(r[outcome]) for r in rows])
    cluster = np.array([r[roles["respondent_id"]] for r in rows])
    x, names = model(rows, features, levels, pairs)
    keep = estimable(x)
    kept_names = [n for n, k in zip(names, keep) if k]
    kept_index = {n: i for i, n in enumerate(kept_names)}
    beta, vcov = fit(x[:, keep], y, cluster, se)
    out = []
    for f in features:
        pair = next((p for p in pairs if f in p), None)
        table = tables.get(pair) if pair else None
        for l in range(1, len(levels[f])):
            w = weights(names, kept_index, f, l, pair, levels, table)
            idx = list(w)
            wv = np.array([w[i] for i in idx])
            est = float(wv @ beta[idx])
            var = float(wv @ vcov[np.ix_(idx, idx)] @ wv)
            out.append(
                {
                    "feature": f,
                    "level": levels[f][l],
                    "estimate": est,
                    "std_error": var ** 0.5,
                }
            )
    return {
        "rank": int(keep.sum()),
        "columns": len(names),
        "dropped": [describe(n, levels) for n, k in zip(names, keep) if not k],
        "rows": out,
    }


def describe(name, levels):
    _, a, i, b, j = name
    return f"{a}={levels[a][i]} × {b}={levels[b][j]}"


def joint_tables(randomization, levels, rename=lambda s: s, relabel=None):
    """{(A, B): {(i, j): P}} in the data's level indices, A before B as the
    tables give them."""
    tables = {}
    for key, t in randomization.items():
        if not isinstance(t, dict) or "prob" not in t:
            continue
        a, b = rename(t["rows"]), rename(t["cols"])
        ra = [levels[a].index(relabel(a, v) if relabel else v) for v in t["row_levels"]]
        cb = [levels[b].index(relabel(b, v) if relabel else v) for v in t["col_levels"]]
        cells = {}
        for i, row in enumerate(t["prob"]):
            for j, p in enumerate(row):
                cells[(ra[i], cb[j])] = float(p)
        tables[(a, b)] = cells
    return tables


def coded_randomization(original, coded_sidecar):
    """cjoint's randomization in the coded copy's names: attributes without
    spaces, levels replaced by their codes (matched case-insensitively to
    the labels)."""
    labels = coded_sidecar["level_labels"]
    names = {a.lower(): a for a in coded_sidecar["roles"]["attributes"]}

    def rename(f):
        return names[f.replace(" ", "").lower()]

    def code(f, v):
        lower = [s.lower() for s in labels[f]]
        return str(lower.index(v.lower()) + 1)

    out = {"class": original["class"]}
    out["attributes"] = {
        rename(f): [code(rename(f), v) for v in ls] for f, ls in original["attributes"].items()
    }
    out["dependence"] = {rename(a): rename(b) for a, b in original["dependence"].items()}
    out["one_way"] = {
        rename(f): {code(rename(f), v): p for v, p in ps.items()}
        for f, ps in original["one_way"].items()
    }
    for key, t in original.items():
        if isinstance(t, dict) and "prob" in t:
            a, b = rename(t["rows"]), rename(t["cols"])
            out[key] = {
                "rows": a,
                "cols": b,
                "row_levels": [code(a, v) for v in t["row_levels"]],
                "col_levels": [code(b, v) for v in t["col_levels"]],
                "prob": t["prob"],
            }
    return out


def ordered_pair(a, b, features):
    return (a, b) if features.index(a) < features.index(b) else (b, a)


def design_pairs(tables, features):
    """Pairs in the data's feature order, tables re-keyed to match."""
    pairs, out = [], {}
    for (a, b), cells in tables.items():
        p = ordered_pair(a, b, features)
        pairs.append(p)
        out[p] = cells if p == (a, b) else {(j, i): v for (i, j), v in cells.items()}
    pairs.sort(key=lambda p: features.index(p[0]))
    return pairs, out


def main():
    cases = {}
    imm = os.path.join(FIXTURES, "cregg_immigration_coded")
    rows, roles, levels = read(imm + ".csv", imm + ".json")
    with open(imm + ".json", encoding="utf-8") as f:
        coded_side = json.load(f)
    imm_pairs = [("Education", "Job"), ("CountryOfOrigin", "ReasonForApplication")]
    cases["immigration_coded_uniform_cregg"] = case(rows, roles, levels, imm_pairs, {}, "cregg")
    original_path = os.path.join(SHARED, "cjoint_immigrationdesign.json")
    coded_path = os.path.join(FIXTURES, "cregg_immigration_coded_randomization.json")
    if os.path.exists(original_path):
        with open(original_path, encoding="utf-8") as f:
            original = json.load(f)
        with open(coded_path, "w", encoding="utf-8") as f:
            json.dump(coded_randomization(original, coded_side), f, indent=1)
            f.write("\n")
    with open(coded_path, encoding="utf-8") as f:
        coded_rand = json.load(f)
    pairs, tables = design_pairs(joint_tables(coded_rand, levels), roles["attributes"])
    for se in ("cregg", "cjoint"):
        cases[f"immigration_coded_design_{se}"] = case(rows, roles, levels, pairs, tables, se)

    tax = os.path.join(FIXTURES, "cregg_taxes_coded")
    rows, roles, levels = read(tax + ".csv", tax + ".json")
    cases["taxes_coded_uniform_cregg"] = case(rows, roles, levels, [("taxrate2", "taxrev")], {}, "cregg")

    full = os.path.join(SHARED, "cjoint_immigrationconjoint")
    if os.path.exists(full + ".csv"):
        rows, roles, levels = read(full + ".csv", full + ".json")
        pairs, tables = design_pairs(joint_tables(original, levels), roles["attributes"])
        cases["cjoint_immigration_design_cjoint"] = case(rows, roles, levels, pairs, tables, "cjoint")
        full = os.path.join(SHARED, "cregg_taxes")
        rows, roles, levels = read(full + ".csv", full + ".json")
        cases["cregg_taxes_uniform_cregg"] = case(rows, roles, levels, [("taxrate2", "taxrev")], {}, "cregg")
    out = {
        "meta": {
            "script": "tests/reference/restricted_amce.py",
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "estimator": "OLS with the dependent pairs' interactions, R's column order and aliasing (QR tolerance 1e-7); AMCE = w'beta, SE = sqrt(w'Vw); V respondent-clustered, cregg G/(G-1), cjoint G/(G-1)(N-1)/(N-K)",
            "uniform": "cregg 0.3.7: 1 on the main coefficient, 1/(1+m) on each of the m estimable interactions",
            "design": "cjoint 2.1.1: P(B=k|A=l) over the k that A's reference level is shown with, from the joint table",
            "rows": "non-reference levels only; reference levels are 0 without SE",
        },
        "cases": cases,
    }
    path = os.path.join(FIXTURES, "restricted_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for name, c in cases.items():
        print(f"{name}: rank {c['rank']} of {c['columns']} columns, dropped {len(c['dropped'])}")


if __name__ == "__main__":
    main()
