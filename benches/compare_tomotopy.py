#!/usr/bin/env python3
"""Side-by-side comparison of `topics` and tomotopy on one corpus.

Installs tomotopy into the repository's ignored `bench-venv` (first run
only), builds `topics`' `bench_fit` example in release mode, then runs both
tools one after the other on the same corpus and settings, each in its own
process, and prints token-samples per second (tokens x iterations / training
seconds), the final joint log-likelihood per token and the peak resident
memory of each process, with the ratios. Runs are interleaved and repeated
(`--repeat`); the table shows medians, because other work on the machine
makes single timings noisy.

Usage (from the repository root):
    python3 benches/compare_tomotopy.py [--corpus PATH] [--k 20 100]
        [--threads 1 2] [--iterations 200] [--repeat 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench-venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")


def ensure_tomotopy():
    if not os.path.exists(VENV_PYTHON):
        venv.create(VENV, with_pip=True)
    probe = subprocess.run([VENV_PYTHON, "-c", "import tomotopy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", "tomotopy"], check=True)


def build_topics():
    subprocess.run(["cargo", "build", "--release", "--example", "bench_fit"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "bench_fit")


def run_measured(cmd):
    """Runs cmd, returns (its JSON output, its peak RSS in MB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024.0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "data", "corpora", "ap.txt"))
    p.add_argument("--k", type=int, nargs="+", default=[20, 100])
    p.add_argument("--threads", type=int, nargs="+", default=[1])
    p.add_argument("--iterations", type=int, default=200)
    p.add_argument("--alpha", type=float, default=0.1)
    p.add_argument("--beta", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--kernel", default="sparse", choices=["sparse", "dense"])
    args = p.parse_args()
    if not os.path.exists(args.corpus):
        sys.exit(f"corpus not found: {args.corpus}")
    ensure_tomotopy()
    topics_bin = build_topics()
    tomotopy_script = os.path.join(ROOT, "benches", "tomotopy_fit.py")

    rows = []
    for k in args.k:
        for threads in args.threads:
            common = [args.corpus, str(k), str(args.iterations), str(args.alpha), str(args.beta), str(args.seed), str(threads)]
            ours, theirs = [], []
            for r in range(args.repeat):
                ours.append(run_measured([topics_bin] + common + [args.kernel]))
                theirs.append(run_measured([VENV_PYTHON, tomotopy_script] + common))
                print(f"K={k} threads={threads} run {r + 1}: topics {ours[-1][0]['seconds']:.2f} s "
                      f"(CPU {ours[-1][0]['cpu_seconds']:.2f} s), tomotopy {theirs[-1][0]['seconds']:.2f} s "
                      f"(CPU {theirs[-1][0]['cpu_seconds']:.2f} s)", file=sys.stderr)
            rows.append((k, threads, ours, theirs))

    def med(runs, key):
        return statistics.median(r[0][key] for r in runs)

    def med_mem(runs):
        return statistics.median(r[1] for r in runs)

    print(f"\ncorpus {os.path.basename(args.corpus)}: {ours[0][0]['tokens']:,} tokens; {args.iterations} iterations, "
          f"alpha {args.alpha}, beta {args.beta}, seed {args.seed}; medians of {args.repeat} interleaved runs")
    print(f"topics: {ours[0][0]['tool']}; tomotopy: {theirs[0][0]['tool']}")
    print("M/s = million token-samples per second of wall time; CPU M/s = per second of process CPU time "
          "(steadier when other work shares the cores; for 2 threads it sums both threads).")
    print("| K | threads | topics M/s | tomotopy M/s | ratio | topics CPU M/s | tomotopy CPU M/s | CPU ratio "
          "| topics LL/token | tomotopy LL/token | LL diff | topics peak MB | tomotopy peak MB | memory ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k, threads, ours, theirs in rows:
        tokens_x_iter = ours[0][0]["tokens"] * args.iterations
        s_o, s_t = med(ours, "samples_per_s") / 1e6, med(theirs, "samples_per_s") / 1e6
        c_o = tokens_x_iter / med(ours, "cpu_seconds") / 1e6
        c_t = tokens_x_iter / med(theirs, "cpu_seconds") / 1e6
        l_o, l_t = med(ours, "ll_per_token"), med(theirs, "ll_per_token")
        m_o, m_t = med_mem(ours), med_mem(theirs)
        print(f"| {k} | {threads} | {s_o:.2f} | {s_t:.2f} | {s_o / s_t:.2f}x | {c_o:.2f} | {c_t:.2f} | {c_o / c_t:.2f}x "
              f"| {l_o:.4f} | {l_t:.4f} | {l_o - l_t:+.4f} | {m_o:.0f} | {m_t:.0f} | {m_o / m_t:.2f} |")


if __name__ == "__main__":
    main()
