"""Small groups stay hidden, and hidden values cannot be worked out by subtraction."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

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


def test_narrowing_by_a_filter_must_not_single_out_a_few() -> None:
    assert privacy.narrowing_allowed(7, [8], 5) is False  # 8 - 7 = one person by difference
    assert privacy.narrowing_allowed(7, [12], 5) is True
    assert privacy.narrowing_allowed(7, [7], 5) is True  # the filter removes nobody
    assert privacy.narrowing_allowed(4, [], 5) is False


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


def test_a_location_drilldown_hides_a_complement_of_a_single_small_row(world: w.World) -> None:
    drill = queries.drilldown(world.org.organization, Filters(by="location"), today=w.TODAY)
    rows = {r["label"]: r for r in drill["rows"]}
    assert rows["No location"]["reason"] == "small"  # four people
    assert rows["Berlin"]["reason"] == "complementary"  # else 20 - Lisbon - Berlin reveals them
    assert rows["Lisbon"]["headcount"] == 9


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
