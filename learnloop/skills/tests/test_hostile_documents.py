"""Hostile CVs (zip bombs, archives of thousands of parts, entries that climb out of the
archive, PDFs that keep a reader busy) fail their job with a clear message, and the worker's
memory and time stay bounded."""

from __future__ import annotations

import resource
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from learnloop.conftest import Org
from learnloop.skills import documents, jobs
from learnloop.skills.models import InferenceJob, Suggestion
from learnloop.skills.tests.conftest import Taxonomy, Worker
from learnloop.uploads.sandbox import Limits
from learnloop.uploads.tests import hostile


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(org: Org, name: str, data: bytes) -> InferenceJob:
    job = jobs.request_inference(
        org.employee, actor=org.employee.user, document=data, source_name=name
    )
    jobs.run_inference(job.pk)
    job.refresh_from_db()
    return job


def test_a_zip_bomb_docx_fails_its_job_without_being_decompressed(
    org: Org, taxonomy: Taxonomy
) -> None:
    bomb = hostile.docx(paragraphs=300_000)  # 10 MB of XML, 300,000 paragraphs
    assert len(bomb) < 100_000
    before, start = _peak_mb(), time.monotonic()
    job = _run(org, "cv.docx", bomb)
    assert job.status == "failed"
    assert job.error == (
        "cv.docx: the archive entry 'word/document.xml' is compressed more than 100 to 1 "
        "(a zip bomb?)"
    )
    assert _peak_mb() - before < 30
    assert time.monotonic() - start < 5
    assert bytes(job.document) == b"" and not Suggestion.objects.exists()


def test_a_docx_of_thousands_of_parts_is_refused(org: Org, taxonomy: Taxonomy) -> None:
    job = _run(org, "cv.docx", hostile.docx(extra_entries=5000))
    assert (job.status, job.error) == (
        "failed",
        "cv.docx: the archive has 5003 entries, more than 1000",
    )


def test_a_docx_with_an_entry_that_climbs_out_is_refused(org: Org, taxonomy: Taxonomy) -> None:
    job = _run(org, "cv.docx", hostile.docx(extra_name="../../../etc/cron.d/x"))
    assert (job.status, job.error) == (
        "failed",
        "cv.docx: the archive entry '../../../etc/cron.d/x' has an unsafe path",
    )


def test_a_pdf_that_keeps_the_reader_busy_is_stopped_at_the_processing_limit(
    org: Org, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300,000 drawing operators in a few kilobytes: about ten seconds of pypdf.
    monkeypatch.setattr(documents, "PARSE_LIMITS", Limits(cpu_seconds=1, wall_seconds=10))
    start = time.monotonic()
    job = _run(org, "cv.pdf", hostile.slow_pdf(300_000))
    assert (job.status, job.error) == (
        "failed",
        "cv.pdf: reading it took more than 1 seconds of processing",
    )
    assert time.monotonic() - start < 5


def test_a_pdf_is_read_up_to_the_page_and_character_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_PAGES", 3)
    text = documents.extract_text("cv.pdf", hostile.pdf(pages=10))
    assert text.count("I wrote SQL reports.") == 3
    long_page = b"BT /F1 12 Tf " + b"(SQL reports and more. ) Tj " * 5000 + b"ET"
    assert len(documents.extract_text("cv.pdf", hostile.pdf(long_page, pages=3))) == (
        documents.MAX_CHARS
    )


def test_an_ordinary_docx_and_pdf_are_still_read() -> None:
    assert documents.extract_text("cv.docx", hostile.docx()) == "I wrote SQL reports."
    assert documents.extract_text("cv.pdf", hostile.pdf()) == "I wrote SQL reports."


def test_the_page_shows_the_failed_job_with_its_reason(
    org: Org, taxonomy: Taxonomy, worker: Worker
) -> None:
    c = Client()
    c.force_login(org.user("employee"))
    with worker():
        c.post(
            reverse("skills:infer"),
            {"file": SimpleUploadedFile("cv.docx", hostile.docx(extra_entries=5000))},
        )
    job = InferenceJob.objects.get(employee=org.employee)
    page = c.get(reverse("skills:inference_job", args=[job.pk])).content.decode()
    assert "cv.docx: the archive has 5003 entries, more than 1000" in page
