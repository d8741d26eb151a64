"""Every write to learning data: one atomic function per use case. Each records its audit event
(which the audit subscriber turns into an audit statement) and the learning statements of
docs/xapi-profile.md "Learning and mentoring" in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.learning import planning, statements, tracing
from learnloop.learning.engine.kt import LearnerState
from learnloop.learning.models import (
    Answer,
    Attempt,
    Certificate,
    Curriculum,
    CurriculumAssignment,
    CurriculumItem,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Format,
    Item,
    ItemSkill,
    Kind,
    KnowledgeState,
    Lesson,
    LessonProgress,
    Mastery,
    Module,
    Path,
    Question,
    QuestionKind,
    Quiz,
    Rating,
    SkillPrerequisite,
    TargetKind,
)
from learnloop.locking import advisory_lock, lock
from learnloop.people.models import Department, Employee, JobRole, Organization, active_employees
from learnloop.skills import actions as skill_actions
from learnloop.skills import queries as skill_queries
from learnloop.skills.models import RoleProfile, Skill, Source
from learnloop.xapi import recorder

MAX_SUGGESTED = 8
logger = logging.getLogger(__name__)


class LearningError(ValueError):
    """A write that cannot be done as asked; ``field`` names the input at fault, if one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _skill_uris(item: Item) -> list[str]:
    return [
        statements.skill_uri(row.skill)
        for row in item.skills.filter(confirmed=True).select_related("skill")
    ]


def _check_level(level: int, organization: Organization, name: str = "level") -> None:
    top = skill_queries.scale_top(organization)
    if not 1 <= level <= top:
        raise LearningError(f"{name} must be between 1 and {top}, not {level}", name)


# -- catalog ------------------------------------------------------------------------------


@dataclass
class ItemData:
    """An item's fields as the catalog forms, the API and the CSV import give them."""

    title: str
    kind: str = Kind.COURSE
    description: str = ""
    url: str = ""
    duration_minutes: int = 60
    format: str = Format.SELF_PACED
    language: str = "en"
    cost: Decimal = Decimal(0)
    provider: str = ""
    audience: str = ""
    skills: list[tuple[Skill, int]] = field(default_factory=list)
    prerequisite_skills: list[tuple[Skill, int]] = field(default_factory=list)
    prerequisite_items: list[Item] = field(default_factory=list)
    audience_roles: list[JobRole] = field(default_factory=list)
    modules: list[tuple[str, list[tuple[str, int]]]] | None = None  # None: keep as is


def validate(data: ItemData, organization: Organization) -> None:
    if not data.title.strip():
        raise LearningError("title is required", "title")
    if len(data.title) > 300:
        raise LearningError("title is longer than 300 characters", "title")
    if data.kind not in Kind.values:
        raise LearningError(f"kind must be one of {', '.join(Kind.values)}", "kind")
    if data.format not in Format.values:
        raise LearningError(f"format must be one of {', '.join(Format.values)}", "format")
    if not 1 <= data.duration_minutes <= 100_000:
        raise LearningError("duration_minutes must be between 1 and 100000", "duration_minutes")
    if not (2 <= len(data.language) <= 8 and data.language.replace("-", "").isalpha()):
        raise LearningError("language must be an ISO 639-1 code such as en", "language")
    if data.cost < 0:
        raise LearningError("cost cannot be negative", "cost")
    for _skill, level in data.skills:
        _check_level(level, organization, "skills")
    for _skill, level in data.prerequisite_skills:
        _check_level(level, organization, "prerequisite_skills")
    for other in data.prerequisite_items:
        if other.organization_id != organization.pk:
            raise LearningError("a prerequisite item is not in the catalog", "prerequisite_items")


def _apply(item: Item, data: ItemData) -> None:
    for name in (
        "title", "kind", "description", "url", "duration_minutes", "format", "language",
        "cost", "provider", "audience",
    ):  # fmt: skip
        setattr(item, name, getattr(data, name))
    item.title = item.title.strip()
    item.save()
    item.skills.all().delete()
    ItemSkill.objects.bulk_create(
        [ItemSkill(item=item, skill=s, level=level) for s, level in dict(data.skills).items()]
    )
    item.prerequisite_skills.all().delete()
    SkillPrerequisite.objects.bulk_create(
        [
            SkillPrerequisite(item=item, skill=s, level=level)
            for s, level in dict(data.prerequisite_skills).items()
        ]
    )
    if any(p.pk == item.pk for p in data.prerequisite_items):
        raise LearningError("an item cannot be its own prerequisite", "prerequisite_items")
    item.prerequisite_items.set(data.prerequisite_items)
    item.audience_roles.set(data.audience_roles)
    if data.modules is not None:
        item.modules.all().delete()
        for position, (title, lessons) in enumerate(data.modules):
            module = Module.objects.create(item=item, title=title[:300], position=position)
            Lesson.objects.bulk_create(
                [
                    Lesson(module=module, title=t[:300], position=i, minutes=max(1, minutes))
                    for i, (t, minutes) in enumerate(lessons)
                ]
            )


