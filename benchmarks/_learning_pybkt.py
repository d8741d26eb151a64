"""pyBKT side of benchmarks/knowledge_tracing.py; runs in the bench interpreter (.venv-bench).

Reads a JSON job on stdin: {"path": CSV, "folds": [fold of each student], "forgets": bool}.
Writes JSON to stdout: per-response predictions (file order) and each fold's fit time (wall
clock and CPU of all the process's threads).
"""

import json
import sys
import time

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from pyBKT.models import Model  # type: ignore[import-not-found]


def load(path: str) -> pd.DataFrame:
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    rows: list[tuple[int, str, int, int]] = []
    for student, start in enumerate(range(0, len(lines), 3)):
        skills = [f for f in lines[start + 1].split(",") if f.strip()]
        outcomes = [f for f in lines[start + 2].split(",") if f.strip()]
        for skill, outcome in zip(skills, outcomes, strict=True):
            rows.append((student, skill.strip(), int(outcome), len(rows)))
    return pd.DataFrame(rows, columns=["user_id", "skill_name", "correct", "order_id"])


def main() -> None:
    job = json.load(sys.stdin)
    data = load(job["path"])
    folds = np.asarray(job["folds"])[data["user_id"].to_numpy()]
    predictions = np.full(len(data), np.nan)
    fit_seconds, fit_cpu_seconds = [], []
    for fold in sorted(set(job["folds"])):
        train, test = data[folds != fold], data[folds == fold]
        model = Model(seed=0, num_fits=5)
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(data=train, forgets=job["forgets"])
        fit_seconds.append(time.perf_counter() - started)
        fit_cpu_seconds.append(time.process_time() - cpu)
        predicted = model.predict(data=test)
        predictions[predicted["order_id"].to_numpy()] = predicted["correct_predictions"].to_numpy()
    json.dump(
        {
            "predictions": predictions.tolist(),
            "fit_seconds": fit_seconds,
            "fit_cpu_seconds": fit_cpu_seconds,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
