"""Personalized paths: reads what the pure planner (``engine/paths.py``) needs from the database,
plans, and stores the plan on the person's :class:`Path`.

- Target: the current role's profile, a chosen next role (the path's, else the career goal,
  else the first career path up from the current role) or chosen skills.
- Learner: profile levels (skills app), knowledge-tracing mastery, completed and in-progress
  items, preferences and the person's edits.
- Collaborative signal: colleagues in the same job role who hold a required level and
  completed items teaching that skill count as "closers" helped by those items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from learnloop.learning.engine import paths as engine
from learnloop.learning.models import (
    Enrollment,
    EnrollmentStatus,
    Item,
    ItemSkill,
    Mastery,
    Path,
    SkillPrerequisite,
    TargetKind,
)
from learnloop.people.models import Employee, Organization
from learnloop.skills import queries as skill_queries
from learnloop.skills.models import CareerPath, EmployeeSkill, RoleProfile, Skill

PEERS_LIMIT = 400


def catalog(organization: Organization) -> engine.Catalog:
    items = list(
        Item.objects.filter(organization=organization, active=True).prefetch_related(
            "prerequisite_items"
        )
    )
    teaches: dict[int, list[engine.SkillLevel]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in ItemSkill.objects.filter(item__in=items, confirmed=True).select_related("skill"):
        teaches[row.item_id].append(engine.SkillLevel(row.skill_id, row.level))
        names[row.skill_id] = row.skill.label
    needs: dict[int, list[engine.SkillLevel]] = defaultdict(list)
    for pre in SkillPrerequisite.objects.filter(item__in=items).select_related("skill"):
        needs[pre.item_id].append(engine.SkillLevel(pre.skill_id, pre.level))
        names[pre.skill_id] = pre.skill.label
    active = {i.pk for i in items}
    return engine.Catalog(
        (
            engine.Item(
                id=i.pk,
                title=i.title,
                teaches=tuple(teaches[i.pk]),
                hours=max(i.hours, 0.1),
                format=i.format,
                language=i.language,
                cost=float(i.cost),
                prerequisite_skills=tuple(needs[i.pk]),
                prerequisite_items=tuple(
                    p.pk for p in i.prerequisite_items.all() if p.pk in active
                ),
            )
            for i in items
        ),
        names,
    )


def next_role(employee: Employee, path: Path | None) -> RoleProfile | None:
    if path is not None and path.target_role_id is not None:
        return path.target_role
    goal = skill_queries.goal_of(employee)
    if goal is not None:
        return goal
    current = skill_queries.role_of(employee)
    if current is None:
        return None
    step = CareerPath.objects.filter(source=current).select_related("target").first()
    return step.target if step else None


def target_of(employee: Employee, path: Path) -> tuple[engine.Target, RoleProfile | None]:
    kind = TargetKind(path.target_kind)
    if kind is TargetKind.SKILLS:
        ids = [int(s) for s, _ in path.target_skills]
        labels = dict(Skill.objects.filter(pk__in=ids).values_list("pk", "label"))
        requirements = tuple(
            engine.Requirement(int(s), int(level)) for s, level in path.target_skills
        )
        label = "your chosen skills" if len(labels) != 1 else next(iter(labels.values()))
        return engine.Target(engine.TargetKind.SKILLS, label, requirements), None
    role = (
        skill_queries.role_of(employee)
        if kind is TargetKind.CURRENT_ROLE
        else next_role(employee, path)
    )
    if role is None:
        return engine.Target(engine.TargetKind(kind.value), "no role profile", ()), None
    requirements = tuple(
        engine.Requirement(r.skill_id, r.target_level, r.weight) for r in role.requirements.all()
    )
    return engine.Target(engine.TargetKind(kind.value), role.name, requirements), role


def learner_of(employee: Employee, path: Path) -> engine.Learner:
    levels = dict(EmployeeSkill.objects.filter(employee=employee).values_list("skill_id", "level"))
    mastery = dict(Mastery.objects.filter(employee=employee).values_list("skill_id", "estimate"))
    skills = {
        s: engine.LearnerSkill(round(levels.get(s, 0.0)), mastery.get(s))
        for s in set(levels) | set(mastery)
    }
    completed: set[int] = set()
    progress: dict[int, float] = {}
    for item_id, status, done in Enrollment.objects.filter(employee=employee).values_list(
        "item_id", "status", "progress"
    ):
        if status == EnrollmentStatus.COMPLETED:
            completed.add(item_id)
        else:
            progress[item_id] = done
    return engine.Learner(
        skills=skills,
        completed=frozenset(completed),
        progress=progress,
        preferences=engine.Preferences(
            formats=frozenset(path.formats),
            languages=frozenset(path.languages),
            weekly_hours=max(path.weekly_hours, 0.25),
        ),
        edits=engine.Edits(
            dropped=frozenset(int(i) for i in path.dropped),
            pinned=tuple(int(i) for i in path.pinned),
            order=tuple(int(i) for i in path.order),
        ),
    )


def peers_of(employee: Employee, target: engine.Target) -> dict[tuple[int, int], engine.PeerSignal]:
    """What helped colleagues in the same job role reach the target's levels."""
    if employee.job_role_id is None or not target.requirements:
        return {}
    required = {r.skill: r.level for r in target.requirements}
    colleagues = list(
        Employee.objects.filter(job_role_id=employee.job_role_id)
        .exclude(pk=employee.pk)
        .values_list("pk", flat=True)[:PEERS_LIMIT]
    )
    if not colleagues:
        return {}
    reached = {
        (e, s)
        for e, s, level in EmployeeSkill.objects.filter(
            employee_id__in=colleagues, skill_id__in=list(required)
        ).values_list("employee_id", "skill_id", "level")
        if level >= required[s]
    }
    if not reached:
        return {}
    taught: dict[int, set[int]] = defaultdict(set)
    for item_id, skill_id in ItemSkill.objects.filter(
        skill_id__in=list(required), confirmed=True
    ).values_list("item_id", "skill_id"):
        taught[item_id].add(skill_id)
    done: dict[tuple[int, int], list[int]] = defaultdict(list)
    for e, item_id in Enrollment.objects.filter(
        employee_id__in=colleagues, status=EnrollmentStatus.COMPLETED, item_id__in=list(taught)
    ).values_list("employee_id", "item_id"):
        for skill in taught[item_id]:
            done[(e, skill)].append(item_id)
    closures = [
        engine.Closure(e, target.label, s, required[s], tuple(done.get((e, s), ())))
        for e, s in reached
        if done.get((e, s))
    ]
    return engine.peer_signals(closures).get(target.label, {})