def _duplicate(organization: Organization, title: str, exclude: int | None = None) -> bool:
    # Titles are unique whatever their case, which learning_item_title cannot say: the lock
    # makes two writes of one title (any case) queue, so the second sees the first.
    advisory_lock("learning.item_title", organization.pk, title.strip().casefold())
    found = Item.objects.filter(organization=organization, title__iexact=title.strip())
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


@transaction.atomic
def create_item(organization: Organization, data: ItemData, *, actor: User | None) -> Item:
    validate(data, organization)
    if _duplicate(organization, data.title):
        raise LearningError(f"an item titled {data.title!r} is already in the catalog", "title")
    item = Item(organization=organization)
    _apply(item, data)
    events.record("learning.item_created", actor=actor, target=item, data={"kind": item.kind})
    return item


@transaction.atomic
def update_item(item: Item, data: ItemData, *, actor: User | None) -> Item:
    validate(data, item.organization)
    if _duplicate(item.organization, data.title, exclude=item.pk):
        raise LearningError(f"an item titled {data.title!r} is already in the catalog", "title")
    _apply(item, data)
    events.record("learning.item_updated", actor=actor, target=item)
    return item


@transaction.atomic
def set_item_active(item: Item, active: bool, *, actor: User | None) -> None:
    item.active = active
    item.save(update_fields=["active", "updated_at"])
    events.record(
        "learning.item_retired" if not active else "learning.item_restored",
        actor=actor,
        target=item,
    )


@transaction.atomic
def suggest_skills(item: Item, *, actor: User | None, level: int = 2) -> list[ItemSkill]:
    """Skills the skills engine reads in the item's title and description, stored as
    unconfirmed rows for L&D to confirm (they do not count for paths until then)."""
    lock(item)  # the skills it has are read, then added to
    text = f"{item.title}. {item.description}"
    found = skill_queries.infer_skills(item.organization, text)
    have = set(item.skills.values_list("skill_id", flat=True))
    created = [
        ItemSkill(
            item=item,
            skill=inferred.skill,
            level=level,
            confirmed=False,
            score=inferred.score,
            evidence=inferred.sentence[:1000],
        )
        for inferred in found
        if inferred.skill.pk not in have
    ][:MAX_SUGGESTED]
    ItemSkill.objects.bulk_create(created)
    events.record(
        "learning.skills_suggested", actor=actor, target=item, data={"count": len(created)}
    )
    return created


@transaction.atomic
def decide_skill(row: ItemSkill, *, accept: bool, level: int, actor: User | None) -> None:
    try:
        lock(row)  # an accept after a concurrent reject finds the row gone: a clear refusal
    except ItemSkill.DoesNotExist:
        raise LearningError("this skill was removed from the item meanwhile", "skill") from None
    if accept:
        _check_level(level, row.item.organization)
        row.confirmed, row.level = True, level
        row.save(update_fields=["confirmed", "level"])
    else:
        row.delete()
    events.record(
        "learning.skill_confirmed" if accept else "learning.skill_rejected",
        actor=actor,
        target=row.item,
        data={"skill": row.skill.label, "level": level},
    )


# -- enrollments ---------------------------------------------------------------------------
# Every write to an enrollment (progress, completion, attempts) first locks its row, so
# concurrent requests queue instead of each acting on a stale copy (double completions, lost
# seconds, attempts beyond the limit).


def _due(due_date: dt.date | None, today: dt.date | None = None) -> None:
    if due_date is not None and due_date < (today or timezone.localdate()):
        raise LearningError("due_date is in the past", "due_date")


