"""Aggregates of one group of responses: per question, per dimension, eNPS, drivers.

Answers come as one dict per response (question key -> value). Likert values are reverse-keyed
before scoring; "favourable" follows :meth:`Question.is_favourable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from learnloop.surveys.engine import psychometrics
from learnloop.surveys.engine.instrument import Instrument, Question

Answers = dict[str, Any]


@dataclass(frozen=True)
class ItemStats:
    key: str
    text: str
    kind: str
    answered: int
    mean: float | None
    favourable: float | None  # percent
    distribution: list[tuple[str, int]]  # (label, count) in scale or option order
    reverse: bool = False


@dataclass(frozen=True)
class DimensionStats:
    key: str
    name: str
    mean: float | None  # on the items' scale, reverse-keyed
    favourable: float | None  # percent of answers that are favourable
    band: str | None
    advice: str | None
    guidance: str
    reliability: psychometrics.Reliability | None


@dataclass(frozen=True)
class Enps:
    score: int
    promoters: float
    passives: float
    detractors: float
    answered: int


@dataclass(frozen=True)
class Driver:
    key: str
    text: str
    correlation: float
    respondents: int


def _numeric(answers: Sequence[Answers], question: Question) -> np.ndarray:
    values = []
    for row in answers:
        value = row.get(question.key)
        values.append(float(value) if isinstance(value, int | float) else np.nan)
    return np.array(values, dtype=float)


def keyed_matrix(answers: Sequence[Answers], questions: Sequence[Question]) -> np.ndarray:
    """Respondents x questions, reverse-keyed, NaN where a question was skipped."""
    if not questions:
        return np.empty((len(answers), 0))
    columns = []
    for question in questions:
        raw = _numeric(answers, question)
        columns.append(question.keyed(raw) if question.points else raw)  # type: ignore[arg-type]
    return np.column_stack(columns)


def item_stats(answers: Sequence[Answers], question: Question) -> ItemStats:
    if question.kind in ("single", "multiple"):
        counts = dict.fromkeys((o.key for o in question.options), 0)
        answered = 0
        for row in answers:
            value = row.get(question.key)
            chosen = value if isinstance(value, list) else [value] if value else []
            chosen = [c for c in chosen if c in counts]
            if chosen:
                answered += 1
            for option in chosen:
                counts[option] += 1
        labels = {o.key: o.label for o in question.options}
        return ItemStats(
            question.key,
            question.text,
            question.kind,
            answered,
            None,
            None,
            [(labels[key], n) for key, n in counts.items()],
        )
    if question.kind == "text":
        answered = sum(1 for row in answers if str(row.get(question.key) or "").strip())
        return ItemStats(question.key, question.text, question.kind, answered, None, None, [])
    raw = _numeric(answers, question)
    raw = raw[~np.isnan(raw)]
    scale = range(1, question.points + 1) if question.points else range(11)
    distribution = [(str(point), int((raw == point).sum())) for point in scale]
    if not len(raw):
        return ItemStats(
            question.key,
            question.text,
            question.kind,
            0,
            None,
            None,
            distribution,
            question.reverse,
        )
    keyed = np.array([question.keyed(v) for v in raw])
    favourable = float(np.mean([question.is_favourable(v) for v in keyed]) * 100)
    return ItemStats(
        question.key,
        question.text,
        question.kind,
        len(raw),
        round(float(keyed.mean()), 2),
        round(favourable, 1),
        distribution,
        question.reverse,
    )


def dimension_stats(
    answers: Sequence[Answers], instrument: Instrument, *, with_reliability: bool
) -> list[DimensionStats]:
    out = []
    for dimension in instrument.dimensions:
        questions = instrument.in_dimension(dimension.key)
        matrix = keyed_matrix(answers, questions)
        present = matrix[~np.isnan(matrix)]
        if not present.size:
            out.append(
                DimensionStats(
                    dimension.key, dimension.name, None, None, None, None, dimension.guidance, None
                )
            )
            continue
        favourable = float(np.mean([questions[0].is_favourable(v) for v in present]) * 100)
        band = instrument.band_for(favourable)
        person_means = np.nanmean(matrix[~np.isnan(matrix).all(axis=1)], axis=1)
        reliability = (
            psychometrics.reliability(matrix) if with_reliability and len(questions) >= 2 else None
        )
        out.append(
            DimensionStats(
                dimension.key,
                dimension.name,
                round(float(person_means.mean()), 2),
                round(favourable, 1),
                band.label if band else None,
                band.advice if band else None,
                dimension.guidance,
                reliability,
            )
        )
    return out


def enps(answers: Sequence[Answers], instrument: Instrument) -> Enps | None:
    question = next((q for q in instrument.questions if q.kind == "nps"), None)
    if question is None:
        return None
    values = _numeric(answers, question)
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    promoters = float((values >= 9).mean() * 100)
    detractors = float((values <= 6).mean() * 100)
    return Enps(
        round(promoters - detractors),
        round(promoters, 1),
        round(100 - promoters - detractors, 1),
        round(detractors, 1),
        len(values),
    )


MIN_RESPONDENTS_FOR_DRIVERS = 30


def drivers(answers: Sequence[Answers], instrument: Instrument) -> list[Driver]:
    """Scored questions ranked by how strongly they move with the outcome question.

    Pearson correlation over respondents who answered both; the outcome is the question marked
    ``outcome`` (or the 0-10 question). Correlation is not causation: the UI says so.
    """
    outcome = next((q for q in instrument.questions if q.outcome), None) or next(
        (q for q in instrument.questions if q.kind == "nps"), None
    )
    if outcome is None or len(answers) < MIN_RESPONDENTS_FOR_DRIVERS:
        return []
    target = keyed_matrix(answers, [outcome])[:, 0]
    out = []
    for question in instrument.questions:
        if question.key == outcome.key or not question.scored:
            continue
        values = keyed_matrix(answers, [question])[:, 0]
        both = ~np.isnan(values) & ~np.isnan(target)
        if both.sum() < MIN_RESPONDENTS_FOR_DRIVERS:
            continue
        x, y = values[both], target[both]
        if x.std() == 0 or y.std() == 0:
            continue
        out.append(
            Driver(
                question.key,
                question.text,
                round(float(np.corrcoef(x, y)[0, 1]), 2),
                int(both.sum()),
            )
        )
    return sorted(out, key=lambda d: -abs(d.correlation))
