"""Results as a viewer may see them: their scope, the group they ask for, and only what the
disclosure ledger releases. Shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, replace

from learnloop.accounts.models import User
from learnloop.people.models import Department, Employee
from learnloop.permissions import Principal, can
from learnloop.surveys import actions, queries
from learnloop.surveys.models import Pulse, ReleasedGroup, TenureBand
from learnloop.surveys.queries import GroupFilter, GroupResults


class ScopeError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Scope:
    base: GroupFilter
    label: str
    can_filter: bool
    manager: Employee | None = None  # set when the viewer sees their own team only


def scope_for(principal: Principal, pulse: Pulse) -> Scope:
    if can(principal, "surveys.view_org_results", pulse):
        return Scope(GroupFilter(), "Everyone", can_filter=True)
    if can(principal, "surveys.view_team_results", pulse):
        assert principal.employee is not None
        return Scope(
            GroupFilter(team=principal.employee.pk),
            "Your team",
            can_filter=True,
            manager=principal.employee,
        )
    return Scope(GroupFilter(), "Everyone", can_filter=False)


def resolve(scope: Scope, pulse: Pulse, requested: GroupFilter) -> GroupFilter:
    """The group to show: the request narrowed to the viewer's scope, or a ScopeError."""
    if requested.is_everyone:
        return scope.base
    if not scope.can_filter:
        raise ScopeError("filter", "company-wide results cannot be broken down from your role")
    organization = pulse.organization
    if (
        requested.department is not None
        and not Department.objects.filter(
            pk=requested.department, organization=organization
        ).exists()
    ):
        raise ScopeError("department", "is not a department of this organization")
    if (
        requested.location is not None
        and not organization.locations.filter(pk=requested.location).exists()
    ):
        raise ScopeError("location", "is not a location of this organization")
    if requested.tenure is not None and requested.tenure not in TenureBand.values:
        raise ScopeError("tenure", f"must be one of {', '.join(TenureBand.values)}")
    team = requested.team
    if team is not None:
        manager = Employee.objects.filter(pk=team, organization=organization).first()
        if manager is None:
            raise ScopeError("team", "is not a manager of this organization")
        if scope.manager is not None and not (
            manager.pk == scope.manager.pk or manager.is_in_chain_below(scope.manager)
        ):
            raise ScopeError("team", "is not within your team")
    elif scope.manager is not None:
        team = scope.manager.pk
    return replace(requested, team=team)


def group_results(
    pulse: Pulse, group: GroupFilter, viewer: User | None, *, detailed: bool = True
) -> GroupResults:
    label = queries.group_label(pulse.organization, group)
    decision = actions.release(pulse, group, ReleasedGroup.Channel.SCORES, viewer=viewer)
    if not decision.released:
        return GroupResults(group, label, False, decision.reason)
    table = queries.response_table(pulse)
    answers = table.subset(table.mask(group))
    definition = pulse.parsed()
    stats = queries.compute(definition, answers, detailed=detailed)
    comments = None
    comments_reason = ""
    if detailed and any(q.kind == "text" for q in definition.questions):
        said = actions.release(pulse, group, ReleasedGroup.Channel.COMMENTS, viewer=viewer)
        if said.released:
            comments = queries.comments_of(definition, answers)
        else:
            comments_reason = said.reason
    return GroupResults(
        group,
        label,
        True,
        respondents=stats["respondents"],
        dimensions=stats["dimensions"],
        items=stats["items"],
        enps=stats["enps"],
        drivers=stats["drivers"],
        comments=comments,
        comments_reason=comments_reason,
    )


@dataclass(frozen=True)
class HeatmapRow:
    label: str
    group: GroupFilter
    results: GroupResults


def heatmap(
    pulse: Pulse, scope: Scope, group: GroupFilter, viewer: User | None
) -> list[HeatmapRow]:
    """Rows by department (HR, executives) or by sub-team (managers), within ``group``."""
    if not scope.can_filter:
        return []
    rows: list[tuple[str, GroupFilter]] = []
    if scope.manager is None:
        parent = (
            Department.objects.filter(pk=group.department).first() if group.department else None
        )
        departments = (
            Department.objects.filter(parent=parent)
            if parent
            else Department.objects.filter(organization=pulse.organization, parent__isnull=True)
        )
        rows = [(d.name, replace(group, department=d.pk)) for d in departments.order_by("name")]
    else:
        leader = Employee.objects.get(pk=group.team) if group.team else scope.manager
        leads = Employee.objects.filter(manager=leader, direct_reports__isnull=False).distinct()
        rows = [
            (f"Team of {e.name}", replace(group, team=e.pk)) for e in leads.select_related("user")
        ]
    return [
        HeatmapRow(label, g, group_results(pulse, g, viewer, detailed=False)) for label, g in rows
    ]


@dataclass(frozen=True)
class TrendPoint:
    pulse: Pulse
    results: GroupResults


def trend(pulse: Pulse, group: GroupFilter, viewer: User | None) -> list[TrendPoint]:
    return [
        TrendPoint(p, group_results(p, group, viewer, detailed=False))
        for p in queries.series(pulse)
        if p.opens_on <= pulse.opens_on
    ]
