"""Every write of the mentoring app: one atomic use case per function, each recording its audit
event and, for relationships, the xAPI statements of docs/xapi-profile.md ("Learning and
mentoring"). Callers have checked permissions; these functions check the invariants and raise
:class:`InvalidInput` naming the field and the reason."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.locking import advisory_lock, lock, unique_or
from learnloop.mentoring import embeddings, queries
from learnloop.mentoring.engine import constraints
from learnloop.mentoring.engine.match import optimize, suggest
from learnloop.mentoring.engine.scoring import COMPONENTS, HOURS_PER_WEEK, Weights, score_pairs
from learnloop.mentoring.models import (
    CADENCE_DAYS,
    Cadence,
    Draft,
    DraftPair,
    Format,
    Goal,
    MentoringPreference,
    Participant,
    Program,
    ProgramKind,
    Relationship,
    Role,
    Session,
    SessionFeedback,
)
from learnloop.mentoring.questionnaire import QUESTIONS
from learnloop.people.models import Department, Employee, Organization
from learnloop.skills.models import EmployeeSkill, Skill
from learnloop.xapi import profile, recorder

logger = logging.getLogger(__name__)
MAX_SKILLS = 8


class InvalidInput(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _text(field: str, value: str | None, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, "may not be empty")
    if len(value) > limit:
        raise InvalidInput(field, f"is {len(value)} characters long; at most {limit} are allowed")
    return value


def _int(field: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise InvalidInput(field, f"must be between {low} and {high}, got {number}")
    return number


# -- xAPI ---------------------------------------------------------------------------------


def _program_iri(program: Program) -> str:
    return profile.activity_iri("mentoring.program", program.pk)


def _context(relationship: Relationship, **extensions: Any) -> dict[str, Any]:
    return {
        "registration": str(relationship.uuid),
        "platform": "learnloop",
        "extensions": {
            profile.MENTORING_PROGRAM_EXT: _program_iri(relationship.program),
            **extensions,
        },
    }


def relationship_object(relationship: Relationship) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": profile.activity_iri("mentoring.relationship", relationship.pk),
        "definition": {
            "type": profile.MENTORING_RELATIONSHIP,
            "name": {"en": f"Mentoring in {relationship.program.name}"},
        },
    }


def enrolled_statement(relationship: Relationship, at: datetime.datetime | None = None) -> Any:
    return recorder.build(
        relationship.mentee,
        profile.ENROLLED,
        relationship_object(relationship),
        context=_context(relationship),
        timestamp=at,
    )


def mentored_statement(session: Session, at: datetime.datetime | None = None) -> Any:
    relationship = session.relationship
    return recorder.build(
        relationship.mentor,
        profile.MENTORED,
        {
            "objectType": "Activity",
            "id": profile.activity_iri("mentoring.session", session.pk),
            "definition": {
                "type": profile.MENTORING_SESSION,
                "name": {"en": f"Mentoring session on {session.held_on.isoformat()}"},
            },
        },
        result={"duration": f"PT{session.duration_minutes}M"},
        context=_context(relationship, **{profile.MENTEE: recorder.agent_for(relationship.mentee)}),
        timestamp=at,
    )


def progressed_statement(
    relationship: Relationship, progress: float, at: datetime.datetime | None = None
) -> Any:
    return recorder.build(
        relationship.mentee,
        profile.PROGRESSED,
        relationship_object(relationship),
        result={"extensions": {profile.PROGRESS: round(progress, 4)}},
        context=_context(relationship),
        timestamp=at,
    )


def completed_statement(relationship: Relationship, at: datetime.datetime | None = None) -> Any:
    return recorder.build(
        relationship.mentee,
        profile.COMPLETED,
        relationship_object(relationship),
        result={"completion": True},
        context=_context(relationship),
        timestamp=at,
    )


# -- programs -----------------------------------------------------------------------------


def _weights(raw: dict[str, Any] | None) -> dict[str, float]:
    if not raw:
        return {}
    clean: dict[str, float] = {}
    for name, value in raw.items():
        if value in (None, ""):
            continue
        try:
            clean[name] = float(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"weights.{name}", f"{value!r} is not a number") from None
    try:
        Weights.from_mapping(clean)
    except ValueError as exc:
        raise InvalidInput("weights", str(exc)) from None
    return clean


def _program_fields(organization: Organization, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _text("name", data["name"], limit=200, required=True)
    if "kind" in data:
        if data["kind"] not in ProgramKind.values:
            raise InvalidInput("kind", f"must be one of {', '.join(ProgramKind.values)}")
        out["kind"] = data["kind"]
    for field in ("description", "goals"):
        if field in data:
            out[field] = _text(field, data[field], limit=4000)
    if "cadence" in data:
        if data["cadence"] not in Cadence.values:
            raise InvalidInput("cadence", f"must be one of {', '.join(Cadence.values)}")
        out["cadence"] = data["cadence"]
    for field in ("starts_on", "ends_on"):
        if field in data:
            value = data[field]
            if isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    raise InvalidInput(field, f"{value!r} is not a date (YYYY-MM-DD)") from None
            if not isinstance(value, datetime.date):
                raise InvalidInput(field, "is required")
            out[field] = value
    if "default_capacity" in data:
        out["default_capacity"] = _int("default_capacity", data["default_capacity"], 1, 20)
    if "max_capacity" in data:
        out["max_capacity"] = _int("max_capacity", data["max_capacity"], 1, 50)
    for field in ("avoid_previous_pairs", "self_match"):
        if field in data:
            out[field] = bool(data[field])
    if "minimum_score" in data:
        try:
            out["minimum_score"] = float(data["minimum_score"] or 0)
        except (TypeError, ValueError):
            raise InvalidInput("minimum_score", "is not a number") from None
    if "weights" in data:
        out["weights"] = _weights(data["weights"])
    if "audience" in data:
        audience = data["audience"]
        if audience in (None, ""):
            out["audience"] = None
        else:
            found = Department.objects.filter(organization=organization, pk=audience).first()
            if found is None:
                raise InvalidInput("audience", f"no department {audience!r} in this organization")
            out["audience"] = found
    if "status" in data:
        if data["status"] not in Program.Status.values:
            raise InvalidInput("status", f"must be one of {', '.join(Program.Status.values)}")
        out["status"] = data["status"]
    return out


def _save_program(program: Program) -> None:
    """Check the program's fields, then save it."""
    if program.ends_on <= program.starts_on:
        raise InvalidInput("ends_on", "must be after the start date")
    if program.max_capacity < program.default_capacity:
        raise InvalidInput("max_capacity", "must be at least the default capacity")
    clash = Program.objects.filter(organization=program.organization, name=program.name)
    taken = InvalidInput("name", f"a program named {program.name!r} already exists")
    if clash.exclude(pk=program.pk).exists():
        raise taken
    with unique_or("program_unique_name", taken):  # the same name saved concurrently
        program.save()


