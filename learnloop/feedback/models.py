"""Feedback, 1:1 check-ins, OKRs, after-action reviews and review cycles.

Anonymous answers are stored without respondent, timestamp or sequential key (see
:class:`AnonymousAnswer`); everything else names its author.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from learnloop.audit.privacy import PrivateRecord
from learnloop.people.models import Department, Employee, Organization


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only the recipient"
    MANAGER = "manager", "The recipient and their manager"
    PUBLIC = "public", "Everyone (public praise)"


class FeedbackPolicy(models.Model):
    """What an organization allows; absent rows mean the defaults below."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="feedback_policy"
    )
    # Fewest answers before anonymous answers are shown at all.
    anonymous_min_answers = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(3)]
    )
    allow_manager_visibility = models.BooleanField(default=True)
    allow_public_praise = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Feedback policy of {self.organization}"


class Feedback(PrivateRecord, models.Model):
    class Kind(models.TextChoices):
        PRAISE = "praise", "Praise"
        CONSTRUCTIVE = "constructive", "Constructive"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    giver = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="feedback_given")
    recipient = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="feedback_received"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = models.TextField()
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # True when the recipient was the giver's manager when it was given.
    upward = models.BooleanField(default=False)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="+")
    objective = models.ForeignKey(
        "Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    project = models.CharField(max_length=200, blank=True)
    request = models.ForeignKey(
        "FeedbackRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    created_at = models.DateTimeField(default=now)
    skills_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(giver=models.F("recipient")), name="feedback_not_to_self"
            ),
            models.CheckConstraint(
                condition=~models.Q(visibility="public") | models.Q(kind="praise"),
                name="feedback_only_praise_is_public",
            ),
        ]

    # Audit labels come from __str__, and HR reads the trail: no names or words here.
    def __str__(self) -> str:
        return f"feedback #{self.pk}"

    def is_private(self) -> bool:
        return self.visibility != Visibility.PUBLIC

    @property
    def skill_labels(self) -> list[str]:
        return [skill.label for skill in self.skills.all()]


class FeedbackRequest(models.Model):
    """Someone asks chosen colleagues for feedback about something specific."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="feedback_requests"
    )
    about = models.CharField(max_length=300)
    question = models.TextField(blank=True)
    due_date = models.DateField()
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Anonymous answers become readable only once closed with enough of them.
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"feedback request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FeedbackInvite(models.Model):
    """Who was asked; for anonymous requests only the respondent may read ``answered``.

    Deliberately no timestamp of answering.
    """

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="invites")
    respondent = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    answered = models.BooleanField(default=False)
    declined = models.BooleanField(default=False)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "respondent"], name="invite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.respondent} for {self.request}"


class AnonymousAnswer(models.Model):
    """An answer with no link to who wrote it or when: a random key, no time, no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        FeedbackRequest, on_delete=models.CASCADE, related_name="anonymous_answers"
    )
    body = models.TextField()
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return "anonymous answer"


# 1:1 check-ins ------------------------------------------------------------------------------


class CheckInSeries(models.Model):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Every four weeks"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    first_at = models.DateTimeField(help_text="Start of the first meeting.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    timezone = models.CharField(max_length=64, default="UTC")
    active = models.BooleanField(default=True)
    # Stable UID for calendar clients that re-import the .ics file.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["report__user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "report"],
                condition=models.Q(active=True),
                name="checkin_series_one_active_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"1:1 {self.manager} / {self.report}"

    @property
    def interval_weeks(self) -> int:
        return {"weekly": 1, "biweekly": 2, "monthly": 4}[self.cadence]

    def occurrence(self, index: int) -> datetime.datetime:
        return self.first_at + datetime.timedelta(weeks=self.interval_weeks * index)

    def is_party(self, employee: Employee | None) -> bool:
        return employee is not None and employee.pk in (self.manager_id, self.report_id)


