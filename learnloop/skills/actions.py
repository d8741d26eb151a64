"""Every write to skills data: one atomic function per use case, each recording audit events."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.locking import advisory_lock, lock, unique_or
from learnloop.people.models import Employee, JobRole, Organization
from learnloop.skills import queries
from learnloop.skills.engine.profile import combine
from learnloop.skills.models import (
    CareerGoal,
    CareerPath,
    EmployeeSkill,
    Framework,
    FrameworkSkill,
    InferenceJob,
    Occupation,
    OrganizationSkillSetting,
    ProficiencyLevel,
    ProficiencyScale,
    RoleProfile,
    RoleRequirement,
    Skill,
    SkillClaim,
    Source,
    Suggestion,
)
from learnloop.uploads import UploadError
from learnloop.uploads.export import unescape_cell
from learnloop.uploads.text import MB, check_csv, read_text

DEFAULT_LEVELS = (
    (1, "Awareness", "Knows what the skill is for and follows guidance to apply it in simple cases."),
    (2, "Working", "Applies it to routine tasks without help; asks for help on unusual ones."),
    (3, "Practitioner", "Applies it independently to varied tasks and checks their own results."),
    (4, "Advanced", "Handles complex or novel cases, improves how the team applies it, coaches others."),
    (5, "Expert", "Is the reference inside and outside the organization; shapes standards and practice."),
)  # fmt: skip
MAX_SUGGESTIONS = 40
MAX_TEXT = 60_000


class SkillsError(ValueError):
    """A write that cannot be done as asked; the message says why."""


def _check_level(level: int, organization: Organization) -> None:
    top = queries.scale_top(organization)
    if not 1 <= level <= top:
        raise SkillsError(f"level must be between 1 and {top}, not {level}")


def refresh_profile_entry(
    employee: Employee, skill: Skill, today: datetime.date | None = None
) -> None:
    """Recombine the claims of one person and skill into the stored profile entry."""
    # Concurrent claims on one skill queue here, so each recombination reads the claims the
    # others committed (else the last writer stores a profile missing the other's claim).
    advisory_lock("skills.profile", employee.pk, skill.pk)
    claims = SkillClaim.objects.filter(employee=employee, skill=skill, withdrawn=False)
    combined = combine([queries.as_claim(c) for c in claims], today or timezone.localdate())
    if combined is None:
        EmployeeSkill.objects.filter(employee=employee, skill=skill).delete()
        return
    EmployeeSkill.objects.update_or_create(
        employee=employee,
        skill=skill,
        defaults={
            "level": combined.level,
            "confidence": combined.confidence,
            "validated": combined.validated,
            "updated_at": timezone.now(),
        },
    )


@transaction.atomic
def add_claim(
    employee: Employee,
    skill: Skill,
    level: int,
    source: str,
    *,
    actor: User | None,
    evidence: str = "",
    evidence_ref: str = "",
    observed_on: datetime.date | None = None,
    confidence: float = 1.0,
    actor_label: str | None = None,
) -> SkillClaim:
    if source not in Source.values:
        raise SkillsError(f"source must be one of {', '.join(Source.values)}, not {source!r}")
    _check_level(level, employee.organization)
    if not 0.0 < confidence <= 1.0:
        raise SkillsError("confidence must be above 0 and at most 1")
    claim = SkillClaim.objects.create(
        employee=employee,
        skill=skill,
        level=level,
        source=source,
        evidence=evidence[:5000],
        evidence_ref=evidence_ref[:300],
        claimed_by=actor,
        observed_on=observed_on or timezone.localdate(),
        confidence=confidence,
    )
    refresh_profile_entry(employee, skill)
    events.record(
        "skills.claim_added",
        actor=actor,
        actor_label=actor_label,
        target=claim,
        data={
            "employee": employee.pk,
            "skill": skill.uri or skill.label,
            "skill_label": skill.label,
            "level": level,
            "source": source,
        },
    )
    return claim


@transaction.atomic
def withdraw_claim(claim: SkillClaim, *, actor: User | None) -> None:
    claim.withdrawn = True
    claim.save(update_fields=["withdrawn"])
    refresh_profile_entry(claim.employee, claim.skill)
    events.record(
        "skills.claim_withdrawn",
        actor=actor,
        target=claim,
        data={"employee": claim.employee_id, "skill_label": claim.skill.label},
    )


@transaction.atomic
def suggest_from_text(
    employee: Employee,
    text: str,
    *,
    actor: User | None,
    source_name: str = "",
    job: InferenceJob | None = None,
) -> list[Suggestion]:
    """Read skills out of a CV or write-up into pending suggestions; nothing enters the
    profile until the employee accepts a suggestion."""
    found = queries.infer_skills(employee.organization, text)
    held = set(EmployeeSkill.objects.filter(employee=employee).values_list("skill_id", flat=True))
    pending = set(
        Suggestion.objects.filter(employee=employee, status=Suggestion.Status.PENDING).values_list(
            "skill_id", flat=True
        )
    )
    created = []
    for item in found:
        if item.skill.pk in held or item.skill.pk in pending:
            continue
        pending.add(item.skill.pk)
        created.append(
            Suggestion(
                employee=employee,
                skill=item.skill,
                sentence=item.sentence[:2000],
                span_start=item.span[0] if item.span else None,
                span_end=item.span[1] if item.span else None,
                score=item.score,
                source_name=source_name[:255],
                job=job,
            )
        )
        if len(created) >= MAX_SUGGESTIONS:
            break
    Suggestion.objects.bulk_create(created)
    events.record(
        "skills.suggestions_created",
        actor=actor,
        target=employee,
        data={"count": len(created), "source_name": source_name},
    )
    return created


@transaction.atomic
def decide_suggestion(
    suggestion: Suggestion, accept: bool, *, actor: User | None, level: int | None = None
) -> SkillClaim | None:
    lock(suggestion)  # a second, concurrent decision waits, then finds it decided
    if suggestion.status != Suggestion.Status.PENDING:
        raise SkillsError("this suggestion was already decided")
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])
    events.record(
        "skills.suggestion_accepted" if accept else "skills.suggestion_rejected",
        actor=actor,
        target=suggestion,
        data={"employee": suggestion.employee_id, "skill_label": suggestion.skill.label},
    )
    if not accept:
        return None
    return add_claim(
        suggestion.employee,
        suggestion.skill,
        level or 2,
        Source.INFERRED,
        actor=actor,
        evidence=suggestion.evidence,
        evidence_ref=suggestion.source_name,
        confidence=max(min(suggestion.score, 1.0), 0.05),
    )


@transaction.atomic
def ensure_default_scale(organization: Organization) -> ProficiencyScale:
    advisory_lock("skills.default_scale", organization.pk)  # first uses race to create it
    scale = ProficiencyScale.objects.filter(organization=organization, is_default=True).first()
    if scale is not None:
        return scale
    scale = ProficiencyScale.objects.create(
        organization=organization, name="Proficiency (1-5)", is_default=True
    )
    ProficiencyLevel.objects.bulk_create(
        [ProficiencyLevel(scale=scale, value=v, name=n, anchor=a) for v, n, a in DEFAULT_LEVELS]
    )
    events.record("skills.scale_created", actor_label="system", target=scale)
    return scale


@transaction.atomic
def create_framework(
    organization: Organization,
    name: str,
    *,
    actor: User | None,
    description: str = "",
    entries: Sequence[tuple[Skill, str]] = (),
) -> Framework:
    name = name.strip()
    if not name:
        raise SkillsError("name: a framework needs a name")
    taken = SkillsError(f"name: a framework called {name!r} already exists")
    if Framework.objects.filter(organization=organization, name=name).exists():
        raise taken
    scale = ensure_default_scale(organization)
    with unique_or("framework_unique_name", taken):
        framework = Framework.objects.create(
            organization=organization, name=name, description=description, scale=scale
        )
    FrameworkSkill.objects.bulk_create(
        [FrameworkSkill(framework=framework, skill=s, competency=c) for s, c in entries]
    )
    events.record("skills.framework_created", actor=actor, target=framework)
    return framework


@transaction.atomic
def save_role_profile(
    organization: Organization,
    name: str,
    requirements: Sequence[tuple[Skill, int, float]],
    *,
    actor: User | None,
    description: str = "",
    job_role: JobRole | None = None,
    occupation: Occupation | None = None,
    actor_label: str | None = None,
) -> RoleProfile:
    """Create or replace the profile called ``name`` with exactly these requirements."""
    name = name.strip()
    if not name:
        raise SkillsError("name: a role profile needs a name")
    for skill, level, weight in requirements:
        _check_level(level, organization)
        if weight <= 0:
            raise SkillsError(f"{skill.label}: weight must be above 0")
    if job_role is not None and job_role.organization_id != organization.pk:
        raise SkillsError("job_role: not a role of this organization")
    if job_role is not None:
        holder = RoleProfile.objects.filter(job_role=job_role).exclude(name=name).first()
        if holder is not None:
            raise SkillsError(f"job_role: {job_role.title} already has the profile {holder.name!r}")
    profile, created = RoleProfile.objects.update_or_create(
        organization=organization,
        name=name,
        defaults={"description": description, "job_role": job_role, "occupation": occupation},
    )
    profile.requirements.all().delete()
    unique = {skill.pk: (skill, level, weight) for skill, level, weight in requirements}
    RoleRequirement.objects.bulk_create(
        [
            RoleRequirement(profile=profile, skill=s, target_level=level, weight=w)
            for s, level, w in unique.values()
        ]
    )
    events.record(
        "skills.role_profile_created" if created else "skills.role_profile_updated",
        actor=actor,
        actor_label=actor_label,
        target=profile,
        data={"requirements": len(unique)},
    )
    return profile


@transaction.atomic
def add_requirements(
    profile: RoleProfile, skills: Sequence[Skill], *, actor: User | None, level: int = 3
) -> int:
    have = set(profile.requirements.values_list("skill_id", flat=True))
    new = [
        RoleRequirement(profile=profile, skill=s, target_level=level, weight=1.0)
        for s in skills
        if s.pk not in have
    ]
    RoleRequirement.objects.bulk_create(new)
    events.record(
        "skills.role_profile_updated", actor=actor, target=profile, data={"added": len(new)}
    )
    return len(new)


@transaction.atomic
def profile_from_occupation(
    organization: Organization, occupation: Occupation, *, actor: User | None
) -> RoleProfile:
    """A role template: the occupation's essential skills at level 3, optional ones at 2."""
    links = occupation.occupationskill_set.select_related("skill")
    requirements = [
        (link.skill, 3 if link.essential else 2, 2.0 if link.essential else 1.0) for link in links
    ]
    return save_role_profile(
        organization,
        occupation.label[:200],
        requirements,
        actor=actor,
        description=occupation.description,
        occupation=occupation,
    )


