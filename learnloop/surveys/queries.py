"""Reads of surveys. Results go through the disclosure ledger (``learnloop.disclosure``), which
knows each released group by the response ids it disclosed; callers check permissions first."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from learnloop import disclosure
from learnloop.people.models import Department, Employee, Location, Organization
from learnloop.surveys.engine import scoring
from learnloop.surveys.engine.instrument import Instrument as InstrumentDefinition
from learnloop.surveys.models import (
    Invitation,
    Pulse,
    ReleasedGroup,
    Response,
    Suggestion,
    SurveySettings,
    TenureBand,
)

LIBRARY = Path(__file__).parent / "library"


def library() -> dict[str, dict[str, Any]]:
    """The instruments shipped with learnloop, by key."""
    docs = [json.loads(path.read_text("utf-8")) for path in sorted(LIBRARY.glob("*.json"))]
    return {doc["key"]: doc for doc in docs}


def survey_settings(organization: Organization) -> SurveySettings:
    found = SurveySettings.objects.filter(organization=organization).first()
    return found or SurveySettings(organization=organization)


def thresholds(organization: Organization) -> tuple[int, int]:
    """(minimum group for scores, minimum group for comments)."""
    scores = organization.min_group_size
    comments = max(survey_settings(organization).comment_min_group_size, scores + 1)
    return scores, comments


def tenure_band(hire_date: datetime.date | None, on: datetime.date) -> str:
    if hire_date is None:
        return TenureBand.UNKNOWN
    years = (on - hire_date).days / 365.25
    if years < 1:
        return TenureBand.UNDER_1
    if years < 3:
        return TenureBand.YEARS_1_3
    if years < 5:
        return TenureBand.YEARS_3_5
    return TenureBand.OVER_5


@dataclass(frozen=True)
class GroupFilter:
    """A group of respondents: the conjunction of the filters that are set."""

    department: int | None = None
    team: int | None = None  # a manager's employee id: everyone below them
    location: int | None = None
    tenure: str | None = None

    @property
    def key(self) -> str:
        parts = [
            f"{name}={value}"
            for name, value in (
                ("d", self.department),
                ("t", self.team),
                ("l", self.location),
                ("n", self.tenure),
            )
            if value is not None
        ]
        return ";".join(parts) or "all"

    @classmethod
    def from_key(cls, key: str) -> GroupFilter:
        if key == "all":
            return cls()
        values = dict(part.split("=", 1) for part in key.split(";"))
        return cls(
            department=int(values["d"]) if "d" in values else None,
            team=int(values["t"]) if "t" in values else None,
            location=int(values["l"]) if "l" in values else None,
            tenure=values.get("n"),
        )

    @property
    def is_everyone(self) -> bool:
        return self.key == "all"


@dataclass
class ResponseTable:
    """A closed pulse's responses, in their (random) key order, with the attributes each was
    filed under when it was submitted: groups are the organization as it was then, so a later
    change to the tree or to someone's department moves no response between groups."""

    ids: list[str]  # the responses' random keys: the ledger's opaque member ids
    department_paths: list[str]
    manager_paths: list[str]
    locations: list[int | None]
    tenures: list[str]
    answers: list[dict[str, Any]]

    @property
    def size(self) -> int:
        return len(self.answers)

    @cached_property
    def position(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.ids)}

    @cached_property
    def _by_segment(self) -> dict[str, np.ndarray]:
        """Response indices under each department and under each manager (an id anywhere in
        the path filed with the response), built once so masks cost the size of the group."""
        index: dict[str, list[int]] = {}
        for i, (department, chain) in enumerate(
            zip(self.department_paths, self.manager_paths, strict=True)
        ):
            for part in {p for p in department.strip("/").split("/") if p}:
                index.setdefault(f"d{part}", []).append(i)
            for manager in {p for p in chain.strip("/").split("/") if p}:
                index.setdefault(f"t{manager}", []).append(i)
        return {key: np.array(rows, dtype=np.int64) for key, rows in index.items()}

    def _members(self, key: str) -> np.ndarray:
        keep = np.zeros(self.size, dtype=bool)
        rows = self._by_segment.get(key)
        if rows is not None:
            keep[rows] = True
        return keep

    def mask(self, group: GroupFilter) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        if group.department is not None:
            keep &= self._members(f"d{group.department}")
        if group.team is not None:
            keep &= self._members(f"t{group.team}")
        if group.location is not None:
            keep &= np.array([loc == group.location for loc in self.locations], dtype=bool)
        if group.tenure is not None:
            keep &= np.array([t == group.tenure for t in self.tenures], dtype=bool)
        return keep

    def ids_of(self, mask: np.ndarray) -> list[str]:
        return sorted(key for key, keep in zip(self.ids, mask, strict=True) if keep)

    def subset(self, mask: np.ndarray) -> list[dict[str, Any]]:
        return [a for a, keep in zip(self.answers, mask, strict=True) if keep]


