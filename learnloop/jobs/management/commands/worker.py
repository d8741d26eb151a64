from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from learnloop.jobs.scheduler import enqueue_due


class Command(BaseCommand):
    help = "Run background tasks and enqueue scheduled jobs (database queue or Redis, per LEARNLOOP_TASKS_BACKEND)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="only run tasks, do not enqueue scheduled jobs",
        )
        parser.add_argument(
            "--tick", type=float, default=30.0, help="seconds between schedule checks"
        )
        parser.add_argument(
            "--once", action="store_true", help="enqueue what is due, run the queue empty, exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND_NAME
        if backend == "immediate":
            raise CommandError(
                "LEARNLOOP_TASKS_BACKEND=immediate runs tasks inline; there is nothing for a worker to do"
            )
        if options["once"]:
            enqueue_due()
            self._run_worker(backend, burst=True)
            return
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=self._schedule, args=(stop, options["tick"]), daemon=True
            ).start()
        try:
            self._run_worker(backend, burst=False)
        finally:
            stop.set()

    def _schedule(self, stop: threading.Event, tick: float) -> None:
        while not stop.is_set():
            try:
                enqueue_due()
            except Exception:  # keep the worker alive; the next tick retries
                self.stderr.write("scheduler: could not enqueue due jobs; retrying")
            finally:
                close_old_connections()
            stop.wait(tick)

    def _run_worker(self, backend: str, *, burst: bool) -> None:
        if backend == "database":
            call_command("db_worker", batch=burst, interval=1, verbosity=1)
        else:
            # RQ must build jobs with django-tasks-rq's class, which knows how to run a Task.
            call_command(
                "rqworker",
                "default",
                burst=burst,
                with_scheduler=False,
                job_class="django_tasks_rq.backend.Job",
            )
