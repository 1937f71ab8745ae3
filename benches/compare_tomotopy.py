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

`--isa avx2` (or `avx512`, `portable`) forces both tools onto one
instruction set (`TOPICS_SIMD` for topics, `TOMOTOPY_ISA` for tomotopy,
whose `portable` counterpart is its SSE2 build), so that the AVX2 figures
of an AVX2-only CPU can be measured on one that also has AVX-512; the
default, `native`, lets each pick the best it has. The output names the
CPU (lscpu's model name, whether it has AVX2 and AVX-512) and the
instruction set each tool actually used, and ends in a Markdown table.
`--baseline BIN` also runs another `bench_fit` binary (e.g. one built from
an earlier commit) in the same interleaved rounds, for a before/after
column; `--fit` also times the `topics fit --pretokenized` command, and
`--fit-baseline BIN` another `topics` binary's (an earlier commit's) fit
command in the same rounds, with the same arguments.

Usage (from the repository root):
    python3 benches/compare_tomotopy.py [--corpus PATH] [--k 20 100]
        [--threads 1 2] [--iterations 200] [--repeat 3]
        [--isa native|avx2|avx512|portable] [--baseline BIN] [--fit]
        [--fit-baseline TOPICS_BIN]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


# --isa: the value of TOPICS_SIMD and of TOMOTOPY_ISA (None: unset, each
# tool picks the best its CPU has).
ISAS = {
    "native": (None, None),
    "avx2": ("avx2", "avx2"),
    "avx512": ("avx512", "avx512"),
    "portable": ("portable", "sse2"),
}


def build_topics(with_fit):
    cmd = ["cargo", "build", "--release", "--example", "bench_fit"]
    if with_fit:
        cmd += ["--bin", "topics"]
    subprocess.run(cmd, cwd=ROOT, check=True)
    target = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
    return os.path.join(target, "examples", "bench_fit"), os.path.join(target, "topics")


