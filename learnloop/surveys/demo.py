"""Survey data for the demo organization: two past pulses and a few suggestion-box threads.

Deterministic for a seed. Answers come from a simple model: each department has its own
climate (some teams are safer or learn better than others), each person their own outlook,
and each item some noise; the second pulse, three months later, shows a modest improvement in
reflection time where the first was weakest.
"""

from __future__ import annotations

import copy
import datetime
import random
import zlib
from typing import Any

from django.db import transaction

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.people.models import Employee, Organization
from learnloop.permissions import HR_ADMIN
from learnloop.surveys import actions, queries
from learnloop.surveys.engine import answers as answer_engine
from learnloop.surveys.models import Instrument, Invitation, Pulse, Response

PULSE_KEY = "team-learning-pulse"
COMMENTS = (
    "Retros are the first meeting we cancel when a deadline gets close.",
    "I would like more time to write up what we learned after incidents.",
    "My manager really listens; I feel I can disagree in planning.",
    "Ideas from junior people get less airtime than they deserve.",
    "Pairing with the platform team taught me more than any course.",
    "It is hard to find who knows what outside my own team.",
    "We celebrate experiments that fail, which makes trying things easy.",
    "More budget for conferences would help, but time matters more.",
    "Decisions are sometimes made before the meeting where we discuss them.",
    "The new demo days are great for seeing what other teams learn.",
    "I hesitate to ask questions in the big all-hands.",
    "Onboarding buddies made my first months much easier.",
)
THREADS = (
    (
        "Quiet space for focused learning",
        "Could we turn one meeting room per floor into a no-meetings quiet room on Fridays?",
        "Thank you: facilities are checking which rooms could work. We will update here.",
        "under_review",
    ),
    (
        "Promotion criteria feel unclear",
        "People in my team are unsure what is expected for the next level. Could the criteria be published?",
        "The updated ladders are now on the intranet, with examples for each level.",
        "acted_on",
    ),
    (
        "On-call load",
        "The on-call rota leaves little room for learning time in our team.",
        "",
        "received",
    ),
)


def _instrument_doc() -> dict[str, Any]:
    """Psychological safety and learning climate in one pulse, with the eNPS question."""
    library = queries.library()
    safety, climate, enps = (
        copy.deepcopy(library[k]) for k in ("psychological-safety", "learning-climate", "enps")
    )
    for question in climate["questions"]:
        question["outcome"] = False
    return {
        "format": "learnloop.instrument/1",
        "key": PULSE_KEY,
        "name": "Team learning pulse",
        "description": "Psychological safety and learning climate, with eNPS, in one short pulse.",
        "guidance": safety["guidance"] + " " + climate["guidance"],
        "languages": ["en"],
        "sections": [
            {**s, "translations": {}}
            for s in safety["sections"] + climate["sections"] + enps["sections"]
            if s["key"] != "open"
        ],
        "dimensions": safety["dimensions"] + climate["dimensions"],
        "questions": [
            {
                **q,
                "translations": {},
                "section": q.get("section") if q.get("section") != "open" else "overall",
            }
            for q in safety["questions"] + climate["questions"] + enps["questions"]
            if q["key"] not in ("ps-comment", "enps-why")
        ],
    }


def _stable(text: str) -> float:
    """A value in [-1, 1] fixed by a name, so a department keeps its climate across pulses."""
    return (zlib.crc32(text.encode()) % 2001) / 1000 - 1