def _enrol(
    employee: Employee,
    item: Item,
    *,
    source: str,
    actor: User | None,
    due_date: dt.date | None,
    mandatory: bool,
) -> tuple[Enrollment, bool]:
    if not item.active:
        raise LearningError(f"{item.title!r} is retired from the catalog", "item")
    if item.organization_id != employee.organization_id:
        raise LearningError("the item is not in this person's catalog", "item")
    if not employee.is_active:
        raise LearningError(f"{employee} has left the organization", "employee")
    # Get-or-create on learning_enrollment_unique: a concurrent enrolment that inserts first
    # makes this one find its row (locked) instead of failing on the constraint.
    existing, created = Enrollment.objects.select_for_update().get_or_create(
        employee=employee,
        item=item,
        defaults={
            "source": source,
            "assigned_by": actor if source != EnrollmentSource.SELF else None,
            "due_date": due_date,
            "mandatory": mandatory,
        },
    )
    if not created:
        # An assignment on top of a self-enrollment adds the due date and the obligation.
        changed = []
        if due_date is not None and existing.due_date != due_date and not existing.is_completed:
            existing.due_date = due_date
            changed.append("due_date")
        if mandatory and not existing.mandatory:
            existing.mandatory = True
            changed.append("mandatory")
        if changed:
            existing.save(update_fields=changed)
    return existing, created


@transaction.atomic
def enrol(
    employee: Employee,
    item: Item,
    *,
    actor: User | None,
    source: str = EnrollmentSource.SELF,
    due_date: dt.date | None = None,
    mandatory: bool = False,
) -> Enrollment:
    """Enrol one person: themselves (source self) or by their manager (source manager)."""
    if source not in EnrollmentSource.values:
        raise LearningError(f"source must be one of {', '.join(EnrollmentSource.values)}")
    _due(due_date)
    enrollment, new = _enrol(
        employee, item, source=source, actor=actor, due_date=due_date, mandatory=mandatory
    )
    if new:
        recorder.store([statements.enrolled(enrollment, item, _skill_uris(item), actor=employee)])
    events.record(
        "learning.enrolled" if new else "learning.assignment_updated",
        actor=actor,
        target=enrollment,
        data={"employee": employee.pk, "item": item.pk, "source": enrollment.source},
    )
    return enrollment


def group_members(
    organization: Organization,
    *,
    department: Department | None = None,
    job_role: JobRole | None = None,
) -> list[Employee]:
    if department is None and job_role is None:
        raise LearningError("choose a team or a role", "team")
    people = active_employees().filter(organization=organization).select_related("user")
    if department is not None:
        if department.organization_id != organization.pk:
            raise LearningError("no such team", "team")
        people = people.filter(department__path__startswith=department.path)
    if job_role is not None:
        if job_role.organization_id != organization.pk:
            raise LearningError("no such role", "role")
        people = people.filter(job_role=job_role)
    return list(people)


@transaction.atomic
def assign_group(
    item: Item,
    people: Sequence[Employee],
    *,
    actor: User | None,
    due_date: dt.date | None,
    mandatory: bool,
) -> list[Enrollment]:
    """L&D assigns an item to a team or role: all or nothing (one invalid person, no change)."""
    _due(due_date)
    if not people:
        raise LearningError("the team or role has no active members", "team")
    for person in people:
        if person.organization_id != item.organization_id:
            raise LearningError(f"{person} is not in the item's organization", "team")
    if not item.active:
        raise LearningError(f"{item.title!r} is retired from the catalog", "item")
    created, prepared, touched = [], [], []
    skills = _skill_uris(item)
    # One lock order (by person) for every assignment, so two of them cannot deadlock.
    for person in sorted(people, key=lambda p: p.pk):
        enrollment, new = _enrol(
            person,
            item,
            source=EnrollmentSource.LEARNING_TEAM,
            actor=actor,
            due_date=due_date,
            mandatory=mandatory,
        )
        touched.append(enrollment)
        if new:
            created.append(enrollment)
            prepared.append(statements.enrolled(enrollment, item, skills, actor=person))
    recorder.store(prepared)
    events.record_many(
        [
            events.Event(
                "learning.enrolled",
                target=e,
                data={"employee": e.employee_id, "item": item.pk, "source": e.source},
            )
            for e in created
        ],
        actor=actor,
    )
    events.record(
        "learning.group_assigned",
        actor=actor,
        target=item,
        data={"people": len(people), "new": len(created), "mandatory": mandatory},
    )
    return touched


@transaction.atomic
def launch(enrollment: Enrollment, *, actor: User | None) -> None:
    lock(enrollment)
    if enrollment.status == EnrollmentStatus.ENROLLED:
        enrollment.status = EnrollmentStatus.IN_PROGRESS
        enrollment.save(update_fields=["status"])
    recorder.store([statements.launched(enrollment, enrollment.item, actor=enrollment.employee)])
    events.record("learning.launched", actor=actor, target=enrollment)


def _progress(enrollment: Enrollment) -> float:
    total = Lesson.objects.filter(module__item=enrollment.item_id).count()
    if total == 0:
        return enrollment.progress
    return LessonProgress.objects.filter(enrollment=enrollment).count() / total


