"""Attachments over multipart/mixed and signed statements (Communication 1.5.2, Data 2.6)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from learnloop.xapi.engine import multipart
from learnloop.xapi.tests.conftest import new_id, statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment(content: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "usageType": "http://example.com/usage/essay",
        "display": {"en": "Essay"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def multipart_body(
    statements: Any, parts: list[tuple[bytes, str]], boundary: str = "abc123"
) -> tuple[bytes, str]:
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        orjson.dumps(statements),
        b"\r\n",
    ]
    for content, content_type in parts:
        chunks += [
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'


def test_a_multipart_statement_with_an_attachment_round_trips(xapi):
    essay = b"My essay about learning."
    body, content_type = multipart_body(
        statement(attachments=[attachment(essay)]), [(essay, "text/plain")]
    )
    response = xapi.post("statements", body, content_type=content_type)
    assert response.status_code == 200, response.content
    sid = response.json()[0]
    plain = xapi.get("statements", statementId=sid)
    assert plain["Content-Type"] == "application/json"
    with_data = xapi.get("statements", statementId=sid, attachments="true")
    kind, options = multipart.media_type(with_data["Content-Type"])
    assert kind == "multipart/mixed"
    parts = multipart.parse(with_data.content, options["boundary"])
    assert orjson.loads(parts[0].body)["id"] == sid
    assert parts[1].body == essay
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(essay).hexdigest()


def test_an_attachment_without_data_or_file_url_is_refused(xapi):
    essay = b"essay"
    assert xapi.post("statements", statement(attachments=[attachment(essay)])).status_code == 400
    with_url = statement(attachments=[attachment(essay, fileUrl="http://example.com/essay.txt")])
    assert xapi.post("statements", with_url).status_code == 200
    body, content_type = multipart_body(statement(attachments=[attachment(essay)]), [])
    assert xapi.post("statements", body, content_type=content_type).status_code == 400


def test_parts_must_carry_a_matching_hash(xapi):
    essay = b"essay"
    body, content_type = multipart_body(
        statement(attachments=[attachment(essay)]), [(essay, "text/plain")]
    )
    tampered = body.replace(b"essay\r\n--abc123--", b"esSay\r\n--abc123--")
    assert xapi.post("statements", tampered, content_type=content_type).status_code == 400
    no_hash = body.replace(b"X-Experience-API-Hash", b"X-Other")
    assert xapi.post("statements", no_hash, content_type=content_type).status_code == 400
    extra, content_type = multipart_body(statement(), [(essay, "text/plain")])
    assert xapi.post("statements", extra, content_type=content_type).status_code == 400


def test_a_put_may_carry_attachments_too(xapi):
    essay, sid = b"put essay", new_id()
    body, content_type = multipart_body(
        statement(attachments=[attachment(essay)]), [(essay, "text/plain")]
    )
    assert (
        xapi.put("statements", body, content_type=content_type, statementId=sid).status_code == 204
    )


@pytest.fixture(scope="module")
def signer() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "learnloop test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict[str, Any], key: rsa.RSAPrivateKey, cert: str, alg: str = "RS256") -> bytes:
    header = _b64(orjson.dumps({"alg": alg, "x5c": [cert]}))
    body = _b64(orjson.dumps(payload))
    algorithm = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}.get(
        alg, hashes.SHA256()
    )
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), algorithm)
    return f"{header}.{body}.{_b64(signature)}".encode()


def signed_request(
    original: dict[str, Any], token: bytes, sent: dict[str, Any] | None = None
) -> tuple[bytes, str]:
    signature = {
        "usageType": SIGNATURE,
        "display": {"en": "signature"},
        "contentType": "application/octet-stream",
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    outgoing = dict(sent or original)
    outgoing["attachments"] = [signature]
    return multipart_body(outgoing, [(token, "application/octet-stream")])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_correctly_signed_statement_is_accepted(xapi, signer, alg):
    key, cert = signer
    original = statement(id=new_id())
    body, content_type = signed_request(original, sign(original, key, cert, alg))
    assert xapi.post("statements", body, content_type=content_type).status_code == 200


def test_a_signature_over_a_different_statement_is_refused(xapi, signer):
    key, cert = signer
    original = statement(id=new_id())
    altered = {**original, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    body, content_type = signed_request(original, sign(original, key, cert), sent=altered)
    response = xapi.post("statements", body, content_type=content_type)
    assert response.status_code == 400
    assert "does not match" in response.json()["error"]


def test_a_bad_algorithm_or_broken_signature_is_refused(xapi, signer):
    key, cert = signer
    original = statement(id=new_id())
    token = sign(original, key, cert, "PS256")
    body, content_type = signed_request(original, token)
    assert xapi.post("statements", body, content_type=content_type).status_code == 400
    good = sign(original, key, cert)
    broken = good[:-4] + (b"AAAA" if not good.endswith(b"AAAA") else b"BBBB")
    body, content_type = signed_request(original, broken)
    assert xapi.post("statements", body, content_type=content_type).status_code == 400
    body, content_type = signed_request(original, b"not-a-jws")
    assert xapi.post("statements", body, content_type=content_type).status_code == 400
