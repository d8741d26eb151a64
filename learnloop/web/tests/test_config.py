from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from learnloop import config


def test_a_secret_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("LEARNLOOP_SECRET_KEY", raising=False)
    monkeypatch.setenv("LEARNLOOP_SECRET_KEY_FILE", str(secret))
    assert config.secret_key(tmp_path) == "from-a-file"


def test_an_unreadable_secret_file_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("LEARNLOOP_SECRET_KEY", raising=False)
    monkeypatch.setenv("LEARNLOOP_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="LEARNLOOP_SECRET_KEY_FILE: cannot read"):
        config.secret_key(tmp_path)


def test_without_a_key_one_is_generated_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("LEARNLOOP_SECRET_KEY", raising=False)
    monkeypatch.delenv("LEARNLOOP_SECRET_KEY_FILE", raising=False)
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_bad_booleans_and_numbers_name_the_variable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LEARNLOOP_DEBUG", "maybe")
    with pytest.raises(
        ImproperlyConfigured, match="LEARNLOOP_DEBUG: expected true or false, got 'maybe'"
    ):
        config.env_bool("LEARNLOOP_DEBUG", False)
    monkeypatch.setenv("LEARNLOOP_PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="LEARNLOOP_PORT: expected a whole number"):
        config.env_int("LEARNLOOP_PORT", 8000)


def test_production_settings_are_strict_when_debug_is_off(settings):
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    assert settings.SECURE_CSP["frame-ancestors"] == [CSP.NONE]
    assert CSP.UNSAFE_INLINE not in settings.SECURE_CSP["script-src"]


def test_every_page_carries_a_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy


def _documented_variables(readme: str) -> set[str]:
    """Variables named in the README's configuration table; a row may abbreviate siblings
    (`LEARNLOOP_EMAIL_HOST`, `_PORT`) after its first full name."""
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split("|")[1]
        prefix = ""
        for name in re.findall(r"`(LEARNLOOP_[A-Z0-9_]+|_[A-Z0-9_]+)`", cell):
            if name.startswith("LEARNLOOP_"):
                names.add(name)
                prefix = name.rsplit("_", 1)[0]
            elif prefix and name != "_FILE":
                names.add(prefix + name)
    return names | set(re.findall(r"`(LEARNLOOP_[A-Z0-9_]+)`", section))


def test_every_setting_read_from_the_environment_is_documented_in_the_readme():
    source = (config.PACKAGE_DIR / "settings.py").read_text()
    read = set(re.findall(r"env\w*\(\s*\"(LEARNLOOP_[A-Z0-9_]+)\"", source))
    documented = _documented_variables((config.PACKAGE_DIR.parent / "README.md").read_text())
    assert read, "no settings found: the pattern no longer matches settings.py"
    assert sorted(read - documented) == []
