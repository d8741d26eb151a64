from __future__ import annotations

from django.conf import settings
from django.db import models


class DemoPersona(models.Model):
    """Which account plays which persona in the demo organization."""

    key = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return self.key
