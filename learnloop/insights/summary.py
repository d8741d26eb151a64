"""KPI figures as people read them (tiles on the dashboards and in the digest)."""

from __future__ import annotations

import datetime
from typing import Any

from learnloop.insights import definitions


def _percent(value: float | None) -> str:
    return "withheld" if value is None else f"{value * 100:.0f}%"


def _number(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "withheld"
    return f"{value:,.{digits}f}{unit}"


def tiles(data: dict[str, Any]) -> list[dict[str, str]]:
    """The KPI figures at the top of a dashboard, each with its definition."""
    completion, weekly = data["completion"], data["weekly"]
    end = data["period"]["end"]
    # Whole weeks only: the week in progress would understate the rate.
    shown_weeks = [
        w
        for w in weekly
        if w.get("share") is not None and w["week"] + datetime.timedelta(days=6) <= end
    ]
    last_weeks = shown_weeks[-4:]
    active = sum(w["share"] for w in last_weeks) / len(last_weeks) if last_weeks else None
    hours = sum(w["hours"] for w in last_weeks) / len(last_weeks) if last_weeks else None
    climate = (data.get("climate") or {}).get("series", [])

    def latest(instrument: str) -> str:
        found = [p for p in climate if p["instrument"] == instrument and p["mean"] is not None]
        return _number(found[-1]["mean"], digits=2) if found else "no released result"

    closure = data["readiness"]["closure"]
    values = {
        "completion_assigned": _percent(completion["assigned"]["rate"]),
        "completion_voluntary": _percent(completion["voluntary"]["rate"]),
        "on_time": _percent(completion["assigned"].get("on_time_rate")),
        "time_to_proficiency": _number(data["proficiency"]["median_days"], " days", 0),
        "active_learners": _percent(active),
        "learning_hours": _number(hours, " h"),
        "gap_closure": "not enough history" if closure is None else f"{closure * 100:+.1f} points",
        "mentoring_pairs": _number(data["mentoring"]["pairs"], digits=0),
        "mentoring_sessions": _number(data["mentoring"]["sessions"], digits=0),
        "mentoring_progress": _percent(data["mentoring"]["progress"]),
        "feedback_frequency": _number(data["conversations"]["feedback_per_person"], " / month", 2),
        "checkin_frequency": _percent(data["conversations"]["checkin_rate"]),
        "psychological_safety": latest("Psychological safety"),
        "learning_climate": latest("Learning climate"),
        "retention": (
            f"{_percent(data['retention']['learners']['rate'])} vs {_percent(data['retention']['non_learners']['rate'])}"
        ),
        "spend_per_hour": _number(data["spend"]["per_hour"], digits=2),
        "spend_per_level": _number(data["spend"]["per_level"], digits=2),
    }
    return [
        {
            "key": key,
            "label": definitions.label(key),
            "value": value,
            "definition": definitions.text(key),
        }
        for key, value in values.items()
    ]