@transaction.atomic
def complete_lesson(
    enrollment: Enrollment, lesson: Lesson, *, actor: User | None, seconds: int = 0
) -> Enrollment:
    if lesson.module.item_id != enrollment.item_id:
        raise LearningError("the lesson is not part of this item", "lesson")
    lock(enrollment)
    if enrollment.is_completed:
        raise LearningError("the item is already completed")
    LessonProgress.objects.get_or_create(
        enrollment=enrollment, lesson=lesson, defaults={"seconds": max(seconds, 0)}
    )
    return _set_progress(enrollment, _progress(enrollment), seconds, actor)


@transaction.atomic
def record_progress(
    enrollment: Enrollment, progress: float, *, actor: User | None, seconds: int = 0
) -> Enrollment:
    """Progress through an item without lessons (a book, a project): the share done."""
    if not 0.0 <= progress <= 1.0 or math.isnan(progress):
        raise LearningError("progress must be between 0 and 1", "progress")
    lock(enrollment)
    if enrollment.is_completed:
        raise LearningError("the item is already completed")
    return _set_progress(enrollment, max(progress, enrollment.progress), seconds, actor)


def _set_progress(
    enrollment: Enrollment, progress: float, seconds: int, actor: User | None
) -> Enrollment:
    if seconds < 0:
        raise LearningError("seconds cannot be negative", "seconds")
    enrollment.progress = min(progress, 1.0)
    enrollment.seconds_spent += seconds
    enrollment.status = EnrollmentStatus.IN_PROGRESS
    enrollment.save(update_fields=["progress", "seconds_spent", "status"])
    recorder.store(
        [
            statements.progressed(
                enrollment, enrollment.item, enrollment.progress, actor=enrollment.employee
            )
        ]
    )
    events.record(
        "learning.progressed",
        actor=actor,
        target=enrollment,
        data={"progress": round(enrollment.progress, 4)},
    )
    if enrollment.progress >= 1.0:
        return _complete(enrollment, 0, actor)
    return enrollment


def _complete(enrollment: Enrollment, seconds: int, actor: User | None) -> Enrollment:
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.progress = 1.0
    enrollment.seconds_spent += max(seconds, 0)
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["status", "progress", "seconds_spent", "completed_at"])
    item = enrollment.item
    recorder.store(
        [
            statements.completed(
                enrollment,
                item,
                enrollment.seconds_spent,
                _skill_uris(item),
                actor=enrollment.employee,
            )
        ]
    )
    events.record(
        "learning.completed",
        actor=actor,
        target=enrollment,
        data={"item": item.pk, "seconds": enrollment.seconds_spent},
    )
    # Completed learning is (weaker) evidence in the skills profile.
    for row in item.skills.filter(confirmed=True).select_related("skill"):
        skill_actions.add_claim(
            enrollment.employee,
            row.skill,
            row.level,
            Source.LEARNING,
            actor=actor,
            actor_label="learning",
            evidence_ref=f"Completed: {item.title}"[:300],
            confidence=0.6,
        )
    issue_certificate(enrollment, actor=actor)
    if Path.objects.filter(employee=enrollment.employee).exists():
        planning.replan(enrollment.employee)
    return enrollment


@transaction.atomic
def complete(enrollment: Enrollment, *, actor: User | None, seconds: int = 0) -> Enrollment:
    lock(enrollment)
    if enrollment.is_completed:
        raise LearningError("the item is already completed")
    if seconds < 0:
        raise LearningError("seconds cannot be negative", "seconds")
    required = Quiz.objects.filter(item=enrollment.item_id)
    if (
        required.exists()
        and not Attempt.objects.filter(enrollment=enrollment, passed=True).exists()
    ):
        raise LearningError("pass the item's quiz to complete it", "quiz")
    return _complete(enrollment, seconds, actor)


@transaction.atomic
def issue_certificate(enrollment: Enrollment, *, actor: User | None) -> Certificate:
    if not enrollment.is_completed:
        raise LearningError("a certificate needs a completed item")
    certificate, created = Certificate.objects.get_or_create(enrollment=enrollment)
    if created:
        events.record("learning.certificate_issued", actor=actor, target=certificate)
    return certificate


@transaction.atomic
def rate(enrollment: Enrollment, stars: int, *, actor: User | None, comment: str = "") -> Rating:
    if not 1 <= stars <= 5:
        raise LearningError("stars must be between 1 and 5", "stars")
    comment = comment.strip()[:2000]
    rating, _ = Rating.objects.update_or_create(
        item=enrollment.item,
        employee=enrollment.employee,
        defaults={"stars": stars, "comment": comment, "created_at": timezone.now()},
    )
    recorder.store(
        [statements.rated(enrollment, enrollment.item, stars, comment, actor=enrollment.employee)]
    )
    events.record("learning.rated", actor=actor, target=enrollment.item, data={"stars": stars})
    return rating


