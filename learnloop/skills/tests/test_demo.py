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


def test_demo_career_paths_climb_each_ladder_and_never_jump_to_another(
    org: Org, taxonomy: Taxonomy
) -> None:
    from learnloop.demo.company import DIVISIONS, build_company
    from learnloop.people import actions as people
    from learnloop.people.importing.plan import plan_import

    company = build_company(160, 5, DAY)
    organization = people.create_organization("Ladders Inc", "ladders", actor_label="test")
    plan = plan_import(company.rows(), **people.snapshot(organization))
    people.apply_plan(organization, plan, actor_label="test")
    demo.build(organization, seed=5, today=DAY)

    paths = {
        (p.source.name, p.target.name, p.note)
        for p in CareerPath.objects.filter(organization=organization).select_related(
            "source", "target"
        )
    }
    ladders = [team.ladder for division in DIVISIONS for team in division.teams]
    on_a_ladder = {title for ladder in ladders for title in ladder}

    def climbs(source: str, target: str) -> bool:
        return any(
            source in ladder and target in ladder and ladder.index(target) > ladder.index(source)
            for ladder in ladders
        )

    steps = {(s, t) for s, t, note in paths if note == demo.NEXT_STEP}
    assert ("Software Engineer I", "Software Engineer II") in steps
    assert not {t for s, t in steps if s == "Software Engineer I"} - {"Software Engineer II"}
    for source, target in steps:
        if source in on_a_ladder:
            assert climbs(source, target), (source, target)
        else:  # a management role steps up to a more senior management role only
            assert target not in on_a_ladder, (source, target)
    jobs = {j.title: j for j in organization.job_roles.all()}
    laterals = {(s, t) for s, t, note in paths if note == demo.LATERAL}
    assert laterals, "expected lateral moves between ladders of one family"
    for source, target in laterals:
        assert (jobs[source].family, jobs[source].level) == (
            jobs[target].family,
            jobs[target].level,
        )
        assert not climbs(source, target) and not climbs(target, source)
    into_management = {(s, t) for s, t, note in paths if note == demo.INTO_MANAGEMENT}
    assert ("Senior Software Engineer", "Engineering Manager") in into_management
    assert all(s in on_a_ladder and t not in on_a_ladder for s, t in into_management)
    assert all((jobs[s].level or 0) >= 2 for s, _ in into_management)
