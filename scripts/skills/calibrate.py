"""Fit the logistic calibration of ranker scores (CALIBRATION in learnloop/skills/engine/ranker.py).

Run: .venv/bin/python scripts/skills/calibrate.py  (needs `learnloop taxonomy fetch` and ../shared)

For every validation sentence the top 20 candidates are labelled 1 when annotated relevant,
0 otherwise, and P(relevant | raw score) is fitted by a one-feature logistic regression.
It also fits on TECH alone and on HOUSE alone and reports how the other set's precision and
recall at P >= 0.5 come out, as a check that two numbers learned from ~140 sentences carry over.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _skills_data import candidate_labels, validation_set  # noqa: E402

from learnloop.config import data_dir  # noqa: E402
from learnloop.skills.engine.assets import (  # noqa: E402
    Layout,
    candidates_for,
    load_models,
    taxonomy_corpus,
)
from learnloop.skills.engine.ranker import EXTRACT_AT, MODES, SUGGEST_AT, SkillIndex  # noqa: E402
from learnloop.skills.engine.taxonomy import load_pypi_esco  # noqa: E402


def fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Newton's method on the log-likelihood of sigmoid(a x + b)."""
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(a * x + b)))
        w = p * (1 - p) + 1e-9
        gradient = np.array([np.sum((y - p) * x), np.sum(y - p)])
        hessian = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]])
        step = np.linalg.solve(hessian, gradient)
        a, b = a + step[0], b + step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def precision_recall(
    a: float, b: float, x: np.ndarray, y: np.ndarray, at: float
) -> tuple[float, float]:
    chosen = 1 / (1 + np.exp(-(a * x + b))) >= at
    hits = float((chosen & (y == 1)).sum())
    return hits / max(chosen.sum(), 1), hits / max((y == 1).sum(), 1)


def main() -> None:
    layout = Layout(data_dir())
    records = load_pypi_esco(layout.esco)
    models = load_models(layout, taxonomy_corpus(records))
    labels = candidate_labels()
    index = SkillIndex(candidates_for(labels, records), models, layout.index)
    for mode in MODES:
        data = {}
        for name in ("tech", "house"):
            examples = validation_set(name, labels)
            ranked = index.rank([e.sentence for e in examples], 20, mode)
            x = np.array([m.raw for matches in ranked for m in matches])
            y = np.array(
                [
                    int(m.label in e.relevant)
                    for matches, e in zip(ranked, examples, strict=True)
                    for m in matches
                ]
            )
            data[name] = (x, y)
        both = fit(
            np.concatenate([data["tech"][0], data["house"][0]]),
            np.concatenate([data["tech"][1], data["house"][1]]),
        )
        print(f"{mode}: CALIBRATION = ({both[0]:.2f}, {both[1]:.2f})")
        for train, test in (("tech", "house"), ("house", "tech")):
            a, b = fit(*data[train])
            for at in (EXTRACT_AT, SUGGEST_AT):
                p, r = precision_recall(a, b, *data[test], at)
                print(
                    f"  fitted on {train}: ({a:.2f}, {b:.2f}); on {test} at P>={at}: "
                    f"precision {100 * p:.0f}%, recall {100 * r:.0f}% of top-20 relevant"
                )


if __name__ == "__main__":
    main()
