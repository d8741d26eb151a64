"""Surveys: instruments, pulses, anonymous responses, the disclosure ledger, suggestion box.

Anonymity by construction:
- ``Response`` holds answers and the coarse attributes results are broken down by, with a
  random UUID key, and no user, time or date: nothing orders or dates a response.
- ``Invitation`` ("was invited", "has responded") is created for the whole audience when the
  pulse opens and only has its flag flipped on submission, with no link to the response and no
  time, so neither table can be joined to the other.
- ``Suggestion`` and its messages store no poster identity; the poster holds a token whose
  SHA-256 hash is the only way back to the thread.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from learnloop.people.models import Department, Employee, Organization
from learnloop.surveys.engine import instrument as engine


class SurveySettings(models.Model):
    """Per-organization survey settings; the score minimum is ``Organization.min_group_size``."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="survey_settings"
    )
    # Free text can identify its author by style or content, so comments need bigger groups.
    comment_min_group_size = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(4), MaxValueValidator(30)]
    )

    def __str__(self) -> str:
        return f"Survey settings of {self.organization}"


class Instrument(models.Model):
    class Source(models.TextChoices):
        LIBRARY = "library", "learnloop library"
        IMPORTED = "imported", "Imported"
        CUSTOM = "custom", "Built here"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="instruments"
    )
    key = models.SlugField(max_length=63)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CUSTOM)
    definition = models.JSONField(help_text="The instrument document (learnloop.instrument/1).")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="instrument_unique_key")
        ]

    def __str__(self) -> str:
        return self.name

    def parsed(self) -> engine.Instrument:
        return engine.parse(self.definition)


class Pulse(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Recurrence(models.TextChoices):
        NONE = "none", "Once"
        MONTHLY = "monthly", "Every month"
        QUARTERLY = "quarterly", "Every three months"
        HALF_YEARLY = "half_yearly", "Every six months"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pulses")
    # RESTRICT: an instrument in use cannot be deleted, except with its whole organization.
    instrument = models.ForeignKey(Instrument, on_delete=models.RESTRICT, related_name="pulses")
    title = models.CharField(max_length=200)
    # The instrument as it was when the pulse was created: later edits do not move answers.
    definition = models.JSONField()
    whole_company = models.BooleanField(default=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    teams = models.ManyToManyField(
        Employee, blank=True, related_name="+", help_text="Managers whose whole team is invited."
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    recurrence = models.CharField(
        max_length=20, choices=Recurrence.choices, default=Recurrence.NONE
    )
    reminder_every_days = models.PositiveSmallIntegerField(
        default=3, help_text="0 sends no reminders."
    )
    last_reminded_on = models.DateField(null=True, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )
    audience_size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="pulse_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def parsed(self) -> engine.Instrument:
        return engine.parse(self.definition)


class Invitation(models.Model):
    """Who was invited and whether they have responded: never which response is theirs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    responded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pulse", "employee"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee} invited to {self.pulse}"


class TenureBand(models.TextChoices):
    UNDER_1 = "lt1", "Less than a year"
    YEARS_1_3 = "1to3", "1 to 3 years"
    YEARS_3_5 = "3to5", "3 to 5 years"
    OVER_5 = "5plus", "5 years or more"
    UNKNOWN = "unknown", "Not known"


class Response(models.Model):
    """One anonymous submission: no user, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="responses")
    department_path = models.CharField(max_length=400, blank=True)
    # The respondent's chain of managers at submission, so each manager's team can be scored.
    manager_path = models.CharField(max_length=1000, blank=True)
    location_id = models.PositiveIntegerField(null=True, blank=True)
    tenure = models.CharField(max_length=10, choices=TenureBand.choices)
    language = models.CharField(max_length=8, default="en")
    answers = models.JSONField()

    class Meta:
        ordering = ["id"]  # random: never the order of submission

    def __str__(self) -> str:
        return f"A response to {self.pulse}"


class ReleasedGroup(models.Model):
    """The disclosure ledger: each set of responses whose results some viewer has been shown.

    ``members`` are the response keys the release covered, so the ledger never depends on what
    a group's ``key`` (its filters, kept for the audit trail) would cover after the tree, the
    people or the filters changed; the same set asked for by another name is one release."""

    class Channel(models.TextChoices):
        SCORES = "scores", "Scores"
        COMMENTS = "comments", "Comments"

    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="released_groups")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    key = models.CharField(max_length=200)
    members = models.JSONField(default=list)  # response keys (hex), sorted
    digest = models.CharField(max_length=64)  # SHA-256 of the sorted members
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["pulse", "channel", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "channel", "digest"], name="released_set_once")
        ]

    def __str__(self) -> str:
        return f"{self.pulse}: {self.channel} {self.key}"


class Suggestion(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UNDER_REVIEW = "under_review", "Under review"
        ACTED_ON = "acted_on", "Acted on"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="suggestions"
    )
    # None: addressed to HR. A department: its managers may answer too.
    addressed_to = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    token_hash = models.CharField(max_length=64, unique=True)
    # A date, not a time: a precise time could be matched to who was at their desk.
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-created_on", "subject"]

    def __str__(self) -> str:
        return self.subject


class SuggestionMessage(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="messages")
    position = models.PositiveIntegerField()
    from_poster = models.BooleanField()
    # Staff replies are signed; the poster's messages never carry an author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["suggestion", "position"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "position"], name="message_position")
        ]

    def __str__(self) -> str:
        return f"{self.author_label} on {self.suggestion}"
