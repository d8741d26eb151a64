"""The one place where feedback, goals and lessons meet the skills taxonomy.

The skills app (taxonomy, claims with evidence) was not committed when this app was built, so
skills are kept as cleaned names on feedback, objectives and lessons. When it lands, this
module resolves names to its ``Skill`` rows and :func:`evidence_for_accepted_feedback` calls
its add-claim-with-evidence action; nothing else in the feedback app needs to change.
"""

from __future__ import annotations

MAX_SKILLS = 10
MAX_LENGTH = 80


class SkillNameError(ValueError):
    pass


def clean_names(raw: str | list[str] | None) -> list[str]:
    """Comma-separated text or a list, trimmed, de-duplicated case-insensitively, in order."""
    if raw is None:
        return []
    parts = raw.split(",") if isinstance(raw, str) else raw
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = " ".join(str(part).split())
        if not name:
            continue
        if len(name) > MAX_LENGTH:
            raise SkillNameError(f"'{name[:30]}…' is longer than {MAX_LENGTH} characters")
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    if len(names) > MAX_SKILLS:
        raise SkillNameError(f"at most {MAX_SKILLS} skills, got {len(names)}")
    return names


def evidence_for_accepted_feedback(skill_names: list[str], feedback_id: int) -> dict[str, object]:
    """What the accepted feedback contributes to the recipient's skill profile.

    Recorded on the ``feedback.skills_accepted`` audit event, which the xAPI recorder turns into
    a statement; the skills app can subscribe to the same event.
    """
    return {"skills": list(skill_names), "evidence": f"feedback:{feedback_id}"}
