"""Small groups stay hidden, and hidden values cannot be worked out by subtraction."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from learnloop.insights import queries, refresh
from learnloop.insights.engine import privacy
from learnloop.insights.queries import Filters
from learnloop.insights.tests import world as w
from learnloop.insights.tests.conftest import Learning

START = dt.date(2026, 4, 6)


@pytest.fixture
def world(org: Any) -> w.World:
    built = w.build(org)
    for person in built.engineers + built.sellers + built.lawyers:
        Learning(person, 1, source="manager").full(START)
    refresh.refresh()
    return built


def test_a_single_small_row_is_hidden_with_a_complement() -> None:
    assert privacy.partition([8, 2, 6, 5], 5) == [None, "small", None, "complementary"]


def test_hidden_rows_together_reach_the_minimum() -> None:
    # Two small rows of 1 and 2 would reveal a group of 3 by subtraction: a third is hidden.
    reasons = privacy.partition([1, 2, 9, 7], 5)
    hidden = [i for i, r in enumerate(reasons) if r]
    assert sum([1, 2, 9, 7][i] for i in hidden) >= 5 and len(hidden) >= 2


def test_no_partition_leaves_a_recoverable_small_group() -> None:
    """Exhaustively over small partitions: what is hidden is empty, or at least two rows of at
    least ``k`` people together, or every non-empty row (nothing to subtract from)."""
    k = 5
    for sizes in itertools.product(range(9), repeat=4):
        reasons = privacy.partition(list(sizes), k)
        hidden = [s for s, r in zip(sizes, reasons, strict=True) if r]
        shown = [s for s, r in zip(sizes, reasons, strict=True) if not r]
        assert all(s == 0 or s >= k for s in shown), sizes
        if hidden and any(shown):
            assert len(hidden) >= 2 and sum(hidden) >= k, sizes


def people(rows: Sequence[tuple[str, int | None, int | None, str]]) -> privacy.People:
    """(department path, job role, location, manager path) per person; departments are
    numbered by the last id of their path."""
    return privacy.People.from_rows(
        [
            (i, int(path.strip("/").rsplit("/", 1)[-1]) if path else None, path, role, loc, chain)
            for i, (path, role, loc, chain) in enumerate(rows)
        ]
    )


def test_a_parent_minus_its_children_is_never_released() -> None:
    # Division 1: its head directly in it, over teams 2 and 3 of five each.
    staff = people(
        [("/1/", None, None, "/")]
        + [("/1/2/", None, None, "/0/")] * 5
        + [("/1/3/", None, None, "/0/")] * 5
        + [("/9/", None, None, "/")] * 6
    )
    shown = privacy.release(staff, 5, [None])
    division = privacy.Selection(department=("path", "/1/"))
    teams = [privacy.Selection(department=("path", f"/1/{t}/")) for t in (2, 3)]
    assert division in shown and privacy.Selection() in shown
    assert sum(team in shown for team in teams) == 1  # the second would give the head away
    assert privacy.Selection(department=("exact", 1)) not in shown


def test_a_filter_that_removes_one_person_is_refused_in_the_family() -> None:
    # Engineering of 8, 7 in Berlin: Engineering minus Engineering-in-Berlin is one person.
    staff = people(
        [("/1/", None, 10, "/")] * 7 + [("/1/", None, 11, "/")] + [("/2/", None, 11, "/")] * 6
    )
    shown = privacy.release(staff, 5, [None])
    assert privacy.Selection(department=("path", "/1/")) in shown
    assert privacy.Selection(department=("path", "/1/"), location=10) not in shown


def test_the_random_families_released_never_single_anyone_out() -> None:
    """Random trees, roles, locations, reporting chains and minimums; for each, the family of
    an organization viewer, a manager, and a manager who also sees the organization. The
    independent attacker solves over every released selection and finds nobody."""
    from learnloop.surveys.tests import attacker

    rng = random.Random(20261204)
    for _ in range(25):
        k = rng.choice([3, 4, 5])
        paths = ["/1/"]
        for d in range(2, rng.randint(3, 9)):
            paths.append(f"{rng.choice(paths)}{d}/")
        rows = []
        for _ in range(rng.randint(15, 70)):
            path = rng.choice([*paths, ""])
            chain = rng.choice(["/", "/100/", "/100/101/", "/100/102/"])
            rows.append((path, rng.choice([None, 20, 21, 22]), rng.choice([None, 30, 31]), chain))
        staff = people(rows)
        for family in ([None], ["/100/"], [None, "/100/101/"]):
            shown = privacy.release(staff, k, family)
            matrix = np.array([members(staff, s) for s in shown], dtype=bool)
            matrix = np.unique(matrix, axis=0)
            matrix = matrix[:, matrix.any(axis=0)]  # people in no scope of the viewer
            assert all(size >= k for size in attacker.finest_classes(matrix))
            assert attacker.breaches(matrix, [], k) == []


def members(staff: privacy.People, selection: privacy.Selection) -> list[bool]:
    """The attacker's own reading of a selection, from the directory."""
    out = []
    for i in range(staff.size):
        path, chain = staff.department_paths[i], staff.manager_paths[i]
        keep = selection.manager_prefix is None or chain.startswith(selection.manager_prefix)
        if selection.department is not None:
            kind, value = selection.department
            keep &= {
                "path": path.startswith(str(value)) and bool(path),
                "exact": int(staff.department_ids[i]) == value,
                "none": not path,
            }[kind]
        for value, column in (
            (selection.job_role, staff.job_roles),
            (selection.location, staff.locations),
        ):
            if value is not None:
                keep &= int(column[i]) == (-1 if value == privacy.NONE else value)
        out.append(bool(keep))
    return out


