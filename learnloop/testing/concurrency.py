"""A harness for races: N threads, each on its own database connection, released together by a
barrier, each calling the same action. Tests assert the invariant on what they return.

The threads need a database they can share and really concurrent transactions, which the
in-memory SQLite test database cannot give: tests marked ``@concurrent`` skip there and run in
the suite's PostgreSQL pass (``make test``, CI).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

_needs_postgresql = pytest.mark.skipif(
    not POSTGRESQL,
    reason="needs PostgreSQL: concurrent transactions on a shared database "
    "(set LEARNLOOP_DATABASE_URL=postgresql://…; make test does)",
)


def concurrent[F: Callable[..., Any]](test: F) -> F:
    """Marks a race test: committed fixtures the threads can see, and PostgreSQL only."""
    marked: F = pytest.mark.django_db(transaction=True)(_needs_postgresql(test))
    return marked


@dataclass(frozen=True)
class Outcome:
    """What one thread got: the action's value or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


@dataclass(frozen=True)
class Race:
    outcomes: list[Outcome]

    @property
    def values(self) -> list[Any]:
        return [o.value for o in self.outcomes if o.error is None]

    @property
    def errors(self) -> list[BaseException]:
        return [o.error for o in self.outcomes if o.error is not None]

    def errors_other_than(self, *expected: type[BaseException]) -> list[BaseException]:
        """The errors that are not one of the domain's clear refusals: each is a bug."""
        return [e for e in self.errors if not isinstance(e, expected)]


def race(action: Callable[[int], object], threads: int = 8, timeout: float = 60.0) -> Race:
    """Run ``action(i)`` in ``threads`` threads at once; returns every thread's outcome.

    Each thread opens its own connection (Django's are per thread) and closes it at its end,
    so the test database can be flushed afterwards."""
    barrier = threading.Barrier(threads, timeout=timeout)
    outcomes: list[Outcome | None] = [None] * threads

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = Outcome(value=action(index))
        except BaseException as exc:  # collected for the test to judge, whatever it is
            outcomes[index] = Outcome(error=exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
        if worker.is_alive():
            raise AssertionError(f"a racing thread did not finish within {timeout} s (deadlock?)")
    return Race(
        [o if o is not None else Outcome(error=RuntimeError("no outcome")) for o in outcomes]
    )