@transaction.atomic
def create_program(user: User, organization: Organization, data: dict[str, Any]) -> Program:
    for field in ("name", "starts_on", "ends_on"):
        if not data.get(field):
            raise InvalidInput(field, "is required")
    program = Program(
        organization=organization, created_by=user, **_program_fields(organization, data)
    )
    _save_program(program)
    events.record("mentoring.program_created", actor=user, target=program)
    return program


@transaction.atomic
def update_program(user: User, program: Program, data: dict[str, Any]) -> Program:
    for field, value in _program_fields(program.organization, data).items():
        setattr(program, field, value)
    _save_program(program)
    events.record(
        "mentoring.program_updated", actor=user, target=program, data={"fields": sorted(data)}
    )
    return program


# -- profiles -----------------------------------------------------------------------------


def _skill_list(
    organization: Organization, raw: Iterable[dict[str, Any]] | None, top: int
) -> list[dict[str, int]]:
    items = list(raw or [])
    if len(items) > MAX_SKILLS:
        raise InvalidInput("skills", f"at most {MAX_SKILLS} skills, got {len(items)}")
    out: list[dict[str, int]] = []
    ids = set()
    for n, item in enumerate(items, start=1):
        skill_id = _int(f"skills[{n}].skill", item.get("skill"), 1, 2**62)
        level = _int(f"skills[{n}].level", item.get("level", 1), 1, top)
        if skill_id in ids:
            raise InvalidInput(f"skills[{n}].skill", "is listed twice")
        ids.add(skill_id)
        out.append({"skill": skill_id, "level": level})
    found = set(
        Skill.objects.filter(pk__in=ids)
        .filter(models_q_visible(organization))
        .values_list("pk", flat=True)
    )
    for n, item in enumerate(out, start=1):
        if item["skill"] not in found:
            raise InvalidInput(f"skills[{n}].skill", f"no skill {item['skill']}")
    return out


