"""Insights keeps its facts in Parquet files (see ``engine/store.py``); the database only
remembers which monthly digests went out, so each is sent once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DigestSent(models.Model):
    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        TEAM = "team", "Team"
        PERSONAL = "personal", "Personal"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month the digest covers.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "month", "kind"], name="insights_digest_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.month:%Y-%m}"
