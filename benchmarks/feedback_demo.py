"""How long the feedback app's demo data takes on top of a demo organization, and how long the
alignment tree and a 1:1 page take to render for the demo personas.

Builds the people with `learnloop.demo.build` in a fresh SQLite database (or the PostgreSQL
named by LEARNLOOP_DATABASE_URL, whose demo organization is replaced), then times
`learnloop.feedback.demo.populate` and a few reads.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

EMPLOYEES = int(os.environ.get("DEMO_EMPLOYEES", "2000"))


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["LEARNLOOP_DATA_DIR"] = data_dir
        os.environ.setdefault(
            "LEARNLOOP_DATABASE_URL", f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        from learnloop.demo import build
        from learnloop.feedback import demo
        from learnloop.feedback.models import CheckInSeries

        # Pages resolve static URLs without running collectstatic first.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        call_command("migrate", verbosity=0)
        if build.existing() is not None:
            build.remove()
        started = time.perf_counter()
        personas = {p.key: p.user for p in build.build(EMPLOYEES, 7)}
        people_s = time.perf_counter() - started
        organization = build.existing()
        assert organization is not None
        started = time.perf_counter()
        summary = demo.populate(organization, seed=7)
        populate_s = time.perf_counter() - started
        print(
            f"people: {EMPLOYEES} in {people_s:.1f} s; feedback demo in {populate_s:.1f} s: {summary}"
        )
        client = Client()
        client.force_login(personas["manager"])
        series = CheckInSeries.objects.filter(manager=personas["manager"].employee).first()
        for label, url in (
            ("alignment tree", "/feedback/okrs/"),
            ("feedback hub", "/feedback/"),
            ("1:1 page", f"/feedback/checkins/{series.pk}/" if series else "/feedback/checkins/"),
        ):
            client.get(url, HTTP_HOST="localhost")
            started = time.perf_counter()
            for _ in range(5):
                assert client.get(url, HTTP_HOST="localhost").status_code == 200
            print(f"{label}: {(time.perf_counter() - started) / 5 * 1000:.0f} ms per page")


if __name__ == "__main__":
    main()