@dataclass
class CsvOutcome:
    profiles: int
    requirements: int


PROFILE_COLUMNS = ("role_profile", "skill", "target_level", "weight")
MAX_CSV_BYTES = 5 * MB
MAX_CSV_ROWS = 20_000


@transaction.atomic
def import_role_profiles(
    organization: Organization,
    content: str | bytes,
    *,
    actor: User | None,
    filename: str = "roles.csv",
) -> CsvOutcome:
    """CSV with columns role_profile, skill (ESCO URI or label), target_level, weight: every
    row is checked first, then each named profile is replaced as a whole. All rows or none.
    An uploaded file (bytes) is checked for size, emptiness and encoding first."""
    try:
        text = (
            read_text(filename, content, max_bytes=MAX_CSV_BYTES)
            if isinstance(content, bytes)
            else content
        )
        check_csv(filename, text, max_rows=MAX_CSV_ROWS)
    except UploadError as exc:
        raise SkillsError(str(exc)) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PROFILE_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise SkillsError(f"line 1: missing column(s) {', '.join(missing)}")
    skills = queries.skill_lookup(organization)
    problems: list[str] = []
    grouped: dict[str, list[tuple[Skill, int, float]]] = {}
    top = queries.scale_top(organization)
    for row in reader:
        line = reader.line_num
        name = unescape_cell((row.get("role_profile") or "").strip())  # as exported
        key = unescape_cell((row.get("skill") or "").strip())
        skill = skills.get(key) or skills.get(key.lower())
        if not name:
            problems.append(f"line {line}, column role_profile: empty")
        if skill is None:
            problems.append(f"line {line}, column skill: {key!r} is not a known skill")
        try:
            level = int((row.get("target_level") or "").strip())
            if not 1 <= level <= top:
                raise ValueError
        except ValueError:
            problems.append(f"line {line}, column target_level: expected a whole number 1-{top}")
            continue
        try:
            weight = float((row.get("weight") or "1").strip())
            if weight <= 0:
                raise ValueError
        except ValueError:
            problems.append(f"line {line}, column weight: expected a number above 0")
            continue
        if skill is not None and name:
            grouped.setdefault(name, []).append((skill, level, weight))
    if problems:
        raise SkillsError("; ".join(problems[:20]) + (" …" if len(problems) > 20 else ""))
    job_roles = {r.title: r for r in JobRole.objects.filter(organization=organization)}
    for name, requirements in grouped.items():
        existing = RoleProfile.objects.filter(organization=organization, name=name).first()
        save_role_profile(
            organization,
            name,
            requirements,
            actor=actor,
            description=existing.description if existing else "",
            job_role=existing.job_role if existing else job_roles.get(name),
        )
    return CsvOutcome(len(grouped), sum(len(r) for r in grouped.values()))


