"""Adversarial tests of disclosure control: random filter combinations and query sequences,
as managers and as HR, against an attacker who keeps everything shown and solves for groups
below the threshold."""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass

import numpy as np
import pytest

from learnloop.accounts.models import User
from learnloop.disclosure import Ledger
from learnloop.people import actions as people_actions
from learnloop.people.models import Department, Employee, Location, Organization
from learnloop.surveys import actions, queries, results
from learnloop.surveys.models import Pulse, ReleasedGroup, Response
from learnloop.surveys.queries import GroupFilter
from learnloop.surveys.tests import attacker

K = 5


# --- the pure engine against many random populations ------------------------------------------


@dataclass
class Population:
    department: np.ndarray  # leaf department index
    division: np.ndarray
    location: np.ndarray
    tenure: np.ndarray
    values: np.ndarray

    @property
    def size(self) -> int:
        return len(self.values)

    def cells(self) -> list[np.ndarray]:
        out = []
        for d, loc, t in itertools.product(
            np.unique(self.department), np.unique(self.location), np.unique(self.tenure)
        ):
            out.append((self.department == d) & (self.location == loc) & (self.tenure == t))
        return out


def population(rng: np.random.Generator) -> Population:
    leaves = rng.integers(4, 10)
    sizes = rng.integers(1, 14, size=leaves)
    department = np.repeat(np.arange(leaves), sizes)
    n = len(department)
    return Population(
        department=department,
        division=department % 3,
        location=rng.integers(0, 4, size=n),
        tenure=rng.integers(0, 4, size=n),
        values=rng.integers(1, 6, size=n).astype(float),
    )


def random_query(pop: Population, rng: np.random.Generator, team: np.ndarray | None) -> np.ndarray:
    mask = np.ones(pop.size, dtype=bool) if team is None else team.copy()
    if rng.random() < 0.5:
        mask &= pop.department == rng.integers(0, pop.department.max() + 1)
    elif rng.random() < 0.5:
        mask &= pop.division == rng.integers(0, 3)
    if rng.random() < 0.4:
        mask &= pop.location == rng.integers(0, 4)
    if rng.random() < 0.4:
        mask &= pop.tenure == rng.integers(0, 4)
    if rng.random() < 0.1:  # a complement ("everyone but this department")
        mask = (np.ones(pop.size, dtype=bool) if team is None else team) & ~mask
    return mask


def run_session(pop: Population, rng: np.random.Generator, ledger: Ledger | None, queries_: int):
    """HR and several managers query in an interleaved random order; returns what was shown."""
    teams = [pop.division == d for d in range(3)]
    shown: list[np.ndarray] = []
    for _ in range(queries_):
        viewer = rng.integers(0, 4)  # 0 = HR, 1..3 = the manager of a division
        mask = random_query(pop, rng, None if viewer == 0 else teams[viewer - 1])
        released = (
            mask.sum() >= K if ledger is None else ledger.release(mask).released
        )  # None: the naive rule that only hides groups below K
        if released:
            shown.append(mask)
    return np.array(shown, dtype=bool).reshape(len(shown), pop.size)


def test_no_small_group_can_be_solved_for_over_many_random_query_sequences():
    rng = np.random.default_rng(20260808)
    for _ in range(40):
        pop = population(rng)
        ledger = Ledger(pop.size, K)
        rows = run_session(pop, rng, ledger, queries_=60)
        assert all(size >= K for size in attacker.finest_classes(rows))
        assert attacker.breaches(rows, pop.cells(), K) == []


def test_the_attacker_does_break_the_naive_rule_that_only_hides_small_groups():
    """The same sessions without the ledger leak: this is what the ledger prevents."""
    rng = np.random.default_rng(20260808)
    leaks = 0
    for _ in range(40):
        pop = population(rng)
        rows = run_session(pop, rng, None, queries_=60)
        found = attacker.breaches(rows, pop.cells(), K)
        if found:
            leaks += 1
            target = found[0]
            recovered = attacker.recovered_sum(rows, rows.astype(float) @ pop.values, target)
            assert recovered == pytest.approx(pop.values[target].sum())
    assert leaks > 20


