"""The demo organization's mentoring: a closed cycle, a running program and one open for
sign-up, with profiles, pairs found by the real optimizer, sessions with notes, goals and their
progress, and the xAPI statements of each pair backdated to when it happened. Deterministic in
the seed and the reference day; written in bulk so a 10,000-person demo stays quick."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.demo.models import DemoPersona
from learnloop.mentoring import actions, embeddings, queries
from learnloop.mentoring.engine.match import optimize
from learnloop.mentoring.engine.scoring import COMPONENTS
from learnloop.mentoring.models import (
    CADENCE_DAYS,
    Cadence,
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
from learnloop.people.models import Employee, Organization, active_employees
from learnloop.skills.models import EmployeeSkill, Skill
from learnloop.xapi import recorder

BULK = 2000
MAX_MENTEES = 250  # per program: beyond this the demo adds bulk, not insight
MAX_SESSIONS = 6  # per pair
UTC = datetime.UTC

GOALS = (
    "I want to get confident with {skill} so I can take on bigger pieces of work on my own.",
    "Help me practise {skill} on real cases from my team; I learn best by doing.",
    "I would like honest feedback on how I approach {skill} and what to read next.",
    "My next role needs solid {skill}; I want a plan and someone to check my progress.",
)
TOPICS = (
    "Happy to help with {skills}, and with finding your way around the company.",
    "I can teach {skills} through real examples from my projects.",
    "Ask me about {skills}; I like pairing on concrete problems.",
)
NOTES = (
    "Went through a recent piece of work on {skill}; agreed on two things to try before next time.",
    "Practised {skill} with a role-play. Next: try it in the team meeting.",
    "Reviewed progress on {skill}. Good momentum; shared two articles to read.",
    "Talked about career steps and where {skill} fits. Set a small stretch task.",
    "Looked at feedback from the last project on {skill}; planned a dry run.",
)
COMMENTS = (
    "Very useful, concrete advice.",
    "Good session, a bit short.",
    "Helped me unblock a real problem.",
    "Great questions, made me think.",
)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC)


def _level(employee: Employee) -> int:
    return employee.job_role.level if employee.job_role and employee.job_role.level else 1


@transaction.atomic
def build(organization: Organization, *, seed: int, today: datetime.date) -> None:
    """Fill the demo organization with months of mentoring activity (deterministic in seed)."""
    rng = random.Random(seed * 7919 + 606)
    # Levels for everyone, objects only for the people who take part: cheap at 10,000.
    everyone = list(
        active_employees(today)
        .filter(organization=organization)
        .order_by("pk")
        .values_list("pk", "job_role__level", "user_id")
    )
    if len(everyone) < 12:
        return
    personas = dict(DemoPersona.objects.values_list("key", "user_id"))
    admin = User.objects.filter(pk=personas.get("ld_admin") or 0).first()
    persona_id = next((pk for pk, _, user in everyone if user == personas.get("employee")), None)
    top = list(
        EmployeeSkill.objects.filter(employee__organization=organization, level__gt=0)
        .values("skill")
        .annotate(n=Count("pk"))
        .order_by("-n", "skill")
        .values_list("skill", flat=True)[:12]
    )
    if not top:
        return
    labels = dict(Skill.objects.filter(pk__in=top).values_list("pk", "label"))
    held: dict[int, dict[int, float]] = defaultdict(dict)
    for employee_id, skill_id, level in EmployeeSkill.objects.filter(
        employee__organization=organization, skill__in=top, level__gt=0
    ).values_list("employee_id", "skill_id", "level"):
        held[employee_id][skill_id] = level

    size = max(6, min(len(everyone) // 12, MAX_MENTEES))
    by_level = [pk for pk, level, _ in sorted(everyone, key=lambda row: (row[1] or 1, row[0]))]
    half = len(by_level) // 2
    juniors = [pk for pk in by_level[:half] if pk != persona_id]
    seniors = [pk for pk in by_level[half:] if held.get(pk)]
    digital = [pk for pk in juniors if held.get(pk)]

    programs = [
        (
            Program(
                organization=organization,
                name="Engineering growth (last year)",
                kind=ProgramKind.ONE_TO_ONE,
                description="Pairs engineers with experienced colleagues for six months.",
                goals="Faster onboarding into senior work; spread testing and design practice.",
                starts_on=today - datetime.timedelta(days=330),
                ends_on=today - datetime.timedelta(days=150),
                cadence=Cadence.MONTHLY,
                default_capacity=2,
                max_capacity=3,
                status=Program.Status.CLOSED,
                created_by=admin,
            ),
            juniors,
            seniors,
        ),
        (
            Program(
                organization=organization,
                name="Leadership circle",
                kind=ProgramKind.ONE_TO_ONE,
                description="Future leads meet an experienced manager every two weeks.",
                goals="Prepare the next team leads: feedback, coaching, prioritisation.",
                starts_on=today - datetime.timedelta(days=120),
                ends_on=today + datetime.timedelta(days=60),
                cadence=Cadence.FORTNIGHTLY,
                default_capacity=2,
                max_capacity=3,
                status=Program.Status.RUNNING,
                weights={"cross_department": 1.0, "seniority": 1.0},
                created_by=admin,
            ),
            juniors,
            seniors,
        ),
        (
            Program(
                organization=organization,
                name="Reverse mentoring: new tools",
                kind=ProgramKind.REVERSE,
                description="Junior colleagues show senior ones the tools they use every day.",
                goals="Leaders who use today's tools themselves.",
                starts_on=today - datetime.timedelta(days=7),
                ends_on=today + datetime.timedelta(days=170),
                cadence=Cadence.MONTHLY,
                default_capacity=2,
                max_capacity=3,
                status=Program.Status.OPEN,
                weights={"preferred_gap": -2.0},
                created_by=admin,
            ),
            list(reversed(by_level)),
            digital,
        ),
    ]
    Program.objects.bulk_create([p for p, _, _ in programs])

    chosen: list[tuple[Program, list[int], list[int]]] = []
    for program, mentee_pool, mentor_pool in programs:
        mentors = rng.sample(mentor_pool, min(len(mentor_pool), max(3, size // 2)))
        taken = set(mentors)
        candidates = [pk for pk in mentee_pool if pk not in taken][: max(size * 3, 12)]
        mentees = rng.sample(candidates, min(size, len(candidates)))
        if program.status == Program.Status.OPEN and persona_id is not None:
            mentees = [persona_id, *[pk for pk in mentees if pk != persona_id]]
        chosen.append((program, mentees, mentors))
    ids = {pk for _, a, b in chosen for pk in (*a, *b)}
    objects = Employee.objects.select_related("user", "job_role").in_bulk(list(ids))
    texts: list[str] = []
    rows: list[Participant] = []
    for program, mentees, mentors in chosen:
        joined = _at(program.starts_on - datetime.timedelta(days=10), 9)
        for pk, role in [(m, Role.MENTEE) for m in mentees] + [(m, Role.MENTOR) for m in mentors]:
            rows.append(_profile(rng, program, objects[pk], role, top, labels, held, joined, texts))
    vectors, model = embeddings.embed(sorted(set(texts)))
    by_text = dict(zip(sorted(set(texts)), vectors, strict=True))
    for row in rows:
        row.goal_vector = by_text.get(row.goals)
        row.vector_model = model if row.goal_vector is not None else ""
    Participant.objects.bulk_create(rows, batch_size=BULK)

    statements: list[Any] = []
    audit: list[events.Event] = []
    for program, _, _ in programs[:2]:
        _pairs(rng, program, today, labels, statements, objects)
        audit.append(events.Event("mentoring.demo_history_added", program))
    audit.append(events.Event("mentoring.demo_history_added", programs[2][0]))
    _open_requests(rng, programs[2][0], persona_id, today)

    hidden = [pk for pk, _, _ in everyone if rng.random() < 0.05 and pk != persona_id]
    MentoringPreference.objects.bulk_create(
        [MentoringPreference(employee_id=pk, listed_as_expert=False) for pk in hidden],
        batch_size=BULK,
    )
    for start in range(0, len(statements), BULK):
        recorder.store(statements[start : start + BULK])
    events.record_many(audit, actor_label="demo")


def _profile(
    rng: random.Random,
    program: Program,
    employee: Employee,
    role: str,
    top: list[int],
    labels: dict[int, str],
    held: dict[int, dict[int, float]],
    joined: datetime.datetime,
    texts: list[str],
) -> Participant:
    start = rng.choice((8, 9, 10, 13, 14))
    days = rng.sample(range(5), 2)
    hours = sorted({(d * 24 + start + h) % 168 for d in days for h in range(3)})
    style = [rng.randint(1, 5) for _ in QUESTIONS] if rng.random() < 0.7 else []
    if role == Role.MENTEE:
        wanted = rng.sample(top[:8], rng.randint(1, 3))
        skills = [{"skill": s, "level": rng.randint(3, 4)} for s in wanted]
        goals = rng.choice(GOALS).format(skill=labels[wanted[0]])
        capacity = 0
    else:
        mine = sorted(held.get(employee.pk, {}).items(), key=lambda kv: -kv[1])[:4]
        skills = [{"skill": s, "level": max(1, round(level))} for s, level in mine]
        names = ", ".join(labels[s] for s, _ in mine[:2]) or "careers"
        goals = rng.choice(TOPICS).format(skills=names)
        capacity = rng.choice((program.default_capacity, program.max_capacity))
    texts.append(goals)
    return Participant(
        program=program,
        employee=employee,
        role=role,
        skills=skills,
        goals=goals,
        preferred_format=rng.choice(("any", "video", "in_person")),
        availability=hours,
        time_zone=employee.timezone,
        languages=list(employee.languages or ["en"]),
        capacity=capacity,
        style=style,
        created_at=joined,
        updated_at=joined,
    )


def _pairs(
    rng: random.Random,
    program: Program,
    today: datetime.date,
    labels: dict[int, str],
    statements: list[Any],
    people: dict[int, Employee],
) -> None:
    """Match with the real optimizer, then months of sessions, goals and a closing survey."""
    pool = queries.pool(program, today=today)
    draft = optimize(
        pool.mentee_side, pool.mentor_side, pool.weights, forbidden=pool.forbidden
    ).pairs
    points = draft.contributions  # (pairs, components), computed once
    started = _at(program.starts_on + datetime.timedelta(days=3), 10)
    closed = program.status == Program.Status.CLOSED
    end = min(program.ends_on, today - datetime.timedelta(days=1))
    relationships = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program,
                mentee=people[pool.mentee_members[int(i)].employee_id],
                mentor=people[pool.mentor_members[int(j)].employee_id],
                status=Relationship.Status.CLOSED if closed else Relationship.Status.ACTIVE,
                origin=Relationship.Origin.MATCHED,
                score=float(draft.score[k]),
                components={n: round(float(points[k, c]), 6) for c, n in enumerate(COMPONENTS)},
                requested_at=started,
                started_at=started,
                closed_at=_at(program.ends_on, 16) if closed else None,
                survey={
                    "rating": rng.randint(3, 5),
                    "goals_met": rng.randint(2, 5),
                    "would_recommend": rng.random() < 0.8,
                    "comment": rng.choice(COMMENTS),
                }
                if closed
                else {},
            )
            for k, (i, j) in enumerate(zip(draft.mentee, draft.mentor, strict=True))
        ],
        batch_size=BULK,
    )
    wanted = {p.employee_id: [s["skill"] for s in p.skills] for p in pool.mentee_members}
    every = CADENCE_DAYS[Cadence(program.cadence)]
    sessions: list[Session] = []
    goals: list[Goal] = []
    through = Session.skills.through
    for r in relationships:
        r.program = program
        statements.append(actions.enrolled_statement(r, started))
        skills = wanted.get(r.mentee_id) or []
        day = program.starts_on + datetime.timedelta(days=rng.randint(5, 12))
        held: list[Session] = []
        while day <= end and len(held) < MAX_SESSIONS:
            skill = skills[0] if skills else None
            held.append(
                Session(
                    relationship=r,
                    held_on=day,
                    duration_minutes=rng.choice((30, 45, 45, 60)),
                    notes=rng.choice(NOTES).format(skill=labels.get(skill or 0, "the goals")),
                    logged_by_id=rng.choice((r.mentee_id, r.mentor_id)),
                    created_at=_at(day, 17),
                )
            )
            day += datetime.timedelta(days=every + rng.randint(-2, 4))
        sessions.extend(held)
        share = min(1.0, len(held) / MAX_SESSIONS)
        mine = [
            Goal(
                relationship=r,
                text=f"Get to the next level in {labels[skill]}",
                skill_id=skill,
                progress=round(min(1.0, share * rng.uniform(0.6, 1.1)), 2),
                created_at=started,
                updated_at=_at(held[-1].held_on, 18) if held else started,
            )
            for skill in skills[:2]
        ]
        goals.extend(mine)
        if held and mine:
            mean = sum(g.progress for g in mine) / len(mine)
            statements.append(actions.progressed_statement(r, mean, _at(held[-1].held_on, 18)))
        if closed:
            statements.append(actions.completed_statement(r, r.closed_at))
    Session.objects.bulk_create(sessions, batch_size=BULK)
    Goal.objects.bulk_create(goals, batch_size=BULK)
    links = []
    feedback = []
    for s in sessions:
        skills = wanted.get(s.relationship.mentee_id) or []
        if skills:
            links.append(through(session_id=s.pk, skill_id=skills[0]))
        if rng.random() < 0.5:
            feedback.append(
                SessionFeedback(
                    session=s,
                    author_id=s.relationship.mentee_id,
                    rating=rng.choice((3, 4, 4, 5, 5)),
                    comment=rng.choice(COMMENTS),
                    created_at=_at(s.held_on, 18),
                )
            )
        statements.append(actions.mentored_statement(s, _at(s.held_on)))
    through.objects.bulk_create(links, batch_size=BULK)
    SessionFeedback.objects.bulk_create(feedback, batch_size=BULK)


def _open_requests(
    rng: random.Random, program: Program, persona: int | None, today: datetime.date
) -> None:
    """A few pending requests in the open program (never the employee persona's: they choose)."""
    pool = queries.pool(program, today=today)
    if not pool.mentor_members:
        return
    at = _at(today - datetime.timedelta(days=2), 11)
    taken: set[int] = set()
    rows = []
    for p in pool.mentee_members[1:6]:
        if p.employee_id == persona:
            continue
        mentor = rng.choice(pool.mentor_members)
        if mentor.employee_id in taken or mentor.employee_id == p.employee_id:
            continue
        if (
            f"/{mentor.employee_id}/" in p.manager_path
            or f"/{p.employee_id}/" in mentor.manager_path
        ):
            continue  # never in each other's management chain
        taken.add(mentor.employee_id)
        rows.append(
            Relationship(
                program=program,
                mentee_id=p.employee_id,
                mentor_id=mentor.employee_id,
                message="Would you show me how you work with these tools?",
                requested_at=at,
            )
        )
    Relationship.objects.bulk_create(rows)
