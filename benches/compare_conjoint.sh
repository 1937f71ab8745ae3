#!/usr/bin/env bash
# topics conjoint vs statsmodels on a large simulated design (default 1M rows).
# Installs statsmodels into the git-ignored bench-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench-venv/bin/python ]; then
    python3 -m venv bench-venv
fi
bench-venv/bin/python -c "import statsmodels, pandas" 2>/dev/null || bench-venv/bin/pip install -q statsmodels pandas numpy scipy
cargo build --release --bin topics --example generate_conjoint
bench-venv/bin/python benches/compare_conjoint_statsmodels.py "${1:-1000000}"
