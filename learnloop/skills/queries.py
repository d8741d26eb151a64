"""Reads of skills data. Callers check permissions first."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from learnloop.people.models import Employee, Organization, active_employees
from learnloop.skills.engine import disclosure
from learnloop.skills.engine import gaps as gap_engine
from learnloop.skills.engine.profile import Claim, Combined, combine
from learnloop.skills.engine.ranker import QUALITY, SUGGEST_AT, Candidate, SkillIndex
from learnloop.skills.models import (
    CareerGoal,
    EmployeeSkill,
    InferenceJob,
    OrganizationSkillSetting,
    ProficiencyScale,
    RoleProfile,
    RoleRequirement,
    Skill,
    SkillClaim,
    Source,
    TaggingJob,
    TaxonomyVersion,
)
from learnloop.uploads.export import csv_writer

MAX_SENTENCES = 400


def scale_top(organization: Organization) -> int:
    scale = ProficiencyScale.objects.filter(organization=organization, is_default=True).first()
    if scale is None:
        return 5
    return int(scale.levels.aggregate(top=Max("value"))["top"] or 5)


def default_scale(organization: Organization) -> ProficiencyScale | None:
    return ProficiencyScale.objects.filter(organization=organization, is_default=True).first()


def as_claim(claim: SkillClaim) -> Claim:
    return Claim(
        source=claim.source,
        level=claim.level,
        observed_on=claim.observed_on,
        confidence=claim.confidence,
        claimant=claim.claimed_by_id,
        created=claim.created_at.replace(tzinfo=None) if claim.created_at else None,
    )


def hidden_skill_ids(organization: Organization) -> set[int]:
    return set(
        OrganizationSkillSetting.objects.filter(organization=organization, hidden=True).values_list(
            "skill_id", flat=True
        )
    )


def visible_skills(organization: Organization) -> QuerySet[Skill]:
    return (
        Skill.objects.filter(Q(organization__isnull=True) | Q(organization=organization))
        .filter(obsolete=False)
        .exclude(pk__in=hidden_skill_ids(organization))
    )


def search_skills(organization: Organization, query: str, limit: int = 50) -> list[Skill]:
    skills = visible_skills(organization)
    if query:
        skills = skills.filter(Q(label__icontains=query) | Q(alt_labels__icontains=query))
    return list(skills.order_by("label")[:limit])


def skill_lookup(organization: Organization) -> dict[str, Skill]:
    """URI, label and lower-cased label to skill, for CSV imports."""
    found: dict[str, Skill] = {}
    for skill in visible_skills(organization).only("pk", "uri", "label"):
        found.setdefault(skill.label, skill)
        found.setdefault(skill.label.lower(), skill)
        if skill.uri:
            found[skill.uri] = skill
    return found


# -- text inference ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s*[•·▪●]\s*")


def sentences_of(text: str) -> list[str]:
    parts = [p.strip(" \t-*\u2013") for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(p) >= 3][:MAX_SENTENCES]


@dataclass(frozen=True)
class Inferred:
    skill: Skill
    sentence: str
    span: tuple[int, int] | None
    score: float


_indexes: dict[int, tuple[str, SkillIndex, list[int]]] = {}
_index_lock = threading.Lock()


def _index_signature(organization: Organization) -> str:
    settings = list(
        OrganizationSkillSetting.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("skill_id", "hidden", "synonyms")
    )
    own = Skill.objects.filter(organization=organization).aggregate(n=Count("pk"), top=Max("pk"))
    versions = list(TaxonomyVersion.objects.values_list("name", "loaded_at"))
    return hashlib.sha256(repr((settings, own, versions)).encode()).hexdigest()


def organization_index(organization: Organization) -> tuple[SkillIndex, list[int]]:
    """The organization's visible skills (taxonomy and own, with its synonyms) as an engine
    index, built once per change of the taxonomy or the organization's settings."""
    from learnloop.skills import inference

    signature = _index_signature(organization)
    with _index_lock:
        cached = _indexes.get(organization.pk)
        if cached and cached[0] == signature:
            return cached[1], cached[2]
        synonyms = dict(
            OrganizationSkillSetting.objects.filter(organization=organization).values_list(
                "skill_id", "synonyms"
            )
        )
        rows = list(visible_skills(organization).values_list("pk", "uri", "label", "alt_labels"))
        if not rows:
            raise LookupError("the skills taxonomy is empty: run `learnloop taxonomy load`")
        candidates = [
            Candidate(
                key=uri or f"own:{pk}",
                label=label,
                alt_labels=tuple(alt_labels or ()) + tuple(synonyms.get(pk) or ()),
            )
            for pk, uri, label, alt_labels in rows
        ]
        index = inference.build_index(candidates)
        ids = [row[0] for row in rows]
        _indexes[organization.pk] = (signature, index, ids)
        return index, ids


