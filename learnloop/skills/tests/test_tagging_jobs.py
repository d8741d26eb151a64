"""Tagging a description with skills runs in the worker, like reading a CV: the request only
queues a job, the role page polls it with htmx, the API answers 202 with a status URL."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from learnloop.conftest import Org
from learnloop.skills import actions, jobs, queries, tasks
from learnloop.skills.models import RoleProfile, TaggingJob
from learnloop.skills.tests.conftest import Taxonomy

API = "/api/v1/skills"
DESCRIPTION = "You provide nursing care and manage a team of nurses."


def client(org: Org, role: str) -> Client:
    c = Client()
    c.force_login(org.user(role))
    return c


@pytest.fixture
def ward(org: Org, taxonomy: Taxonomy) -> RoleProfile:
    return actions.save_role_profile(
        org.organization, "Ward lead", [], actor=None, actor_label="test",
        description=DESCRIPTION,
    )  # fmt: skip


@pytest.fixture
def no_inference_in_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sentence model ran inside the request")

    monkeypatch.setattr(queries, "infer_skills", slow)


@pytest.mark.urls("learnloop.skills.tests.urls")
def test_the_api_queues_the_text_and_answers_202_then_the_skills(
    org: Org, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = client(org, "ld")
    real = queries.infer_skills
    monkeypatch.setattr(queries, "infer_skills", None)  # any call in the request fails
    response = c.post(
        f"{API}/tag", json.dumps({"text": DESCRIPTION, "top": 5}), content_type="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["results"]) == ("pending", [])
    assert response["Location"] == body["status_url"]
    monkeypatch.setattr(queries, "infer_skills", real)
    tasks.tag_skills.call(body["id"])  # what the worker runs
    done = c.get(body["status_url"]).json()
    assert done["status"] == "done"
    labels = [t["skill"]["label"] for t in done["results"]]
    assert {"provide nursing care", "manage a team"} <= set(labels) and len(labels) <= 5
    job = TaggingJob.objects.get(pk=body["id"])
    assert job.text == ""  # the text is not kept once the job ends


def test_an_empty_text_is_refused_before_any_job_exists(org: Org, taxonomy: Taxonomy) -> None:
    response = client(org, "ld").post(
        f"{API}/tag", json.dumps({"text": "   "}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "text: there is no text to tag"
    assert not TaggingJob.objects.exists()


def test_the_role_page_polls_the_job_and_then_offers_the_skills(
    org: Org, taxonomy: Taxonomy, ward: RoleProfile, no_inference_in_the_request: None
) -> None:
    ld = client(org, "ld")
    assert ld.post(reverse("skills:role", args=[ward.pk]), {"action": "tag"}).status_code == 302
    job = TaggingJob.objects.get(profile=ward)
    status_url = reverse("skills:tagging_job", args=[job.pk])
    page = ld.get(reverse("skills:role", args=[ward.pk])).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page
    assert "<script>" not in page  # the polling is htmx attributes only (CSP)


def test_the_finished_fragment_stops_polling_and_adds_the_checked_skills(
    org: Org, taxonomy: Taxonomy, ward: RoleProfile
) -> None:
    ld = client(org, "ld")
    job = jobs.request_tagging(org.organization, DESCRIPTION, actor=None, profile=ward)
    tasks.tag_skills.call(job.pk)
    fragment = ld.get(
        reverse("skills:tagging_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-trigger" not in fragment and "provide nursing care" in fragment
    assert f'action="{reverse("skills:role", args=[ward.pk])}"' in fragment
    ld.post(
        reverse("skills:role", args=[ward.pk]),
        {"action": "add", "skills": [taxonomy.nursing.pk]},
    )
    assert list(ward.requirements.values_list("skill__label", flat=True)) == [
        "provide nursing care"
    ]


def test_a_missing_taxonomy_fails_the_job_with_a_clear_error(
    org: Org, taxonomy: Taxonomy, ward: RoleProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def empty(*args: object, **kwargs: object) -> None:
        raise LookupError("the skills taxonomy is empty: run `learnloop taxonomy load`")

    monkeypatch.setattr(queries, "infer_skills", empty)
    job = jobs.request_tagging(org.organization, DESCRIPTION, actor=None, profile=ward)
    done = jobs.run_tagging(job.pk)
    assert done is not None and done.status == "failed"
    assert done.error.startswith("The skills engine is not ready: the skills taxonomy is empty")
    assert jobs.run_tagging(job.pk) is None  # a job runs once


def test_only_curators_of_the_organization_follow_a_job(
    org: Org, taxonomy: Taxonomy, ward: RoleProfile
) -> None:
    job = jobs.request_tagging(org.organization, DESCRIPTION, actor=None, profile=ward)
    assert client(org, "employee").get(f"{API}/tagging-jobs/{job.pk}").status_code == 403
    assert client(org, "hr").get(f"{API}/tagging-jobs/{job.pk}").status_code == 200