def response_table(pulse: Pulse) -> ResponseTable:
    rows = list(
        Response.objects.filter(pulse=pulse)
        .order_by("id")
        .values_list("id", "department_path", "manager_path", "location_id", "tenure", "answers")
    )
    return ResponseTable(
        ids=[r[0].hex for r in rows],
        department_paths=[r[1] for r in rows],
        manager_paths=[r[2] for r in rows],
        locations=[r[3] for r in rows],
        tenures=[r[4] for r in rows],
        answers=[r[5] for r in rows],
    )


def members_digest(ids: list[str]) -> str:
    """The identity of a released set of responses, whatever group name it was asked by."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def ledger(pulse: Pulse, channel: str, table: ResponseTable) -> disclosure.Ledger:
    """The pulse's ledger for a channel, rebuilt from the response sets released so far (as
    they were disclosed: neither today's tree nor today's thresholds can shrink them)."""
    scores_k, comments_k = thresholds(pulse.organization)
    k = comments_k if channel == ReleasedGroup.Channel.COMMENTS else scores_k
    book = disclosure.Ledger(table.size, k)
    stored = ReleasedGroup.objects.filter(pulse=pulse, channel=channel).values_list(
        "members", flat=True
    )
    for members in stored:
        book.record(disclosure.positions(table.position, members))
    return book


@dataclass(frozen=True)
class GroupResults:
    group: GroupFilter
    label: str
    released: bool
    reason: str = ""  # "small" or "differencing" when suppressed
    respondents: int | None = None
    dimensions: list[scoring.DimensionStats] = field(default_factory=list)
    items: list[scoring.ItemStats] = field(default_factory=list)
    enps: scoring.Enps | None = None
    drivers: list[scoring.Driver] = field(default_factory=list)
    comments: list[tuple[str, list[str]]] | None = None  # (question, texts) when released
    comments_reason: str = ""


def compute(
    definition: InstrumentDefinition,
    answers: list[dict[str, Any]],
    *,
    detailed: bool = True,
) -> dict[str, Any]:
    """The statistics of one released group."""
    return {
        "respondents": len(answers),
        "dimensions": scoring.dimension_stats(answers, definition, with_reliability=detailed),
        "items": [scoring.item_stats(answers, q) for q in definition.questions if q.kind != "text"]
        if detailed
        else [],
        "enps": scoring.enps(answers, definition),
        "drivers": scoring.drivers(answers, definition) if detailed else [],
    }


def comments_of(
    definition: InstrumentDefinition, answers: list[dict[str, Any]]
) -> list[tuple[str, list[str]]]:
    out = []
    for question in definition.questions:
        if question.kind != "text":
            continue
        # Sorted, so the order says nothing about who answered when.
        texts = sorted(str(a[question.key]) for a in answers if a.get(question.key))
        out.append((question.text, texts))
    return out


def group_label(organization: Organization, group: GroupFilter) -> str:
    if group.is_everyone:
        return "Everyone"
    parts = []
    if group.department is not None:
        department = Department.objects.filter(
            pk=group.department, organization=organization
        ).first()
        parts.append(department.full_name if department else "Unknown department")
    if group.team is not None:
        manager = Employee.objects.select_related("user").filter(pk=group.team).first()
        parts.append(f"Team of {manager.name}" if manager else "Unknown team")
    if group.location is not None:
        location = Location.objects.filter(pk=group.location, organization=organization).first()
        parts.append(location.name if location else "Unknown location")
    if group.tenure is not None:
        parts.append(dict(TenureBand.choices).get(group.tenure, group.tenure))
    return " · ".join(parts)


@dataclass(frozen=True)
class Participation:
    label: str
    invited: int | None
    responded: int | None  # None when the group, or its count, is too small to show

    @property
    def rate(self) -> float | None:
        if not self.invited or self.responded is None:
            return None
        return round(100 * self.responded / self.invited, 1)


def participation(pulse: Pulse, team_of: Employee | None = None) -> list[Participation]:
    """Response rates of the whole audience, its top-level departments and (for a manager) their
    team. Groups with fewer invitees than the minimum are hidden, together with whatever would
    let a hidden group's figure be computed by subtraction; response counts move only in whole
    steps of the minimum (:func:`stepped`). Never names who responded."""
    k = pulse.organization.min_group_size
    rows = list(
        Invitation.objects.filter(pulse=pulse)
        .order_by("id")
        .values_list("responded", "employee__department__path", "employee__manager_path")
    )
    responded = np.array([r[0] for r in rows], dtype=bool)
    roots = {
        d.path: d.name
        for d in Department.objects.filter(organization=pulse.organization, parent__isnull=True)
    }
    groups: list[tuple[str, np.ndarray]] = [("Everyone invited", np.ones(len(rows), dtype=bool))]
    by_root: dict[str, np.ndarray] = {}
    for root_path, name in roots.items():
        by_root[name] = np.array([(r[1] or "").startswith(root_path) for r in rows], dtype=bool)
    groups += sorted(by_root.items(), key=lambda item: (-int(item[1].sum()), item[0]))
    if team_of is not None:
        needle = f"/{team_of.pk}/"
        groups.append(("Your team", np.array([needle in (r[2] or "") for r in rows], dtype=bool)))
    book = disclosure.Ledger(len(rows), k)
    out = []
    for label, mask in groups:
        if not mask.any():
            continue
        decision = book.release(mask)
        released = decision.released
        out.append(
            Participation(
                label,
                int(mask.sum()) if released else None,
                stepped(int((responded & mask).sum()), k) if released else None,
            )
        )
    return out


def stepped(count: int, k: int) -> int | None:
    """A response count as shown: None below ``k``, else rounded down to a multiple of ``k``.
    A count that moved with each answer would tell a manager watching it who just answered."""
    return count // k * k if count >= k else None


def open_pulses_for(employee: Employee) -> list[Pulse]:
    return list(
        Pulse.objects.filter(
            status=Pulse.Status.OPEN,
            invitations__employee=employee,
            invitations__responded=False,
        ).order_by("closes_on")
    )


def has_responded(pulse: Pulse, employee: Employee) -> bool:
    return Invitation.objects.filter(pulse=pulse, employee=employee, responded=True).exists()


def is_invited(pulse: Pulse, employee: Employee) -> bool:
    return Invitation.objects.filter(pulse=pulse, employee=employee).exists()


def series(pulse: Pulse) -> list[Pulse]:
    """Closed pulses of the same instrument, oldest first, for trends."""
    return list(
        Pulse.objects.filter(
            organization=pulse.organization,
            instrument__key=pulse.instrument.key,
            status=Pulse.Status.CLOSED,
        ).order_by("opens_on", "pk")
    )


def suggestions_for_handler(
    organization: Organization, employee: Employee, hr: bool
) -> list[Suggestion]:
    found = Suggestion.objects.filter(organization=organization).select_related("addressed_to")
    if hr:
        return list(found)
    department = employee.department
    if department is None:
        return []
    return [
        s
        for s in found.filter(addressed_to__isnull=False)
        if department.path.startswith(s.addressed_to.path)  # type: ignore[union-attr]
    ]