def infer_skills(
    organization: Organization, text: str, threshold: float | None = None, per_sentence: int = 3
) -> list[Inferred]:
    """Skills the text gives evidence of, best first, one entry per skill (its best sentence)."""
    threshold = SUGGEST_AT if threshold is None else threshold
    sentences = sentences_of(text)
    if not sentences:
        return []
    index, ids = organization_index(organization)
    best: dict[int, tuple[float, str, tuple[int, int] | None]] = {}
    for sentence, matches in zip(
        sentences, index.rank(sentences, per_sentence, QUALITY), strict=True
    ):
        for match in matches:
            if match.score < threshold:
                continue
            skill_id = ids[match.index]
            if skill_id not in best or best[skill_id][0] < match.score:
                best[skill_id] = (match.score, sentence, match.span)
    skills = Skill.objects.in_bulk(list(best))
    found = [
        Inferred(skills[pk], sentence, span, score)
        for pk, (score, sentence, span) in best.items()
        if pk in skills
    ]
    return sorted(found, key=lambda item: -item.score)


def recent_jobs(employee: Employee, limit: int = 5) -> list[InferenceJob]:
    """The person's unfinished inference jobs and those that ended in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return list(
        InferenceJob.objects.filter(employee=employee)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=since))
        .defer("text", "document")
        .order_by("-created_at")[:limit]
    )


def tagged(job: TaggingJob) -> list[Inferred]:
    """A finished tagging job's skills, best first (skills removed since are left out)."""
    skills = Skill.objects.in_bulk([row["skill"] for row in job.results])
    return [
        Inferred(skills[row["skill"]], row["sentence"],
                 tuple(row["span"]) if row["span"] else None, row["score"])
        for row in job.results
        if row["skill"] in skills
    ]  # fmt: skip


def latest_tagging(profile: RoleProfile) -> TaggingJob | None:
    """The role's tagging job of the last hour, if any: the role page shows its progress."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return TaggingJob.objects.filter(profile=profile, created_at__gte=since).first()


# -- profiles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileEntry:
    skill: Skill
    combined: Combined
    claims: list[SkillClaim]


def profile(employee: Employee, today: datetime.date | None = None) -> list[ProfileEntry]:
    """The person's skills with the claims behind each, combined live (so evidence ages)."""
    today = today or timezone.localdate()
    by_skill: dict[int, list[SkillClaim]] = defaultdict(list)
    claims = (
        SkillClaim.objects.filter(employee=employee, withdrawn=False)
        .select_related("skill", "claimed_by")
        .order_by("-observed_on", "-created_at")
    )
    for claim in claims:
        by_skill[claim.skill_id].append(claim)
    entries = []
    for items in by_skill.values():
        combined = combine([as_claim(c) for c in items], today)
        if combined is not None:
            entries.append(ProfileEntry(items[0].skill, combined, items))
    return sorted(entries, key=lambda e: (-e.combined.level, e.skill.label))


def role_of(employee: Employee) -> RoleProfile | None:
    if employee.job_role_id is None:
        return None
    return RoleProfile.objects.filter(job_role_id=employee.job_role_id).first()


def goal_of(employee: Employee) -> RoleProfile | None:
    goal = CareerGoal.objects.filter(employee=employee).select_related("profile").first()
    return goal.profile if goal else None


@dataclass(frozen=True)
class GapRow:
    skill: Skill
    target: int
    weight: float
    level: float
    gap: float


@dataclass(frozen=True)
class GapReport:
    profile: RoleProfile
    rows: list[GapRow]
    readiness: float

    @property
    def open_gaps(self) -> list[GapRow]:
        return [r for r in self.rows if r.gap > 0]


def _requirements(profile: RoleProfile) -> tuple[list[RoleRequirement], gap_engine.Requirements]:
    requirements = list(profile.requirements.select_related("skill"))
    return requirements, gap_engine.Requirements(
        skills=np.array([r.skill_id for r in requirements], dtype=np.int64),
        targets=np.array([r.target_level for r in requirements], dtype=np.float32),
        weights=np.array([r.weight for r in requirements], dtype=np.float32),
    )


