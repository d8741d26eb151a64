"""Reads of insights: filters, scopes and the cached dashboards (callers check permissions).

Dashboards are computed from the fact store (see ``refresh``) with DuckDB and cached per
(scope, filters) under the store's version, so a page view never scans the statements and a
repeated view does no query at all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from learnloop.insights import cache, refresh
from learnloop.insights.engine import kpis, privacy
from learnloop.people.models import Department, Employee, JobRole, Location, Organization

PERIODS = {
    "3m": ("Last 3 months", 91),
    "6m": ("Last 6 months", 182),
    "12m": ("Last 12 months", 365),
}
DEFAULT_PERIOD = "6m"
MAX_DAYS = 3 * 366
# Periods are checked against a sane range: the facts start well after this, and a date near
# the end of the calendar would overflow the day arithmetic of the queries.
EARLIEST = datetime.date(2000, 1, 1)
AHEAD_DAYS = 366  # how far past today a period may end (plans, due dates)


class FilterError(ValueError):
    """A bad filter: which field and why."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Filters:
    department: int | None = None
    job_role: int | None = None
    location: int | None = None
    period: str = DEFAULT_PERIOD
    start: datetime.date | None = None
    end: datetime.date | None = None
    by: str = "department"

    def window(self, today: datetime.date | None = None) -> kpis.Period:
        today = today or timezone.localdate()
        if self.period == "custom" and self.start and self.end:
            return kpis.Period(self.start, self.end)
        days = PERIODS.get(self.period, PERIODS[DEFAULT_PERIOD])[1]
        return kpis.Period(today - datetime.timedelta(days=days - 1), today)

    def as_query(self, **changes: Any) -> str:
        values = {
            "department": self.department,
            "role": self.job_role,
            "location": self.location,
            "period": self.period,
            "start": self.start.isoformat() if self.start and self.period == "custom" else None,
            "end": self.end.isoformat() if self.end and self.period == "custom" else None,
            "by": self.by if self.by != "department" else None,
        } | changes
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if value is not None and value != "":
                query[key] = str(value)
        return query.urlencode()