def _answers(
    doc_questions: list[dict[str, Any]],
    climate: float,
    outlook: float,
    rng: random.Random,
    lift: dict[str, float],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for question in doc_questions:
        kind = question["type"]
        if kind == "text":
            if rng.random() < 0.18:
                out[question["key"]] = rng.choice(COMMENTS)
            continue
        if kind == "multiple":
            out[question["key"]] = sorted(
                rng.sample([o["key"] for o in question["options"]], rng.randint(1, 2))
            )
            continue
        if rng.random() < 0.03 and not question.get("required"):
            continue  # the odd skipped question
        latent = (
            3.5 + climate + outlook + lift.get(question.get("dimension", ""), 0) + rng.gauss(0, 0.7)
        )
        if kind == "nps":
            out[question["key"]] = max(0, min(10, round(2 * latent - 0.5)))
            continue
        value = max(1, min(5, round(latent)))
        out[question["key"]] = 6 - value if question.get("reverse") else value
    return out


def _run_pulse(
    organization: Organization,
    instrument: Instrument,
    opens_on: datetime.date,
    rng: random.Random,
    lift: dict[str, float],
    outlooks: dict[int, float],
) -> Pulse:
    closes_on = opens_on + datetime.timedelta(days=14)
    pulse = actions.create_pulse(
        organization,
        instrument,
        title=f"Team learning pulse, {opens_on:%B %Y}",
        opens_on=opens_on,
        closes_on=closes_on,
        actor_label="demo",
        today=opens_on,
    )
    definition = pulse.parsed()
    invited = Invitation.objects.filter(pulse=pulse).select_related("employee__department")
    managers = set(
        Employee.objects.filter(
            organization=organization, direct_reports__isnull=False
        ).values_list("pk", flat=True)
    )
    responses, responded = [], []
    for invitation in invited.order_by("employee_id"):
        employee: Employee = invitation.employee
        if rng.random() > 0.78:
            continue
        department = employee.department
        climate = 0.6 * _stable(department.full_name) if department else 0.0
        raw = _answers(pulse.definition["questions"], climate, outlooks[employee.pk], rng, lift)
        responses.append(
            Response(
                pulse=pulse,
                department_path=department.path if department else "",
                manager_path=employee.chain_prefix
                if employee.pk in managers
                else employee.manager_path,
                location_id=employee.location_id,
                tenure=queries.tenure_band(employee.hire_date, opens_on),
                answers=answer_engine.clean(definition, raw),
            )
        )
        invitation.responded = True
        responded.append(invitation)
    Response.objects.bulk_create(responses, batch_size=2000)
    Invitation.objects.bulk_update(responded, ["responded"], batch_size=2000)
    events.record_many(
        [events.Event("surveys.response_submitted", pulse) for _ in responses],
        actor_label=actions.ANONYMOUS,
    )
    return actions.close_pulse(pulse, today=closes_on)


@transaction.atomic
def seed(organization: Organization, seed: int, today: datetime.date) -> list[Pulse]:
    """Give the demo organization two closed pulses, three months apart, and suggestion threads."""
    rng = random.Random(seed * 7919 + 8)
    for key in ("psychological-safety", "learning-climate", "continuous-learning", "enps"):
        actions.add_library_instrument(organization, key, actor_label="demo")
    instrument = actions._store_instrument(
        organization, _instrument_doc(), Instrument.Source.CUSTOM, None, "demo"
    )
    people = (
        Employee.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outlooks = {pk: rng.gauss(0, 0.45) for pk in people}
    first = _run_pulse(
        organization, instrument, today - datetime.timedelta(days=130), rng, {}, outlooks
    )
    second = _run_pulse(
        organization,
        instrument,
        today - datetime.timedelta(days=40),
        rng,
        {"reflection": 0.35, "leadership": 0.15},
        outlooks,
    )
    hr_user = (
        User.objects.filter(role_grants__role=HR_ADMIN, employee__organization=organization)
        .order_by("pk")
        .first()
    )
    departments = list(organization.departments.filter(parent__isnull=True).order_by("name"))
    for i, (subject, body, reply, status) in enumerate(THREADS):
        addressed = departments[i % len(departments)] if i == 2 and departments else None
        suggestion, _ = actions.post_suggestion(organization, subject, body, addressed_to=addressed)
        if hr_user is not None and (reply or status != "received"):
            actions.staff_reply(suggestion, actor=hr_user, body=reply, status=status)
    return [first, second]
