"""Reads for the learning pages and API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from learnloop.learning.models import (
    Attempt,
    Enrollment,
    EnrollmentStatus,
    Item,
    Mastery,
    Path,
    Quiz,
    Rating,
)
from learnloop.people.models import Employee, Organization, active_employees

PAGE = 50


@dataclass
class CatalogFilter:
    q: str = ""
    kind: str = ""
    format: str = ""
    language: str = ""
    skill: int | None = None
    max_minutes: int | None = None
    free: bool = False
    include_retired: bool = False


def search(organization: Organization, f: CatalogFilter, limit: int = PAGE) -> list[Item]:
    items: QuerySet[Item] = Item.objects.filter(organization=organization)
    if not f.include_retired:
        items = items.filter(active=True)
    if f.q:
        items = items.filter(
            Q(title__icontains=f.q)
            | Q(description__icontains=f.q)
            | Q(provider__icontains=f.q)
            | Q(skills__skill__label__icontains=f.q, skills__confirmed=True)
        )
    if f.kind:
        items = items.filter(kind=f.kind)
    if f.format:
        items = items.filter(format=f.format)
    if f.language:
        items = items.filter(language=f.language)
    if f.skill is not None:
        items = items.filter(skills__skill_id=f.skill, skills__confirmed=True)
    if f.max_minutes is not None:
        items = items.filter(duration_minutes__lte=f.max_minutes)
    if f.free:
        items = items.filter(cost=0)
    return list(
        items.distinct()
        .annotate(rating=Avg("ratings__stars"))
        .prefetch_related("skills__skill")
        .order_by("title")[:limit]
    )


@dataclass
class MyLearning:
    employee: Employee
    path: Path | None
    steps: list[dict[str, Any]]
    next_step: dict[str, Any] | None
    current: list[Enrollment]
    assigned: list[Enrollment]
    completed: list[Enrollment]
    mastery: list[Mastery]
    done_share: float
    enrolled_items: set[int] = field(default_factory=set)


def my_learning(employee: Employee) -> MyLearning:
    enrollments = list(
        Enrollment.objects.filter(employee=employee).select_related("item", "certificate")
    )
    path = Path.objects.filter(employee=employee).first()
    steps = list((path.plan or {}).get("steps", [])) if path else []
    by_item = {e.item_id: e for e in enrollments}
    for step in steps:
        enrollment = by_item.get(step["item"])
        step["enrollment"] = enrollment
        step["progress"] = round(100 * enrollment.progress) if enrollment else 0
    completed = [e for e in enrollments if e.is_completed]
    on_path_done = sum(1 for e in completed if path and e.item_id in _path_items(path))
    total = len(steps) + on_path_done
    return MyLearning(
        employee=employee,
        path=path,
        steps=steps,
        next_step=steps[0] if steps else None,
        current=[e for e in enrollments if not e.is_completed and not e.due_date],
        assigned=sorted(
            (e for e in enrollments if not e.is_completed and e.due_date),
            key=lambda e: e.due_date or dt.date.max,
        ),
        completed=sorted(completed, key=lambda e: e.completed_at or timezone.now(), reverse=True),
        mastery=list(
            Mastery.objects.filter(employee=employee).select_related("skill").order_by("-estimate")
        ),
        done_share=on_path_done / total if total else 0.0,
        enrolled_items=set(by_item),
    )


def _path_items(path: Path) -> set[int]:
    """Items the person completed that served the path's target (were ever on it)."""
    from learnloop.learning.models import ItemSkill

    skills = {g[0] for g in (path.plan or {}).get("gaps", [])}
    return set(
        ItemSkill.objects.filter(skill_id__in=skills, confirmed=True).values_list(
            "item_id", flat=True
        )
    )


@dataclass(frozen=True)
class TeamRow:
    employee: Employee
    enrolled: int
    completed: int
    overdue: int
    next_due: dt.date | None
    path_steps: int
    closes_on: dt.date | None


def team(manager: Employee) -> list[TeamRow]:
    people = list(
        active_employees()
        .filter(manager_path__startswith=manager.chain_prefix)
        .select_related("user", "job_role")
        .order_by("user__full_name")
    )
    return rows_for(people)


