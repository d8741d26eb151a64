"""The app's knowledge-tracing model: which fitted tracer serves the organization, and a
bootstrap tracer for organizations without enough answers of their own yet.

``bootstrap_kt.json`` is that tracer, fitted by ``write_bootstrap()`` (regenerate it after
changing the engine's features).

The bootstrap is fitted on simulated learners (deterministic, generated here: nothing is
downloaded), so the estimates behave sensibly from the first answer: they rise with right
answers and fall with wrong ones (``KTConfig(monotone=True, echoes=False)``). Once an
organization has recorded enough answers, the weekly ``tasks.refit_knowledge_models`` fits one
on them (:func:`refit`).
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

from learnloop.learning.engine import kt
from learnloop.learning.engine.kt_data import Sequence

# Small data: fewer, smaller trees at a gentler rate than the ASSISTments-tuned default.
CONFIG = kt.KTConfig(
    monotone=True,
    echoes=False,
    trees=40,
    learning_rate=0.15,
    max_leaf_nodes=15,
    min_samples_leaf=40,
)
MIN_RESPONSES = 2000  # an organization's own model needs at least this many answers
_lock = threading.Lock()
_cache: dict[object, tuple[int, kt.KnowledgeTracer]] = {}


def simulated_sequences(learners: int = 400, seed: int = 0) -> list[Sequence]:
    """BKT-like learners on 20 skills of varied difficulty, with learning and slips."""
    rng = random.Random(seed)
    skills = list(range(1, 21))
    difficulty = {s: rng.uniform(-1.0, 1.0) for s in skills}
    sequences = []
    for _ in range(learners):
        ability = rng.gauss(0.0, 1.0)
        skill_ids: list[int] = []
        outcomes: list[int] = []
        for skill in rng.sample(skills, 4):
            known = rng.random() < 1 / (1 + 2.718 ** (difficulty[skill] - ability))
            for _ in range(rng.randint(3, 10)):
                p = 0.9 if known else 0.25
                outcomes.append(int(rng.random() < p))
                skill_ids.append(skill)
                if not known and rng.random() < 0.25:
                    known = True
        sequences.append(Sequence(tuple(skill_ids), tuple(outcomes)))
    return sequences


BOOTSTRAP_FILE = Path(__file__).with_name("bootstrap_kt.json")


def fit_bootstrap() -> kt.KnowledgeTracer:
    """Fit the bootstrap (about ten seconds); ``write_bootstrap`` stores it in the package."""
    return kt.fit(simulated_sequences(), CONFIG)


def write_bootstrap() -> None:
    BOOTSTRAP_FILE.write_text(json.dumps(fit_bootstrap().to_dict(), separators=(",", ":")))


def bootstrap() -> kt.KnowledgeTracer:
    with _lock:
        cached = _cache.get("bootstrap")
        if cached is None:
            if BOOTSTRAP_FILE.exists():
                tracer = kt.KnowledgeTracer.from_dict(json.loads(BOOTSTRAP_FILE.read_text()))
            else:
                tracer = fit_bootstrap()
            cached = (0, tracer)
            _cache["bootstrap"] = cached
        return cached[1]


def tracer_for(organization_id: int) -> kt.KnowledgeTracer:
    """The newest model fitted for the organization, else the bootstrap."""
    from learnloop.learning.models import KnowledgeModel

    row = (
        KnowledgeModel.objects.filter(organization_id=organization_id)
        .order_by("-fitted_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if row is None:
        return bootstrap()
    with _lock:
        cached = _cache.get(organization_id)
        if cached is not None and cached[0] == row:
            return cached[1]
    model = KnowledgeModel.objects.get(pk=row)
    tracer = kt.KnowledgeTracer.from_dict(model.model)
    with _lock:
        _cache[organization_id] = (row, tracer)
    return tracer


def answer_sequences(organization_id: int) -> list[Sequence]:
    """The organization's quiz answers as one sequence per person, in answering order."""
    from learnloop.learning.models import Answer

    rows = (
        Answer.objects.filter(attempt__enrollment__employee__organization_id=organization_id)
        .order_by("attempt__enrollment__employee_id", "attempt__submitted_at", "pk")
        .values_list("attempt__enrollment__employee_id", "question__skill_id", "correct")
    )
    by_person: dict[int, tuple[list[int], list[int]]] = {}
    for person, skill, correct in rows.iterator(chunk_size=5000):
        skills, outcomes = by_person.setdefault(person, ([], []))
        skills.append(skill)
        outcomes.append(int(correct))
    return [Sequence(tuple(s), tuple(o)) for s, o in by_person.values()]


def refit(organization_id: int, minimum: int | None = None) -> int | None:
    """Fit a model on the organization's own answers once there are enough of them; returns
    the new model's id, or None when there are too few answers (the bootstrap stays)."""
    from learnloop.learning.models import KnowledgeModel

    sequences = answer_sequences(organization_id)
    responses = sum(len(s.correct) for s in sequences)
    if responses < (MIN_RESPONSES if minimum is None else minimum):
        return None
    try:
        tracer = kt.fit(sequences, CONFIG)
    except ValueError:  # all right or all wrong: nothing to learn from yet
        return None
    row = KnowledgeModel.objects.create(
        organization_id=organization_id, model=tracer.to_dict(), responses=responses
    )
    # Keep the newest few: older models are never read again.
    stale = KnowledgeModel.objects.filter(organization_id=organization_id).order_by(
        "-fitted_at", "-pk"
    )[3:]
    KnowledgeModel.objects.filter(pk__in=[m.pk for m in stale]).delete()
    return row.pk