def person_gap(employee: Employee, role: RoleProfile) -> GapReport:
    requirements, arrays = _requirements(role)
    held = dict(
        EmployeeSkill.objects.filter(
            employee=employee, skill_id__in=arrays.skills.tolist()
        ).values_list("skill_id", "level")
    )
    levels = np.array([[held.get(int(s), 0.0) for s in arrays.skills]], dtype=np.float32)
    gaps = gap_engine.gaps(levels, arrays)[0] if len(requirements) else np.zeros(0)
    rows = [
        GapRow(r.skill, r.target_level, r.weight, float(levels[0, i]), float(gaps[i]))
        for i, r in enumerate(requirements)
    ]
    return GapReport(role, rows, float(gap_engine.readiness(levels, arrays)[0]))


@dataclass
class Heatmap:
    people: list[Employee]
    skills: list[Skill]
    levels: np.ndarray  # people x skills
    targets: np.ndarray  # people x skills, 0 where the person's role does not require it
    coverage: list[float] = field(default_factory=list)
    depth: list[float] = field(default_factory=list)

    def rows(self) -> list[tuple[Employee, list[tuple[float, int]]]]:
        return [
            (
                person,
                [
                    (float(self.levels[i, j]), int(self.targets[i, j]))
                    for j in range(len(self.skills))
                ],
            )
            for i, person in enumerate(self.people)
        ]

    def columns(self) -> list[tuple[Skill, float, float]]:
        return list(zip(self.skills, self.coverage, self.depth, strict=True))


def team_heatmap(people: list[Employee], max_skills: int = 25) -> Heatmap:
    """Skills x people for the skills the people's roles require (most required first):
    cell = level against the person's own target; per skill the coverage (share of those
    required who meet the target) and depth (mean level of holders)."""
    role_by_job = {
        p.job_role_id: p
        for p in RoleProfile.objects.filter(job_role_id__in={e.job_role_id for e in people})
    }
    requirement_rows = list(
        RoleRequirement.objects.filter(profile__in=role_by_job.values()).values_list(
            "profile__job_role_id", "skill_id", "target_level", "weight"
        )
    )
    demand: dict[int, float] = defaultdict(float)
    counts: dict[int | None, int] = defaultdict(int)
    for person in people:
        counts[person.job_role_id] += 1
    for job_id, skill_id, _, weight in requirement_rows:
        demand[skill_id] += weight * counts.get(job_id, 0)
    skill_ids = [s for s, _ in sorted(demand.items(), key=lambda kv: (-kv[1], kv[0]))[:max_skills]]
    skills_by_id = Skill.objects.in_bulk(skill_ids)
    skills = [skills_by_id[s] for s in skill_ids]
    column = {s: j for j, s in enumerate(skill_ids)}
    row = {p.pk: i for i, p in enumerate(people)}
    levels = np.zeros((len(people), len(skills)), dtype=np.float32)
    for employee_id, skill_id, level in EmployeeSkill.objects.filter(
        employee_id__in=list(row), skill_id__in=skill_ids
    ).values_list("employee_id", "skill_id", "level"):
        levels[row[employee_id], column[skill_id]] = level
    target_of: dict[int | None, dict[int, int]] = defaultdict(dict)
    for job_id, skill_id, target, _ in requirement_rows:
        target_of[job_id][skill_id] = target
    targets = np.zeros_like(levels)
    for person in people:
        for skill_id, target in target_of.get(person.job_role_id, {}).items():
            if skill_id in column:
                targets[row[person.pk], column[skill_id]] = target
    required = targets > 0
    met = (levels >= targets) & required
    coverage = np.where(required.sum(0) > 0, met.sum(0) / np.maximum(required.sum(0), 1), 0.0)
    return Heatmap(
        people, skills, levels, targets,
        coverage=[round(float(c), 3) for c in coverage],
        depth=[round(float(d), 2) for d in gap_engine.depth(levels)],
    )  # fmt: skip


TEAM_LIMIT = 500


@dataclass(frozen=True)
class Team:
    people: list[Employee]
    total: int  # people in the selection; more than shown when above TEAM_LIMIT

    @property
    def truncated(self) -> bool:
        return self.total > len(self.people)


def team_people(
    principal_employee: Employee | None,
    organization: Organization,
    department_id: int | None,
    hr: bool,
) -> Team:
    """A manager's reports (within a department when given), or for HR any department."""
    people = active_employees().filter(organization=organization).select_related("user", "job_role")
    if department_id is not None:
        from learnloop.people.models import Department

        department = Department.objects.filter(pk=department_id, organization=organization).first()
        if department is None:
            return Team([], 0)
        people = people.filter(department__path__startswith=department.path)
    if not hr:
        if principal_employee is None:
            return Team([], 0)
        people = people.filter(manager_path__startswith=principal_employee.chain_prefix)
    shown = list(people.order_by("user__full_name")[: TEAM_LIMIT + 1])
    total = len(shown) if len(shown) <= TEAM_LIMIT else people.count()
    return Team(shown[:TEAM_LIMIT], total)


