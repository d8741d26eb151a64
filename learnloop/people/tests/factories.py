"""factory_boy factories for every model of the foundation; other domains build on them."""

from __future__ import annotations

import datetime

import factory

from learnloop.accounts.models import ApiToken, User
from learnloop.audit.models import AuditEvent
from learnloop.demo.models import DemoPersona
from learnloop.jobs.models import ScheduledRun
from learnloop.people import actions
from learnloop.people.models import (
    Department,
    Employee,
    ImportBatch,
    JobRole,
    Location,
    Organization,
    RoleGrant,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = "Acme"
    slug = "acme"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    timezone = "Europe/Berlin"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[Department], *args: object, **kwargs: object) -> Department:
        department = super()._create(model_class, *args, **kwargs)
        actions.rebuild_department_paths(department.organization)
        department.refresh_from_db()
        return department


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Engineer {n}")
    family = "Engineering"
    level = 2


class EmployeeFactory(factory.django.DjangoModelFactory):
    """An employee; pass ``manager=`` to place them in a reporting line."""

    class Meta:
        model = Employee

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    hire_date = datetime.date(2022, 1, 10)
    job_role = factory.SubFactory(
        JobRoleFactory, organization=factory.SelfAttribute("..organization")
    )
    timezone = "Europe/Berlin"

    @classmethod
    def _create(cls, model_class: type[Employee], *args: object, **kwargs: object) -> Employee:
        employee = super()._create(model_class, *args, **kwargs)
        actions.rebuild_manager_paths(employee.organization)
        employee.refresh_from_db()
        return employee


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "hr_admin"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "laptop"
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    secret_hash = "0" * 64


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    organization = factory.SubFactory(OrganizationFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    filename = "people.csv"
    content = "Employee ID,Name,Email\n"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor_label = "system"
    action = "test.happened"


class ScheduledRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledRun

    job = "test.job"
    slot = factory.Sequence(
        lambda n: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
    )


class DemoPersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemoPersona
        django_get_or_create = ("key",)

    key = "employee"
    user = factory.SubFactory(UserFactory)
