"""Every write to people and organization data. Each function is one atomic use case that
also records its audit events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from learnloop import permissions
from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.locking import advisory_lock
from learnloop.people.importing.parse import ParsedFile, PersonRow, parse_csv
from learnloop.people.importing.plan import Plan, StoredPerson, plan_import
from learnloop.people.models import (
    Department,
    Employee,
    ImportBatch,
    JobRole,
    Location,
    Organization,
    RoleGrant,
)

BULK = 2000


@transaction.atomic
def create_organization(
    name: str, slug: str, *, actor: User | None = None, actor_label: str | None = None
) -> Organization:
    organization = Organization.objects.create(name=name, slug=slug)
    events.record(
        "people.organization_created", actor=actor, actor_label=actor_label, target=organization
    )
    return organization


def _department_path(department: Department) -> None:
    parent = department.parent
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.full_name = f"{parent.full_name} / {department.name}" if parent else department.name


def _create_department(
    organization: Organization, name: str, parent: Department | None
) -> Department:
    department = Department.objects.create(organization=organization, name=name, parent=parent)
    _department_path(department)
    department.save(update_fields=["path", "full_name"])
    return department


def rebuild_department_paths(organization: Organization) -> None:
    """Recompute every department's path and full name after the tree changed."""
    departments = {d.pk: d for d in Department.objects.filter(organization=organization)}
    done: set[int] = set()

    def visit(department: Department) -> None:
        if department.pk in done:
            return
        if department.parent_id is not None:
            parent = departments[department.parent_id]
            visit(parent)
            department.parent = parent
        _department_path(department)
        done.add(department.pk)

    for department in departments.values():
        visit(department)
    Department.objects.bulk_update(
        list(departments.values()), ["path", "full_name"], batch_size=BULK
    )


def rebuild_manager_paths(organization: Organization) -> int:
    """Recompute every employee's chain of managers; returns how many changed.

    Callers hold a transaction; reporting lines are acyclic (imports reject cycles).
    """
    rows = list(
        Employee.objects.filter(organization=organization).values_list(
            "pk", "manager_id", "manager_path"
        )
    )
    manager_of = {pk: manager for pk, manager, _ in rows}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain: list[int] = []
        node = manager_of.get(pk)
        while node is not None and node not in paths:
            chain.append(node)
            node = manager_of.get(node)
        base = paths[node] + f"{node}/" if node is not None else "/"
        for member in reversed(chain):
            paths[member] = base
            base = f"{base}{member}/"
        return base

    changed = []
    for pk, _, old in rows:
        new = path_of(pk)
        paths[pk] = new
        if new != old:
            changed.append(Employee(pk=pk, manager_path=new))
    Employee.objects.bulk_update(changed, ["manager_path"], batch_size=BULK)
    return len(changed)


def snapshot(organization: Organization) -> dict[str, Any]:
    """What is stored, in the importer's terms: the inputs of :func:`plan_import`."""
    departments = {d.pk: d for d in Department.objects.filter(organization=organization)}

    def names(department_id: int | None) -> tuple[str, ...]:
        if department_id is None:
            return ()
        department = departments[department_id]
        ids = [int(part) for part in department.path.strip("/").split("/")]
        return tuple(departments[i].name for i in ids)

    employees = Employee.objects.filter(organization=organization).select_related(
        "user", "job_role", "location"
    )
    external_id = dict(employees.values_list("pk", "employee_id"))
    stored = {
        e.employee_id: StoredPerson(
            employee_id=e.employee_id,
            full_name=e.user.full_name,
            email=e.user.email,
            manager_id=external_id.get(e.manager_id) if e.manager_id else None,
            department=names(e.department_id),
            job_title=e.job_role.title if e.job_role else None,
            job_family=(e.job_role.family or None) if e.job_role else None,
            job_level=e.job_role.level if e.job_role else None,
            hire_date=e.hire_date,
            leave_date=e.leave_date,
            location=e.location.name if e.location else None,
            employment_type=e.employment_type,
            languages=tuple(e.languages),
            timezone=e.timezone,
        )
        for e in employees
    }
    emails_in_use: dict[str, str | None] = dict.fromkeys(
        User.objects.values_list("email", flat=True)
    )
    emails_in_use.update({person.email: person.employee_id for person in stored.values()})
    return {
        "stored": stored,
        "emails_in_use": emails_in_use,
        "departments": {names(pk) for pk in departments},
        "job_titles": set(
            JobRole.objects.filter(organization=organization).values_list("title", flat=True)
        ),
        "locations": set(
            Location.objects.filter(organization=organization).values_list("name", flat=True)
        ),
    }


