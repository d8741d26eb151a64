"""The monthly digest goes to each role once, on the first days of the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from learnloop.insights import digest, refresh
from learnloop.insights.tests.conftest import Learning

FIRST = dt.date(2026, 7, 1)
JUNE = dt.date(2026, 6, 8)


def _learn(org: Any) -> None:
    for person in (org.employee, org.peer, org.manager, org.hr, org.ld):
        Learning(person, 1, source="manager").full(JUNE, seconds=3600)
    refresh.refresh()


def test_each_role_gets_its_digest_once(org: Any, mailoutbox: list[Any]) -> None:
    _learn(org)
    sent = digest.send_monthly(today=FIRST)
    by_person: dict[str, list[str]] = {}
    for message in mailoutbox:
        by_person.setdefault(message.to[0], []).append(message.subject)
    assert sent == len(mailoutbox)
    # Organization digests for HR, L&D and the executive.
    for role in ("hr", "ld", "executive"):
        assert any(
            s.startswith("Acme: learning in June 2026") for s in by_person[org.user(role).email]
        )
    # The CEO's chain is large enough for a team digest; the manager's two reports are not.
    assert "Your team's learning in June 2026" in by_person[org.user("ceo").email]
    assert "Your team's learning in June 2026" not in by_person.get(org.user("manager").email, [])
    # A personal digest for those who learned; none for those who did not.
    assert "Your learning in June 2026" in by_person[org.user("employee").email]
    assert "Your learning in June 2026" not in by_person.get(org.user("ceo").email, [])
    assert org.user("outsider").email not in by_person

    again = digest.send_monthly(today=FIRST + dt.timedelta(days=1))
    assert again == 0


def test_no_digest_goes_out_mid_month(org: Any, mailoutbox: list[Any]) -> None:
    _learn(org)
    assert digest.send_monthly(today=dt.date(2026, 7, 10)) == 0
    assert mailoutbox == []


def test_the_organization_digest_has_figures_a_chart_and_the_caveat(
    org: Any, mailoutbox: list[Any]
) -> None:
    _learn(org)
    digest.send_monthly(today=FIRST)
    message = next(
        m for m in mailoutbox if m.to[0] == org.user("hr").email and m.subject.startswith("Acme")
    )
    html = message.alternatives[0][0]
    assert "Completion rate, assigned" in html
    assert "an association, not evidence" in html
    assert any(name.endswith(".png") for name, _, _ in message.attachments)
    # Aggregates only: nobody is named in the organization digest.
    for role in ("employee", "peer", "manager"):
        assert getattr(org, role).user.full_name not in html


def test_the_personal_digest_counts_the_month(org: Any, mailoutbox: list[Any]) -> None:
    _learn(org)
    found = digest.personal_digest(org.employee, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert len(found.context["completed"]) == 1
    assert found.context["hours"] == 1.0


def test_the_report_page_shows_the_digest_for_the_role(org: Any, client_for: Any) -> None:
    _learn(org)
    page = client_for("hr").get("/insights/report/?kind=organization&month=2026-06")
    assert page.status_code == 200
    assert "learning in June 2026" in page.content.decode()
    assert client_for("employee").get("/insights/report/?kind=organization").status_code == 403
    bad = client_for("hr").get("/insights/report/?month=June")
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()
