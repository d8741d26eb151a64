from __future__ import annotations

import datetime

from learnloop.conftest import Org
from learnloop.skills import demo
from learnloop.skills.models import (
    CareerPath,
    EmployeeSkill,
    Framework,
    RoleProfile,
    SkillClaim,
)
from learnloop.skills.tests.conftest import Taxonomy

DAY = datetime.date(2026, 6, 15)


def _claims() -> list[tuple[object, ...]]:
    return sorted(
        SkillClaim.objects.values_list("employee_id", "skill_id", "level", "source", "observed_on")
    )


def test_the_demo_gives_every_job_title_a_profile_and_people_claims_with_history(
    org: Org, taxonomy: Taxonomy
) -> None:
    before = SkillClaim.objects.count()
    outcome = demo.build(org.organization, seed=3, today=DAY)
    titles = set(org.organization.job_roles.values_list("pk", flat=True))
    assert set(RoleProfile.objects.values_list("job_role_id", flat=True)) >= titles
    assert outcome.claims == SkillClaim.objects.count() - before > 0
    dates = set(SkillClaim.objects.values_list("observed_on", flat=True))
    assert min(dates) < DAY - datetime.timedelta(days=180)
    assert EmployeeSkill.objects.filter(employee__organization=org.organization).exists()


def test_the_demo_is_deterministic_for_a_seed(org: Org, taxonomy: Taxonomy) -> None:
    SkillClaim.objects.all().delete()
    demo.build(org.organization, seed=3, today=DAY)
    first = _claims()
    for model in (SkillClaim, EmployeeSkill, CareerPath, Framework):
        model.objects.all().delete()
    RoleProfile.objects.exclude(pk=taxonomy.role.pk).delete()
    demo.build(org.organization, seed=3, today=DAY)
    assert first and _claims() == first


def test_removing_the_demo_organization_takes_its_skills_data_along(
    org: Org, taxonomy: Taxonomy
) -> None:
    from learnloop.demo import build as demo_build
    from learnloop.skills import actions

    organization = org.organization
    organization.slug = demo_build.SLUG
    organization.save(update_fields=["slug"])
    own = actions.add_own_skill(organization, "Northwind billing internals", actor=None)
    actions.save_role_profile(organization, "Billing expert", [(own, 3, 1.0)], actor=None)
    demo.build(organization, seed=3, today=DAY)
    demo_build.remove()
    assert not RoleProfile.objects.exists()
    assert not SkillClaim.objects.exists()
    assert not Framework.objects.exists()