@dataclass(frozen=True)
class InventoryRow:
    skill_id: int
    label: str
    holders: int | None  # None when hidden: a small group, or a count that would reveal one
    proficient: int | None  # at level 3 or above
    mean_level: float | None


@dataclass(frozen=True)
class BenchRow:
    profile: RoleProfile
    incumbents: int | None
    ready: int | None
    people: list[Employee]


@dataclass(frozen=True)
class Inventory:
    headcount: int
    min_group_size: int
    skills: list[InventoryRow]
    bench: list[BenchRow]


@dataclass(frozen=True)
class _Counts:
    """The inventory's counts before suppression."""

    headcount: int
    holders: list[int]
    proficient: list[int]
    incumbents: list[int]
    ready: list[int]


def protected_cells(counts: _Counts, minimum: int) -> tuple[set[int], list[int]]:
    """Complementary suppression over the inventory's tables (see engine/disclosure.py).

    Cells, in order: headcount; per skill holders, proficient, holders below level 3
    (implicit), people without the skill (implicit); per role profile incumbents, ready,
    people not ready (implicit); people in no listed role (taken as known, like the
    headcount: a reader who sees every job title has a profile knows it is zero). Relations: holders =
    proficient + below 3; headcount = holders + without; headcount = sum of incumbents + in
    no listed role; headcount = ready + not ready. Returns the hidden cell indexes and the
    cell values."""
    headcount = counts.headcount
    values = [headcount]
    relations: list[disclosure.Relation] = []
    implicit: list[int] = []
    for holders, proficient in zip(counts.holders, counts.proficient, strict=True):
        base = len(values)
        values += [holders, proficient, holders - proficient, max(headcount - holders, 0)]
        implicit += [base + 2, base + 3]
        relations.append(disclosure.Relation(base, (base + 1, base + 2)))
        relations.append(disclosure.Relation(0, (base, base + 3)))
        # A skill's holders are counted among the active people, so never above the headcount.
    incumbent_cells = []
    for incumbents, ready in zip(counts.incumbents, counts.ready, strict=True):
        base = len(values)
        values += [incumbents, ready, max(headcount - ready, 0)]
        implicit.append(base + 2)
        incumbent_cells.append(base)
        relations.append(disclosure.Relation(0, (base + 1, base + 2)))
    keep = [0]
    if incumbent_cells:
        values.append(max(headcount - sum(counts.incumbents), 0))
        keep.append(len(values) - 1)
        relations.append(disclosure.Relation(0, (*incumbent_cells, len(values) - 1)))
    hidden = disclosure.protect(values, relations, minimum, implicit=implicit, keep=keep)
    return hidden, values


