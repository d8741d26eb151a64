"""Chromium, driven by Playwright, against a live server: what a person sees and does."""

from __future__ import annotations

import re

import pytest

from learnloop.conftest import sign_in
from learnloop.people.models import Employee

pytestmark = pytest.mark.browser


PANELS = {
    "employee": ("You", "Your team"),
    "manager": ("Your team", "HR tasks"),
    "hr_admin": ("HR tasks", "Your team"),
    "ld_admin": ("Recent joiners", "HR tasks"),
    "executive": ("Organization", "HR tasks"),
}


@pytest.mark.parametrize("key", list(PANELS))
def test_each_persona_signs_in_and_sees_their_home(page, personas, key):
    user = personas[key].user
    sign_in(page, user.email)
    assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {user.get_short_name()}"
    shown, hidden = PANELS[key]
    assert page.get_by_role("heading", name=shown, exact=True).is_visible()
    assert page.get_by_role("heading", name=hidden, exact=True).count() == 0
    assert page.problems == []


def test_an_hr_admin_uploads_a_file_with_a_bad_row_and_sees_why(page, personas, tmp_path):
    sign_in(page, personas["hr_admin"].user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import people").click()
    csv = tmp_path / "hris.csv"
    csv.write_text(
        "Employee ID,Name,Email,Manager ID,Hire Date\n"
        "NEW1,Nia Newhire,nia@x.example,,2026-01-05\n"
        "NEW2,Ola Oops,ola@x.example,NOPE,2026-02-30\n",
        encoding="utf-8",
    )
    page.get_by_label("HRIS export (CSV, UTF-8)").set_input_files(str(csv))
    page.get_by_role("button", name="Preview the import").click()
    problems = page.locator("#import-problems li").all_inner_texts()
    assert problems == [
        "line 3, column 'Hire Date': '2026-02-30' is not a date (expected YYYY-MM-DD)",
    ]
    assert (
        page.get_by_text("Nothing will be imported").is_visible()
        or page.get_by_text("Nothing was imported").is_visible()
    )
    assert not Employee.objects.filter(employee_id__in=["NEW1", "NEW2"]).exists()
    assert page.problems == []


def test_the_keyboard_alone_reaches_the_main_menu(page, personas):
    sign_in(page, personas["manager"].user.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    labels = []
    for _ in range(8):
        page.keyboard.press("Tab")
        labels.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert labels[:5] == ["learnloop", "Home", "My team", "People", "Org chart"]
    while page.evaluate("document.activeElement.textContent.trim()") != "People":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/people/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "People"


def test_the_skip_link_moves_focus_to_the_content(page, personas):
    sign_in(page, personas["employee"].user.email)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_directory_filters_as_you_type(page, personas):
    sign_in(page, personas["employee"].user.email)
    page.goto("/people/")
    manager = personas["manager"].user.full_name
    page.get_by_label("Search by name, title or e-mail").fill(manager)
    page.locator("#directory-results").get_by_role("link", name=manager).wait_for()
    assert page.locator("#directory-results tbody tr").count() >= 1
    assert page.problems == []


def test_the_org_chart_opens_a_manager_to_show_their_reports(page, personas):
    sign_in(page, personas["executive"].user.email)
    page.goto("/people/org-chart/")
    page.locator(".org-tree > li > details > summary").first.click()
    # The group holds a "Loading…" placeholder until htmx swaps the reports in.
    page.locator(".org-tree ul[role=group] > li a").first.wait_for()
    assert page.locator(".org-tree ul[role=group] > li").count() >= 5
    assert page.problems == []