def test_a_parents_remainder_is_hidden_with_the_smallest_visible_child():
    # A department of 12: children of 5 and 5, and 2 people directly in the parent.
    ledger = Ledger(12, K)
    everyone = np.ones(12, dtype=bool)
    first = np.array([1] * 5 + [0] * 7, dtype=bool)
    second = np.array([0] * 5 + [1] * 5 + [0] * 2, dtype=bool)
    assert ledger.release(everyone).released
    assert ledger.release(first).released
    decision = ledger.release(second)
    assert not decision.released and decision.reason == "differencing"


def test_a_refused_group_stays_refused_whatever_is_released_later():
    rng = np.random.default_rng(3)
    for _ in range(20):
        pop = population(rng)
        ledger = Ledger(pop.size, K)
        refused = []
        for _ in range(40):
            mask = random_query(pop, rng, None)
            if not ledger.release(mask).released:
                refused.append(mask)
        assert not any(ledger.decide(mask).released for mask in refused)


# --- the whole stack: a synthetic pulse, its pages' results, managers and HR ------------------


def _synthetic_pulse(
    rng: random.Random,
) -> tuple[Pulse, dict[str, dict[str, object]], list[Employee], User]:
    organization = Organization.objects.create(name="Synth", slug="synth")
    locations = [Location.objects.create(organization=organization, name=f"L{i}") for i in range(3)]
    users = iter(
        User.objects.create_user(email=f"s{i}@synth.example", full_name=f"Person {i}")
        for i in range(400)
    )
    ceo = Employee.objects.create(
        organization=organization,
        user=next(users),
        employee_id="C",
        hire_date=datetime.date(2015, 1, 1),
    )
    hr = Employee.objects.create(
        organization=organization, user=next(users), employee_id="H", manager=ceo
    )
    people_actions.grant_role(hr.user, "hr_admin", actor_label="test")
    managers = []
    n = 0
    for d in range(3):
        division = Department.objects.create(organization=organization, name=f"Division {d}")
        head = Employee.objects.create(
            organization=organization,
            user=next(users),
            employee_id=f"D{d}",
            manager=ceo,
            department=division,
        )
        managers.append(head)
        for t in range(rng.randint(2, 3)):
            team = Department.objects.create(
                organization=organization, name=f"Team {d}.{t}", parent=division
            )
            lead = Employee.objects.create(
                organization=organization,
                user=next(users),
                employee_id=f"T{d}{t}",
                manager=head,
                department=team,
            )
            managers.append(lead)
            for _ in range(rng.choice([2, 4, 6, 9, 12, 16])):
                n += 1
                Employee.objects.create(
                    organization=organization,
                    user=next(users),
                    employee_id=f"E{n}",
                    manager=lead,
                    department=team,
                    location=rng.choice(locations),
                    hire_date=datetime.date(2026, 1, 1)
                    - datetime.timedelta(days=rng.randint(30, 3000)),
                )
    people_actions.rebuild_department_paths(organization)
    people_actions.rebuild_manager_paths(organization)
    instrument = actions.add_library_instrument(
        organization, "psychological-safety", actor_label="test"
    )
    today = datetime.date(2026, 3, 2)
    pulse = actions.create_pulse(
        organization,
        instrument,
        title="Synthetic",
        opens_on=today,
        closes_on=today,
        actor_label="test",
        today=today,
    )
    truth: dict[str, dict[str, object]] = {}
    for employee in Employee.objects.filter(organization=organization).select_related("department"):
        if rng.random() < 0.85:
            answers = {"ps-risks": rng.randint(1, 5)}
            actions.submit_response(pulse, employee, answers, today=today)
    for response in Response.objects.filter(pulse=pulse):
        truth[str(response.pk)] = {
            "department_path": response.department_path,
            "manager_path": response.manager_path,
            "location": response.location_id,
            "tenure": response.tenure,
            "value": response.answers["ps-risks"],
        }
    actions.close_pulse(pulse, actor=hr.user, today=today)
    pulse.refresh_from_db()
    return pulse, truth, managers, hr.user