def inventory(organization: Organization, *, with_people: bool, limit: int = 100) -> Inventory:
    """Company skills inventory (holders per skill) and bench strength (people ready for each
    role profile now). Unless ``with_people``, counts below ``min_group_size`` are hidden and
    so is any further count that would let a reader work one out from the totals."""
    minimum = 1 if with_people else organization.min_group_size
    active = active_employees().filter(organization=organization)
    headcount = active.count()
    # Joins rather than an IN over the active people: one pass over the profile entries.
    entries = EmployeeSkill.objects.filter(employee__organization=organization).filter(
        Q(employee__leave_date__isnull=True) | Q(employee__leave_date__gt=timezone.localdate())
    )
    held = list(
        entries.values("skill_id", "skill__label")
        .annotate(
            holders=Count("pk"), proficient=Count("pk", filter=Q(level__gte=3)), mean=Avg("level")
        )
        .order_by("-holders", "skill__label")[:limit]
    )
    profiles = list(
        RoleProfile.objects.filter(organization=organization).prefetch_related("requirements")
    )
    required_ids = sorted({r.skill_id for p in profiles for r in p.requirements.all()})
    people_ids = np.array(list(active.values_list("pk", flat=True)), dtype=np.int64)
    triples = np.array(
        list(
            entries.filter(skill_id__in=required_ids).values_list(
                "employee_id", "skill_id", "level"
            )
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    levels = gap_engine.levels_matrix(
        people_ids, np.array(required_ids, dtype=np.int64),
        triples[:, 0].astype(np.int64), triples[:, 1].astype(np.int64), triples[:, 2],
    )  # fmt: skip
    column = {s: j for j, s in enumerate(required_ids)}
    incumbents = dict(
        active.exclude(job_role__isnull=True).values_list("job_role_id").annotate(n=Count("pk"))
    )
    found: list[tuple[RoleProfile, int, list[int]]] = []
    for profile in profiles:
        requirements = list(profile.requirements.all())
        if not requirements:
            continue
        arrays = gap_engine.Requirements(
            skills=np.array([r.skill_id for r in requirements], dtype=np.int64),
            targets=np.array([r.target_level for r in requirements], dtype=np.float32),
            weights=np.array([r.weight for r in requirements], dtype=np.float32),
        )
        sub = levels[:, [column[r.skill_id] for r in requirements]]
        ready_mask = gap_engine.readiness(sub, arrays) >= gap_engine.READY_AT
        shown = people_ids[ready_mask][:20].tolist() if with_people else []
        found.append((profile, int(ready_mask.sum()), shown))
    # One query for every named person rather than one per role.
    named = Employee.objects.select_related("user", "job_role").in_bulk(
        [pk for _, _, ids in found for pk in ids]
    )
    counts = _Counts(
        headcount=headcount,
        holders=[row["holders"] for row in held],
        proficient=[row["proficient"] for row in held],
        incumbents=[incumbents.get(profile.job_role_id, 0) for profile, _, _ in found],
        ready=[ready_count for _, ready_count, _ in found],
    )
    hidden, values = protected_cells(counts, minimum)

    def published(cell: int) -> int | None:
        return None if cell in hidden else values[cell]

    rows = [
        InventoryRow(
            skill_id=row["skill_id"],
            label=row["skill__label"],
            holders=published(1 + 4 * i),
            proficient=published(2 + 4 * i),
            mean_level=round(row["mean"], 1) if row["holders"] >= minimum else None,
        )
        for i, row in enumerate(held)
    ]
    # Rows are ranked by holders, so a hidden count's place between two shown ones would
    # bound it: hidden rows go last, in label order.
    rows = [r for r in rows if r.holders is not None] + sorted(
        (r for r in rows if r.holders is None), key=lambda r: r.label
    )
    first_role = 1 + 4 * len(held)
    bench = [
        BenchRow(
            profile=profile,
            incumbents=published(first_role + 3 * j),
            ready=published(first_role + 3 * j + 1),
            people=[named[pk] for pk in ids if pk in named],
        )
        for j, (profile, _, ids) in enumerate(found)
    ]
    return Inventory(headcount, organization.min_group_size, rows, bench)


def gap_history(
    employees: list[Employee], months: int = 6, today: datetime.date | None = None
) -> list[tuple[datetime.date, float | None]]:
    """Mean readiness of the people for their current role at each month end, recomputed
    from the claims known at that date: how gaps closed over time."""
    today = today or timezone.localdate()
    roles = {
        p.job_role_id: p
        for p in RoleProfile.objects.filter(
            job_role_id__in={e.job_role_id for e in employees}
        ).prefetch_related("requirements")
    }
    claims: dict[tuple[int, int], list[Claim]] = defaultdict(list)
    for claim in SkillClaim.objects.filter(employee__in=employees, withdrawn=False):
        claims[(claim.employee_id, claim.skill_id)].append(as_claim(claim))
    points = []
    for back in range(months - 1, -1, -1):
        year, month = today.year, today.month - back
        while month <= 0:
            year, month = year - 1, month + 12
        end = datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
        end = min(end, today)
        scores = []
        for employee in employees:
            role = roles.get(employee.job_role_id)
            if role is None:
                continue
            requirements = list(role.requirements.all())
            if not requirements:
                continue
            total = sum(r.weight for r in requirements)
            met = 0.0
            for r in requirements:
                known = [
                    c for c in claims.get((employee.pk, r.skill_id), []) if c.observed_on <= end
                ]
                combined = combine(known, end)
                if combined is not None:
                    met += r.weight * min(combined.level / r.target_level, 1.0)
            scores.append(met / total)
        points.append((end, round(sum(scores) / len(scores), 3) if scores else None))
    return points


def role_profiles_csv(organization: Organization) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["role_profile", "skill", "skill_uri", "target_level", "weight"])
    for requirement in (
        RoleRequirement.objects.filter(profile__organization=organization)
        .select_related("profile", "skill")
        .order_by("profile__name", "-weight", "skill__label")
    ):
        writer.writerow(
            [requirement.profile.name, requirement.skill.label, requirement.skill.uri,
             requirement.target_level, requirement.weight]
        )  # fmt: skip
    return out.getvalue()


def source_label(source: str) -> str:
    return str(Source(source).label)
