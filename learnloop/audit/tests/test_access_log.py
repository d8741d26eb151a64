"""The access log leaves out the requests of anonymous acts (their time and client address)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from learnloop.audit.access_log import ANONYMOUS_ENDPOINTS, AccessLog
from learnloop.conftest import url_names


def test_every_anonymous_endpoint_is_a_url_of_the_app() -> None:
    assert sorted(ANONYMOUS_ENDPOINTS - url_names()) == []


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/surveys/pulses/3/answer/", False),
        ("/surveys/suggestions/new/", False),
        ("/api/v1/surveys/pulses/3/responses", False),
        ("/api/v1/surveys/suggestions", False),
        ("/surveys/pulses/3/", True),
        ("/api/v1/me", True),
        ("/no/such/page", True),
    ],
)
def test_the_access_log_leaves_out_anonymous_acts_only(
    path: str, logged: bool, caplog: pytest.LogCaptureFixture
) -> None:
    config = Config()
    config.set("accesslog", "-")
    log = AccessLog(config)
    log.access_log.propagate = True
    request = SimpleNamespace(method="POST", path=path, query="", version=(1, 1), headers=[])
    response = SimpleNamespace(status="201 Created", sent=0, headers=[])
    environ = {
        "PATH_INFO": path,
        "RAW_URI": path,
        "REMOTE_ADDR": "10.0.0.5",
        "REQUEST_METHOD": "POST",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        log.access(response, request, environ, SimpleNamespace(seconds=0, microseconds=1))
    assert ("10.0.0.5" in caplog.text) is logged


def test_serve_uses_the_access_log() -> None:
    from learnloop.web.management.commands import serve

    assert "learnloop.audit.access_log.AccessLog" in Path(serve.__file__).read_text()
    assert reverse("surveys:answer", args=[1]) == "/surveys/pulses/1/answer/"
