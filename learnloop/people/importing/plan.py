"""Comparing parsed rows with what is stored: what an import would change. Pure Python.

Managers are resolved across the whole file and the stored organization, in any row order,
and the resulting reporting lines are checked for cycles before anything is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from learnloop.people.importing.parse import PersonRow, Problem

# The fields an import can change, in the order the preview lists them.
COMPARED = (
    "full_name",
    "email",
    "manager_id",
    "department",
    "job_title",
    "job_family",
    "job_level",
    "hire_date",
    "leave_date",
    "location",
    "employment_type",
    "languages",
    "timezone",
)
# Fields with a default value: a blank cell means that default, not "no value".
DEFAULTS: dict[str, Any] = {"employment_type": "full_time", "timezone": "UTC", "languages": ()}


@dataclass(frozen=True)
class StoredPerson:
    """What is stored for one employee, in the importer's own terms."""

    employee_id: str
    full_name: str
    email: str
    manager_id: str | None
    department: tuple[str, ...]
    job_title: str | None
    job_family: str | None
    job_level: int | None
    hire_date: datetime.date | None
    leave_date: datetime.date | None
    location: str | None
    employment_type: str
    languages: tuple[str, ...]
    timezone: str


@dataclass
class Change:
    row: PersonRow
    changes: dict[str, tuple[Any, Any]]


@dataclass
class Plan:
    creates: list[PersonRow] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: list[PersonRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_departments: list[tuple[str, ...]] = field(default_factory=list)
    new_job_titles: list[str] = field(default_factory=list)
    new_locations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": len(self.unchanged),
            "new_departments": [" / ".join(path) for path in self.new_departments],
            "new_job_titles": self.new_job_titles,
            "new_locations": self.new_locations,
            "problems": [str(problem) for problem in self.problems],
            "warnings": self.warnings,
        }


def _value(row: PersonRow, name: str) -> Any:
    value = getattr(row, name)
    if value in (None, "") and name in DEFAULTS:
        return DEFAULTS[name]
    if value == "":
        return None
    return value


def plan_import(
    rows: list[PersonRow],
    stored: dict[str, StoredPerson],
    emails_in_use: Mapping[str, str | None],
    departments: set[tuple[str, ...]],
    job_titles: set[str],
    locations: set[str],
    columns: dict[str, str] | None = None,
) -> Plan:
    """Plan an upsert keyed on employee id.

    ``emails_in_use`` maps each stored account's e-mail to its employee id, or to ``None``
    for an account with no employee record (such an account is linked, not duplicated).
    """
    plan = Plan()
    columns = columns or {}
    email_column = columns.get("email", "email")
    manager_column = columns.get("manager_id", "manager_id")
    in_file = {row.employee_id: row for row in rows}

    for row in rows:
        owner = emails_in_use.get(row.email, row.employee_id)
        # Another employee's address is only free when the same file moves them off it.
        if owner is not None and owner != row.employee_id:
            moving = in_file.get(owner)
            if moving is None or moving.email == row.email:
                plan.problems.append(
                    Problem(
                        f"'{row.email}' already belongs to employee '{owner}'",
                        line=row.line,
                        column=email_column,
                    )
                )
        if row.manager_id and row.manager_id not in in_file and row.manager_id not in stored:
            plan.problems.append(
                Problem(
                    f"manager id '{row.manager_id}' is neither in this file nor in learnloop",
                    line=row.line,
                    column=manager_column,
                )
            )

    # The reporting lines after the import: stored ones, overridden by the file.
    managers: dict[str, str | None] = {key: person.manager_id for key, person in stored.items()}
    for row in rows:
        if "manager_id" in row.present:
            managers[row.employee_id] = row.manager_id or None
        elif row.employee_id not in stored:
            managers[row.employee_id] = None
    plan.problems.extend(_cycles(managers, in_file, manager_column))

    new_departments: set[tuple[str, ...]] = set()
    for row in rows:
        if row.department:
            for depth in range(1, len(row.department) + 1):
                prefix = row.department[:depth]
                if prefix not in departments:
                    new_departments.add(prefix)
        if (
            row.job_title
            and row.job_title not in job_titles
            and row.job_title not in plan.new_job_titles
        ):
            plan.new_job_titles.append(row.job_title)
        if (
            row.location
            and row.location not in locations
            and row.location not in plan.new_locations
        ):
            plan.new_locations.append(row.location)

        current = stored.get(row.employee_id)
        if current is None:
            plan.creates.append(row)
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name in COMPARED:
            if name not in ("full_name", "email") and name not in row.present:
                continue
            new = _value(row, name)
            old = getattr(current, name)
            if name == "department":
                old, new = tuple(old or ()), tuple(new or ())
            if old != new:
                changes[name] = (old, new)
        if changes:
            plan.updates.append(Change(row, changes))
        else:
            plan.unchanged.append(row)
    plan.new_departments = sorted(new_departments, key=lambda path: (len(path), path))
    return plan


def _cycles(
    managers: dict[str, str | None], in_file: dict[str, PersonRow], manager_column: str
) -> list[Problem]:
    """Report each cycle in the reporting lines once, on the file's line that closes it."""
    problems: list[Problem] = []
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known to end at the top
    for start in managers:
        walk: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            walk.append(node)
            node = managers.get(node)
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node) :]
            on_file = [member for member in cycle if member in in_file]
            culprit = min(on_file, key=lambda member: in_file[member].line) if on_file else None
            chain = " → ".join([*cycle, node])
            problems.append(
                Problem(
                    f"the reporting lines form a cycle: {chain}",
                    line=in_file[culprit].line if culprit else None,
                    column=manager_column if culprit else None,
                )
            )
        for member in walk:
            state[member] = 2
    return problems
