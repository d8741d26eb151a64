"""Custom periods and report months are checked against a sane range: a far-away date is a
clear error naming the field, never a date overflow (500)."""

from __future__ import annotations

from typing import Any

import pytest

from learnloop.insights import queries
from learnloop.insights.queries import FilterError

FAR = [
    ("2026-01-01", "9999-12-31", "end"),
    ("0001-01-01", "2001-01-01", "start"),
    ("9999-12-01", "9999-12-31", "start"),
]


@pytest.mark.parametrize(("start", "end", "field"), FAR)
def test_the_api_rejects_a_custom_period_out_of_range_naming_the_field(
    client_for: Any, start: str, end: str, field: str
) -> None:
    for path in ("dashboard", "drilldown", "datasets/organization/active"):
        response = client_for("executive").get(
            f"/api/v1/insights/{path}", {"period": "custom", "start": start, "end": end}
        )
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(("start", "end", "field"), FAR)
def test_the_pages_reject_a_custom_period_out_of_range_naming_the_field(
    client_for: Any, start: str, end: str, field: str
) -> None:
    query = {"period": "custom", "start": start, "end": end}
    for path in ("/insights/organization/", "/insights/organization/data/active.csv"):
        response = client_for("hr").get(path, query)
        assert response.status_code == 400, path
        assert field in response.content.decode()


def test_the_report_rejects_a_month_out_of_range(client_for: Any) -> None:
    for month in ("9999-12", "0001-01"):
        response = client_for("executive").get("/insights/report/", {"month": month})
        assert response.status_code == 400, month
        assert "month" in response.content.decode()


def test_a_period_inside_the_range_is_accepted(org: Any) -> None:
    params = {"period": "custom", "start": "2025-01-01", "end": "2025-12-31"}
    filters = queries.parse_filters(org.organization, params)  # type: ignore[arg-type]
    assert filters.window().days == 365
    with pytest.raises(FilterError) as raised:
        queries.parse_filters(org.organization, params | {"end": "2200-01-01"})  # type: ignore[arg-type]
    assert raised.value.field == "end"