@transaction.atomic
def add_career_path(
    source: RoleProfile, target: RoleProfile, *, actor: User | None, note: str = ""
) -> CareerPath:
    if source.pk == target.pk or source.organization_id != target.organization_id:
        raise SkillsError("a career path joins two different roles of one organization")
    path, _ = CareerPath.objects.update_or_create(
        source=source, target=target, defaults={"organization": source.organization, "note": note}
    )
    events.record("skills.career_path_saved", actor=actor, target=path)
    return path


@transaction.atomic
def set_career_goal(employee: Employee, profile: RoleProfile | None, *, actor: User | None) -> None:
    if profile is None:
        CareerGoal.objects.filter(employee=employee).delete()
    else:
        if profile.organization_id != employee.organization_id:
            raise SkillsError("profile: not a role of this organization")
        CareerGoal.objects.update_or_create(
            employee=employee, defaults={"profile": profile, "set_at": timezone.now()}
        )
    events.record(
        "skills.career_goal_set",
        actor=actor,
        target=employee,
        data={"profile": profile.name if profile else None},
    )


@transaction.atomic
def add_own_skill(
    organization: Organization, label: str, *, actor: User | None, description: str = ""
) -> Skill:
    label = label.strip()
    if not label:
        raise SkillsError("label: a skill needs a name")
    # The rule is case-blind and the constraint is not: the lock makes "Rust" and "rust",
    # added at once, queue so the second finds the first.
    advisory_lock("skills.own_skill", organization.pk, label.casefold())
    if Skill.objects.filter(organization=organization, label__iexact=label).exists():
        raise SkillsError(f"label: your organization already has a skill called {label!r}")
    skill = Skill.objects.create(organization=organization, label=label, description=description)
    events.record("skills.own_skill_added", actor=actor, target=skill)
    return skill


