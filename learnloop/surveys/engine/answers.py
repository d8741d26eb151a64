"""Checking one submission against the instrument: every problem names its question."""

from __future__ import annotations

from typing import Any

from learnloop.surveys.engine.instrument import Instrument

MAX_TEXT = 2000


class AnswerError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems))


def clean(instrument: Instrument, raw: dict[str, Any]) -> dict[str, Any]:
    """The answers to store, keyed by question; skipped optional questions are left out."""
    problems: list[tuple[str, str]] = []
    known = {q.key for q in instrument.questions}
    for key in raw:
        if key not in known:
            problems.append((key, "is not a question of this survey"))
    out: dict[str, Any] = {}
    for question in instrument.questions:
        value = raw.get(question.key)
        if value in (None, "", []):
            if question.required:
                problems.append((question.key, "needs an answer"))
            continue
        if question.kind in ("likert5", "likert7", "nps"):
            low, high = (0, 10) if question.kind == "nps" else (1, question.points or 5)
            try:
                number = int(value)
            except (TypeError, ValueError):
                problems.append((question.key, f"must be a whole number from {low} to {high}"))
                continue
            if (
                isinstance(value, bool)
                or not low <= number <= high
                or str(number) != str(value).strip()
            ):
                problems.append((question.key, f"must be a whole number from {low} to {high}"))
                continue
            out[question.key] = number
        elif question.kind == "single":
            keys = {o.key for o in question.options}
            if value not in keys:
                problems.append((question.key, f"must be one of {', '.join(sorted(keys))}"))
                continue
            out[question.key] = value
        elif question.kind == "multiple":
            keys = {o.key for o in question.options}
            chosen = value if isinstance(value, list) else [value]
            if not all(isinstance(c, str) and c in keys for c in chosen):
                problems.append((question.key, f"choose from {', '.join(sorted(keys))}"))
                continue
            out[question.key] = sorted(set(chosen))
        else:
            if not isinstance(value, str):
                problems.append((question.key, "must be text"))
                continue
            text = value.strip()
            if len(text) > MAX_TEXT:
                problems.append((question.key, f"is longer than {MAX_TEXT} characters"))
                continue
            if text:
                out[question.key] = text
            elif question.required:
                problems.append((question.key, "needs an answer"))
    if problems:
        raise AnswerError(problems)
    return out
