"""Insights tests: a private fact store per test, and statements recorded per the contract."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from learnloop.people.models import Employee
from learnloop.xapi import profile, recorder


@pytest.fixture(autouse=True)
def _insights_store(settings: Any, tmp_path: Path) -> None:
    settings.INSIGHTS_DIR = tmp_path / "insights"
    settings.INSIGHTS_REFRESH_LAG_SECONDS = 0


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def item_object(pk: int, name: str = "Course") -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": profile.activity_iri("learning.item", pk),
        "definition": {"type": profile.COURSE, "name": {"en": name}},
    }


class Learning:
    """Records one enrolment's statements as docs/xapi-profile.md specifies."""

    def __init__(
        self,
        employee: Employee,
        item: int,
        *,
        source: str = "self",
        name: str = "Course",
        cost: float = 100.0,
        skills: list[str] | None = None,
        due: dt.date | None = None,
    ) -> None:
        self.employee = employee
        self.item = item_object(item, name)
        self.registration = str(uuid.uuid4())
        self.source = source
        self.cost = cost
        self.skills = skills or []
        self.due = due

    def context(self, **extensions: Any) -> dict[str, Any]:
        return {
            "registration": self.registration,
            "platform": "learnloop",
            "extensions": {profile.ENROLLMENT_SOURCE: self.source, **extensions},
        }

    def enrolled(self, day: dt.date) -> uuid.UUID:
        extensions: dict[str, Any] = {profile.COST: self.cost, profile.SKILLS: self.skills}
        if self.due:
            extensions[profile.DUE_DATE] = self.due.isoformat()
        return recorder.record(
            self.employee,
            profile.ENROLLED,
            self.item,
            context=self.context(**extensions),
            timestamp=at(day),
        )

    def launched(self, day: dt.date) -> uuid.UUID:
        return recorder.record(
            self.employee,
            profile.LAUNCHED,
            self.item,
            context=self.context(),
            timestamp=at(day, 11),
        )

    def progressed(self, day: dt.date, progress: float = 0.5) -> uuid.UUID:
        return recorder.record(
            self.employee,
            profile.PROGRESSED,
            self.item,
            result={"extensions": {profile.PROGRESS: progress}},
            context=self.context(),
            timestamp=at(day, 12),
        )

    def completed(self, day: dt.date, seconds: int = 3600) -> uuid.UUID:
        hours, rest = divmod(seconds, 3600)
        return recorder.record(
            self.employee,
            profile.COMPLETED,
            self.item,
            result={"completion": True, "duration": f"PT{hours}H{rest // 60}M{rest % 60}S"},
            context=self.context(**{profile.SKILLS: self.skills}),
            timestamp=at(day, 13),
        )

    def passed(self, day: dt.date) -> uuid.UUID:
        quiz = {"objectType": "Activity", "id": profile.activity_iri("learning.quiz", 1)}
        return recorder.record(
            self.employee,
            profile.PASSED,
            quiz,
            result={"score": {"scaled": 0.9}, "success": True},
            context=self.context(),
            timestamp=at(day, 14),
        )

    def rated(self, day: dt.date, stars: int) -> uuid.UUID:
        return recorder.record(
            self.employee,
            profile.RATED,
            self.item,
            result={"score": {"raw": stars, "min": 1, "max": 5}},
            context=self.context(),
            timestamp=at(day, 15),
        )

    def full(self, start: dt.date, days: int = 3, seconds: int = 3600) -> None:
        self.enrolled(start)
        self.launched(start)
        self.progressed(start + dt.timedelta(days=1))
        self.completed(start + dt.timedelta(days=days), seconds)


class Pair:
    """One mentoring relationship's statements."""

    def __init__(self, mentor: Employee, mentee: Employee, pk: int = 1) -> None:
        self.mentor, self.mentee = mentor, mentee
        self.registration = str(uuid.uuid4())
        self.object = {
            "objectType": "Activity",
            "id": profile.activity_iri("mentoring.relationship", pk),
            "definition": {"type": profile.MENTORING_RELATIONSHIP},
        }
        self.program = profile.activity_iri("mentoring.program", 1)
        self.sessions = 0

    def context(self, **extensions: Any) -> dict[str, Any]:
        return {
            "registration": self.registration,
            "platform": "learnloop",
            "extensions": {profile.MENTORING_PROGRAM_EXT: self.program, **extensions},
        }

    def started(self, day: dt.date) -> None:
        recorder.record(
            self.mentee, profile.ENROLLED, self.object, context=self.context(), timestamp=at(day)
        )

    def session(self, day: dt.date, minutes: int = 60) -> uuid.UUID:
        self.sessions += 1
        session = {
            "objectType": "Activity",
            "id": profile.activity_iri(
                "mentoring.session", f"{self.registration[:8]}-{self.sessions}"
            ),
            "definition": {"type": profile.MENTORING_SESSION},
        }
        return recorder.record(
            self.mentor,
            profile.MENTORED,
            session,
            result={"duration": f"PT{minutes}M"},
            context=self.context(**{profile.MENTEE: recorder.agent_for(self.mentee)}),
            timestamp=at(day, 16),
        )

    def progressed(self, day: dt.date, progress: float) -> None:
        recorder.record(
            self.mentee,
            profile.PROGRESSED,
            self.object,
            result={"extensions": {profile.PROGRESS: progress}},
            context=self.context(),
            timestamp=at(day, 17),
        )

    def completed(self, day: dt.date) -> None:
        recorder.record(
            self.mentee,
            profile.COMPLETED,
            self.object,
            context=self.context(),
            timestamp=at(day, 18),
        )