@transaction.atomic
def set_skill_setting(
    organization: Organization,
    skill: Skill,
    *,
    actor: User | None,
    synonyms: Sequence[str],
    hidden: bool,
) -> OrganizationSkillSetting:
    if skill.organization_id not in (None, organization.pk):
        raise SkillsError("skill: not available to this organization")
    cleaned = list(dict.fromkeys(s.strip() for s in synonyms if s.strip()))
    setting, _ = OrganizationSkillSetting.objects.update_or_create(
        organization=organization, skill=skill, defaults={"synonyms": cleaned, "hidden": hidden}
    )
    events.record(
        "skills.skill_setting_saved",
        actor=actor,
        target=skill,
        data={"synonyms": cleaned, "hidden": hidden},
    )
    return setting


@transaction.atomic
def refresh_profiles(organization: Organization, today: datetime.date | None = None) -> int:
    """Re-age every stored profile entry (evidence loses weight as it gets older)."""
    pairs = (
        SkillClaim.objects.filter(employee__organization=organization, withdrawn=False)
        .values_list("employee_id", "skill_id")
        .distinct()
    )
    count = 0
    employees = {e.pk: e for e in Employee.objects.filter(organization=organization)}
    skills: dict[int, Skill] = {}
    for employee_id, skill_id in pairs:
        skill = skills.get(skill_id) or Skill.objects.get(pk=skill_id)
        skills[skill_id] = skill
        refresh_profile_entry(employees[employee_id], skill, today)
        count += 1
    events.record(
        "skills.profiles_refreshed",
        actor_label="system",
        target=organization,
        data={"entries": count},
    )
    return count
