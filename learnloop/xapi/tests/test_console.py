"""The LRS console pages, every role against them, and the lrs-client command."""

from __future__ import annotations

import base64

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from learnloop.conftest import Org
from learnloop.xapi import actions
from learnloop.xapi.models import LrsClient
from learnloop.xapi.tests.conftest import Xapi

ROLES = ("anonymous", "employee", "manager", "hr", "ld", "executive", "outsider")
LOGIN = 302


def _client(org: Org, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(org.user(role))
    return client


def _target(org: Org) -> int:
    client, _ = actions.create_client(
        name="target", key="target", secret="target-secret", actor_label="t"
    )
    return client.pk


PAGES = {
    "console": ("get", lambda o: "/xapi/extensions/admin/", None, 200),
    "create_client": (
        "post",
        lambda o: "/xapi/extensions/admin/clients/",
        {"name": "Moodle", "access": "read_write", "statements": "all"},
        200,
    ),
    "revoke_client": (
        "post",
        lambda o: f"/xapi/extensions/admin/clients/{_target(o)}/revoke/",
        None,
        302,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_only_hr_and_ld_admins_reach_the_console(org, page, role):
    method, path, data, allowed = PAGES[page]
    response = getattr(_client(org, role), method)(path(org), data)
    expected = LOGIN if role == "anonymous" else allowed if role in ("hr", "ld") else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_lrs_endpoints_ignore_the_session(org, role):
    response = _client(org, role).get(
        "/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_lrs_path_is_404_for_everyone(org, role):
    response = _client(org, role).get("/xapi/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "/xapi/nothing-here: no such xAPI resource"}


def test_every_xapi_url_is_covered_by_a_matrix():
    from learnloop.xapi.urls import urlpatterns

    lrs = {
        "statements",
        "state",
        "activity_profile",
        "activities",
        "agent_profile",
        "agents",
        "about",
        "unknown",
    }
    assert {p.name for p in urlpatterns} == set(PAGES) | lrs


def test_a_created_client_shows_its_secret_once_and_only_its_hash_is_stored(org):
    client = _client(org, "hr")
    response = client.post(
        "/xapi/extensions/admin/clients/",
        {"name": "Moodle", "key": "moodle", "access": "read", "statements": "own"},
    )
    secret = response.context["created"]["secret"]
    stored = LrsClient.objects.get(key="moodle")
    assert secret not in stored.secret_hash
    assert stored.secret_hash.startswith("scrypt$")
    assert Xapi("moodle", secret).get("statements").status_code == 200
    assert secret not in client.get("/xapi/extensions/admin/").content.decode()


def test_the_console_lists_statements_and_counts(org):
    actions.create_client(name="x", key="x", secret="x-secret-1", actor_label="t")
    page = _client(org, "ld").get("/xapi/extensions/admin/", {"verb": "client_created"})
    assert page.status_code == 200
    assert page.context["statements"]
    assert page.context["counts"]


def test_the_cli_creates_lists_and_revokes_clients(db, capsys):
    call_command(
        "lrs_client", "create", "--name", "Suite", "--key", "suite", "--secret", "suite-secret"
    )
    assert "secret: suite-secret" in capsys.readouterr().out
    assert Xapi("suite", "suite-secret").get("statements").status_code == 200
    call_command("lrs_client", "list")
    assert "suite\tSuite" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "lrs_client", "create", "--name", "Suite", "--key", "suite", "--secret", "suite-secret"
        )
    call_command("lrs_client", "revoke", "--key", "suite")
    assert Xapi("suite", "suite-secret").get("statements").status_code == 401


def test_public_lrs_paths_do_not_look_up_credentials(lrs_client, monkeypatch):
    def refuse(request):
        raise AssertionError("a public path looked up the client")

    monkeypatch.setattr("learnloop.xapi.endpoints.authenticate", refuse)
    wrong = {"Authorization": "Basic " + base64.b64encode(b"conformance:wrong").decode()}
    assert Client().get("/xapi/about", headers=wrong).status_code == 200
    assert Client().get("/xapi/nothing-here", headers=wrong).status_code == 404
