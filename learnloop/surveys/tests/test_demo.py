from __future__ import annotations

import datetime

import pytest

from learnloop.audit.models import AuditEvent
from learnloop.demo import build
from learnloop.surveys import results
from learnloop.surveys.models import Pulse, Response, Suggestion
from learnloop.surveys.queries import GroupFilter

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.django_db
def test_the_demo_organization_gets_two_past_pulses_with_explorable_results():
    build.build(120, 11, today=TODAY)
    organization = _demo_org()
    pulses = _pulses()
    assert [p.status for p in pulses] == [Pulse.Status.CLOSED] * 2
    assert (pulses[1].opens_on - pulses[0].opens_on).days >= 60
    hr = build.personas()[2].user
    first = results.group_results(pulses[0], GroupFilter(), hr)
    second = results.group_results(pulses[1], GroupFilter(), hr)
    assert first.released and (first.respondents or 0) > 60 and first.enps is not None
    by_key = {d.key: d.favourable or 0.0 for d in first.dimensions}
    assert set(by_key) >= {"safety", "reflection", "leadership"}
    later = {d.key: d.favourable or 0.0 for d in second.dimensions}
    assert later["reflection"] > by_key["reflection"]
    assert any(d.reliability and d.reliability.alpha for d in first.dimensions)
    heat = results.heatmap(
        pulses[0],
        results.scope_for(
            __import__("learnloop.permissions").permissions.principal_for(hr), pulses[0]
        ),
        GroupFilter(),
        hr,
    )
    assert (
        any(row.results.released for row in heat)
        and len({row.results.dimensions[0].favourable for row in heat if row.results.released}) > 1
    )
    assert Suggestion.objects.filter(organization=organization).count() == 3
    assert (
        AuditEvent.objects.filter(action="surveys.response_submitted", actor__isnull=False).count()
        == 0
    )
    assert Response.objects.filter(pulse=pulses[0]).count() == first.respondents


@pytest.mark.django_db
def test_the_demo_survey_data_is_deterministic_for_a_seed():
    build.build(60, 3, today=TODAY)
    pulses = _pulses()
    answers = sorted(
        str(a) for a in Response.objects.filter(pulse=pulses[0]).values_list("answers", flat=True)
    )
    assert len(answers) > 20
    build.remove()
    build.build(60, 3, today=TODAY)
    again = _pulses()
    assert (
        sorted(
            str(a)
            for a in Response.objects.filter(pulse=again[0]).values_list("answers", flat=True)
        )
        == answers
    )


def _pulses() -> list[Pulse]:
    """The pulses ``build.build`` seeds for the demo organization, oldest first."""
    return list(Pulse.objects.filter(organization=_demo_org()).order_by("opens_on"))


def _demo_org():
    organization = build.existing()
    assert organization is not None
    return organization
