import datetime
import json
import uuid
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from learnloop.api.auth import permitted
from learnloop.api.errors import ApiError, ErrorResponse
from learnloop.people.models import Department, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.surveys import actions, queries, results
from learnloop.surveys.engine.answers import AnswerError
from learnloop.surveys.engine.instrument import InstrumentError
from learnloop.surveys.models import Instrument, Pulse, Suggestion
from learnloop.surveys.queries import GroupFilter

router = Router(tags=["surveys"])


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise ApiError(403, "no_organization", "Your account is not part of an organization.")
    return principal.organization


def _problems(code: str, message: str, problems: list[tuple[str, str]]) -> ApiError:
    return ApiError(400, code, message, [{"field": f, "message": m} for f, m in problems])


class InstrumentOut(Schema):
    id: int
    key: str
    name: str
    source: str


class InstrumentIn(Schema):
    definition: dict[str, Any]


class PulseOut(Schema):
    id: int
    title: str
    instrument: str
    status: str
    opens_on: datetime.date
    closes_on: datetime.date
    recurrence: str
    audience_size: int


class PulseIn(Schema):
    instrument_id: int
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    department_ids: list[int] = []
    recurrence: str = "none"
    reminder_every_days: int = 3


class AnswersIn(Schema):
    answers: dict[str, Any]
    language: str = "en"


class ParticipationOut(Schema):
    label: str
    invited: int | None
    responded: int | None
    rate: float | None


class GroupQuery(Schema):
    department: int | None = None
    team: int | None = None
    location: int | None = None
    tenure: str | None = None


class SuggestionIn(Schema):
    subject: str
    body: str
    addressed_to: int | None = None


class TokenOut(Schema):
    id: str
    token: str


class TokenIn(Schema):
    token: str
    body: str = ""


class MessageOut(Schema):
    author: str
    from_poster: bool
    body: str
    on: datetime.date


class ThreadOut(Schema):
    id: str
    subject: str
    status: str
    addressed_to: str | None
    messages: list[MessageOut]


class StaffReplyIn(Schema):
    body: str = ""
    status: str | None = None


def _pulse_out(pulse: Pulse) -> PulseOut:
    return PulseOut(
        id=pulse.pk,
        title=pulse.title,
        instrument=pulse.instrument.name,
        status=pulse.status,
        opens_on=pulse.opens_on,
        closes_on=pulse.closes_on,
        recurrence=pulse.recurrence,
        audience_size=pulse.audience_size,
    )


def _thread(suggestion: Suggestion) -> ThreadOut:
    return ThreadOut(
        id=str(suggestion.pk),
        subject=suggestion.subject,
        status=suggestion.status,
        addressed_to=suggestion.addressed_to.name if suggestion.addressed_to else None,
        messages=[
            MessageOut(
                author=m.author_label, from_poster=m.from_poster, body=m.body, on=m.created_on
            )
            for m in suggestion.messages.all()
        ],
    )


def _pulse(principal: Principal, pulse_id: int) -> Pulse:
    return get_object_or_404(
        Pulse.objects.select_related("organization", "instrument"),
        pk=pulse_id,
        organization=_organization(principal),
    )


@router.get(
    "/surveys/instruments", response=list[InstrumentOut], summary="Your organization's instruments"
)
def list_instruments(request: HttpRequest) -> list[Instrument]:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    return list(Instrument.objects.filter(organization=_organization(principal)))


@router.post(
    "/surveys/instruments",
    auth=permitted("surveys.manage"),
    response={201: InstrumentOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Load an instrument document (learnloop.instrument/1); all or nothing",
)
def import_instrument(request: HttpRequest, payload: InstrumentIn) -> Status[Instrument]:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    try:
        created = actions.import_instrument(
            _organization(principal),
            _dumps(payload.definition),
            actor=principal.user,  # type: ignore[arg-type]
        )
    except InstrumentError as exc:
        raise _problems(
            "invalid_instrument", "The instrument is not valid; nothing was loaded.", exc.problems
        ) from None
    return Status(201, created)


def _dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc)


