"""Gap analysis speed on a 10,000-employee demo organization: team heatmap (goal <= 200 ms)
and company inventory with bench strength (goal <= 2 s).

Run: .venv/bin/python benchmarks/skills_gaps.py [--employees 10000] [--database URL]
Builds the demo organization and its skills data in a scratch SQLite file (or the database you
name), which takes a few minutes; needs `learnloop taxonomy fetch` for the ESCO skills.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(work: Callable[[], object], repeat: int = 5) -> float:
    work()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--database", help="database URL (default: a scratch SQLite file)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the demo organization already in --database"
    )
    arguments = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    os.environ["LEARNLOOP_DATABASE_URL"] = (
        arguments.database or f"sqlite:///{scratch.name}/gaps.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from learnloop.demo import build as demo_build
    from learnloop.people.models import Department, Employee
    from learnloop.skills import queries
    from learnloop.skills.inference import layout
    from learnloop.skills.models import EmployeeSkill, SkillClaim

    if layout().missing():
        print("skipped: run `learnloop taxonomy fetch` first")
        return
    call_command("migrate", verbosity=0)
    organization = demo_build.existing()
    if organization is None or not arguments.reuse:
        if organization is not None:
            demo_build.remove()
        started = time.perf_counter()
        demo_build.build(arguments.employees, seed=11)
        organization = demo_build.existing()
        assert organization is not None  # the demo build includes the skills step
        print(f"built the demo organization in {time.perf_counter() - started:.0f} s")
    print(
        f"{Employee.objects.filter(organization=organization).count()} employees, "
        f"{SkillClaim.objects.count()} claims, {EmployeeSkill.objects.count()} profile entries"
    )
    manager = (
        Employee.objects.filter(organization=organization, direct_reports__isnull=False)
        .annotate(n=Count("direct_reports"))
        .order_by("-n")
        .first()
    )
    assert manager is not None
    department = (
        Department.objects.filter(organization=organization)
        .annotate(n=Count("employees"))
        .order_by("-n")
        .first()
    )
    assert department is not None

    first_line = (
        Employee.objects.filter(organization=organization, direct_reports__isnull=False)
        .exclude(direct_reports__direct_reports__isnull=False)
        .annotate(n=Count("direct_reports"))
        .order_by("-n")
        .first()
    )
    assert first_line is not None

    def first_line_team() -> object:
        people = queries.team_people(first_line, organization, None, hr=False)
        return queries.team_heatmap(people.people)

    def manager_team() -> object:
        people = queries.team_people(manager, organization, None, hr=False)
        return queries.team_heatmap(people.people)

    def department_team() -> object:
        people = queries.team_people(None, organization, department.pk, hr=True)
        return queries.team_heatmap(people.people)

    team_size = len(queries.team_people(manager, organization, None, hr=False).people)
    department_size = len(queries.team_people(None, organization, department.pk, hr=True).people)
    first_size = len(queries.team_people(first_line, organization, None, hr=False).people)
    print(
        f"team heatmap, largest first-line team ({first_size} people): "
        f"{timed(first_line_team):.0f} ms (goal <= 200)"
    )
    print(
        f"team heatmap, the top manager ({team_size} people shown, of all below): {timed(manager_team):.0f} ms (goal <= 200)"
    )
    print(
        f"team heatmap, largest department ({department_size} people): {timed(department_team):.0f} ms (goal <= 200)"
    )
    aggregate = timed(lambda: queries.inventory(organization, with_people=False), repeat=3)
    named = timed(lambda: queries.inventory(organization, with_people=True), repeat=3)
    print(f"company inventory + bench strength, aggregates: {aggregate:.0f} ms (goal <= 2000)")
    print(f"company inventory + bench strength, with names (HR): {named:.0f} ms (goal <= 2000)")
    print("median of repeated runs on a machine shared with other engineers' work")


if __name__ == "__main__":
    main()