def test_the_department_drilldown_hides_the_small_groups(world: w.World) -> None:
    drill = queries.drilldown(world.org.organization, Filters(), today=w.TODAY)
    rows = {r["label"]: r for r in drill["rows"]}
    assert rows["Engineering"]["headcount"] == 8 and not rows["Engineering"]["suppressed"]
    assert rows["Sales"]["headcount"] == 6
    assert rows["Legal"]["suppressed"] and rows["Legal"]["reason"] == "small"
    assert rows["Legal"]["headcount"] is None and rows["Legal"]["active"] is None
    assert rows["No department"]["suppressed"]  # the four people without one
    # The organization total minus the shown rows is a group of at least five people.
    total = queries.dashboard(world.org.organization, Filters(), today=w.TODAY)["headcount"]
    assert total - rows["Engineering"]["headcount"] - rows["Sales"]["headcount"] >= 5
    # The heatmap only has the shown rows.
    assert {c["group"] for c in drill["heatmap"]} == {"Engineering", "Sales"}


def test_a_location_drilldown_hides_what_the_department_rows_would_give_away(
    world: w.World,
) -> None:
    drill = queries.drilldown(world.org.organization, Filters(by="location"), today=w.TODAY)
    rows = {r["label"]: r for r in drill["rows"]}
    assert rows["No location"]["reason"] == "small"  # four people
    # Engineering (8) is shown: Engineering minus Berlin (7) is one person, and Lisbon (9)
    # minus Sales (6) the three others in Lisbon.
    assert rows["Berlin"]["reason"] == "differencing"
    assert rows["Lisbon"]["reason"] == "differencing"


def test_a_department_smaller_than_the_minimum_shows_nothing(world: w.World) -> None:
    data = queries.dashboard(
        world.org.organization, Filters(department=world.legal.pk), today=w.TODAY
    )
    assert data == {"allowed": False, "headcount": None} | {
        k: data[k] for k in data if k in ("period", "k")
    }


def test_a_filter_that_leaves_out_one_person_is_refused(world: w.World) -> None:
    # Engineering has 8 people, 7 in Berlin: Engineering minus Engineering-in-Berlin = 1 person.
    data = queries.dashboard(
        world.org.organization,
        Filters(department=world.engineering.pk, location=world.berlin.pk),
        today=w.TODAY,
    )
    assert data["allowed"] is False


def test_the_organization_view_never_names_a_person(world: w.World, client_for: Any) -> None:
    response = client_for("hr").get("/insights/organization/")
    assert response.status_code == 200
    page = response.content.decode()
    for person in world.engineers + world.sellers + world.lawyers:
        assert person.user.full_name not in page
        assert person.user.email not in page


def test_a_small_team_is_withheld_from_its_manager(org: Any, client_for: Any) -> None:
    # The manager's chain is two people: below the minimum of five.
    Learning(org.employee, 1).full(START)
    refresh.refresh()
    page = client_for("manager").get("/insights/team/").content.decode()
    assert "withheld to protect individuals" in page


def test_exports_carry_no_suppressed_value(world: w.World, client_for: Any) -> None:
    response = client_for("hr").get("/insights/organization/data/breakdown.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    legal = next(line for line in lines if line.startswith("Legal"))
    assert legal.strip(",") == "Legal"  # every figure blank
