from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from learnloop.config import env_int

# benchmarks/lrs_ingest.py starts gunicorn with these too, so it measures what serve runs.
DEFAULT_WORKERS = min(2 * (os.cpu_count() or 1) + 1, 8)
DEFAULT_THREADS = 4


class Command(BaseCommand):
    help = "Migrate, collect static files and serve learnloop with gunicorn (127.0.0.1 by default)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("LEARNLOOP_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("LEARNLOOP_PORT", 8000))
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("LEARNLOOP_WEB_WORKERS", DEFAULT_WORKERS),
        )
        parser.add_argument(
            "--threads", type=int, default=env_int("LEARNLOOP_WEB_THREADS", DEFAULT_THREADS)
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "learnloop.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            # Leaves anonymous acts (pulse answers, suggestions) out of the access log.
            "--logger-class",
            "learnloop.audit.access_log.AccessLog",
            "--graceful-timeout",
            "10",
        ]
        self.stdout.write(f"learnloop serving on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)
