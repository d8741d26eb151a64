"""The KPI definitions shown on hover and in docs/insights.md (a test keeps the two in step)."""

from __future__ import annotations

DEFINITIONS: dict[str, tuple[str, str]] = {
    "completion_assigned": (
        "Completion rate, assigned",
        "Of the enrolments assigned by a manager or the learning team and started (enrolled) in "
        "the period, the share with a completed statement by now.",
    ),
    "completion_voluntary": (
        "Completion rate, voluntary",
        "Of the enrolments people chose themselves (enrollment-source self) in the period, the "
        "share with a completed statement by now.",
    ),
    "on_time": (
        "On time",
        "Of assigned enrolments with a due date in the period, the share completed on or before "
        "the due date.",
    ),
    "time_to_proficiency": (
        "Time to proficiency",
        "Median days from enrolling in an item that teaches a skill to the first skill claim at "
        "the mastery threshold: the level the person's role profile requires for that skill, else "
        "level 3. People already at the threshold before enrolling are left out.",
    ),
    "active_learners": (
        "Active learners per week",
        "People with at least one launched, progressed, completed, answered, passed, failed or "
        "mentoring-session statement in the ISO week (UTC), as a share of the people employed that "
        "week.",
    ),
    "learning_hours": (
        "Learning hours per week",
        "The durations of completed statements (on the completion day) and of mentoring sessions "
        "(for mentor and mentee, on the session day), summed per ISO week.",
    ),
    "gap_closure": (
        "Skill-gap closure",
        "Readiness is the weighted share of a person's role-profile targets met by the best level "
        "evidenced by their skill claims up to a month end (each target capped at 100%). Gap "
        "closure is the change in mean readiness from the first to the last month of the period, "
        "over people whose job role has a role profile.",
    ),
    "mentoring_pairs": (
        "Mentoring pairs",
        "Relationships (one registration each) involving someone in the group that started before "
        "the period ended and had not closed before it began.",
    ),
    "mentoring_sessions": (
        "Mentoring sessions",
        "Mentored statements (one per session held) of those pairs dated in the period.",
    ),
    "mentoring_progress": (
        "Mentoring goal progress",
        "Mean of each pair's latest reported progress over its goals (0-100%).",
    ),
    "feedback_frequency": (
        "Feedback per person",
        "Pieces of feedback given by people in the group per month, divided by the month's "
        "headcount, averaged over the period's months. Counts only; no content is read.",
    ),
    "checkin_frequency": (
        "1:1 check-in rate",
        "Of the 1:1 check-ins scheduled in the period for reports in the group, the share marked "
        "held.",
    ),
    "psychological_safety": (
        "Psychological safety",
        "Mean score of the team psychological-safety pulse, per closed pulse, exactly as the "
        "surveys app releases it to you: groups below the minimum size or open to differencing "
        "stay hidden.",
    ),
    "learning_climate": (
        "Learning climate",
        "Mean over the learning-climate pulse's dimensions, per closed pulse, as released by the "
        "surveys app.",
    ),
    "retention": (
        "Retention, learners vs non-learners",
        "Of the people employed on the first day of the period, the share still employed on its "
        "last day (HRIS leave dates), for learners (a completion in the 365 days before the period) "
        "and the others. An association, not evidence that learning causes retention: people who "
        "learn may differ in many other ways.",
    ),
    "spend_per_hour": (
        "Spend per learning hour",
        "The cost of enrolments made in the period divided by the learning hours recorded in it.",
    ),
    "spend_per_level": (
        "Spend per skill level gained",
        "The cost of enrolments made in the period divided by the proficiency levels gained in it: "
        "each skill claim's rise above the best level evidenced before it for that person and skill.",
    ),
}


def label(key: str) -> str:
    return DEFINITIONS[key][0]


def text(key: str) -> str:
    return DEFINITIONS[key][1]
