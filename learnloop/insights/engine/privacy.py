"""Disclosure control for aggregates (docs/insights.md, "Privacy").

Every figure of a dashboard, drill-down row, chart, export, digest or API answer is an
aggregate over a *selection*: a scope (the organization, or a manager's reporting chain)
narrowed by a department (a subtree, the people directly in one, or those in none), a job role
and a location. The selections a viewer can request are enumerable from their role and the
directory, so instead of judging one request at a time (which lets a parent minus its children
single out the person directly in the parent), the whole family is decided at once with the
shared atom ledger (``learnloop.disclosure``): in a fixed order (fewest filters first, the
department tree level by level, largest first), each selection is shown only if it and its
differences from everything shown before, in any combination, leave no group of 1 to ``k - 1``
people. A selection is then shown exactly when it belongs to the released family, whoever asks
first; members are employee ids, never names.

Primary and complementary suppression (:func:`partition`) still protect distributions of one
shown total (histogram buckets, learners vs others), which are not selections of people.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from learnloop import disclosure

SMALL = disclosure.SMALL
COMPLEMENTARY = "complementary"
DIFFERENCING = disclosure.DIFFERENCING
NONE = "none"  # the people with no department, job role or location


@dataclass(frozen=True)
class Selection:
    """One requestable group: ``department`` is ("path", subtree path), ("exact", id) or
    ("none", None); ``job_role`` and ``location`` an id or NONE; None is no filter."""

    manager_prefix: str | None = None
    department: tuple[str, Any] | None = None
    job_role: int | str | None = None
    location: int | str | None = None

    def filters(self) -> tuple[int, ...]:
        values = (self.department, self.location, self.job_role)
        return tuple(i for i, value in enumerate(values) if value is not None)


@dataclass(frozen=True)
class People:
    """The organization's people employed at some time in the period, as arrays (-1: none)."""

    ids: np.ndarray
    department_ids: np.ndarray
    department_paths: list[str]
    job_roles: np.ndarray
    locations: np.ndarray
    manager_paths: list[str]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Any, ...]]) -> People:
        """Rows of (id, department_id, department_path, job_role_id, location_id,
        manager_path)."""

        def ints(column: int) -> np.ndarray:
            return np.array([-1 if r[column] is None else r[column] for r in rows], dtype=np.int64)

        return cls(
            ids=ints(0),
            department_ids=ints(1),
            department_paths=[r[2] or "" for r in rows],
            job_roles=ints(3),
            locations=ints(4),
            manager_paths=[r[5] or "" for r in rows],
        )

    @property
    def size(self) -> int:
        return len(self.ids)


