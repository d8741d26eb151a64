"""Checks for the string formats xAPI uses: IRIs, UUIDs, language tags, timestamps, durations."""

from __future__ import annotations

import datetime as dt
import re
import uuid

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.?[^@\s/]*$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?$")

# RFC 5646 well-formedness (langtag | privateuse | grandfathered), case-insensitive.
_LANGTAG = re.compile(
    r"""^(?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language (+ extlang)
      (?:-[a-z]{4})?                                          # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                             # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*                # variants
      (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*                    # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                              # private use
    | x(?:-[a-z0-9]{1,8})+
    | en-gb-oed | i-ami | i-bnn | i-default | i-enochian | i-hak | i-klingon | i-lux
    | i-mingo | i-navajo | i-pwn | i-tao | i-tay | i-tsu | sgn-be-fr | sgn-be-nl | sgn-ch-de
    | art-lojban | cel-gaulish | no-bok | no-nyn | zh-guoyu | zh-hakka | zh-min | zh-min-nan
    | zh-xiang
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"([Zz]|[+\-]\d{2}(?::?\d{2})?)?$"
)
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$"
    r"|^P\d+(?:[.,]\d+)?W$"
)
_DURATION_PARTS = re.compile(r"(\d+(?:[.,]\d+)?)([YMWDHS])")


# Strings already found to be valid IRIs or language tags. The same few (extension keys,
# activity types, "en-US") recur in almost every statement, and a set lookup costs a twentieth
# of the pattern match. Only successes are kept.
_valid_iris: set[str] = set()
_valid_language_tags: set[str] = set()
_MEMO_LIMIT = 20_000


def remember[T](memo: set[T], value: T) -> None:
    """Add a value found valid to a per-process memo, emptied when full to stay bounded."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo.add(value)


def _matches(value: object, pattern: re.Pattern[str], memo: set[str]) -> bool:
    if not isinstance(value, str):
        return False
    if value in memo:
        return True
    if pattern.match(value) is None:
        return False
    remember(memo, value)
    return True


def is_iri(value: object) -> bool:
    return _matches(value, _IRI, _valid_iris)


def is_mailto(value: object) -> bool:
    return isinstance(value, str) and _MAILTO.match(value) is not None


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def is_sha1_hex(value: object) -> bool:
    return isinstance(value, str) and _SHA1.match(value) is not None


def is_sha2_hex(value: object) -> bool:
    return isinstance(value, str) and _SHA2.match(value) is not None


def is_language_tag(value: object) -> bool:
    return _matches(value, _LANGTAG, _valid_language_tags)


def is_version(value: object) -> bool:
    return isinstance(value, str) and _VERSION.match(value) is not None


def is_media_type(value: object) -> bool:
    return isinstance(value, str) and _MEDIA_TYPE.match(value) is not None


def is_duration(value: object) -> bool:
    if not isinstance(value, str) or _DURATION.match(value) is None:
        return False
    # The T separator must be followed by at least one component, and a P must carry one too.
    return value not in ("P", "PT") and not value.endswith("T")


def parse_uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def parse_timestamp(value: object) -> dt.datetime | None:
    """An aware UTC datetime, or None when ``value`` is not an ISO 8601 combined timestamp.

    A missing offset is read as UTC; ``-00:00`` ("unknown local offset") is refused, as xAPI asks.
    """
    parsed = parse_timestamp_with_offset(value)
    return None if parsed is None else parsed[0]


def parse_timestamp_with_offset(value: object) -> tuple[dt.datetime, bool] | None:
    """:func:`parse_timestamp` and whether the text names its UTC offset, in one match."""
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value)
    if match is None:
        return None
    zone = match.group(8)
    if zone in ("-00", "-0000", "-00:00"):
        return None
    try:
        # The C parser reads every form the pattern admits but a lowercase t/z.
        moment: dt.datetime | None = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = _parse_matched(match)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC), zone is not None
    return moment.astimezone(dt.UTC), True


def _parse_matched(match: re.Match[str]) -> dt.datetime | None:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
    except ValueError:
        return None
    offset = dt.timedelta(0)
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            return None
        offset = sign * dt.timedelta(hours=hours, minutes=minutes)
    return (moment - offset).replace(tzinfo=dt.UTC)


def has_offset(value: str) -> bool:
    """Whether a timestamp names its UTC offset (RFC 3339 requires it; xAPI 2.0 follows)."""
    match = _TIMESTAMP.match(value)
    return match is not None and match.group(8) is not None


def format_timestamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC with milliseconds, or microseconds when they carry information."""
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    precision = "microseconds" if moment.microsecond % 1000 else "milliseconds"
    return moment.replace(tzinfo=None).isoformat(timespec=precision) + "Z"


def duration_key(value: str) -> str:
    """A duration with seconds truncated to 0.01 s, for comparing statements (spec 4.6)."""

    def truncate(match: re.Match[str]) -> str:
        number, unit = match.groups()
        if unit == "S":
            whole, _, fraction = number.replace(",", ".").partition(".")
            number = f"{whole}.{fraction[:2]}" if fraction[:2].strip("0") else whole
        return f"{number}{unit}"

    return _DURATION_PARTS.sub(truncate, value)