# -- assessments ---------------------------------------------------------------------------


@transaction.atomic
def create_question(
    organization: Organization,
    *,
    skill: Skill,
    kind: str,
    text: str,
    answer: Any,
    actor: User | None,
    choices: Sequence[str] = (),
    level: int = 2,
    tolerance: float = 0.0,
    explanation: str = "",
) -> Question:
    if kind not in QuestionKind.values:
        raise LearningError(f"kind must be one of {', '.join(QuestionKind.values)}", "kind")
    if not text.strip():
        raise LearningError("text is required", "text")
    _check_level(level, organization)
    choices = [str(c).strip() for c in choices if str(c).strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2:
            raise LearningError("a choice question needs at least two choices", "choices")
        picks = answer if isinstance(answer, list) else [answer]
        if not picks or not all(isinstance(p, int) and 0 <= p < len(choices) for p in picks):
            raise LearningError(
                "answer must be the index (from 0) of the right choice(s)", "answer"
            )
        if kind == QuestionKind.SINGLE and len(picks) != 1:
            raise LearningError("a single-choice question has exactly one right choice", "answer")
        answer = sorted(set(picks))
    elif kind == QuestionKind.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise LearningError("answer must be true or false", "answer")
        choices = []
    else:
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            raise LearningError("answer must be a number", "answer")
        if tolerance < 0:
            raise LearningError("tolerance cannot be negative", "tolerance")
        choices = []
    question = Question.objects.create(
        organization=organization, skill=skill, level=level, kind=kind, text=text.strip(),
        choices=choices, answer=answer, tolerance=tolerance, explanation=explanation,
    )  # fmt: skip
    events.record("learning.question_created", actor=actor, target=question)
    return question


@transaction.atomic
def create_quiz(
    item: Item,
    title: str,
    questions: Sequence[Question],
    *,
    actor: User | None,
    pass_mark: float = 0.7,
    max_attempts: int | None = None,
) -> Quiz:
    if not 0 < pass_mark <= 1:
        raise LearningError("pass_mark must be above 0 and at most 1", "pass_mark")
    if not questions:
        raise LearningError("a quiz needs at least one question", "questions")
    if any(q.organization_id != item.organization_id for q in questions):
        raise LearningError("a question is not in this organization's bank", "questions")
    quiz = Quiz.objects.create(
        item=item, title=title.strip() or item.title, pass_mark=pass_mark, max_attempts=max_attempts
    )
    quiz.questions.set(questions)
    events.record("learning.quiz_created", actor=actor, target=quiz)
    return quiz


def grade(question: Question, response: Any) -> bool:
    """Whether ``response`` answers ``question``; a malformed response raises LearningError."""
    where = f"question {question.pk}"
    if question.kind == QuestionKind.TRUE_FALSE:
        if isinstance(response, str) and response.lower() in ("true", "false"):
            response = response.lower() == "true"
        if not isinstance(response, bool):
            raise LearningError(f"{where}: answer true or false", where)
        return response is question.answer
    if question.kind == QuestionKind.NUMERIC:
        try:
            value = float(str(response).strip().replace(",", "."))
        except ValueError:
            raise LearningError(f"{where}: answer with a number", where) from None
        if math.isnan(value):
            raise LearningError(f"{where}: answer with a number", where)
        return abs(value - float(question.answer)) <= question.tolerance + 1e-9
    picks = response if isinstance(response, list) else [response]
    try:
        chosen = sorted({int(p) for p in picks})
    except (TypeError, ValueError):
        raise LearningError(f"{where}: choose by index", where) from None
    if any(not 0 <= p < len(question.choices) for p in chosen):
        raise LearningError(f"{where}: no such choice", where)
    if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise LearningError(f"{where}: choose exactly one", where)
    return chosen == sorted(question.answer)


@transaction.atomic
def start_attempt(quiz: Quiz, employee: Employee, *, actor: User | None) -> Attempt:
    """Start an attempt; taking a quiz enrols the person in its item if needed."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(employee=employee, item=quiz.item).first()
    )
    if enrollment is None:
        enrollment = enrol(employee, quiz.item, actor=actor)  # returns the row locked
    done = Attempt.objects.filter(quiz=quiz, enrollment=enrollment, submitted_at__isnull=False)
    if quiz.max_attempts is not None and done.count() >= quiz.max_attempts:
        raise LearningError(f"no attempts left ({quiz.max_attempts} allowed)", "quiz")
    open_attempt = Attempt.objects.filter(
        quiz=quiz, enrollment=enrollment, submitted_at__isnull=True
    ).first()
    if open_attempt is not None:
        return open_attempt
    number = (done.aggregate(n=Max("number"))["n"] or 0) + 1
    attempt = Attempt.objects.create(quiz=quiz, enrollment=enrollment, number=number)
    events.record("learning.attempt_started", actor=actor, target=attempt)
    return attempt


@dataclass(frozen=True)
class MasteryChange:
    skill: Skill
    before: float | None
    after: float


@dataclass(frozen=True)
class Outcome:
    attempt: Attempt
    changes: list[MasteryChange]
    path_change: planning.Change | None


def _state(employee: Employee) -> tuple[KnowledgeState, LearnerState]:
    row, _ = KnowledgeState.objects.select_for_update().get_or_create(employee=employee)
    return row, (LearnerState.from_dict(row.state) if row.state else LearnerState())


def trace(
    employee: Employee, outcomes: Iterable[tuple[int, bool]]
) -> dict[int, tuple[float | None, float]]:
    """Feed answers (skill id, right) to the tracer; store the state and the new estimates.
    Returns skill -> (estimate before, after)."""
    tracer = tracing.tracer_for(employee.organization_id)
    row, state = _state(employee)
    existing = {
        m.skill_id: m for m in Mastery.objects.select_for_update().filter(employee=employee)
    }
    seen: dict[int, tuple[float | None, float]] = {}
    counts: dict[int, int] = {}
    for skill, right in outcomes:
        if skill not in seen:
            known = existing.get(skill)
            seen[skill] = (known.estimate if known else None, 0.0)
        tracer.update(state, skill, right)
        counts[skill] = counts.get(skill, 0) + 1
        row.answers += 1
    now = timezone.now()
    for skill in seen:
        after = tracer.predict(state, skill)
        seen[skill] = (seen[skill][0], after)
        known = existing.get(skill)
        if known is None:
            Mastery.objects.create(
                employee=employee, skill_id=skill, estimate=after, answers=counts[skill]
            )
        else:
            known.estimate, known.updated_at = after, now
            known.answers += counts[skill]
            known.save(update_fields=["estimate", "answers", "updated_at"])
    row.state, row.updated_at = state.to_dict(), now
    row.save(update_fields=["state", "answers", "updated_at"])
    return seen


@transaction.atomic
def submit_attempt(
    attempt: Attempt, responses: Mapping[int, Any], *, actor: User | None
) -> Outcome:
    """Grade every answer (all or nothing: a malformed answer changes nothing), record the
    ``answered`` statements and ``passed``/``failed``, update the knowledge-tracing mastery,
    add an assessment claim per skill to the profile and re-plan the person's path."""
    # Enrollment first (the order start_attempt and completion lock in), then the attempt
    # re-read: a concurrent submission of the same attempt waits here and is then refused.
    lock(attempt.enrollment)
    lock(attempt)
    if attempt.submitted_at is not None:
        raise LearningError("this attempt is already submitted")
    quiz, enrollment = attempt.quiz, attempt.enrollment
    employee = enrollment.employee
    questions = list(quiz.questions.select_related("skill").order_by("pk"))
    missing = [q.pk for q in questions if q.pk not in responses]
    if missing:
        raise LearningError(
            f"answer every question (missing: {missing[0]})", f"question {missing[0]}"
        )
    graded = [(q, responses[q.pk], grade(q, responses[q.pk])) for q in questions]
    changes = trace(employee, [(q.skill_id, right) for q, _, right in graded])
    score = sum(right for _, _, right in graded) / len(graded)
    passed = score + 1e-9 >= quiz.pass_mark
    now = timezone.now()
    Answer.objects.bulk_create(
        [
            Answer(
                attempt=attempt,
                question=q,
                response=r,
                correct=right,
                mastery_before=changes[q.skill_id][0],
                mastery_after=changes[q.skill_id][1],
            )
            for q, r, right in graded
        ]
    )
    attempt.submitted_at, attempt.score, attempt.passed = now, score, passed
    attempt.save(update_fields=["submitted_at", "score", "passed"])
    if enrollment.status == EnrollmentStatus.ENROLLED:
        enrollment.status = EnrollmentStatus.IN_PROGRESS
        enrollment.save(update_fields=["status"])
    recorder.store(
        [
            statements.answered(enrollment, quiz, q, r, right, actor=employee)
            for q, r, right in graded
        ]
        + [statements.assessed(enrollment, quiz, score, passed, actor=employee)]
    )
    events.record(
        "learning.quiz_passed" if passed else "learning.quiz_failed",
        actor=actor,
        target=attempt,
        data={"quiz": quiz.pk, "score": round(score, 4)},
    )
    _assessment_claims(employee, quiz, graded, actor)
    before = planning.path_for(employee).plan
    path = planning.replan(employee)
    skills = {q.skill_id: q.skill for q, _, _ in graded}
    return Outcome(
        attempt,
        [MasteryChange(skills[s], b, a) for s, (b, a) in changes.items()],
        planning.difference(before or {}, path.plan),
    )


def _assessment_claims(
    employee: Employee,
    quiz: Quiz,
    graded: list[tuple[Question, Any, bool]],
    actor: User | None,
) -> None:
    """Per skill: the level of the questions answered, held if the share right meets the
    quiz's pass mark, one below otherwise (nothing below level 1)."""
    by_skill: dict[int, list[tuple[Question, bool]]] = {}
    for question, _, right in graded:
        by_skill.setdefault(question.skill_id, []).append((question, right))
    for answers in by_skill.values():
        share = sum(right for _, right in answers) / len(answers)
        level = max(q.level for q, _ in answers)
        if share + 1e-9 < quiz.pass_mark:
            level -= 1
        if level < 1:
            continue
        skill_actions.add_claim(
            employee,
            answers[0][0].skill,
            level,
            Source.ASSESSMENT,
            actor=actor,
            actor_label="learning",
            evidence=f"{round(share * 100)}% right in {quiz.title}",
            evidence_ref=f"Quiz: {quiz.title}"[:300],
            confidence=max(0.5, share) if share > 0 else 0.5,
        )


# -- paths -----------------------------------------------------------------------------------


def _locked_path(employee: Employee) -> Path:
    """The person's path under a row lock: edits read-modify-write its lists, and two
    concurrent edits must not lose one another."""
    path, _ = Path.objects.select_for_update().get_or_create(employee=employee)
    return path


@transaction.atomic
def set_path(
    employee: Employee,
    *,
    actor: User | None,
    target_kind: str = TargetKind.CURRENT_ROLE,
    target_role: RoleProfile | None = None,
    target_skills: Sequence[tuple[Skill, int]] = (),
    formats: Sequence[str] = (),
    languages: Sequence[str] = (),
    weekly_hours: float = 3.0,
) -> Path:
    if target_kind not in TargetKind.values:
        raise LearningError(f"target must be one of {', '.join(TargetKind.values)}", "target_kind")
    if not 0.25 <= weekly_hours <= 60 or math.isnan(weekly_hours):
        raise LearningError("weekly_hours must be between 0.25 and 60", "weekly_hours")
    if any(f not in Format.values for f in formats):
        raise LearningError(f"formats must be among {', '.join(Format.values)}", "formats")
    if target_role is not None and target_role.organization_id != employee.organization_id:
        raise LearningError("no such role profile", "target_role")
    if target_kind == TargetKind.SKILLS and not target_skills:
        raise LearningError("choose at least one skill", "target_skills")
    for _, level in target_skills:
        _check_level(level, employee.organization, "target_skills")
    path = _locked_path(employee)
    path.target_kind = target_kind
    path.target_role = target_role if target_kind == TargetKind.NEXT_ROLE else None
    path.target_skills = [[s.pk, level] for s, level in target_skills]
    path.formats, path.languages = list(formats), [lang.lower() for lang in languages]
    path.weekly_hours = weekly_hours
    path.save()
    events.record("learning.path_set", actor=actor, target=path, data={"target_kind": target_kind})
    return planning.replan(employee)


@transaction.atomic
def edit_path(employee: Employee, item: Item, change: str, *, actor: User | None) -> Path:
    """The learner's edits: ``drop``, ``restore``, ``add`` (pin), ``up`` or ``down``."""
    if item.organization_id != employee.organization_id:
        raise LearningError("no such item", "item")
    path = _locked_path(employee)
    dropped = [i for i in path.dropped if i != item.pk]
    pinned = [i for i in path.pinned if i != item.pk]
    steps = [s["item"] for s in (path.plan or {}).get("steps", [])]
    if change == "drop":
        dropped.append(item.pk)
    elif change == "restore":
        pass
    elif change == "add":
        if not item.active:
            raise LearningError(f"{item.title!r} is retired from the catalog", "item")
        pinned.append(item.pk)
    elif change in ("up", "down"):
        if item.pk not in steps:
            raise LearningError("the item is not on your path", "item")
        at = steps.index(item.pk)
        to = at - 1 if change == "up" else at + 1
        if 0 <= to < len(steps):
            steps[at], steps[to] = steps[to], steps[at]
        path.order = steps
        pinned = list(path.pinned)
    else:
        raise LearningError("change must be drop, restore, add, up or down", "change")
    path.dropped, path.pinned = dropped, pinned
    path.save(update_fields=["dropped", "pinned", "order"])
    events.record(
        "learning.path_edited", actor=actor, target=path, data={"item": item.pk, "change": change}
    )
    return planning.replan(employee)


# -- curricula -------------------------------------------------------------------------------


@transaction.atomic
def create_curriculum(
    organization: Organization,
    title: str,
    items: Sequence[Item],
    *,
    actor: User | None,
    description: str = "",
) -> Curriculum:
    if not title.strip():
        raise LearningError("title is required", "title")
    if not items:
        raise LearningError("a curriculum needs at least one item", "items")
    if any(i.organization_id != organization.pk for i in items):
        raise LearningError("an item is not in the catalog", "items")
    curriculum = Curriculum.objects.create(
        organization=organization, title=title.strip()[:300], description=description
    )
    CurriculumItem.objects.bulk_create(
        [
            CurriculumItem(curriculum=curriculum, item=item, position=i)
            for i, item in enumerate(dict.fromkeys(items))
        ]
    )
    events.record("learning.curriculum_created", actor=actor, target=curriculum)
    return curriculum


@transaction.atomic
def assign_curriculum(
    curriculum: Curriculum,
    people: Sequence[Employee],
    *,
    actor: User | None,
    due_date: dt.date | None,
    mandatory: bool = False,
) -> int:
    """Assign every item of the curriculum to every person (all or nothing)."""
    _due(due_date)
    items = [entry.item for entry in curriculum.entries.select_related("item")]
    for item in items:
        assign_group(item, people, actor=actor, due_date=due_date, mandatory=mandatory)
    for person in people:
        CurriculumAssignment.objects.get_or_create(
            curriculum=curriculum,
            employee=person,
            defaults={"assigned_by": actor, "due_date": due_date},
        )
        # The authored order leads the person's path; their own edits still apply on top.
        path = _locked_path(person)
        path.pinned = list(dict.fromkeys([*path.pinned, *(i.pk for i in items)]))
        path.save(update_fields=["pinned"])
    events.record(
        "learning.curriculum_assigned",
        actor=actor,
        target=curriculum,
        data={"people": len(people)},
    )
    return len(people)


# -- reminders -------------------------------------------------------------------------------


@transaction.atomic
def send_reminders(today: dt.date | None = None) -> int:
    """E-mail each person their mandatory training due within a week or overdue (at most
    weekly); overdue training is copied to their manager. Returns the enrollments reminded."""
    from learnloop.learning import queries

    today = today or timezone.localdate()
    # Two runs at once (two workers) would both read the same due list: one runs at a time,
    # and the second then finds the reminders recorded.
    advisory_lock("learning.send_reminders")
    due = queries.due_for_reminder(today)
    if not due:
        return 0
    by_person: dict[int, list[Enrollment]] = {}
    for enrollment in due:
        by_person.setdefault(enrollment.employee_id, []).append(enrollment)
    mails: list[tuple[str, str, str]] = []
    link = f"{settings.BASE_URL}/learning/"
    for items in by_person.values():
        person = items[0].employee
        lines = [
            f"- {e.item.title}: due {e.due_date}" + (" (overdue)" if e.is_overdue(today) else "")
            for e in items
        ]
        body = "Mandatory training waiting for you:\n" + "\n".join(lines) + f"\n\n{link}\n"
        mails.append((person.user.email, "Mandatory training due", body))
        late = [line for e, line in zip(items, lines, strict=True) if e.is_overdue(today)]
        if late and person.manager is not None:
            mails.append(
                (
                    person.manager.user.email,
                    f"Overdue mandatory training: {person.name}",
                    f"{person.name} has overdue mandatory training:\n" + "\n".join(late) + "\n",
                )
            )
    mark_reminded(due, today)

    def send() -> None:
        # After commit: a mail server outage must not undo the record of the reminders.
        for address, subject, body in mails:
            try:
                send_mail(subject, body, None, [address])
            except Exception:
                logger.exception("could not e-mail a training reminder to %s", address)

    transaction.on_commit(send)
    return len(due)


@transaction.atomic
def mark_reminded(enrollments: Sequence[Enrollment], today: dt.date) -> None:
    Enrollment.objects.filter(pk__in=[e.pk for e in enrollments]).update(reminded_on=today)
    events.record_many(
        [
            events.Event(
                "learning.reminder_sent",
                target=e,
                data={"due_date": e.due_date.isoformat() if e.due_date else None},
            )
            for e in enrollments
        ],
        actor_label="worker",
    )
