"""`learnloop serve` migrates a fresh database, answers over HTTP with every view loaded, stops
cleanly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_migrates_a_fresh_database_answers_the_lrs_and_stops_cleanly(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run only: the command is the same on PostgreSQL")
    port = free_port()
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "LEARNLOOP_DATA_DIR": str(tmp_path),
        "LEARNLOOP_DEBUG": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "learnloop.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/about", timeout=5) as r:
                    assert r.status == 200
                    assert b'"version"' in r.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "learnloop serve did not answer within 90 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    # A stopped worker's shutdown is silent: no native library reports objects it leaked.
    assert b"leaked" not in errors, errors.decode()
