"""Pulses, anonymity of what is stored, thresholds, instrument import and builder, suggestion box."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.test import Client

from learnloop.audit.actions import flush_anonymous_events
from learnloop.audit.models import AuditEvent
from learnloop.conftest import Org
from learnloop.surveys import actions, queries, results
from learnloop.surveys.engine.answers import AnswerError
from learnloop.surveys.engine.instrument import InstrumentError, parse
from learnloop.surveys.models import (
    Instrument,
    Invitation,
    Pulse,
    Response,
    Suggestion,
    SuggestionMessage,
)
from learnloop.surveys.queries import GroupFilter
from learnloop.surveys.tests.conftest import TODAY, Surveys


def _client(org: Org, role: str) -> Client:
    client = Client()
    client.force_login(org.user(role))
    return client


def test_a_response_is_stored_without_identity_time_or_link_to_the_invitation(
    org: Org, surveys: Surveys
):
    pulse = surveys.open_pulse
    before = AuditEvent.objects.count()
    actions.submit_response(pulse, org.employee, {"ps-risks": 2, "ps-comment": "hello"})
    response = Response.objects.get(pulse=pulse)
    stored = {f.name for f in Response._meta.get_fields()}
    assert stored == {
        "id",
        "pulse",
        "department_path",
        "manager_path",
        "location_id",
        "tenure",
        "language",
        "answers",
    }
    invitation_fields = {f.name for f in Invitation._meta.get_fields()}
    assert invitation_fields == {"id", "pulse", "employee", "responded"}
    assert response.answers == {"ps-risks": 2, "ps-comment": "hello"}
    assert Invitation.objects.get(pulse=pulse, employee=org.employee).responded
    # Counted for the day, recorded once the day is over (test_timing.py).
    assert AuditEvent.objects.count() == before
    flush_anonymous_events(today=datetime.date.today() + datetime.timedelta(days=1))
    [event] = AuditEvent.objects.filter(
        action="surveys.response_submitted", target_id=str(pulse.pk)
    )
    assert event.actor is None and event.actor_label == "anonymous"
    assert event.data == {"count": 1}
    assert org.employee.user.email not in json.dumps(
        [event.actor_label, event.target_label, event.data]
    )


def test_answering_twice_or_uninvited_or_with_bad_answers_is_refused(org: Org, surveys: Surveys):
    pulse = surveys.open_pulse
    with pytest.raises(AnswerError) as bad:
        actions.submit_response(pulse, org.employee, {"ps-risks": 9, "nope": 1})
    assert dict(bad.value.problems) == {
        "nope": "is not a question of this survey",
        "ps-risks": "must be a whole number from 1 to 5",
    }
    actions.submit_response(pulse, org.employee, {"ps-risks": 3})
    with pytest.raises(actions.SurveyError, match="already responded"):
        actions.submit_response(pulse, org.employee, {"ps-risks": 3})
    with pytest.raises(actions.SurveyError, match="not invited"):
        actions.submit_response(pulse, org.outsider, {"ps-risks": 3})
    assert Response.objects.filter(pulse=pulse).count() == 1


def test_results_are_hidden_while_the_pulse_is_open(org: Org, surveys: Surveys):
    shown = results.group_results(surveys.open_pulse, GroupFilter(), org.hr.user)
    assert not shown.released and shown.reason == "open"


def test_a_managers_team_of_two_is_suppressed_and_the_company_is_shown(org: Org, surveys: Surveys):
    html = (
        _client(org, "manager")
        .get(f"/surveys/pulses/{surveys.closed_pulse.pk}/results/")
        .content.decode()
    )
    assert 'id="suppressed"' in html and "fewer than 5 people answered" in html
    assert "ps-risks" not in html
    company = (
        _client(org, "hr")
        .get(f"/surveys/pulses/{surveys.closed_pulse.pk}/results/")
        .content.decode()
    )
    assert 'id="respondents">7<' in company
    assert "Psychological safety" in company


def test_comments_need_the_higher_threshold(org: Org, surveys: Surveys):
    pulse = surveys.closed_pulse
    shown = results.group_results(pulse, GroupFilter(), org.hr.user)
    assert shown.released and shown.comments is None and shown.comments_reason == "small"
    actions.save_settings(
        org.organization, min_group_size=3, comment_min_group_size=7, actor=org.hr.user
    )
    fresh = actions.create_pulse(
        org.organization,
        surveys.instrument,
        title="Again",
        opens_on=TODAY,
        closes_on=TODAY,
        actor_label="t",
        today=TODAY,
    )
    from learnloop.surveys.tests.conftest import answer_all

    answer_all(fresh, org, {"ps-risks": 5})
    actions.close_pulse(fresh, actor=org.hr.user, today=TODAY)
    shown = results.group_results(fresh, GroupFilter(), org.hr.user)
    assert shown.comments is not None
    texts = shown.comments[0][1]
    assert texts == sorted(texts) and len(texts) == 7


def test_thresholds_are_validated(org: Org):
    with pytest.raises(actions.SurveyError, match="from 3 to 10"):
        actions.save_settings(
            org.organization, min_group_size=2, comment_min_group_size=8, actor=org.hr.user
        )
    with pytest.raises(actions.SurveyError, match="larger than the minimum"):
        actions.save_settings(
            org.organization, min_group_size=6, comment_min_group_size=6, actor=org.hr.user
        )


def test_scores_are_reverse_keyed_and_read_in_bands(org: Org, surveys: Surveys):
    shown = results.group_results(surveys.closed_pulse, GroupFilter(), org.hr.user)
    items = {item.key: item for item in shown.items}
    # Everyone answered 2 to "mistakes are held against me" (reverse-keyed): 4 after keying.
    assert items["ps-mistakes"].mean == 4 and items["ps-mistakes"].favourable == 100
    assert items["ps-raise-problems"].distribution[-1] == ("5", 7)
    dimension = shown.dimensions[0]
    assert dimension.favourable == 100 and dimension.band == "Strength"


def test_participation_shows_counts_never_names(org: Org, surveys: Surveys):
    for person in (org.employee, org.peer, org.manager, org.ceo, org.hr, org.ld):
        actions.submit_response(surveys.open_pulse, person, {"ps-risks": 3})
    rows = queries.participation(surveys.open_pulse)
    # Six answers, counted in steps of the minimum (5).
    assert rows[0].label == "Everyone invited" and rows[0].invited == 7 and rows[0].responded == 5
    html = _client(org, "hr").get(f"/surveys/pulses/{surveys.open_pulse.pk}/").content.decode()
    assert org.employee.user.full_name not in html


def test_reminders_go_only_to_those_who_have_not_answered(org: Org, surveys: Surveys):
    pulse = surveys.open_pulse
    actions.submit_response(pulse, org.employee, {"ps-risks": 3})
    sent = actions.send_reminders(today=pulse.opens_on + datetime.timedelta(days=3))
    recipients = {m.to[0] for m in mail.outbox}
    assert (
        sent == 6
        and org.employee.user.email not in recipients
        and org.peer.user.email in recipients
    )
    assert actions.send_reminders(today=pulse.opens_on + datetime.timedelta(days=4)) == 0


def test_a_recurring_pulse_opens_closes_and_schedules_its_successor(org: Org, surveys: Surveys):
    start = datetime.date(2026, 1, 5)
    pulse = actions.create_pulse(
        org.organization,
        surveys.instrument,
        title="Monthly",
        opens_on=start,
        closes_on=start + datetime.timedelta(days=7),
        recurrence="monthly",
        actor_label="t",
        today=start - datetime.timedelta(days=1),
    )
    assert pulse.status == Pulse.Status.SCHEDULED
    assert actions.advance_pulses(today=start) == {"opened": 1, "closed": 0}
    assert actions.advance_pulses(today=start + datetime.timedelta(days=8)) == {
        "opened": 0,
        "closed": 1,
    }
    pulse.refresh_from_db()
    following = pulse.next
    assert pulse.status == Pulse.Status.CLOSED
    assert (
        following.opens_on == datetime.date(2026, 2, 5)
        and following.status == Pulse.Status.SCHEDULED
    )


def test_an_instrument_file_with_problems_loads_nothing_and_names_each_field(org: Org):
    doc = json.loads(json.dumps(queries.library()["learning-climate"]))
    doc["key"] = "mine"
    doc["questions"][0]["type"] = "slider"
    doc["questions"][2]["dimension"] = "nowhere"
    doc["questions"][3]["reverse"] = "yes"
    with pytest.raises(InstrumentError) as error:
        actions.import_instrument(org.organization, json.dumps(doc), actor=org.hr.user)
    assert error.value.problems == [
        ("questions[0].type", "must be one of likert5, likert7, nps, single, multiple, text"),
        ("questions[2].dimension", "'nowhere' is not a declared dimension"),
        ("questions[3].reverse", "must be true or false"),
    ]
    with pytest.raises(InstrumentError, match="line 1, column 2"):
        actions.import_instrument(org.organization, "{oops", actor=org.hr.user)
    assert not Instrument.objects.filter(organization=org.organization, key="mine").exists()


def test_the_api_import_reports_field_paths(org: Org):
    response = _client(org, "hr").post(
        "/api/v1/surveys/instruments",
        data=json.dumps(
            {
                "definition": {
                    "format": "learnloop.instrument/1",
                    "key": "x",
                    "name": "X",
                    "questions": [{"key": "q", "type": "likert5"}],
                }
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "questions[0].text", "message": "is required"}
    ]


def test_every_library_instrument_is_valid_and_in_its_own_words():
    library = queries.library()
    assert set(library) == {
        "psychological-safety",
        "learning-climate",
        "continuous-learning",
        "enps",
    }
    safety = parse(library["psychological-safety"])
    assert 6 <= len(safety.in_dimension("safety")) <= 8
    assert sum(q.reverse for q in safety.questions) >= 2
    assert set(safety.languages) == {"en", "de"}
    climate = parse(library["learning-climate"])
    assert {d.key for d in climate.dimensions} == {
        "experimentation",
        "reflection",
        "openness",
        "sharing",
        "leadership",
    }
    assert all(d.guidance for d in climate.dimensions)


def test_the_builder_adds_a_translated_reverse_keyed_question_and_rejects_a_broken_edit(
    org: Org, surveys: Surveys
):
    client = _client(org, "hr")
    url = f"/surveys/instruments/{surveys.instrument.pk}/"
    response = client.post(
        url,
        {
            "change": "add_question",
            "key": "ps-new",
            "type": "likert5",
            "text": "We disagree openly.",
            "dimension": "safety",
            "section": "team",
            "reverse": "on",
            "translation_language": "de",
            "translation_text": "Wir widersprechen offen.",
        },
    )
    assert response.status_code == 302
    surveys.instrument.refresh_from_db()
    added = surveys.instrument.parsed().question("ps-new")
    assert added.reverse and added.translations == {"de": "Wir widersprechen offen."}
    broken = client.post(
        url,
        {
            "change": "add_question",
            "key": "ps-free",
            "type": "text",
            "text": "?",
            "dimension": "safety",
        },
    )
    assert b"only Likert questions can belong to a dimension" in broken.content


def test_an_employee_answers_in_german_through_the_page(org: Org, surveys: Surveys):
    client = _client(org, "employee")
    page = client.get(f"/surveys/pulses/{surveys.open_pulse.pk}/answer/?lang=de").content.decode()
    assert "In diesem Team ist es in Ordnung" in page
    done = client.post(
        f"/surveys/pulses/{surveys.open_pulse.pk}/answer/", {"lang": "de", "ps-risks": "4"}
    )
    assert done.status_code == 302
    assert Response.objects.get(pulse=surveys.open_pulse).language == "de"


def test_the_suggestion_box_keeps_no_identity_and_the_token_opens_the_thread(
    org: Org, surveys: Surveys
):
    client = _client(org, "employee")
    page = client.post(
        "/surveys/suggestions/new/", {"subject": "Quiet room", "body": "We need one."}
    )
    token = page.content.decode().split('id="token">')[1].split("<")[0]
    suggestion = Suggestion.objects.get(subject="Quiet room")
    assert suggestion.token_hash == actions.token_hash(token) and token not in json.dumps(
        list(Suggestion.objects.values()), default=str
    )
    message = SuggestionMessage.objects.get(suggestion=suggestion)
    assert message.author is None and message.author_label == "The poster"
    flush_anonymous_events(today=datetime.date.today() + datetime.timedelta(days=1))
    event = AuditEvent.objects.filter(action="surveys.suggestion_posted").latest("id")
    assert event.actor is None and event.actor_label == "anonymous"

    hr = _client(org, "hr")
    hr.post(
        f"/surveys/suggestions/{suggestion.pk}/",
        {"body": "Good idea; looking at rooms.", "status": "under_review"},
    )
    thread = client.post("/surveys/suggestions/follow/", {"token": token}).content.decode()
    assert "Good idea; looking at rooms." in thread and "Under review" in thread
    client.post("/surveys/suggestions/follow/", {"token": token, "body": "Thank you!"})
    assert suggestion.messages.filter(from_poster=True, author__isnull=True).count() == 2
    assert client.post("/surveys/suggestions/follow/", {"token": "wrong"}).status_code == 404


def test_a_manager_handles_suggestions_addressed_to_their_department(org: Org):
    from learnloop.people.tests.factories import DepartmentFactory

    department = DepartmentFactory(organization=org.organization, name="Eng")
    org.manager.department = department
    org.manager.save()
    suggestion, _ = actions.post_suggestion(
        org.organization, "Build times", "Too slow", addressed_to=department
    )
    assert _client(org, "manager").get(f"/surveys/suggestions/{suggestion.pk}/").status_code == 200
    assert _client(org, "employee").get(f"/surveys/suggestions/{suggestion.pk}/").status_code == 403


def test_an_hr_filter_that_would_isolate_a_small_group_is_refused(org: Org, surveys: Surveys):
    from learnloop.people.tests.factories import DepartmentFactory
    from learnloop.surveys.tests.conftest import answer_all

    department = DepartmentFactory(organization=org.organization, name="Most of us")
    for role in ("ceo", "manager", "employee", "peer", "hr", "ld"):
        person = getattr(org, role)
        person.department = department
        person.save()
    pulse = actions.create_pulse(
        org.organization,
        surveys.instrument,
        title="Again",
        opens_on=TODAY,
        closes_on=TODAY,
        actor_label="t",
        today=TODAY,
    )
    answer_all(pulse, org, {"ps-risks": 3})
    actions.close_pulse(pulse, actor=org.hr.user, today=TODAY)
    hr = org.hr.user
    assert not results.group_results(pulse, GroupFilter(team=org.manager.pk), hr).released
    # Six of seven: shown next to "everyone" it would reveal the seventh person's answers.
    most = results.group_results(pulse, GroupFilter(department=department.pk), hr)
    assert not most.released and most.reason == "differencing"
    assert results.group_results(pulse, GroupFilter(), hr).respondents == 7


def test_a_managers_own_answers_count_in_their_team(org: Org, surveys: Surveys):
    actions.submit_response(surveys.open_pulse, org.manager, {"ps-risks": 3})
    actions.submit_response(surveys.open_pulse, org.employee, {"ps-risks": 3})
    paths = set(
        Response.objects.filter(pulse=surveys.open_pulse).values_list("manager_path", flat=True)
    )
    assert paths == {org.manager.chain_prefix}  # the manager's response looks like a report's
