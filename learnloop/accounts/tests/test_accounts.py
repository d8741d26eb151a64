from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from learnloop.accounts import actions
from learnloop.accounts.models import ApiToken, User
from learnloop.audit.models import AuditEvent
from learnloop.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_the_email_in_any_case():
    UserFactory(email="ada@x.example")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "ADA@x.example ", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_it_refuses_a_wrong_password_and_a_closed_account():
    UserFactory(email="ada@x.example")
    UserFactory(email="gone@x.example", is_active=False)
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "ada@x.example", "password": "nope"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/accounts/login/", {"username": "gone@x.example", "password": "correct horse battery"}
        ).status_code
        == 200
    )
    assert "_auth_user_id" not in client.session


def test_a_signin_link_asks_before_signing_in_and_then_signs_in():
    user = UserFactory()
    path = actions.signin_link(user, base_url="http://testserver").removeprefix("http://testserver")
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post(path).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_signin_link_stops_working_when_it_expires_is_altered_or_the_password_changes():
    user = UserFactory()
    expired = actions.signin_link(user, max_age=-1, base_url="")
    assert Client().get(expired).status_code == 400
    good = actions.signin_link(user, base_url="")
    assert Client().get(good[:-3] + "xx/").status_code == 400
    user.set_password("another secret 123")
    user.save()
    assert Client().get(good).status_code == 400


def test_password_reset_reaches_an_imported_account_without_a_password():
    user = User.objects.create_user("new@x.example", None, full_name="New Hire")
    assert not user.has_usable_password()
    Client().post("/accounts/password/reset/", {"email": "new@x.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    client = Client()
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a long new passphrase")


def test_an_api_token_authenticates_until_it_is_revoked():
    user = UserFactory()
    token, secret = actions.issue_token(user, "laptop")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/me").json()["email"] == user.email
    assert ApiToken.objects.get().secret_hash != secret
    actions.revoke_token(token, actor=user)
    assert client.get("/api/v1/me").status_code == 401


def test_an_expired_token_a_wrong_secret_and_a_closed_account_are_refused():
    user = UserFactory()
    token, secret = actions.issue_token(user, "old", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 401
    )
    _, fresh = actions.issue_token(user, "new")
    assert (
        Client(headers={"Authorization": f"Bearer {fresh[:-2]}xx"}).get("/api/v1/me").status_code
        == 401
    )
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert Client(headers={"Authorization": f"Bearer {fresh}"}).get("/api/v1/me").status_code == 401


def test_the_token_page_shows_a_new_secret_once_and_records_it():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "ci"}).content.decode()
    secret = re.search(r'id="new-token">(ll_[^<]+)<', page)
    assert secret is not None
    assert secret.group(1) not in client.get("/accounts/tokens/").content.decode()
    assert AuditEvent.objects.filter(action="accounts.token_issued", actor=user).exists()


def test_the_token_page_requires_a_name():
    client = Client()
    client.force_login(UserFactory())
    response = client.post("/accounts/tokens/", {"name": "  "})
    assert b"This field is required." in response.content
    assert not ApiToken.objects.exists()


def test_createadmin_creates_then_promotes_without_prompting(capsys):
    call_command("createadmin", "--email", "root@x.example", "--password", "a strong secret")
    user = User.objects.get()
    assert user.is_superuser and user.check_password("a strong secret")
    call_command("createadmin", "--email", "ROOT@x.example", "--password", "another secret")
    assert User.objects.count() == 1
    assert "updated administrator root@x.example" in capsys.readouterr().out


def test_createadmin_explains_bad_input():
    with pytest.raises(CommandError, match="--email: 'nope' is not an e-mail address"):
        call_command("createadmin", "--email", "nope", "--password", "a strong secret")
    with pytest.raises(CommandError, match="at least 8 characters"):
        call_command("createadmin", "--email", "a@x.example", "--password", "short")


def test_signin_link_command_prints_a_working_link(capsys):
    user = UserFactory(email="ada@x.example")
    call_command("signin_link", "ada@x.example", "--hours", "1")
    link = capsys.readouterr().out.strip()
    assert actions.user_for_signin_token(link.rstrip("/").rsplit("/", 1)[1]) == user
    with pytest.raises(CommandError, match=r"no active account uses nobody@x\.example"):
        call_command("signin_link", "nobody@x.example")


def test_a_new_installations_first_admin_can_import_people(tmp_path):
    call_command(
        "createadmin",
        "--email",
        "root@x.example",
        "--password",
        "a strong secret",
        "--organization",
        "Acme",
    )
    client = Client()
    client.force_login(User.objects.get(email="root@x.example"))
    assert client.get("/people/import/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/people/import",
        {"file": SimpleUploadedFile("p.csv", b"Employee ID,Name,Email\n1,Ada,ada@x.example\n")},
    )
    assert response.status_code == 200 and response.json()["created"] == 1


def test_a_signin_link_signs_in_once_and_a_second_use_is_told_it_was_used():
    user = UserFactory()
    path = actions.signin_link(user, base_url="")
    assert Client().get(path).status_code == 200
    assert Client().post(path).status_code == 302
    again = Client()
    for response in (again.get(path), again.post(path)):
        assert response.status_code == 400
        assert b"already been used" in response.content
    assert "_auth_user_id" not in again.session
    assert AuditEvent.objects.filter(action="accounts.signin_link_used", target_id=str(user.pk))


def test_a_signin_link_does_not_show_the_password_hash():
    user = UserFactory()
    token = actions.signin_link(user, base_url="").rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt="learnloop.accounts.signin-link")
    assert user.password[-12:] not in str(payload)