def _departments(people: People, base: np.ndarray) -> dict[Any, np.ndarray]:
    """Each department value present in ``base`` (subtree, exactly in, in none) and the
    positions of its people: grouped by path first, so the work is per department."""
    paths = np.array([people.department_paths[i] for i in base.tolist()], dtype=object)
    unique, inverse = np.unique(paths.astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
    found: dict[Any, list[np.ndarray]] = {}
    for j, path in enumerate(unique.tolist()):
        rows = base[order[bounds[j] : bounds[j + 1]]]
        parts = [p for p in str(path).strip("/").split("/") if p]
        if not parts:
            found.setdefault(("none", None), []).append(rows)
            continue
        for depth in range(1, len(parts) + 1):
            found.setdefault(("path", "/" + "/".join(parts[:depth]) + "/"), []).append(rows)
        found.setdefault(("exact", int(people.department_ids[rows[0]])), []).append(rows)
    return {key: np.sort(np.concatenate(chunks)) for key, chunks in found.items()}


def _value(code: int) -> int | str:
    """A location or job role from its code (0: none, else id + 1)."""
    return NONE if code == 0 else code - 1


def _department_rank(value: tuple[str, Any] | None, paths: dict[int, str]) -> tuple[int, int]:
    """The tree level by level: subtrees of a level, then the people directly in the
    departments above them, so it is the small remainders that go unreleased."""
    if value is None:
        return (0, 0)
    kind, detail = value
    if kind == "path":
        return (str(detail).count("/") - 1, 0)
    if kind == "exact":
        return (paths.get(int(detail), "/").count("/"), 1)
    return (1, 1)


def _candidates(
    people: People, base: np.ndarray, manager_prefix: str | None, k: int
) -> Iterator[tuple[tuple[Any, ...], Selection, np.ndarray]]:
    """Every selection of the scope with at least ``k`` people, with its sort key and
    members; smaller ones are never shown. Counted per department first, so only the
    location and job-role combinations that reach ``k`` are ever materialized."""
    paths = {int(d): p for d, p in zip(people.department_ids, people.department_paths, strict=True)}
    locations, roles = people.locations + 1, people.job_roles + 1  # 0: none
    width = int(roles.max(initial=0)) + 1
    for department, members in [(None, base), *_departments(people, base).items()]:
        if len(members) < k:
            continue
        where, what = locations[members], roles[members]
        found: list[tuple[int | str | None, int | str | None, np.ndarray]] = [(None, None, members)]
        for code in np.flatnonzero(np.bincount(where) >= k).tolist():
            found.append((_value(code), None, members[where == code]))
        for code in np.flatnonzero(np.bincount(what) >= k).tolist():
            found.append((None, _value(code), members[what == code]))
        pairs = where * width + what
        for code in np.flatnonzero(np.bincount(pairs) >= k).tolist():
            at, of = divmod(code, width)
            found.append((_value(at), _value(of), members[pairs == code]))
        for location, role, chosen in found:
            selection = Selection(manager_prefix, department, role, location)
            filters = selection.filters()
            order = (
                len(filters),
                filters,
                _department_rank(department, paths),
                -len(chosen),
                repr(selection),
            )
            yield order, selection, chosen


def release(people: People, k: int, scopes: Sequence[str | None]) -> frozenset[Selection]:
    """The selections shown, over every scope a viewer can request (None: the organization;
    a manager's chain prefix: their team), decided together in a fixed order. Scopes come
    in the order given, so the organization's decisions are the same for every viewer."""
    bases = [
        np.arange(people.size, dtype=np.int64)
        if scope is None
        else np.array(
            [i for i, path in enumerate(people.manager_paths) if path.startswith(scope)],
            dtype=np.int64,
        )
        for scope in scopes
    ]
    # The ledger covers only what the viewer can ask about: a manager's team is everyone they
    # can see, so the rest of the organization is no remainder of theirs to protect.
    universe = np.unique(np.concatenate(bases)) if bases else np.zeros(0, dtype=np.int64)
    position = np.full(people.size, -1, dtype=np.int64)
    position[universe] = np.arange(len(universe))
    ledger = disclosure.Ledger(len(universe), k)
    released: set[Selection] = set()
    for scope, base in zip(scopes, bases, strict=True):
        for _, selection, members in sorted(
            _candidates(people, base, scope, k), key=lambda c: c[0]
        ):
            if ledger.release(position[members]).released:
                released.add(selection)
    return frozenset(released)


def reason(headcount: int, k: int) -> str:
    """Why a selection outside the released family is withheld, as told to the viewer."""
    return SMALL if headcount < k else DIFFERENCING


def partition(sizes: Sequence[int], k: int) -> list[str | None]:
    """The reason each row is hidden (None: shown), for rows that add up to a shown total."""
    reasons: list[str | None] = [SMALL if 0 < size < k else None for size in sizes]
    hidden = [i for i, r in enumerate(reasons) if r]
    while hidden and (len(hidden) < 2 or sum(sizes[i] for i in hidden) < k):
        candidates = sorted(
            (size, i) for i, size in enumerate(sizes) if reasons[i] is None and size > 0
        )
        if not candidates:
            # Nothing left to hide alongside: everything non-empty is hidden already, or the
            # only remaining rows are empty, which reveal nothing.
            break
        reasons[candidates[0][1]] = COMPLEMENTARY
        hidden.append(candidates[0][1])
    return reasons
