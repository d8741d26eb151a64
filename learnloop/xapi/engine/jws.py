"""Signed statements: a JWS (RS256/384/512) attachment whose payload is the statement."""

from __future__ import annotations

import base64
import binascii
import copy
from typing import Any

import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from learnloop.xapi.engine.errors import ValidationError
from learnloop.xapi.engine.statements import prepare, same_statement

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "RS256": hashes.SHA256(),
    "RS384": hashes.SHA384(),
    "RS512": hashes.SHA512(),
}


def _b64url(segment: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError("signature", f"the JWS {what} is not base64url") from None


def verify(token: bytes, statement: dict[str, Any]) -> None:
    """Refuse malformed signatures and payloads that differ from the statement."""
    try:
        text = token.decode("ascii").strip()
    except UnicodeDecodeError:
        raise ValidationError("signature", "the JWS is not compact serialization") from None
    segments = text.split(".")
    if len(segments) != 3:
        raise ValidationError("signature", "the JWS must have three dot-separated parts")
    try:
        header = orjson.loads(_b64url(segments[0], "header"))
        payload = orjson.loads(_b64url(segments[1], "payload"))
    except orjson.JSONDecodeError:
        raise ValidationError("signature", "the JWS header and payload must be JSON") from None
    if not isinstance(header, dict) or header.get("alg") not in _HASHES:
        raise ValidationError("signature", "the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise ValidationError("signature", "the JWS payload must be a statement")
    if "id" in payload and str(payload["id"]).lower() != str(statement.get("id", "")).lower():
        raise ValidationError("signature", "the signed statement has a different id")
    try:
        signed = prepare(copy.deepcopy(payload)).statement
    except ValidationError as exc:
        raise ValidationError("signature", f"the signed payload is invalid ({exc})") from None
    received = {k: v for k, v in statement.items() if k != "attachments"}
    signed = {k: v for k, v in signed.items() if k != "attachments"}
    if not same_statement(signed, received):
        raise ValidationError("signature", "the signed payload does not match the statement")
    chain = header.get("x5c")
    if chain:
        if not isinstance(chain, list) or not isinstance(chain[0], str):
            raise ValidationError("signature", "x5c must be an array of base64 certificates")
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
        except (ValueError, binascii.Error):
            raise ValidationError("signature", "the x5c certificate cannot be read") from None
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValidationError("signature", "the x5c certificate must hold an RSA key")
        try:
            key.verify(
                _b64url(segments[2], "signature"),
                f"{segments[0]}.{segments[1]}".encode("ascii"),
                padding.PKCS1v15(),
                _HASHES[header["alg"]],
            )
        except InvalidSignature:
            raise ValidationError("signature", "the JWS signature does not verify") from None
