"""Who may see and do what in mentoring.

- Program admins are HR and L&D admins of the organization: they create programs, set the
  weights, optimize the whole pool, edit and publish drafts, and read profiles for matching.
- A profile (with its goals in the person's own words) is seen by the person, the program
  admins, and their mentor once paired. Never by managers, peers or executives.
- A relationship is seen by its two people, the program admins, and the managers (whole chain)
  of either person; the words of its goals, session notes, feedback and the closing survey
  only by the two people.
- Executives see programs and their counts, never pairs or profiles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnloop.permissions import HR_ADMIN, LD_ADMIN, Principal, rule

if TYPE_CHECKING:
    from learnloop.mentoring.models import Draft, Participant, Program, Relationship, Session
    from learnloop.people.models import Employee


def _active(principal: Principal) -> bool:
    return principal.employee is not None and principal.employee.is_active


def _is(principal: Principal, employee_id: int | None) -> bool:
    return principal.employee is not None and principal.employee.pk == employee_id


def _admin_of(principal: Principal, organization_id: int) -> bool:
    return principal.has_role_in(HR_ADMIN, organization_id) or principal.has_role_in(
        LD_ADMIN, organization_id
    )


@rule("mentoring.use")
def use(principal: Principal, obj: None) -> bool:
    return (principal.employee is not None and principal.employee.is_active) or bool(
        principal.granted
    )


@rule("mentoring.create_program")
def create_program(principal: Principal, obj: None) -> bool:
    org = principal.organization
    return org is not None and _admin_of(principal, org.pk)


@rule("mentoring.administer")
def administer(principal: Principal, program: Program) -> bool:
    return _admin_of(principal, program.organization_id)


@rule("mentoring.view_program")
def view_program(principal: Principal, program: Program) -> bool:
    org = principal.organization
    return org is not None and org.pk == program.organization_id


@rule("mentoring.join")
def join(principal: Principal, program: Program) -> bool:
    from learnloop.mentoring.queries import in_audience

    return (
        _active(principal)
        and program.status != "closed"
        and in_audience(program, principal.employee)  # type: ignore[arg-type]
    )


@rule("mentoring.request")
def request(principal: Principal, program: Program) -> bool:
    return join(principal, program) and program.self_match


@rule("mentoring.view_profile")
def view_profile(principal: Principal, participant: Participant) -> bool:
    if _is(principal, participant.employee_id):
        return True
    if _admin_of(principal, participant.program.organization_id):
        return True
    from learnloop.mentoring.models import Relationship

    return (
        principal.employee is not None
        and Relationship.objects.filter(
            program=participant.program_id,
            mentee=participant.employee_id,
            mentor=principal.employee.pk,
            status__in=["requested", "active", "closed"],
        ).exists()
    )


@rule("mentoring.manage_draft")
def manage_draft(principal: Principal, draft: Draft) -> bool:
    return _admin_of(principal, draft.program.organization_id)


@rule("mentoring.view_relationship")
def view_relationship(principal: Principal, relationship: Relationship) -> bool:
    if relationship.is_party(principal.employee):
        return True
    if _admin_of(principal, relationship.program.organization_id):
        return True
    return principal.manages(relationship.mentee) or principal.manages(relationship.mentor)


@rule("mentoring.read_private")
def read_private(principal: Principal, relationship: Relationship) -> bool:
    """Session notes, session feedback, the agreed goals' words, the mentee's goals text and
    the closing survey."""
    return relationship.is_party(principal.employee)


@rule("mentoring.take_part")
def take_part(principal: Principal, relationship: Relationship) -> bool:
    """Agree goals, log sessions, move progress, close: the two people of an active pair."""
    return relationship.is_party(principal.employee) and relationship.status == "active"


@rule("mentoring.respond")
def respond(principal: Principal, relationship: Relationship) -> bool:
    return _is(principal, relationship.mentor_id) and relationship.status == "requested"


@rule("mentoring.give_feedback")
def give_feedback(principal: Principal, session: Session) -> bool:
    return session.relationship.is_party(principal.employee)


@rule("mentoring.find_experts")
def find_experts(principal: Principal, obj: None) -> bool:
    return _active(principal)


@rule("mentoring.view_team")
def view_team(principal: Principal, manager: Employee | None) -> bool:
    return _active(principal)
