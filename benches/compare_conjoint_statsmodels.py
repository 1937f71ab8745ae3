"""AMCE + marginal means with respondent-clustered errors: `topics conjoint`
against Python statsmodels (OLS, cov_type='cluster') on the same large
simulated design, in the same run.

Usage (from the repository root; benches/compare_conjoint.sh sets up the
venv and builds the release binary):
    bench-venv/bin/python benches/compare_conjoint_statsmodels.py [ROWS]

Both sides start from the same CSV file and do the same work: read it,
dummy-code 9 features, fit the AMCE model and 9 marginal-means models with
clustered covariance. statsmodels' default small-sample factor is used, so
topics runs with `--se cjoint` and the estimates and standard errors are
checked to agree before the times are reported.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
TOPICS = os.path.join(TARGET, "release", "topics")
GENERATE = os.path.join(TARGET, "release", "examples", "generate_conjoint")
FEATURES = [f"f{i}" for i in range(1, 10)]


def statsmodels_run(path):
    df = pd.read_csv(path, dtype={"respondent": str})
    groups = pd.factorize(df["respondent"])[0]
    y = df["chosen"].to_numpy(float)
    cols, names = [np.ones(len(df))], ["(intercept)"]
    codes = {}
    for f in FEATURES:
        cat = pd.Categorical(df[f], categories=sorted(df[f].unique()))
        codes[f] = (cat.codes, list(cat.categories))
        for j, lvl in enumerate(cat.categories[1:], start=1):
            cols.append((cat.codes == j).astype(float))
            names.append(f"{f}={lvl}")
    x = np.column_stack(cols)
    amce = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    out = {n: (b, s) for n, b, s in zip(names, amce.params, np.sqrt(np.diag(amce.cov_params())))}
    for f in FEATURES:
        c, levels = codes[f]
        xm = np.zeros((len(df), len(levels)))
        xm[np.arange(len(df)), c] = 1.0
        mm = sm.OLS(y, xm).fit(cov_type="cluster", cov_kwds={"groups": groups})
        for lvl, b, s in zip(levels, mm.params, np.sqrt(np.diag(mm.cov_params()))):
            out[f"mm {f}={lvl}"] = (b, s)
    return out


def topics_run(path, estimate):
    cmd = [TOPICS, "conjoint", path, "--respondent", "respondent", "--features", ",".join(FEATURES),
           "--outcome", "chosen", "--estimate", estimate, "--se", "cjoint", "--format", "json"]
    rows = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    prefix = "mm " if estimate == "mm" else ""
    return {f"{prefix}{r['feature']}={r['level']}": (r["estimate"], r["std_error"]) for r in rows if r["std_error"] is not None}


def best_of(n, fn):
    times, result = [], None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "large.csv")
        subprocess.run([GENERATE, "--large", str(rows), path], check=True, capture_output=True)
        t_topics, ours = best_of(3, lambda: {**topics_run(path, "amce"), **topics_run(path, "mm")})
        t_sm, theirs = best_of(3, lambda: statsmodels_run(path))
    worst = 0.0
    for key, (b, s) in theirs.items():
        if key == "(intercept)":
            continue
        ob, os_ = ours[key]
        worst = max(worst, abs(ob - b), abs(os_ - s) / s)
    print(f"design: {rows} profile rows, {rows // 20} respondents, 9 features; AMCE + 9 marginal-means fits, clustered SE")
    print(f"statsmodels {statsmodels.__version__} (numpy {np.__version__}, pandas {pd.__version__})")
    print(f"largest difference (estimate abs, SE rel): {worst:.2e}")
    print(f"topics conjoint (2 calls: amce, mm; CSV read each time): {t_topics:.3f} s (best of 3)")
    print(f"statsmodels (one CSV read, 10 OLS fits):                 {t_sm:.3f} s (best of 3)")
    print(f"ratio statsmodels / topics: {t_sm / t_topics:.1f}x")
    if worst > 1e-8:
        sys.exit("results differ")


if __name__ == "__main__":
    main()
