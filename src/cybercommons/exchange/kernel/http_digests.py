"""Body digests that signatures cover: `Digest` (RFC 3230) and `Content-Digest` (RFC 9530).

A signature covers the digest header, and the digest covers the body: both checks are
needed, and a mismatch is refused like a bad signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cybercommons.exchange.kernel import structured_fields as sf
from cybercommons.exchange.kernel.signature_crypto import SignatureError


def digest_header(body: bytes) -> str:
    """`Digest` header value (RFC 3230) for a body: `SHA-256=<base64>`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


_CONTENT_DIGEST_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def content_digest_header(body: bytes, algorithm: str = "sha-256") -> str:
    """`Content-Digest` header value (RFC 9530), e.g. `sha-256=:<base64>:`."""
    if algorithm not in _CONTENT_DIGEST_ALGORITHMS:
        raise SignatureError(f"unsupported content digest algorithm {algorithm!r}")
    digest = _CONTENT_DIGEST_ALGORITHMS[algorithm](body).digest()
    return sf.serialize_dictionary({algorithm: sf.Item(digest)})


def check_digest(value: str, body: bytes) -> None:
    """Check a `Digest` header against the body; needs a SHA-256 or SHA-512 entry."""
    known = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
    checked = False
    for part in value.split(","):
        name, _, encoded = part.strip().partition("=")
        function = known.get(name.strip().lower())
        if function is None:
            continue
        try:
            claimed = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SignatureError("the Digest header is not valid base64") from exc
        if not hmac.compare_digest(claimed, function(body).digest()):
            raise SignatureError("the Digest header does not match the body")
        checked = True
    if not checked:
        raise SignatureError("the Digest header has no SHA-256 or SHA-512 value")


def check_content_digest(value: str, body: bytes) -> None:
    """Check a `Content-Digest` header (RFC 9530) against the body (sha-256 or sha-512)."""
    try:
        members = sf.parse_dictionary(value)
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"the Content-Digest header is malformed: {exc}") from exc
    checked = False
    for name, member in members.items():
        function = _CONTENT_DIGEST_ALGORITHMS.get(name)
        if function is None:
            continue
        if not isinstance(member, sf.Item) or not isinstance(member.value, bytes):
            raise SignatureError(f"the Content-Digest {name} value is not a byte sequence")
        if not hmac.compare_digest(member.value, function(body).digest()):
            raise SignatureError("the Content-Digest header does not match the body")
        checked = True
    if not checked:
        raise SignatureError("the Content-Digest header has no sha-256 or sha-512 value")