def _id(params: QueryDict, name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise FilterError(name, f"must be a whole number, got {raw!r}")
    return int(raw)


def _date(params: QueryDict, name: str) -> datetime.date:
    raw = (params.get(name) or "").strip()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise FilterError(name, f"must be a date as YYYY-MM-DD, got {raw!r}") from None


def _in_range(name: str, day: datetime.date, today: datetime.date) -> datetime.date:
    latest = today + datetime.timedelta(days=AHEAD_DAYS)
    if day < EARLIEST:
        raise FilterError(name, f"must be on or after {EARLIEST.isoformat()}")
    if day > latest:
        raise FilterError(name, f"must be on or before {latest.isoformat()}")
    return day


def month(raw: str, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a month given as YYYY-MM, within the sane range."""
    try:
        start = datetime.date.fromisoformat(f"{raw.strip()}-01")
    except ValueError:
        raise FilterError("month", f"must be a month as YYYY-MM, got {raw!r}") from None
    _in_range("month", start, today or timezone.localdate())
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, following - datetime.timedelta(days=1)


def parse_filters(organization: Organization, params: QueryDict) -> Filters:
    """The filters of a request, each checked against the organization."""
    department = _id(params, "department")
    if (
        department is not None
        and not Department.objects.filter(pk=department, organization=organization).exists()
    ):
        raise FilterError("department", "is not a department of this organization")
    job_role = _id(params, "role")
    if (
        job_role is not None
        and not JobRole.objects.filter(pk=job_role, organization=organization).exists()
    ):
        raise FilterError("role", "is not a job role of this organization")
    location = _id(params, "location")
    if (
        location is not None
        and not Location.objects.filter(pk=location, organization=organization).exists()
    ):
        raise FilterError("location", "is not a location of this organization")
    period = (params.get("period") or DEFAULT_PERIOD).strip()
    start = end = None
    if period == "custom":
        today = timezone.localdate()
        start = _in_range("start", _date(params, "start"), today)
        end = _in_range("end", _date(params, "end"), today)
        if end < start:
            raise FilterError("end", "must not be before start")
        if (end - start).days > MAX_DAYS:
            raise FilterError("end", f"the period may span at most {MAX_DAYS} days")
    elif period not in PERIODS:
        raise FilterError("period", f"must be one of {', '.join([*PERIODS, 'custom'])}")
    by = (params.get("by") or "department").strip()
    if by not in kpis.BREAKDOWNS:
        raise FilterError("by", f"must be one of {', '.join(sorted(kpis.BREAKDOWNS))}")
    return Filters(department, job_role, location, period, start, end, by)


def cohort(
    organization: Organization, filters: Filters, manager: Employee | None = None
) -> kpis.Cohort:
    path = None
    if filters.department is not None:
        path = Department.objects.values_list("path", flat=True).get(pk=filters.department)
    return kpis.Cohort(
        organization_id=organization.pk,
        department_path=path,
        job_role_id=filters.job_role,
        location_id=filters.location,
        manager_prefix=manager.chain_prefix if manager is not None else None,
    )


def _compute(work: Any) -> Any:
    con = refresh.store().connect()
    try:
        return work(con)
    finally:
        con.close()


def scopes(manager: Employee | None, *, with_organization: bool = False) -> tuple[str | None, ...]:
    """Every scope whose selections the viewer can request, organization first (None), so
    the organization's decisions are the same for all its viewers."""
    if manager is None:
        return (None,)
    return ((None,) if with_organization else ()) + (manager.chain_prefix,)


def released(
    con: Any,
    organization: Organization,
    period: kpis.Period,
    k: int,
    family: tuple[str | None, ...],
) -> frozenset[privacy.Selection]:
    """The selections shown for the period, decided over the viewer's whole family at once
    and cached with the facts (a refresh, so a change of the directory, decides anew)."""
    return cache.cached(
        ("released", organization.pk, period, k, family),
        lambda: privacy.release(kpis.people(con, organization.pk, period), k, family),
    )


def dashboard(
    organization: Organization,
    filters: Filters,
    *,
    manager: Employee | None = None,
    with_organization: bool = False,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Every KPI for the organization (or a manager's team) under the filters;
    ``with_organization``: the manager may also request organization selections."""
    group = cohort(organization, filters, manager)
    period = filters.window(today)
    k = organization.min_group_size
    family = scopes(manager, with_organization=with_organization)

    def work(con: Any) -> dict[str, Any]:
        shown = released(con, organization, period, k, family)
        data = kpis.dashboard(con, group, period, k, shown)
        data["period"] = {"start": period.start, "end": period.end}
        data["k"] = k
        if data["allowed"]:
            # The page shows the drill-down too: compute it now, on the cohort tables this
            # connection already holds, and cache it for the drilldown() call that follows.
            groups = breakdown_groups(organization, filters, manager)
            cache.put(
                _drill_key(group, period, k, filters.by, groups, family),
                _drill(con, group, period, k, filters.by, groups, shown, prepared=True),
            )
        return data

    return cache.cached(("dashboard", group, period, k, filters.by, family), lambda: _compute(work))


def _drill_key(
    group: kpis.Cohort,
    period: kpis.Period,
    k: int,
    by: str,
    groups: list[tuple[str, str, Any]],
    family: tuple[str | None, ...],
) -> tuple[object, ...]:
    return ("drilldown", group, period, k, by, tuple(groups), family)


def _drill(
    con: Any,
    group: kpis.Cohort,
    period: kpis.Period,
    k: int,
    by: str,
    groups: list[tuple[str, str, Any]],
    shown: frozenset[privacy.Selection],
    *,
    prepared: bool,
) -> dict[str, Any]:
    rows = kpis.breakdown(con, group, period, k, by, groups, shown, prepared=prepared)
    # The heatmap reads the rows by their group's position: give it every row.
    heatmap = kpis.heatmap(con, rows, period)
    rows = [r for r in rows if r["suppressed"] or (r["headcount"] or 0) > 0]
    return {"allowed": True, "rows": rows, "heatmap": heatmap}


def breakdown_groups(
    organization: Organization, filters: Filters, manager: Employee | None = None
) -> list[tuple[str, str, Any]]:
    """The groups the drill-down splits the cohort into; together they cover everyone."""
    if filters.by == "location":
        groups: list[tuple[str, str, Any]] = [
            (loc.name, "location", loc.pk)
            for loc in Location.objects.filter(organization=organization)
        ]
        return [*groups, ("No location", "no_location", None)]
    if filters.by == "job_role":
        groups = [
            (role.title, "job_role", role.pk)
            for role in JobRole.objects.filter(organization=organization)
        ]
        return [*groups, ("No job role", "no_job_role", None)]
    if filters.department is None:
        roots = Department.objects.filter(organization=organization, parent__isnull=True)
        groups = [(d.name, "path", d.path) for d in roots.order_by("name")]
        return [*groups, ("No department", "no_department", None)]
    parent = Department.objects.get(pk=filters.department)
    groups = [(d.name, "path", d.path) for d in parent.children.order_by("name")]
    return [*groups, (f"Directly in {parent.name}", "exact_department", parent.pk)]


def drilldown(
    organization: Organization,
    filters: Filters,
    *,
    manager: Employee | None = None,
    with_organization: bool = False,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The cohort split by department (one level down), location or job role; a row is shown
    only if its selection is released (see ``privacy``), plus the active-learner heatmap of
    the rows that are shown."""
    group = cohort(organization, filters, manager)
    period = filters.window(today)
    k = organization.min_group_size
    groups = breakdown_groups(organization, filters, manager)
    family = scopes(manager, with_organization=with_organization)

    def work(con: Any) -> dict[str, Any]:
        shown = released(con, organization, period, k, family)
        if group.selection() not in shown:
            return {"allowed": False, "rows": [], "heatmap": []}
        return _drill(con, group, period, k, filters.by, groups, shown, prepared=False)

    return cache.cached(
        _drill_key(group, period, k, filters.by, groups, family), lambda: _compute(work)
    )


def content(
    organization: Organization, filters: Filters, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    group = cohort(organization, filters)
    period = filters.window(today)
    k = organization.min_group_size

    def work(con: Any) -> list[dict[str, Any]]:
        if group.selection() not in released(con, organization, period, k, scopes(None)):
            return []
        return kpis.content(con, group, period, k)

    return cache.cached(("content", group, period, k), lambda: _compute(work))


def personal(employee: Employee, today: datetime.date | None = None) -> dict[str, Any]:
    """One person's own progress (no suppression: it is their own data)."""
    today = today or timezone.localdate()
    period = kpis.Period(today - datetime.timedelta(days=181), today)

    def work(con: Any) -> dict[str, Any]:
        data = kpis.personal(con, employee.pk, today)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE c AS SELECT * FROM employees WHERE id = ?", [employee.pk]
        )
        data["weekly"] = kpis.weekly(con, period, 1)
        data["readiness"] = kpis.readiness(con, period, 1)
        data["period"] = {"start": period.start, "end": period.end}
        return data

    return cache.cached(("personal", employee.pk, today), lambda: _compute(work))


def team_assigned(manager: Employee, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Assigned learning of each report below the manager (open, overdue, completed): the
    part of learning a manager is responsible for; voluntary learning stays aggregate."""
    today = today or timezone.localdate()
    reports = {
        e.pk: e.name
        for e in Employee.objects.filter(manager_path__startswith=manager.chain_prefix)
        .filter(models_active())
        .select_related("user")
    }

    def work(con: Any) -> list[dict[str, Any]]:
        if not reports:
            return []
        ids = ", ".join(str(i) for i in reports)
        rows = con.execute(
            f"""SELECT employee_id, count(*) FILTER (WHERE completed_at IS NULL) AS open,
                       count(*) FILTER (WHERE completed_at IS NULL AND due_date < ?) AS overdue,
                       count(completed_at) AS completed
                FROM enrollments WHERE employee_id IN ({ids}) AND source IN ('manager', 'learning-team')
                GROUP BY employee_id""",
            [today],
        ).fetchall()
        found = {r[0]: r for r in rows}
        return [
            {
                "name": name,
                "open": found.get(pk, (0, 0, 0, 0))[1],
                "overdue": found.get(pk, (0, 0, 0, 0))[2],
                "completed": found.get(pk, (0, 0, 0, 0))[3],
            }
            for pk, name in sorted(reports.items(), key=lambda item: item[1])
        ]

    return cache.cached(("team_assigned", manager.pk, today), lambda: _compute(work))


def models_active() -> Any:
    from django.db.models import Q

    today = timezone.localdate()
    return Q(leave_date__isnull=True) | Q(leave_date__gt=today)


# -- survey climate ------------------------------------------------------------------------

CLIMATE_INSTRUMENTS = (
    ("psychological-safety", "Psychological safety"),
    ("learning-climate", "Learning climate"),
)


def climate(
    principal: Any, organization: Organization, filters: Filters, *, team: Employee | None = None
) -> dict[str, Any]:
    """Psychological-safety and learning-climate trends through the surveys app's own released
    results: each point is a closed pulse's group result as the surveys app would show it to
    this viewer (its scope, its minimum group, its differencing ledger)."""
    from learnloop.surveys import results as survey_results
    from learnloop.surveys.models import Pulse
    from learnloop.surveys.queries import GroupFilter

    if filters.job_role is not None:
        return {"note": "Survey results are not broken down by job role.", "series": []}
    period = filters.window()
    requested = GroupFilter(
        department=filters.department, location=filters.location, team=team.pk if team else None
    )
    series: list[dict[str, Any]] = []
    pulses = (
        Pulse.objects.filter(
            organization=organization,
            status=Pulse.Status.CLOSED,
            instrument__key__in=[k for k, _ in CLIMATE_INSTRUMENTS],
            closes_on__gte=period.start - datetime.timedelta(days=365),
            closes_on__lte=period.end,
        )
        .select_related("instrument")
        .order_by("closes_on", "pk")
    )
    labels = dict(CLIMATE_INSTRUMENTS)
    for pulse in pulses:
        scope = survey_results.scope_for(principal, pulse)
        try:
            group = survey_results.resolve(scope, pulse, requested)
        except survey_results.ScopeError:
            continue
        with transaction.atomic():
            shown = survey_results.group_results(pulse, group, principal.user, detailed=False)
        means = [d.mean for d in shown.dimensions if d.mean is not None] if shown.released else []
        favourable = (
            [d.favourable for d in shown.dimensions if d.favourable is not None]
            if shown.released
            else []
        )
        series.append(
            {
                "instrument": labels[pulse.instrument.key],
                "pulse": pulse.title,
                "closed": pulse.closes_on,
                "mean": round(sum(means) / len(means), 2) if means else None,
                "favourable": round(sum(favourable) / len(favourable), 1) if favourable else None,
                "respondents": shown.respondents if shown.released else None,
                "suppressed": not shown.released,
                "reason": shown.reason,
            }
        )
    return {"note": "", "series": series}


def refreshed_at() -> str | None:
    value = refresh.store().manifest().get("refreshed_at")
    return str(value) if value else None