def models_q_visible(organization: Organization) -> Any:
    from django.db.models import Q

    return Q(organization__isnull=True) | Q(organization=organization)


def _hours(raw: Iterable[Any] | None) -> list[int]:
    return sorted({_int("availability", h, 0, HOURS_PER_WEEK - 1) for h in raw or []})


def _style(raw: Iterable[Any] | None) -> list[int]:
    answers = list(raw or [])
    if not answers:
        return []
    if len(answers) != len(QUESTIONS):
        raise InvalidInput("style", f"answer all {len(QUESTIONS)} questions or none")
    return [
        0 if a in (None, "", 0) else _int(f"style[{i + 1}]", a, 1, 5) for i, a in enumerate(answers)
    ]


@transaction.atomic
def save_profile(
    user: User, program: Program, employee: Employee, role: str, data: dict[str, Any]
) -> Participant:
    """Create or update the person's profile in the program as mentee or mentor."""
    from learnloop.skills.queries import scale_top

    if role not in Role.values:
        raise InvalidInput("role", f"must be one of {', '.join(Role.values)}")
    if program.status == Program.Status.CLOSED:
        raise InvalidInput("program", "this program has closed")
    if not queries.in_audience(program, employee):
        raise InvalidInput("program", "this program is not open to you")
    # A double submit of a new profile: the second waits, then updates the first's row.
    advisory_lock("mentoring.profile", program.pk, employee.pk, role)
    participant = queries.profile_of(program, employee, role) or Participant(
        program=program, employee=employee, role=role, time_zone=employee.timezone
    )
    created = participant.pk is None
    top = scale_top(program.organization)
    if "skills" in data:
        participant.skills = _skill_list(program.organization, data["skills"], top)
        if role == Role.MENTOR:
            # A mentor teaches at the level their skills profile shows, not a level they type.
            held = dict(
                EmployeeSkill.objects.filter(
                    employee=employee, skill_id__in=[s["skill"] for s in participant.skills]
                ).values_list("skill_id", "level")
            )
            participant.skills = [
                {"skill": s["skill"], "level": max(1, round(held.get(s["skill"], 0)))}
                for s in participant.skills
                if s["skill"] in held
            ]
    if "goals" in data:
        goals = _text("goals", data["goals"], limit=2000)
        if goals != participant.goals or participant.goal_vector is None:
            participant.goals = goals
            vectors, model = embeddings.embed([goals])
            participant.goal_vector, participant.vector_model = vectors[0], model
    if "preferred_format" in data:
        if data["preferred_format"] not in Format.values:
            raise InvalidInput("preferred_format", f"must be one of {', '.join(Format.values)}")
        participant.preferred_format = data["preferred_format"]
    if "availability" in data:
        participant.availability = _hours(data["availability"])
    if data.get("time_zone"):
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(str(data["time_zone"]))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("time_zone", f"unknown time zone {data['time_zone']!r}") from None
        participant.time_zone = str(data["time_zone"])
    if "languages" in data:
        codes = [str(c).strip().lower() for c in data["languages"] or [] if str(c).strip()]
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise InvalidInput("languages", f"{code!r} is not a two-letter ISO 639-1 code")
        participant.languages = sorted(set(codes))
    if "style" in data:
        participant.style = _style(data["style"])
    if role == Role.MENTOR:
        capacity = data.get("capacity", participant.capacity or program.default_capacity)
        participant.capacity = _int("capacity", capacity, 0, program.max_capacity)
    else:
        participant.capacity = 0
    if "paused" in data:
        participant.paused = bool(data["paused"])
    participant.updated_at = timezone.now()
    participant.save()
    events.record(
        "mentoring.profile_created" if created else "mentoring.profile_updated",
        actor=user,
        target=participant,
        data={"role": role},
    )
    return participant


