"""Reads of mentoring data, and the bridge from the database to the matching engine.
Callers check permissions first."""

from __future__ import annotations

import datetime
import functools
import math
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learnloop.mentoring.engine import constraints
from learnloop.mentoring.engine.scoring import (
    AVAILABILITY_WORDS,
    COMPONENTS,
    HOURS_PER_WEEK,
    LABELS,
    Side,
    Weights,
    empty_side,
)
from learnloop.mentoring.models import (
    MentoringPreference,
    Participant,
    Program,
    Relationship,
    Role,
)
from learnloop.mentoring.questionnaire import QUESTIONS
from learnloop.people.models import Department, Employee, Organization, active_employees
from learnloop.skills.models import EmployeeSkill, Skill, SkillClaim

OPEN = (Relationship.Status.REQUESTED, Relationship.Status.ACTIVE)


def weights_of(program: Program) -> Weights:
    return Weights.from_mapping(program.weights or {})


def in_audience(program: Program, employee: Employee) -> bool:
    if employee.organization_id != program.organization_id:
        return False
    if program.audience_id is None:
        return True
    department: Department | None = employee.department
    return department is not None and department.path.startswith(program.audience.path)  # type: ignore[union-attr]


def programs(organization: Organization) -> QuerySet[Program]:
    return Program.objects.filter(organization=organization).annotate(
        mentees=Count("participants", filter=Q(participants__role=Role.MENTEE), distinct=True),
        mentors=Count("participants", filter=Q(participants__role=Role.MENTOR), distinct=True),
        active_pairs=Count(
            "relationships",
            filter=Q(relationships__status=Relationship.Status.ACTIVE),
            distinct=True,
        ),
    )


def profile_of(program: Program, employee: Employee, role: str) -> Participant | None:
    return Participant.objects.filter(program=program, employee=employee, role=role).first()


def open_relationship_as_mentee(program: Program, employee: Employee) -> Relationship | None:
    return Relationship.objects.filter(program=program, mentee=employee, status__in=OPEN).first()


def my_relationships(employee: Employee) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(Q(mentee=employee) | Q(mentor=employee))
        .select_related("program", "mentee__user", "mentor__user")
        .order_by("-requested_at")
    )


def team_relationships(manager: Employee) -> QuerySet[Relationship]:
    """Pairs where a report (direct or indirect) is mentee or mentor: who, status, dates."""
    prefix = manager.chain_prefix
    return (
        Relationship.objects.filter(
            Q(mentee__manager_path__startswith=prefix) | Q(mentor__manager_path__startswith=prefix)
        )
        .select_related("program", "mentee__user", "mentor__user")
        .order_by("-requested_at")
    )


def mean_progress(relationship: Relationship) -> float | None:
    values = [g.progress for g in relationship.goals.all()]
    return sum(values) / len(values) if values else None


def skill_progress(relationship: Relationship) -> list[tuple[Skill, float | None, float | None]]:
    """The mentee's current level on each goal's skill, and the level when the pair started."""
    skills = [g.skill for g in relationship.goals.all() if g.skill is not None]
    if not skills:
        return []
    now = {
        row.skill_id: row.level
        for row in EmployeeSkill.objects.filter(employee=relationship.mentee, skill__in=skills)
    }
    started = relationship.started_at or relationship.requested_at
    before: dict[int, float] = {}
    for claim in SkillClaim.objects.filter(
        employee=relationship.mentee,
        skill__in=skills,
        withdrawn=False,
        observed_on__lte=started.date(),
    ).order_by("observed_on"):
        before[claim.skill_id] = float(claim.level)
    return [(s, before.get(s.pk), now.get(s.pk)) for s in skills]


# -- the engine's view of a program -------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _utc_offset(name: str, day: datetime.date) -> float:
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
    offset = moment.utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


@dataclass
class Member:
    """What the engine and the draft need of one participant, read without model instances
    (building 2,500 Participant/Employee/JobRole objects cost more than the whole solve)."""

    pk: int
    employee_id: int
    capacity: int
    skills: list[dict[str, Any]]
    goal_vector: bytes | None
    vector_model: str
    availability: list[int]
    time_zone: str
    languages: list[str]
    style: list[int]
    department_id: int | None
    job_level: int | None
    manager_path: str


_MEMBER_FIELDS = (
    "pk",
    "employee_id",
    "role",
    "capacity",
    "skills",
    "goal_vector",
    "vector_model",
    "availability",
    "time_zone",
    "languages",
    "style",
    "employee__department_id",
    "employee__job_role__level",
    "employee__manager_path",
    "employee__timezone",
    "employee__languages",
)


@dataclass
class Pool:
    """A program's participants as the engine's two sides, row i = ``members[i]``.

    ``mentees``/``mentors`` (Participant instances with their employee) are loaded on first use
    only: the whole-pool optimizer never needs them."""

    program: Program
    mentee_members: list[Member]
    mentor_members: list[Member]
    mentee_side: Side
    mentor_side: Side
    forbidden: np.ndarray
    weights: Weights

    @functools.cached_property
    def mentees(self) -> list[Participant]:
        return participants(self.mentee_members)

    @functools.cached_property
    def mentors(self) -> list[Participant]:
        return participants(self.mentor_members)


