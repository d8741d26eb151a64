"""CVs and pasted text are read by the worker: the request only queues a job, the page polls
it with htmx, the API answers 202 with a status URL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from learnloop.audit import events
from learnloop.audit.models import AuditEvent
from learnloop.conftest import Org
from learnloop.skills import jobs, tasks
from learnloop.skills.models import InferenceJob, Suggestion
from learnloop.skills.tests.conftest import Taxonomy, Worker

API = "/api/v1/skills"
TEXT = "I wrote SQL reports.\nNow I manage a team of five."


def client(org: Org, role: str) -> Client:
    c = Client()
    c.force_login(org.user(role))
    return c


def test_posting_text_queues_a_job_and_writes_no_suggestion_during_the_request(
    org: Org, taxonomy: Taxonomy
) -> None:
    response = client(org, "employee").post(reverse("skills:infer"), {"text": TEXT})
    assert response.status_code == 302
    job = InferenceJob.objects.get(employee=org.employee)
    assert (job.status, job.source_name, job.text) == ("pending", "pasted text", TEXT)
    assert not Suggestion.objects.filter(employee=org.employee).exists()


def test_the_page_polls_a_running_job_and_stops_once_it_shows_the_suggestions(
    org: Org, taxonomy: Taxonomy
) -> None:
    employee = client(org, "employee")
    employee.post(reverse("skills:infer"), {"text": TEXT})
    job = InferenceJob.objects.get(employee=org.employee)
    status_url = reverse("skills:inference_job", args=[job.pk])
    page = employee.get(reverse("skills:infer")).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page
    assert "<script>" not in page  # the polling is htmx attributes only (CSP)

    tasks.infer_skills.call(job.pk)  # what the worker runs

    fragment = employee.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    assert "2 new skill suggestions" in fragment
    assert 'Now I <mark class="evidence">manage a team</mark> of five.' in fragment
    job.refresh_from_db()
    assert (job.status, job.suggestion_count, job.text) == ("done", 2, "")
    assert set(job.suggestions.values_list("skill__label", flat=True)) == {"SQL", "manage a team"}


def test_a_damaged_document_fails_with_a_clear_error_and_nothing_written(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    employee = client(org, "employee")
    with worker():
        employee.post(
            reverse("skills:infer"), {"file": SimpleUploadedFile("cv.docx", b"not a zip file")}
        )
    job = InferenceJob.objects.get(employee=org.employee)
    assert job.status == "failed"
    assert job.error.startswith("cv.docx: not a readable .docx file")
    assert bytes(job.document) == b""  # the upload is not kept after the job
    assert not Suggestion.objects.filter(employee=org.employee).exists()
    page = employee.get(reverse("skills:inference_job", args=[job.pk])).content.decode()
    assert 'role="alert"' in page and "cv.docx: not a readable .docx file" in page
    assert AuditEvent.objects.filter(action="skills.inference_failed").count() == 1


def test_a_failure_while_storing_suggestions_rolls_all_of_them_back(
    org: Org, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = jobs.request_inference(org.employee, actor=org.employee.user, text=TEXT)
    record = events.record

    def broken(action: str, **kwargs: Any) -> Any:
        if action == "skills.suggestions_created":  # after the suggestions are inserted
            raise RuntimeError("disk full")
        return record(action, **kwargs)

    monkeypatch.setattr(events, "record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        jobs.run_inference(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "nothing was added" in job.error
    assert not Suggestion.objects.filter(employee=org.employee).exists()


def test_a_job_runs_once_even_when_queued_twice(org: Org, taxonomy: Taxonomy) -> None:
    job = jobs.request_inference(org.employee, actor=org.employee.user, text=TEXT)
    assert jobs.run_inference(job.pk) is not None
    assert jobs.run_inference(job.pk) is None
    assert Suggestion.objects.filter(employee=org.employee).count() == 2


def test_an_empty_paste_is_refused_before_any_job_exists(org: Org, taxonomy: Taxonomy) -> None:
    page = client(org, "employee").post(reverse("skills:infer"), {"text": "  "}, follow=False)
    assert b"text: paste some text or choose a file" in page.content
    assert not InferenceJob.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("manager", 403), ("hr", 403), ("peer", 403)])
def test_only_the_person_follows_their_job(
    org: Org, taxonomy: Taxonomy, role: str, status: int
) -> None:
    job = jobs.request_inference(org.employee, actor=org.employee.user, text=TEXT)
    assert client(org, role).get(reverse("skills:inference_job", args=[job.pk])).status_code == (
        status
    )
    api = client(org, role).get(f"{API}/inference-jobs/{job.pk}")
    assert api.status_code == status
    assert client(org, "employee").get(f"{API}/inference-jobs/{job.pk}").status_code == 200


@pytest.mark.urls("learnloop.skills.tests.urls")
def test_the_api_answers_202_with_a_status_url_then_the_result(
    org: Org, taxonomy: Taxonomy
) -> None:
    c = client(org, "employee")
    response = c.post(
        f"{API}/suggestions", json.dumps({"text": TEXT}), content_type="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["suggestions"] == []
    assert response["Location"] == body["status_url"]
    assert c.get(body["status_url"]).json()["status"] == "pending"
    tasks.infer_skills.call(body["id"])
    done = c.get(body["status_url"]).json()
    assert done["status"] == "done" and done["suggestion_count"] == 2
    assert {s["skill"]["label"] for s in done["suggestions"]} == {"SQL", "manage a team"}


@pytest.mark.urls("learnloop.skills.tests.urls")
def test_an_uploaded_document_that_cannot_be_read_ends_in_a_failed_job(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    c = client(org, "employee")
    with worker():
        response = c.post(
            f"{API}/suggestions/upload", {"file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4 junk")}
        )
    assert response.status_code == 202
    result = c.get(response["Location"]).json()
    assert result["status"] == "failed"
    assert result["error"].startswith("cv.pdf: ")
    assert result["suggestions"] == []
    refused = c.post(f"{API}/suggestions/upload", {"file": SimpleUploadedFile("cv.exe", b"MZ")})
    assert refused.status_code == 400
    assert "cv.exe: upload a .txt, .pdf or .docx file" in refused.json()["error"]["message"]