@transaction.atomic
def set_listing(user: User, employee: Employee, *, listed: bool, note: str = "") -> None:
    MentoringPreference.objects.update_or_create(
        employee=employee,
        defaults={
            "listed_as_expert": listed,
            "note": _text("note", note, limit=300),
            "updated_at": timezone.now(),
        },
    )
    events.record(
        "mentoring.expert_listing_changed", actor=user, target=employee, data={"listed": listed}
    )


# -- whole-pool matching ------------------------------------------------------------------


@transaction.atomic
def create_draft(user: User, program: Program) -> Draft:
    """Optimize the whole pool: the assignment of greatest total compatibility, as a draft."""
    lock(program)  # pairing reads the pool: one pairing write per program at a time
    if program.status == Program.Status.CLOSED:
        raise InvalidInput("program", "this program has closed")
    pool = queries.pool(program)
    result = optimize(
        pool.mentee_side,
        pool.mentor_side,
        pool.weights,
        forbidden=pool.forbidden,
        minimum_score=program.minimum_score,
    )
    Draft.objects.filter(program=program, status=Draft.Status.DRAFT).update(
        status=Draft.Status.DISCARDED
    )
    draft = Draft.objects.create(
        program=program,
        created_by=user,
        optimal_total=result.assignment.total_units / 1e6,
    )
    chosen = result.pairs
    # Plain Python lists built once (tolist) instead of numpy scalars per row and field.
    points = np.round(chosen.contributions, 6).tolist()  # (pairs, components)
    mentee_ids = pool.mentee_side.person[chosen.mentee].tolist()
    mentor_ids = pool.mentor_side.person[chosen.mentor].tolist()
    DraftPair.objects.bulk_create(
        [
            DraftPair(
                draft=draft,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                score=score,
                components=dict(zip(COMPONENTS, row, strict=True)),
            )
            for mentee_id, mentor_id, score, row in zip(
                mentee_ids, mentor_ids, chosen.score.tolist(), points, strict=True
            )
        ],
        batch_size=1000,
    )
    events.record(
        "mentoring.draft_created",
        actor=user,
        target=draft,
        data={
            "pairs": len(chosen.score),
            "mentees": len(pool.mentee_members),
            "mentors": len(pool.mentor_members),
        },
    )
    return draft


def _pair_in_pool(
    draft: Draft, mentee: Employee, mentor: Employee
) -> tuple[float, dict[str, float]]:
    """Score one hand-made pair and check its hard constraints and the mentor's capacity."""
    pool = queries.pool(draft.program)
    rows = {p.employee_id: i for i, p in enumerate(pool.mentee_members)}
    cols = {p.employee_id: j for j, p in enumerate(pool.mentor_members)}
    if mentee.pk not in rows:
        raise InvalidInput("mentee", f"{mentee} is not an unpaired mentee of this program")
    if mentor.pk not in cols:
        raise InvalidInput("mentor", f"{mentor} is not a mentor of this program with room left")
    i, j = np.array([rows[mentee.pk]]), np.array([cols[mentor.pk]])
    problems = constraints.violations(
        pool.mentee_side, pool.mentor_side, i, j, forbidden=pool.forbidden
    )
    if problems:
        raise InvalidInput("mentor", problems[0].split(": ", 1)[-1])
    taken = draft.pairs.filter(mentor=mentor).exclude(mentee=mentee).count()
    if taken >= pool.mentor_members[int(j[0])].capacity:
        raise InvalidInput(
            "mentor", f"{mentor} already has {taken} mentees in this draft (capacity reached)"
        )
    scored = score_pairs(pool.mentee_side, pool.mentor_side, i, j, pool.weights)
    return float(scored.score[0]), {
        name: round(float(scored.contributions[0, c]), 6) for c, name in enumerate(COMPONENTS)
    }


def _open_draft(draft: Draft) -> None:
    lock(draft)  # its status and the mentors' places in it, against concurrent edits
    if draft.status != Draft.Status.DRAFT:
        raise InvalidInput("draft", f"this draft is {draft.get_status_display().lower()}")


