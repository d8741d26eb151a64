from __future__ import annotations

import datetime

import pytest
from django.test import Client

from learnloop.demo import build
from learnloop.feedback.models import (
    AfterActionReview,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResultUpdate,
    Objective,
)

TODAY = datetime.date(2026, 11, 20)


def _build() -> list[build.Persona]:
    """The demo organization, which ``build`` fills with feedback through ``demo.populate``."""
    return build.build(60, 11, today=TODAY)


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
    _build()
    first = _fingerprint()
    build.remove()
    assert not Feedback.objects.exists()
    _build()
    assert _fingerprint() == first and first


@pytest.mark.django_db
def test_the_demo_gives_every_persona_something_to_look_at() -> None:
    personas = _build()
    assert Feedback.objects.count() > 50 and CheckInSeries.objects.count() > 20
    assert AfterActionReview.objects.count() == 4
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
