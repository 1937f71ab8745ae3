#!/usr/bin/env python3
"""Korean tokenization speed: `topics tokenize --lang ko` (lindera over
mecab-ko-dic) against Kiwi (kiwipiepy), on the same lines, in the same run.

Usage (from the repository root):

    python3 -m venv .venv && .venv/bin/pip install kiwipiepy kiwipiepy-model
    cargo build --release
    .venv/bin/python benches/kiwi_compare.py [LINES_FILE] [--repeat N]

LINES_FILE defaults to ../shared/data/text/nsmc_ko_20k.txt (20,000 NSMC
reviews). The `topics` binary is target/release/topics unless TOPICS_BIN (or
CARGO_TARGET_DIR) says otherwise. Python is used only here, never at run time.

What is timed (best of --repeat runs; wall clock, and CPU time for the
one-thread runs, since on a shared machine CPU time is the steadier):
- topics: the whole `topics tokenize --lang ko FILE > /dev/null` process
  (RAYON_NUM_THREADS=1, then all cores), minus the same command on a
  one-line file (start-up + dictionary load), so the figure is
  tokenization only; the start-up is reported too. The dictionary is
  compiled once before timing (first use, see src/text/ko_dic.rs).
- Kiwi: after the model is loaded (load time reported separately),
  `kiwi.tokenize(line)` line by line (one thread), then `kiwi.tokenize(lines)`
  (Kiwi's worker threads, one per core); each followed by the same content
  filter as the gold standard (NNG/NNP, VV/VA stems + 다, SL lowercased).
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def topics_bin():
    if os.environ.get("TOPICS_BIN"):
        return os.environ["TOPICS_BIN"]
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "topics")


def time_topics(binary, path, repeat, threads):
    """Best (wall, CPU) seconds of one `topics tokenize` process."""
    best_wall, best_cpu = float("inf"), float("inf")
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([binary, "tokenize", "--lang", "ko", str(path)], check=True, stdout=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def kiwi_tokens(tokens):
    """Kiwi's content tokens, as in ../shared/data/text/gold/nsmc_ko_2k.kiwi.txt
    (this filter reproduces that file exactly: token F1 1.0)."""
    out = []
    for t in tokens:
        tag = t.tag.split("-")[0]
        if tag in ("NNG", "NNP"):
            out.append(t.form)
        elif tag in ("VV", "VA"):
            out.append(t.form + "다")
        elif tag == "SL":
            out.append(t.form.lower())
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lines", nargs="?", default=str(ROOT / "../shared/data/text/nsmc_ko_20k.txt"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.lines)
    if not path.is_file():
        sys.exit(f"{path}: not found (the shared data folder is not beside the repository)")
    lines = path.read_text(encoding="utf-8").splitlines()
    binary = topics_bin()
    if not Path(binary).is_file():
        sys.exit(f"{binary}: not built; run `cargo build --release` or set TOPICS_BIN")

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as one:
        one.write(lines[0] + "\n")
    # First use compiles the dictionary into the cache; not part of the timing.
    subprocess.run([binary, "tokenize", "--lang", "ko", one.name], check=True, stdout=subprocess.DEVNULL)
    startup, startup_cpu = time_topics(binary, Path(one.name), args.repeat, 1)
    total, total_cpu = time_topics(binary, path, args.repeat, 1)
    total_all, _ = time_topics(binary, path, args.repeat, os.cpu_count())
    os.unlink(one.name)
    topics_time = max(total - startup, 1e-9)
    topics_cpu = max(total_cpu - startup_cpu, 1e-9)
    topics_all = max(total_all - startup, 1e-9)

    import kiwipiepy
    from kiwipiepy import Kiwi

    start = time.perf_counter()
    kiwi = Kiwi(num_workers=os.cpu_count())
    kiwi.tokenize(lines[0])
    kiwi_load = time.perf_counter() - start
    kiwi_time, kiwi_cpu, kiwi_all = float("inf"), float("inf"), float("inf")
    for _ in range(args.repeat):
        # One string per call: Kiwi analyzes it on the calling thread.
        start, start_cpu = time.perf_counter(), time.process_time()
        for line in lines:
            kiwi_tokens(kiwi.tokenize(line))
        kiwi_time = min(kiwi_time, time.perf_counter() - start)
        kiwi_cpu = min(kiwi_cpu, time.process_time() - start_cpu)
        # A list of strings: Kiwi's own worker threads, one per core.
        start = time.perf_counter()
        for tokens in kiwi.tokenize(lines):
            kiwi_tokens(tokens)
        kiwi_all = min(kiwi_all, time.perf_counter() - start)

    n = len(lines)
    print(f"lines: {n} ({path.name}); cores: {os.cpu_count()}")
    print(f"topics ({binary}): start-up + dictionary load {startup:.3f} s")
    print(f"kiwipiepy {kiwipiepy.__version__}: model load {kiwi_load:.3f} s")
    print(f"one thread:  topics {topics_time:.3f} s wall ({n / topics_time:,.0f} lines/s), {topics_cpu:.3f} s CPU; "
          f"Kiwi {kiwi_time:.3f} s wall ({n / kiwi_time:,.0f} lines/s), {kiwi_cpu:.3f} s CPU; "
          f"ratio {kiwi_time / topics_time:.1f}x wall, {kiwi_cpu / topics_cpu:.1f}x CPU")
    print(f"all cores:   topics {topics_all:.3f} s wall ({n / topics_all:,.0f} lines/s); "
          f"Kiwi {kiwi_all:.3f} s wall ({n / kiwi_all:,.0f} lines/s); ratio {kiwi_all / topics_all:.1f}x")
    print(f"end to end, one thread, incl. loading: topics {total:.3f} s, Kiwi {kiwi_load + kiwi_time:.3f} s, "
          f"ratio {(kiwi_load + kiwi_time) / total:.1f}x")


if __name__ == "__main__":
    main()
