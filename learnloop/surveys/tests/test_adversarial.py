"""Attacker scripts against the survey disclosure ledger: the organization changes between
queries (a department re-parented, a person moved, the threshold raised, filters changed) and
the attacker subtracts released groups to single out one respondent. Nothing they were ever
shown may isolate fewer than the minimum."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

import numpy as np
import pytest

from learnloop.accounts.models import User
from learnloop.people import actions as people_actions
from learnloop.people.models import Department, Employee, Location, Organization
from learnloop.permissions import principal_for
from learnloop.surveys import actions, results
from learnloop.surveys.models import Pulse, ReleasedGroup, Response
from learnloop.surveys.queries import GroupFilter
from learnloop.surveys.tests import attacker

K = 5
TODAY = datetime.date(2026, 3, 2)


@dataclass
class Seen:
    """Everything the attacker was shown: each group's members (by their own reading of the
    responses' attributes) and the sum of one answer over them."""

    rows: list[np.ndarray]
    sums: list[float]


class Company:
    def __init__(self, slug: str) -> None:
        self.organization = Organization.objects.create(name=slug, slug=slug, min_group_size=K)
        self.users = (
            User.objects.create_user(email=f"{slug}{i}@example.com", full_name=f"{slug} {i}")
            for i in range(10_000)
        )
        self.ceo = self.person("ceo", None)
        self.hr = self.person("hr", None, manager=self.ceo)
        people_actions.grant_role(self.hr.user, "hr_admin", actor_label="test")

    def department(self, name: str, parent: Department | None = None) -> Department:
        found = Department.objects.create(organization=self.organization, name=name, parent=parent)
        people_actions.rebuild_department_paths(self.organization)
        found.refresh_from_db()
        return found

    def person(
        self,
        name: str,
        department: Department | None,
        *,
        manager: Employee | None = None,
        location: Location | None = None,
    ) -> Employee:
        return Employee.objects.create(
            organization=self.organization,
            user=next(self.users),
            employee_id=name,
            department=department,
            manager=manager or getattr(self, "ceo", None),
            location=location,
            hire_date=datetime.date(2020, 1, 1),
        )

    def pulse(self, answers: dict[int, int]) -> Pulse:
        """Everyone answers ``ps-risks`` (the value of their employee pk, else 3)."""
        people_actions.rebuild_manager_paths(self.organization)
        instrument = actions.add_library_instrument(
            self.organization, "psychological-safety", actor_label="test"
        )
        pulse = actions.create_pulse(
            self.organization,
            instrument,
            title="Pulse",
            opens_on=TODAY,
            closes_on=TODAY,
            actor_label="test",
            today=TODAY,
        )
        for employee in Employee.objects.filter(organization=self.organization).select_related(
            "department"
        ):
            value = answers.get(employee.pk, 3)
            actions.submit_response(pulse, employee, {"ps-risks": value}, today=TODAY)
        actions.close_pulse(pulse, actor=self.hr.user, today=TODAY)
        pulse.refresh_from_db()
        return pulse

    def reparent(self, department: Department, parent: Department | None) -> None:
        """What the admin site does on save."""
        department.parent = parent
        department.save()
        people_actions.rebuild_department_paths(self.organization)


def responses(pulse: Pulse) -> list[Response]:
    return list(Response.objects.filter(pulse=pulse).order_by("id"))


def members(rows: list[Response], group: GroupFilter) -> np.ndarray:
    """The attacker's own reading of a group: the attributes each response was filed with."""
    out = []
    for row in rows:
        keep = True
        if group.department is not None:
            keep &= f"/{group.department}/" in row.department_path
        if group.team is not None:
            keep &= f"/{group.team}/" in row.manager_path
        if group.location is not None:
            keep &= row.location_id == group.location
        if group.tenure is not None:
            keep &= row.tenure == group.tenure
        out.append(keep)
    return np.array(out, dtype=bool)


def look(pulse: Pulse, viewer: User, group: GroupFilter, seen: Seen) -> bool:
    shown = results.group_results(pulse, group, viewer, detailed=False)
    if shown.released:
        mask = members(responses(pulse), group)
        assert shown.respondents == int(mask.sum())
        seen.rows.append(mask)
        seen.sums.append(float(shown.dimensions[0].mean or 0) * int(mask.sum()))
    return shown.released


def assert_nobody_singled_out(pulse: Pulse, seen: Seen) -> None:
    rows = np.array(seen.rows, dtype=bool).reshape(len(seen.rows), -1)
    assert all(size >= K for size in attacker.finest_classes(rows))
    assert attacker.breaches(rows, [], K) == []
    # The ledger's own record (every viewer together) isolates nobody either.
    index = {r.pk.hex: i for i, r in enumerate(responses(pulse))}
    ledger = []
    for stored in ReleasedGroup.objects.filter(pulse=pulse, channel="scores"):
        row = np.zeros(len(index), dtype=bool)
        row[[index[m] for m in stored.members]] = True
        ledger.append(row)
    assert all(size >= K for size in attacker.finest_classes(np.array(ledger)))


