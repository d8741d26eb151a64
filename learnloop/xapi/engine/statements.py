"""Statement validation and normalisation (xAPI 1.0.3 Data, with the 2.0 context additions).

:func:`prepare` checks one statement against the structural rules of the specification,
returns it normalised (context activities as arrays, timestamps in UTC, lowercase id) and
collects the facts the store indexes: actor, verb, object, every agent and activity it
mentions. Errors name the offending property path and the rule, e.g.
``actor.mbox: must be a mailto: IRI``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from learnloop.xapi.engine import formats
from learnloop.xapi.engine.errors import ValidationError

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
        "objectType",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
    }
)
INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
        "contextAgents",
        "contextGroups",
    }
)
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)


@dataclass
class Prepared:
    """A validated statement and what the store indexes about it."""

    id: uuid.UUID
    statement: dict[str, Any]
    actor_key: str | None
    verb_id: str
    object_kind: str
    object_activity: str | None = None
    object_agent_key: str | None = None
    object_ref: uuid.UUID | None = None
    registration: uuid.UUID | None = None
    timestamp: dt.datetime | None = None
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    verbs: dict[str, dict[str, str] | None] = field(default_factory=dict)
    activities: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # Members of the actor/object groups count as direct matches for the agent filter.
    direct_agents: set[str] = field(default_factory=set)
    related_agents: set[str] = field(default_factory=set)
    related_activities: set[str] = field(default_factory=set)
    # Whether the sender set the timestamp (else the LRS sets it to "stored").
    timestamp_given: bool = False

    @property
    def voids(self) -> uuid.UUID | None:
        return self.object_ref if self.verb_id == VOIDED else None

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return list(self.statement.get("attachments") or [])


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# Sub-objects (agents, verbs, activities) already found valid, by kind and JSON text.
# Statements repeat them heavily and checking one costs far more than serialising it; only
# successes are remembered, so a failing object is always checked in full and its error names
# the offending path. Validity of these objects does not depend on where they appear.
_known_valid: set[bytes] = set()


def _memo_key(kind: bytes, value: dict[str, Any]) -> bytes | None:
    try:
        return kind + orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return None


def _remember(key: bytes | None) -> None:
    if key is not None:
        formats.remember(_known_valid, key)


def _object(value: object, path: str, what: str = "an object") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(path, f"must be {what}, not {_type_name(value)}")
    return value


def _keys(value: dict[str, Any], allowed: frozenset[str], path: str) -> None:
    if value.keys() <= allowed and None not in value.values():
        return
    for key, item in value.items():
        if key not in allowed:
            raise ValidationError(_join(path, key), "is not an allowed property here")
        if item is None:
            raise ValidationError(_join(path, key), "must not be null")


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(path, f"must be a string, not {_type_name(value)}")
    return value


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(path, f"must be a boolean, not {_type_name(value)}")
    return value


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(path, f"must be a number, not {_type_name(value)}")
    return float(value)


def _iri(value: object, path: str, what: str = "IRI") -> str:
    text = _string(value, path)
    if not formats.is_iri(text):
        raise ValidationError(path, f"must be an absolute {what} with a scheme")
    return text


def _uuid(value: object, path: str) -> uuid.UUID:
    text = _string(value, path)
    if not formats.is_uuid(text):
        raise ValidationError(path, "must be a UUID in its standard string form")
    return uuid.UUID(text)


def _timestamp(value: object, path: str, *, offset_required: bool = False) -> dt.datetime:
    text = _string(value, path)
    parsed = formats.parse_timestamp_with_offset(text)
    if offset_required and (parsed is None or not parsed[1]) and not formats.has_offset(text):
        raise ValidationError(path, "must include a UTC offset (Z or +hh:mm) in xAPI 2.0")
    if parsed is None:
        raise ValidationError(path, "must be an ISO 8601 timestamp (not -00:00)")
    return parsed[0]


def _language_map(value: object, path: str) -> dict[str, str]:
    mapping = _object(value, path, "a language map")
    for tag, text in mapping.items():
        if not formats.is_language_tag(tag):
            raise ValidationError(_join(path, tag), "key must be an RFC 5646 language tag")
        _string(text, _join(path, tag))
    return mapping


def _extensions(value: object, path: str) -> None:
    mapping = _object(value, path, "an extensions map")
    for key in mapping:
        if not formats.is_iri(key):
            raise ValidationError(_join(path, key), "extension keys must be IRIs")


def agent_key(agent: dict[str, Any]) -> str | None:
    """The inverse functional identifier as one string, or None for an anonymous group."""
    if "mbox" in agent:
        local, _, domain = str(agent["mbox"]).partition("@")
        return f"mbox|{local}@{domain.lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1|{str(agent['mbox_sha1sum']).lower()}"
    if "openid" in agent:
        return f"openid|{agent['openid']}"
    if "account" in agent:
        account = agent["account"]
        return f"account|{account['homePage']}|{account['name']}"
    return None


def identity(agent: dict[str, Any]) -> dict[str, Any]:
    """The agent reduced to its objectType and identifier (``format=ids``)."""
    reduced: dict[str, Any] = {}
    if "objectType" in agent:
        reduced["objectType"] = agent["objectType"]
    for key in IFI_KEYS:
        if key in agent:
            reduced[key] = agent[key]
    if agent.get("objectType") == "Group" and "member" in agent and agent_key(agent) is None:
        reduced["member"] = [identity(member) for member in agent["member"]]
    return reduced


def _ifi_count(agent: dict[str, Any]) -> int:
    return sum(1 for key in IFI_KEYS if key in agent)


def _check_ifis(agent: dict[str, Any], path: str) -> None:
    if "mbox" in agent:
        mbox = _string(agent["mbox"], _join(path, "mbox"))
        if not formats.is_mailto(mbox):
            raise ValidationError(_join(path, "mbox"), "must be a mailto: IRI")
    if "mbox_sha1sum" in agent:
        digest = _string(agent["mbox_sha1sum"], _join(path, "mbox_sha1sum"))
        if not formats.is_sha1_hex(digest):
            raise ValidationError(_join(path, "mbox_sha1sum"), "must be a hex SHA-1 digest")
    if "openid" in agent:
        _iri(agent["openid"], _join(path, "openid"), "URI")
    if "account" in agent:
        account_path = _join(path, "account")
        account = _object(agent["account"], account_path)
        _keys(account, frozenset({"homePage", "name"}), account_path)
        if "homePage" not in account:
            raise ValidationError(_join(account_path, "homePage"), "is required")
        if "name" not in account:
            raise ValidationError(_join(account_path, "name"), "is required")
        _iri(account["homePage"], _join(account_path, "homePage"), "IRL")
        _string(account["name"], _join(account_path, "name"))


def validate_agent(
    value: object, path: str, *, allow_group: bool = True, require_type: bool = False
) -> dict[str, Any]:
    """Check an Agent or Group object (as found in statements or query parameters)."""
    agent = _object(value, path)
    key = _memo_key(b"G" if allow_group else b"A", agent) if not require_type else None
    if key is not None and key in _known_valid:
        return agent
    _check_agent(agent, path, allow_group=allow_group, require_type=require_type)
    _remember(key)
    return agent


def _check_agent(
    agent: dict[str, Any], path: str, *, allow_group: bool, require_type: bool
) -> None:
    kind = agent.get("objectType")
    if kind is None and require_type:
        raise ValidationError(_join(path, "objectType"), "is required here")
    if kind == "Group":
        if not allow_group:
            raise ValidationError(_join(path, "objectType"), "must be Agent here, not Group")
        _keys(agent, GROUP_KEYS, path)
        count = _ifi_count(agent)
        if count > 1:
            raise ValidationError(path, "a group must have at most one identifier")
        if count == 0 and "member" not in agent:
            raise ValidationError(_join(path, "member"), "an anonymous group must list members")
        if "member" in agent:
            members = agent["member"]
            if not isinstance(members, list):
                raise ValidationError(_join(path, "member"), "must be an array of agents")
            if count == 0 and not members:
                raise ValidationError(_join(path, "member"), "an anonymous group needs members")
            for index, member in enumerate(members):
                validate_agent(member, f"{path}.member[{index}]", allow_group=False)
    elif kind is None or kind == "Agent":
        _keys(agent, AGENT_KEYS, path)
        count = _ifi_count(agent)
        if count != 1:
            raise ValidationError(
                path,
                "an agent must have exactly one of mbox, mbox_sha1sum, openid, account",
            )
    else:
        raise ValidationError(_join(path, "objectType"), "must be Agent or Group")
    if "name" in agent:
        _string(agent["name"], _join(path, "name"))
    _check_ifis(agent, path)


def _components(value: object, path: str) -> None:
    if not isinstance(value, list):
        raise ValidationError(path, "must be an array of interaction components")
    seen: set[str] = set()
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        component = _object(item, item_path)
        _keys(component, frozenset({"id", "description"}), item_path)
        if "id" not in component:
            raise ValidationError(_join(item_path, "id"), "is required")
        ident = _string(component["id"], _join(item_path, "id"))
        if ident in seen:
            raise ValidationError(_join(item_path, "id"), "must be unique within the list")
        seen.add(ident)
        if "description" in component:
            _language_map(component["description"], _join(item_path, "description"))


def _definition(value: object, path: str) -> dict[str, Any]:
    definition = _object(value, path)
    _keys(definition, DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], _join(path, key))
    if "type" in definition:
        _iri(definition["type"], _join(path, "type"))
    if "moreInfo" in definition:
        _iri(definition["moreInfo"], _join(path, "moreInfo"), "IRL")
    if "extensions" in definition:
        _extensions(definition["extensions"], _join(path, "extensions"))
    # the type test first: a dict or list is not hashable, and a set lookup of it would raise
    kind = definition.get("interactionType", "")
    if "interactionType" in definition and (
        not isinstance(kind, str) or kind not in INTERACTION_TYPES
    ):
        raise ValidationError(
            _join(path, "interactionType"), f"must be one of {', '.join(sorted(INTERACTION_TYPES))}"
        )
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        pattern_path = _join(path, "correctResponsesPattern")
        if not isinstance(pattern, list):
            raise ValidationError(pattern_path, "must be an array of strings")
        for index, item in enumerate(pattern):
            _string(item, f"{pattern_path}[{index}]")
    interactive = [key for key in COMPONENT_LISTS if key in definition]
    if (interactive or "correctResponsesPattern" in definition) and (
        "interactionType" not in definition
    ):
        raise ValidationError(
            _join(path, "interactionType"), "is required with interaction properties"
        )
    for key in interactive:
        _components(definition[key], _join(path, key))
    return definition


def merge_language_map(
    existing: Mapping[str, str] | None, incoming: Mapping[str, str]
) -> dict[str, str]:
    """A verb display after a statement brings one: the new languages added, the new text wins."""
    return {**(existing or {}), **incoming}


def merge_definition(
    existing: Mapping[str, Any] | None, incoming: Mapping[str, Any]
) -> dict[str, Any]:
    """The canonical activity definition after a statement brings a (newer) definition.

    Language maps gain the new languages, everything else takes the newer value.
    """
    merged = dict(existing or {})
    for key, value in incoming.items():
        if (key in ("name", "description") and isinstance(merged.get(key), dict)) or (
            key == "extensions" and isinstance(merged.get(key), dict)
        ):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def collect[T: Mapping[str, Any]](
    known: dict[str, T | None],
    iri: str,
    value: T | None,
    merge: Callable[[T | None, T], T],
) -> None:
    """Record the definition (or display) of ``iri``, merged with one met before.

    Statements of one batch, or places of one statement, may define the same activity in
    different languages: the LRS keeps them all (Communication 2.5, XAPI-00254).
    """
    if value:
        earlier = known.get(iri)
        known[iri] = merge(earlier, value) if earlier else value
    elif iri not in known:
        known[iri] = value


class _Collector:
    """What a statement mentions, gathered while it is validated."""

    def __init__(self, *, offset_required: bool = False) -> None:
        self.offset_required = offset_required
        self.agents: dict[str, dict[str, Any]] = {}
        self.verbs: dict[str, dict[str, str] | None] = {}
        self.activities: dict[str, dict[str, Any] | None] = {}
        self.direct_agents: set[str] = set()
        self.related_agents: set[str] = set()
        self.related_activities: set[str] = set()
        self.registration: uuid.UUID | None = None

    def agent(self, agent: dict[str, Any], *, related: bool) -> str | None:
        """Record an agent or group (and its members); returns the key of the agent itself."""
        key = agent_key(agent)
        if key is not None:
            stored = {k: agent[k] for k in ("objectType", "name", *IFI_KEYS) if k in agent}
            self.agents.setdefault(key, stored)
            if related:
                self.related_agents.add(key)
        for member in agent.get("member") or ():
            member_key = self.agent(member, related=related)
            if member_key is not None and not related:
                self.direct_agents.add(member_key)
        return key

    def activity(self, activity: dict[str, Any], *, related: bool) -> str:
        iri = str(activity["id"])
        collect(self.activities, iri, activity.get("definition"), merge_definition)
        if related:
            self.related_activities.add(iri)
        return iri


def _verb(value: object, path: str, collector: _Collector) -> str:
    verb = _object(value, path)
    key = _memo_key(b"V", verb)
    if key is None or key not in _known_valid:
        _keys(verb, frozenset({"id", "display"}), path)
        if "id" not in verb:
            raise ValidationError(_join(path, "id"), "is required")
        _iri(verb["id"], _join(path, "id"))
        if "display" in verb:
            _language_map(verb["display"], _join(path, "display"))
        _remember(key)
    iri: str = verb["id"]
    collect(collector.verbs, iri, verb.get("display"), merge_language_map)
    return iri


def _activity(value: dict[str, Any], path: str) -> None:
    key = _memo_key(b"O", value)
    if key is not None and key in _known_valid:
        return
    _check_activity(value, path)
    _remember(key)


def _check_activity(value: dict[str, Any], path: str) -> None:
    _keys(value, frozenset({"objectType", "id", "definition"}), path)
    if "id" not in value:
        raise ValidationError(_join(path, "id"), "is required")
    _iri(value["id"], _join(path, "id"))
    if "definition" in value:
        _definition(value["definition"], _join(path, "definition"))


def _score(value: object, path: str) -> None:
    score = _object(value, path)
    _keys(score, SCORE_KEYS, path)
    for key, number in score.items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            _number(number, _join(path, key))
    scaled, raw = score.get("scaled"), score.get("raw")
    low, high = score.get("min"), score.get("max")
    if scaled is not None and not -1 <= scaled <= 1:
        raise ValidationError(_join(path, "scaled"), "must be between -1 and 1")
    if low is not None and high is not None and low > high:
        raise ValidationError(_join(path, "min"), "must not be greater than max")
    if raw is not None:
        if low is not None and raw < low:
            raise ValidationError(_join(path, "raw"), "must not be less than min")
        if high is not None and raw > high:
            raise ValidationError(_join(path, "raw"), "must not be greater than max")


def _result(value: object, path: str) -> None:
    result = _object(value, path)
    _keys(result, RESULT_KEYS, path)
    if "score" in result:
        _score(result["score"], _join(path, "score"))
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            _bool(result[key], _join(path, key))
    if "response" in result and not isinstance(result["response"], str):
        _string(result["response"], _join(path, "response"))
    if "duration" in result:
        duration = result["duration"]
        if not formats.is_duration(duration):
            _string(duration, _join(path, "duration"))
            raise ValidationError(_join(path, "duration"), "must be an ISO 8601 duration")
    if "extensions" in result:
        _extensions(result["extensions"], _join(path, "extensions"))


def _statement_ref(value: dict[str, Any], path: str) -> uuid.UUID:
    _keys(value, frozenset({"objectType", "id"}), path)
    if value.get("objectType") != "StatementRef":
        raise ValidationError(_join(path, "objectType"), "must be StatementRef")
    if "id" not in value:
        raise ValidationError(_join(path, "id"), "is required")
    return _uuid(value["id"], _join(path, "id"))


def _relevant_types(value: object, path: str) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(path, "must be a non-empty array of IRIs")
    for index, item in enumerate(value):
        _iri(item, f"{path}[{index}]")


def _context(
    value: object, path: str, *, object_is_activity: bool, collector: _Collector, sub: bool
) -> dict[str, Any]:
    context = _object(value, path)
    _keys(context, CONTEXT_KEYS, path)
    if "registration" in context:
        registration = _uuid(context["registration"], _join(path, "registration"))
        if not sub:
            collector.registration = registration
    if "instructor" in context:
        collector.agent(
            validate_agent(context["instructor"], _join(path, "instructor")), related=True
        )
    if "team" in context:
        team = validate_agent(context["team"], _join(path, "team"))
        if team.get("objectType") != "Group":
            raise ValidationError(_join(path, "team"), "must be a Group")
        collector.agent(team, related=True)
    for key in ("revision", "platform"):
        if key in context:
            _string(context[key], _join(path, key))
            if not object_is_activity:
                raise ValidationError(
                    _join(path, key), "may only be used when the object is an Activity"
                )
    if "language" in context:
        language = _string(context["language"], _join(path, "language"))
        if not formats.is_language_tag(language):
            raise ValidationError(_join(path, "language"), "must be an RFC 5646 language tag")
    if "statement" in context:
        reference = _object(context["statement"], _join(path, "statement"))
        _statement_ref(reference, _join(path, "statement"))
        reference["id"] = str(reference["id"]).lower()
    if "extensions" in context:
        _extensions(context["extensions"], _join(path, "extensions"))
    if "contextActivities" in context:
        activities_path = _join(path, "contextActivities")
        activities = _object(context["contextActivities"], activities_path)
        _keys(activities, CONTEXT_ACTIVITY_KEYS, activities_path)
        for key, items in list(activities.items()):
            if isinstance(items, dict):
                items = [items]
                activities[key] = items
            if not isinstance(items, list):
                raise ValidationError(
                    _join(activities_path, key), "must be an Activity or an array of Activities"
                )
            for index, activity in enumerate(items):
                if not isinstance(activity, dict) or (
                    activity.get("objectType", "Activity") != "Activity"
                ):
                    item_path = f"{activities_path}.{key}[{index}]"
                    _object(activity, item_path)
                    raise ValidationError(_join(item_path, "objectType"), "must be Activity")
                _activity(activity, f"{activities_path}.{key}[{index}]")
                collector.activity(activity, related=True)
    for key, inner, kind in (
        ("contextAgents", "agent", "contextAgent"),
        ("contextGroups", "group", "contextGroup"),
    ):
        if key not in context:
            continue
        list_path = _join(path, key)
        entries = context[key]
        if not isinstance(entries, list):
            raise ValidationError(list_path, f"must be an array of {kind} objects")
        for index, entry in enumerate(entries):
            entry_path = f"{list_path}[{index}]"
            item = _object(entry, entry_path)
            _keys(item, frozenset({"objectType", inner, "relevantTypes"}), entry_path)
            if item.get("objectType") != kind:
                raise ValidationError(_join(entry_path, "objectType"), f"must be {kind}")
            if inner not in item:
                raise ValidationError(_join(entry_path, inner), "is required")
            member = validate_agent(
                item[inner], _join(entry_path, inner), allow_group=inner == "group"
            )
            if inner == "group" and member.get("objectType") != "Group":
                raise ValidationError(_join(entry_path, inner), "must be a Group")
            if "relevantTypes" in item:
                _relevant_types(item["relevantTypes"], _join(entry_path, "relevantTypes"))
            collector.agent(member, related=True)
    return context


def _attachments(value: object, path: str) -> None:
    if not isinstance(value, list):
        raise ValidationError(path, "must be an array of attachments")
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        attachment = _object(item, item_path)
        _keys(attachment, ATTACHMENT_KEYS, item_path)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                raise ValidationError(_join(item_path, key), "is required")
        _iri(attachment["usageType"], _join(item_path, "usageType"))
        _language_map(attachment["display"], _join(item_path, "display"))
        if "description" in attachment:
            _language_map(attachment["description"], _join(item_path, "description"))
        content_type = _string(attachment["contentType"], _join(item_path, "contentType"))
        if not formats.is_media_type(content_type):
            raise ValidationError(_join(item_path, "contentType"), "must be an Internet media type")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise ValidationError(_join(item_path, "length"), "must be a non-negative integer")
        sha2 = _string(attachment["sha2"], _join(item_path, "sha2"))
        if not formats.is_sha2_hex(sha2):
            raise ValidationError(_join(item_path, "sha2"), "must be a hex SHA-2 digest")
        if "fileUrl" in attachment:
            _iri(attachment["fileUrl"], _join(item_path, "fileUrl"), "IRL")
        if (
            attachment["usageType"] == SIGNATURE_USAGE
            and content_type != "application/octet-stream"
        ):
            raise ValidationError(
                _join(item_path, "contentType"),
                "a signature attachment must be application/octet-stream",
            )


@dataclass
class _Parts:
    actor_key: str | None
    verb_id: str
    object_kind: str
    object_activity: str | None
    object_agent_key: str | None
    object_ref: uuid.UUID | None


def _body(statement: dict[str, Any], path: str, collector: _Collector, *, sub: bool) -> _Parts:
    """Checks shared by statements and sub-statements: actor, verb, object, result, context."""
    for key in ("actor", "verb", "object"):
        if key not in statement:
            raise ValidationError(_join(path, key), "is required")
    actor = validate_agent(statement["actor"], _join(path, "actor"))
    actor_key = collector.agent(actor, related=sub)
    verb_id = _verb(statement["verb"], _join(path, "verb"), collector)
    object_path = _join(path, "object")
    target = _object(statement["object"], object_path)
    kind = target.get("objectType", "Activity")
    object_activity = object_agent_key = object_ref = None
    if kind == "Activity":
        if "objectType" not in target and any(key in target for key in IFI_KEYS):
            raise ValidationError(
                _join(object_path, "objectType"), "is required when the object is an Agent or Group"
            )
        _activity(target, object_path)
        object_activity = collector.activity(target, related=sub)
    elif kind in ("Agent", "Group"):
        agent = validate_agent(target, object_path, require_type=True)
        object_agent_key = collector.agent(agent, related=sub)
    elif kind == "StatementRef":
        object_ref = _statement_ref(target, object_path)
        target["id"] = str(target["id"]).lower()
    elif kind == "SubStatement":
        if sub:
            raise ValidationError(
                _join(object_path, "objectType"), "a SubStatement cannot contain a SubStatement"
            )
        _keys(target, SUBSTATEMENT_KEYS, object_path)
        _body(target, object_path, collector, sub=True)
        if "timestamp" in target:
            moment = _timestamp(
                target["timestamp"],
                _join(object_path, "timestamp"),
                offset_required=collector.offset_required,
            )
            target["timestamp"] = formats.format_timestamp(moment)
        if "attachments" in target:
            _attachments(target["attachments"], _join(object_path, "attachments"))
    else:
        raise ValidationError(
            _join(object_path, "objectType"),
            "must be Activity, Agent, Group, StatementRef or SubStatement",
        )
    if verb_id == VOIDED and not sub and kind != "StatementRef":
        raise ValidationError(object_path, "a voiding statement's object must be a StatementRef")
    if "result" in statement:
        _result(statement["result"], _join(path, "result"))
    if "context" in statement:
        _context(
            statement["context"],
            _join(path, "context"),
            object_is_activity=kind == "Activity",
            collector=collector,
            sub=sub,
        )
    return _Parts(actor_key, verb_id, kind, object_activity, object_agent_key, object_ref)


def prepare(value: object, path: str = "", *, offset_required: bool = False) -> Prepared:
    """Validate and normalise one statement; raises :class:`ValidationError`.

    ``offset_required``: xAPI 2.0 timestamps must name their UTC offset; 1.0.3 only
    recommends it (a missing offset is then read as UTC).
    """
    statement = _object(value, path or "statement")
    _keys(statement, STATEMENT_KEYS, path)
    if "objectType" in statement:
        raise ValidationError(_join(path, "objectType"), "is not allowed on a statement")
    statement_id = _uuid(statement["id"], _join(path, "id")) if "id" in statement else uuid.uuid4()
    statement["id"] = str(statement_id)
    collector = _Collector(offset_required=offset_required)
    parts = _body(statement, path, collector, sub=False)
    timestamp = None
    if "timestamp" in statement:
        timestamp = _timestamp(
            statement["timestamp"], _join(path, "timestamp"), offset_required=offset_required
        )
        statement["timestamp"] = formats.format_timestamp(timestamp)
    if "stored" in statement:
        _timestamp(statement["stored"], _join(path, "stored"), offset_required=offset_required)
    if "authority" in statement:
        authority = validate_agent(statement["authority"], _join(path, "authority"))
        # Data 2.4.9.s3.b3: a Group is an authority only as the anonymous pair of an OAuth
        # consumer and its user.
        if authority.get("objectType") == "Group" and (
            agent_key(authority) is not None or len(authority.get("member", [])) != 2
        ):
            raise ValidationError(
                _join(path, "authority"),
                "a group authority must be an anonymous group of exactly two members",
            )
    if "version" in statement:
        version = _string(statement["version"], _join(path, "version"))
        if not formats.is_version(version):
            raise ValidationError(_join(path, "version"), "must be 1.0.x or 2.0.x")
    if "attachments" in statement:
        _attachments(statement["attachments"], _join(path, "attachments"))
    return Prepared(
        id=statement_id,
        statement=statement,
        actor_key=parts.actor_key,
        verb_id=parts.verb_id,
        object_kind=parts.object_kind,
        object_activity=parts.object_activity,
        object_agent_key=parts.object_agent_key,
        object_ref=parts.object_ref,
        registration=collector.registration,
        timestamp=timestamp,
        agents=collector.agents,
        verbs=collector.verbs,
        activities=collector.activities,
        direct_agents=collector.direct_agents,
        related_agents=collector.related_agents,
        related_activities=collector.related_activities,
        timestamp_given=timestamp is not None,
    )


def prepare_batch(value: object, *, offset_required: bool = False) -> list[Prepared]:
    """A single statement or an array of them; duplicate ids in one batch are refused."""
    if isinstance(value, dict):
        return [prepare(value, offset_required=offset_required)]
    if not isinstance(value, list):
        raise ValidationError("", "the body must be a statement or an array of statements")
    prepared = [
        prepare(item, f"[{index}]", offset_required=offset_required)
        for index, item in enumerate(value)
    ]
    seen: set[uuid.UUID] = set()
    for index, item in enumerate(prepared):
        if item.id in seen:
            raise ValidationError(f"[{index}].id", "appears twice in the batch")
        seen.add(item.id)
    return prepared


def finalize(
    prepared: Prepared,
    *,
    stored: dt.datetime,
    stored_text: str,
    authority: dict[str, Any],
    version: str,
) -> dict[str, Any]:
    """Set the properties the LRS owns: stored, authority, version, and a missing timestamp.

    ``stored_text`` is ``stored`` formatted, once for a whole batch.
    """
    statement = prepared.statement
    statement["stored"] = stored_text
    if not prepared.timestamp_given:
        statement["timestamp"] = statement["stored"]
        prepared.timestamp = stored
    statement["authority"] = authority
    statement.setdefault("version", version)
    return statement


def _strip_for_comparison(value: Any, *, top: bool) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if top and key in ("id", "stored", "authority", "version", "timestamp"):
                continue
            if key == "definition" or (key == "display" and "id" in value and "display" in value):
                continue
            if key == "duration" and isinstance(item, str):
                out[key] = formats.duration_key(item)
                continue
            if key == "member" and isinstance(item, list):
                members = [_strip_for_comparison(m, top=False) for m in item]
                out[key] = sorted(members, key=repr)
                continue
            if key == "mbox" and isinstance(item, str):
                local, _, domain = item.partition("@")
                out[key] = f"{local}@{domain.lower()}"
                continue
            out[key] = _strip_for_comparison(item, top=False)
        return out
    if isinstance(value, list):
        return [_strip_for_comparison(item, top=False) for item in value]
    return value


def same_statement(
    incoming: dict[str, Any], existing: dict[str, Any], *, compare_timestamp: bool = True
) -> bool:
    """Statement comparison (Data 2.3.1): ignore what the LRS may assign or re-serialise.

    ``compare_timestamp`` False: the incoming timestamp was assigned by the LRS, not sent.
    """
    if compare_timestamp and "timestamp" in incoming:
        left = formats.parse_timestamp(incoming["timestamp"])
        right = formats.parse_timestamp(existing.get("timestamp"))
        if left != right:
            return False
    return _strip_for_comparison(incoming, top=True) == _strip_for_comparison(existing, top=True)