@dataclass
class ImportOutcome:
    parsed: ParsedFile
    plan: Plan
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.parsed.problems and self.plan.ok

    @property
    def problems(self) -> list[str]:
        return [str(problem) for problem in [*self.parsed.problems, *self.plan.problems]]

    def summary(self) -> dict[str, Any]:
        summary = self.plan.summary()
        summary["problems"] = self.problems
        summary["warnings"] = [*self.parsed.warnings, *self.plan.warnings]
        summary["columns"] = self.parsed.columns
        return summary


def plan_people_import(
    organization: Organization, text: str, overrides: dict[str, str] | None = None
) -> ImportOutcome:
    """Parse and plan without writing anything: the dry run."""
    parsed = parse_csv(text, overrides)
    if parsed.problems:
        return ImportOutcome(parsed, Plan(), applied=False)
    plan = plan_import(parsed.rows, columns=parsed.columns, **snapshot(organization))
    return ImportOutcome(parsed, plan, applied=False)


@transaction.atomic
def import_people(
    organization: Organization,
    text: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Upsert employees from an HRIS export keyed on employee id: all rows or none."""
    # One import per organization at a time, planned against what the previous one stored:
    # two at once would both plan the same new people and departments.
    if not dry_run:
        advisory_lock("people.import", organization.pk)
    outcome = plan_people_import(organization, text, overrides)
    if dry_run or not outcome.ok:
        return outcome
    apply_plan(organization, outcome.plan, actor=actor, actor_label=actor_label)
    outcome.applied = True
    return outcome


def apply_plan(
    organization: Organization,
    plan: Plan,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
) -> None:
    """Write a validated plan. Runs inside the caller's transaction."""
    if not plan.ok:
        raise ValueError("an import plan with problems cannot be applied")
    rows = [*plan.creates, *(change.row for change in plan.updates)]

    departments = {(): None} | _department_index(organization)
    for path in plan.new_departments:
        departments[path] = _create_department(organization, path[-1], departments[path[:-1]])

    role_rows: dict[str, PersonRow] = {}
    for row in rows:
        if row.job_title:
            role_rows.setdefault(row.job_title, row)
    JobRole.objects.bulk_create(
        [
            JobRole(
                organization=organization,
                title=title,
                family=role_rows[title].job_family or "",
                level=role_rows[title].job_level,
            )
            for title in plan.new_job_titles
        ],
        batch_size=BULK,
    )
    roles = {role.title: role for role in JobRole.objects.filter(organization=organization)}
    _update_role_attributes(roles, role_rows)

    Location.objects.bulk_create(
        [
            Location(organization=organization, name=name, timezone=_first_timezone(rows, name))
            for name in plan.new_locations
        ],
        batch_size=BULK,
    )
    locations = {
        location.name: location for location in Location.objects.filter(organization=organization)
    }

    today = timezone.localdate()
    created_users = _upsert_users(organization, plan, today)
    users = {user.email: user for user in created_users}

    new_employees = [
        Employee(
            organization=organization,
            user=users[row.email],
            employee_id=row.employee_id,
            department=departments[row.department] if row.department else None,
            job_role=roles[row.job_title] if row.job_title else None,
            location=locations[row.location] if row.location else None,
            hire_date=row.hire_date,
            leave_date=row.leave_date,
            employment_type=row.employment_type or "full_time",
            languages=list(row.languages or ()),
            timezone=row.timezone or "UTC",
        )
        for row in plan.creates
    ]
    Employee.objects.bulk_create(new_employees, batch_size=BULK)

    existing = _by_employee_id(organization)
    updated = []
    fields: set[str] = set()
    for change in plan.updates:
        employee = existing[change.row.employee_id]
        for name, (_, new) in change.changes.items():
            if name == "department":
                employee.department = departments[new] if new else None
                fields.add("department")
            elif name == "job_title":
                employee.job_role = roles[new] if new else None
                fields.add("job_role")
            elif name == "location":
                employee.location = locations[new] if new else None
                fields.add("location")
            elif name == "languages":
                employee.languages = list(new)
                fields.add("languages")
            elif name in ("hire_date", "leave_date", "employment_type", "timezone"):
                setattr(employee, name, new)
                fields.add(name)
        updated.append(employee)
    if fields:
        Employee.objects.bulk_update(updated, sorted(fields), batch_size=BULK)

    by_external = dict(
        Employee.objects.filter(organization=organization).values_list("employee_id", "pk")
    )
    manager_rows = [row for row in rows if "manager_id" in row.present]
    Employee.objects.bulk_update(
        [
            Employee(
                pk=by_external[row.employee_id],
                manager_id=by_external[row.manager_id] if row.manager_id else None,
            )
            for row in manager_rows
        ],
        ["manager_id"],
        batch_size=BULK,
    )
    rebuild_manager_paths(organization)

    stored = _by_employee_id(organization)
    audit = [
        events.Event("people.employee_created", stored[row.employee_id], {"line": row.line})
        for row in plan.creates
    ]
    audit += [
        events.Event(
            "people.employee_updated",
            stored[change.row.employee_id],
            {"line": change.row.line, "fields": sorted(change.changes)},
        )
        for change in plan.updates
    ]
    audit.append(
        events.Event(
            "people.imported",
            organization,
            {k: v for k, v in plan.summary().items() if k in ("created", "updated", "unchanged")},
        )
    )
    events.record_many(audit, actor=actor, actor_label=actor_label)


def _department_index(organization: Organization) -> dict[tuple[str, ...], Department | None]:
    departments = {d.pk: d for d in Department.objects.filter(organization=organization)}
    index: dict[tuple[str, ...], Department | None] = {}
    for department in departments.values():
        ids = [int(part) for part in department.path.strip("/").split("/")]
        index[tuple(departments[i].name for i in ids)] = department
    return index


def _update_role_attributes(roles: dict[str, JobRole], rows: dict[str, PersonRow]) -> None:
    changed = []
    for title, row in rows.items():
        role = roles[title]
        family = row.job_family if "job_family" in row.present else role.family
        level = row.job_level if "job_level" in row.present else role.level
        if (family or "") != role.family or level != role.level:
            role.family, role.level = family or "", level
            changed.append(role)
    JobRole.objects.bulk_update(changed, ["family", "level"], batch_size=BULK)


def _first_timezone(rows: list[PersonRow], location: str) -> str:
    return next((row.timezone for row in rows if row.location == location and row.timezone), "UTC")


def _by_employee_id(organization: Organization) -> dict[str, Employee]:
    # Whole-organization reads: an IN list of every imported id would exceed database limits.
    return {
        e.employee_id: e
        for e in Employee.objects.filter(organization=organization).select_related("user")
    }


def _upsert_users(organization: Organization, plan: Plan, today: datetime.date) -> list[User]:
    """Create or link the accounts of new employees and apply name, e-mail and access changes."""

    def active(row: PersonRow) -> bool:
        return row.leave_date is None or row.leave_date > today

    new_emails = {row.email for row in plan.creates}
    unlinked = {
        u.email: u for u in User.objects.filter(employee__isnull=True) if u.email in new_emails
    }
    fresh = []
    for row in plan.creates:
        if row.email not in unlinked:
            user = User(email=row.email, full_name=row.full_name, is_active=active(row))
            user.set_unusable_password()
            fresh.append(user)
    User.objects.bulk_create(fresh, batch_size=BULK)
    for user in unlinked.values():
        row = next(r for r in plan.creates if r.email == user.email)
        user.full_name, user.is_active = row.full_name, active(row)
    User.objects.bulk_update(list(unlinked.values()), ["full_name", "is_active"], batch_size=BULK)

    changes = {change.row.employee_id: change for change in plan.updates}
    employees = _by_employee_id(organization)
    accounts = {employee_id: employees[employee_id].user for employee_id in changes}
    # Addresses may move between people in one file: free them all before assigning.
    moving = [employee_id for employee_id, change in changes.items() if "email" in change.changes]
    for employee_id in moving:
        accounts[employee_id].email = f"moving-{accounts[employee_id].pk}@invalid"
    User.objects.bulk_update([accounts[i] for i in moving], ["email"], batch_size=BULK)
    for employee_id, change in changes.items():
        user = accounts[employee_id]
        user.email, user.full_name = change.row.email, change.row.full_name
        if "leave_date" in change.row.present:
            user.is_active = active(change.row)
    User.objects.bulk_update(
        list(accounts.values()), ["email", "full_name", "is_active"], batch_size=BULK
    )
    return [*fresh, *unlinked.values()]


@transaction.atomic
def stage_import(
    organization: Organization, filename: str, text: str, *, actor: User
) -> tuple[ImportBatch, ImportOutcome]:
    """Keep an uploaded file and its preview until an HR admin confirms or drops it."""
    outcome = plan_people_import(organization, text)
    batch = ImportBatch.objects.create(
        organization=organization,
        uploaded_by=actor,
        filename=filename[:255],
        content=text,
        status=ImportBatch.Status.PREVIEWED if outcome.ok else ImportBatch.Status.REJECTED,
        summary=outcome.summary(),
    )
    events.record("people.import_previewed", actor=actor, target=batch, data={"ok": outcome.ok})
    return batch, outcome


@transaction.atomic
def apply_import_batch(batch: ImportBatch, *, actor: User) -> ImportOutcome:
    """Apply a previewed file, re-planned against what is stored now."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValueError(
            f"this import is {batch.get_status_display().lower()} and cannot be applied"
        )
    outcome = import_people(batch.organization, batch.content, actor=actor)
    batch.summary = outcome.summary()
    batch.status = ImportBatch.Status.APPLIED if outcome.applied else ImportBatch.Status.REJECTED
    batch.applied_at = timezone.now() if outcome.applied else None
    batch.save(update_fields=["summary", "status", "applied_at"])
    return outcome


@transaction.atomic
def grant_role(
    user: User, role: str, *, actor: User | None = None, actor_label: str | None = None
) -> RoleGrant:
    if role not in dict(RoleGrant.ROLE_CHOICES):
        raise ValueError(f"role: '{role}' is not one of {', '.join(dict(RoleGrant.ROLE_CHOICES))}")
    grant, _ = RoleGrant.objects.get_or_create(user=user, role=role)
    events.record(
        "people.role_granted",
        actor=actor,
        actor_label=actor_label,
        target=user,
        data={"role": role},
    )
    permissions.forget(user)
    return grant


@transaction.atomic
def revoke_role(user: User, role: str, *, actor: User | None = None) -> None:
    RoleGrant.objects.filter(user=user, role=role).delete()
    events.record("people.role_revoked", actor=actor, target=user, data={"role": role})
    permissions.forget(user)


@transaction.atomic
def deactivate_leavers(on: datetime.date | None = None) -> int:
    """Close the accounts of people whose leave date has come (a daily job)."""
    day = on or timezone.localdate()
    users = list(User.objects.filter(is_active=True, employee__leave_date__lte=day))
    for user in users:
        user.is_active = False
    User.objects.bulk_update(users, ["is_active"], batch_size=BULK)
    events.record_many(
        [events.Event("people.account_closed_on_leave", user) for user in users],
        actor_label="worker",
    )
    return len(users)
