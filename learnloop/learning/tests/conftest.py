"""A small learning world on top of ``org``: skills, role profiles, a catalog with a course,
prerequisites and a quiz, and an assignment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from learnloop.conftest import Org
from learnloop.learning import actions
from learnloop.learning.models import Enrollment, EnrollmentSource, Item, Question, Quiz
from learnloop.people.models import JobRole
from learnloop.skills import actions as skill_actions
from learnloop.skills import inference
from learnloop.skills import queries as skill_queries
from learnloop.skills.engine.ranker import Candidate, Models, SkillIndex
from learnloop.skills.models import RoleProfile, Skill, Source
from learnloop.skills.tests.fakes import BagOfWordsEncoder

ROLES = ("anonymous", "employee", "peer", "manager", "ceo", "hr", "ld", "executive", "outsider")


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Skill suggestions run on the skills app's bag-of-words stand-in, not the ONNX model."""

    def build(candidates: list[Candidate]) -> SkillIndex:
        return SkillIndex(candidates, Models(encoder=BagOfWordsEncoder()), tmp_path)  # type: ignore[arg-type]

    monkeypatch.setattr(inference, "build_index", build)
    monkeypatch.setattr(skill_queries, "SUGGEST_AT", 0.0005)
    skill_queries._indexes.clear()


@dataclass
class World:
    org: Org
    python: Skill
    sql: Skill
    role: RoleProfile
    senior: RoleProfile
    basics: Item
    advanced: Item
    primer: Item
    quiz: Quiz
    questions: list[Question]
    assignment: Enrollment


def client(org: Org, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(org.user(role))
    return c


def _skill(label: str) -> Skill:
    return Skill.objects.create(
        uri=f"http://data.europa.eu/esco/skill/{label.replace(' ', '-')}", label=label
    )


@pytest.fixture
def world(org: Org) -> World:
    organization = org.organization
    python, sql = _skill("Python (computer programming)"), _skill("SQL")
    skill_actions.ensure_default_scale(organization)
    engineer = JobRole.objects.create(organization=organization, title="Engineer", level=2)
    senior_job = JobRole.objects.create(organization=organization, title="Data Engineer", level=3)
    for person in (org.employee, org.peer):
        person.job_role = engineer
        person.save(update_fields=["job_role"])
    role = skill_actions.save_role_profile(
        organization, "Engineer", [(python, 2, 2.0), (sql, 2, 1.0)], actor=None,
        actor_label="test", job_role=engineer,
    )  # fmt: skip
    senior = skill_actions.save_role_profile(
        organization, "Data Engineer", [(python, 3, 2.0), (sql, 3, 1.0)], actor=None,
        actor_label="test", job_role=senior_job,
    )  # fmt: skip
    skill_actions.add_career_path(role, senior, actor=None)
    skill_actions.add_claim(org.employee, python, 1, Source.SELF, actor=None, actor_label="test")
    ld = org.ld.user
    basics = actions.create_item(
        organization,
        actions.ItemData(
            title="Python basics",
            description="Write small Python programs.",
            duration_minutes=120,
            skills=[(python, 2)],
            modules=[("Start", [("Variables", 20), ("Loops", 25)])],
        ),
        actor=ld,
    )
    advanced = actions.create_item(
        organization,
        actions.ItemData(
            title="Python for data pipelines",
            kind="external_course",
            duration_minutes=600,
            cost=120,  # type: ignore[arg-type]
            skills=[(python, 3)],
            prerequisite_items=[basics],
        ),
        actor=ld,
    )
    primer = actions.create_item(
        organization,
        actions.ItemData(
            title="SQL primer", kind="article", format="reading", duration_minutes=45,
            skills=[(sql, 3)],
        ),
        actor=ld,
    )  # fmt: skip
    questions = [
        actions.create_question(
            organization, skill=python, kind="single", text="Which keyword defines a function?",
            choices=["func", "def", "lambda"], answer=1, actor=ld,
        ),
        actions.create_question(
            organization, skill=python, kind="true_false", text="Lists are immutable.",
            answer=False, actor=ld,
        ),
        actions.create_question(
            organization, skill=python, kind="numeric", text="len([1, 2, 3])?", answer=3,
            actor=ld,
        ),
    ]  # fmt: skip
    quiz = actions.create_quiz(basics, "Python basics check", questions, actor=ld, pass_mark=0.6)
    assignment = actions.enrol(
        org.employee,
        primer,
        actor=org.manager.user,
        source=EnrollmentSource.MANAGER,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        mandatory=True,
    )
    return World(
        org, python, sql, role, senior, basics, advanced, primer, quiz, questions, assignment
    )


RIGHT: dict[int, object] = {0: 1, 1: False, 2: 3}
WRONG: dict[int, object] = {0: 0, 1: True, 2: 4}


def responses(world: World, which: dict[int, object]) -> dict[int, object]:
    return {q.pk: which[i] for i, q in enumerate(world.questions)}