def division_with_a_head(company: Company) -> tuple[Department, Department, Department, Employee]:
    """Division A: teams B and C of five, and its head, directly in A; department Z of ten."""
    a = company.department("A")
    z = company.department("Z")
    b = company.department("B", a)
    c = company.department("C", a)
    head = company.person("head", a)
    for i in range(5):
        company.person(f"b{i}", b, manager=head)
        company.person(f"c{i}", c, manager=head)
    for i in range(8):
        company.person(f"z{i}", z)
    company.ceo.department = z
    company.ceo.save()
    company.hr.department = z
    company.hr.save()
    return a, b, c, head


@pytest.mark.django_db
def test_reparenting_a_department_does_not_release_a_group_blocked_for_differencing() -> None:
    company = Company("reparent")
    a, b, c, head = division_with_a_head(company)
    pulse = company.pulse({head.pk: 1})
    seen = Seen([], [])
    viewer = company.hr.user
    assert look(pulse, viewer, GroupFilter(department=a.pk), seen)
    assert look(pulse, viewer, GroupFilter(department=b.pk), seen)
    assert not look(pulse, viewer, GroupFilter(department=c.pk), seen)  # A - B - C = the head
    z = Department.objects.get(organization=company.organization, name="Z")
    company.reparent(b, z)
    # After the move, the stored key "d=B" must not stop covering the respondents it showed.
    look(pulse, viewer, GroupFilter(department=c.pk), seen)
    assert_nobody_singled_out(pulse, seen)
    for group in (a, b, c, z):
        look(pulse, viewer, GroupFilter(department=group.pk), seen)
    assert_nobody_singled_out(pulse, seen)


@pytest.mark.django_db
def test_moving_people_and_reparenting_under_the_target_reopens_nothing() -> None:
    company = Company("moves")
    a, b, c, head = division_with_a_head(company)
    pulse = company.pulse({head.pk: 1})
    seen = Seen([], [])
    viewer = company.hr.user
    for group in (a, b, c):
        look(pulse, viewer, GroupFilter(department=group.pk), seen)
    # HR moves the head into C and re-parents C out of A: the responses keep what they were
    # filed under, and the ledger what it released.
    head.department = c
    head.save()
    company.reparent(c, None)
    people_actions.rebuild_manager_paths(company.organization)
    for group in Department.objects.filter(organization=company.organization):
        look(pulse, viewer, GroupFilter(department=group.pk), seen)
        look(pulse, viewer, GroupFilter(team=head.pk, department=group.pk), seen)
    assert_nobody_singled_out(pulse, seen)


@pytest.mark.django_db
def test_a_randomized_attacker_changing_the_tree_and_filters_never_isolates_anyone() -> None:
    """Random trees, respondents and locations; HR and managers query random groups while
    departments are re-parented and people moved; every shown group is kept by the attacker."""
    rng = random.Random(19)
    for round_ in range(3):
        company = Company(f"random{round_}")
        locations = [
            Location.objects.create(organization=company.organization, name=f"L{i}")
            for i in range(3)
        ]
        departments = [company.department("Root")]
        for i in range(rng.randint(4, 7)):
            departments.append(company.department(f"D{i}", rng.choice(departments)))
        managers = []
        for i, department in enumerate(departments):
            lead = company.person(f"lead{i}", department, location=rng.choice(locations))
            managers.append(lead)
            for j in range(rng.choice([1, 2, 3, 4, 6, 8])):
                company.person(
                    f"p{i}.{j}", department, manager=lead, location=rng.choice(locations)
                )
        values = {
            e.pk: rng.randint(1, 5)
            for e in Employee.objects.filter(organization=company.organization)
        }
        pulse = company.pulse(values)
        viewers = [company.hr.user, *(m.user for m in managers)]
        seen = Seen([], [])
        for _ in range(40):
            if rng.random() < 0.15:
                moved = rng.choice(departments[1:])
                parent = rng.choice([d for d in departments if not d.path.startswith(moved.path)])
                company.reparent(moved, parent)
                for d in departments:
                    d.refresh_from_db()
            if rng.random() < 0.1:
                person = rng.choice(managers)
                person.department = rng.choice(departments)
                person.save()
            viewer = rng.choice(viewers)
            requested = GroupFilter(
                department=rng.choice(departments).pk if rng.random() < 0.6 else None,
                team=rng.choice(managers).pk if rng.random() < 0.3 else None,
                location=rng.choice(locations).pk if rng.random() < 0.3 else None,
            )
            scope = results.scope_for(principal_for(viewer), pulse)
            try:
                group = results.resolve(scope, pulse, requested)
            except results.ScopeError:
                continue
            look(pulse, viewer, group, seen)
        assert_nobody_singled_out(pulse, seen)