@router.get(
    "/surveys/pulses",
    response=list[PulseOut],
    summary="Pulses: all for HR, those you are invited to otherwise",
)
def list_pulses(request: HttpRequest) -> list[PulseOut]:
    principal = principal_for(request.user)
    require(principal, "surveys.use")
    organization = _organization(principal)
    if can(principal, "surveys.manage"):
        found = Pulse.objects.filter(organization=organization)
    else:
        found = Pulse.objects.filter(
            organization=organization, invitations__employee=principal.employee
        ) | Pulse.objects.filter(organization=organization, status=Pulse.Status.CLOSED)
    return [_pulse_out(p) for p in found.select_related("instrument").distinct()]


@router.post(
    "/surveys/pulses",
    auth=permitted("surveys.manage"),
    response={201: PulseOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Create a pulse (it opens at once when its opening date has come)",
)
def create_pulse(request: HttpRequest, payload: PulseIn) -> Status[PulseOut]:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    organization = _organization(principal)
    instrument = Instrument.objects.filter(
        organization=organization, pk=payload.instrument_id
    ).first()
    if instrument is None:
        raise ApiError(
            400,
            "invalid_request",
            "instrument_id: no such instrument",
            [{"field": "instrument_id", "message": "no such instrument"}],
        )
    departments = list(
        Department.objects.filter(organization=organization, pk__in=payload.department_ids)
    )
    if len(departments) != len(set(payload.department_ids)):
        raise ApiError(
            400,
            "invalid_request",
            "department_ids: unknown department",
            [{"field": "department_ids", "message": "unknown department"}],
        )
    try:
        pulse = actions.create_pulse(
            organization,
            instrument,
            title=payload.title,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            departments=departments,
            recurrence=payload.recurrence,
            reminder_every_days=payload.reminder_every_days,
            actor=principal.user,
        )
    except actions.SurveyError as exc:
        raise ApiError(
            400, "invalid_request", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None
    return Status(201, _pulse_out(pulse))


@router.post(
    "/surveys/pulses/{pulse_id}/responses",
    auth=permitted("surveys.use"),
    response={
        201: None,
        400: ErrorResponse,
        403: ErrorResponse,
        404: ErrorResponse,
        409: ErrorResponse,
    },
    summary="Answer a pulse you are invited to (stored anonymously)",
)
def respond(request: HttpRequest, pulse_id: int, payload: AnswersIn) -> Status[None]:
    principal = principal_for(request.user)
    require(principal, "surveys.use")
    pulse = _pulse(principal, pulse_id)
    assert principal.employee is not None
    if not queries.is_invited(pulse, principal.employee):
        raise ApiError(403, "not_invited", "You are not invited to this pulse.")
    try:
        actions.submit_response(
            pulse, principal.employee, payload.answers, language=payload.language
        )
    except AnswerError as exc:
        raise _problems(
            "invalid_answers", "Some answers are not valid; nothing was stored.", exc.problems
        ) from None
    except actions.SurveyError as exc:
        raise ApiError(409, "not_accepted", exc.message) from None
    return Status(201, None)


@router.get(
    "/surveys/pulses/{pulse_id}/participation",
    response={200: list[ParticipationOut], 403: ErrorResponse, 404: ErrorResponse},
    summary="Response rates (counts only; small groups hidden)",
)
def participation(request: HttpRequest, pulse_id: int) -> list[ParticipationOut]:
    principal = principal_for(request.user)
    pulse = _pulse(principal, pulse_id)
    require(principal, "surveys.view_participation", pulse)
    team_of = None if can(principal, "surveys.manage") else principal.employee
    rows = queries.participation(pulse, team_of=team_of)
    if team_of is not None:
        rows = [r for r in rows if r.label in ("Everyone invited", "Your team")]
    return [
        ParticipationOut(label=r.label, invited=r.invited, responded=r.responded, rate=r.rate)
        for r in rows
    ]


@router.get(
    "/surveys/pulses/{pulse_id}/results",
    response={200: dict[str, Any], 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Results of a closed pulse for a group, or why they are hidden",
)
def pulse_results(
    request: HttpRequest, pulse_id: int, filters: Query[GroupQuery]
) -> dict[str, Any]:
    principal = principal_for(request.user)
    pulse = _pulse(principal, pulse_id)
    require(principal, "surveys.view_results", pulse)
    scope = results.scope_for(principal, pulse)
    try:
        group = results.resolve(scope, pulse, GroupFilter(**filters.model_dump()))
    except results.ScopeError as exc:
        raise ApiError(
            400, "invalid_filter", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None
    shown = results.group_results(pulse, group, principal.user)
    if not shown.released:
        return {"group": shown.label, "released": False, "reason": shown.reason}
    body = asdict(shown)
    body.pop("group")
    body["group"] = shown.label
    return body


@router.post(
    "/surveys/suggestions",
    auth=permitted("surveys.suggest"),
    response={201: TokenOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Post anonymously; the private token in the answer is shown only this once",
)
def post_suggestion(request: HttpRequest, payload: SuggestionIn) -> Status[TokenOut]:
    principal = principal_for(request.user)
    require(principal, "surveys.suggest")
    organization = _organization(principal)
    addressed = None
    if payload.addressed_to is not None:
        addressed = Department.objects.filter(
            organization=organization, pk=payload.addressed_to
        ).first()
        if addressed is None:
            raise ApiError(
                400,
                "invalid_request",
                "addressed_to: unknown department",
                [{"field": "addressed_to", "message": "unknown department"}],
            )
    try:
        suggestion, token = actions.post_suggestion(
            organization, payload.subject, payload.body, addressed_to=addressed
        )
    except actions.SurveyError as exc:
        raise ApiError(
            400, "invalid_request", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None
    return Status(201, TokenOut(id=str(suggestion.pk), token=token))


@router.post(
    "/surveys/suggestions/mine",
    auth=permitted("surveys.suggest"),
    response={200: ThreadOut, 403: ErrorResponse, 404: ErrorResponse},
    summary="Read (and optionally reply to) your thread; the token travels in the body, never the URL",
)
def my_suggestion(request: HttpRequest, payload: TokenIn) -> ThreadOut:
    principal = principal_for(request.user)
    require(principal, "surveys.suggest")
    suggestion = actions.find_by_token(payload.token)
    if suggestion is None or suggestion.organization_id != _organization(principal).pk:
        raise ApiError(404, "not_found", "No conversation matches this token.")
    if payload.body.strip():
        actions.poster_reply(suggestion, payload.body)
    return _thread(suggestion)


@router.get("/surveys/suggestions", response=list[ThreadOut], summary="Threads you handle")
def suggestion_inbox(request: HttpRequest) -> list[ThreadOut]:
    principal = principal_for(request.user)
    require(principal, "surveys.handle_suggestions")
    assert principal.employee is not None
    found = queries.suggestions_for_handler(
        _organization(principal), principal.employee, can(principal, "surveys.manage")
    )
    return [_thread(s) for s in found]


@router.post(
    "/surveys/suggestions/{suggestion_id}/replies",
    response={200: ThreadOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Reply to a thread and/or change its status",
)
def reply(request: HttpRequest, suggestion_id: str, payload: StaffReplyIn) -> ThreadOut:
    principal = principal_for(request.user)
    suggestion = get_object_or_404(
        Suggestion, pk=_uuid(suggestion_id), organization=_organization(principal)
    )
    require(principal, "surveys.handle_suggestions", suggestion)
    try:
        actions.staff_reply(
            suggestion,
            actor=principal.user,  # type: ignore[arg-type]
            body=payload.body,
            status=payload.status,
            label="HR" if can(principal, "surveys.manage") else str(principal.employee),
        )
    except actions.SurveyError as exc:
        raise ApiError(
            400, "invalid_request", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None
    return _thread(suggestion)


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ApiError(404, "not_found", "Not found.") from None
