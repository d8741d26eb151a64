"""The skill-extraction validation sets and their metrics (definitions in ../shared/README.md)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "skill-extraction"
NO_LABEL = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}


@dataclass(frozen=True)
class Example:
    sentence: str
    relevant: frozenset[str]


def candidate_labels(directory: Path = DATASETS) -> list[str]:
    lines = (directory / "skills_en_label.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def validation_set(
    name: str, candidates: Sequence[str], directory: Path = DATASETS
) -> list[Example]:
    """Sentences in file order with their relevant labels that are among the candidates;
    sentences without any such label carry no signal and are left out, as the metric says."""
    allowed = set(candidates)
    labels: dict[str, set[str]] = {}
    with (directory / f"{name}_validation_annotations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found = labels.setdefault(row["sentence"], set())
            if row["label"] not in NO_LABEL and row["label"] in allowed:
                found.add(row["label"])
    return [Example(s, frozenset(r)) for s, r in labels.items() if r]


def rp_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for position, label in enumerate(ranked, start=1):
        if label in relevant:
            return 1.0 / position
    return 0.0


def score(rankings: Sequence[Sequence[str]], examples: Sequence[Example]) -> tuple[float, float]:
    """RP@5 and MRR in percent. Rankings should be long enough for MRR (we use 100)."""
    rp = [rp_at(r, e.relevant, 5) for r, e in zip(rankings, examples, strict=True)]
    mrr = [reciprocal_rank(r, e.relevant) for r, e in zip(rankings, examples, strict=True)]
    return 100 * sum(rp) / len(rp), 100 * sum(mrr) / len(mrr)
