"""Sign-in throttling (django-axes), HR's unlock page, and throttled e-mail requests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from learnloop.audit.models import AuditEvent
from learnloop.conftest import Org
from learnloop.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery"  # the factories' password


def _sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_fifty_wrong_passwords_lock_the_account_at_that_address_until_hr_unlocks_it(org: Org):
    email = org.employee.user.email
    client = Client()
    statuses = [_sign_in(client, email, f"guess {n}").status_code for n in range(50)]
    assert statuses[0] == 200 and statuses[-1] == 429
    locked = _sign_in(client, email.upper(), RIGHT)
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session

    hr = Client()
    hr.force_login(org.hr.user)
    page = hr.get("/accounts/lockouts/").content.decode()
    assert email in page and "127.0.0.1" in page
    assert (
        hr.post(
            "/accounts/lockouts/unlock/", {"address": "127.0.0.1", "account": email}
        ).status_code
        == 302
    )
    assert email not in hr.get("/accounts/lockouts/").content.decode()
    assert AuditEvent.objects.filter(action="accounts.signin_unlocked", actor=org.hr.user).exists()
    assert _sign_in(client, email, RIGHT).status_code == 302


def test_a_lockout_holds_only_for_the_address_that_guessed(org: Org):
    email = org.employee.user.email
    for n in range(10):
        _sign_in(Client(), email, f"guess {n}")
    assert _sign_in(Client(), email, RIGHT).status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.4")
    assert _sign_in(elsewhere, email, RIGHT).status_code == 302


def test_spraying_many_accounts_from_one_address_locks_the_address(org: Org):
    emails = [UserFactory().email for _ in range(5)] + ["nobody@x.example"]
    for n in range(50):
        _sign_in(Client(), emails[n % len(emails)], "Winter2026!")
    blocked = _sign_in(Client(), org.peer.user.email, RIGHT)
    assert blocked.status_code == 429
    hr = Client()
    hr.force_login(org.hr.user)
    assert "127.0.0.1" in hr.get("/accounts/lockouts/").content.decode()
    hr.post("/accounts/lockouts/unlock/", {"address": "127.0.0.1"})
    assert _sign_in(Client(), org.peer.user.email, RIGHT).status_code == 302


def test_only_hr_sees_and_lifts_lockouts(org: Org, client_for: Any):
    for role in ("employee", "manager", "ld", "executive"):
        assert client_for(role).get("/accounts/lockouts/").status_code == 403
        assert (
            client_for(role)
            .post("/accounts/lockouts/unlock/", {"address": "127.0.0.1"})
            .status_code
            == 403
        )


def test_an_unlock_without_an_address_is_refused_with_the_reason(client_for: Any):
    response = client_for("hr").post("/accounts/lockouts/unlock/", {"account": "a@x.example"})
    assert response.status_code == 400
    assert b"address" in response.content


def test_a_flood_of_reset_requests_for_one_address_sends_three_mails_and_reveals_nothing(org: Org):
    email = org.employee.user.email
    answers = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post("/accounts/password/reset/", {"email": email})
        for n in range(10)
    ]
    unknown = Client(REMOTE_ADDR="203.0.113.99").post(
        "/accounts/password/reset/", {"email": "nobody@x.example"}
    )
    assert {a.status_code for a in answers} == {302} and unknown.status_code == 302
    assert {a["Location"] for a in answers} == {unknown["Location"]}
    assert len(mail.outbox) == 3


def test_a_flood_of_reset_requests_from_one_address_is_throttled(org: Org):
    client = Client()
    statuses = [
        client.post("/accounts/password/reset/", {"email": f"p{n}@x.example"}).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    response = client.post("/accounts/password/reset/", {"email": org.employee.user.email})
    assert b"Too many requests" in response.content and len(mail.outbox) == 0


def test_a_signin_link_asked_for_by_e_mail_signs_in_once(org: Org):
    response = Client().post("/accounts/signin-link/", {"email": org.employee.user.email.upper()})
    assert response.status_code == 302 and response["Location"] == "/accounts/signin-link/sent/"
    link = re.search(r"http://\S+(/accounts/link/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    assert Client().post(link.group(1)).status_code == 302
    assert Client().post(link.group(1)).status_code == 400


def test_a_flood_of_link_requests_is_throttled_per_recipient_and_per_address(org: Org):
    email = org.employee.user.email
    answers = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post("/accounts/signin-link/", {"email": email})
        for n in range(10)
    ]
    unknown = Client().post("/accounts/signin-link/", {"email": "nobody@x.example"})
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, unknown["Location"])}
    assert len(mail.outbox) == 3
    client = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        client.post("/accounts/signin-link/", {"email": f"p{n}@x.example"}).status_code
        for n in range(21)
    ]
    assert statuses == [302] * 20 + [429]
