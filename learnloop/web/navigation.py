"""The main menu, declared in one place; each entry shows only to those its action allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from learnloop.permissions import Principal, can


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: str


MENU: tuple[Entry, ...] = (
    Entry("Home", "web:home", "people.view_directory"),
    Entry("My team", "people:team", "people.view_team"),
    Entry("People", "people:directory", "people.view_directory"),
    Entry("Org chart", "people:org_chart", "people.view_directory"),
    Entry("Skills", "skills:home", "skills.view_taxonomy"),
    Entry("Learning", "learning:home", "learning.use"),
    Entry("Mentoring", "mentoring:home", "mentoring.use"),
    Entry("Feedback", "feedback:index", "feedback.use"),
    Entry("1:1s", "feedback:checkins", "feedback.use"),
    Entry("Goals", "feedback:okrs", "feedback.use"),
    Entry("Surveys", "surveys:index", "surveys.use"),
    Entry("Suggestions", "surveys:suggestion_inbox", "surveys.handle_suggestions"),
    Entry("Insights", "insights:home", "insights.view"),
    Entry("Import people", "people:import", "people.import"),
    Entry("Learning Record Store", "xapi:console", "xapi.administer"),
    Entry("Audit trail", "web:audit", "audit.view_trail"),
    Entry("Sign-in lockouts", "accounts:lockouts", "accounts.unlock_signins"),
    Entry("Admin", "admin:index", "admin.access"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def menu_for(principal: Principal, request: HttpRequest) -> list[Link]:
    links = []
    for entry in MENU:
        if not can(principal, entry.action):
            continue
        url = reverse(entry.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        links.append(Link(entry.label, url, current))
    return links
