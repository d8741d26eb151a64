"""The one place where feedback, goals and lessons meet the skills app.

People type skill labels (or taxonomy URIs); :func:`resolve` turns them into the
organization's visible ``skills.Skill`` rows. When a recipient accepts the skills named in
feedback, :func:`add_feedback_evidence` adds claims through the skills app's own action.
"""

from __future__ import annotations

from django.db.models import Q

from learnloop.feedback.models import Feedback
from learnloop.people.models import Organization
from learnloop.skills import actions as skills_actions
from learnloop.skills import queries as skills_queries
from learnloop.skills.models import EmployeeSkill, Skill, SkillClaim, Source

MAX_SKILLS = 10
MAX_LENGTH = 300
# A colleague's observation is weaker evidence than an assessment; the skills engine weighs
# sources itself, this only tempers the single claim.
FEEDBACK_CONFIDENCE = 0.7
UNASSESSED_LEVEL = 2


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


def resolve(organization: Organization, raw: str | list[str] | None) -> list[Skill]:
    """The skills named by label (any case), alternative label or URI; all or an error."""
    visible = skills_queries.visible_skills(organization)
    found: list[Skill] = []
    unknown: list[str] = []
    for name in clean_names(raw):
        skill = (
            visible.filter(Q(label__iexact=name) | Q(uri=name)).order_by("organization").first()
            or visible.filter(alt_labels__icontains=name).order_by("label").first()
        )
        if skill is None:
            unknown.append(name)
        elif skill not in found:
            found.append(skill)
    if unknown:
        raise SkillNameError(
            f"not in the skills catalog: {', '.join(unknown)} (search it on the skills pages)"
        )
    return found


def add_feedback_evidence(feedback: Feedback) -> list[SkillClaim]:
    """One claim per skill, at the level the profile already shows (or a modest one).

    The claim carries neither the feedback's words nor its giver: the skills profile is read
    by the person's managers, who may not read the feedback itself. The recipient, who
    accepted, is the claimant.
    """
    recipient = feedback.recipient
    from_manager = feedback.giver_id == recipient.manager_id
    source = Source.MANAGER if from_manager else Source.PEER
    claims = []
    for skill in feedback.skills.all():
        entry = EmployeeSkill.objects.filter(employee=recipient, skill=skill).first()
        level = max(1, round(entry.level)) if entry else UNASSESSED_LEVEL
        try:
            claims.append(
                skills_actions.add_claim(
                    recipient,
                    skill,
                    level,
                    source,
                    actor=recipient.user,
                    evidence="Named in feedback the person accepted as evidence.",
                    evidence_ref=f"feedback:{feedback.pk}",
                    observed_on=feedback.created_at.date(),
                    confidence=FEEDBACK_CONFIDENCE,
                )
            )
        except skills_actions.SkillsError as exc:
            raise SkillNameError(f"{skill.label}: {exc}") from None
    return claims
