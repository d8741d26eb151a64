"""HTTP Basic authentication of LRS clients: no timing oracle on keys, and guessing is throttled."""

from __future__ import annotations

from typing import Any

import pytest

from learnloop.xapi import actions, auth
from learnloop.xapi.tests.conftest import KEY, Xapi


@pytest.fixture
def scrypt_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stored hashes each request verified a secret against."""
    seen: list[str] = []
    real = actions.secret_matches

    def counting(secret: str, stored: str) -> bool:
        seen.append(stored)
        return real(secret, stored)

    monkeypatch.setattr(auth, "secret_matches", counting)
    return seen


@pytest.fixture
def low_limits(settings: Any) -> None:
    settings.XAPI_AUTH_FAILURES_PER_KEY = 3
    settings.XAPI_AUTH_FAILURES_PER_ADDRESS = 5


def test_an_unknown_key_costs_the_same_scrypt_check_as_a_known_key_with_a_wrong_secret(
    lrs_client, scrypt_checks
):
    revoked, _ = actions.create_client(name="Old", key="revoked", actor_label="test")
    actions.revoke_client(revoked, actor_label="test")
    assert Xapi(key="no-such-key", secret="wrong-secret").get("activities").status_code == 401
    assert Xapi(key="revoked", secret="wrong-secret").get("activities").status_code == 401
    assert Xapi(key=KEY, secret="wrong-secret").get("activities").status_code == 401
    assert len(scrypt_checks) == 3 and all(h.startswith("scrypt$") for h in scrypt_checks)


def test_a_verified_client_is_not_checked_again_so_ingest_stays_cheap(lrs_client, scrypt_checks):
    xapi = Xapi()
    for _ in range(3):
        assert xapi.get("activities", activityId="http://example.com/a").status_code == 200
    assert len(scrypt_checks) <= 1


def test_wrong_secrets_for_a_key_are_throttled_with_the_xapi_error_shape(lrs_client, low_limits):
    for _ in range(3):
        assert Xapi(secret="wrong-secret").get("activities").status_code == 401
    response = Xapi(secret="wrong-secret").get("activities")
    assert response.status_code == 429
    assert "try again" in response.json()["error"]
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert 1 <= int(response["Retry-After"]) <= 300
    # An unknown key is answered the same way, so the 429 does not tell which keys exist.
    for _ in range(3):
        Xapi(key="no-such-key", secret="wrong-secret").get("activities")
    assert Xapi(key="no-such-key", secret="wrong-secret").get("activities").status_code == 429


def test_a_client_verified_before_the_flood_keeps_working(lrs_client, low_limits, scrypt_checks):
    good = Xapi()
    assert good.get("activities", activityId="http://example.com/a").status_code == 200
    for _ in range(4):
        Xapi(secret="wrong-secret").get("activities")
    assert Xapi(secret="wrong-secret").get("activities").status_code == 429
    assert good.get("activities", activityId="http://example.com/a").status_code == 200
    assert len(scrypt_checks) == 4  # the first good request and three wrong ones, no more


def test_guessing_many_keys_from_one_address_is_throttled(lrs_client, low_limits):
    for n in range(5):
        assert Xapi(key=f"guess-{n}", secret="wrong-secret").get("activities").status_code == 401
    assert Xapi(key="guess-9", secret="wrong-secret").get("activities").status_code == 429
    other = Xapi(key="guess-9", secret="wrong-secret")
    other.client.defaults["REMOTE_ADDR"] = "192.0.2.7"
    assert other.get("activities").status_code == 401
