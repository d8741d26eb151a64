"""How long `learnloop demo` takes to build a 10,000-employee organization (goal: under a minute).

Runs the real command against a fresh SQLite database in a temporary directory, or against
PostgreSQL when LEARNLOOP_DATABASE_URL names one (its contents are replaced).
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
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "LEARNLOOP_DATA_DIR": data_dir, "LEARNLOOP_DEBUG": "true"}
        database = env.get(
            "LEARNLOOP_DATABASE_URL", f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        )
        env["LEARNLOOP_DATABASE_URL"] = database
        subprocess.run([*LEARNLOOP, "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*LEARNLOOP, "demo", "--employees", str(EMPLOYEES), "--reset"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        engine = database.split(":", 1)[0]
        print(
            f"demo build: {EMPLOYEES} employees on {engine} in {elapsed:.1f} s (goal: under 60 s)"
        )


if __name__ == "__main__":
    main()
