"""Complementary suppression: no hidden small group can be worked out from what is shown."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from learnloop.conftest import Org
from learnloop.people.models import Employee, JobRole
from learnloop.people.tests.factories import EmployeeFactory
from learnloop.skills import actions, queries
from learnloop.skills.engine.disclosure import Relation, determined, protect
from learnloop.skills.models import Source
from learnloop.skills.tests.conftest import Taxonomy

MINIMUM = 5


def test_a_lone_hidden_part_is_found_by_subtraction_so_a_second_one_is_hidden() -> None:
    # headcount 16 = roles 8 + 6 + 2: hiding only the 2 gives it away (16 - 8 - 6).
    values = [16, 8, 6, 2]
    relations = [Relation(0, (1, 2, 3))]
    assert determined(values, {3}, relations) == {3}
    hidden = protect(values, relations, MINIMUM, keep=[0])
    assert hidden == {3, 2}  # the smallest other part goes too
    assert not determined(values, hidden, relations)


def test_a_small_implicit_group_hides_a_printed_count() -> None:
    # holders 7 = proficient 6 + below level 3 (never printed) 1: printing 7 and 6 tells 1.
    values = [7, 6, 1]
    hidden = protect(values, [Relation(0, (1, 2))], MINIMUM, implicit=[2])
    assert hidden == {1}


def test_suppression_holds_across_linked_tables() -> None:
    # Two relations share cell 2: hiding it for the first must not leave it derivable from
    # the second, which would expose the small cell again.
    values = [20, 17, 3, 10, 7]  # 20 = 17 + 3 ; 17 = 10 + 7
    relations = [Relation(0, (1, 2)), Relation(1, (3, 4))]
    hidden = protect(values, relations, MINIMUM, keep=[0])
    assert 2 in hidden and 1 in hidden
    assert not determined(values, hidden, relations) & {2}


def test_nothing_is_hidden_for_viewers_allowed_to_see_people() -> None:
    assert protect([16, 8, 6, 2], [Relation(0, (1, 2, 3))], 1) == set()


# -- the inventory as a reader sees it -------------------------------------------------------


def _person(org: Org, role: JobRole) -> Employee:
    return EmployeeFactory(organization=org.organization, manager=org.ceo, job_role=role)


@pytest.fixture
def company(org: Org, taxonomy: Taxonomy) -> Org:
    """16 people, every one in a role with a profile: Analyst 8, Engineer 6, Designer 2.
    SQL is held by 7, six of them at level 3 or above and one below."""
    organization = org.organization
    organization.min_group_size = MINIMUM
    organization.save(update_fields=["min_group_size"])
    roles = {}
    for title in ("Analyst", "Engineer", "Designer"):
        roles[title] = JobRole.objects.create(organization=organization, title=title, level=2)
        actions.save_role_profile(
            organization, title, [(taxonomy.sql, 3, 1.0)], actor=None, job_role=roles[title]
        )
    Employee.objects.filter(organization=organization).update(job_role=roles["Analyst"])
    people = list(Employee.objects.filter(organization=organization))
    people.append(_person(org, roles["Analyst"]))
    people += [_person(org, roles["Engineer"]) for _ in range(6)]
    people += [_person(org, roles["Designer"]) for _ in range(2)]
    for person in Employee.objects.filter(organization=organization):
        for claim in person.skill_claims.all():
            actions.withdraw_claim(claim, actor=None)
    for i, person in enumerate(people[:7]):
        actions.add_claim(person, taxonomy.sql, 2 if i == 0 else 4, Source.SELF, actor=None)
    return org


def recover_by_subtraction(published: dict[str, Any], minimum: int) -> list[int]:
    """What a reader works out from the printed figures and the fact (visible on the roles
    page) that every person holds a role with a profile."""
    found = []
    bench = published["bench"]
    unknown = [row for row in bench if row["incumbents"] is None]
    if len(unknown) == 1:
        found.append(
            published["headcount"] - sum(r["incumbents"] for r in bench if r not in unknown)
        )
    for row in published["skills"]:
        if row["holders"] is not None and row["proficient"] is not None:
            found.append(row["holders"] - row["proficient"])  # holders below level 3
        if row["holders"] is not None:
            found.append(published["headcount"] - row["holders"])  # people without the skill
    for row in bench:
        if row["ready"] is not None:
            found.append(published["headcount"] - row["ready"])  # people not ready
    return [value for value in found if 0 < value < minimum]


def _naive(inventory: queries.Inventory, minimum: int) -> dict[str, Any]:
    """The scheme this replaces: hide each count below the minimum, nothing else."""

    def cut(value: int | None) -> int | None:
        return value if value is None or value == 0 or value >= minimum else None

    return {
        "headcount": inventory.headcount,
        "skills": [
            {"holders": cut(r.holders), "proficient": cut(r.proficient)} for r in inventory.skills
        ],
        "bench": [
            {"incumbents": cut(b.incumbents), "ready": cut(b.ready)} for b in inventory.bench
        ],
    }


def test_the_naive_scheme_leaks_and_the_published_inventory_does_not(company: Org) -> None:
    organization = company.organization
    exact = queries.inventory(organization, with_people=True)
    leaked = recover_by_subtraction(_naive(exact, MINIMUM), MINIMUM)
    assert sorted(leaked) == [1, 2]  # the one SQL holder below level 3; the two designers

    c = Client()
    c.force_login(company.user("executive"))
    published = c.get("/api/v1/skills/gaps/inventory").json()
    assert published["headcount"] == 16
    assert recover_by_subtraction(published, MINIMUM) == []
    designer = next(b for b in published["bench"] if b["profile"] == "Designer")
    assert designer["incumbents"] is None
    sql = next(r for r in published["skills"] if r["label"] == "SQL")
    assert sql["holders"] == 7 and sql["proficient"] is None


def test_the_csv_export_hides_the_same_cells(company: Org) -> None:
    c = Client()
    c.force_login(company.user("executive"))
    text = c.get(reverse("skills:inventory") + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    sql = next(r for r in rows if r and r[0] == "SQL")
    assert sql == ["SQL", "7", "hidden"]
    roles = {r[0]: r[1] for r in rows if r and r[0] in ("Analyst", "Engineer", "Designer")}
    assert roles["Designer"] == "hidden"
    assert sum(1 for value in roles.values() if value == "hidden") >= 2
    hr = Client()
    hr.force_login(company.user("hr"))
    assert "hidden" not in hr.get(reverse("skills:inventory") + "?format=csv").content.decode()


def test_a_hidden_count_is_not_bounded_by_its_place_in_the_ranking(org: Org) -> None:
    from learnloop.skills.models import Skill

    organization = org.organization
    organization.min_group_size = MINIMUM
    organization.save(update_fields=["min_group_size"])
    people = list(Employee.objects.filter(organization=organization))  # 7
    skills = [Skill.objects.create(label=label) for label in ("Zeta", "Alpha", "Mid")]
    for person in people:  # Zeta: 7 holders
        actions.add_claim(person, skills[0], 3, Source.SELF, actor=None)
    for person in people[:2]:  # Alpha: 2 holders, hidden
        actions.add_claim(person, skills[1], 3, Source.SELF, actor=None)
    for person in people[:6]:  # Mid: 6 holders
        actions.add_claim(person, skills[2], 3, Source.SELF, actor=None)
    rows = queries.inventory(organization, with_people=False).skills
    # Mid's 6 holders are hidden too: 7 - 6 would give away the one person without it.
    assert [(r.label, r.holders) for r in rows] == [("Zeta", 7), ("Alpha", None), ("Mid", None)]
