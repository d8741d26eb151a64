"""Chromium pastes a CV, watches the job finish through htmx polling and accepts a skill,
under the site's strict CSP (no inline script)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from learnloop.conftest import Org
from learnloop.skills import tasks
from learnloop.skills.models import InferenceJob, SkillClaim, Source
from learnloop.skills.tests.conftest import Taxonomy

pytestmark = pytest.mark.browser


def test_a_pasted_cv_is_read_in_the_background_and_the_page_updates_itself(
    open_page: Any, transactional_db: None, org: Org, taxonomy: Taxonomy
) -> None:
    page = open_page()
    page.goto("/")
    page.get_by_label("Work e-mail").fill(org.employee.user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/skills/infer/")
    page.get_by_label("Text").fill("I wrote SQL reports.\nNow I manage a team of five.")
    page.get_by_role("button", name="Suggest skills").click()
    page.wait_for_url(re.compile(r"/skills/infer/$"))
    page.locator("progress").wait_for()  # queued: the page shows progress and polls

    job = InferenceJob.objects.get(employee=org.employee)
    tasks.infer_skills.call(job.pk)  # the worker's turn

    evidence = page.locator("mark.evidence", has_text="manage a team")
    evidence.wait_for(timeout=10_000)  # the next poll brings the suggestions in
    assert page.locator("progress").count() == 0
    suggestion = page.locator(".suggestion", has=evidence)
    suggestion.get_by_label("Level").select_option("3")
    suggestion.get_by_role("button", name="Accept").click()
    suggestion.wait_for(state="detached")
    claim = SkillClaim.objects.get(employee=org.employee, skill=taxonomy.team)
    assert (claim.source, claim.level) == (Source.INFERRED, 3)
    assert page.problems == []  # no CSP violation or script error
