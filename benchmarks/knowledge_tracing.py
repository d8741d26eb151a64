"""Knowledge tracing: learnloop's model beside pyBKT (BKT, BKT+forgetting), cross-validated by student.

    .venv/bin/python benchmarks/knowledge_tracing.py [--folds 5] [--csv PATH] [--no-pybkt]

Fits on the ASSISTments 2009 skill-builder training split (../shared), K folds by student:
each fold's students are predicted (every response from the responses before it) by a model
fitted on the other folds; AUC and RMSE are pooled over all predicted responses. pyBKT runs in
its own interpreter (.venv-bench, created by benchmarks/_learning_bench_env.sh) because it needs
older numpy/scikit-learn/pandas than the project.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from learnloop.learning.engine import kt  # noqa: E402
from learnloop.learning.engine.kt_data import Sequence, read_sequences  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared/datasets/knowledge-tracing/assistments2009_builder_train.csv"
BENCH_ENV = ROOT / ".venv-bench"


def student_folds(count: int, folds: int, seed: int = 0) -> list[int]:
    order = np.random.default_rng(seed).permutation(count)
    assignment = np.empty(count, dtype=int)
    assignment[order] = np.arange(count) % folds
    return assignment.tolist()


def run_pybkt(csv: Path, folds: list[int], forgets: bool) -> dict:
    subprocess.run([str(ROOT / "benchmarks/_learning_bench_env.sh"), str(BENCH_ENV)], check=True)
    job = json.dumps({"path": str(csv), "folds": folds, "forgets": forgets})
    done = subprocess.run(
        [str(BENCH_ENV / "bin/python"), str(ROOT / "benchmarks/_learning_pybkt.py")],
        input=job,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"pyBKT run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def online_latency(
    tracer: kt.KnowledgeTracer, sequences: list[Sequence], answers: int = 20000
) -> np.ndarray:
    """Seconds for one predict + update pair, replaying real learners' answers."""
    timings = []
    for sequence in sequences:
        state = tracer.init()
        for skill, correct in zip(sequence.skills, sequence.correct, strict=True):
            started = time.perf_counter()
            tracer.predict(state, skill)
            tracer.update(state, skill, correct)
            timings.append(time.perf_counter() - started)
            if len(timings) >= answers:
                return np.array(timings)
    return np.array(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-pybkt", action="store_true", help="skip the pyBKT baselines")
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"SKIPPED: {args.csv} is absent (the ASSISTments training split lives in ../shared)")
        return

    sequences = read_sequences(args.csv)
    folds = student_folds(len(sequences), args.folds)
    outcomes = kt.outcomes_of(sequences)
    row_fold = np.repeat(folds, [len(s.skills) for s in sequences])
    print(
        f"{args.csv.name}: {len(sequences)} students, {len(outcomes)} responses, "
        f"{args.folds}-fold cross-validation by student"
    )

    # kt.fit imports LightGBM on first use: import it before timing, as the pyBKT side imports
    # pyBKT before its timed fits.
    import lightgbm  # noqa: F401

    results = []
    tracer = None
    # The default (one thread, as the app's background refit runs), and both cores as pyBKT uses.
    for threads in (1, 2):
        config = replace(kt.KTConfig(), threads=threads)
        scores = np.empty(len(outcomes))
        fit_seconds, fit_cpu_seconds = [], []
        for fold in range(args.folds):
            train = [s for s, f in zip(sequences, folds, strict=True) if f != fold]
            test = [s for s, f in zip(sequences, folds, strict=True) if f == fold]
            started, cpu = time.perf_counter(), time.process_time()
            tracer = kt.fit(train, config)
            fit_seconds.append(time.perf_counter() - started)
            fit_cpu_seconds.append(time.process_time() - cpu)
            scores[row_fold == fold] = tracer.predict_sequences(test)
        label = f"learnloop KT, {threads} thread{'s' if threads > 1 else ''}"
        results.append((label, scores, fit_seconds, fit_cpu_seconds))

    if not args.no_pybkt:
        for label, forgets in (("pyBKT BKT", False), ("pyBKT BKT+forgets", True)):
            done = run_pybkt(args.csv, folds, forgets)
            results.append(
                (label, np.array(done["predictions"]), done["fit_seconds"], done["fit_cpu_seconds"])
            )

    print(
        f"{'model':<30} {'AUC':>7} {'RMSE':>7} {'fit s/fold':>11} {'fit CPU s/fold':>15}"
        f" {'fit s total':>12}"
    )
    for label, predicted, seconds, cpu_seconds in results:
        ok = ~np.isnan(predicted)
        note = "" if ok.all() else f"  ({(~ok).sum()} responses without a prediction left out)"
        print(
            f"{label:<30} {kt.auc(outcomes[ok], predicted[ok]):>7.4f} "
            f"{kt.rmse(outcomes[ok], predicted[ok]):>7.4f} {np.mean(seconds):>11.2f} "
            f"{np.mean(cpu_seconds):>15.2f} {np.sum(seconds):>12.2f}{note}"
        )
    assert tracer is not None
    latency = online_latency(tracer, sequences)
    print(
        f"online predict+update: mean {latency.mean() * 1e6:.0f} us, "
        f"p99 {np.percentile(latency, 99) * 1e6:.0f} us over {len(latency)} answers"
    )
    print(
        "(wall-clock fit times on a shared 2-core machine vary with the other engineers' load; "
        "CPU time counts every thread of the fitting process; pyBKT fits with 2 threads)"
    )


if __name__ == "__main__":
    main()
