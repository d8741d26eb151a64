"""Mentoring programs, the profiles people fill in for them, match drafts and relationships."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnloop.audit.privacy import PrivateRecord
from learnloop.people.models import Department, Employee, Organization
from learnloop.skills.models import Skill


class ProgramKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1 mentoring"
    REVERSE = "reverse", "Reverse mentoring"
    PEER = "peer", "Peer mentoring"
    GROUP = "group", "Group mentoring"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}


class Program(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open for sign-up"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mentoring_programs"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProgramKind.choices, default="one_to_one")
    description = models.TextField(blank=True)
    goals = models.TextField(blank=True, help_text="What the program wants to achieve.")
    # Empty audience: the whole organization; otherwise a department and everything below it.
    audience = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default="fortnightly")
    default_capacity = models.PositiveSmallIntegerField(default=2)
    max_capacity = models.PositiveSmallIntegerField(default=5)
    avoid_previous_pairs = models.BooleanField(default=True)
    self_match = models.BooleanField(default=True, help_text="Mentees may request a mentor.")
    minimum_score = models.FloatField(default=0.0)
    weights = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="program_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="program_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(max_capacity__gte=models.F("default_capacity")),
                name="program_capacity_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


class Format(models.TextChoices):
    ANY = "any", "No preference"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    CHAT = "chat", "Chat"


class Participant(models.Model):
    """One person's profile in a program, as a mentee or as a mentor.

    ``skills``: ``[{"skill": id, "level": n}]``: for a mentee the target level they want to
    reach, for a mentor their level (from their skills profile). ``goals``: a mentee's goals in
    their own words (private: the person, the program admins for matching, and their mentor
    once paired) or a mentor's topics. ``availability``: free weekly hours in UTC (0 = Monday
    00:00). ``style``: answers 1..5 to the working-style questions (empty when skipped).
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="mentoring_profiles"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    skills = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    goal_vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_model = models.CharField(max_length=40, blank=True, editable=False)
    preferred_format = models.CharField(max_length=10, choices=Format.choices, default="any")
    availability = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    languages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(default=0)
    style = models.JSONField(default=list, blank=True)
    paused = models.BooleanField(default=False, help_text="Left out of matching for now.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program", "role", "employee__user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "employee", "role"], name="participant_unique_role"
            )
        ]
        indexes = [models.Index(fields=["program", "role", "paused"])]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_role_display()}) in {self.program}"


class MentoringPreference(models.Model):
    """Whether a person appears in the expert finder (listed unless they opt out)."""

    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="mentoring_preference"
    )
    listed_as_expert = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True, help_text="How to reach me, when.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.employee}: {'listed' if self.listed_as_expert else 'not listed'}"


class Draft(models.Model):
    """A whole-pool matching the admin reviews, edits and publishes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="drafts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    optimal_total = models.FloatField(default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.program}"


class DraftPair(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=dict)  # component -> points (sums to score)
    edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "mentee"], name="draftpair_one_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ← {self.mentor}"


class Relationship(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    class Origin(models.TextChoices):
        REQUEST = "request", "Mentee's request"
        MATCHED = "matched", "Program matching"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="relationships")
    mentee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="mentored_by")
    mentor = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="mentoring")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.REQUEST)
    message = models.TextField(blank=True, help_text="The mentee's note with the request.")
    score = models.FloatField(default=0.0)
    components = models.JSONField(default=dict, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    survey = models.JSONField(default=dict, blank=True)  # the closing survey's answers
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"],
                condition=models.Q(status__in=["requested", "active"]),
                name="relationship_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="relationship_two_people"
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee}"

    def is_party(self, employee: Employee | None) -> bool:
        return employee is not None and employee.pk in (self.mentee_id, self.mentor_id)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.ACTIVE)


class Goal(PrivateRecord, models.Model):
    """A goal the pair agreed on, optionally about a skill; progress 0..1. Its words are the
    pair's alone (a PrivateRecord): others see that it exists and how far along it is."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=300)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)
    progress = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="goal_progress_fraction",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Session(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    notes = models.TextField(blank=True, help_text="Private to the pair.")
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    logged_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Session on {self.held_on}"


class SessionFeedback(PrivateRecord, models.Model):  # the rating is the pair's alone
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="sessionfeedback_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5),
                name="sessionfeedback_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"
