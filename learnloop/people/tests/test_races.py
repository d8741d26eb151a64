"""Concurrent imports and role grants keep their invariants (learnloop/testing/concurrency.py)."""

from __future__ import annotations

from learnloop import permissions
from learnloop.conftest import Org
from learnloop.people import actions
from learnloop.people.models import Employee, ImportBatch, RoleGrant
from learnloop.people.tests.test_import import EXPORT
from learnloop.testing.concurrency import concurrent, race


@concurrent
def test_one_file_imported_twice_at_once_creates_each_person_once(org: Org) -> None:
    result = race(
        lambda _: actions.import_people(org.organization, EXPORT, actor_label="test"), threads=4
    )
    assert result.errors == []
    imported = Employee.objects.filter(organization=org.organization, employee_id__in="1234")
    assert imported.count() == 4


@concurrent
def test_a_staged_import_confirmed_twice_at_once_is_applied_once(org: Org) -> None:
    batch, _ = actions.stage_import(org.organization, "hris.csv", EXPORT, actor=org.hr.user)
    result = race(
        lambda _: actions.apply_import_batch(
            ImportBatch.objects.get(pk=batch.pk), actor=org.hr.user
        ),
        threads=4,
    )
    assert result.errors_other_than(ValueError) == []
    assert len(result.values) == 1


@concurrent
def test_a_role_granted_twice_at_once_is_granted_once(org: Org) -> None:
    user = org.employee.user
    result = race(lambda _: actions.grant_role(user, permissions.LD_ADMIN, actor_label="test"))
    assert result.errors == []
    assert RoleGrant.objects.filter(user=user, role=permissions.LD_ADMIN).count() == 1
