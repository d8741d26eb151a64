"""The timing attacks of issue 19: an HR admin lines up when someone's API token was last used
with when an anonymous act was recorded (audit trail, LRS), and a manager watches their team's
participation count move as each member answers."""

from __future__ import annotations

import datetime

from django.test import Client
from freezegun import freeze_time

from learnloop.accounts import actions as accounts
from learnloop.accounts.models import ApiToken
from learnloop.audit import actions as audit
from learnloop.audit.models import AuditEvent
from learnloop.conftest import Org
from learnloop.people.tests.factories import EmployeeFactory
from learnloop.surveys import actions
from learnloop.surveys.models import Pulse
from learnloop.surveys.tests.conftest import Surveys
from learnloop.xapi import profile
from learnloop.xapi.models import Activity, Statement

UTC = datetime.UTC
ACT = datetime.datetime(2026, 3, 3, 10, 3, 27, tzinfo=UTC)
NEXT_NIGHT = datetime.datetime(2026, 3, 4, 0, 20, tzinfo=UTC)


def _recorded_times(
    target_type: str, target_id: object, token: ApiToken
) -> list[datetime.datetime]:
    """Every time the attacker can read about the act: the token's last use, the audit events
    and the LRS statements about the act's target (their timestamp and when they were stored)."""
    token.refresh_from_db()
    times = [token.last_used_at] if token.last_used_at else []
    times += AuditEvent.objects.filter(
        target_type=target_type, target_id=str(target_id)
    ).values_list("at", flat=True)
    activity = Activity.objects.filter(iri=profile.activity_iri(target_type, target_id)).first()
    for statement in Statement.objects.filter(object_activity=activity):
        times += [statement.timestamp, statement.stored]
    return times


def _same_minute(a: datetime.datetime, b: datetime.datetime) -> bool:
    return abs(a - b) < datetime.timedelta(minutes=1)


def test_a_suggestion_cannot_be_timed_against_the_poster_s_token(org: Org) -> None:
    token, secret = accounts.issue_token(org.employee.user, "my script")
    with freeze_time(ACT):  # what POST /api/v1/surveys/suggestions with the token does
        assert accounts.authenticate_token(secret) == org.employee.user
        suggestion, _ = actions.post_suggestion(
            org.organization, "Too many meetings", "Every afternoon is gone."
        )
    with freeze_time(NEXT_NIGHT):
        audit.flush_anonymous_events()
    times = _recorded_times("surveys.suggestion", suggestion.pk, token)
    assert times, "the act was not recorded at all"
    assert [t for t in times if _same_minute(t, ACT)] == []
    event = AuditEvent.objects.get(action="surveys.suggestion_posted", target_id=suggestion.pk)
    assert event.at == datetime.datetime(2026, 3, 3, tzinfo=UTC)


def test_a_pulse_response_cannot_be_timed_against_the_respondent_s_token(
    org: Org, surveys: Surveys
) -> None:
    pulse = surveys.open_pulse
    token, secret = accounts.issue_token(org.employee.user, "my script")
    with freeze_time(ACT):  # what POST /api/v1/surveys/pulses/<id>/responses does
        assert accounts.authenticate_token(secret) == org.employee.user
        actions.submit_response(pulse, org.employee, {"ps-risks": 2})
    with freeze_time(NEXT_NIGHT):
        audit.flush_anonymous_events()
    times = _recorded_times("surveys.pulse", pulse.pk, token)
    assert [t for t in times if _same_minute(t, ACT)] == []


def test_nothing_is_recorded_about_an_anonymous_act_on_its_day(org: Org, surveys: Surveys) -> None:
    """Not even the order: an event stored at once sits between the poster's other events."""
    with freeze_time(ACT):
        before = AuditEvent.objects.count()
        actions.post_suggestion(org.organization, "Quiet room", "We need one.")
        actions.submit_response(surveys.open_pulse, org.peer, {"ps-risks": 3})
        assert AuditEvent.objects.count() == before
        assert audit.flush_anonymous_events() == 0  # today's acts wait for the day to end


def _team_pulse(org: Org, surveys: Surveys) -> Pulse:
    """A pulse for a team big enough to be shown: the manager and seven reports."""
    for _ in range(5):
        EmployeeFactory(organization=org.organization, manager=org.manager)
    today = datetime.date.today()
    return actions.create_pulse(
        org.organization,
        surveys.instrument,
        title="Team pulse",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        actor_label="test",
    )


def _team_count(client: Client, pulse: Pulse) -> int | None:
    rows = client.get(f"/api/v1/surveys/pulses/{pulse.pk}/participation").json()
    count: int | None = next(row["responded"] for row in rows if row["label"] == "Your team")
    return count


def test_a_manager_cannot_watch_the_team_count_move_as_each_member_answers(
    org: Org, surveys: Surveys
) -> None:
    pulse = _team_pulse(org, surveys)
    manager = Client()
    manager.force_login(org.manager.user)
    k = org.organization.min_group_size
    team = list(org.manager.direct_reports.order_by("pk"))
    assert len(team) == 7
    seen = [_team_count(manager, pulse)]
    for member in team:
        actions.submit_response(pulse, member, {"ps-risks": 3})
        seen.append(_team_count(manager, pulse))
    # Hidden until the minimum has answered, then only in whole steps of the minimum.
    assert seen[:k] == [None] * k
    assert all(count is None or count % k == 0 for count in seen)
    assert seen[k] == k
