from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from learnloop.conftest import Org
from learnloop.skills.models import RoleProfile, SkillClaim, Source, Suggestion
from learnloop.skills.tests.conftest import Taxonomy, Worker

pytestmark = pytest.mark.urls("learnloop.skills.tests.urls")
ALL = ("employee", "manager", "peer", "hr", "ld", "executive", "outsider")
API = "/api/v1/skills"


def client(org: Org, role: str) -> Client:
    c = Client()
    c.force_login(org.user(role))
    return c


def post(c: Client, url: str, body: object) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/taxonomy",
        f"{API}/roles",
        f"{API}/suggestions",
        f"{API}/gaps/team",
        f"{API}/gaps/inventory",
    ],
)
def test_every_endpoint_refuses_anonymous_callers_with_the_json_error(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (f"{API}/taxonomy", set(ALL)),
        (f"{API}/roles", set(ALL)),
        (f"{API}/suggestions", set(ALL)),
        (f"{API}/gaps/team", {"manager", "hr"}),
        (f"{API}/gaps/inventory", {"hr", "ld", "executive"}),
    ],
)
def test_organization_endpoints_follow_the_role_matrix(
    org: Org, taxonomy: Taxonomy, url: str, allowed: set[str]
) -> None:
    for role in ALL:
        response = client(org, role).get(url)
        assert response.status_code == (200 if role in allowed else 403), (role, url)


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
def test_profile_and_gaps_of_a_person_follow_the_role_matrix(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    c = client(org, role)
    profile = c.get(f"{API}/people/{org.employee.pk}/profile")
    gaps = c.get(f"{API}/people/{org.employee.pk}/gaps")
    assert (profile.status_code, gaps.status_code) == (status, status)
    if status == 200:
        entry = profile.json()[0]
        assert entry["skill"]["label"] == "Python (computer programming)"
        assert entry["evidence"][0]["source"] == "self"
        assert gaps.json()["current"]["profile"] == "Engineer"


@pytest.mark.parametrize(
    ("role", "status", "source"),
    [
        ("employee", 201, "self"),
        ("manager", 201, "manager"),
        ("hr", 403, None),
        ("peer", 403, None),
        ("outsider", 404, None),
    ],
)
def test_claims_through_the_api_are_self_assessments_or_validations(
    org: Org, taxonomy: Taxonomy, role: str, status: int, source: str | None
) -> None:
    response = post(
        client(org, role),
        f"{API}/people/{org.employee.pk}/claims",
        {"skill_id": taxonomy.sql.pk, "level": 3},
    )
    assert response.status_code == status
    if source:
        assert response.json()["source"] == source


def test_a_bad_level_or_skill_gets_a_400_naming_the_field(org: Org, taxonomy: Taxonomy) -> None:
    c = client(org, "employee")
    response = post(
        c, f"{API}/people/{org.employee.pk}/claims", {"skill_id": taxonomy.sql.pk, "level": 0}
    )
    assert response.status_code == 400
    assert "level must be between 1 and 5" in response.json()["error"]["message"]
    response = post(c, f"{API}/people/{org.employee.pk}/claims", {"skill_id": 999999, "level": 2})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("skill_id")


@pytest.mark.parametrize(
    ("role", "status"), [("peer", 201), ("hr", 201), ("employee", 403), ("outsider", 404)]
)
def test_endorsements_come_from_colleagues(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    response = post(
        client(org, role),
        f"{API}/people/{org.employee.pk}/endorsements",
        {"skill_id": taxonomy.team.pk, "level": 4},
    )
    assert response.status_code == status
    assert SkillClaim.objects.filter(source=Source.PEER).count() == (1 if status == 201 else 0)


def test_text_suggestions_then_a_decision(org: Org, taxonomy: Taxonomy, worker: Worker) -> None:
    c = client(org, "employee")
    with worker():
        response = post(c, f"{API}/suggestions", {"text": "Daily SQL work. I manage a team."})
    assert response.status_code == 202
    status = c.get(response["Location"]).json()
    assert status["status"] == "done"
    found = {s["skill"]["label"]: s for s in status["suggestions"]}
    assert found["manage a team"]["evidence"] == "manage a team"
    decided = post(
        c,
        f"{API}/suggestions/{found['manage a team']['id']}/decision",
        {"accept": True, "level": 4},
    )
    assert decided.json()["status"] == "accepted"
    assert SkillClaim.objects.get(skill=taxonomy.team).level == 4
    again = post(c, f"{API}/suggestions/{found['manage a team']['id']}/decision", {"accept": False})
    assert again.status_code == 400
    other = post(
        client(org, "manager"), f"{API}/suggestions/{found['SQL']['id']}/decision", {"accept": True}
    )
    assert other.status_code == 403
    assert Suggestion.objects.get(pk=found["SQL"]["id"]).status == "pending"


@pytest.mark.parametrize(
    ("role", "status"),
    [("ld", 202), ("hr", 202), ("employee", 403), ("manager", 403), ("executive", 403)],
)
def test_tagging_is_for_curators_and_writes_nothing(
    org: Org, taxonomy: Taxonomy, worker: Worker, role: str, status: int
) -> None:
    c = client(org, role)
    with worker():
        response = post(c, f"{API}/tag", {"text": "This course teaches SQL."})
    assert response.status_code == status
    if status == 202:
        done = c.get(response["Location"]).json()
        assert "SQL" in [t["skill"]["label"] for t in done["results"]]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("hr", 200), ("ld", 200), ("employee", 403), ("manager", 403), ("executive", 403)],
)
def test_role_profiles_are_written_by_curators(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    body = {
        "name": "Analyst",
        "requirements": [{"skill_id": taxonomy.sql.pk, "target_level": 3, "weight": 2}],
    }
    response = client(org, role).put(
        f"{API}/roles", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == status
    assert RoleProfile.objects.filter(name="Analyst").exists() == (status == 200)


def test_a_role_csv_with_a_bad_row_is_refused_whole(org: Org, taxonomy: Taxonomy) -> None:
    text = "role_profile,skill,target_level,weight\nAnalyst,SQL,3,1\nAnalyst,SQL,three,1\n"
    response = client(org, "hr").post(
        f"{API}/roles/import", {"file": SimpleUploadedFile("r.csv", text.encode())}
    )
    assert response.status_code == 400
    assert "line 3, column target_level" in response.json()["error"]["message"]
    assert not RoleProfile.objects.filter(name="Analyst").exists()


def test_the_heatmap_json_has_a_row_per_report_and_the_inventory_suppresses_small_counts(
    org: Org, taxonomy: Taxonomy
) -> None:
    heatmap = client(org, "manager").get(f"{API}/gaps/team").json()
    assert {p["name"] for p in heatmap["people"]} == {"Emma Employee", "Pete Peer"}
    assert heatmap["skills"][0]["label"] == "Python (computer programming)"
    executive = client(org, "executive").get(f"{API}/gaps/inventory").json()
    assert executive["skills"][0]["holders"] is None
    assert all(b["people"] == [] for b in executive["bench"])
    hr = client(org, "hr").get(f"{API}/gaps/inventory").json()
    assert hr["skills"][0]["holders"] == 1
