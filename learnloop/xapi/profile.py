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
LAUNCHED = _verb("launched")
PROGRESSED = _verb("progressed")
RATED = _verb("rated")
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
    LAUNCHED,
    PROGRESSED,
    RATED,
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
MICRO_LESSON = ACTIVITY_TYPES + "micro-lesson"
ARTICLE = ACTIVITY_TYPES + "article"
VIDEO = ACTIVITY_TYPES + "video"
BOOK = ACTIVITY_TYPES + "book"
EXTERNAL_COURSE = ACTIVITY_TYPES + "external-course"
EXPERT_SESSION = ACTIVITY_TYPES + "expert-session"
PRACTICE_PROJECT = ACTIVITY_TYPES + "practice-project"
MENTORING_RELATIONSHIP = ACTIVITY_TYPES + "mentoring-relationship"
MENTORING_PROGRAM = ACTIVITY_TYPES + "mentoring-program"
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
    MICRO_LESSON,
    ARTICLE,
    VIDEO,
    BOOK,
    EXTERNAL_COURSE,
    EXPERT_SESSION,
    PRACTICE_PROJECT,
    MENTORING_RELATIONSHIP,
    MENTORING_PROGRAM,
)

AUDIT_EVENT = EXTENSIONS + "audit-event"
# Learning and mentoring statements (docs/xapi-profile.md, "Learning and mentoring").
ENROLLMENT_SOURCE = EXTENSIONS + "enrollment-source"  # "self" | "manager" | "learning-team"
DUE_DATE = EXTENSIONS + "due-date"
COST = EXTENSIONS + "cost"
SKILLS = EXTENSIONS + "skills"
PROGRESS = EXTENSIONS + "progress"
MENTEE = EXTENSIONS + "mentee"
MENTORING_PROGRAM_EXT = EXTENSIONS + "mentoring-program"


def audit_verb(action: str) -> Verb:
    """The verb of an audit action, e.g. ``people.employee_created``."""
    return Verb(f"{VERBS}audit/{action}", action.rpartition(".")[2].replace("_", " "))


def activity_iri(kind: str, ident: object) -> str:
    """The id of a platform object as an activity, e.g. ``.../xapi/activities/learning.course/7``."""
    return f"{settings.BASE_URL}/xapi/activities/{kind}/{ident}"
