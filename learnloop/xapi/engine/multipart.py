"""multipart/mixed bodies (RFC 2046) for statements with attachments."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from learnloop.xapi.engine.errors import ValidationError


@dataclass
class Part:
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def media_type(content_type: str) -> tuple[str, dict[str, str]]:
    """``("multipart/mixed", {"boundary": "..."})`` from a Content-Type header value."""
    kind, *params = content_type.split(";")
    parsed: dict[str, str] = {}
    for param in params:
        name, _, value = param.strip().partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        parsed[name.strip().lower()] = value
    return kind.strip().lower(), parsed


def _headers(block: bytes, newline: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split(newline):
        if not line.strip():
            continue
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if not sep:
            raise ValidationError("multipart", f"malformed part header line {name!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def parse(body: bytes, boundary: str) -> list[Part]:
    if not boundary:
        raise ValidationError("Content-Type", "multipart/mixed needs a boundary parameter")
    newline = b"\r\n" if b"\r\n" in body else b"\n"
    delimiter = newline + b"--" + boundary.encode("latin-1")
    pieces = (newline + body).split(delimiter)
    parts: list[Part] = []
    closed = False
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            closed = True
            break
        end_of_line = piece.find(newline)
        if end_of_line < 0:
            raise ValidationError("multipart", "a part has no content")
        content = piece[end_of_line + len(newline) :]
        if content.startswith(newline):
            parts.append(Part({}, content[len(newline) :]))
            continue
        split = content.find(newline + newline)
        if split < 0:
            raise ValidationError("multipart", "a part's headers are not followed by a blank line")
        parts.append(Part(_headers(content[:split], newline), content[split + 2 * len(newline) :]))
    if not closed:
        raise ValidationError("multipart", "the closing boundary is missing")
    return parts


def build(first: bytes, attachments: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the statements, then (sha2, content type, content) parts."""
    boundary = secrets.token_hex(16)
    dash = f"--{boundary}".encode()
    chunks = [dash, b"\r\nContent-Type: application/json\r\n\r\n", first, b"\r\n"]
    for sha2, content_type, content in attachments:
        chunks += [
            dash,
            f"\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    chunks += [dash, b"--\r\n"]
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
