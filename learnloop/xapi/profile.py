"""learnloop's own xAPI vocabulary: verbs, activity types and extensions (docs/xapi-profile.md).

Every IRI lives under :data:`BASE`. Activity *ids* of platform objects are deployment-specific
(they start with the deployment's BASE_URL) because an activity id names one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

BASE = "https://learnloop.dev/xapi/"
VERBS = BASE + "verbs/"
ACTIVITY_TYPES = BASE + "activity-types/"
EXTENSIONS = BASE + "extensions/"


@dataclass(frozen=True)
class Verb:
    iri: str
    display: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.iri, "display": {"en": self.display}}


def _verb(slug: str, display: str | None = None) -> Verb:
    return Verb(VERBS + slug, display or slug.replace("-", " "))


STARTED = _verb("started")
COMPLETED = _verb("completed")
PASSED = _verb("passed")
FAILED = _verb("failed")
ANSWERED = _verb("answered")
ENROLLED = _verb("enrolled")
ATTENDED = _verb("attended")
VIEWED = _verb("viewed")
GAVE_FEEDBACK = _verb("gave-feedback")
RECEIVED_FEEDBACK = _verb("received-feedback")
MENTORED = _verb("mentored")
RESPONDED = _verb("responded", "responded to")
ASSESSED = _verb("assessed")
PROFILE_VERBS = (
    STARTED,
    COMPLETED,
    PASSED,
    FAILED,
    ANSWERED,
    ENROLLED,
    ATTENDED,
    VIEWED,
    GAVE_FEEDBACK,
    RECEIVED_FEEDBACK,
    MENTORED,
    RESPONDED,
    ASSESSED,
)

COURSE = ACTIVITY_TYPES + "course"
MODULE = ACTIVITY_TYPES + "module"
QUIZ = ACTIVITY_TYPES + "quiz"
QUESTION = ACTIVITY_TYPES + "question"
SURVEY = ACTIVITY_TYPES + "survey"
FEEDBACK = ACTIVITY_TYPES + "feedback"
MENTORING_SESSION = ACTIVITY_TYPES + "mentoring-session"
SKILL = ACTIVITY_TYPES + "skill"
LEARNING_PATH = ACTIVITY_TYPES + "learning-path"
RECORD = ACTIVITY_TYPES + "record"
PROFILE_ACTIVITY_TYPES = (
    COURSE,
    MODULE,
    QUIZ,
    QUESTION,
    SURVEY,
    FEEDBACK,
    MENTORING_SESSION,
    SKILL,
    LEARNING_PATH,
    RECORD,
)

AUDIT_EVENT = EXTENSIONS + "audit-event"


def audit_verb(action: str) -> Verb:
    """The verb of an audit action, e.g. ``people.employee_created``."""
    return Verb(f"{VERBS}audit/{action}", action.rpartition(".")[2].replace("_", " "))


def activity_iri(kind: str, ident: object) -> str:
    """The id of a platform object as an activity, e.g. ``.../xapi/activities/learning.course/7``."""
    return f"{settings.BASE_URL}/xapi/activities/{kind}/{ident}"
