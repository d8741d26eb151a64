from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One recorded write: who did what, when, to which object."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the actor's account is deleted, and names system actors ("worker", "cli").
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class AnonymousTally(models.Model):
    """Anonymous acts of one day, only counted until the day is over.

    An audit event stored at the moment of an anonymous act (a suggestion posted, a pulse
    answered) dates it, and its place in the trail's sequence orders it among the poster's
    other recorded acts: either names them. So such acts are counted here, with no time and
    no order, and :func:`learnloop.audit.actions.flush_anonymous_events` records each day's
    counts once the day is over.
    """

    day = models.DateField()
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "action", "target_type", "target_id"], name="anonymous_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.action}: {self.count}"