def _previous(path: Path) -> engine.LearningPath | None:
    steps = path.plan.get("steps") if path.plan else None
    if not steps:
        return None
    day = dt.date.min
    return engine.LearningPath(
        steps=tuple(
            engine.Step(s["item"], s["title"], engine.StepKind(s["kind"]), (), (), 0.0, day, day)
            for s in steps
        ),
        gaps=(),
        unmet=(),
        skipped=(),
        closes_on=None,
        hours=0.0,
    )


def as_json(
    result: engine.LearningPath, target: engine.Target, catalog_: engine.Catalog
) -> dict[str, Any]:
    return {
        "target": target.label,
        "target_kind": target.kind.value,
        "steps": [
            {
                "item": s.item,
                "title": s.title,
                "kind": s.kind.value,
                "reasons": list(s.reasons),
                "raises": [
                    [c.skill, catalog_.skill_name(c.skill), c.before, c.after] for c in s.raises
                ],
                "hours": round(s.hours, 2),
                "starts": s.starts.isoformat(),
                "ends": s.ends.isoformat(),
            }
            for s in result.steps
        ],
        "gaps": [
            [g.skill, catalog_.skill_name(g.skill), g.current, g.required, g.remediation]
            for g in result.gaps
        ],
        "unmet": [[g.skill, catalog_.skill_name(g.skill), why] for g, why in result.unmet],
        "skipped": [
            [item, catalog_.items[item].title if item in catalog_.items else f"item {item}", why]
            for item, why in result.skipped
        ],
        "closes_on": result.closes_on.isoformat() if result.closes_on else None,
        "hours": round(result.hours, 2),
    }


def path_for(employee: Employee) -> Path:
    path, _ = Path.objects.get_or_create(employee=employee)
    return path


def replan(employee: Employee, *, today: dt.date | None = None) -> Path:
    """Plan (or re-plan from the stored plan) and save. Not an audited action by itself: the
    callers (path settings, edits, quiz submissions) record what caused it."""
    path = path_for(employee)
    today = today or timezone.localdate()
    target, _ = target_of(employee, path)
    catalog_ = catalog(employee.organization)
    result = engine.plan(
        target,
        learner_of(employee, path),
        catalog_,
        today=today,
        peers=peers_of(employee, target),
        previous=_previous(path),
    )
    path.plan = as_json(result, target, catalog_)
    path.closes_on = result.closes_on
    path.planned_at = timezone.now()
    path.save(update_fields=["plan", "closes_on", "planned_at"])
    return path


@dataclass(frozen=True)
class Change:
    """How a re-plan changed the path: items that left it (and why) and items that joined."""

    added: list[str]
    removed: list[tuple[str, str]]


def difference(before: dict[str, Any], after: dict[str, Any]) -> Change:
    old = {s["item"]: s["title"] for s in before.get("steps", [])}
    new = {s["item"]: s["title"] for s in after.get("steps", [])}
    why = {i: reason for i, _, reason in after.get("skipped", [])}
    return Change(
        added=[title for i, title in new.items() if i not in old],
        removed=[(title, why.get(i, "")) for i, title in old.items() if i not in new],
    )
