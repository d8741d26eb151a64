"""Document resources: ETags, preconditions and the JSON merge of POST."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from learnloop.xapi.engine.errors import Conflict, PreconditionFailed, ValidationError


def etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",") if tag.strip()]


def check_preconditions(
    current: str | None,
    *,
    if_match: str | None,
    if_none_match: str | None,
    require_header_for_existing: bool,
    require_header_for_new: bool = False,
) -> None:
    """RFC 7232 If-Match / If-None-Match for a document whose ETag is ``current`` (None: absent).

    ``require_header_for_existing``: a PUT that overwrites without either header is a 409.
    ``require_header_for_new``: a PUT that creates without either header is a 400.
    """
    if require_header_for_new and current is None and if_match is None and if_none_match is None:
        raise ValidationError(
            "If-Match",
            "or If-None-Match is required to create a profile document with xAPI 1.0.x "
            "(If-None-Match: * to create only)",
        )
    if if_match is not None:
        tags = _tags(if_match)
        if current is None or ("*" not in tags and current not in tags):
            raise PreconditionFailed("If-Match: the document's current ETag does not match")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        if current is not None and ("*" in tags or current in tags):
            raise PreconditionFailed("If-None-Match: the document already exists")
    if (
        require_header_for_existing
        and current is not None
        and if_match is None
        and if_none_match is None
    ):
        raise Conflict(
            "The document exists: check its current state and send If-Match with its ETag "
            "(or If-None-Match: * to create only)"
        )


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise ValidationError(what, "must be a JSON object to be merged") from None
    if not isinstance(value, dict):
        raise ValidationError(what, "must be a JSON object to be merged")
    return value


def is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def merge(existing: bytes, existing_type: str, posted: bytes, posted_type: str) -> bytes:
    """Top-level merge of two JSON object documents (Communication 2.2 JSON procedure)."""
    if not is_json(posted_type):
        raise ValidationError(
            "Content-Type", "POST to an existing document must be application/json"
        )
    if not is_json(existing_type):
        raise ValidationError("document", "the stored document is not JSON and cannot be merged")
    base = _json_object(existing, "stored document")
    base.update(_json_object(posted, "body"))
    return orjson.dumps(base)
