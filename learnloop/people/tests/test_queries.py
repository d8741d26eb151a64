from __future__ import annotations

import datetime

import pytest

from learnloop.people import queries
from learnloop.people.models import Organization
from learnloop.people.queries import Group, _groups
from learnloop.people.tests.factories import DepartmentFactory, EmployeeFactory


def test_a_single_small_group_is_hidden_with_the_next_smallest():
    groups = _groups({"Sales": 40, "Legal": 2, "Finance": 7, "Engineering": 60}, minimum=5)
    assert groups == [
        Group("Engineering", 60),
        Group("Sales", 40),
        Group("Finance", None),
        Group("Legal", None),
    ]


def test_two_small_groups_hide_each_other_without_more_suppression():
    groups = _groups({"Sales": 40, "Legal": 2, "Audit": 3}, minimum=5)
    assert [group.count for group in groups] == [40, None, None]


@pytest.mark.django_db
def test_aggregates_count_joiners_leavers_and_attrition():
    organization = Organization.objects.create(name="Tiny", slug="tiny", min_group_size=2)
    root = DepartmentFactory(organization=organization, name="Ops")
    today = datetime.date.today()
    for _ in range(3):
        EmployeeFactory(
            organization=organization,
            department=root,
            hire_date=today - datetime.timedelta(days=800),
        )
    EmployeeFactory(
        organization=organization, department=root, hire_date=today - datetime.timedelta(days=30)
    )
    EmployeeFactory(
        organization=organization,
        hire_date=today - datetime.timedelta(days=900),
        leave_date=today - datetime.timedelta(days=10),
    )
    result = queries.org_aggregates(organization)
    assert (result.headcount, result.joiners_12m, result.leavers_12m) == (4, 1, 1)
    assert result.attrition_12m == 25.0  # 1 leaver / average of 4 at the start and 4 now
    assert result.by_department == [Group("Ops", 4)]


@pytest.mark.django_db
def test_the_team_includes_indirect_reports_and_excludes_leavers(org):
    from learnloop.people.tests.factories import EmployeeFactory

    gone = EmployeeFactory(
        organization=org.organization,
        manager=org.employee,
        leave_date=datetime.date(2020, 1, 1),
        hire_date=datetime.date(2019, 1, 1),
    )
    deep = EmployeeFactory(organization=org.organization, manager=org.employee)
    names = {person.pk for person in queries.team(org.manager)}
    assert names == {org.employee.pk, org.peer.pk, deep.pk}
    assert gone.pk not in names
