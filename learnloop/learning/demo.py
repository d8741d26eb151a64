"""The demo organization's learning: a catalog tied to the skills of its role profiles (with
prerequisite chains, modules, a question bank and quizzes), months of enrollments, progress,
completions, ratings and quiz attempts recorded as backdated xAPI statements, two mandatory
trainings assigned by the learning team (one overdue for some), mastery estimates from the
quiz answers, and planned paths for the personas.

Deterministic for a seed and a reference day. Written in bulk; the detailed history covers at
most ``MAX_LEARNERS`` people (personas and their teams first), so a 10,000-person demo stays
quick while analytics still have months of statements to read.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from learnloop.audit import events
from learnloop.learning import actions, statements, tracing
from learnloop.learning.engine.kt import LearnerState
from learnloop.learning.models import (
    Answer,
    Attempt,
    Certificate,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Format,
    Item,
    ItemSkill,
    Kind,
    KnowledgeState,
    Lesson,
    Mastery,
    Module,
    Question,
    QuestionKind,
    Quiz,
    Rating,
    SkillPrerequisite,
    TargetKind,
)
from learnloop.people.models import Employee, Organization, active_employees
from learnloop.skills.models import RoleProfile, RoleRequirement, Skill
from learnloop.xapi import recorder
from learnloop.xapi.engine.statements import Prepared

BULK = 2000
MAX_LEARNERS = 300
MAX_SKILLS = 48
HISTORY_DAYS = 270
PROVIDERS = ("Coursera", "O'Reilly", "LinkedIn Learning", "edX", "Udemy")
COMMENTS = (
    "Practical and to the point.",
    "Good examples, a bit long.",
    "Exactly what I needed for my project.",
    "Too basic for me.",
    "The exercises made it stick.",
    "",
    "",
)
MANDATORY = (
    ("Information security awareness", "ICT security standards", 75, -45),
    ("Code of conduct 2026", "communication", 10, 20),
)  # title, skill label, assigned days ago, due in (negative: past)


def _title(label: str) -> str:
    return label[:1].upper() + label[1:]


@dataclass
class Catalog:
    items: list[Item] = field(default_factory=list)
    teaching: dict[int, list[tuple[Item, int]]] = field(default_factory=lambda: defaultdict(list))
    skills_of: dict[int, list[Skill]] = field(default_factory=lambda: defaultdict(list))
    quiz_of: dict[int, tuple[Quiz, list[Question]]] = field(default_factory=dict)
    mandatory: list[Item] = field(default_factory=list)


def _catalog(organization: Organization, rng: random.Random) -> Catalog:
    requirements = list(
        RoleRequirement.objects.filter(profile__organization=organization).select_related("skill")
    )
    weight: dict[int, float] = defaultdict(float)
    skills: dict[int, Skill] = {}
    for r in requirements:
        weight[r.skill_id] += r.weight
        skills[r.skill_id] = r.skill
    # The most required skills: two or three items each keeps the catalog near 100 items.
    ranked = sorted(skills.values(), key=lambda s: (-weight[s.pk], s.label))[:MAX_SKILLS]
    by_label = {s.label: s for s in ranked}
    for _, label, _, _ in MANDATORY:
        if label not in by_label:
            extra = Skill.objects.filter(organization__isnull=True, label=label).first()
            if extra is not None:
                by_label[label] = extra
    cat = Catalog()
    specs: list[tuple[Item, list[tuple[Skill, int]], list[tuple[Skill, int]], str | None]] = []
    for n, skill in enumerate(ranked):
        name = _title(skill.label)
        course = n % 3 != 2
        basics = Item(
            organization=organization,
            kind=Kind.COURSE if course else Kind.MICRO_LESSON,
            title=f"{name}: fundamentals",
            description=f"The essentials of {skill.label}: core ideas, common tasks and pitfalls, "
            "with short exercises.",
            duration_minutes=rng.choice((120, 180, 240)) if course else rng.choice((20, 30, 45)),
            format=Format.SELF_PACED,
            language="en",
            provider="Northwind Academy",
            audience="Anyone starting out",
        )
        specs.append((basics, [(skill, 2)], [], None))
        external = n % 2 == 0
        practice = Item(
            organization=organization,
            kind=Kind.EXTERNAL_COURSE if external else Kind.PRACTICE_PROJECT,
            title=f"{name} in practice",
            description=f"Apply {skill.label} to a real problem from start to finish and review "
            "the result with a practitioner.",
            url=f"https://learn.example.com/{skill.pk}" if external else "",
            duration_minutes=rng.choice((360, 480, 600, 900)),
            format=Format.SELF_PACED if external else Format.HANDS_ON,
            language="en" if rng.random() < 0.9 else "de",
            cost=Decimal(rng.choice((49, 79, 149, 299))) if external else Decimal(0),
            provider=rng.choice(PROVIDERS) if external else "Northwind Academy",
            audience="Practitioners",
        )
        specs.append((practice, [(skill, 3)], [], basics.title))
        if n < 18:
            kind = (Kind.BOOK, Kind.EXPERT_SESSION, Kind.VIDEO)[n % 3]
            advanced = Item(
                organization=organization,
                kind=kind,
                title=f"Advanced {skill.label}",
                description=f"Complex and novel cases of {skill.label}, and how to raise the bar "
                "for the team.",
                duration_minutes={Kind.BOOK: 600, Kind.EXPERT_SESSION: 90, Kind.VIDEO: 60}[kind],
                format={
                    Kind.BOOK: Format.READING,
                    Kind.EXPERT_SESSION: Format.LIVE_ONLINE,
                    Kind.VIDEO: Format.VIDEO,
                }[kind],
                language="en",
                cost=Decimal(45) if kind == Kind.BOOK else Decimal(0),
                provider="Northwind experts"
                if kind == Kind.EXPERT_SESSION
                else rng.choice(PROVIDERS),
                audience="Experienced practitioners",
            )
            specs.append((advanced, [(skill, 4)], [(skill, 3)], None))
    for title, label, _, _ in MANDATORY:
        skill_or_none = by_label.get(label)
        item = Item(
            organization=organization, kind=Kind.MICRO_LESSON, title=title,
            description="Mandatory training for everyone at Northwind.", duration_minutes=30,
            format=Format.VIDEO, language="en", provider="Northwind Academy", audience="Everyone",
        )  # fmt: skip
        specs.append((item, [(skill_or_none, 1)] if skill_or_none else [], [], None))
    Item.objects.bulk_create([s[0] for s in specs], batch_size=BULK)
    by_title = {s[0].title: s[0] for s in specs}
    item_skills, prereq_skills, prereq_items = [], [], []
    through = Item.prerequisite_items.through
    for item, taught, needs, needs_item in specs:
        for skill, level in taught:
            item_skills.append(ItemSkill(item=item, skill=skill, level=level))
            cat.teaching[skill.pk].append((item, level))
            cat.skills_of[item.pk].append(skill)
        for skill, level in needs:
            prereq_skills.append(SkillPrerequisite(item=item, skill=skill, level=level))
        if needs_item:
            prereq_items.append(through(from_item_id=item.pk, to_item_id=by_title[needs_item].pk))
    ItemSkill.objects.bulk_create(item_skills, batch_size=BULK)
    SkillPrerequisite.objects.bulk_create(prereq_skills, batch_size=BULK)
    through.objects.bulk_create(prereq_items, batch_size=BULK)
    cat.items = [s[0] for s in specs]
    cat.mandatory = [by_title[m[0]] for m in MANDATORY]
    _outline(cat, rng)
    _questions(organization, cat, ranked)
    return cat


def _outline(cat: Catalog, rng: random.Random) -> None:
    modules = [
        Module(item=item, title=title, position=i)
        for item in cat.items
        if item.kind == Kind.COURSE
        for i, title in enumerate(("Foundations", "Working with it", "Check yourself"))
    ]
    Module.objects.bulk_create(modules, batch_size=BULK)
    lessons = [
        Lesson(module=module, title=f"{module.title}: part {j + 1}", position=j,
               minutes=max(5, module.item.duration_minutes // 9))
        for module in modules
        for j in range(3)
    ]  # fmt: skip
    Lesson.objects.bulk_create(lessons, batch_size=BULK)


def _questions(organization: Organization, cat: Catalog, skills: list[Skill]) -> None:
    questions: list[Question] = []
    for skill in skills:
        questions += [
            Question(
                organization=organization, skill=skill, level=2, kind=QuestionKind.SINGLE,
                text=f"What is the best first step when applying {skill.label} to a new task?",
                choices=["Clarify the goal and the constraints", "Start without a plan",
                         "Wait for someone else to do it"],
                answer=[0], explanation="Knowing the goal first avoids rework.",
            ),
            Question(
                organization=organization, skill=skill, level=2, kind=QuestionKind.TRUE_FALSE,
                text=f"Checking your own results is part of practising {skill.label} well.",
                answer=True,
            ),
            Question(
                organization=organization, skill=skill, level=2, kind=QuestionKind.NUMERIC,
                text=f"On the 1-5 proficiency scale, which level applies {skill.label} "
                "independently to varied tasks?",
                answer=3, explanation="Level 3, Practitioner.",
            ),
        ]  # fmt: skip
    Question.objects.bulk_create(questions, batch_size=BULK)
    by_skill: dict[int, list[Question]] = defaultdict(list)
    for q in questions:
        by_skill[q.skill_id].append(q)
    quizzes = []
    for item in cat.items:
        if item.title.endswith(": fundamentals"):
            skill = cat.skills_of[item.pk][0]
            quizzes.append((Quiz(item=item, title=f"{item.title}: check", pass_mark=0.66), skill))
    Quiz.objects.bulk_create([q for q, _ in quizzes], batch_size=BULK)
    through = Quiz.questions.through
    through.objects.bulk_create(
        [through(quiz_id=q.pk, question_id=x.pk) for q, s in quizzes for x in by_skill[s.pk]],
        batch_size=BULK,
    )
    for quiz, skill in quizzes:
        cat.quiz_of[quiz.item_id] = (quiz, by_skill[skill.pk])


def _learners(organization: Organization, rng: random.Random, today: dt.date) -> list[Employee]:
    from learnloop.demo.models import DemoPersona

    people = list(
        active_employees(today)
        .filter(organization=organization)
        .select_related("user", "job_role")
        .order_by("pk")
    )
    if len(people) <= MAX_LEARNERS:
        return people
    persona_users = set(DemoPersona.objects.values_list("user_id", flat=True))
    first = [p for p in people if p.user_id in persona_users]
    chosen = {p.pk for p in first}
    first += [p for p in people if p.manager_id in chosen and p.pk not in chosen]
    chosen |= {p.pk for p in first}
    rest = [p for p in people if p.pk not in chosen]
    return first[:MAX_LEARNERS] + rng.sample(rest, max(0, MAX_LEARNERS - len(first)))


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))), dt.UTC
    )


@dataclass
class History:
    enrollments: list[Enrollment] = field(default_factory=list)
    prepared: list[Prepared] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    attempts: list[tuple[Attempt, list[tuple[Question, Any, bool]]]] = field(default_factory=list)
    answers_by_person: dict[int, list[tuple[dt.datetime, int, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _agent(person: Employee) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": person.user.full_name,
        "mbox": f"mailto:{person.user.email}",
    }


def _history(
    cat: Catalog,
    learners: list[Employee],
    required: dict[int, list[int]],
    rng: random.Random,
    today: dt.date,
) -> History:
    h = History()
    for person in learners:
        ability = rng.gauss(0.0, 1.0)
        wanted = required.get(person.job_role_id or 0, [])
        pool = [
            item
            for s in wanted
            for item, level in cat.teaching.get(s, [])
            if level <= 3 and item not in cat.mandatory
        ]
        if not pool:
            pool = [i for i in cat.items if i not in cat.mandatory]
        picks = list(dict.fromkeys(rng.sample(pool, k=min(len(pool), rng.randint(1, 5)))))
        for item in picks:
            started = today - dt.timedelta(days=rng.randint(5, HISTORY_DAYS))
            source = rng.choices(
                [EnrollmentSource.SELF, EnrollmentSource.MANAGER, EnrollmentSource.LEARNING_TEAM],
                weights=(70, 20, 10),
            )[0]
            due = None
            if source != EnrollmentSource.SELF:
                due = started + dt.timedelta(days=rng.choice((30, 45, 60)))
            _one(h, cat, person, item, source, started, due, False, ability, rng, today)
        for (_, _, ago, due_in), item in zip(MANDATORY, cat.mandatory, strict=True):
            started = today - dt.timedelta(days=ago)
            _one(h, cat, person, item, EnrollmentSource.LEARNING_TEAM, started,
                 today + dt.timedelta(days=due_in), True, ability, rng, today,
                 finish=0.8 if due_in < 0 else 0.3)  # fmt: skip
    return h


def _one(
    h: History, cat: Catalog, person: Employee, item: Item, source: str, started: dt.date,
    due: dt.date | None, mandatory: bool, ability: float, rng: random.Random, today: dt.date,
    finish: float = 0.6,
) -> None:  # fmt: skip
    enrolled_at = _moment(started, rng)
    enrollment = Enrollment(
        uuid=uuid.UUID(int=rng.getrandbits(128), version=4), item=item, employee=person,
        source=source, due_date=due, mandatory=mandatory, enrolled_at=enrolled_at,
    )  # fmt: skip
    h.enrollments.append(enrollment)
    actor = _agent(person)
    skills = [statements.skill_uri(s) for s in cat.skills_of[item.pk]]
    h.prepared.append(
        statements.enrolled(enrollment, item, skills, actor=actor, timestamp=enrolled_at)
    )
    span = max((today - started).days, 1)
    if rng.random() < 0.15:
        return  # enrolled, never started
    launched = enrolled_at + dt.timedelta(days=rng.randint(0, min(3, span)), hours=1)
    h.prepared.append(statements.launched(enrollment, item, actor=actor, timestamp=launched))
    enrollment.status = EnrollmentStatus.IN_PROGRESS
    done = rng.random() < finish
    length = rng.randint(3, 60) if not mandatory else rng.randint(1, 20)
    end = launched + dt.timedelta(days=min(length, span - 1 if span > 1 else 0))
    if end.date() >= today:  # nothing completes later than yesterday: no future timestamps
        done, end = False, launched
    share = 1.0 if done else round(rng.uniform(0.1, 0.9), 2)
    middle = launched + (end - launched) / 2
    h.prepared.append(
        statements.progressed(
            enrollment, item, share if not done else 0.5, actor=actor, timestamp=middle
        )
    )
    quiz = cat.quiz_of.get(item.pk)
    if quiz is not None and (done or rng.random() < 0.4):
        passed = _attempts(h, enrollment, person, quiz, ability, end, rng)
        done = done and passed
        share = 1.0 if done else min(share, 0.9)
    enrollment.progress = share
    seconds = int(item.duration_minutes * 60 * share * rng.uniform(0.7, 1.4))
    enrollment.seconds_spent = seconds
    if not done:
        return
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.completed_at = end + dt.timedelta(minutes=30)
    h.prepared.append(
        statements.completed(
            enrollment, item, seconds, skills, actor=actor, timestamp=enrollment.completed_at
        )
    )
    if rng.random() < 0.45:
        stars = rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 15, 40, 39))[0]
        comment = rng.choice(COMMENTS)
        rated_at = enrollment.completed_at + dt.timedelta(hours=2)
        h.ratings.append(
            Rating(item=item, employee=person, stars=stars, comment=comment, created_at=rated_at)
        )
        h.prepared.append(
            statements.rated(enrollment, item, stars, comment, actor=actor, timestamp=rated_at)
        )


def _attempts(
    h: History, enrollment: Enrollment, person: Employee, quiz_questions: tuple[Quiz, list[Question]],
    ability: float, when: dt.datetime, rng: random.Random,
) -> bool:  # fmt: skip
    quiz, questions = quiz_questions
    actor = _agent(person)
    for number in (1, 2):
        at = when - dt.timedelta(hours=3 - number)
        p = 1 / (1 + pow(2.718, -(ability + 0.8 * number)))
        graded = []
        for q in questions:
            right = rng.random() < p
            response = _response(q, right)
            graded.append((q, response, right))
            h.prepared.append(
                statements.answered(enrollment, quiz, q, response, right, actor=actor, timestamp=at)
            )
            h.answers_by_person[person.pk].append((at, q.skill_id, right))
        score = sum(r for _, _, r in graded) / len(graded)
        passed = score + 1e-9 >= quiz.pass_mark
        h.prepared.append(
            statements.assessed(enrollment, quiz, score, passed, actor=actor, timestamp=at)
        )
        attempt = Attempt(quiz=quiz, enrollment=enrollment, number=number, started_at=at,
                          submitted_at=at, score=score, passed=passed)  # fmt: skip
        h.attempts.append((attempt, graded))
        if passed:
            return True
    return False


def _response(q: Question, right: bool) -> Any:
    if q.kind == QuestionKind.TRUE_FALSE:
        return q.answer if right else not q.answer
    if q.kind == QuestionKind.NUMERIC:
        return q.answer if right else q.answer + 1
    return q.answer[0] if right else (q.answer[0] + 1) % len(q.choices)


def _mastery(h: History, organization: Organization) -> tuple[int, int]:
    tracer = tracing.tracer_for(organization.pk)
    states, masteries = [], []
    now = timezone.now()
    for person_id, answers in h.answers_by_person.items():
        state = LearnerState()
        counts: dict[int, int] = defaultdict(int)
        for _, skill, right in sorted(answers):
            tracer.update(state, skill, right)
            counts[skill] += 1
        states.append(
            KnowledgeState(
                employee_id=person_id, state=state.to_dict(), answers=len(answers), updated_at=now
            )
        )
        masteries += [
            Mastery(employee_id=person_id, skill_id=skill, estimate=tracer.predict(state, skill),
                    answers=n, updated_at=now)
            for skill, n in counts.items()
        ]  # fmt: skip
    KnowledgeState.objects.bulk_create(states, batch_size=BULK)
    Mastery.objects.bulk_create(masteries, batch_size=BULK)
    return len(states), len(masteries)


def _personas_paths(organization: Organization, today: dt.date) -> None:
    from learnloop.demo.models import DemoPersona

    for persona in DemoPersona.objects.filter(key__in=("employee", "manager")).select_related(
        "user"
    ):
        employee = Employee.objects.filter(user=persona.user, organization=organization).first()
        if employee is None:
            continue
        kind = TargetKind.NEXT_ROLE if persona.key == "employee" else TargetKind.CURRENT_ROLE
        actions.set_path(employee, actor=None, target_kind=kind, weekly_hours=4)


@transaction.atomic
def build(organization: Organization, *, seed: int, today: dt.date) -> None:
    """Fill the demo organization with months of learning activity (deterministic in seed)."""
    rng = random.Random(seed * 7919 + 5)
    if not RoleProfile.objects.filter(organization=organization).exists():
        return  # the skills demo was skipped (no taxonomy): nothing to tie a catalog to
    cat = _catalog(organization, rng)
    required: dict[int, list[int]] = defaultdict(list)
    for job_role_id, skill_id in RoleRequirement.objects.filter(
        profile__organization=organization, profile__job_role__isnull=False
    ).values_list("profile__job_role_id", "skill_id"):
        required[job_role_id].append(skill_id)
    learners = _learners(organization, rng, today)
    h = _history(cat, learners, required, rng, today)
    Enrollment.objects.bulk_create(h.enrollments, batch_size=BULK)
    Rating.objects.bulk_create(
        list({(r.item_id, r.employee_id): r for r in h.ratings}.values()), batch_size=BULK
    )
    Attempt.objects.bulk_create([a for a, _ in h.attempts], batch_size=BULK)
    Answer.objects.bulk_create(
        [Answer(attempt=a, question=q, response=r, correct=ok) for a, graded in h.attempts for q, r, ok in graded],
        batch_size=BULK,
    )  # fmt: skip
    Certificate.objects.bulk_create(
        [Certificate(code=uuid.UUID(int=rng.getrandbits(128), version=4), enrollment=e,
                     issued_at=e.completed_at or timezone.now())
         for e in h.enrollments if e.status == EnrollmentStatus.COMPLETED],
        batch_size=BULK,
    )  # fmt: skip
    for start in range(0, len(h.prepared), BULK):
        recorder.store(h.prepared[start : start + BULK])
    _, masteries = _mastery(h, organization)
    events.record(
        "learning.demo_built",
        actor_label="demo",
        target=organization,
        data={"items": len(cat.items), "enrollments": len(h.enrollments),
              "statements": len(h.prepared), "learners": len(learners), "masteries": masteries},
    )  # fmt: skip
    _personas_paths(organization, today)
