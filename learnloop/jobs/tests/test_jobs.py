from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.tasks import task

from learnloop.jobs.models import ScheduledRun
from learnloop.jobs.schedule import SCHEDULE, Job
from learnloop.jobs.scheduler import enqueue_due

UTC = datetime.UTC
RUNS: list[str] = []


@task
def remember(label: str = "ran") -> str:
    RUNS.append(label)
    return label


PROBE = Job(
    "test.remember", "learnloop.jobs.tests.test_jobs.remember", "daily", datetime.time(2, 0)
)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_daily_job_is_due_from_its_time_until_the_next_day():
    assert PROBE.last_slot(at("2026-11-23 02:00")) == at("2026-11-23 02:00")
    assert PROBE.last_slot(at("2026-11-23 01:59")) == at("2026-11-22 02:00")


def test_a_weekly_job_falls_on_its_weekday_and_an_hourly_one_on_its_minute():
    sunday = Job("w", "x", "weekly", datetime.time(3, 0), weekday=6)
    assert sunday.last_slot(at("2026-11-23 10:00")) == at("2026-11-22 03:00")  # Monday -> Sunday
    assert sunday.last_slot(at("2026-11-22 02:59")) == at("2026-11-15 03:00")
    hourly = Job("h", "x", "hourly", datetime.time(0, 15))
    assert hourly.last_slot(at("2026-11-23 10:14")) == at("2026-11-23 09:15")


def test_every_scheduled_task_exists():
    from django.utils.module_loading import import_string

    for job in SCHEDULE:
        assert hasattr(import_string(job.task), "enqueue"), job.task


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_many_workers_ask(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    now = at("2026-11-23 05:00")
    assert enqueue_due(now, (PROBE,)) == ["test.remember"]
    assert enqueue_due(now, (PROBE,)) == []
    assert enqueue_due(now + datetime.timedelta(days=1), (PROBE,)) == ["test.remember"]
    assert ScheduledRun.objects.filter(job="test.remember").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_due_jobs_from_the_database_queue(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TASKS_BACKEND_NAME = "database"
    monkeypatch.setattr("learnloop.jobs.scheduler.SCHEDULE", (PROBE,))
    RUNS.clear()
    call_command("worker", "--once")
    assert RUNS == ["ran"]


@pytest.mark.django_db(transaction=True)
def test_the_redis_backend_runs_tasks_through_rq(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {settings.REDIS_URL}")
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": settings.REDIS_URL.rsplit("/", 1)[0] + "/15"}}
    django_rq.get_connection("default").flushdb()
    RUNS.clear()
    result = remember.using(backend="default").enqueue("via redis")
    queue = django_rq.get_queue("default", job_class=RQJob)
    SimpleWorker([queue], connection=queue.connection, job_class=RQJob).work(burst=True)
    assert RUNS == ["via redis"]
    result.refresh()
    assert result.return_value == "via redis"
