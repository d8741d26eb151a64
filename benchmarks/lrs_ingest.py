"""LRS ingest and query benchmark: learnloop's xAPI endpoint under gunicorn, over HTTP.

1. A fresh database (SQLite file, or a PostgreSQL database that is dropped and re-created),
   migrated with ``learnloop migrate``, and one client from ``learnloop lrs-client create``.
2. gunicorn serves learnloop on 127.0.0.1; N concurrent clients POST batches of realistic
   statements (pre-generated, so the clients measure the server, not JSON generation), first
   an untimed warm-up round (``--warmup`` POSTs per client, its rate printed on its own line),
   then the timed one.
3. Statements are bulk-loaded in-process through the same store path
   (``actions.store_statements``, batches of 5,000, ``stored`` spread over 90 days) until the
   store holds ``--stored`` statements.
4. Common filtered GETs over HTTP, one at a time; p50/p95 per query kind.

    .venv/bin/python benchmarks/lrs_ingest.py --db sqlite
    .venv/bin/python benchmarks/lrs_ingest.py --db postgres --pg-url postgresql://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from learnloop.web.management.commands.serve import DEFAULT_THREADS, DEFAULT_WORKERS

ROOT = Path(__file__).resolve().parent.parent
KEY, SECRET = "bench", "bench-secret-1"
VERBS = [
    f"http://adlnet.gov/expapi/verbs/{v}"
    for v in (
        "attempted", "completed", "passed", "failed", "answered", "experienced", "launched",
        "initialized", "terminated", "progressed", "interacted", "commented", "registered",
        "scored", "suspended", "resumed", "mastered", "preferred", "shared", "asked",
    )
]  # fmt: skip
AGENTS = 10_000
ACTIVITIES = 2_000
REGISTRATIONS = [str(uuid.UUID(int=random.Random(7).getrandbits(128))) for _ in range(500)]


def statement(rng: random.Random, when: dt.datetime | None = None) -> dict[str, Any]:
    person = rng.randrange(AGENTS)
    activity = rng.randrange(ACTIVITIES)
    course = activity // 50
    verb = rng.choice(VERBS)
    out: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": f"Learner {person}",
            "mbox": f"mailto:learner{person}@example.com",
        },
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
        "object": {
            "objectType": "Activity",
            "id": f"http://example.com/courses/{course}/activities/{activity}",
            "definition": {
                "name": {"en-US": f"Activity {activity}"},
                "description": {"en-US": f"Activity {activity} of course {course}"},
                "type": "http://adlnet.gov/expapi/activities/interaction",
            },
        },
        "result": {
            "score": {
                "scaled": round(rng.random(), 3),
                "raw": rng.randrange(101),
                "min": 0,
                "max": 100,
            },
            "success": rng.random() > 0.3,
            "completion": rng.random() > 0.5,
            "duration": f"PT{rng.randrange(1, 3600)}S",
        },
        "context": {
            "registration": rng.choice(REGISTRATIONS),
            "platform": "benchmark",
            "language": "en-US",
            "contextActivities": {
                "parent": [{"id": f"http://example.com/courses/{course}"}],
                "grouping": [{"id": "http://example.com/programs/onboarding"}],
            },
            "extensions": {"http://example.com/ext/session": rng.randrange(10**6)},
        },
        "timestamp": (when or dt.datetime.now(dt.UTC)).isoformat(),
    }
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def learnloop(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/learnloop"), *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def fresh_database(args: argparse.Namespace, workdir: Path) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{args.sqlite_path or workdir / 'lrs-bench.sqlite3'}"
    import psycopg

    base = args.pg_url.rstrip("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (args.pg_database,)
        ).fetchone()
        if args.reuse and found:
            return f"{base}/{args.pg_database}"
        conn.execute(f"DROP DATABASE IF EXISTS {args.pg_database}")
        conn.execute(f"CREATE DATABASE {args.pg_database}")
    return f"{base}/{args.pg_database}"


class Session:
    """One keep-alive HTTP connection speaking xAPI."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        self.headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        }

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            status, _ = Session(port).call("GET", "/xapi/about")
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def wait_workers_loaded(process: subprocess.Popen[bytes], workers: int) -> None:
    """Wait until every worker has loaded the app (their CPU time stops growing).

    Each worker imports every view before it accepts (learnloop/wsgi.py); the first answer
    only says that one of them is ready, and the others' start-up would count as ingest time.
    """

    def cpu_ticks() -> int | None:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        if len(children) < workers:
            return None
        ticks = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks

    if not Path("/proc").is_dir():  # not Linux: give them the time they take here
        time.sleep(10)
        return
    deadline = time.monotonic() + 60
    previous = None
    while time.monotonic() < deadline:
        time.sleep(0.5)
        ticks = cpu_ticks()
        if ticks is not None and ticks == previous:
            return
        previous = ticks


