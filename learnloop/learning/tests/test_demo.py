"""The demo build's learning data, on the shared 60-person demo organization."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from learnloop.demo.models import DemoPersona
from learnloop.learning.models import Enrollment, Item, Path, Quiz
from learnloop.xapi import profile
from learnloop.xapi.models import Statement


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_catalog_history_statements_overdue_training_and_persona_paths(
    personas: dict[str, Any],
) -> None:
    items = Item.objects.count()
    assert 60 <= items <= 120
    assert Quiz.objects.exists()
    enrollments = Enrollment.objects.count()
    assert enrollments > 60
    enrolled = Statement.objects.filter(
        verb__iri=profile.ENROLLED.iri, object_activity__iri__contains="/learning.item/"
    ).count()
    assert enrolled == enrollments
    completed = [
        json.loads(s.data) for s in Statement.objects.filter(verb__iri=profile.COMPLETED.iri)[:50]
    ]
    assert completed and all(s["result"]["duration"].startswith("PT") for s in completed)
    now = timezone.now()
    assert all(
        datetime.datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) < now
        for s in completed
    )
    assert Statement.objects.filter(verb__iri=profile.PASSED.iri).exists()
    assert Statement.objects.filter(verb__iri=profile.RATED.iri).exists()
    today = timezone.localdate()
    assert Enrollment.objects.filter(
        mandatory=True, due_date__lt=today, completed_at__isnull=True
    ).exists()
    employee = DemoPersona.objects.get(key="employee").user.employee
    path = Path.objects.get(employee=employee)
    assert path.plan["steps"] and all(step["reasons"] for step in path.plan["steps"])
