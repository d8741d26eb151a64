"""Learning API, mounted under /api/v1/ like the other domains."""

from ninja import Router

router = Router(tags=["learning"])
