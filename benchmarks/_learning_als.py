"""implicit's ALS side of benchmarks/learning_paths.py; runs in the bench interpreter (.venv-bench).

Argument: a JSON file {"rows": [...], "cols": [...], "shape": [users, items]} (one completion per
pair). Prints JSON with the fit and recommend times.
"""

import json
import sys
import time

import implicit  # type: ignore[import-not-found]
import numpy as np
from implicit.als import AlternatingLeastSquares  # type: ignore[import-not-found]
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    matrix = csr_matrix(
        (np.ones(len(job["rows"]), dtype=np.float32), (job["rows"], job["cols"])),
        shape=tuple(job["shape"]),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    factors, iterations = 64, 15
    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=factors, iterations=iterations, random_state=0, num_threads=0
        )
        started = time.perf_counter()
        model.fit(matrix, show_progress=False)
        fit_seconds = time.perf_counter() - started
        started = time.perf_counter()
        model.recommend(np.arange(matrix.shape[0]), matrix, N=10, filter_already_liked_items=True)
        recommend_seconds = time.perf_counter() - started
    json.dump(
        {
            "version": implicit.__version__,
            "factors": factors,
            "iterations": iterations,
            "fit_seconds": fit_seconds,
            "recommend_seconds": recommend_seconds,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
