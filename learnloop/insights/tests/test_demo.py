"""The demo build leaves the dashboards ready: the facts hold what the other demos recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from learnloop.insights import demo, queries, refresh
from learnloop.insights.queries import Filters
from learnloop.insights.tests.conftest import Learning


def test_the_demo_build_folds_the_recorded_history(org: Any) -> None:
    today = dt.date.today()
    for months_back in range(6):
        for person in (org.employee, org.peer, org.manager, org.hr, org.ld):
            Learning(person, months_back, source="self").full(
                today - dt.timedelta(days=30 * months_back + 10)
            )
    demo.build(org.organization, seed=1, today=today)

    assert refresh.store().manifest()["watermark"] > 0
    data = queries.dashboard(org.organization, Filters(period="6m"))
    active_weeks = [w for w in data["weekly"] if w["active"]]
    assert len(active_weeks) >= 5  # months of history, not one burst