def participants(members: list[Member]) -> list[Participant]:
    """The members' Participant rows (with employee, user and job role), in the same order."""
    found = Participant.objects.select_related("employee__job_role", "employee__user").in_bulk(
        [m.pk for m in members]
    )
    out = []
    for member in members:
        participant = found[member.pk]
        participant.capacity = member.capacity  # room left, as the engine saw it
        out.append(participant)
    return out


def _hours_masks(rows: list[list[int]]) -> np.ndarray:
    """(n, 3) uint64 availability masks of many people's hour lists in one vectorised pass."""
    masks = np.zeros((len(rows), AVAILABILITY_WORDS), dtype=np.uint64)
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    if lengths.sum():
        hours = np.fromiter((int(h) % HOURS_PER_WEEK for r in rows for h in r), dtype=np.uint64)
        owner = np.repeat(np.arange(len(rows)), lengths)
        word = (hours // np.uint64(64)).astype(np.int64)
        np.bitwise_or.at(masks, (owner, word), np.uint64(1) << (hours % np.uint64(64)))
    return masks


def _side(
    members: list[Member],
    *,
    skills: dict[int, list[tuple[int, float]]],
    languages: dict[str, int],
    today: datetime.date,
    dims: int,
    model: str,
    depth: int,
) -> Side:
    n = len(members)
    k = max([len(skills.get(p.pk, [])) for p in members] + [1])
    side = empty_side(n, skills=k, dims=dims, questions=len(QUESTIONS), depth=depth)
    side.person[:] = [p.employee_id for p in members]
    side.capacity[:] = [p.capacity for p in members]
    side.department[:] = [-1 if p.department_id is None else p.department_id for p in members]
    side.seniority[:] = [np.nan if p.job_level is None else float(p.job_level) for p in members]
    side.utc_offset[:] = [_utc_offset(p.time_zone, today) for p in members]
    side.availability[:] = _hours_masks([p.availability or [] for p in members])
    width = dims * 2  # float16 bytes
    rows = [
        row
        for row, p in enumerate(members)
        if p.goal_vector is not None and p.vector_model == model and len(p.goal_vector) == width
    ]
    if rows:
        raw = b"".join(bytes(members[row].goal_vector or b"") for row in rows)
        side.goal_vectors[rows] = np.frombuffer(raw, dtype=np.float16).reshape(len(rows), dims)
    questions = len(QUESTIONS)
    for row, p in enumerate(members):
        for slot, (skill_id, level) in enumerate(skills.get(p.pk, [])):
            side.skill_ids[row, slot] = skill_id
            side.skill_levels[row, slot] = level
        mask = 0
        for code in p.languages:
            mask |= 1 << (languages[code] % 64)
        side.languages[row] = mask
        for q, answer in enumerate((p.style or [])[:questions]):
            if answer:
                side.style[row, q] = float(answer)
        ids = [int(x) for x in p.manager_path.strip("/").split("/") if x][:depth]
        side.ancestors[row, : len(ids)] = ids
    return side


def previous_pairs(program: Program) -> list[tuple[int, int]]:
    """Pairs never to propose again: declined in this program, and (when the program says so)
    pairs that already worked together in any program of the organization."""
    declined = Relationship.objects.filter(program=program, status=Relationship.Status.DECLINED)
    pairs = set(declined.values_list("mentee_id", "mentor_id"))
    if program.avoid_previous_pairs:
        earlier = Relationship.objects.filter(
            program__organization=program.organization_id,
            status__in=[Relationship.Status.ACTIVE, Relationship.Status.CLOSED],
        ).exclude(program=program)
        pairs |= set(earlier.values_list("mentee_id", "mentor_id"))
    return sorted(pairs)


def pool(program: Program, *, today: datetime.date | None = None) -> Pool:
    """Unpaired, active, unpaused mentees; active, unpaused mentors with room left."""
    today = today or timezone.localdate()
    active_ids = active_employees(today).filter(organization=program.organization_id)
    open_pairs = Relationship.objects.filter(program=program, status__in=OPEN)
    paired = set(open_pairs.values_list("mentee_id", flat=True))
    load = Counter(open_pairs.values_list("mentor_id", flat=True))
    mentees: list[Member] = []
    mentors: list[Member] = []
    rows = (
        Participant.objects.filter(program=program, paused=False, employee__in=active_ids)
        .order_by("pk")
        .values_list(*_MEMBER_FIELDS)
    )
    for (
        pk, employee_id, role, capacity, skills, vector, vector_model, availability, time_zone,
        languages, style, department_id, job_level, manager_path, own_zone, own_languages,
    ) in rows:  # fmt: skip
        member = Member(
            pk=pk,
            employee_id=employee_id,
            capacity=capacity,
            skills=skills or [],
            goal_vector=None if vector is None else bytes(vector),
            vector_model=vector_model,
            availability=availability or [],
            time_zone=time_zone or own_zone,
            languages=languages or own_languages or [],
            style=style or [],
            department_id=department_id,
            job_level=job_level,
            manager_path=manager_path,
        )
        if role == Role.MENTEE:
            if employee_id not in paired:
                mentees.append(member)
        elif role == Role.MENTOR:
            member.capacity = max(0, capacity - load[employee_id])
            if member.capacity > 0:
                mentors.append(member)
    return _pool(program, mentees, mentors, today)


def _pool(
    program: Program,
    mentees: list[Member],
    mentors: list[Member],
    today: datetime.date,
) -> Pool:
    wanted: dict[int, list[tuple[int, float]]] = {
        p.pk: [(int(s["skill"]), float(s["level"])) for s in p.skills] for p in mentees
    }
    wanted_ids = {skill for pairs in wanted.values() for skill, _ in pairs}
    chosen = {p.pk: {int(s["skill"]) for s in p.skills} for p in mentors}
    levels: dict[int, list[tuple[int, float]]] = defaultdict(list)
    by_employee = {p.employee_id: p for p in mentors}
    skill_rows = EmployeeSkill.objects.filter(
        employee_id__in=list(by_employee), skill_id__in=list(wanted_ids)
    ).values_list("employee_id", "skill_id", "level")
    for employee_id, skill_id, level in skill_rows:
        p = by_employee[employee_id]
        if not chosen[p.pk] or skill_id in chosen[p.pk]:
            levels[p.pk].append((skill_id, float(level)))
    everyone = [*mentees, *mentors]
    codes = sorted({c for p in everyone for c in p.languages})
    languages = {code: i for i, code in enumerate(codes)}
    models = Counter(p.vector_model for p in everyone if p.vector_model)
    model = models.most_common(1)[0][0] if models else ""
    dims = 1
    for p in everyone:
        if p.vector_model == model and p.goal_vector is not None:
            dims = len(p.goal_vector) // 2
            break
    depth = max([p.manager_path.count("/") - 1 for p in everyone] + [1])
    common = {"languages": languages, "today": today, "dims": dims, "model": model, "depth": depth}
    mentee_side = _side(mentees, skills=wanted, **common)  # type: ignore[arg-type]
    mentor_side = _side(mentors, skills=levels, **common)  # type: ignore[arg-type]
    pairs = previous_pairs(program)
    forbidden = constraints.pair_keys(
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
    )
    return Pool(program, mentees, mentors, mentee_side, mentor_side, forbidden, weights_of(program))


def explanation(
    points: dict[str, float], components: dict[str, float] | None = None
) -> list[dict[str, object]]:
    """Rows for a template: label, points and (when known) the 0..1 component value."""
    return [
        {
            "name": name,
            "label": LABELS[name],
            "points": round(float(points.get(name, 0.0)), 3),
            "value": None if components is None else round(float(components.get(name, 0.0)), 3),
        }
        for name in COMPONENTS
    ]


# -- expert finder -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expert:
    employee: Employee
    level: float
    validated: bool
    evidence: int
    available: bool
    score: float


def experts(
    organization: Organization, skill: Skill, *, exclude: Employee | None = None, limit: int = 25
) -> list[Expert]:
    """Colleagues ranked for "who can help me with this skill": level (on the organization's
    scale), validated by a manager, assessment or peer, how much evidence, and whether they
    mentor in a program with room. People who opted out of the finder never appear."""
    from learnloop.skills.queries import scale_top

    top = max(scale_top(organization), 1)
    hidden = MentoringPreference.objects.filter(
        employee__organization=organization, listed_as_expert=False
    ).values("employee_id")
    holders = (
        EmployeeSkill.objects.filter(
            skill=skill,
            level__gt=0,
            employee__in=active_employees().filter(organization=organization),
        )
        .exclude(employee_id__in=hidden)
        .select_related("employee__user", "employee__job_role", "employee__department")
    )
    if exclude is not None:
        holders = holders.exclude(employee=exclude)
    rows = list(holders.order_by("-level")[: limit * 8])
    ids = [r.employee_id for r in rows]
    evidence = Counter(
        SkillClaim.objects.filter(employee_id__in=ids, skill=skill, withdrawn=False).values_list(
            "employee_id", flat=True
        )
    )
    mentors = set(
        Participant.objects.filter(
            employee_id__in=ids,
            role=Role.MENTOR,
            paused=False,
            program__status__in=[Program.Status.OPEN, Program.Status.RUNNING],
        ).values_list("employee_id", flat=True)
    )
    out = []
    for r in rows:
        count = evidence[r.employee_id]
        available = r.employee_id in mentors
        score = (
            0.6 * min(r.level / top, 1.0)
            + 0.2 * r.validated
            + 0.1 * min(math.log1p(count) / math.log1p(4), 1.0)
            + 0.1 * available
        )
        out.append(Expert(r.employee, r.level, r.validated, count, available, round(score, 3)))
    out.sort(key=lambda e: (-e.score, e.employee.name))
    return out[:limit]


def draft_summary(pairs: QuerySet[Any]) -> dict[str, Any]:
    from django.db.models import Avg, Min, Sum

    return pairs.aggregate(
        count=Count("pk"), total=Sum("score"), mean=Avg("score"), low=Min("score")
    )
