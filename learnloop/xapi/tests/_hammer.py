"""Concurrent writers for the concurrency test; also runnable as a script on a fresh database."""

from __future__ import annotations

import copy
import json
import os
import sys
import threading
import uuid
from typing import Any

LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt", "sv")
# Every thread also sends this same statement, so writers race on one statement id.
SHARED = {
    "id": "6f1b5a52-4d1c-4c33-9a0e-3f5c2f7f0b11",
    "actor": {"mbox": "mailto:shared@example.com"},
    "verb": {"id": "http://example.com/verbs/shared"},
    "object": {"id": "http://example.com/activities/shared"},
    "timestamp": "2024-01-01T00:00:00Z",
}


def batch(thread: int, number: int, size: int) -> list[dict[str, Any]]:
    # Each thread brings its own language, so canonical definitions get updated concurrently.
    language = LANGUAGES[thread % len(LANGUAGES)]
    out = []
    for i in range(size):
        n = thread * 1000 + number * size + i
        out.append(
            {
                "id": str(uuid.uuid4()),
                "actor": {"mbox": f"mailto:person{n % 5}@example.com", "name": f"P{n % 5}"},
                "verb": {"id": f"http://example.com/verbs/v{n % 3}", "display": {language: "v"}},
                "object": {
                    "id": f"http://example.com/activities/a{n % 7}",
                    "definition": {"name": {language: f"A{n % 7}"}},
                },
                "context": {
                    "instructor": {"mbox": f"mailto:person{(n + 1) % 5}@example.com"},
                    "contextActivities": {
                        "parent": [{"id": f"http://example.com/activities/a{(n + 3) % 7}"}]
                    },
                },
            }
        )
    if number == 0:
        out.append(copy.deepcopy(SHARED))
    return out


def hammer(threads: int = 6, batches: int = 8, size: int = 40) -> dict[str, Any]:
    from django.db import connection

    from learnloop.xapi import actions
    from learnloop.xapi.engine.statements import prepare_batch

    errors: list[str] = []
    authority = {
        "objectType": "Agent",
        "account": {"homePage": "http://lrs.example/", "name": "hammer"},
    }

    def work(thread: int) -> None:
        try:
            for number in range(batches):
                try:
                    actions.store_statements(
                        prepare_batch(batch(thread, number, size)),
                        authority=authority,
                        version="2.0.0",
                    )
                except Exception as exc:  # the test counts every failure, whatever it is
                    errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"errors": errors, "expected": threads * batches * size + 1}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = hammer(*(int(arg) for arg in sys.argv[1:]))
    from learnloop.xapi.models import Statement

    result["stored"] = Statement.objects.count()
    print(json.dumps(result))
