"""Building the demo organization in the database from the synthetic company."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from learnloop import permissions
from learnloop.accounts.actions import signin_link
from learnloop.accounts.models import User
from learnloop.audit.models import AuditEvent
from learnloop.demo.company import build_company
from learnloop.demo.models import DemoPersona
from learnloop.feedback import demo as feedback_demo
from learnloop.insights import demo as insights_demo
from learnloop.learning import demo as learning_demo
from learnloop.mentoring import demo as mentoring_demo
from learnloop.people import actions as people
from learnloop.people.importing.plan import plan_import
from learnloop.people.models import (
    Department,
    Employee,
    ImportBatch,
    JobRole,
    Location,
    Organization,
)
from learnloop.skills import demo as skills_demo
from learnloop.surveys import demo as surveys_demo
from learnloop.xapi.demo import create_demo_client

SLUG = "demo"
PASSWORD = "learnloop-demo"
PERSONA_ROLES = {
    "hr_admin": permissions.HR_ADMIN,
    "ld_admin": permissions.LD_ADMIN,
    "executive": permissions.EXECUTIVE,
}
PERSONA_TITLES = {
    "employee": "Employee",
    "manager": "Manager",
    "hr_admin": "HR admin",
    "ld_admin": "L&D admin",
    "executive": "Executive",
}


@dataclass(frozen=True)
class Persona:
    key: str
    title: str
    user: User

    def link(self, hours: float = 24 * 7) -> str:
        return signin_link(self.user, max_age=int(hours * 3600))


def existing() -> Organization | None:
    return Organization.objects.filter(slug=SLUG).first()


@transaction.atomic
def remove() -> None:
    """Delete the demo organization and every account that belongs to it."""
    organization = existing()
    if organization is None:
        return
    users = list(
        Employee.objects.filter(organization=organization).values_list("user_id", flat=True)
    )
    Employee.objects.filter(organization=organization).update(manager=None)
    Employee.objects.filter(organization=organization).delete()
    ImportBatch.objects.filter(organization=organization).delete()
    for model in (JobRole, Location):
        model.objects.filter(organization=organization).delete()
    # Children before parents: departments are protected while they have sub-departments.
    for department in Department.objects.filter(organization=organization).order_by("-path"):
        department.delete()
    AuditEvent.objects.filter(actor_id__in=users).update(actor=None)
    DemoPersona.objects.all().delete()
    User.objects.filter(pk__in=users).delete()
    organization.delete()


@transaction.atomic
def build(employees: int, seed: int, today: datetime.date | None = None) -> list[Persona]:
    """Create the demo organization; the caller has checked that none exists."""
    day = today or timezone.localdate()
    company = build_company(employees, seed, day)
    organization = people.create_organization("Northwind Labs", SLUG, actor_label="demo")
    organization.min_group_size = 5
    organization.save(update_fields=["min_group_size"])

    create_demo_client(organization)
    plan = plan_import(company.rows(), **people.snapshot(organization))
    people.apply_plan(organization, plan, actor_label="demo")

    personas = []
    for key, person in company.personas.items():
        user = User.objects.get(email=person.email)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        if key in PERSONA_ROLES:
            people.grant_role(user, PERSONA_ROLES[key], actor_label="demo")
        DemoPersona.objects.update_or_create(key=key, defaults={"user": user})
        personas.append(Persona(key, PERSONA_TITLES[key], user))

    # Each domain adds its months of history, after the personas hold their roles.
    skills_demo.build(organization, seed=seed, today=day)
    surveys_demo.seed(organization, seed, day)
    feedback_demo.populate(organization, seed=seed, today=day)
    learning_demo.build(organization, seed=seed, today=day)
    mentoring_demo.build(organization, seed=seed, today=day)
    # Last: the dashboards summarise what the domains above recorded.
    insights_demo.build(organization, seed=seed, today=day)
    return personas


def personas() -> list[Persona]:
    rows = DemoPersona.objects.select_related("user").filter(user__is_active=True)
    by_key = {row.key: row.user for row in rows}
    return [
        Persona(key, title, by_key[key]) for key, title in PERSONA_TITLES.items() if key in by_key
    ]