@transaction.atomic
def set_draft_pair(user: User, draft: Draft, mentee: Employee, mentor: Employee) -> DraftPair:
    """Add a pair, or give the mentee another mentor (a swap), after the constraint checks."""
    _open_draft(draft)
    score, components = _pair_in_pool(draft, mentee, mentor)
    pair, _ = DraftPair.objects.update_or_create(
        draft=draft,
        mentee=mentee,
        defaults={"mentor": mentor, "score": score, "components": components, "edited": True},
    )
    events.record(
        "mentoring.draft_pair_set",
        actor=user,
        target=draft,
        data={"mentee": mentee.pk, "mentor": mentor.pk},
    )
    return pair


@transaction.atomic
def remove_draft_pair(user: User, draft: Draft, mentee: Employee) -> None:
    _open_draft(draft)
    deleted, _ = DraftPair.objects.filter(draft=draft, mentee=mentee).delete()
    if not deleted:
        raise InvalidInput("mentee", f"{mentee} has no pair in this draft")
    events.record(
        "mentoring.draft_pair_removed", actor=user, target=draft, data={"mentee": mentee.pk}
    )


@transaction.atomic
def publish_draft(
    user: User, draft: Draft, *, at: datetime.datetime | None = None
) -> list[Relationship]:
    """Every pair of the draft becomes an active relationship (the mentee is enrolled)."""
    program = lock(draft.program)  # before the draft: the order create_draft locks in
    _open_draft(draft)
    now = at or timezone.now()
    pairs = list(draft.pairs.select_related("mentee__user", "mentor__user"))
    busy = set(
        Relationship.objects.filter(
            program=program, status__in=queries.OPEN, mentee__in=[p.mentee_id for p in pairs]
        ).values_list("mentee_id", flat=True)
    )
    if busy:
        raise InvalidInput(
            "draft", f"{len(busy)} mentee(s) were paired since the draft was made; optimize again"
        )
    relationships = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program,
                mentee=p.mentee,
                mentor=p.mentor,
                status=Relationship.Status.ACTIVE,
                origin=Relationship.Origin.MATCHED,
                score=p.score,
                components=p.components,
                requested_at=now,
                started_at=now,
            )
            for p in pairs
        ]
    )
    draft.status = Draft.Status.PUBLISHED
    draft.published_at = now
    draft.save(update_fields=["status", "published_at"])
    if program.status == Program.Status.OPEN:
        program.status = Program.Status.RUNNING
        program.save(update_fields=["status"])
    events.record_many(
        [events.Event("mentoring.draft_published", draft, {"pairs": len(relationships)})]
        + [events.Event("mentoring.relationship_started", r) for r in relationships],
        actor=user,
    )
    recorder.store([enrolled_statement(r, now) for r in relationships])
    _notify(
        [r.mentee.user.email for r in relationships] + [r.mentor.user.email for r in relationships],
        f"Your mentoring pair in {program.name}",
        "You have been paired in a mentoring program. Open learnloop to meet your partner.",
    )
    return relationships


# -- self-match and the relationship lifecycle -------------------------------------------


def suggestions(program: Program, employee: Employee, k: int = 5) -> list[dict[str, Any]]:
    """The mentee's k best mentors with room, each with its score explained."""
    pool = queries.pool(program)
    rows = [i for i, p in enumerate(pool.mentee_members) if p.employee_id == employee.pk]
    if not rows or not pool.mentor_members:
        return []
    best = suggest(
        pool.mentee_side, rows[0], pool.mentor_side, pool.weights, k=k, forbidden=pool.forbidden
    )
    # Best first: the rest score lower still. Only the shown mentors are loaded as objects.
    shown = int((best.score > program.minimum_score).sum())
    mentors = queries.participants([pool.mentor_members[int(j)] for j in best.mentor[:shown]])
    out = []
    for n, mentor in enumerate(mentors):
        out.append(
            {
                "mentor": mentor,
                "score": float(best.score[n]),
                "parts": [
                    {
                        "name": name,
                        "label": label,
                        "value": round(value, 3),
                        "points": round(points, 3),
                    }
                    for name, label, value, points in best.explain(n)
                ],
            }
        )
    return out


