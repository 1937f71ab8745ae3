"""Independent reference figures for the conjoint estimators that cregg's
reference files do not cover: subgroup-interacted AMCEs, the nested F test,
the clustered Wald test, weighted (WLS) clustered AMCEs and a profile
prediction. Computed with statsmodels' OLS/WLS and cluster-robust
covariance (its default small-sample factor G/(G-1)*(N-1)/(N-K), i.e.
`topics conjoint --se cjoint`).

Run from the repository root (needs the benchmark venv):
    bench-venv/bin/python tests/data/conjoint/statsmodels_reference.py
Writes tests/data/conjoint/statsmodels_reference.json.
"""
import json
import os

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm

OUT = os.path.join("tests", "data", "conjoint", "statsmodels_reference.json")


def dummies(df, feats, levels):
    cols, names = [np.ones(len(df))], ["(intercept)"]
    for f in feats:
        for lvl in levels[f][1:]:
            cols.append((df[f] == lvl).to_numpy(float))
            names.append(f"{f}={lvl}")
    return np.column_stack(cols), names


def cluster_fit(model, groups):
    return model.fit(cov_type="cluster", cov_kwds={"groups": groups})


def rows(fit, names, keep):
    se = np.sqrt(np.diag(fit.cov_params()))
    return [
        {"coefficient": n, "estimate": float(b), "std_error": float(s)}
        for n, b, s, k in zip(names, fit.params, se, keep)
        if k
    ]


def example():
    design = json.load(open("examples/data/conjoint_design.json", encoding="utf-8"))
    df = pd.read_csv("examples/data/conjoint.csv", dtype={"respondent": str})
    feats, levels = design["roles"]["attributes"], design["levels"]
    groups = pd.factorize(df["respondent"])[0]
    y = df["chosen"].to_numpy(float)
    x, names = dummies(df, feats, levels)
    ages = ["20-39", "40-59", "60+"]
    blocks, full_names = [x], list(names)
    for g in ages[1:]:
        ind = (df["age_group"] == g).to_numpy(float)[:, None]
        blocks.append(x * ind)
        full_names += [f"{n} x {g}" for n in names]
    xf = np.hstack(blocks)
    full = cluster_fit(sm.OLS(y, xf), groups)
    reduced_plain = sm.OLS(y, x).fit()
    full_plain = sm.OLS(y, xf).fit()
    f, p, df_diff = full_plain.compare_f_test(reduced_plain)
    k = x.shape[1]
    r = np.zeros((xf.shape[1] - k, xf.shape[1]))
    r[:, k:] = np.eye(xf.shape[1] - k)
    wald = full.wald_test(r, use_f=False, scalar=True)
    interactions = rows(full, full_names, [i >= k and not n.startswith("(intercept)") for i, n in enumerate(full_names)])
    # A named profile: x'b and sqrt(x'Vx) from the (unweighted) AMCE model.
    amce = cluster_fit(sm.OLS(y, x), groups)
    profile = {"provider": "Friend", "acquisition_place": "Own home", "distribution_media": "USB drive",
               "content_subject": "South Korean", "content_form": "Video", "target_age": "All ages",
               "type": "Non-fiction"}
    xp = np.array([1.0] + [1.0 if profile[n.split("=")[0]] == n.split("=", 1)[1] else 0.0 for n in names[1:]])
    pred = amce.get_prediction(xp[None, :]).summary_frame()
    return {
        "data": "examples/data/conjoint.csv, outcome chosen, clusters = respondent",
        "amce_diffs_by_age_group": interactions,
        "anova_by_age_group": {
            "F": float(f), "df1": int(df_diff), "df2": int(full_plain.df_resid), "p": float(p),
            "wald_chi2": float(np.squeeze(wald.statistic)), "wald_df": int(r.shape[0]), "wald_p": float(wald.pvalue),
        },
        "predict": {"profile": profile, "estimate": float(pred["mean"].iloc[0]), "std_error": float(pred["mean_se"].iloc[0])},
    }


def taxes_weighted():
    base = os.path.join("..", "shared", "data", "conjoint")
    design = json.load(open(os.path.join(base, "cregg_taxes.json"), encoding="utf-8"))
    df = pd.read_csv(os.path.join(base, "cregg_taxes.csv"))
    feats, levels = design["roles"]["attributes"], design["levels"]
    x, names = dummies(df, feats, levels)
    fit = cluster_fit(sm.WLS(df["chose_plan"].to_numpy(float), x, weights=df["weight"].to_numpy(float)),
                      pd.factorize(df["ID"])[0])
    return {"data": "../shared/data/conjoint/cregg_taxes.csv, chose_plan ~ 7 features, weights = weight, clusters = ID",
            "rows": rows(fit, names, [i > 0 for i in range(len(names))])}


out = {
    "meta": {
        "tool": f"statsmodels {statsmodels.__version__} (numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__})",
        "variance": "cov_type='cluster' with statsmodels' default correction G/(G-1)*(N-1)/(N-K) (== topics --se cjoint)",
        "anova": "F: OLSResults.compare_f_test (nonrobust nested models, as cregg's cj_anova); Wald: wald_test(use_f=False) with the clustered covariance",
    },
    "example": example(),
    "taxes_weighted": taxes_weighted(),
}
with open(OUT, "w", encoding="utf-8") as fh:
    json.dump(out, fh, indent=1, ensure_ascii=False)
    fh.write("\n")
print("wrote", OUT)
