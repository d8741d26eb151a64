"""How long `learnloop demo` takes to build a 10,000-employee organization (goal: under a minute).

Runs the real command against a fresh SQLite database in a temporary directory, or against
PostgreSQL when LEARNLOOP_DATABASE_URL names one (its contents are replaced). Every domain's
demo history is included; the skills step loads the ESCO taxonomy fetched by `make taxonomy`. The data directory
stays the usual one, so the skills step finds the fetched ESCO taxonomy (`make taxonomy`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPLOYEES = int(os.environ.get("DEMO_EMPLOYEES", "10000"))
LEARNLOOP = [sys.executable, "-m", "learnloop.cli"]


def main() -> None:
    # A scratch database, but the usual data directory: the skills step needs the fetched ESCO.
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "LEARNLOOP_DEBUG": "true"}
        database = env.get("LEARNLOOP_DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
        env["LEARNLOOP_DATABASE_URL"] = database
        subprocess.run([*LEARNLOOP, "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        result = subprocess.run(
            [*LEARNLOOP, "demo", "--employees", str(EMPLOYEES), "--reset"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        engine = database.split(":", 1)[0]
        print(
            f"demo build: {EMPLOYEES} employees on {engine} in {elapsed:.1f} s (goal: under 60 s)"
        )
        print(f"  the command said: {result.stdout.splitlines()[0]}")


if __name__ == "__main__":
    main()
