"""Mentoring API, mounted under /api/v1/ like the other domains: programs, profiles, self-match,
whole-pool drafts, relationships (goals, sessions, feedback, closing) and the expert finder."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from learnloop.api.auth import permitted
from learnloop.api.errors import ApiError
from learnloop.mentoring import actions, queries
from learnloop.mentoring.actions import InvalidInput
from learnloop.mentoring.models import Draft, Goal, Participant, Program, Relationship, Session
from learnloop.people.models import Employee
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.skills.models import Skill

router = Router(tags=["mentoring"])


@contextmanager
def _invalid_as_400() -> Iterator[None]:
    try:
        yield
    except InvalidInput as exc:
        raise ApiError(
            400, "invalid", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)
    require(principal, "mentoring.use")
    return principal


def _me(principal: Principal) -> Employee:
    if principal.employee is None:
        raise ApiError(403, "not_an_employee", "This is for employees of the organization.")
    return principal.employee


def _person(program_or_org_id: int, pk: int, field: str) -> Employee:
    found = Employee.objects.filter(organization=program_or_org_id, pk=pk).select_related("user")
    person = found.first()
    if person is None:
        raise ApiError(
            400,
            "invalid",
            f"{field}: no colleague with id {pk}",
            [{"field": field, "message": f"no colleague with id {pk}"}],
        )
    return person


def _program(principal: Principal, pk: int, action: str = "mentoring.view_program") -> Program:
    program = get_object_or_404(Program.objects.select_related("organization"), pk=pk)
    require(principal, action, program)
    return program


class ProgramOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    goals: str
    audience_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    cadence: str
    default_capacity: int
    max_capacity: int
    avoid_previous_pairs: bool
    self_match: bool
    minimum_score: float
    weights: dict[str, float]
    status: str


class ProgramIn(Schema):
    name: str
    kind: str = "one_to_one"
    description: str = ""
    goals: str = ""
    audience_id: int | None = None
    starts_on: datetime.date
    ends_on: datetime.date
    cadence: str = "fortnightly"
    default_capacity: int = 2
    max_capacity: int = 5
    avoid_previous_pairs: bool = True
    self_match: bool = True
    minimum_score: float = 0.0
    weights: dict[str, float] = {}


class ProgramPatch(Schema):
    name: str | None = None
    description: str | None = None
    goals: str | None = None
    ends_on: datetime.date | None = None
    cadence: str | None = None
    default_capacity: int | None = None
    max_capacity: int | None = None
    avoid_previous_pairs: bool | None = None
    self_match: bool | None = None
    minimum_score: float | None = None
    weights: dict[str, float] | None = None
    status: str | None = None


def _program_out(p: Program) -> ProgramOut:
    return ProgramOut(
        id=p.pk, name=p.name, kind=p.kind, description=p.description, goals=p.goals,
        audience_id=p.audience_id, starts_on=p.starts_on, ends_on=p.ends_on, cadence=p.cadence,
        default_capacity=p.default_capacity, max_capacity=p.max_capacity,
        avoid_previous_pairs=p.avoid_previous_pairs, self_match=p.self_match,
        minimum_score=p.minimum_score, weights=p.weights or {}, status=p.status,
    )  # fmt: skip


class SkillLevel(Schema):
    skill: int
    level: int = 3


class ProfileIn(Schema):
    skills: list[SkillLevel] | None = None
    goals: str | None = None
    preferred_format: str | None = None
    availability: list[int] | None = None
    time_zone: str | None = None
    languages: list[str] | None = None
    style: list[int] | None = None
    capacity: int | None = None
    paused: bool | None = None


class ProfileOut(Schema):
    id: int
    program_id: int
    employee_id: int
    role: str
    skills: list[dict[str, int]]
    goals: str
    preferred_format: str
    availability: list[int]
    time_zone: str
    languages: list[str]
    style: list[int]
    capacity: int
    paused: bool


def _profile_out(p: Participant) -> ProfileOut:
    return ProfileOut(
        id=p.pk, program_id=p.program_id, employee_id=p.employee_id, role=p.role,
        skills=p.skills, goals=p.goals, preferred_format=p.preferred_format,
        availability=p.availability, time_zone=p.time_zone, languages=p.languages,
        style=p.style, capacity=p.capacity, paused=p.paused,
    )  # fmt: skip


class ComponentOut(Schema):
    name: str
    label: str
    value: float | None
    points: float


class MentorSuggestionOut(Schema):
    mentor_id: int
    mentor: str
    topics: str
    score: float
    components: list[ComponentOut]


class MentoringRequestIn(Schema):
    mentor_id: int
    message: str = ""


class RelationshipOut(Schema):
    id: int
    uuid: str
    program_id: int
    mentee_id: int
    mentee: str
    mentor_id: int
    mentor: str
    status: str
    origin: str
    score: float
    components: dict[str, float]
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    progress: float | None


def _relationship_out(r: Relationship) -> RelationshipOut:
    return RelationshipOut(
        id=r.pk, uuid=str(r.uuid), program_id=r.program_id, mentee_id=r.mentee_id,
        mentee=r.mentee.name, mentor_id=r.mentor_id, mentor=r.mentor.name, status=r.status,
        origin=r.origin, score=r.score, components=r.components, requested_at=r.requested_at,
        started_at=r.started_at, closed_at=r.closed_at, progress=queries.mean_progress(r),
    )  # fmt: skip


class GoalOut(Schema):
    id: int
    text: str | None  # only for the two people of the pair
    skill_id: int | None
    progress: float


class SessionOut(Schema):
    id: int
    held_on: datetime.date
    duration_minutes: int
    skills: list[int]
    notes: str | None  # only for the two people of the pair


class RelationshipDetailOut(RelationshipOut):
    goals: list[GoalOut]
    sessions: list[SessionOut]
    message: str | None
    survey: dict[str, Any] | None


class RespondIn(Schema):
    accept: bool


class GoalIn(Schema):
    text: str
    skill_id: int | None = None


class GoalProgressIn(Schema):
    progress: float


class SessionIn(Schema):
    held_on: datetime.date
    duration_minutes: int = 45
    notes: str = ""
    skill_ids: list[int] = []


class FeedbackIn(Schema):
    rating: int
    comment: str = ""


class CloseIn(Schema):
    rating: int
    goals_met: int
    would_recommend: bool = False
    comment: str = ""


class DraftPairOut(Schema):
    mentee_id: int
    mentee: str
    mentor_id: int
    mentor: str
    score: float
    components: dict[str, float]
    edited: bool


class DraftOut(Schema):
    id: int
    program_id: int
    status: str
    optimal_total: float
    pair_count: int
    total: float
    pairs: list[DraftPairOut]


class DraftPairIn(Schema):
    mentee_id: int
    mentor_id: int


class ExpertOut(Schema):
    employee_id: int
    name: str
    level: float
    validated: bool
    evidence: int
    mentoring_now: bool
    score: float


class ListingIn(Schema):
    listed: bool
    note: str = ""


# -- programs -----------------------------------------------------------------------------


@router.get("/mentoring/programs", response=list[ProgramOut], summary="Mentoring programs")
def mentoring_programs(request: HttpRequest) -> list[ProgramOut]:
    principal = _principal(request)
    org = principal.organization
    return [_program_out(p) for p in Program.objects.filter(organization=org)] if org else []


@router.post(
    "/mentoring/programs",
    auth=permitted("mentoring.create_program"),
    response={201: ProgramOut},
    summary="Create a program",
)
def mentoring_program_create(request: HttpRequest, payload: ProgramIn) -> Status[ProgramOut]:
    principal = _principal(request)
    require(principal, "mentoring.create_program")
    assert principal.organization is not None
    data = payload.dict()
    data["audience"] = data.pop("audience_id")
    with _invalid_as_400():
        program = actions.create_program(request.user, principal.organization, data)  # type: ignore[arg-type]
    return Status(201, _program_out(program))


@router.get("/mentoring/programs/{program_id}", response=ProgramOut, summary="One program")
def mentoring_program_get(request: HttpRequest, program_id: int) -> ProgramOut:
    return _program_out(_program(_principal(request), program_id))


@router.patch(
    "/mentoring/programs/{program_id}", response=ProgramOut, summary="Change a program (admins)"
)
def mentoring_program_update(
    request: HttpRequest, program_id: int, payload: ProgramPatch
) -> ProgramOut:
    program = _program(_principal(request), program_id, "mentoring.administer")
    data = payload.dict(exclude_none=True)
    with _invalid_as_400():
        actions.update_program(request.user, program, data)  # type: ignore[arg-type]
    return _program_out(program)


@router.get(
    "/mentoring/programs/{program_id}/profile/{role}",
    response=ProfileOut,
    summary="Your profile in a program as mentee or mentor",
)
def mentoring_profile_get(request: HttpRequest, program_id: int, role: str) -> ProfileOut:
    principal = _principal(request)
    program = _program(principal, program_id)
    found = queries.profile_of(program, _me(principal), role)
    if found is None:
        raise Http404("no profile")
    return _profile_out(found)


@router.put(
    "/mentoring/programs/{program_id}/profile/{role}",
    response=ProfileOut,
    summary="Create or update your profile in a program",
)
def mentoring_profile_put(
    request: HttpRequest, program_id: int, role: str, payload: ProfileIn
) -> ProfileOut:
    principal = _principal(request)
    program = _program(principal, program_id, "mentoring.join")
    data = payload.dict(exclude_none=True)
    with _invalid_as_400():
        found = actions.save_profile(request.user, program, _me(principal), role, data)  # type: ignore[arg-type]
    return _profile_out(found)


@router.get(
    "/mentoring/participants/{participant_id}",
    response=ProfileOut,
    summary="A profile: the person, the program admins, and the mentee's mentor",
)
def mentoring_participant_get(request: HttpRequest, participant_id: int) -> ProfileOut:
    principal = _principal(request)
    found = get_object_or_404(Participant.objects.select_related("program"), pk=participant_id)
    require(principal, "mentoring.view_profile", found)
    return _profile_out(found)


@router.get(
    "/mentoring/programs/{program_id}/suggestions",
    response=list[MentorSuggestionOut],
    summary="Your best mentors, each score explained component by component",
)
def mentoring_suggestions(
    request: HttpRequest, program_id: int, k: int = 5
) -> list[MentorSuggestionOut]:
    principal = _principal(request)
    program = _program(principal, program_id, "mentoring.request")
    found = actions.suggestions(program, _me(principal), k=max(1, min(k, 50)))
    return [
        MentorSuggestionOut(
            mentor_id=s["mentor"].employee_id,
            mentor=s["mentor"].employee.name,
            topics=s["mentor"].goals,
            score=s["score"],
            components=[ComponentOut(**p) for p in s["parts"]],
        )
        for s in found
    ]


@router.post(
    "/mentoring/programs/{program_id}/requests",
    response={201: RelationshipOut},
    summary="Ask a mentor",
)
def mentoring_request(
    request: HttpRequest, program_id: int, payload: MentoringRequestIn
) -> Status[RelationshipOut]:
    principal = _principal(request)
    program = _program(principal, program_id, "mentoring.request")
    mentor = _person(program.organization_id, payload.mentor_id, "mentor_id")
    with _invalid_as_400():
        found = actions.request_mentor(
            request.user,  # type: ignore[arg-type]
            program,
            _me(principal),
            mentor,
            payload.message,
        )
    return Status(201, _relationship_out(found))


# -- drafts -------------------------------------------------------------------------------


def _draft_out(draft: Draft, limit: int = 500) -> DraftOut:
    summary = queries.draft_summary(draft.pairs.all())
    pairs = draft.pairs.select_related("mentee__user", "mentor__user")[:limit]
    return DraftOut(
        id=draft.pk, program_id=draft.program_id, status=draft.status,
        optimal_total=draft.optimal_total, pair_count=summary["count"] or 0,
        total=summary["total"] or 0.0,
        pairs=[
            DraftPairOut(
                mentee_id=p.mentee_id, mentee=p.mentee.name, mentor_id=p.mentor_id,
                mentor=p.mentor.name, score=p.score, components=p.components, edited=p.edited,
            )
            for p in pairs
        ],
    )  # fmt: skip


def _draft(principal: Principal, pk: int) -> Draft:
    draft = get_object_or_404(Draft.objects.select_related("program"), pk=pk)
    require(principal, "mentoring.manage_draft", draft)
    return draft


@router.post(
    "/mentoring/programs/{program_id}/drafts",
    response={201: DraftOut},
    summary="Optimize the whole pool into a draft",
)
def mentoring_draft_create(request: HttpRequest, program_id: int) -> Status[DraftOut]:
    program = _program(_principal(request), program_id, "mentoring.administer")
    with _invalid_as_400():
        draft = actions.create_draft(request.user, program)  # type: ignore[arg-type]
    return Status(201, _draft_out(draft))


@router.get("/mentoring/drafts/{draft_id}", response=DraftOut, summary="A draft and its pairs")
def mentoring_draft_get(request: HttpRequest, draft_id: int) -> DraftOut:
    return _draft_out(_draft(_principal(request), draft_id))


@router.post(
    "/mentoring/drafts/{draft_id}/pairs",
    response=DraftOut,
    summary="Add a pair or give a mentee another mentor (constraints checked)",
)
def mentoring_draft_pair_set(request: HttpRequest, draft_id: int, payload: DraftPairIn) -> DraftOut:
    draft = _draft(_principal(request), draft_id)
    org_id = draft.program.organization_id
    mentee = _person(org_id, payload.mentee_id, "mentee_id")
    mentor = _person(org_id, payload.mentor_id, "mentor_id")
    with _invalid_as_400():
        actions.set_draft_pair(request.user, draft, mentee, mentor)  # type: ignore[arg-type]
    return _draft_out(draft)


@router.delete(
    "/mentoring/drafts/{draft_id}/pairs/{mentee_id}",
    response=DraftOut,
    summary="Remove a mentee's pair from a draft",
)
def mentoring_draft_pair_remove(request: HttpRequest, draft_id: int, mentee_id: int) -> DraftOut:
    draft = _draft(_principal(request), draft_id)
    mentee = _person(draft.program.organization_id, mentee_id, "mentee_id")
    with _invalid_as_400():
        actions.remove_draft_pair(request.user, draft, mentee)  # type: ignore[arg-type]
    return _draft_out(draft)


@router.post(
    "/mentoring/drafts/{draft_id}/publish",
    response=list[RelationshipOut],
    summary="Publish a draft: every pair starts",
)
def mentoring_draft_publish(request: HttpRequest, draft_id: int) -> list[RelationshipOut]:
    draft = _draft(_principal(request), draft_id)
    with _invalid_as_400():
        started = actions.publish_draft(request.user, draft)  # type: ignore[arg-type]
    return [_relationship_out(r) for r in started]


# -- relationships ------------------------------------------------------------------------


def _relationship(
    principal: Principal, pk: int, action: str = "mentoring.view_relationship"
) -> Relationship:
    found = get_object_or_404(
        Relationship.objects.select_related("program", "mentee__user", "mentor__user"), pk=pk
    )
    require(principal, action, found)
    return found


def _detail(principal: Principal, r: Relationship) -> RelationshipDetailOut:
    private = can(principal, "mentoring.read_private", r)
    return RelationshipDetailOut(
        **_relationship_out(r).dict(),
        goals=[
            GoalOut(
                id=g.pk, text=g.text if private else None, skill_id=g.skill_id, progress=g.progress
            )
            for g in r.goals.all()
        ],
        sessions=[
            SessionOut(
                id=s.pk,
                held_on=s.held_on,
                duration_minutes=s.duration_minutes,
                skills=[k.pk for k in s.skills.all()],
                notes=s.notes if private else None,
            )
            for s in r.sessions.prefetch_related("skills")
        ],
        message=r.message if private else None,
        survey=r.survey if private else None,
    )


@router.get(
    "/mentoring/relationships",
    response=list[RelationshipOut],
    summary="Your mentoring pairs, and (for managers) your team's",
)
def mentoring_relationships(request: HttpRequest) -> list[RelationshipOut]:
    principal = _principal(request)
    me = _me(principal)
    mine = {r.pk: r for r in queries.my_relationships(me)[:200]}
    for r in queries.team_relationships(me)[:200]:
        mine.setdefault(r.pk, r)
    return [_relationship_out(r) for r in mine.values()]


@router.get(
    "/mentoring/relationships/{relationship_id}",
    response=RelationshipDetailOut,
    summary="One pair: goals, sessions (notes only for the pair)",
)
def mentoring_relationship_get(request: HttpRequest, relationship_id: int) -> RelationshipDetailOut:
    principal = _principal(request)
    return _detail(principal, _relationship(principal, relationship_id))


@router.post(
    "/mentoring/relationships/{relationship_id}/respond",
    response=RelationshipOut,
    summary="Accept or decline a request (the mentor)",
)
def mentoring_respond(
    request: HttpRequest, relationship_id: int, payload: RespondIn
) -> RelationshipOut:
    found = _relationship(_principal(request), relationship_id, "mentoring.respond")
    with _invalid_as_400():
        actions.respond(request.user, found, accept=payload.accept)  # type: ignore[arg-type]
    return _relationship_out(found)


@router.post(
    "/mentoring/relationships/{relationship_id}/goals",
    response={201: GoalOut},
    summary="Agree a goal",
)
def mentoring_goal_add(
    request: HttpRequest, relationship_id: int, payload: GoalIn
) -> Status[GoalOut]:
    found = _relationship(_principal(request), relationship_id, "mentoring.take_part")
    with _invalid_as_400():
        goal = actions.add_goal(request.user, found, payload.text, payload.skill_id)  # type: ignore[arg-type]
    return Status(
        201, GoalOut(id=goal.pk, text=goal.text, skill_id=goal.skill_id, progress=goal.progress)
    )


@router.patch("/mentoring/goals/{goal_id}", response=GoalOut, summary="Move a goal's progress")
def mentoring_goal_progress(request: HttpRequest, goal_id: int, payload: GoalProgressIn) -> GoalOut:
    principal = _principal(request)
    goal = get_object_or_404(Goal.objects.select_related("relationship__program"), pk=goal_id)
    require(principal, "mentoring.take_part", goal.relationship)
    with _invalid_as_400():
        actions.set_progress(request.user, goal, payload.progress)  # type: ignore[arg-type]
    return GoalOut(id=goal.pk, text=goal.text, skill_id=goal.skill_id, progress=goal.progress)


@router.post(
    "/mentoring/relationships/{relationship_id}/sessions",
    response={201: SessionOut},
    summary="Log a session",
)
def mentoring_session_log(
    request: HttpRequest, relationship_id: int, payload: SessionIn
) -> Status[SessionOut]:
    principal = _principal(request)
    found = _relationship(principal, relationship_id, "mentoring.take_part")
    with _invalid_as_400():
        session = actions.log_session(
            request.user,  # type: ignore[arg-type]
            found,
            _me(principal),
            held_on=payload.held_on,
            duration_minutes=payload.duration_minutes,
            notes=payload.notes,
            skills=payload.skill_ids,
        )
    return Status(
        201,
        SessionOut(
            id=session.pk,
            held_on=session.held_on,
            duration_minutes=session.duration_minutes,
            skills=[s.pk for s in session.skills.all()],
            notes=session.notes,
        ),
    )


@router.post(
    "/mentoring/sessions/{session_id}/feedback",
    response={201: dict[str, int]},
    summary="Rate a session",
)
def mentoring_session_feedback(
    request: HttpRequest, session_id: int, payload: FeedbackIn
) -> Status[dict[str, int]]:
    principal = _principal(request)
    session = get_object_or_404(Session.objects.select_related("relationship"), pk=session_id)
    require(principal, "mentoring.give_feedback", session)
    with _invalid_as_400():
        feedback = actions.give_feedback(
            request.user,  # type: ignore[arg-type]
            session,
            _me(principal),
            rating=payload.rating,
            comment=payload.comment,
        )
    return Status(201, {"id": feedback.pk, "rating": feedback.rating})


@router.post(
    "/mentoring/relationships/{relationship_id}/close",
    response=RelationshipOut,
    summary="Close a pair with the short survey",
)
def mentoring_close(
    request: HttpRequest, relationship_id: int, payload: CloseIn
) -> RelationshipOut:
    found = _relationship(_principal(request), relationship_id, "mentoring.take_part")
    with _invalid_as_400():
        actions.close(request.user, found, payload.dict())  # type: ignore[arg-type]
    return _relationship_out(found)


# -- expert finder ------------------------------------------------------------------------


@router.get(
    "/mentoring/experts",
    response=list[ExpertOut],
    summary="Who can help me with a skill (people who opted out are never listed)",
)
def mentoring_experts(request: HttpRequest, skill_id: int) -> list[ExpertOut]:
    principal = _principal(request)
    require(principal, "mentoring.find_experts")
    me = _me(principal)
    skill = Skill.objects.filter(actions.models_q_visible(me.organization), pk=skill_id).first()
    if skill is None:
        raise ApiError(
            400,
            "invalid",
            "skill_id: no such skill",
            [{"field": "skill_id", "message": "no such skill"}],
        )
    return [
        ExpertOut(
            employee_id=e.employee.pk,
            name=e.employee.name,
            level=e.level,
            validated=e.validated,
            evidence=e.evidence,
            mentoring_now=e.available,
            score=e.score,
        )
        for e in queries.experts(me.organization, skill, exclude=me)
    ]


@router.put(
    "/mentoring/experts/me",
    auth=permitted("mentoring.find_experts"),
    response=ListingIn,
    summary="Whether colleagues may find you in the expert finder",
)
def mentoring_listing(request: HttpRequest, payload: ListingIn) -> ListingIn:
    principal = _principal(request)
    require(principal, "mentoring.find_experts")
    with _invalid_as_400():
        actions.set_listing(request.user, _me(principal), listed=payload.listed, note=payload.note)  # type: ignore[arg-type]
    return payload
