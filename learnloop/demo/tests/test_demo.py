from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from learnloop.accounts.models import User
from learnloop.demo import build
from learnloop.demo.company import build_company
from learnloop.people.models import Employee
from learnloop.permissions import principal_for

TODAY = datetime.date(2026, 11, 23)


def test_the_company_is_deterministic_for_a_seed():
    first = [
        (p.employee_id, p.name, p.title, p.hire_date) for p in build_company(200, 3, TODAY).people
    ]
    again = [
        (p.employee_id, p.name, p.title, p.hire_date) for p in build_company(200, 3, TODAY).people
    ]
    other = [(p.employee_id, p.name) for p in build_company(200, 4, TODAY).people]
    assert first == again
    assert [row[:2] for row in first] != other


def test_the_company_looks_like_a_real_one():
    company = build_company(2000, 7, TODAY)
    people = company.people
    assert len(people) == 2000
    assert len({p.email for p in people}) == 2000
    depth = max(p.department.__len__() for p in people)
    assert depth == 3

    def chain(p):
        n = 0
        while p.manager is not None:
            p, n = p.manager, n + 1
        return n

    assert 4 <= max(chain(p) for p in people) <= 7
    spans = [len(p.reports) for p in people if p.reports]
    assert max(spans) <= 12
    leavers = sum(1 for p in people if p.leave_date and p.leave_date <= TODAY)
    assert 0.08 < leavers / len(people) < 0.25
    assert all(p.hire_date <= (p.leave_date or TODAY) for p in people)
    assert all(p.manager is None or p.manager.hire_date <= p.hire_date for p in people)
    assert Counter(p.employment_type for p in people)["contractor"] > 0


@pytest.mark.django_db
def test_the_demo_command_builds_once_and_is_safe_to_rerun(capsys):
    call_command("demo", "--employees", "60", "--seed", "2")
    first = capsys.readouterr().out
    assert "built the demo organization: 60 people" in first
    assert first.count("/accounts/link/") == 5
    call_command("demo", "--employees", "60", "--seed", "2")
    assert "exists already" in capsys.readouterr().out
    assert Employee.objects.count() == 60


@pytest.mark.django_db
def test_each_persona_has_the_role_it_is_named_for():
    personas = {p.key: p.user for p in build.build(80, 5)}
    roles = {key: principal_for(user).roles for key, user in personas.items()}
    assert "manager" not in roles["employee"]
    assert "manager" in roles["manager"]
    assert "hr_admin" in roles["hr_admin"]
    assert "ld_admin" in roles["ld_admin"]
    assert "executive" in roles["executive"]
    assert personas["employee"].employee.manager.user == personas["manager"]
    assert all(user.check_password(build.PASSWORD) for user in personas.values())


@pytest.mark.django_db
def test_reset_rebuilds_without_leftovers():
    build.build(60, 1)
    build.remove()
    assert not User.objects.exists() and not Employee.objects.exists()
    build.build(60, 1)
    assert Employee.objects.count() == 60
