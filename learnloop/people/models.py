from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnloop import permissions


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # Smallest group whose aggregates may be shown; surveys and insights build on it.
    min_group_size = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    timezone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="location_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A node of the organization's tree of departments and teams."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized "/<root id>/.../<own id>/" so a subtree is one indexed prefix query.
    path = models.CharField(max_length=400, db_index=True, editable=False, default="/")
    full_name = models.CharField(max_length=600, editable=False, default="")

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parent", "name"], name="department_unique_sibling"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(parent__isnull=True),
                name="department_unique_root",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def subtree(self) -> models.QuerySet[Department]:
        return Department.objects.filter(path__startswith=self.path)


class JobRole(models.Model):
    """A job title in a job family at a level (1 = entry)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="job_roles"
    )
    title = models.CharField(max_length=200)
    family = models.CharField(max_length=120, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["family", "level", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="jobrole_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    CONTRACTOR = "contractor", "Contractor"
    INTERN = "intern", "Intern"
    TEMPORARY = "temporary", "Temporary"


class Employee(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="employees"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    employee_id = models.CharField(
        max_length=64, help_text="The HRIS identifier; imports key on it."
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    # Materialized "/<top manager id>/.../<own manager id>/": the chain above this person.
    manager_path = models.CharField(max_length=1000, db_index=True, editable=False, default="/")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    job_role = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    hire_date = models.DateField(null=True, blank=True)
    leave_date = models.DateField(null=True, blank=True)
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes.")
    timezone = models.CharField(max_length=64, default="UTC")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee_id"], name="employee_unique_hris_id"
            ),
            models.CheckConstraint(
                condition=models.Q(leave_date__isnull=True)
                | models.Q(hire_date__isnull=True)
                | models.Q(leave_date__gte=models.F("hire_date")),
                name="employee_leaves_after_hire",
            ),
        ]
        indexes = [models.Index(fields=["organization", "leave_date"])]

    def __str__(self) -> str:
        return self.user.full_name

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def is_active(self) -> bool:
        return self.leave_date is None or self.leave_date > timezone.localdate()

    @property
    def chain_prefix(self) -> str:
        """The manager_path prefix shared by everyone below this person."""
        return f"{self.manager_path}{self.pk}/"

    def is_in_chain_below(self, manager: Employee) -> bool:
        return self.manager_path.startswith(manager.chain_prefix)

    def has_active_reports(self) -> bool:
        return active_employees().filter(manager=self).exists()

    def reports(self, *, indirect: bool = True) -> models.QuerySet[Employee]:
        if indirect:
            return Employee.objects.filter(manager_path__startswith=self.chain_prefix)
        return Employee.objects.filter(manager=self)

    def chain_above(self) -> list[Employee]:
        ids = [int(part) for part in self.manager_path.strip("/").split("/") if part]
        by_id = Employee.objects.select_related("user", "job_role").in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


def active_employees(on: datetime.date | None = None) -> models.QuerySet[Employee]:
    day = on or timezone.localdate()
    return Employee.objects.filter(models.Q(leave_date__isnull=True) | models.Q(leave_date__gt=day))


class RoleGrant(models.Model):
    """A role given on top of being an employee (manager is derived from reporting lines)."""

    ROLE_CHOICES = [
        (permissions.HR_ADMIN, "HR admin"),
        (permissions.LD_ADMIN, "L&D admin"),
        (permissions.EXECUTIVE, "Executive"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ImportBatch(models.Model):
    """An uploaded HRIS file: previewed first, applied on confirmation."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
