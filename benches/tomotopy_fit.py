"""Fits tomotopy LDA on a pretokenized corpus (one document per line) and
prints one JSON line: tokens, training seconds, token-samples/s, LL/token.

Run by compare_tomotopy.py in its own process so that its peak memory can
be measured alone."""
import json
import sys
import time

import tomotopy as tp


def main():
    path, k, iterations, alpha, beta, seed, threads = sys.argv[1:8]
    mdl = tp.LDAModel(k=int(k), alpha=float(alpha), eta=float(beta), seed=int(seed))
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words:
                mdl.add_doc(words)
    workers = int(threads)
    scheme = tp.ParallelScheme.NONE if workers == 1 else tp.ParallelScheme.PARTITION
    mdl.optim_interval = 0
    # tomotopy initializes topics lazily on the first train call; a zero-
    # iteration call keeps that set-up out of the timed sweeps.
    mdl.train(0, workers=workers, parallel=scheme)
    start = time.perf_counter()
    cpu_start = time.process_time()
    mdl.train(int(iterations), workers=workers, parallel=scheme)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    tokens = mdl.num_words
    print(json.dumps({
        "tool": "tomotopy " + tp.__version__ + " (" + tp.isa + ")",
        "tokens": tokens,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "samples_per_s": tokens * int(iterations) / seconds,
        "ll_per_token": mdl.ll_per_word,
    }))


if __name__ == "__main__":
    main()
