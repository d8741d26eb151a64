"""Concurrent writers with overlapping actors, verbs and activities never fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from learnloop.xapi.engine.statements import VOIDED
from learnloop.xapi.models import Activity, Agent, Statement, Verb
from learnloop.xapi.tests._hammer import hammer


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_cause_no_errors():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL run only; the SQLite variant uses a file database")
    result = hammer()
    assert result["errors"] == []
    assert Statement.objects.count() == result["expected"]
    assert Agent.objects.filter(ifi__startswith="mbox|mailto:person").count() == 5
    assert Verb.objects.exclude(iri=VOIDED).count() == 4
    assert Activity.objects.count() == 8


def test_concurrent_writers_on_a_sqlite_file_cause_no_errors(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run only")
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'lrs.sqlite3'}",
        "LEARNLOOP_DATA_DIR": str(tmp_path),
    }
    script = Path(__file__).with_name("_hammer.py")
    done = subprocess.run(
        [sys.executable, str(script), "6", "8", "40"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["stored"] == result["expected"]


def test_writes_grouped_into_one_sqlite_commit_succeed_or_fail_each_on_its_own(tmp_path: Path):
    # Group commit: writes queued while the write lock is busy share one transaction; each is
    # still all-or-nothing (Statement resource: a batch with a conflicting id is refused with
    # 409 as a whole) and does not take the others down.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run only")
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'lrs.sqlite3'}",
        "LEARNLOOP_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_group_commit.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["queued_together"] == 3
    assert result["outcome"] == {"first": "stored", "conflicting": "Conflict", "third": "stored"}
    assert result["stored"] == 1 + 2 + 1
    assert result["leading"] is False