class CheckIn(models.Model):
    """One meeting of a series."""

    series = models.ForeignKey(CheckInSeries, on_delete=models.CASCADE, related_name="meetings")
    index = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # The report's quick sentiment: 1 (rough) to 5 (great).
    mood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reminded = models.BooleanField(default=False)

    class Meta:
        ordering = ["series", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "index"], name="checkin_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.series} on {self.starts_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    discussed = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class PrivateNote(PrivateRecord, models.Model):
    """Visible to its author only: not the other party, not their managers, not HR."""

    meeting = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="private_note_unique")
        ]

    def __str__(self) -> str:
        return "private note"


class ActionItem(models.Model):
    series = models.ForeignKey(CheckInSeries, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return self.text


# OKRs -----------------------------------------------------------------------------------------


class Period(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="period_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Objective(PrivateRecord, models.Model):
    class Level(models.TextChoices):
        COMPANY = "company", "Company"
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Team"
        INDIVIDUAL = "individual", "Individual"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="objectives")
    level = models.CharField(max_length=20, choices=Level.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="objectives")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    learning_goal = models.BooleanField(default=False)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="+")
    # Private individual goals are seen by the owner and the managers above them only.
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["period", "level", "title"]

    def __str__(self) -> str:
        return f"private objective #{self.pk}" if self.private else self.title

    def is_private(self) -> bool:
        return self.private

    @property
    def skill_labels(self) -> list[str]:
        return [skill.label for skill in self.skills.all()]


class KeyResult(PrivateRecord, models.Model):
    class Kind(models.TextChoices):
        BINARY = "binary", "Done or not"
        NUMERIC = "numeric", "Number"
        PERCENTAGE = "percentage", "Percentage"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NUMERIC)
    start = models.FloatField(default=0)
    target = models.FloatField(default=1)
    current = models.FloatField(default=0)
    unit = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(start=models.F("target")), name="key_result_target_differs"
            )
        ]

    def __str__(self) -> str:
        return self.title

    # A private objective's key results are as private as its title.
    def is_private(self) -> bool:
        return self.objective.is_private()


class KeyResultUpdate(PrivateRecord, models.Model):
    """The weekly check-in on a key result: one per key result and week (later ones replace)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week.")
    value = models.FloatField()
    confidence = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["key_result", "week"], name="kr_update_one_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.key_result} week of {self.week}"

    def is_private(self) -> bool:
        return self.key_result.is_private()


# After-action reviews ------------------------------------------------------------------------


class AfterActionReview(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", "Project"
        INCIDENT = "incident", "Incident"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    happened_on = models.DateField()
    facilitator = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    participants = models.ManyToManyField(Employee, related_name="after_action_reviews")
    expected = models.TextField(blank=True)
    happened = models.TextField(blank=True)
    why = models.TextField(blank=True)
    keep = models.TextField(blank=True)
    change = models.TextField(blank=True)
    # Drafts are for participants; published reviews (and their lessons) for the organization.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return self.title if self.published_at else f"draft review #{self.pk}"


class Contribution(models.Model):
    class Section(models.TextChoices):
        EXPECTED = "expected", "What we expected"
        HAPPENED = "happened", "What happened"
        WHY = "why", "Why"
        KEEP = "keep", "What we keep"
        CHANGE = "change", "What we change"

    review = models.ForeignKey(
        AfterActionReview, on_delete=models.CASCADE, related_name="contributions"
    )
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=20, choices=Section.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.text[:40]}"


class Lesson(models.Model):
    review = models.ForeignKey(AfterActionReview, on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField()
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def skill_labels(self) -> list[str]:
        return [skill.label for skill in self.skills.all()]


# Review cycles -------------------------------------------------------------------------------


class ReviewCycle(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    start = models.DateField()
    end = models.DateField()
    created_by = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-end"]

    def __str__(self) -> str:
        return self.name


class ReviewConversation(models.Model):
    """One person's conversation record in a cycle. Deliberately no rating field."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="conversations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    self_reflection = models.TextField(blank=True)
    manager_summary = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["employee__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="conversation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.employee}"


# Inbox -----------------------------------------------------------------------------------------


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
