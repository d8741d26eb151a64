"""Attacker scripts against insights: an executive (or a manager) requests dashboards and
drill-downs for a department and its children, with filters, while HR changes the tree and
moves people (then the facts are refreshed), and subtracts what was shown to single out one
person. Everything shown to one viewer, taken together, must isolate no group below the
minimum (checked with the independent linear-algebra attacker of the surveys tests)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
from django.test import Client

from learnloop.insights import refresh
from learnloop.insights.tests.conftest import Learning
from learnloop.people import actions as people_actions
from learnloop.people.models import Department, Employee, JobRole, Location
from learnloop.people.tests.factories import EmployeeFactory
from learnloop.surveys.tests import attacker

K = 5
START = dt.date(2026, 4, 6)
PERIOD = {"period": "custom", "start": "2026-04-01", "end": "2026-06-30"}


class Attacker:
    """Keeps every cohort a viewer was shown (members read from the directory, as anyone
    with the org chart can) and the learning hours reported for it."""

    def __init__(self, client: Client, scope: str = "organization") -> None:
        self.client, self.scope = client, scope
        self.rows: list[set[int]] = []
        self.hours: list[float] = []

    def dashboard(self, members: set[int], **params: Any) -> bool:
        response = self.client.get(
            "/api/v1/insights/dashboard", {"scope": self.scope, **PERIOD, **params}
        )
        assert response.status_code == 200, response.content
        data = response.json()
        if data["allowed"]:
            self.rows.append(members)
            self.hours.append(sum(w["hours"] or 0 for w in data["weekly"]))
        return bool(data["allowed"])

    def drilldown(self, groups: dict[str, set[int]], **params: Any) -> None:
        response = self.client.get(
            "/api/v1/insights/drilldown", {"scope": self.scope, **PERIOD, **params}
        )
        assert response.status_code == 200, response.content
        for row in response.json()["rows"]:
            if not row["suppressed"] and row["label"] in groups:
                self.rows.append(groups[row["label"]])
                self.hours.append(float(row["hours"] or 0))

    def assert_nobody_singled_out(self, everyone: list[int]) -> None:
        index = {pk: i for i, pk in enumerate(everyone)}
        matrix = np.zeros((len(self.rows), len(everyone)), dtype=bool)
        for r, members in enumerate(self.rows):
            matrix[r, [index[m] for m in members]] = True
        assert all(size >= K for size in attacker.finest_classes(matrix)), sorted(
            attacker.finest_classes(matrix)
        )
        assert attacker.breaches(matrix, [], K) == []


def in_subtree(department: Department, **filters: Any) -> set[int]:
    department.refresh_from_db()
    return set(
        Employee.objects.filter(
            organization=department.organization,
            department__path__startswith=department.path,
            **filters,
        ).values_list("pk", flat=True)
    )


def everyone(org: Any) -> list[int]:
    return sorted(
        Employee.objects.filter(organization=org.organization).values_list("pk", flat=True)
    )


def division(
    org: Any, teams: int = 7, size: int = 5
) -> tuple[Department, list[Department], Employee]:
    """A division whose head sits directly in it, over ``teams`` teams of ``size`` people,
    every one of them learning a different number of hours."""
    o = org.organization
    top = Department.objects.create(organization=o, name="Division")
    children = [
        Department.objects.create(organization=o, name=f"Team {i}", parent=top)
        for i in range(teams)
    ]
    people_actions.rebuild_department_paths(o)
    head = EmployeeFactory(organization=o, manager=org.ceo, department=top)
    people = [head]
    for team in children:
        lead = EmployeeFactory(organization=o, manager=head, department=team)
        people.append(lead)
        people += [
            EmployeeFactory(organization=o, manager=lead, department=team) for _ in range(size - 1)
        ]
    people_actions.rebuild_manager_paths(o)
    for i, person in enumerate(people):
        Learning(person, 1).full(START, seconds=3600 * (i + 1))
    refresh.refresh()
    top.refresh_from_db()
    for team in children:
        team.refresh_from_db()
    return top, children, head


def test_an_executive_cannot_subtract_the_children_from_the_parent(
    org: Any, client_for: Any
) -> None:
    top, children, _head = division(org)
    spy = Attacker(client_for("executive"))
    spy.dashboard(in_subtree(top), department=top.pk)
    for team in children:
        spy.dashboard(in_subtree(team), department=team.pk)
    spy.drilldown({t.name: in_subtree(t) for t in children}, department=top.pk)
    spy.assert_nobody_singled_out(everyone(org))


def test_reparenting_and_moving_people_then_subtracting_reveals_nobody(
    org: Any, client_for: Any
) -> None:
    top, children, _head = division(org, teams=6)
    outside = Department.objects.create(organization=org.organization, name="Elsewhere")
    people_actions.rebuild_department_paths(org.organization)
    spy = Attacker(client_for("executive"))
    spy.dashboard(in_subtree(top), department=top.pk)
    # HR moves a team out and back under the division, and moves someone directly into the
    # division next to the head; the facts are refreshed in between.
    moved = children[0]
    moved.parent = outside
    moved.save()
    people_actions.rebuild_department_paths(org.organization)
    refresh.refresh()
    for department in [top, outside, *children]:
        spy.dashboard(in_subtree(department), department=department.pk)
    moved.parent = top
    moved.save()
    people_actions.rebuild_department_paths(org.organization)
    person = org.employee  # had no department
    person.department = top
    person.save()
    refresh.refresh()
    spy.rows, spy.hours = [], []  # decisions hold per version of the facts (docs/insights.md)
    for department in [top, outside, *children]:
        spy.dashboard(in_subtree(department), department=department.pk)
    spy.drilldown({t.name: in_subtree(t) for t in children}, department=top.pk)
    spy.assert_nobody_singled_out(everyone(org))


def test_filters_do_not_open_a_difference_between_parent_and_children(
    org: Any, client_for: Any
) -> None:
    top, children, _head = division(org)
    berlin = Location.objects.create(organization=org.organization, name="Berlin")
    role = JobRole.objects.create(organization=org.organization, title="Engineer")
    Employee.objects.filter(department__path__startswith=top.path).update(
        location=berlin, job_role=role
    )
    refresh.refresh()
    spy = Attacker(client_for("executive"))
    for filters in ({}, {"location": berlin.pk}, {"role": role.pk}):
        spy.dashboard(in_subtree(top), department=top.pk, **filters)
        for team in children:
            spy.dashboard(in_subtree(team), department=team.pk, **filters)
        spy.dashboard(
            set(Employee.objects.filter(location=berlin).values_list("pk", flat=True)),
            location=berlin.pk,
        )
        spy.drilldown({t.name: in_subtree(t) for t in children}, department=top.pk, **filters)
    spy.assert_nobody_singled_out(everyone(org))


def test_a_manager_cannot_subtract_their_sub_teams_from_their_team(
    org: Any, client_for: Any
) -> None:
    _top, children, head = division(org)
    top = children[0].parent
    assert top is not None
    deputy = EmployeeFactory(organization=org.organization, manager=head, department=top)
    Learning(deputy, 1).full(START, seconds=7200)
    people_actions.rebuild_manager_paths(org.organization)
    refresh.refresh()
    client = Client()
    client.force_login(head.user)
    spy = Attacker(client, scope="team")
    chain = set(
        Employee.objects.filter(manager_path__startswith=head.chain_prefix).values_list(
            "pk", flat=True
        )
    )
    spy.dashboard(chain)
    for team in children:
        spy.dashboard(in_subtree(team) & chain, department=team.pk)
    spy.drilldown({t.name: in_subtree(t) & chain for t in children})
    spy.assert_nobody_singled_out(everyone(org))


def test_a_randomized_attacker_over_trees_filters_and_periods_never_isolates_anyone(
    org: Any, client_for: Any
) -> None:
    rng = random.Random(9)
    o = org.organization
    locations = [Location.objects.create(organization=o, name=f"L{i}") for i in range(3)]
    roles = [JobRole.objects.create(organization=o, title=f"R{i}") for i in range(3)]
    departments = [Department.objects.create(organization=o, name="Root")]
    for i in range(8):
        departments.append(
            Department.objects.create(organization=o, name=f"D{i}", parent=rng.choice(departments))
        )
    people_actions.rebuild_department_paths(o)
    for department in departments:
        for _ in range(rng.choice([1, 2, 3, 5, 7])):
            person = EmployeeFactory(
                organization=o,
                manager=org.ceo,
                department=department,
                location=rng.choice(locations),
                job_role=rng.choice(roles),
            )
            Learning(person, 1).full(START, seconds=rng.randint(1, 40) * 600)
    people_actions.rebuild_manager_paths(o)
    refresh.refresh()
    for department in departments:
        department.refresh_from_db()
    periods = [PERIOD, {"period": "custom", "start": "2026-04-06", "end": "2026-04-30"}]
    spy = Attacker(client_for("executive"))
    for _ in range(60):
        params: dict[str, Any] = dict(rng.choice(periods))
        filters: dict[str, Any] = {}
        chosen: Department | None = rng.choice(departments) if rng.random() < 0.7 else None
        if chosen is not None:
            params["department"] = chosen.pk
        if rng.random() < 0.3:
            filters["location"] = rng.choice(locations)
            params["location"] = filters["location"].pk
        if rng.random() < 0.3:
            filters["job_role"] = rng.choice(roles)
            params["role"] = filters["job_role"].pk
        query = Employee.objects.filter(organization=o, **filters)
        if chosen is not None:
            query = query.filter(department__path__startswith=chosen.path)
        members = set(query.values_list("pk", flat=True))
        response = spy.client.get("/api/v1/insights/dashboard", {"scope": "organization", **params})
        data = response.json()
        if data["allowed"]:
            spy.rows.append(members)
        if rng.random() < 0.5 and data["allowed"]:
            kids = [d for d in departments if d.parent_id == (chosen.pk if chosen else None)]
            groups = {
                d.name: set(
                    query.filter(department__path__startswith=d.path).values_list("pk", flat=True)
                )
                for d in kids
            }
            drill = spy.client.get("/api/v1/insights/drilldown", params).json()
            for row in drill["rows"]:
                if not row["suppressed"] and row["label"] in groups:
                    spy.rows.append(groups[row["label"]])
    assert len({frozenset(r) for r in spy.rows}) >= 5  # the attacker did see many groups
    spy.assert_nobody_singled_out(everyone(org))
