"""Every role against every surveys page and API endpoint; a guard fails when one is missing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver

from learnloop.conftest import Org, url_names
from learnloop.surveys.tests.conftest import Surveys

ROLES = ("anonymous", "employee", "manager", "hr", "ld", "executive", "outsider")
LOGIN = 302


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[Surveys], str]
    expect: dict[str, int]
    data: dict[str, object] | None = None
    json: bool = False


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | overrides


PAGES = (
    Row("surveys:index", "get", lambda s: "/surveys/", everyone(200, anonymous=LOGIN)),
    Row(
        "surveys:pulses",
        "get",
        lambda s: "/surveys/pulses/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "surveys:pulse",
        "get",
        lambda s: f"/surveys/pulses/{s.closed_pulse.pk}/",
        everyone(403, anonymous=LOGIN, hr=200, manager=200, outsider=404),
    ),
    Row(
        "surveys:pulse_close",
        "post",
        lambda s: f"/surveys/pulses/{s.open_pulse.pk}/close/",
        everyone(403, anonymous=LOGIN, hr=302, outsider=404),
    ),
    Row(
        "surveys:answer",
        "get",
        lambda s: f"/surveys/pulses/{s.open_pulse.pk}/answer/",
        everyone(200, anonymous=LOGIN, outsider=404),
    ),
    Row(
        "surveys:results",
        "get",
        lambda s: f"/surveys/pulses/{s.closed_pulse.pk}/results/",
        everyone(200, anonymous=LOGIN, outsider=404),
    ),
    Row(
        "surveys:instruments",
        "get",
        lambda s: "/surveys/instruments/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "surveys:instrument",
        "get",
        lambda s: f"/surveys/instruments/{s.instrument.pk}/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "surveys:instrument_export",
        "get",
        lambda s: f"/surveys/instruments/{s.instrument.pk}/export/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "surveys:settings",
        "get",
        lambda s: "/surveys/settings/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "surveys:suggestion_new",
        "get",
        lambda s: "/surveys/suggestions/new/",
        everyone(200, anonymous=LOGIN),
    ),
    Row(
        "surveys:suggestion_follow",
        "get",
        lambda s: "/surveys/suggestions/follow/",
        everyone(200, anonymous=LOGIN),
    ),
    Row(
        "surveys:suggestion_inbox",
        "get",
        lambda s: "/surveys/suggestions/inbox/",
        everyone(403, anonymous=LOGIN, hr=200, manager=200),
    ),
    Row(
        "surveys:suggestion_thread",
        "get",
        lambda s: f"/surveys/suggestions/{s.suggestion.pk}/",
        everyone(403, anonymous=LOGIN, hr=200, outsider=404),
    ),
)

API = "/api/v1/surveys"
ENDPOINTS = (
    Row(
        "list_instruments",
        "get",
        lambda s: f"{API}/instruments",
        everyone(403, anonymous=401, hr=200),
    ),
    Row(
        "import_instrument",
        "post",
        lambda s: f"{API}/instruments",
        everyone(403, anonymous=401, hr=400),
        data={"definition": {"format": "nope"}},
        json=True,
    ),
    Row("list_pulses", "get", lambda s: f"{API}/pulses", everyone(200, anonymous=401)),
    Row(
        "create_pulse",
        "post",
        lambda s: f"{API}/pulses",
        everyone(403, anonymous=401, hr=400),
        data={
            "instrument_id": 0,
            "title": "x",
            "opens_on": "2026-01-01",
            "closes_on": "2026-01-02",
        },
        json=True,
    ),
    Row(
        "respond",
        "post",
        lambda s: f"{API}/pulses/{s.open_pulse.pk}/responses",
        everyone(201, anonymous=401, outsider=404),
        data={"answers": {"ps-risks": 4}},
        json=True,
    ),
    Row(
        "participation",
        "get",
        lambda s: f"{API}/pulses/{s.closed_pulse.pk}/participation",
        everyone(403, anonymous=401, hr=200, manager=200, outsider=404),
    ),
    Row(
        "pulse_results",
        "get",
        lambda s: f"{API}/pulses/{s.closed_pulse.pk}/results",
        everyone(200, anonymous=401, outsider=404),
    ),
    Row(
        "post_suggestion",
        "post",
        lambda s: f"{API}/suggestions",
        everyone(201, anonymous=401),
        data={"subject": "Idea", "body": "Longer lunch"},
        json=True,
    ),
    Row(
        "my_suggestion",
        "post",
        lambda s: f"{API}/suggestions/mine",
        everyone(404, anonymous=401),
        data={"token": "not-a-token"},
        json=True,
    ),
    Row(
        "suggestion_inbox",
        "get",
        lambda s: f"{API}/suggestions",
        everyone(403, anonymous=401, hr=200, manager=200),
    ),
    Row(
        "reply",
        "post",
        lambda s: f"{API}/suggestions/{s.suggestion.pk}/replies",
        everyone(403, anonymous=401, hr=200, outsider=404),
        data={"body": "Thanks, we will try it", "status": "under_review"},
        json=True,
    ),
)


def _client(org: Org, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(org.user(role))
    return client


def _request(client: Client, row: Row, surveys: Surveys):
    path = row.path(surveys)
    if row.method == "get":
        return client.get(path)
    if row.json:
        return client.post(path, data=json.dumps(row.data), content_type="application/json")
    return client.post(path, data=row.data or {})


@pytest.mark.parametrize("row", PAGES + ENDPOINTS, ids=lambda row: row.name)
def test_each_role_gets_the_expected_status(org: Org, surveys: Surveys, row: Row) -> None:
    got = {role: _request(_client(org, role), row, surveys).status_code for role in ROLES}
    assert got == row.expect


def test_every_surveys_page_and_endpoint_has_a_row() -> None:
    from learnloop.surveys.api import router

    pages = {name for name in url_names(get_resolver()) if name.startswith("surveys:")}
    assert pages == {row.name for row in PAGES}
    operations = {
        operation.view_func.__name__
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    assert operations == {row.name for row in ENDPOINTS}
