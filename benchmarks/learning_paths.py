"""Path planner at organization scale, beside implicit's ALS on the same interaction matrix.

    .venv/bin/python benchmarks/learning_paths.py [--employees 10000] [--items 5000] [--no-als]

A synthetic organization (seeded): 200 skills, 60 roles, a catalog with prerequisite chains
(skill levels and item series), employees with levels, mastery estimates, history, preferences
and edits. Prints the time to plan every employee's path, the p95 for one employee, and the time
implicit's ALS (run in .venv-bench, see benchmarks/_learning_bench_env.sh) takes to fit and
recommend on the employee x item completion matrix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from learnloop.learning.engine import paths as p  # noqa: E402

BENCH_ENV = ROOT / ".venv-bench"
SKILLS, ROLES = 200, 60
FORMATS = ("course", "video", "article", "book", "micro-lesson", "project")
LANGUAGES = ("en", "en", "en", "fr", "de")


def build_catalog(rng: random.Random, count: int) -> list[p.Item]:
    items: list[p.Item] = []
    series_last: dict[int, int] = {}
    for item_id in range(count):
        main = rng.randrange(SKILLS)
        level = rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        teaches = [p.SkillLevel(main, level)]
        for _ in range(rng.choice((0, 0, 1, 2))):
            other = rng.randrange(SKILLS)
            if other != main:
                teaches.append(p.SkillLevel(other, max(1, level - 1)))
        prerequisites = [p.SkillLevel(main, level - 1)] if level > 1 else []
        prerequisite_items: tuple[int, ...] = ()
        if rng.random() < 0.3 and main in series_last:  # a series: part n needs part n-1
            prerequisite_items = (series_last[main],)
        series_last[main] = item_id
        items.append(
            p.Item(
                id=item_id,
                title=f"Item {item_id}",
                teaches=tuple(teaches),
                hours=rng.choice((0.5, 1, 2, 4, 8, 12, 20, 40)),
                format=rng.choice(FORMATS),
                language=rng.choice(LANGUAGES),
                cost=rng.choice((0, 0, 0, 50, 200, 800)),
                prerequisite_skills=tuple(prerequisites),
                prerequisite_items=prerequisite_items,
            )
        )
    return items


def build_roles(rng: random.Random) -> list[p.Target]:
    roles = []
    for role in range(ROLES):
        skills = rng.sample(range(SKILLS), rng.randint(8, 15))
        roles.append(
            p.Target(
                p.TargetKind.NEXT_ROLE,
                f"Role {role}",
                tuple(
                    p.Requirement(s, rng.randint(2, 4), rng.choice((1.0, 1.0, 2.0))) for s in skills
                ),
            )
        )
    return roles


def build_employees(
    rng: random.Random, count: int, roles: list[p.Target], items: int
) -> list[tuple[int, p.Target, p.Learner]]:
    employees = []
    for _ in range(count):
        role = rng.randrange(ROLES)
        target = roles[rng.randrange(ROLES)] if rng.random() < 0.5 else roles[role]
        skills = {}
        for requirement in target.requirements:
            level = max(0, requirement.level - rng.choice((0, 0, 1, 1, 2, 3)))
            mastery = rng.random() if rng.random() < 0.3 else None
            skills[requirement.skill] = p.LearnerSkill(level, mastery)
        completed = frozenset(rng.sample(range(items), rng.randint(0, 20)))
        preferences = p.Preferences(
            formats=frozenset(rng.sample(FORMATS, 4)) if rng.random() < 0.3 else frozenset(),
            languages=frozenset({"en"}) if rng.random() < 0.5 else frozenset(),
            weekly_hours=rng.choice((1, 2, 3, 5, 8)),
            max_item_cost=rng.choice((None, None, 200)),
        )
        edits = p.Edits(
            dropped=frozenset(rng.sample(range(items), 3)) if rng.random() < 0.2 else frozenset(),
            pinned=(rng.randrange(items),) if rng.random() < 0.1 else (),
        )
        employees.append((role, target, p.Learner(skills, completed, {}, preferences, edits)))
    return employees


_WORK: tuple = ()  # set before forking workers


def _plan_slice(indices: range) -> tuple[list[float], int, int, float]:
    employees, roles, catalog, signals, today = _WORK
    timings, steps, unmet = [], 0, 0
    cpu = time.process_time()
    for n in indices:
        role, target, learner = employees[n]
        one = time.perf_counter()
        path = p.plan(target, learner, catalog, today=today, peers=signals.get(roles[role].label))
        timings.append(time.perf_counter() - one)
        steps += len(path.steps)
        unmet += len(path.unmet)
    return timings, steps, unmet, time.process_time() - cpu


def run_als(rows: list[int], cols: list[int], shape: tuple[int, int]) -> dict:
    subprocess.run([str(ROOT / "benchmarks/_learning_bench_env.sh"), str(BENCH_ENV)], check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"rows": rows, "cols": cols, "shape": shape}, handle)
    done = subprocess.run(
        [str(BENCH_ENV / "bin/python"), str(ROOT / "benchmarks/_learning_als.py"), handle.name],
        capture_output=True,
        text=True,
        check=False,
    )
    Path(handle.name).unlink()
    if done.returncode:
        raise SystemExit(f"implicit ALS run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="planning processes")
    parser.add_argument("--no-als", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    items = build_catalog(rng, args.items)
    roles = build_roles(rng)
    employees = build_employees(rng, args.employees, roles, args.items)
    today = dt.date(2026, 1, 5)

    started = time.perf_counter()
    catalog = p.Catalog(items)
    closures = [
        p.Closure(n, roles[role].label, taught.skill, taught.level, (item,))
        for n, (role, _, learner) in enumerate(employees)
        for item in learner.completed
        for taught in catalog.items[item].teaches
    ]
    signals = p.peer_signals(closures)
    setup = time.perf_counter() - started

    global _WORK
    _WORK = (employees, roles, catalog, signals, today)
    started = time.perf_counter()
    slices = [range(w, len(employees), args.workers) for w in range(args.workers)]
    if args.workers == 1:
        results = [_plan_slice(slices[0])]
    else:
        # Fork after building the catalog: each worker plans its share of the employees.
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            results = pool.map(_plan_slice, slices)
    total = time.perf_counter() - started
    timings = [t for r in results for t in r[0]]
    steps = sum(r[1] for r in results)
    unmet = sum(r[2] for r in results)
    cpu = sum(r[3] for r in results)
    t = np.array(timings)
    print(
        f"{args.employees} employees, {args.items} items, {SKILLS} skills, {ROLES} roles; "
        f"{len(closures)} gap closures as the collaborative signal"
    )
    print(f"catalog index + collaborative signal: {setup:.2f} s")
    print(
        f"plan every employee: {total:.2f} s with {args.workers} process(es) (goal <= 30 s); "
        "one employee: "
        f"mean {t.mean() * 1e3:.2f} ms, p95 {np.percentile(t, 95) * 1e3:.2f} ms (goal <= 50 ms), "
        f"max {t.max() * 1e3:.1f} ms"
    )
    print(f"CPU time of the planning, summed over processes: {cpu:.2f} s")
    print(
        f"paths: {steps / len(employees):.1f} steps on average, {unmet} gaps with no allowed item"
    )

    if not args.no_als:
        rows = [n for n, (_, _, learner) in enumerate(employees) for _ in learner.completed]
        cols = [i for _, _, learner in employees for i in learner.completed]
        als = run_als(rows, cols, (len(employees), len(items)))
        print(
            f"implicit {als['version']} ALS ({als['factors']} factors, {als['iterations']} iterations) "
            f"on the same {len(employees)}x{len(items)} matrix ({len(rows)} completions): "
            f"fit {als['fit_seconds']:.2f} s, top-10 for every employee {als['recommend_seconds']:.2f} s"
        )
    print("(on a shared 2-core machine: other engineers' jobs compete for the cores)")


if __name__ == "__main__":
    main()