@transaction.atomic
def request_mentor(
    user: User, program: Program, mentee: Employee, mentor: Employee, message: str = ""
) -> Relationship:
    # The checks below (one open request per mentee, the mentor's room) read the program's
    # relationships: concurrent requests queue on the program.
    lock(program)
    if not program.self_match:
        raise InvalidInput("program", "mentors in this program are assigned by its admins")
    if program.status == Program.Status.CLOSED:
        raise InvalidInput("program", "this program has closed")
    if queries.open_relationship_as_mentee(program, mentee) is not None:
        raise InvalidInput("mentor", "you already have a mentor or a pending request here")
    offered = {s["mentor"].employee_id: s for s in suggestions(program, mentee, k=1000)}
    if mentee.pk not in {p.employee_id for p in queries.pool(program).mentee_members}:
        raise InvalidInput("program", "fill in your mentee profile first")
    if mentor.pk not in offered:
        raise InvalidInput(
            "mentor", f"{mentor} cannot take you in this program (no room, or not allowed)"
        )
    choice = offered[mentor.pk]
    relationship = Relationship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        message=_text("message", message, limit=2000),
        score=choice["score"],
        components={p["name"]: p["points"] for p in choice["parts"]},
    )
    events.record("mentoring.mentor_requested", actor=user, target=relationship)
    _notify(
        [mentor.user.email],
        f"{mentee} asks you to be their mentor",
        f"{mentee} would like you as their mentor in {program.name}. Open learnloop to answer.",
    )
    return relationship


@transaction.atomic
def respond(user: User, relationship: Relationship, *, accept: bool) -> Relationship:
    lock(relationship)  # an accept and a decline at once: the second finds it decided
    if relationship.status != Relationship.Status.REQUESTED:
        raise InvalidInput("status", f"this request is already {relationship.status}")
    now = timezone.now()
    if accept:
        relationship.status = Relationship.Status.ACTIVE
        relationship.started_at = now
    else:
        relationship.status = Relationship.Status.DECLINED
        relationship.closed_at = now
    relationship.save(update_fields=["status", "started_at", "closed_at"])
    events.record(
        "mentoring.request_accepted" if accept else "mentoring.request_declined",
        actor=user,
        target=relationship,
    )
    if accept:
        recorder.store([enrolled_statement(relationship, now)])
    _notify(
        [relationship.mentee.user.email],
        f"{relationship.mentor} {'accepted' if accept else 'declined'} your request",
        f"Your mentoring request in {relationship.program.name} was "
        f"{'accepted' if accept else 'declined'}.",
    )
    return relationship


def _active(relationship: Relationship) -> None:
    lock(relationship)  # nothing is added to, or closes, a relationship closed meanwhile
    if relationship.status != Relationship.Status.ACTIVE:
        raise InvalidInput("relationship", f"this relationship is {relationship.status}")


def _skill(organization: Organization, raw: Any, field: str = "skill") -> Skill | None:
    if raw in (None, ""):
        return None
    skill = Skill.objects.filter(
        models_q_visible(organization), pk=_int(field, raw, 1, 2**62)
    ).first()
    if skill is None:
        raise InvalidInput(field, f"no skill {raw}")
    return skill


@transaction.atomic
def add_goal(user: User, relationship: Relationship, text: str, skill: Any = None) -> Goal:
    _active(relationship)
    goal = Goal.objects.create(
        relationship=relationship,
        text=_text("text", text, limit=300, required=True),
        skill=_skill(relationship.program.organization, skill),
    )
    events.record("mentoring.goal_added", actor=user, target=goal)
    return goal


@transaction.atomic
def set_progress(user: User, goal: Goal, progress: Any) -> Goal:
    relationship = goal.relationship
    _active(relationship)
    try:
        value = float(progress)
    except (TypeError, ValueError):
        raise InvalidInput("progress", f"{progress!r} is not a number") from None
    if not 0 <= value <= 1:
        raise InvalidInput("progress", "must be between 0 and 1")
    goal.progress = value
    goal.updated_at = timezone.now()
    goal.save(update_fields=["progress", "updated_at"])
    events.record("mentoring.goal_progressed", actor=user, target=goal, data={"progress": value})
    mean = queries.mean_progress(relationship)
    recorder.store([progressed_statement(relationship, mean or 0.0)])
    return goal


