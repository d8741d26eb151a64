"""The REST API at /api/v1/: each domain contributes a router from its own ``api.py``."""

from __future__ import annotations

from ninja import NinjaAPI

from learnloop.api import errors
from learnloop.api.auth import SessionAuth, TokenAuth
from learnloop.api.parser import CheckedParser

api = NinjaAPI(
    title="learnloop API",
    version="1",
    description=(
        "Authenticate with a personal API token (`Authorization: Bearer ll_…`, created on the "
        "API tokens page) or with the browser session. Errors are JSON: "
        '`{"error": {"code", "message", "details": [{"field", "message"}]}}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=CheckedParser(),
)
errors.install(api)


def _mount() -> None:
    from learnloop.accounts.api import router as accounts_router
    from learnloop.feedback.api import router as feedback_router
    from learnloop.insights.api import router as insights_router
    from learnloop.learning.api import router as learning_router
    from learnloop.mentoring.api import router as mentoring_router
    from learnloop.people.api import router as people_router
    from learnloop.skills.api import router as skills_router
    from learnloop.surveys.api import router as surveys_router

    api.add_router("/", accounts_router)
    api.add_router("/", people_router)
    api.add_router("/", skills_router)
    api.add_router("/", surveys_router)
    api.add_router("/", feedback_router)
    api.add_router("/", learning_router)
    api.add_router("/", mentoring_router)
    api.add_router("/", insights_router)


_mount()
