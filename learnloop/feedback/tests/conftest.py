"""A small world of feedback, 1:1s, goals, reviews and conversations on top of ``org``.

Every private text carries a marker so content-level tests can look for it in any response.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from learnloop.conftest import Org
from learnloop.feedback import actions
from learnloop.feedback.models import (
    ActionItem,
    AfterActionReview,
    AgendaItem,
    CheckIn,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResult,
    Notification,
    Objective,
    ReviewConversation,
)
from learnloop.skills.models import Skill

ROLES = ("anonymous", "employee", "peer", "manager", "ceo", "hr", "ld", "executive", "outsider")

SECRETS = {
    "private_feedback": "PRIVATE-FEEDBACK-7731",
    "manager_feedback": "MANAGER-SHARED-4410",
    "anonymous_answer": "ANON-ANSWER-9127",
    "employee_note": "EMPLOYEE-NOTE-5521",
    "manager_note": "MANAGER-NOTE-6632",
    "reflection": "REFLECTION-8843",
    "private_goal": "PRIVATE-GOAL-2291",
    "draft_review": "DRAFT-REVIEW-3391",
}


@dataclass
class World:
    org: Org
    private_feedback: Feedback
    manager_feedback: Feedback
    praise: Feedback
    named_request: FeedbackRequest
    anonymous_request: FeedbackRequest
    open_anonymous_request: FeedbackRequest
    series: CheckInSeries
    meeting: CheckIn
    agenda_item: AgendaItem
    action_item: ActionItem
    company_goal: Objective
    team_goal: Objective
    private_goal: Objective
    key_result: KeyResult
    draft_review: AfterActionReview
    published_review: AfterActionReview
    conversation: ReviewConversation
    notification: Notification


def client(org: Org, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(org.user(role))
    return c


SKILLS = ("Facilitation", "SQL", "Planning", "Incident response", "Rust")


@pytest.fixture
def world(org: Org) -> World:
    for label in SKILLS:
        Skill.objects.create(organization=org.organization, label=label)
    e, p, m = org.employee, org.peer, org.manager
    private = actions.give_feedback(
        p, e, kind="constructive", body=SECRETS["private_feedback"], visibility="private"
    )
    shared = actions.give_feedback(
        p,
        e,
        kind="constructive",
        body=SECRETS["manager_feedback"],
        visibility="manager",
        skill_names="Facilitation, SQL",
    )
    praise = actions.give_feedback(
        m, e, kind="praise", body="Great launch, thank you", visibility="public"
    )
    due = timezone.localdate() + datetime.timedelta(days=5)
    named = actions.request_feedback(e, about="My demo", respondents=[p], due_date=due)
    anonymous = actions.request_feedback(
        e,
        about="How do I run meetings?",
        respondents=[p, m, org.hr, org.ld],
        due_date=due,
        anonymous=True,
    )
    for who, n in ((p, 1), (m, 2), (org.hr, 3)):
        actions.answer_anonymously(
            anonymous, who, body=f"{SECRETS['anonymous_answer']} #{n}", rating=n + 2
        )
    actions.close_request(anonymous, by=e)
    open_anonymous = actions.request_feedback(
        e, about="Open anonymous", respondents=[p, m, org.ld], due_date=due, anonymous=True
    )
    series = actions.start_series(
        m, e, first_at=timezone.now() + datetime.timedelta(days=1), cadence="weekly"
    )
    meeting = series.meetings.get()
    item = actions.add_agenda_item(meeting, e, "Career plans")
    actions.save_private_note(meeting, e, SECRETS["employee_note"])
    actions.save_private_note(meeting, m, SECRETS["manager_note"])
    action = actions.add_action_item(meeting, m, text="Book the course", owner=e)
    period = actions.current_period(org.organization)
    company = actions.create_objective(
        org.executive, period=period, level="company", title="Grow learning culture"
    )
    team = actions.create_objective(
        m, period=period, level="team", title="Team ships weekly", parent=company
    )
    private_goal = actions.create_objective(
        e, period=period, level="individual", title=SECRETS["private_goal"], private=True
    )
    kr = actions.add_key_result(team, by=m, title="Releases", start=0, target=12)
    today = timezone.localdate()
    draft = actions.create_review(
        m,
        title=SECRETS["draft_review"],
        kind="incident",
        happened_on=today,
        participants=[e],
    )
    published = actions.create_review(
        m, title="Launch retro", kind="project", happened_on=today, participants=[e, p]
    )
    actions.write_summary(published, m, happened="Shipped late", why="Scope grew")
    actions.add_lesson(published, m, text="Cut scope early", skill_names="Planning")
    actions.publish_review(published, m)
    actions.open_cycle(
        org.organization,
        name="H2",
        start=today - datetime.timedelta(days=180),
        end=today,
        by=org.hr,
    )
    conversation = ReviewConversation.objects.get(employee=e)
    actions.write_conversation(conversation, e, self_reflection=SECRETS["reflection"])
    notification = Notification.objects.filter(user=e.user).first()
    assert notification is not None
    return World(
        org,
        private,
        shared,
        praise,
        named,
        anonymous,
        open_anonymous,
        series,
        meeting,
        item,
        action,
        company,
        team,
        private_goal,
        kr,
        draft,
        published,
        conversation,
        notification,
    )