@transaction.atomic
def log_session(
    user: User,
    relationship: Relationship,
    logged_by: Employee,
    *,
    held_on: Any,
    duration_minutes: Any = 45,
    notes: str = "",
    skills: Iterable[Any] = (),
) -> Session:
    _active(relationship)
    if isinstance(held_on, str):
        try:
            held_on = datetime.date.fromisoformat(held_on)
        except ValueError:
            raise InvalidInput("held_on", f"{held_on!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(held_on, datetime.date):
        raise InvalidInput("held_on", "is required")
    if held_on > timezone.localdate():
        raise InvalidInput("held_on", "a session cannot be logged before it is held")
    practised = [
        s for s in (_skill(relationship.program.organization, raw, "skills") for raw in skills) if s
    ]
    session = Session.objects.create(
        relationship=relationship,
        held_on=held_on,
        duration_minutes=_int("duration_minutes", duration_minutes, 5, 600),
        notes=_text("notes", notes, limit=10_000),
        logged_by=logged_by,
    )
    session.skills.set(practised)
    events.record("mentoring.session_logged", actor=user, target=session)
    at = datetime.datetime.combine(held_on, datetime.time(12), tzinfo=datetime.UTC)
    recorder.store([mentored_statement(session, min(at, timezone.now()))])
    return session


@transaction.atomic
def give_feedback(
    user: User, session: Session, author: Employee, *, rating: Any, comment: str = ""
) -> SessionFeedback:
    given = InvalidInput("rating", "you already gave feedback on this session")
    if SessionFeedback.objects.filter(session=session, author=author).exists():
        raise given
    with unique_or("sessionfeedback_once", given):
        feedback = SessionFeedback.objects.create(
            session=session,
            author=author,
            rating=_int("rating", rating, 1, 5),
            comment=_text("comment", comment, limit=2000),
        )
    events.record("mentoring.session_feedback_given", actor=user, target=session)
    return feedback


SURVEY_FIELDS = ("rating", "goals_met", "would_recommend", "comment")


@transaction.atomic
def close(user: User, relationship: Relationship, survey: dict[str, Any]) -> Relationship:
    """End the relationship with the short closing survey (the mentee is 'completed')."""
    _active(relationship)
    answers = {
        "rating": _int("rating", survey.get("rating"), 1, 5),
        "goals_met": _int("goals_met", survey.get("goals_met"), 1, 5),
        "would_recommend": bool(survey.get("would_recommend")),
        "comment": _text("comment", survey.get("comment"), limit=2000),
    }
    now = timezone.now()
    relationship.status = Relationship.Status.CLOSED
    relationship.closed_at = now
    relationship.survey = answers
    relationship.save(update_fields=["status", "closed_at", "survey"])
    events.record("mentoring.relationship_closed", actor=user, target=relationship)
    recorder.store([completed_statement(relationship, now)])
    return relationship


# -- reminders ----------------------------------------------------------------------------


def _notify(addresses: list[str], subject: str, body: str) -> None:
    def send() -> None:
        for address in addresses:
            try:
                send_mail(subject[:200], body, None, [address])
            except Exception:
                logger.exception("could not e-mail %s", address)

    transaction.on_commit(send)


@transaction.atomic
def send_reminders(today: datetime.date | None = None) -> int:
    """Remind both people of an active pair when no session was logged within the program's
    cadence, at most once per cadence period. Returns the number of pairs reminded."""
    from django.db.models import Max

    today = today or timezone.localdate()
    advisory_lock("mentoring.send_reminders")  # two runs at once would both remind a pair
    rows = (
        Relationship.objects.filter(status=Relationship.Status.ACTIVE)
        .select_related("program", "mentee__user", "mentor__user")
        .annotate(last=Max("sessions__held_on"))
    )
    reminded = []
    for r in rows:
        every = datetime.timedelta(days=CADENCE_DAYS[Cadence(r.program.cadence)])
        since = r.last or (r.started_at.date() if r.started_at else today)
        due = since + every <= today
        recent = r.last_reminded_on is not None and r.last_reminded_on + every > today
        if due and not recent:
            r.last_reminded_on = today
            reminded.append(r)
            _notify(
                [r.mentee.user.email, r.mentor.user.email],
                f"Time for a mentoring session ({r.program.name})",
                f"No session logged since {since.isoformat()}. Book your next one.",
            )
    Relationship.objects.bulk_update(reminded, ["last_reminded_on"], batch_size=1000)
    if reminded:
        events.record_many(
            [events.Event("mentoring.reminder_sent", r) for r in reminded], actor_label="worker"
        )
    return len(reminded)