def _mask(
    truth: dict[str, dict[str, object]], group: GroupFilter, paths: dict[int, str]
) -> np.ndarray:
    """The attacker's own reading of a group's members, from each response's attributes."""
    out = []
    for row in truth.values():
        keep = True
        if group.department is not None:
            keep &= str(row["department_path"]).startswith(paths[group.department])
        if group.team is not None:
            keep &= f"/{group.team}/" in str(row["manager_path"])
        if group.location is not None:
            keep &= row["location"] == group.location
        if group.tenure is not None:
            keep &= row["tenure"] == group.tenure
        out.append(keep)
    return np.array(out, dtype=bool)


@pytest.mark.django_db
def test_managers_and_hr_querying_at_random_never_expose_a_small_group():
    rng = random.Random(8)
    pulse, truth, managers, hr_user = _synthetic_pulse(rng)
    organization = pulse.organization
    paths = dict(Department.objects.filter(organization=organization).values_list("pk", "path"))
    locations = list(organization.locations.values_list("pk", flat=True))
    tenures = ["lt1", "1to3", "3to5", "5plus"]
    values = np.array([row["value"] for row in truth.values()], dtype=float)
    from learnloop.permissions import principal_for

    shown_rows, shown_sums = [], []
    for _ in range(120):
        as_hr = rng.random() < 0.4
        viewer = hr_user if as_hr else rng.choice(managers).user
        principal = principal_for(viewer)
        maybe = lambda options: rng.choice(options) if rng.random() < 0.35 else None  # noqa: E731
        requested = GroupFilter(
            department=maybe(list(paths)) if as_hr else None,
            team=maybe([m.pk for m in managers]),
            location=maybe(locations),
            tenure=maybe(tenures),
        )
        scope = results.scope_for(principal, pulse)
        try:
            group = results.resolve(scope, pulse, requested)
        except results.ScopeError:
            continue
        shown = results.group_results(pulse, group, viewer, detailed=False)
        if not shown.released:
            continue
        mask = _mask(truth, group, paths)
        assert shown.respondents == mask.sum() >= K
        dimension = shown.dimensions[0]
        assert dimension.mean == pytest.approx(values[mask].mean(), abs=0.01)
        shown_rows.append(mask)
        shown_sums.append(values[mask].sum())
    # The strongest attacker: every group released to anyone (all viewers colluding).
    for key in ReleasedGroup.objects.filter(pulse=pulse, channel="scores").values_list(
        "key", flat=True
    ):
        shown_rows.append(_mask(truth, GroupFilter.from_key(key), paths))
    rows = np.array(shown_rows, dtype=bool)
    distinct = {row.tobytes() for row in rows}
    assert len(distinct) >= 8, len(distinct)  # many different groups were shown
    cells = [
        _mask(truth, GroupFilter(department=d, location=loc, tenure=t), paths)
        for d in paths
        for loc in locations
        for t in tenures
    ]
    assert all(size >= K for size in attacker.finest_classes(rows))
    assert attacker.breaches(rows, cells, K) == []


@pytest.mark.django_db
def test_a_manager_sees_their_team_only_when_it_meets_the_threshold():
    rng = random.Random(8)
    pulse, truth, managers, _ = _synthetic_pulse(rng)
    from learnloop.permissions import principal_for

    paths = dict(
        Department.objects.filter(organization=pulse.organization).values_list("pk", "path")
    )
    for manager in managers:
        principal = principal_for(manager.user)
        scope = results.scope_for(principal, pulse)
        group = results.resolve(scope, pulse, GroupFilter())
        shown = results.group_results(pulse, group, manager.user, detailed=False)
        size = int(_mask(truth, group, paths).sum())
        if size < K:
            assert not shown.released and shown.reason == "small"
        if shown.released:
            assert shown.respondents == size >= K
    assert queries.thresholds(pulse.organization)[0] == K
