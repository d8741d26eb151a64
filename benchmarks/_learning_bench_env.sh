#!/usr/bin/env bash
# Creates (idempotently) the benchmark-only interpreter for the learning benchmarks:
# pyBKT 1.4.3 needs scikit-learn 1.5.2 / pandas 2.2.3 / numpy 2.2 and its C++ extension built
# against that numpy, which conflicts with the project's .venv; `implicit` (ALS baseline) lives here too.
# Usage: benchmarks/_learning_bench_env.sh [ENV_DIR]   (default: .venv-bench at the repo root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_dir="${1:-$root/.venv-bench}"
stamp="$env_dir/.learning-bench-v1"
[ -f "$stamp" ] && exit 0
python="$(readlink -f "$root/.venv/bin/python" 2>/dev/null || true)"
[ -x "$python" ] || python="$(command -v python3.12 || command -v python3)"
"$python" -m venv "$env_dir"
pip=("$env_dir/bin/pip" install --quiet --disable-pip-version-check)
"${pip[@]}" 'numpy==2.2.*' 'scikit-learn==1.5.2' 'pandas==2.2.3' 'scipy<1.16' setuptools wheel
# pyBKT's sdist compiles its C++ core against the numpy installed above.
"${pip[@]}" --no-build-isolation --no-binary pybkt 'pybkt==1.4.3'
"${pip[@]}" 'implicit==0.7.*'
"$env_dir/bin/python" -c 'import pyBKT.models, implicit.als, numpy, sklearn'
touch "$stamp"