def ingest(port: int, clients: int, requests: int, batch: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    bodies = [
        [json.dumps([statement(rng) for _ in range(batch)]).encode() for _ in range(requests)]
        for _ in range(clients)
    ]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        session = Session(port)
        mine: list[float] = []
        barrier.wait()
        for body in bodies[index]:
            started = time.perf_counter()
            try:
                status, content = session.call("POST", "/xapi/statements", body)
            except OSError as exc:
                status, content = 0, str(exc).encode()
                session = Session(port)
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors.append(f"{status}: {content[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = clients * requests * batch
    return {
        "statements": total,
        "seconds": elapsed,
        "rate": total / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def bulk_load(database_url: str, target: int, chunk: int = 5000) -> tuple[int, float]:
    """Fill the store to ``target`` statements through the store path, in-process."""
    os.environ["LEARNLOOP_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    import django

    django.setup()
    from learnloop.xapi import actions
    from learnloop.xapi.engine.statements import prepare_batch
    from learnloop.xapi.models import Statement

    have = Statement.objects.count()
    missing = max(0, target - have)
    rng = random.Random(2)
    authority = {
        "objectType": "Agent",
        "account": {"homePage": "http://127.0.0.1/xapi/", "name": KEY},
    }
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
    step = dt.timedelta(days=89) / max(1, missing // chunk + 1)
    started = time.perf_counter()
    loaded = 0
    while loaded < missing:
        size = min(chunk, missing - loaded)
        stored = start + step * (loaded // chunk)
        batch = prepare_batch([statement(rng, stored) for _ in range(size)])
        actions.store_statements(batch, authority=authority, version="2.0.0", stored=stored)
        loaded += size
        if loaded % 100_000 < chunk:
            print(f"  bulk-loaded {have + loaded:,} statements", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql" or connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    return loaded, time.perf_counter() - started


def in_process(database_url: str, batches: int, batch: int) -> dict[str, float]:
    """The POST path without HTTP: Django's handler (middleware, auth, validation, storage).

    Less sensitive to a loaded machine than requests/s: reports microseconds per statement,
    wall and this process's CPU (on SQLite the database engine runs in-process too).
    """
    os.environ["LEARNLOOP_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    import django

    django.setup()
    import orjson
    from django.test import Client

    from learnloop.xapi.engine.statements import prepare_batch

    rng = random.Random(4)
    bodies = [
        json.dumps([statement(rng) for _ in range(batch)]).encode() for _ in range(batches + 5)
    ]
    client = Client(SERVER_NAME="127.0.0.1")
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}

    def post(body: bytes) -> None:
        response = client.generic(
            "POST", "/xapi/statements", body, content_type="application/json", headers=headers
        )
        if response.status_code != 200:
            raise SystemExit(f"in-process POST failed: {response.status_code} {response.content!r}")

    for body in bodies[:5]:  # warm up: connection, caches
        post(body)
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies[5:]:
        post(body)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    fresh = [json.dumps([statement(rng) for _ in range(batch)]).encode() for _ in range(batches)]
    validate = time.process_time()
    for body in fresh:
        prepare_batch(orjson.loads(body), offset_required=True)
    validate = time.process_time() - validate
    count = batches * batch
    return {
        "wall_us": wall / count * 1e6,
        "cpu_us": cpu / count * 1e6,
        "validate_us": validate / count * 1e6,
    }


def queries(port: int, count: int) -> dict[str, dict[str, float]]:
    rng = random.Random(3)
    session = Session(port)
    week_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def agent() -> str:
        return json.dumps({"mbox": f"mailto:learner{rng.randrange(AGENTS)}@example.com"})

    kinds = {
        "agent+verb+since": lambda: {
            "agent": agent(),
            "verb": rng.choice(VERBS),
            "since": week_ago,
        },
        "agent": lambda: {"agent": agent(), "limit": "50"},
        "verb+since": lambda: {"verb": rng.choice(VERBS), "since": week_ago, "limit": "50"},
        "activity": lambda: {
            "activity": f"http://example.com/courses/{(a := rng.randrange(ACTIVITIES)) // 50}/activities/{a}",
            "limit": "50",
        },
        "registration": lambda: {"registration": rng.choice(REGISTRATIONS), "limit": "50"},
        "related_activities": lambda: {
            "activity": f"http://example.com/courses/{rng.randrange(ACTIVITIES // 50)}",
            "related_activities": "true",
            "limit": "50",
        },
        "latest (no filter)": lambda: {"limit": "50"},
    }
    results: dict[str, dict[str, float]] = {}
    for name, make in kinds.items():
        timings: list[float] = []
        failures = 0
        for _ in range(count):
            path = "/xapi/statements?" + urlencode(make())
            started = time.perf_counter()
            status, _ = session.call("GET", path)
            timings.append(time.perf_counter() - started)
            failures += status != 200
        results[name] = {
            "p50_ms": percentile(timings, 50) * 1000,
            "p95_ms": percentile(timings, 95) * 1000,
            "errors": failures,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-database", default="ll_xapi_bench")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--requests", type=int, default=40, help="POSTs per client")
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="POSTs per client before the timed ones (database connections, prepared "
        "statements and validation memos warm up); their own rate is printed too",
    )
    parser.add_argument(
        "--stored",
        type=int,
        default=1_000_000,
        help="statements stored before the query phase (0: skip)",
    )
    parser.add_argument("--queries", type=int, default=100, help="requests per query kind")
    # learnloop serve's defaults.
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument(
        "--in-process",
        type=int,
        default=40,
        metavar="BATCHES",
        help="also time the POST path in-process, without HTTP (0: skip)",
    )
    parser.add_argument("--sqlite-path", help="SQLite file to use (default: a temporary one)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database afterwards, and reuse it if it exists (skips the ingest phase)",
    )
    parser.add_argument(
        "--ingest", action="store_true", help="with --reuse: ingest into the reused store too"
    )
    args = parser.parse_args()
    if args.reuse and args.db == "sqlite" and not args.sqlite_path:
        parser.error("--reuse with --db sqlite needs --sqlite-path")

    workdir = Path(tempfile.mkdtemp(prefix="lrs-bench-"))
    database_url = fresh_database(args, workdir)
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": database_url,
        "LEARNLOOP_DATA_DIR": str(workdir),
        "LEARNLOOP_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "learnloop.settings",
    }
    print(f"database: {args.db} ({database_url})")
    reused = args.reuse and _has_bench_client(env)
    if not reused:
        learnloop(env, "migrate", "--no-input", "-v", "0")
        learnloop(env, "lrs-client", "create", "--name", "bench", "--key", KEY, "--secret", SECRET)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "learnloop.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "gthread", "--threads", str(args.threads), "--log-level", "warning",
        ],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_ready(port, server)
        wait_workers_loaded(server, args.workers)
        if not reused or args.ingest:
            run_ingest(args, port)
        if args.in_process:
            cost = in_process(database_url, args.in_process, args.batch)
            print(
                f"in-process POST path (no HTTP, {args.in_process} batches of {args.batch}): "
                f"{cost['wall_us']:.0f} us/statement wall, {cost['cpu_us']:.0f} us/statement "
                f"CPU, of which parsing and validation {cost['validate_us']:.0f} us"
            )
        if args.stored:
            print(
                f"bulk load to {args.stored:,} statements (in-process, store path, batches of 5,000)"
            )
            loaded, seconds = bulk_load(database_url, args.stored)
            if loaded:
                print(
                    f"  loaded {loaded:,} in {seconds:.0f} s ({loaded / seconds:,.0f} statements/s)"
                )
        if args.queries:
            print(f"queries ({args.queries} each, one at a time):")
            for name, figures in queries(port, args.queries).items():
                print(
                    f"  {name:<20} p50 {figures['p50_ms']:6.1f} ms"
                    f"  p95 {figures['p95_ms']:6.1f} ms  errors {figures['errors']:.0f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.reuse:
            shutil.rmtree(workdir, ignore_errors=True)


def _has_bench_client(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [str(ROOT / ".venv/bin/learnloop"), "lrs-client", "list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and any(
        line.startswith(f"{KEY}\t") for line in done.stdout.splitlines()
    )


def run_ingest(args: argparse.Namespace, port: int) -> None:
    if args.warmup:
        warm = ingest(port, args.clients, args.warmup, args.batch, seed=2)
        print(
            f"warm-up: {args.clients} clients x {args.warmup} POSTs x {args.batch} statements, "
            f"{warm['rate']:,.0f} statements/s, errors: {len(warm['errors'])}"
        )
    print(
        f"ingest: {args.clients} clients x {args.requests} POSTs x {args.batch} statements "
        f"(gunicorn {args.workers} workers x {args.threads} threads, 127.0.0.1:{port})"
    )
    result = ingest(port, args.clients, args.requests, args.batch)
    print(
        f"  statements/s ingested: {result['rate']:,.0f} "
        f"({result['statements']:,} in {result['seconds']:.1f} s)"
    )
    print(f"  request latency p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
    print(f"  errors: {len(result['errors'])}")
    for error in result["errors"][:5]:
        print(f"    {error}")
    print(
        "  peer, quoted from issue 3 and not run here (ADL_LRS is on none of the registries "
        "this project installs from): ADL_LRS (Django, PostgreSQL) ingested about 19 "
        "statements/s in batches of 10 from 4 threads; 34 % of its batch requests failed "
        "with database deadlocks"
    )


if __name__ == "__main__":
    main()
