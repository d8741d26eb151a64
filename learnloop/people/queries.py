"""Reads of people and organization data. Callers check permissions first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learnloop.people.models import Department, Employee, Organization, active_employees


def directory(
    organization: Organization, search: str = "", department: Department | None = None
) -> QuerySet[Employee]:
    people = (
        active_employees()
        .filter(organization=organization)
        .select_related("user", "job_role", "department", "location")
    )
    if search:
        people = people.filter(
            Q(user__full_name__icontains=search)
            | Q(job_role__title__icontains=search)
            | Q(user__email__icontains=search)
        )
    if department is not None:
        people = people.filter(department__path__startswith=department.path)
    return people.order_by("user__full_name")


def with_report_counts(people: QuerySet[Employee]) -> QuerySet[Employee]:
    today = timezone.localdate()
    return people.annotate(
        report_count=Count(
            "direct_reports",
            filter=Q(direct_reports__leave_date__isnull=True)
            | Q(direct_reports__leave_date__gt=today),
        )
    )


def org_chart_top(organization: Organization) -> QuerySet[Employee]:
    """The people at the top of the reporting lines (usually one: the chief executive)."""
    tops = active_employees().filter(organization=organization, manager__isnull=True)
    return with_report_counts(tops.select_related("user", "job_role", "department")).order_by(
        "user__full_name"
    )


def direct_reports(manager: Employee) -> QuerySet[Employee]:
    reports = (
        active_employees().filter(manager=manager).select_related("user", "job_role", "department")
    )
    return with_report_counts(reports).order_by("user__full_name")


def team(manager: Employee) -> QuerySet[Employee]:
    """Direct and indirect reports who have not left."""
    return (
        active_employees()
        .filter(manager_path__startswith=manager.chain_prefix)
        .select_related("user", "job_role", "department", "location", "manager__user")
        .order_by("manager_path", "user__full_name")
    )


def recent_joiners(organization: Organization, days: int = 90) -> QuerySet[Employee]:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return (
        active_employees()
        .filter(organization=organization, hire_date__gte=since)
        .select_related("user", "job_role", "department")
        .order_by("-hire_date", "user__full_name")
    )


@dataclass(frozen=True)
class Group:
    label: str
    count: int | None  # None when the group is smaller than the privacy minimum

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class OrgAggregates:
    headcount: int
    joiners_12m: int
    leavers_12m: int
    attrition_12m: float | None
    by_department: list[Group]
    by_location: list[Group]
    by_family: list[Group]
    min_group_size: int


def _groups(counts: dict[str, int], minimum: int) -> list[Group]:
    """Groups below the minimum are shown as suppressed. Their total is not disclosed either:
    a single suppressed group would otherwise be the headcount minus the visible ones, so
    when exactly one group is hidden the smallest visible one is hidden with it."""
    groups = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    hidden = {label for label, count in groups if count < minimum}
    if len(hidden) == 1 and len(groups) > 1:
        visible = [(label, count) for label, count in groups if label not in hidden]
        hidden.add(min(visible, key=lambda item: item[1])[0])
    return [Group(label, None if label in hidden else count) for label, count in groups]


def org_aggregates(organization: Organization) -> OrgAggregates:
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    active = active_employees().filter(organization=organization)
    everyone = Employee.objects.filter(organization=organization)
    headcount = active.count()
    joiners = everyone.filter(hire_date__gt=year_ago, hire_date__lte=today).count()
    leavers = everyone.filter(leave_date__gt=year_ago, leave_date__lte=today).count()
    start_headcount = (
        everyone.filter(Q(hire_date__isnull=True) | Q(hire_date__lte=year_ago))
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=year_ago))
        .count()
    )
    average = (start_headcount + headcount) / 2
    minimum = organization.min_group_size

    roots = {
        d.pk: d for d in Department.objects.filter(organization=organization, parent__isnull=True)
    }
    by_root: dict[str, int] = {}
    for path, count in active.values_list("department__path").annotate(n=Count("pk")):
        root_id = int(path.strip("/").split("/")[0]) if path else None
        label = roots[root_id].name if root_id in roots else "No department"
        by_root[label] = by_root.get(label, 0) + count
    by_location = {
        name or "No location": n
        for name, n in active.values_list("location__name").annotate(n=Count("pk"))
    }
    by_family = {
        name or "Unspecified": n
        for name, n in active.values_list("job_role__family").annotate(n=Count("pk"))
    }
    return OrgAggregates(
        headcount=headcount,
        joiners_12m=joiners,
        leavers_12m=leavers,
        attrition_12m=round(100 * leavers / average, 1) if average else None,
        by_department=_groups(by_root, minimum),
        by_location=_groups(by_location, minimum),
        by_family=_groups(by_family, minimum),
        min_group_size=minimum,
    )
