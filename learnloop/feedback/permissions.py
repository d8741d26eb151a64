"""Who may see and do what with feedback, check-ins, OKRs, reviews and conversations.

- Feedback is seen by its giver, its recipient, the recipient's direct manager when the giver
  chose that, and everyone in the organization for public praise. Nobody else: not managers
  further up the chain, not HR, not executives.
- Anonymous answers are read only by the person who asked, only in aggregate, only after the
  request closed with enough answers. Nobody may read who answered.
- A 1:1 belongs to its manager and report; a private note only to its author.
- Objectives are visible across the organization unless marked private (owner and the
  managers above them). After-action reviews are for participants until published.
- Review conversations belong to the person and the manager named on them; HR sees
  completion counts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnloop.permissions import EXECUTIVE, HR_ADMIN, MANAGER, Principal, rule

if TYPE_CHECKING:
    from learnloop.feedback.models import (
        AfterActionReview,
        CheckIn,
        CheckInSeries,
        Feedback,
        FeedbackRequest,
        Notification,
        Objective,
        PrivateNote,
        ReviewConversation,
        ReviewCycle,
    )
    from learnloop.people.models import Employee


def _active(principal: Principal) -> bool:
    return principal.employee is not None and principal.employee.is_active


def _in_org(principal: Principal, organization_id: int) -> bool:
    return principal.employee is not None and principal.employee.organization_id == organization_id


def _is(principal: Principal, employee_id: int | None) -> bool:
    return principal.employee is not None and principal.employee.pk == employee_id


@rule("feedback.use")
def use(principal: Principal, obj: None) -> bool:
    """Give and request feedback, keep 1:1s, own goals: any active employee."""
    return _active(principal)


@rule("feedback.view")
def view_feedback(principal: Principal, feedback: Feedback) -> bool:
    if not _in_org(principal, feedback.organization_id):
        return False
    if _is(principal, feedback.giver_id) or _is(principal, feedback.recipient_id):
        return True
    if feedback.visibility == "manager":
        return _is(principal, feedback.recipient.manager_id)
    return feedback.visibility == "public"


@rule("feedback.accept_skills")
def accept_skills(principal: Principal, feedback: Feedback) -> bool:
    return _is(principal, feedback.recipient_id) and feedback.skills.exists()


@rule("feedback.give_to")
def give_to(principal: Principal, recipient: Employee) -> bool:
    return (
        _active(principal)
        and principal.same_organization(recipient)
        and recipient.is_active
        and not principal.is_self(recipient)
    )


@rule("feedback.view_request")
def view_request(principal: Principal, request: FeedbackRequest) -> bool:
    if not _in_org(principal, request.organization_id):
        return False
    if _is(principal, request.requester_id):
        return True
    assert principal.employee is not None
    return request.invites.filter(respondent=principal.employee).exists()


@rule("feedback.answer_request")
def answer_request(principal: Principal, request: FeedbackRequest) -> bool:
    if principal.employee is None or not request.is_open:
        return False
    return request.invites.filter(
        respondent=principal.employee, answered=False, declined=False
    ).exists()


@rule("feedback.manage_request")
def manage_request(principal: Principal, request: FeedbackRequest) -> bool:
    """Close early and read the released answers: the person who asked, nobody else."""
    return _is(principal, request.requester_id)


@rule("checkin.start_series")
def start_series(principal: Principal, report: Employee | None) -> bool:
    if report is None:
        return principal.has_role(MANAGER)
    return _is(principal, report.manager_id) and report.is_active


@rule("checkin.view_series")
def view_series(principal: Principal, series: CheckInSeries) -> bool:
    return series.is_party(principal.employee)


@rule("checkin.take_part")
def take_part(principal: Principal, meeting: CheckIn) -> bool:
    """Add to the agenda, write one's own private note, add and tick action items."""
    return meeting.series.is_party(principal.employee) and meeting.series.active


@rule("checkin.set_mood")
def set_mood(principal: Principal, meeting: CheckIn) -> bool:
    return _is(principal, meeting.series.report_id)


@rule("checkin.read_note")
def read_note(principal: Principal, note: PrivateNote) -> bool:
    return _is(principal, note.author_id)


@rule("okr.view")
def view_objective(principal: Principal, objective: Objective) -> bool:
    if not _in_org(principal, objective.organization_id):
        return False
    if not objective.private:
        return True
    return principal.is_self(objective.owner) or principal.manages(objective.owner)


@rule("okr.create")
def create_objective(principal: Principal, level: str | None) -> bool:
    if not _active(principal):
        return False
    if level == "company":
        return principal.has_role(EXECUTIVE) or principal.has_role(HR_ADMIN)
    if level in ("department", "team"):
        return principal.has_role(MANAGER) or principal.has_role(EXECUTIVE)
    return True


@rule("okr.edit")
def edit_objective(principal: Principal, objective: Objective) -> bool:
    if not _in_org(principal, objective.organization_id):
        return False
    if objective.level == "company" and (
        principal.has_role(EXECUTIVE) or principal.has_role(HR_ADMIN)
    ):
        return True
    return principal.is_self(objective.owner) or principal.manages(objective.owner)


@rule("okr.manage_periods")
def manage_periods(principal: Principal, obj: None) -> bool:
    return _active(principal) and (principal.has_role(HR_ADMIN) or principal.has_role(EXECUTIVE))


@rule("aar.view")
def view_review(principal: Principal, review: AfterActionReview) -> bool:
    if not _in_org(principal, review.organization_id):
        return False
    return review.published_at is not None or _takes_part(principal, review)


def _takes_part(principal: Principal, review: AfterActionReview) -> bool:
    if principal.employee is None:
        return False
    return (
        _is(principal, review.facilitator_id)
        or review.participants.filter(pk=principal.employee.pk).exists()
    )


@rule("aar.contribute")
def contribute(principal: Principal, review: AfterActionReview) -> bool:
    return review.published_at is None and _takes_part(principal, review)


@rule("aar.facilitate")
def facilitate(principal: Principal, review: AfterActionReview) -> bool:
    """Write the summary, record lessons, publish."""
    return _is(principal, review.facilitator_id) and review.published_at is None


@rule("review.manage_cycles")
def manage_cycles(principal: Principal, cycle: ReviewCycle | None) -> bool:
    if not (_active(principal) and principal.has_role(HR_ADMIN)):
        return False
    return cycle is None or _in_org(principal, cycle.organization_id)


@rule("review.view_conversation")
def view_conversation(principal: Principal, conversation: ReviewConversation) -> bool:
    return _is(principal, conversation.employee_id) or _is(principal, conversation.manager_id)


@rule("review.reflect")
def reflect(principal: Principal, conversation: ReviewConversation) -> bool:
    return _is(principal, conversation.employee_id) and conversation.completed_at is None


@rule("review.summarize")
def summarize(principal: Principal, conversation: ReviewConversation) -> bool:
    return _is(principal, conversation.manager_id) and conversation.completed_at is None


@rule("inbox.read")
def read_inbox(principal: Principal, notification: Notification | None) -> bool:
    if notification is None:
        return principal.is_authenticated
    return principal.user is not None and notification.user_id == principal.user.pk
