"""Group commit on a SQLite file: run as a script on a fresh database (see test_concurrency)."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.example/", "name": "g"}}
TAKEN_ID = "9a3f8f4e-1c1e-4b8e-9d7a-3b2b8a2f0c11"


def statement(number: int, verb: str = "http://example.com/verbs/did") -> dict[str, Any]:
    return {
        "actor": {"mbox": f"mailto:person{number}@example.com"},
        "verb": {"id": verb},
        "object": {"id": f"http://example.com/activities/a{number}"},
    }


def main() -> dict[str, Any]:
    from django.db import connection

    from learnloop.xapi import actions, sql
    from learnloop.xapi.engine.statements import prepare_batch
    from learnloop.xapi.models import Statement

    actions.store_statements(
        prepare_batch([{**statement(0), "id": TAKEN_ID}]), authority=AUTHORITY, version="2.0.0"
    )
    batches = {
        "first": [statement(1), statement(2)],
        # Same id as a stored statement but a different verb: 409 for this batch alone.
        "conflicting": [
            statement(3),
            {**statement(0, "http://example.com/verbs/other"), "id": TAKEN_ID},
        ],
        "third": [statement(4)],
    }
    outcome: dict[str, str] = {}

    def write(name: str) -> None:
        try:
            actions.store_statements(
                prepare_batch(batches[name]), authority=AUTHORITY, version="2.0.0"
            )
            outcome[name] = "stored"
        except Exception as exc:  # reported to the test
            outcome[name] = type(exc).__name__
        finally:
            connection.close()

    # Hold the writers' file lock, as another process would, until all three writes queue.
    lock_path = Path(f"{connection.settings_dict['NAME']}.xapi-lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        threads = [threading.Thread(target=write, args=(name,)) for name in batches]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(sql._queued) < len(batches) and time.monotonic() < deadline:
            time.sleep(0.01)
        queued_together = len(sql._queued)
        fcntl.flock(handle, fcntl.LOCK_UN)
    for thread in threads:
        thread.join()
    return {
        "queued_together": queued_together,
        "outcome": outcome,
        "stored": Statement.objects.count(),
        "leading": sql._leading,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(json.dumps(main()))
