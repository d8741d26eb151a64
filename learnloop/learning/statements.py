"""The xAPI statements of learning, shaped as docs/xapi-profile.md "Learning and mentoring"
specifies: every statement of an enrollment carries its UUID as ``context.registration`` and
the ``enrollment-source`` extension. Builders return prepared statements so that actions and
the demo (backdated, in batches) share one shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from learnloop.learning.models import Enrollment, Item, Question, Quiz
from learnloop.skills.models import Skill
from learnloop.xapi import profile, recorder
from learnloop.xapi.engine.statements import Prepared


def skill_uri(skill: Skill) -> str:
    return skill.uri or profile.activity_iri("skills.skill", skill.pk)


def item_object(item: Item) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": profile.activity_iri("learning.item", item.pk),
        "definition": {"type": item.activity_type, "name": {"en": item.title[:300]}},
    }


def quiz_object(quiz: Quiz) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": profile.activity_iri("learning.quiz", quiz.pk),
        "definition": {"type": profile.QUIZ, "name": {"en": quiz.title[:300]}},
    }


def question_object(question: Question) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": profile.activity_iri("learning.question", question.pk),
        "definition": {"type": profile.QUESTION, "description": {"en": question.text[:300]}},
    }


def duration(seconds: int) -> str:
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"


def _context(
    enrollment: Enrollment, extensions: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "registration": str(enrollment.uuid),
        "platform": "learnloop",
        "extensions": {profile.ENROLLMENT_SOURCE: enrollment.source, **(extensions or {})},
    }
    context.update(more)
    return context


def enrolled(
    enrollment: Enrollment,
    item: Item,
    skills: Iterable[str],
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    extensions: dict[str, Any] = {profile.COST: float(item.cost), profile.SKILLS: list(skills)}
    if enrollment.due_date is not None:
        extensions[profile.DUE_DATE] = enrollment.due_date.isoformat()
    return recorder.build(
        actor,
        profile.ENROLLED,
        item_object(item),
        context=_context(enrollment, extensions),
        timestamp=timestamp,
    )


def launched(
    enrollment: Enrollment, item: Item, *, actor: Any, timestamp: dt.datetime | None = None
) -> Prepared:
    return recorder.build(
        actor,
        profile.LAUNCHED,
        item_object(item),
        context=_context(enrollment),
        timestamp=timestamp,
    )


def progressed(
    enrollment: Enrollment,
    item: Item,
    progress: float,
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    return recorder.build(
        actor,
        profile.PROGRESSED,
        item_object(item),
        result={"extensions": {profile.PROGRESS: round(min(max(progress, 0.0), 1.0), 4)}},
        context=_context(enrollment),
        timestamp=timestamp,
    )


def completed(
    enrollment: Enrollment,
    item: Item,
    seconds: int,
    skills: Iterable[str],
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    return recorder.build(
        actor,
        profile.COMPLETED,
        item_object(item),
        result={"completion": True, "duration": duration(seconds)},
        context=_context(enrollment, {profile.SKILLS: list(skills)}),
        timestamp=timestamp,
    )


def answered(
    enrollment: Enrollment,
    quiz: Quiz,
    question: Question,
    response: Any,
    correct: bool,
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    return recorder.build(
        actor,
        profile.ANSWERED,
        question_object(question),
        result={"response": response_text(response), "success": bool(correct)},
        context=_context(enrollment, contextActivities={"parent": [quiz_object(quiz)]}),
        timestamp=timestamp,
    )


def assessed(
    enrollment: Enrollment,
    quiz: Quiz,
    score: float,
    passed: bool,
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    """``passed`` or ``failed`` for one quiz attempt."""
    return recorder.build(
        actor,
        profile.PASSED if passed else profile.FAILED,
        quiz_object(quiz),
        result={"score": {"scaled": round(score, 4)}, "success": bool(passed)},
        context=_context(enrollment, contextActivities={"parent": [item_object(enrollment.item)]}),
        timestamp=timestamp,
    )


def rated(
    enrollment: Enrollment,
    item: Item,
    stars: int,
    comment: str,
    *,
    actor: Any,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    result: dict[str, Any] = {"score": {"raw": stars, "min": 1, "max": 5}}
    if comment:
        result["response"] = comment[:2000]
    return recorder.build(
        actor,
        profile.RATED,
        item_object(item),
        result=result,
        context=_context(enrollment),
        timestamp=timestamp,
    )


def response_text(response: Any) -> str:
    if isinstance(response, list):
        return "[,]".join(str(r) for r in response)  # xAPI's choice-response separator
    if isinstance(response, bool):
        return "true" if response else "false"
    return str(response)
