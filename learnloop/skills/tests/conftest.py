from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from learnloop.conftest import Org
from learnloop.skills import actions, inference, queries
from learnloop.skills.engine.ranker import Candidate, Models, SkillIndex
from learnloop.skills.models import RoleProfile, Skill, Source
from learnloop.skills.tests.fakes import BagOfWordsEncoder


@dataclass
class Taxonomy:
    python: Skill
    sql: Skill
    team: Skill
    nursing: Skill
    role: RoleProfile


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Text inference runs on a bag-of-words stand-in, not the fetched ONNX model."""

    def build(candidates: list[Candidate]) -> SkillIndex:
        return SkillIndex(candidates, Models(encoder=BagOfWordsEncoder()), tmp_path)  # type: ignore[arg-type]

    monkeypatch.setattr(inference, "build_index", build)
    # The calibration fits the real model's scores; the stand-in's are lower.
    monkeypatch.setattr(queries, "SUGGEST_AT", 0.0005)
    queries._indexes.clear()


@pytest.fixture
def taxonomy(org: Org) -> Taxonomy:
    def skill(label: str, *alts: str) -> Skill:
        return Skill.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{label.replace(' ', '-')}",
            label=label,
            alt_labels=list(alts),
        )

    python = skill("Python (computer programming)", "python programming")
    sql = skill("SQL", "structured query language")
    team = skill("manage a team", "lead a team", "team leadership")
    nursing = skill("provide nursing care")
    organization = org.organization
    actions.ensure_default_scale(organization)
    role = actions.save_role_profile(
        organization,
        "Engineer",
        [(python, 3, 2.0), (sql, 2, 1.0)],
        actor=None,
        actor_label="test",
        job_role=org.employee.job_role,
    )
    actions.add_claim(org.employee, python, 2, Source.SELF, actor=org.employee.user)
    return Taxonomy(python, sql, team, nursing, role)


Worker = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def worker(settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]) -> Worker:
    """``with worker():`` runs the tasks queued inside the block when it commits, as the
    worker would, using django.tasks' immediate backend."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return lambda: django_capture_on_commit_callbacks(execute=True)
