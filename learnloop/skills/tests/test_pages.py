from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from learnloop.conftest import Org
from learnloop.skills.models import EmployeeSkill, SkillClaim, Source, Suggestion
from learnloop.skills.tests.conftest import Taxonomy, Worker

ALL = ("employee", "manager", "peer", "hr", "ld", "executive", "outsider")


def client(org: Org, role: str) -> Client:
    c = Client()
    c.force_login(org.user(role))
    return c


@pytest.mark.parametrize(
    "name",
    [
        "skills:home",
        "skills:infer",
        "skills:taxonomy",
        "skills:roles",
        "skills:frameworks",
        "skills:gaps",
        "skills:team_gaps",
        "skills:inventory",
    ],
)
def test_every_page_sends_anonymous_visitors_to_sign_in(db: None, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("skills:home", set(ALL)),
        ("skills:infer", set(ALL)),
        ("skills:taxonomy", set(ALL)),
        ("skills:roles", set(ALL)),
        ("skills:frameworks", set(ALL)),
        ("skills:gaps", set(ALL)),
        ("skills:team_gaps", {"manager", "hr"}),
        ("skills:inventory", {"hr", "ld", "executive"}),
    ],
)
def test_the_organization_pages_follow_the_role_matrix(
    org: Org, taxonomy: Taxonomy, name: str, allowed: set[str]
) -> None:
    for role in ALL:
        response = client(org, role).get(reverse(name))
        assert response.status_code == (200 if role in allowed else 403), (role, name)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 200),
        ("manager", 200),
        ("hr", 200),
        ("peer", 403),
        ("ld", 403),
        ("executive", 403),
        ("outsider", 404),
    ],
)
def test_a_profile_is_seen_by_the_person_their_managers_and_hr_only(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    response = client(org, role).get(reverse("skills:person", args=[org.employee.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"Python (computer programming)" in response.content
        assert b"Commission Decision 2011/833/EU" in response.content


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 302),
        ("manager", 302),
        ("hr", 403),
        ("peer", 403),
        ("ld", 403),
        ("executive", 403),
        ("outsider", 404),
    ],
)
def test_the_person_claims_their_manager_validates_and_nobody_else_writes(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    response = client(org, role).post(
        reverse("skills:add_claim", args=[org.employee.pk]),
        {"skill": taxonomy.sql.pk, "level": 3, "evidence": "reporting queries"},
    )
    assert response.status_code == status
    claims = SkillClaim.objects.filter(employee=org.employee, skill=taxonomy.sql)
    if status == 302:
        assert claims.get().source == (Source.SELF if role == "employee" else Source.MANAGER)
    else:
        assert not claims.exists()


def test_a_manager_validation_outweighs_the_self_claim_in_the_stored_profile(
    org: Org, taxonomy: Taxonomy
) -> None:
    client(org, "employee").post(
        reverse("skills:add_claim", args=[org.employee.pk]), {"skill": taxonomy.sql.pk, "level": 5}
    )
    client(org, "manager").post(
        reverse("skills:add_claim", args=[org.employee.pk]), {"skill": taxonomy.sql.pk, "level": 2}
    )
    entry = EmployeeSkill.objects.get(employee=org.employee, skill=taxonomy.sql)
    assert entry.validated
    assert entry.level < 3.5


def test_a_level_outside_the_scale_is_refused_with_a_clear_message(
    org: Org, taxonomy: Taxonomy
) -> None:
    response = client(org, "employee").post(
        reverse("skills:add_claim", args=[org.employee.pk]),
        {"skill": taxonomy.sql.pk, "level": 9},
        follow=True,
    )
    assert b"level must be between 1 and 5" in response.content
    assert not SkillClaim.objects.filter(skill=taxonomy.sql).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("peer", 200), ("manager", 200), ("hr", 200), ("employee", 403), ("outsider", 404)],
)
def test_colleagues_may_endorse_but_not_oneself(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    url = reverse("skills:endorse", args=[org.employee.pk])
    assert client(org, role).get(url).status_code == status
    if status == 200:
        client(org, role).post(url, {"skill": taxonomy.team.pk, "level": 3})
        assert SkillClaim.objects.filter(skill=taxonomy.team, source=Source.PEER).count() == 1


def test_pasted_text_gives_suggestions_that_enter_the_profile_only_when_accepted(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    employee = client(org, "employee")
    with worker():
        employee.post(
            reverse("skills:infer"), {"text": "I wrote SQL reports.\nNow I manage a team of five."}
        )
    suggestions = {s.skill.label: s for s in Suggestion.objects.filter(employee=org.employee)}
    assert {"SQL", "manage a team"} <= set(suggestions)
    assert suggestions["manage a team"].evidence == "manage a team"
    assert not EmployeeSkill.objects.filter(employee=org.employee, skill=taxonomy.team).exists()
    page = employee.get(reverse("skills:infer"))
    assert b'Now I <mark class="evidence">manage a team</mark> of five.' in page.content
    employee.post(
        reverse("skills:decide", args=[suggestions["manage a team"].pk]),
        {"decision": "accept", "level": 3},
    )
    employee.post(reverse("skills:decide", args=[suggestions["SQL"].pk]), {"decision": "reject"})
    claim = SkillClaim.objects.get(employee=org.employee, skill=taxonomy.team)
    assert (claim.source, claim.level, claim.evidence) == (Source.INFERRED, 3, "manage a team")
    assert not SkillClaim.objects.filter(employee=org.employee, skill=taxonomy.sql).exists()


@pytest.mark.parametrize("role", ["manager", "hr", "peer"])
def test_nobody_else_decides_on_a_persons_suggestions(
    org: Org, taxonomy: Taxonomy, role: str
) -> None:
    suggestion = Suggestion.objects.create(
        employee=org.employee, skill=taxonomy.sql, sentence="SQL", score=0.9
    )
    response = client(org, role).post(
        reverse("skills:decide", args=[suggestion.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING


def test_an_upload_that_is_not_a_document_is_refused_by_name(org: Org, taxonomy: Taxonomy) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client(org, "employee").post(
        reverse("skills:infer"), {"file": SimpleUploadedFile("cv.exe", b"MZ")}, follow=True
    )
    assert b"cv.exe: upload a .txt, .pdf or .docx file" in response.content


def test_a_docx_cv_is_read(org: Org, taxonomy: Taxonomy, worker: Worker) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    document = Document()
    document.add_paragraph("Five years of SQL and Python programming.")
    buffer = io.BytesIO()
    document.save(buffer)
    with worker():
        client(org, "employee").post(
            reverse("skills:infer"), {"file": SimpleUploadedFile("cv.docx", buffer.getvalue())}
        )
    labels = set(
        Suggestion.objects.filter(employee=org.employee).values_list("skill__label", flat=True)
    )
    assert "SQL" in labels


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("hr", True), ("ld", True), ("manager", False), ("employee", False), ("executive", False)],
)
def test_only_curators_create_role_profiles(
    org: Org, taxonomy: Taxonomy, role: str, allowed: bool
) -> None:
    response = client(org, role).post(
        reverse("skills:roles"), {"name": "Analyst", "description": "Writes SQL."}
    )
    assert response.status_code == (302 if allowed else 403)


def test_role_profile_csv_round_trips_and_bad_rows_change_nothing(
    org: Org, taxonomy: Taxonomy
) -> None:
    hr = client(org, "hr")
    exported = hr.get(reverse("skills:roles_csv")).content.decode()
    assert "Engineer,Python (computer programming)" in exported
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = "role_profile,skill,target_level,weight\nAnalyst,SQL,3,1\nAnalyst,Cobol wizardry,9,1\n"
    response = hr.post(
        reverse("skills:roles"), {"file": SimpleUploadedFile("r.csv", bad.encode())}, follow=True
    )
    assert b"line 3, column skill" in response.content
    assert b"line 3, column target_level" in response.content
    from learnloop.skills.models import RoleProfile

    assert not RoleProfile.objects.filter(name="Analyst").exists()
    good = "role_profile,skill,target_level,weight\nAnalyst,SQL,3,1\nAnalyst,manage a team,2,0.5\n"
    hr.post(reverse("skills:roles"), {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert RoleProfile.objects.get(name="Analyst").requirements.count() == 2


def test_the_team_heatmap_shows_levels_against_each_persons_target(
    org: Org, taxonomy: Taxonomy
) -> None:
    response = client(org, "manager").get(reverse("skills:team_gaps"))
    assert response.status_code == 200
    assert b"Emma Employee" in response.content
    assert b"cell-gap" in response.content  # Python 2 against a target of 3
    csv_text = (
        client(org, "manager").get(reverse("skills:team_gaps") + "?format=csv").content.decode()
    )
    assert "Emma Employee" in csv_text and "2.0/3" in csv_text


def test_a_manager_heatmap_never_includes_people_outside_their_reports(
    org: Org, taxonomy: Taxonomy
) -> None:
    response = client(org, "manager").get(reverse("skills:team_gaps"))
    assert b"Hana Hr" not in response.content


def test_executives_see_inventory_counts_below_the_minimum_suppressed(
    org: Org, taxonomy: Taxonomy
) -> None:
    executive = client(org, "executive").get(reverse("skills:inventory"))
    assert b'<span class="suppressed">hidden</span>' in executive.content
    assert b"Emma Employee" not in executive.content
    hr = client(org, "hr").get(reverse("skills:inventory"))
    assert b'<span class="suppressed">' not in hr.content


def test_a_person_sets_a_target_role_and_sees_both_gaps(org: Org, taxonomy: Taxonomy) -> None:
    from learnloop.skills import actions

    lead = actions.save_role_profile(
        org.organization, "Team lead", [(taxonomy.team, 3, 1.0)], actor=None, actor_label="test"
    )
    employee = client(org, "employee")
    employee.post(reverse("skills:gaps"), {"goal": lead.pk})
    page = employee.get(reverse("skills:gaps"))
    assert b"Against the target role: Team lead" in page.content
    assert b"Readiness" in page.content


def test_a_peer_cannot_see_someone_elses_gaps(org: Org, taxonomy: Taxonomy) -> None:
    response = client(org, "peer").get(reverse("skills:gaps") + f"?person={org.employee.pk}")
    assert response.status_code == 403


def test_hidden_skills_drop_out_of_search_and_synonyms_feed_inference(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    hr = client(org, "hr")
    hr.post(reverse("skills:skill", args=[taxonomy.nursing.pk]), {"synonyms": "", "hidden": "on"})
    assert b"provide nursing care" not in hr.get(reverse("skills:taxonomy") + "?q=nursing").content
    hr.post(reverse("skills:skill", args=[taxonomy.sql.pk]), {"synonyms": "postgres wrangling"})
    with worker():
        client(org, "employee").post(
            reverse("skills:infer"), {"text": "Mostly postgres wrangling lately."}
        )
    assert Suggestion.objects.filter(employee=org.employee, skill=taxonomy.sql).exists()


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 302), ("ld", 302), ("employee", 403), ("manager", 403)]
)
def test_only_curators_change_a_skills_settings(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    response = client(org, role).post(
        reverse("skills:skill", args=[taxonomy.sql.pk]), {"hidden": "on"}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 302), ("ld", 302), ("employee", 403), ("manager", 403)]
)
def test_curators_add_career_paths_between_role_profiles(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    from learnloop.skills import actions
    from learnloop.skills.models import CareerPath

    lead = actions.save_role_profile(
        org.organization, "Team lead", [], actor=None, actor_label="test"
    )
    response = client(org, role).post(
        reverse("skills:role", args=[taxonomy.role.pk]), {"action": "path", "target": lead.pk}
    )
    assert response.status_code == status
    assert CareerPath.objects.filter(source=taxonomy.role, target=lead).exists() == (status == 302)


def test_curators_tag_a_role_profile_from_its_description_and_add_the_skills(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    from learnloop.skills import actions

    role = actions.save_role_profile(
        org.organization, "Ward lead", [], actor=None, actor_label="test",
        description="You provide nursing care and manage a team of nurses.",
    )  # fmt: skip
    ld = client(org, "ld")
    with worker():
        ld.post(reverse("skills:role", args=[role.pk]), {"action": "tag"})
    page = ld.get(reverse("skills:role", args=[role.pk]))
    assert b"provide nursing care" in page.content
    ld.post(
        reverse("skills:role", args=[role.pk]),
        {"action": "add", "skills": [taxonomy.nursing.pk, taxonomy.team.pk]},
    )
    assert set(role.requirements.values_list("skill__label", flat=True)) == {
        "provide nursing care",
        "manage a team",
    }
