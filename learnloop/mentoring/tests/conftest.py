"""A mentoring world on top of ``org``: one program, profiles, a draft, an active pair with a
private session note, and a pending request. Private texts carry markers that content tests
look for in responses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from learnloop.conftest import Org
from learnloop.mentoring import actions, embeddings
from learnloop.mentoring.models import Draft, Goal, Participant, Program, Relationship, Session
from learnloop.skills.models import EmployeeSkill, Skill
from learnloop.skills.tests.fakes import BagOfWordsEncoder

ROLES = ("anonymous", "employee", "peer", "manager", "ceo", "hr", "ld", "executive", "outsider")
SECRETS = {
    "mentee_goals": "PRIVATE-GOAL-4471",
    "session_notes": "SESSION-NOTE-8812",
}


@pytest.fixture(autouse=True)
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bag-of-words stand-in from the skills tests instead of the fetched ONNX model."""
    monkeypatch.setattr(embeddings, "override", BagOfWordsEncoder())


@dataclass
class World:
    org: Org
    program: Program
    python: Skill
    speaking: Skill
    employee_profile: Participant
    ld_mentor: Participant
    hr_mentor: Participant
    peer_profile: Participant
    executive_profile: Participant
    pair: Relationship  # ld mentors peer, active, with a session
    session: Session
    goal: Goal
    request: Relationship  # the executive asks hr, pending
    draft: Draft


def make_world(org: Org) -> World:
    organization = org.organization
    admin = org.ld.user
    python = Skill.objects.create(label="Python programming", organization=organization)
    speaking = Skill.objects.create(label="Public speaking", organization=organization)
    for person, skill, level in [
        (org.ld, python, 5),
        (org.ld, speaking, 3),
        (org.hr, speaking, 5),
        (org.hr, python, 2),
        (org.ceo, python, 4),
    ]:
        EmployeeSkill.objects.create(
            employee=person, skill=skill, level=level, confidence=1.0, validated=person != org.hr
        )
    today = timezone.localdate()
    program = actions.create_program(
        admin,
        organization,
        {
            "name": "Grow together",
            "kind": "one_to_one",
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=150),
            "cadence": "fortnightly",
            "default_capacity": 2,
            "max_capacity": 4,
        },
    )
    hours = list(range(9, 17))
    employee_profile = actions.save_profile(
        org.employee.user,
        program,
        org.employee,
        "mentee",
        {
            "skills": [{"skill": python.pk, "level": 4}],
            "goals": f"I want to write clean Python code and test it {SECRETS['mentee_goals']}",
            "availability": hours,
            "languages": ["en"],
        },
    )
    ld_mentor = actions.save_profile(
        org.ld.user,
        program,
        org.ld,
        "mentor",
        {
            "skills": [{"skill": python.pk, "level": 1}, {"skill": speaking.pk, "level": 1}],
            "goals": "Python code, testing and clean design",
            "availability": hours,
            "languages": ["en"],
            "capacity": 3,
        },
    )
    hr_mentor = actions.save_profile(
        org.hr.user,
        program,
        org.hr,
        "mentor",
        {
            "skills": [{"skill": speaking.pk, "level": 1}],
            "goals": "Speaking to large rooms",
            "capacity": 2,
        },
    )
    peer_profile = actions.save_profile(
        org.peer.user,
        program,
        org.peer,
        "mentee",
        {"skills": [{"skill": speaking.pk, "level": 3}], "goals": "Present with confidence"},
    )
    executive_profile = actions.save_profile(
        org.executive.user,
        program,
        org.executive,
        "mentee",
        {"skills": [{"skill": speaking.pk, "level": 4}], "goals": "Speak at conferences"},
    )
    pair = actions.request_mentor(org.peer.user, program, org.peer, org.ld, "Hello")
    actions.respond(org.ld.user, pair, accept=True)
    session = actions.log_session(
        org.ld.user,
        pair,
        org.ld,
        held_on=today - datetime.timedelta(days=3),
        duration_minutes=50,
        notes=f"Talked about nerves {SECRETS['session_notes']}",
        skills=[speaking.pk],
    )
    goal = actions.add_goal(org.peer.user, pair, "Give a team talk", speaking.pk)
    request = actions.request_mentor(org.executive.user, program, org.executive, org.hr, "Hi")
    draft = actions.create_draft(admin, program)
    return World(
        org,
        program,
        python,
        speaking,
        employee_profile,
        ld_mentor,
        hr_mentor,
        peer_profile,
        executive_profile,
        pair,
        session,
        goal,
        request,
        draft,
    )


@pytest.fixture
def world(org: Org) -> World:
    return make_world(org)
