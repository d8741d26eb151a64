"""The demo organization's LRS client: fixed credentials, so the demo can print them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from learnloop.xapi import actions
from learnloop.xapi.models import LrsClient

DEMO_KEY = "northwind-demo"
# Demo data only: a known secret lets a visitor point an xAPI tool at the demo at once.
DEMO_SECRET = "northwind-demo-secret"


@transaction.atomic
def create_demo_client(organization: Any) -> tuple[LrsClient, str]:
    """Create (or re-create) the demo organization's read/write client; returns it and its secret."""
    LrsClient.objects.filter(key=DEMO_KEY).delete()
    return actions.create_client(
        name="Northwind Labs demo",
        key=DEMO_KEY,
        secret=DEMO_SECRET,
        organization=organization,
        actor_label="demo",
    )


def describe(base_url: str) -> str:
    """The line the demo command prints about the LRS."""
    return (
        f"xAPI LRS: {base_url.rstrip('/')}/xapi/  (HTTP Basic: key {DEMO_KEY}, "
        f"secret {DEMO_SECRET}; header X-Experience-API-Version: 2.0.0)"
    )