def cpu_description():
    """lscpu's model name and whether the CPU has AVX2 and AVX-512F."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown CPU (lscpu failed)"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    name = fields.get("Model name", "unknown").strip()
    flags = fields.get("Flags", "").split()
    cores = fields.get("CPU(s)", "?").strip()
    avx2 = "AVX2" if "avx2" in flags else "no AVX2"
    avx512 = "AVX-512" if "avx512f" in flags else "no AVX-512"
    return f"{name}, {cores} logical CPUs, {avx2}, {avx512}"


def environment(isa):
    """The environment for both tools under --isa."""
    env = dict(os.environ)
    topics_isa, tomotopy_isa = ISAS[isa]
    for key, value in (("TOPICS_SIMD", topics_isa), ("TOMOTOPY_ISA", tomotopy_isa)):
        env.pop(key, None)
        if value is not None:
            env[key] = value
    return env


def run_measured(cmd, env):
    """Runs cmd, returns (its JSON output, its peak RSS in MB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024.0


def run_fit(topics_bin, args, k, threads, env, tokens):
    """Times the `topics fit --pretokenized` command end to end (reading,
    tokenizing, sampling, building and writing the model); returns a result
    shaped like bench_fit's."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [topics_bin, "fit", "--pretokenized", args.corpus, "-k", str(k), "--iterations", str(args.iterations),
               "--alpha", str(args.alpha), "--beta", str(args.beta), "--seed", str(args.seed),
               "--optimize-interval", "0", "--threads", str(threads), "-o", os.path.join(tmp, "model.json"),
               "--format", "json"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    cpu = usage.ru_utime + usage.ru_stime
    return ({"seconds": seconds, "cpu_seconds": cpu, "tokens": tokens,
             "samples_per_s": tokens * args.iterations / seconds}, usage.ru_maxrss / 1024.0)


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
    p.add_argument("--isa", default="native", choices=sorted(ISAS))
    p.add_argument("--baseline", metavar="BIN", help="another bench_fit binary to run in the same rounds")
    p.add_argument("--fit", action="store_true", help="also time the `topics fit --pretokenized` command")
    p.add_argument("--fit-baseline", metavar="TOPICS_BIN",
                   help="with --fit: another topics binary whose fit command runs in the same rounds")
    args = p.parse_args()
    if args.fit_baseline and not args.fit:
        sys.exit("--fit-baseline needs --fit")
    if not os.path.exists(args.corpus):
        sys.exit(f"corpus not found: {args.corpus}")
    ensure_tomotopy()
    topics_bin, fit_bin = build_topics(args.fit)
    tomotopy_script = os.path.join(ROOT, "benches", "tomotopy_fit.py")
    env = environment(args.isa)
    cpu = cpu_description()
    print(f"CPU: {cpu}", file=sys.stderr)

    rows = []
    for k in args.k:
        for threads in args.threads:
            common = [args.corpus, str(k), str(args.iterations), str(args.alpha), str(args.beta), str(args.seed), str(threads)]
            runs = {"topics": [], "tomotopy": [], "baseline": [], "fit": [], "fit_baseline": []}
            for r in range(args.repeat):
                runs["topics"].append(run_measured([topics_bin] + common + [args.kernel], env))
                runs["tomotopy"].append(run_measured([VENV_PYTHON, tomotopy_script] + common, env))
                if args.baseline:
                    runs["baseline"].append(run_measured([args.baseline] + common + [args.kernel], env))
                if args.fit:
                    tokens = runs["topics"][0][0]["tokens"]
                    runs["fit"].append(run_fit(fit_bin, args, k, threads, env, tokens))
                if args.fit_baseline:
                    runs["fit_baseline"].append(run_fit(args.fit_baseline, args, k, threads, env, tokens))
                line = ", ".join(f"{name} {v[-1][0]['seconds']:.2f} s (CPU {v[-1][0]['cpu_seconds']:.2f} s)"
                                 for name, v in runs.items() if v)
                print(f"K={k} threads={threads} run {r + 1}: {line}", file=sys.stderr)
            check_isa(args.isa, runs)
            rows.append((k, threads, runs))
    print_table(args, cpu, rows)


def check_isa(isa, runs):
    """Stops when a tool did not use the instruction set --isa asked for."""
    topics_isa, tomotopy_isa = ISAS[isa]
    used = runs["topics"][0][0].get("isa")
    if topics_isa is not None and used != topics_isa:
        sys.exit(f"topics used {used}, not {topics_isa}")
    tool = runs["tomotopy"][0][0]["tool"]
    if tomotopy_isa is not None and f"({tomotopy_isa})" not in tool:
        sys.exit(f"tomotopy reports {tool}, not the {tomotopy_isa} build")


def med(runs, key):
    return statistics.median(r[0][key] for r in runs)


def print_table(args, cpu, rows):
    first = rows[0][2]
    tokens = first["topics"][0][0]["tokens"]
    print(f"\nCPU: {cpu}; --isa {args.isa}: topics used {first['topics'][0][0].get('isa', '?')}, "
          f"tomotopy {first['tomotopy'][0][0]['tool']}")
    print(f"corpus {os.path.basename(args.corpus)}: {tokens:,} tokens; {args.iterations} iterations, "
          f"alpha {args.alpha}, beta {args.beta}, seed {args.seed}; medians of {args.repeat} interleaved runs")
    print("M/s = million token-samples per second of wall time; CPU M/s = per second of process CPU time "
          "(steadier when other work shares the cores; for 2 threads it sums both threads). "
          "x1 = topics against its own 1-thread wall rate.")
    extra_head = ((" | baseline M/s | baseline CPU M/s | vs baseline (wall, CPU)" if args.baseline else "")
                  + (" | fit M/s | fit CPU M/s | fit vs bench_fit (wall, CPU)" if args.fit else "")
                  + (" | baseline fit vs bench_fit (wall, CPU)" if args.fit_baseline else ""))
    print("| K | threads | topics M/s | tomotopy M/s | ratio | topics CPU M/s | tomotopy CPU M/s | CPU ratio | x1 "
          "| topics LL/token | tomotopy LL/token | LL diff | peak MB topics / tomotopy" + extra_head + " |")
    print("|---" * (13 + (3 if args.baseline else 0) + (3 if args.fit else 0) + (1 if args.fit_baseline else 0)) + "|")
    one_thread = {k: med(runs["topics"], "samples_per_s") for k, threads, runs in rows if threads == 1}
    for k, threads, runs in rows:
        ours, theirs = runs["topics"], runs["tomotopy"]
        tokens_x_iter = ours[0][0]["tokens"] * args.iterations
        s_o, s_t = med(ours, "samples_per_s") / 1e6, med(theirs, "samples_per_s") / 1e6
        c_o = tokens_x_iter / med(ours, "cpu_seconds") / 1e6
        c_t = tokens_x_iter / med(theirs, "cpu_seconds") / 1e6
        l_o, l_t = med(ours, "ll_per_token"), med(theirs, "ll_per_token")
        m_o, m_t = (statistics.median(r[1] for r in v) for v in (ours, theirs))
        x1 = f"{s_o * 1e6 / one_thread[k]:.2f}x" if k in one_thread else "-"
        line = (f"| {k} | {threads} | {s_o:.2f} | {s_t:.2f} | {s_o / s_t:.2f}x | {c_o:.2f} | {c_t:.2f} | {c_o / c_t:.2f}x "
                f"| {x1} | {l_o:.4f} | {l_t:.4f} | {l_o - l_t:+.4f} | {m_o:.0f} / {m_t:.0f}")
        if args.baseline:
            s_b = med(runs["baseline"], "samples_per_s") / 1e6
            c_b = tokens_x_iter / med(runs["baseline"], "cpu_seconds") / 1e6
            line += f" | {s_b:.2f} | {c_b:.2f} | {s_o / s_b:.2f}x, {c_o / c_b:.2f}x"
        if args.fit:
            s_f = med(runs["fit"], "samples_per_s") / 1e6
            c_f = tokens_x_iter / med(runs["fit"], "cpu_seconds") / 1e6
            line += f" | {s_f:.2f} | {c_f:.2f} | {s_f / s_o:.2f}x, {c_f / c_o:.2f}x"
        if args.fit_baseline:
            s_g = med(runs["fit_baseline"], "samples_per_s") / 1e6
            c_g = tokens_x_iter / med(runs["fit_baseline"], "cpu_seconds") / 1e6
            line += f" | {s_g / s_o:.2f}x, {c_g / c_o:.2f}x"
        print(line + " |")


if __name__ == "__main__":
    main()
