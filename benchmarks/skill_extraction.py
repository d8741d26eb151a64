"""Skill extraction on the TECH and HOUSE validation sets: RP@5, MRR and sentences/s of the
engine (quality and fast modes) beside two baselines run here: BM25 over the labels (bm25s)
and plain all-MiniLM-L6-v2 cosine between sentence and label (the same int8 ONNX model).

Run: .venv/bin/python benchmarks/skill_extraction.py   (after `learnloop taxonomy fetch`)
Options: --skip-build (do not time a cold index build); --no-shortlist (the window term for
every label, as before the shortlist, to see what the shortlist costs in quality).

The engine's few constants (three-word windows, mention weight 0.4, calibration) were chosen
on these validation sets, so its figures here are optimistic; see the README for held-out notes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _skills_data import DATASETS, candidate_labels, score, validation_set

from learnloop.config import data_dir
from learnloop.skills.engine.assets import (
    Layout,
    candidates_for,
    load_models,
    taxonomy_corpus,
)
from learnloop.skills.engine.ranker import BALANCED, FAST, QUALITY, SkillIndex
from learnloop.skills.engine.taxonomy import load_pypi_esco

DEPTH = 100  # ranking depth for MRR


def throughput(rank: Callable[[Sequence[str]], object], sentences: Sequence[str]) -> float:
    rank(sentences[:8])  # warm caches
    started = time.perf_counter()
    rank(sentences)
    return len(sentences) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--no-shortlist", action="store_true")
    arguments = parser.parse_args()
    if arguments.no_shortlist:
        from learnloop.skills.engine import ranker

        ranker.SHORTLIST = {}
    if not DATASETS.exists():
        print(f"skipped: {DATASETS} is absent (the validation sets live in ../shared)")
        return
    layout = Layout(data_dir())
    if layout.missing():
        print("skipped: run `learnloop taxonomy fetch` first (no ESCO or model files)")
        return
    import bm25s  # type: ignore[import-untyped]

    records = load_pypi_esco(layout.esco)
    labels = candidate_labels()
    candidates = candidates_for(labels, records)
    models = load_models(layout, taxonomy_corpus(records))
    if not arguments.skip_build:
        with tempfile.TemporaryDirectory() as cold:
            started = time.perf_counter()
            SkillIndex(candidates, models, Path(cold))
            print(
                f"cold index build for {len(candidates)} candidate skills "
                f"({sum(1 for c in candidates if c.alt_labels)} found in ESCO with alternative "
                f"labels): {time.perf_counter() - started:.1f} s"
            )
    index = SkillIndex(candidates, models, layout.index)

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(labels, stopwords="en", show_progress=False), show_progress=False
    )

    def bm25(sentences: Sequence[str]) -> list[list[str]]:
        tokens = bm25s.tokenize(list(sentences), stopwords="en", show_progress=False)
        found, _ = retriever.retrieve(tokens, k=DEPTH, show_progress=False, n_threads=0)
        return [[labels[i] for i in row] for row in found]

    label_vectors = index.label_vectors

    def minilm(sentences: Sequence[str]) -> list[list[str]]:
        similarity = models.encoder.encode(sentences) @ label_vectors.T
        order = np.argsort(-similarity, axis=1)[:, :DEPTH]
        return [[labels[i] for i in row] for row in order]

    def engine(mode: str) -> Callable[[Sequence[str]], list[list[str]]]:
        return lambda sentences: [
            [m.label for m in ms] for ms in index.rank(sentences, DEPTH, mode)
        ]

    def top5(mode: str) -> Callable[[Sequence[str]], object]:
        return lambda sentences: index.rank(sentences, 5, mode)

    # name: (ranking for the metrics, what is timed: the rank command's work at --top 5)
    systems = {
        "BM25 over labels (bm25s)": (bm25, bm25),
        "all-MiniLM-L6-v2 cosine": (minilm, minilm),
        "learnloop quality (default)": (engine(QUALITY), top5(QUALITY)),
        "learnloop balanced": (engine(BALANCED), top5(BALANCED)),
        "learnloop fast": (engine(FAST), top5(FAST)),
    }
    sets = {name: validation_set(name, labels) for name in ("tech", "house")}
    timing = [e.sentence for examples in sets.values() for e in examples] * 3
    print(
        f"validation sentences with a candidate label: TECH {len(sets['tech'])}, HOUSE {len(sets['house'])}"
    )
    print(f"{'system':32} {'TECH RP@5':>9} {'MRR':>6} {'HOUSE RP@5':>10} {'MRR':>6} {'sent/s':>8}")
    for name, (system, timed) in systems.items():
        figures: list[float] = []
        for examples in sets.values():
            figures.extend(score(system([e.sentence for e in examples]), examples))
        speed = throughput(timed, timing)
        print(
            f"{name:32} {figures[0]:9.1f} {figures[1]:6.1f} {figures[2]:10.1f} "
            f"{figures[3]:6.1f} {speed:8.0f}"
        )
    print(
        "sent/s: 2 threads, timed over the validation sentences x3 at --top 5 on a machine "
        "shared with others (load average now: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + ")"
    )


if __name__ == "__main__":
    main()
