"""AMCE + marginal means with respondent-clustered errors: `topics conjoint`
against Python statsmodels (OLS, cov_type='cluster') on the same large
simulated design, in the same run.

Usage (from the repository root; benches/compare_conjoint.sh sets up the
venv and builds the release binary):
    bench-venv/bin/python benches/compare_conjoint_statsmodels.py [ROWS]

Both sides start from the same CSV file and do the same work: read it
once, dummy-code 9 features, fit the AMCE model and 9 marginal-means models
with clustered covariance (topics in one call, `--estimate amce,mm`). The
runs alternate (topics, statsmodels, topics, ...; RUNS=5 by default) and
medians are reported with each side's peak resident memory (each runs in a
child process of its own; the statsmodels time excludes Python's start and
imports, the topics time is the whole process). statsmodels' default small-sample factor is used, so
topics runs with `--se cjoint` and the estimates and standard errors are
checked to agree before the times are reported.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
TOPICS = os.path.join(TARGET, "release", "topics")
GENERATE = os.path.join(TARGET, "release", "examples", "generate_conjoint")
FEATURES = [f"f{i}" for i in range(1, 10)]


def statsmodels_run(path):
    # Imported here, in the child only: the parent stays small, so the
    # children it starts (topics among them) do not inherit its memory in
    # their peak RSS.
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

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


def topics_cmd(path):
    return [TOPICS, "conjoint", path, "--respondent", "respondent", "--features", ",".join(FEATURES),
            "--outcome", "chosen", "--estimate", "amce,mm", "--se", "cjoint", "--format", "json"]


def run_child(cmd):
    """Runs cmd as a child and measures its own peak memory (ru_maxrss of
    that child alone, via wait4)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the output while the child runs, then reap it ourselves so its
    # resource usage is its own.
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:2])} failed: {err.decode()}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime, out


def topics_run(path):
    """One call for AMCE and marginal means (one read of the CSV); the
    time is the whole process, start to exit."""
    wall, rss, cpu, out = run_child(topics_cmd(path))
    both = json.loads(out)
    result = {}
    for estimate, prefix in (("amce", ""), ("mm", "mm ")):
        for r in both[estimate]:
            if r["std_error"] is not None:
                result[f"{prefix}{r['feature']}={r['level']}"] = (r["estimate"], r["std_error"])
    return wall, rss, cpu, result


def statsmodels_child(path, out_path):
    """In a child process: time statsmodels_run alone (imports excluded,
    as before) and write the time and results."""
    v = versions()  # the imports, before the clock starts
    t, c = time.perf_counter(), time.process_time()
    result = statsmodels_run(path)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    with open(out_path, "w") as f:
        json.dump({"time": elapsed, "cpu": cpu, "result": result, "versions": v}, f)


def versions():
    import numpy as np
    import pandas as pd
    import statsmodels

    return f"statsmodels {statsmodels.__version__} (numpy {np.__version__}, pandas {pd.__version__})"


def statsmodels_timed(path, tmp):
    out_path = os.path.join(tmp, "sm.json")
    _, rss, _, _ = run_child([sys.executable, os.path.abspath(__file__), "--statsmodels-child", path, out_path])
    with open(out_path) as f:
        got = json.load(f)
    return got["time"], rss, got["cpu"], got["versions"], {k: tuple(v) for k, v in got["result"].items()}


def cpu_line():
    model, flags = "unknown CPU", ""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            if key.strip() == "Flags":
                flags = value
    except (OSError, subprocess.CalledProcessError):
        pass
    avx512 = "with AVX-512" if "avx512f" in flags.split() else "without AVX-512"
    return f"CPU: {model}, {os.cpu_count()} logical CPUs, {avx512}"


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--statsmodels-child":
        statsmodels_child(sys.argv[2], sys.argv[3])
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(os.environ.get("RUNS", "5"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "large.csv")
        subprocess.run([GENERATE, "--large", str(rows), path], check=True, capture_output=True)
        # Interleaved: topics, statsmodels, topics, ... so a busy moment of
        # the machine hits both sides alike; medians are reported.
        t_topics, t_sm, m_topics, m_sm, c_topics, c_sm = [], [], [], [], [], []
        for _ in range(runs):
            t, m, c, ours = topics_run(path)
            t_topics.append(t)
            m_topics.append(m)
            c_topics.append(c)
            t, m, c, their_versions, theirs = statsmodels_timed(path, tmp)
            t_sm.append(t)
            m_sm.append(m)
            c_sm.append(c)
    worst = 0.0
    for key, (b, s) in theirs.items():
        if key == "(intercept)":
            continue
        ob, os_ = ours[key]
        worst = max(worst, abs(ob - b), abs(os_ - s) / s)
    tt, ts = median(t_topics), median(t_sm)
    print(f"design: {rows} profile rows, {rows // 20} respondents, 9 features; AMCE + 9 marginal-means fits, clustered SE")
    print(cpu_line())
    print(their_versions)
    print(f"largest difference (estimate abs, SE rel): {worst:.2e}")
    print(f"topics conjoint --estimate amce,mm (1 call, 1 CSV read, whole process): "
          f"median {tt:.3f} s of {runs} (all: {' '.join(f'{t:.3f}' for t in t_topics)}), peak RSS {max(m_topics):.0f} MiB")
    print(f"statsmodels (1 CSV read, 10 OLS fits; imports not timed):             "
          f"median {ts:.3f} s of {runs} (all: {' '.join(f'{t:.3f}' for t in t_sm)}), peak RSS {max(m_sm):.0f} MiB")
    # CPU seconds (user + system) are steadier than wall time on a shared
    # machine; the wall-time ratio is the one that counts.
    print(f"CPU time, median: topics {median(c_topics):.3f} s, statsmodels {median(c_sm):.3f} s "
          f"(ratio {median(c_sm) / median(c_topics):.1f}x)")
    print(f"ratio statsmodels / topics: {ts / tt:.1f}x")
    if worst > 1e-8:
        sys.exit("results differ")


if __name__ == "__main__":
    main()
