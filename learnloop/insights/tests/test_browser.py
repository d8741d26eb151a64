"""Chromium opens the insights views of the demo organization as its personas."""

from __future__ import annotations

import re
from typing import Any

import pytest

from learnloop.conftest import sign_in

pytestmark = pytest.mark.browser


def test_hr_sees_the_organization_charts_drills_down_and_exports(
    open_page: Any, personas: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    page = open_page()
    sign_in(page, personas["hr_admin"].user.email)
    page.goto("/insights/")
    page.wait_for_url(re.compile(r"/insights/organization/$"))
    page.get_by_role("heading", name="Key figures").wait_for()
    tile = page.locator(".insights-tile").first
    assert tile.get_attribute("title")  # the definition on hover
    # Every chart image loads (server-rendered SVG, allowed by the CSP).
    images = page.locator("figure img")
    assert images.count() >= 5
    images.first.scroll_into_view_if_needed()
    for index in range(3):
        source = images.nth(index).get_attribute("src")
        response = page.request.get(source)
        assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"
    # The table fallback opens with the keyboard.
    summary = page.locator("figure details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("figure details").first.get_attribute("open") is not None
    # Drill one level down where a department is shown.
    link = page.locator("#drill ~ div table tbody th a, section table tbody th a").first
    if link.count():
        link.click()
        page.wait_for_url(re.compile(r"department=\d+"))
    with page.expect_download() as download:
        page.locator("a", has_text="CSV").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    assert page.problems == []


def test_an_employee_lands_on_their_own_progress(open_page: Any, personas: dict[str, Any]) -> None:
    page = open_page()
    sign_in(page, personas["employee"].user.email)
    page.goto("/insights/")
    page.wait_for_url(re.compile(r"/insights/me/$"))
    page.get_by_role("heading", name="Your learning", exact=True).wait_for()
    assert page.get_by_text("Streak").count() >= 1
    assert page.problems == []
