"""The xAPI HTTP resources under /xapi/: statements, documents, activities, agents, about.

Thin: parse the request, check the client's scope, call actions/queries, shape the answer.
Every response carries X-Experience-API-Version; errors are JSON ``{"error": "..."}`` with
the status the specification names (400, 401, 403, 404, 409, 412, 413), and 429 with
Retry-After when a key or an address failed to authenticate too often.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlencode

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from learnloop.xapi import actions, queries
from learnloop.xapi.auth import Throttled, authenticate
from learnloop.xapi.engine import formats, multipart, shaping
from learnloop.xapi.engine.errors import Forbidden, NotFound, ValidationError, XapiError
from learnloop.xapi.engine.statements import agent_key, prepare, prepare_batch, validate_agent
from learnloop.xapi.models import Document, LrsClient

_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
SUPPORTED_VERSIONS = ["2.0.0", "1.0.3"]
MAX_BODY = getattr(settings, "XAPI_MAX_BODY_BYTES", 64 * 1024 * 1024)


class PayloadTooLarge(XapiError):
    status = 413


@dataclass
class Call:
    request: HttpRequest
    client: LrsClient
    version: str  # the request's X-Experience-API-Version

    @property
    def is_v2(self) -> bool:
        return self.version.startswith("2.")

    def require(self, access: str) -> None:
        allowed = self.client.can_read if access == "read" else self.client.can_write
        if not allowed:
            raise Forbidden(f"this client's credentials do not allow {access} access")


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def _error(status: int, message: str) -> HttpResponse:
    return _json({"error": message}, status)


def _body(request: HttpRequest) -> bytes:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY:
        raise PayloadTooLarge(f"the request body is larger than {MAX_BODY} bytes")
    return request.read()


def endpoint(
    methods: tuple[str, ...], *, public: bool = False, consistent: bool = False
) -> Callable[[Callable[[Call, str], HttpResponse]], Callable[[HttpRequest], HttpResponse]]:
    """Version header, alternate-syntax refusal, Basic auth, HEAD, and errors as JSON.

    ``consistent``: every answer, errors included, carries X-Experience-API-Consistent-Through
    (the Statement resource: clients poll it, and read the header whatever the status).
    """

    def wrap(handler: Callable[[Call, str], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        @functools.wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            version = request.headers.get("X-Experience-API-Version", "").strip()
            try:
                if "method" in request.GET:
                    request = _alternate_request(request, version)
                    version = request.headers.get("X-Experience-API-Version", "").strip()
                response = _dispatch(request, version, methods, public, handler)
            except XapiError as exc:
                response = _error(exc.status, exc.message)
            response["X-Experience-API-Version"] = _answered_version(version, public)
            if consistent:
                response["X-Experience-API-Consistent-Through"] = formats.format_timestamp(
                    timezone.now()
                )
            return response

        return view

    return wrap


def _answered_version(version: str, public: bool) -> str:
    """The version an answer is labelled with.

    A request without the header is by xAPI's rules a 0.9 one (0.9 had no header; 1.0.3
    Communication 3.3.s3.b4.1), which this LRS refuses: its 400 says 0.9, the one label that
    both the 2.0.0 and the 1.0.3 conformance suites accept there.
    """
    if version.startswith("1."):
        return "1.0.3"
    return "0.9" if not version and not public else "2.0.0"


# Form parameters the alternate request syntax carries in place of these headers (1.0.3
# Communication 1.3: Authorization, X-Experience-API-Version, Content-Type, Content-Length,
# If-Match, If-None-Match), with their WSGI names.
_FORM_HEADERS = {
    "Authorization": "HTTP_AUTHORIZATION",
    "X-Experience-API-Version": "HTTP_X_EXPERIENCE_API_VERSION",
    "Content-Type": "CONTENT_TYPE",
    "Content-Length": "CONTENT_LENGTH",
    "If-Match": "HTTP_IF_MATCH",
    "If-None-Match": "HTTP_IF_NONE_MATCH",
}
_ALTERNATE_METHODS = ("GET", "PUT", "POST", "DELETE")


class _AlternateRequest(HttpRequest):
    """The request an alternate-syntax POST stands for: its method, headers, query, content."""

    def __init__(
        self,
        original: HttpRequest,
        method: str,
        meta: dict[str, Any],
        content: bytes,
    ) -> None:
        super().__init__()
        self.method = method
        self.path = original.path
        self.path_info = original.path_info
        self.META = meta
        self.GET = cast(Any, QueryDict(meta["QUERY_STRING"]))
        self._content = content

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        content, self._content = self._content, b""
        return content


def _alternate_request(request: HttpRequest, header_version: str) -> HttpRequest:
    """Read a 1.0.3 Alternate Request Syntax POST (``?method=``) as the request it stands for.

    xAPI 2.0 removed the syntax: with a 2.0 version (in the header or the form) it is refused.
    """
    if (request.method or "").upper() != "POST":
        raise ValidationError("method", "the alternate request syntax must be sent with POST")
    extra = sorted(set(request.GET) - {"method"})
    if extra:
        raise ValidationError(
            extra[0],
            "is not allowed in the query string of an alternate-syntax request "
            "(send it as a form parameter)",
        )
    intended = request.GET["method"].upper()
    kind, _ = multipart.media_type(request.headers.get("Content-Type", ""))
    if kind != "application/x-www-form-urlencoded":
        raise ValidationError(
            "Content-Type",
            "must be application/x-www-form-urlencoded with the alternate request syntax",
        )
    try:
        form = parse_qs(
            _body(request).decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            errors="strict",
        )
    except UnicodeDecodeError:
        raise ValidationError("body", "form parameters must be UTF-8") from None
    for name, values in form.items():
        if len(values) > 1:
            raise ValidationError(name, "appears more than once in the form")
    fields = {name: values[0] for name, values in form.items()}
    version = fields.get("X-Experience-API-Version", header_version).strip()
    if version.startswith("2."):
        raise ValidationError(
            "method", "the alternate request syntax was removed in xAPI 2.0: send the real method"
        )
    if intended not in _ALTERNATE_METHODS:
        raise ValidationError("method", f"must be one of {', '.join(_ALTERNATE_METHODS)}")
    meta = {
        key: value
        for key, value in request.META.items()
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH", "QUERY_STRING")
    }
    for name, wsgi_name in _FORM_HEADERS.items():
        if name in fields:
            meta[wsgi_name] = fields.pop(name)
    content = fields.pop("content", "").encode("utf-8")
    if content and "CONTENT_TYPE" not in meta:
        # The content's own type SHOULD be given; statements and documents are usually JSON.
        meta["CONTENT_TYPE"] = "application/json"
    meta["CONTENT_LENGTH"] = str(len(content))
    meta["QUERY_STRING"] = urlencode(fields)
    return _AlternateRequest(request, intended, meta, content)


def _dispatch(
    request: HttpRequest,
    version: str,
    methods: tuple[str, ...],
    public: bool,
    handler: Callable[[Call, str], HttpResponse],
) -> HttpResponse:
    method = request.method or "GET"
    if not public:
        if not version:
            raise ValidationError(
                "X-Experience-API-Version",
                "header is required (2.0.x or 1.0.x; a request without it is read as xAPI 0.9, "
                "which this LRS does not serve)",
            )
        if not _VERSION.match(version):
            raise ValidationError(
                "X-Experience-API-Version", f"{version!r} is not supported (use 2.0.x or 1.0.x)"
            )
    effective = "GET" if method == "HEAD" else method
    if effective not in methods:
        response = _error(405, f"{method} is not allowed here")
        response["Allow"] = ", ".join([*methods, "HEAD"] if "GET" in methods else methods)
        return response
    # Public resources (about, the 404 of unknown paths) use no client: credentials sent to
    # them are not looked up, so probing any path costs neither a query nor a scrypt check.
    try:
        client = None if public else authenticate(request)
    except Throttled as exc:
        response = _error(exc.status, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if client is None and not public:
        response = _error(401, "send HTTP Basic credentials of an LRS client")
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
        return response
    response = handler(Call(request, client, version or "2.0.0"), effective)  # type: ignore[arg-type]
    if method == "HEAD":
        response.content = b""
    return response


# --- parameters ---------------------------------------------------------------------------


def _params(request: HttpRequest, allowed: set[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for name in request.GET:
        if name not in allowed:
            raise ValidationError(
                name, "is not a parameter of this resource (names are case-sensitive)"
            )
        params[name] = request.GET[name]
    return params


def _bool_param(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise ValidationError(name, "must be true or false")
    return value == "true"


def _uuid_param(params: dict[str, str], name: str) -> uuid.UUID | None:
    if name not in params:
        return None
    if not formats.is_uuid(params[name]):
        raise ValidationError(name, "must be a UUID")
    return uuid.UUID(params[name])


def _timestamp_param(params: dict[str, str], name: str) -> dt.datetime | None:
    if name not in params:
        return None
    moment = formats.parse_timestamp(params[name])
    if moment is None:
        raise ValidationError(name, "must be an ISO 8601 timestamp")
    return moment


def _iri_param(params: dict[str, str], name: str, *, required: bool) -> str | None:
    if name not in params:
        if required:
            raise ValidationError(name, "is required")
        return None
    if not formats.is_iri(params[name]):
        raise ValidationError(name, "must be an IRI")
    return params[name]


def _agent_param(
    params: dict[str, str], name: str, *, required: bool, allow_group: bool
) -> tuple[str, dict[str, Any]] | None:
    if name not in params:
        if required:
            raise ValidationError(name, "is required")
        return None
    try:
        value = orjson.loads(params[name])
    except orjson.JSONDecodeError:
        raise ValidationError(name, "must be an Agent object in JSON") from None
    agent = validate_agent(value, name, allow_group=allow_group)
    key = agent_key(agent)
    if key is None:
        raise ValidationError(name, "must be identified (an anonymous group cannot be)")
    return key, agent


# --- statements ---------------------------------------------------------------------------

_GET_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "cursor",
}


@endpoint(("GET", "PUT", "POST"), consistent=True)
def statements(call: Call, method: str) -> HttpResponse:
    if method == "GET":
        call.require("read")
        return _get_statements(call)
    call.require("write")
    return _store_statements(call, method)


def _read_statement_payload(call: Call) -> tuple[Any, dict[str, actions.AttachmentData] | None]:
    request = call.request
    kind, options = multipart.media_type(request.headers.get("Content-Type", ""))
    body = _body(request)
    if kind == "multipart/mixed":
        parts = multipart.parse(body, options.get("boundary", ""))
        if not parts:
            raise ValidationError("multipart", "the first part must hold the statements")
        if parts[0].content_type != "application/json":
            raise ValidationError("multipart", "the first part must be application/json")
        payload = parts[0].body
        attachments: dict[str, actions.AttachmentData] | None = {}
        for index, part in enumerate(parts[1:], start=1):
            declared = part.headers.get("x-experience-api-hash")
            if not declared:
                raise ValidationError(
                    f"multipart part {index}", "X-Experience-API-Hash is required"
                )
            encoding = part.headers.get("content-transfer-encoding")
            if encoding is not None and encoding.lower() != "binary":
                raise ValidationError(
                    f"multipart part {index}", "Content-Transfer-Encoding must be binary"
                )
            algorithm = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}.get(len(declared))
            if (
                algorithm is None
                or hashlib.new(algorithm, part.body).hexdigest() != declared.lower()
            ):
                raise ValidationError(
                    f"multipart part {index}",
                    "the content does not match its X-Experience-API-Hash",
                )
            assert attachments is not None
            attachments[declared.lower()] = actions.AttachmentData(
                part.headers.get("content-type", "application/octet-stream"), part.body
            )
    elif kind == "application/json":
        payload, attachments = body, None
    else:
        raise ValidationError("Content-Type", "must be application/json or multipart/mixed")
    try:
        return orjson.loads(payload), attachments
    except orjson.JSONDecodeError as exc:
        raise ValidationError("body", f"is not valid JSON ({exc})") from None


def _store_statements(call: Call, method: str) -> HttpResponse:
    if method == "PUT":
        params = _params(call.request, {"statementId"})
        statement_id = _uuid_param(params, "statementId")
        if statement_id is None:
            raise ValidationError("statementId", "is required")
        value, attachments = _read_statement_payload(call)
        if not isinstance(value, dict):
            raise ValidationError("body", "must be a single statement object")
        if "id" in value and (
            not isinstance(value["id"], str) or value["id"].lower() != str(statement_id)
        ):
            raise ValidationError("id", "must match the statementId parameter")
        value["id"] = str(statement_id)
        batch = [prepare(value, offset_required=call.is_v2)]
    else:
        _params(call.request, set())
        value, attachments = _read_statement_payload(call)
        batch = prepare_batch(value, offset_required=call.is_v2)
    if not call.is_v2:
        for index, item in enumerate(batch):
            if not str(item.statement.get("version", "1.0.0")).startswith("1.0"):
                raise ValidationError(f"[{index}].version", "must be 1.0.x with a 1.0.x header")
    used = actions.check_attachments(batch, attachments)
    ids = actions.store_statements(
        batch,
        authority=actions.client_authority(call.client),
        version="2.0.0" if call.is_v2 else "1.0.0",
        client=call.client,
        attachments=used,
    )
    if method == "PUT":
        return HttpResponse(status=204)
    return _json([str(statement_id) for statement_id in ids])


def _cursor(token: str) -> tuple[dt.datetime, int]:
    try:
        stored, _, pk = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        return dt.datetime.fromisoformat(stored), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("cursor", "is not a cursor this LRS issued") from None


def _shape(call: Call, statements: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    if fmt == "ids":
        return [shaping.as_ids(statement) for statement in statements]
    preferred = shaping.parse_accept_language(call.request.headers.get("Accept-Language", ""))
    activities, verbs = queries.canonical_definitions(statements)
    return [shaping.as_canonical(s, activities, verbs, preferred) for s in statements]


def _statement_response(
    call: Call, raw: list[str], fmt: str, with_attachments: bool, wrap: Callable[[bytes], bytes]
) -> HttpResponse:
    if fmt == "exact" and not with_attachments:
        return HttpResponse(wrap(",".join(raw).encode()), content_type="application/json")
    parsed = [orjson.loads(item) for item in raw]
    shaped = parsed if fmt == "exact" else _shape(call, parsed, fmt)
    body = wrap(b",".join(orjson.dumps(item) for item in shaped))
    if not with_attachments:
        return HttpResponse(body, content_type="application/json")
    content, content_type = multipart.build(body, queries.attachment_contents(parsed))
    return HttpResponse(content, content_type=content_type)


def _get_statements(call: Call) -> HttpResponse:
    params = _params(call.request, _GET_PARAMS)
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise ValidationError("format", "must be ids, exact or canonical")
    with_attachments = _bool_param(params, "attachments")
    own = (
        agent_key(actions.client_authority(call.client))
        if call.client.statements == LrsClient.Statements.OWN
        else None
    )
    single = {"statementId", "voidedStatementId"} & params.keys()
    if single:
        if len(single) > 1:
            raise ValidationError("statementId", "cannot be combined with voidedStatementId")
        extra = params.keys() - {"statementId", "voidedStatementId", "attachments", "format"}
        if extra:
            raise ValidationError(
                sorted(extra)[0], "cannot be combined with statementId or voidedStatementId"
            )
        name = single.pop()
        statement_id = _uuid_param(params, name)
        assert statement_id is not None
        row = queries.statement_by_id(
            statement_id, voided=name == "voidedStatementId", own_authority=own
        )
        if row is None:
            raise NotFound(
                f"no {'voided ' if name == 'voidedStatementId' else ''}statement {statement_id}"
            )
        response = _statement_response(call, [row.data], fmt, with_attachments, lambda b: b)
        response["Last-Modified"] = http_date(row.stored.timestamp())
        return response

    agent = _agent_param(params, "agent", required=False, allow_group=True)
    limit_text = params.get("limit", "0")
    if not limit_text.isdigit():
        raise ValidationError("limit", "must be a non-negative integer")
    query = queries.StatementFilter(
        agent=agent[0] if agent else None,
        verb=_iri_param(params, "verb", required=False),
        activity=_iri_param(params, "activity", required=False),
        registration=_uuid_param(params, "registration"),
        related_agents=_bool_param(params, "related_agents"),
        related_activities=_bool_param(params, "related_activities"),
        since=_timestamp_param(params, "since"),
        until=_timestamp_param(params, "until"),
        limit=int(limit_text),
        ascending=_bool_param(params, "ascending"),
        after=_cursor(params["cursor"]) if "cursor" in params else None,
        own_authority=own,
    )
    rows, more = queries.find_statements(query)
    more_url = ""
    if more:
        last = rows[-1]
        token = base64.urlsafe_b64encode(f"{last.stored.isoformat()}|{last.pk}".encode()).decode()
        following = {k: v for k, v in params.items() if k != "cursor"}
        following["cursor"] = token
        more_url = f"{call.request.path}?{urlencode(following)}"
    tail = orjson.dumps(more_url)

    def wrap(joined: bytes) -> bytes:
        return b'{"statements":[' + joined + b'],"more":' + tail + b"}"

    return _statement_response(call, [row.data for row in rows], fmt, with_attachments, wrap)


# --- documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _DocumentKind:
    kind: str
    id_param: str
    activity: bool
    agent: bool
    registration: bool


_STATE = _DocumentKind(Document.Kind.STATE, "stateId", True, True, True)
_ACTIVITY_PROFILE = _DocumentKind(Document.Kind.ACTIVITY_PROFILE, "profileId", True, False, False)
_AGENT_PROFILE = _DocumentKind(Document.Kind.AGENT_PROFILE, "profileId", False, True, False)


def _document(call: Call, method: str, spec: _DocumentKind) -> HttpResponse:
    allowed = {spec.id_param}
    if spec.activity:
        allowed.add("activityId")
    if spec.agent:
        allowed.add("agent")
    if spec.registration:
        allowed.add("registration")
    if method == "GET":
        allowed.add("since")
    params = _params(call.request, allowed)
    activity = _iri_param(params, "activityId", required=spec.activity) or ""
    agent = (
        _agent_param(params, "agent", required=True, allow_group=spec.kind == Document.Kind.STATE)
        if spec.agent
        else None
    )
    registration_uuid = _uuid_param(params, "registration") if spec.registration else None
    registration = str(registration_uuid) if registration_uuid else None
    # A client limited to its own statements reaches only the documents it wrote, too.
    own = call.client.statements == LrsClient.Statements.OWN
    scope = actions.DocumentScope(
        spec.kind, activity, agent[0] if agent else "", call.client.pk if own else None
    )
    document_id = params.get(spec.id_param)
    request = call.request
    if method == "GET":
        call.require("read")
        if document_id is None:
            ids, latest = queries.document_ids(
                scope, registration, _timestamp_param(params, "since")
            )
            response = _json(ids)
            if latest is not None:
                response["Last-Modified"] = http_date(latest.timestamp())
            return response
        found = queries.document(scope, registration or "", document_id)
        if found is None:
            raise NotFound(f"no document {document_id!r} here")
        response = HttpResponse(bytes(found.content), content_type=found.content_type)
        response["ETag"] = f'"{found.etag}"'
        response["Last-Modified"] = http_date(found.updated.timestamp())
        return response
    call.require("write")
    if method == "DELETE":
        if document_id is None and spec.kind != Document.Kind.STATE:
            raise ValidationError(spec.id_param, "is required to delete a profile document")
        actions.delete_documents(
            scope,
            registration,
            document_id,
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
        )
        return HttpResponse(status=204)
    if document_id is None:
        raise ValidationError(spec.id_param, "is required")
    content_type = request.headers.get("Content-Type") or "application/octet-stream"
    actions.put_document(
        scope,
        registration or "",
        document_id,
        _body(request),
        content_type,
        merge=method == "POST",
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
        require_header_for_existing=spec.kind != Document.Kind.STATE or call.is_v2,
        # 1.0.3 Communication 2.6/2.7 (its suite's XAPI-00273, -00287): a profile PUT must be
        # conditional even to create; 2.0 dropped that for new documents.
        require_header_for_new=spec.kind != Document.Kind.STATE and not call.is_v2,
        writer=call.client,
    )
    return HttpResponse(status=204)


@endpoint(("GET", "PUT", "POST", "DELETE"))
def state(call: Call, method: str) -> HttpResponse:
    return _document(call, method, _STATE)


@endpoint(("GET", "PUT", "POST", "DELETE"))
def activity_profile(call: Call, method: str) -> HttpResponse:
    return _document(call, method, _ACTIVITY_PROFILE)


@endpoint(("GET", "PUT", "POST", "DELETE"))
def agent_profile(call: Call, method: str) -> HttpResponse:
    return _document(call, method, _AGENT_PROFILE)


# --- activities, agents, about ------------------------------------------------------------


@endpoint(("GET",))
def activities(call: Call, method: str) -> HttpResponse:
    call.require("read")
    params = _params(call.request, {"activityId"})
    iri = _iri_param(params, "activityId", required=True)
    assert iri is not None
    activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
    definition = queries.activity_definition(iri)
    if definition:
        activity["definition"] = definition
    return _json(activity)


@endpoint(("GET",))
def agents(call: Call, method: str) -> HttpResponse:
    call.require("read")
    params = _params(call.request, {"agent"})
    found = _agent_param(params, "agent", required=True, allow_group=False)
    assert found is not None
    key, agent = found
    known = queries.agent_data(key) or {}
    person: dict[str, Any] = {"objectType": "Person"}
    name = agent.get("name") or known.get("name")
    if name:
        person["name"] = [name]
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        if ifi in agent:
            person[ifi] = [agent[ifi]]
    return _json(person)


@endpoint(("GET",), public=True)
def about(call: Call, method: str) -> HttpResponse:
    return _json({"version": SUPPORTED_VERSIONS})


@endpoint(("GET", "PUT", "POST", "DELETE"), public=True)
def unknown(call: Call, method: str) -> HttpResponse:
    """Any other path under /xapi/: a 404 in JSON, like every error of the resources."""
    raise NotFound(f"{call.request.path}: no such xAPI resource")
