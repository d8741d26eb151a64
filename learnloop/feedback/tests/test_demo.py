from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client

from learnloop.demo import build
from learnloop.feedback import demo
from learnloop.feedback.models import (
    AfterActionReview,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResultUpdate,
    Objective,
)

TODAY = datetime.date(2026, 11, 20)


def _build() -> tuple[list[build.Persona], demo.Summary]:
    personas = build.build(60, 11, today=TODAY)
    organization = build.existing()
    assert organization is not None
    return personas, demo.populate(organization, seed=11, today=TODAY)


def _fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        Feedback.objects.values_list(
            "giver__employee_id",
            "recipient__employee_id",
            "kind",
            "visibility",
            "body",
            "created_at",
        )
    )


@pytest.mark.django_db
def test_the_demo_is_deterministic_for_a_seed_and_day() -> None:
    build.build(60, 11, today=TODAY)
    organization = build.existing()
    assert organization is not None
    prints = []
    for _ in range(2):
        with transaction.atomic():
            demo.populate(organization, seed=11, today=TODAY)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] and prints[0]


@pytest.mark.django_db
def test_the_demo_gives_every_persona_something_to_look_at() -> None:
    personas, summary = _build()
    assert summary.feedback > 50 and summary.series > 20 and summary.reviews == 4
    by_key = {p.key: p.user for p in personas}
    employee, manager = by_key["employee"].employee, by_key["manager"].employee
    assert CheckInSeries.objects.filter(manager=manager, report=employee).exists()
    assert Feedback.objects.filter(recipient=employee).count() >= 3
    rounds = FeedbackRequest.objects.filter(anonymous=True, released=True)
    assert rounds.exists()
    # Anonymous rounds only where at least the minimum could answer.
    assert all(r.anonymous_answers.count() >= 3 for r in rounds)
    assert Objective.objects.filter(level="company", parent=None).count() == 3
    assert Objective.objects.filter(learning_goal=True, skills__isnull=False).exists()
    assert KeyResultUpdate.objects.count() > 0
    assert AfterActionReview.objects.filter(published_at__isnull=False).count() == 3
    for key in ("employee", "manager"):
        client = Client()
        client.force_login(by_key[key])
        for url in ("/feedback/", "/feedback/checkins/", "/feedback/okrs/", "/feedback/reviews/"):
            assert client.get(url).status_code == 200, (key, url)
    series = CheckInSeries.objects.get(manager=manager, report=employee)
    client = Client()
    client.force_login(by_key["manager"])
    page = client.get(f"/feedback/checkins/{series.pk}/").content.decode()
    assert "Past meetings" in page and "Add a talking point" in page
    # `learnloop demo --reset` still removes the organization with all of this in it.
    build.remove()
    assert build.existing() is None
    assert not Feedback.objects.exists() and not Objective.objects.exists()
