"""Chromium: the employee persona self-matches and requests a mentor; the L&D admin optimizes a
pool and publishes the draft."""

from __future__ import annotations

import re

import pytest

from learnloop.conftest import sign_in
from learnloop.mentoring.models import Draft, Program, Relationship

pytestmark = pytest.mark.browser


def test_a_mentee_sees_explained_suggestions_and_requests_a_mentor(page, personas):
    user = personas["employee"].user
    program = Program.objects.get(status=Program.Status.OPEN)
    sign_in(page, user.email)
    page.goto("/mentoring/")
    page.get_by_role("link", name=program.name).click()
    page.get_by_role("link", name="See the mentors who suit you best").click()
    page.wait_for_url(re.compile(r"/suggestions/$"))
    first = page.locator("article").first
    first.get_by_role("table").get_by_text("Skill complementarity").wait_for()
    first.get_by_role("textbox").fill("I would love to learn from you.")
    first.get_by_role("button", name=re.compile(r"^Request .* as my mentor$")).click()
    page.wait_for_url(re.compile(r"/mentoring/pairs/\d+/$"))
    page.get_by_text("Requested").first.wait_for()
    request = Relationship.objects.get(program=program, mentee__user=user)
    assert request.status == "requested" and request.message == "I would love to learn from you."
    assert page.problems == []


def test_the_admin_optimizes_the_pool_and_publishes_the_draft(page, personas):
    program = Program.objects.get(status=Program.Status.OPEN)
    sign_in(page, personas["ld_admin"].user.email)
    page.goto(f"/mentoring/programs/{program.pk}/")
    page.get_by_role("button", name="Optimize the whole pool").click()
    page.wait_for_url(re.compile(r"/mentoring/drafts/\d+/$"))
    draft = Draft.objects.get(program=program, status=Draft.Status.DRAFT)
    count = draft.pairs.count()
    assert count > 0
    page.get_by_role("button", name=f"Publish {count} pairs").click()
    page.wait_for_url(re.compile(rf"/mentoring/programs/{program.pk}/$"))
    page.get_by_text(f"Published {count} pairs.").wait_for()
    assert (
        Relationship.objects.filter(program=program, origin="matched", status="active").count()
        == count
    )
    assert page.problems == []
