"""Concurrent skills writes keep their invariants (learnloop/testing/concurrency.py).
Each thread loads its own copy of a row, as concurrent requests do."""

from __future__ import annotations

from learnloop.conftest import Org
from learnloop.skills import actions, queries
from learnloop.skills.actions import SkillsError
from learnloop.skills.engine.profile import combine
from learnloop.skills.models import (
    EmployeeSkill,
    Framework,
    ProficiencyScale,
    Skill,
    SkillClaim,
    Source,
    Suggestion,
)
from learnloop.testing.concurrency import concurrent, race


@concurrent
def test_deciding_one_suggestion_twice_at_once_adds_one_claim(org: Org) -> None:
    actions.ensure_default_scale(org.organization)
    skill = Skill.objects.create(organization=org.organization, label="Rust")
    suggestion = Suggestion.objects.create(
        employee=org.employee, skill=skill, sentence="I write Rust.", score=0.9
    )
    result = race(
        lambda _: actions.decide_suggestion(
            Suggestion.objects.get(pk=suggestion.pk), True, actor=org.employee.user
        )
    )
    assert result.errors_other_than(SkillsError) == []
    assert SkillClaim.objects.filter(employee=org.employee, skill=skill).count() == 1


@concurrent
def test_the_default_scale_is_made_once_by_concurrent_first_uses(org: Org) -> None:
    result = race(lambda _: actions.ensure_default_scale(org.organization))
    assert result.errors == []
    assert ProficiencyScale.objects.filter(organization=org.organization).count() == 1


@concurrent
def test_a_framework_named_twice_at_once_is_made_once_with_a_clear_refusal(org: Org) -> None:
    actions.ensure_default_scale(org.organization)
    result = race(lambda _: actions.create_framework(org.organization, "Engineering", actor=None))
    assert result.errors_other_than(SkillsError) == []
    assert Framework.objects.filter(organization=org.organization).count() == 1


@concurrent
def test_an_own_skill_added_twice_at_once_in_any_case_is_added_once(org: Org) -> None:
    labels = ["Prompt design", "prompt design", "PROMPT DESIGN", "Prompt Design"]
    result = race(
        lambda i: actions.add_own_skill(org.organization, labels[i % len(labels)], actor=None)
    )
    assert result.errors_other_than(SkillsError) == []
    assert Skill.objects.filter(organization=org.organization).count() == 1


@concurrent
def test_concurrent_claims_on_one_skill_all_count_in_the_profile(org: Org) -> None:
    actions.ensure_default_scale(org.organization)
    skill = Skill.objects.create(organization=org.organization, label="SQL")
    result = race(
        lambda i: actions.add_claim(
            org.employee, skill, 1 + i % 5, Source.SELF, actor=None, actor_label="test"
        )
    )
    assert result.errors == []
    claims = SkillClaim.objects.filter(employee=org.employee, skill=skill)
    combined = combine([queries.as_claim(c) for c in claims], claims[0].observed_on)
    assert combined is not None
    stored = EmployeeSkill.objects.get(employee=org.employee, skill=skill)
    assert (stored.level, stored.confidence) == (combined.level, combined.confidence)