def rows_for(people: list[Employee]) -> list[TeamRow]:
    today = timezone.localdate()
    stats = {
        row["employee_id"]: row
        for row in Enrollment.objects.filter(employee__in=people)
        .values("employee_id")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
            overdue=Count(
                "pk", filter=Q(due_date__lt=today) & ~Q(status=EnrollmentStatus.COMPLETED)
            ),
        )
    }
    due: dict[int, dt.date] = {}
    for employee_id, date in (
        Enrollment.objects.filter(employee__in=people, due_date__gte=today)
        .exclude(status=EnrollmentStatus.COMPLETED)
        .order_by("due_date")
        .values_list("employee_id", "due_date")
    ):
        if date is not None:
            due.setdefault(employee_id, date)
    paths = {p.employee_id: p for p in Path.objects.filter(employee__in=people)}
    rows = []
    for person in people:
        s: Any = stats.get(person.pk, {})
        path = paths.get(person.pk)
        rows.append(
            TeamRow(
                person,
                s.get("enrolled", 0),
                s.get("completed", 0),
                s.get("overdue", 0),
                due.get(person.pk),
                len((path.plan or {}).get("steps", [])) if path else 0,
                path.closes_on if path else None,
            )
        )
    return rows


def assignments(organization: Organization, limit: int = 200) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(item__organization=organization, due_date__isnull=False)
        .exclude(status=EnrollmentStatus.COMPLETED)
        .select_related("item", "employee__user")
        .order_by("due_date")[:limit]
    )


@dataclass(frozen=True)
class ItemStats:
    item: Item
    enrollments: int
    completed: int
    completion_rate: float | None
    rating: float | None
    ratings: int
    mandatory: int
    overdue: int


def analytics(organization: Organization, limit: int = 500) -> list[ItemStats]:
    today = timezone.localdate()
    annotated = (
        Item.objects.filter(organization=organization)
        .annotate(
            n_enrolled=Count("enrollments", distinct=True),
            n_completed=Count(
                "enrollments",
                filter=Q(enrollments__status=EnrollmentStatus.COMPLETED),
                distinct=True,
            ),
            n_mandatory=Count("enrollments", filter=Q(enrollments__mandatory=True), distinct=True),
            n_overdue=Count(
                "enrollments",
                filter=Q(enrollments__due_date__lt=today)
                & ~Q(enrollments__status=EnrollmentStatus.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("-n_enrolled", "title")[:limit]
    )
    items = list(annotated)
    ratings = {
        row["item_id"]: row
        for row in Rating.objects.filter(item__in=items)
        .values("item_id")
        .annotate(avg=Avg("stars"), n=Count("pk"))
    }
    out = []
    for item in items:
        r: Any = ratings.get(item.pk, {})
        n, done = item.n_enrolled, item.n_completed
        out.append(
            ItemStats(
                item, n, done, done / n if n else None, r.get("avg"), r.get("n", 0),
                item.n_mandatory, item.n_overdue,
            )
        )  # fmt: skip
    return out


def quizzes_of(item: Item) -> list[Quiz]:
    return list(item.quizzes.annotate(n=Count("questions")))


def attempts_of(enrollment: Enrollment) -> list[Attempt]:
    return list(
        Attempt.objects.filter(enrollment=enrollment, submitted_at__isnull=False).select_related(
            "quiz"
        )
    )


def due_for_reminder(today: dt.date, within_days: int = 7, every_days: int = 7) -> list[Enrollment]:
    """Mandatory, unfinished enrollments due within a week or overdue, of people still
    employed, not reminded in the last ``every_days`` days."""
    return list(
        Enrollment.objects.filter(
            mandatory=True, due_date__lte=today + dt.timedelta(days=within_days)
        )
        .filter(Q(employee__leave_date__isnull=True) | Q(employee__leave_date__gt=today))
        .filter(
            Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - dt.timedelta(days=every_days))
        )
        .exclude(status=EnrollmentStatus.COMPLETED)
        .select_related("item", "employee__user", "employee__manager__user")
        .order_by("employee_id", "due_date")
    )
