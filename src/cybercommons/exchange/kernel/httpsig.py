"""HTTP message signatures for ActivityPub: create and verify, in both forms in use.

* draft-cavage-http-signatures-12: one `Signature` header (or `Authorization: Signature`)
  with keyId, algorithm (`rsa-sha256`, `hs2019`, `ed25519`), the signed header list
  (`(request-target) host date digest` by Mastodon's convention) and the signature; the body
  is covered through a `Digest: SHA-256=...` header (RFC 3230). This is what the fediverse
  speaks today.
* RFC 9421: `Signature-Input` and `Signature` dictionaries, derived components such as
  `@method`, `@target-uri`, `@authority`, and the body covered through `Content-Digest`
  (RFC 9530). Algorithms: `rsa-v1_5-sha256`, `rsa-pss-sha512`, `ecdsa-p256-sha256`,
  `ed25519`, `hmac-sha256`.

Everything here is a pure function over (method, url, headers, body) and keys: PEM text for
public-key algorithms, the raw shared secret (bytes) for HMAC. `headers` is a mapping or a
list of (name, value) pairs; names are case-insensitive and repeated fields are joined with
", " as HTTP does. Times are POSIX seconds (UTC). Every refusal raises `SignatureError`
with a reason that can be logged and returned to the sender.

Typical inbox use: `signature_key_id(headers)` names the key, the caller fetches that
actor's public key, then `verify_request(...)` checks whichever form was sent.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

from cybercommons.exchange.kernel import structured_fields as sf
from cybercommons.exchange.kernel.http_digests import (
    check_content_digest,
    check_digest,
    content_digest_header,
    digest_header,
)
from cybercommons.exchange.kernel.signature_crypto import (
    Key,
    SignatureError,
    algorithm_for_key,
    public_key_pem,
    sign_message,
    verify_message,
)

__all__ = [
    "CAVAGE_COVERED",
    "DEFAULT_CLOCK_SKEW",
    "RFC9421_COVERED",
    "HeaderInput",
    "Key",
    "SignatureError",
    "VerifiedSignature",
    "cavage_signing_string",
    "check_content_digest",
    "check_digest",
    "content_digest_header",
    "digest_header",
    "http_date",
    "parse_cavage_signature",
    "public_key_pem",
    "sign_cavage",
    "sign_rfc9421",
    "signature_base",
    "signature_key_id",
    "verify_cavage",
    "verify_request",
    "verify_rfc9421",
]

#: Accepted difference between the signer's clock and ours, in seconds. Mastodon allows
#: signatures up to 12 hours old; an hour either way is what most servers tolerate.
DEFAULT_CLOCK_SKEW = 3600
#: What we sign and what we require in the cavage form (Mastodon's set for a POST).
CAVAGE_COVERED = ("(request-target)", "host", "date", "digest")
#: What we sign and what we require in the RFC 9421 form.
RFC9421_COVERED = ("@method", "@target-uri", "@authority", "content-digest")

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a valid signature proved: who signed (key id), how, and what it covered."""

    scheme: Literal["cavage", "rfc9421"]
    key_id: str
    algorithm: str
    covered: tuple[str, ...]
    created: int | None
    label: str | None = None


# ---- headers and dates ---------------------------------------------------------------------


def _header_map(headers: HeaderInput) -> dict[str, str]:
    """Lower-cased names; values trimmed; repeated fields joined with ', '."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    combined: dict[str, list[str]] = {}
    for name, value in pairs:
        combined.setdefault(name.strip().lower(), []).append(str(value).strip())
    return {name: ", ".join(values) for name, values in combined.items()}


def http_date(timestamp: float) -> str:
    """An IMF-fixdate for the `Date` header, e.g. `Tue, 20 Apr 2021 02:07:55 GMT`."""
    return formatdate(timestamp, usegmt=True)


def _check_date(value: str, now: float, skew: int) -> None:
    try:
        sent = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError) as exc:
        raise SignatureError(f"the Date header is not an HTTP date: {value!r:.60}") from exc
    if abs(now - sent) > skew:
        raise SignatureError(f"the Date header is {int(now - sent)} s from our clock")


def _check_created_expires(created: int | None, expires: int | None, now: float, skew: int) -> None:
    if expires is not None and expires < now - skew:
        raise SignatureError("the signature has expired")
    if created is not None and (created > now + skew or created < now - skew):
        raise SignatureError(f"the signature was created {int(now - created)} s from our clock")


# ---- draft-cavage ------------------------------------------------------------------------


def _request_target(method: str, url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return f"{method.lower()} {target}"


def _authority(url: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname:
        raise SignatureError(f"the URL has no host: {url!r:.100}")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if parts.port is not None and parts.port != default_port:
        host += f":{parts.port}"
    return host


def cavage_signing_string(
    method: str,
    url: str,
    headers: HeaderInput,
    covered: Iterable[str],
    *,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """The text a draft-cavage signature signs: `name: value` lines joined by newlines."""
    header_map = _header_map(headers)
    lines = []
    for name in covered:
        lowered = name.lower()
        if lowered == "(request-target)":
            value = _request_target(method, url)
        elif lowered == "(created)":
            if created is None:
                raise SignatureError("(created) is covered but the signature has no created")
            value = str(created)
        elif lowered == "(expires)":
            if expires is None:
                raise SignatureError("(expires) is covered but the signature has no expires")
            value = str(expires)
        elif lowered in header_map:
            value = header_map[lowered]
        else:
            raise SignatureError(f"the signed header {lowered!r} is missing from the request")
        lines.append(f"{lowered}: {value}")
    return "\n".join(lines)


def sign_cavage(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    key_id: str,
    private_key: Key,
    algorithm: str = "rsa-sha256",
    covered: Iterable[str] | None = None,
    now: float | None = None,
) -> dict[str, str]:
    """Sign a request in the draft-cavage form; returns the headers to set.

    `covered` defaults to `(request-target) host date digest`, without `digest` when there
    is no body (a GET). Missing `Host`, `Date` (from `now`) and `Digest` (of the body) are
    created when they are covered, and returned together with `Signature`. `algorithm`
    is `rsa-sha256` (what Mastodon expects), `hs2019` (RSA PKCS#1 v1.5 with SHA-256 for an
    RSA key, Ed25519 for an Ed25519 key) or `ed25519`.
    """
    if covered is None:
        covered = CAVAGE_COVERED if body else CAVAGE_COVERED[:3]
    covered = tuple(name.lower() for name in covered)
    if '"' in key_id or "\n" in key_id:
        raise SignatureError("a key id may not hold quotes or line breaks")
    header_map = _header_map(headers)
    added: dict[str, str] = {}
    if "host" in covered and "host" not in header_map:
        added["Host"] = _authority(url)
    if "date" in covered and "date" not in header_map:
        added["Date"] = http_date(time.time() if now is None else now)
    if "digest" in covered and "digest" not in header_map:
        added["Digest"] = digest_header(body)
    created = int(time.time() if now is None else now) if "(created)" in covered else None
    if algorithm == "hs2019":
        effective = algorithm_for_key(public_key_pem(private_key))
    elif algorithm in ("rsa-sha256", "ed25519"):
        effective = algorithm
    else:
        raise SignatureError(f"unsupported draft-cavage algorithm {algorithm!r}")
    merged = {**header_map, **{name.lower(): value for name, value in added.items()}}
    text = cavage_signing_string(method, url, merged, covered, created=created)
    signature = base64.b64encode(sign_message(effective, private_key, text.encode("utf-8")))
    fields = [
        f'keyId="{key_id}"',
        f'algorithm="{algorithm}"',
        f'headers="{" ".join(covered)}"',
        f'signature="{signature.decode("ascii")}"',
    ]
    if created is not None:
        fields.insert(2, f"created={created}")
    added["Signature"] = ",".join(fields)
    return added


def parse_cavage_signature(value: str) -> dict[str, str]:
    """The parameters of a draft-cavage `Signature` (or `Authorization: Signature`) value."""
    text = value.strip()
    if text.lower().startswith("signature "):
        text = text[len("signature ") :]
    params: dict[str, str] = {}
    position = 0
    while position < len(text):
        equals = text.find("=", position)
        if equals < 0:
            raise SignatureError("the Signature header is malformed")
        name = text[position:equals].strip().lstrip(",").strip()
        position = equals + 1
        if text[position : position + 1] == '"':
            end = text.find('"', position + 1)
            if end < 0:
                raise SignatureError("the Signature header has an unterminated value")
            params[name] = text[position + 1 : end]
            position = end + 1
        else:
            end = text.find(",", position)
            end = len(text) if end < 0 else end
            params[name] = text[position:end].strip()
            position = end
        position = text.find(",", position)
        if position < 0:
            break
        position += 1
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise SignatureError(f"the Signature header has no {required}")
    return params


def verify_cavage(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    public_key: Key,
    now: float | None = None,
    clock_skew: int = DEFAULT_CLOCK_SKEW,
    required: Iterable[str] = ("(request-target)", "host"),
) -> VerifiedSignature:
    """Verify a draft-cavage signature; returns what it proved or raises SignatureError.

    Beyond the signature itself: the `required` components must be covered, a date must be
    covered (`date` or `(created)`) and within `clock_skew` seconds of `now`, and a request
    with a body must cover `digest`, which must match the body.
    """
    header_map = _header_map(headers)
    raw = header_map.get("signature") or header_map.get("authorization")
    if not raw:
        raise SignatureError("the request is not signed (no Signature header)")
    params = parse_cavage_signature(raw)
    covered = tuple(params.get("headers", "date").lower().split())
    for name in required:
        if name not in covered:
            raise SignatureError(f"the signature does not cover {name}")
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("the signature covers neither date nor (created)")
    if body and "digest" not in covered:
        raise SignatureError("the request has a body but the signature does not cover digest")
    created = _int_param(params.get("created"), "created")
    expires = _int_param(params.get("expires"), "expires")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm == "hs2019":
        effective = algorithm_for_key(public_key)
    elif algorithm in ("rsa-sha256", "ed25519"):
        effective = algorithm
    else:
        raise SignatureError(f"unsupported draft-cavage algorithm {algorithm!r}")
    text = cavage_signing_string(method, url, header_map, covered, created=created, expires=expires)
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("the signature is not valid base64") from exc
    try:
        verify_message(effective, public_key, text.encode("utf-8"), signature)
    except SignatureError:
        # hs2019 with RSA is PKCS#1 v1.5 in the fediverse but RSASSA-PSS in the draft
        if algorithm != "hs2019" or effective != "rsa-v1_5-sha256":
            raise
        verify_message("rsa-pss-sha512", public_key, text.encode("utf-8"), signature)

    moment = time.time() if now is None else now
    if "date" in covered:
        _check_date(header_map["date"], moment, clock_skew)
    _check_created_expires(created, expires, moment, clock_skew)
    if "digest" in covered:
        check_digest(header_map["digest"], body)
    return VerifiedSignature("cavage", params["keyId"], algorithm, covered, created)


def _int_param(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise SignatureError(f"the signature's {name} is not a whole number") from exc


# ---- RFC 9421 ----------------------------------------------------------------------------


def _component_value(
    name: str, params: sf.Parameters, method: str, url: str, header_map: dict[str, str]
) -> str:
    if params:
        raise SignatureError(
            f"component parameters are not supported: {name}{sf.serialize_params(params)}"
        )
    parts = urlsplit(url)
    if name == "@method":
        return method
    if name == "@target-uri":
        if not parts.scheme or not parts.netloc:
            raise SignatureError("@target-uri needs the absolute URL of the request")
        return url
    if name == "@authority":
        return _authority(url)
    if name == "@scheme":
        return parts.scheme.lower()
    if name == "@request-target":
        return _request_target(method, url).split(" ", 1)[1]
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        return "?" + parts.query
    if name.startswith("@"):
        raise SignatureError(f"unsupported derived component {name}")
    if name != name.lower():
        raise SignatureError(f"component names are lower case: {name!r}")
    if name not in header_map:
        raise SignatureError(f"the signed field {name!r} is missing from the request")
    return header_map[name]


def signature_base(
    method: str, url: str, headers: HeaderInput, signature_params: sf.InnerList
) -> str:
    """The RFC 9421 signature base: one `"component": value` line per covered component,
    then the `"@signature-params"` line; lines joined by a newline, none at the end."""
    header_map = _header_map(headers)
    lines = []
    seen = set()
    for item in signature_params.items:
        if not isinstance(item.value, str) or isinstance(item.value, sf.Token):
            raise SignatureError("covered components are strings")
        identifier = sf.serialize_item(item)
        if identifier in seen:
            raise SignatureError(f"component {identifier} is covered twice")
        seen.add(identifier)
        value = _component_value(item.value, item.params, method, url, header_map)
        if "\n" in value or "\r" in value:
            raise SignatureError(f"component {identifier} holds a line break")
        lines.append(f"{identifier}: {value}")
    lines.append(f'"@signature-params": {sf.serialize_inner_list(signature_params)}')
    return "\n".join(lines)


def sign_rfc9421(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    key_id: str,
    private_key: Key,
    algorithm: str = "rsa-v1_5-sha256",
    covered: Iterable[str] | None = None,
    label: str = "sig1",
    now: float | None = None,
    expires_in: int | None = None,
    nonce: str | None = None,
    tag: str | None = None,
    include_alg: bool = True,
) -> dict[str, str]:
    """Sign a request in the RFC 9421 form; returns the headers to set.

    `covered` defaults to `@method @target-uri @authority content-digest`, without
    `content-digest` when there is no body. Returns `Signature-Input`, `Signature` and, when
    `content-digest` is covered and the request has none, `Content-Digest` (sha-256 of the
    body). Parameters are written in the
    order created, expires, keyid, alg, nonce, tag.
    """
    header_map = _header_map(headers)
    added: dict[str, str] = {}
    if covered is None:
        covered = RFC9421_COVERED if body else RFC9421_COVERED[:3]
    covered = tuple(covered)
    if "content-digest" in covered and "content-digest" not in header_map:
        added["Content-Digest"] = content_digest_header(body)
        header_map["content-digest"] = added["Content-Digest"]
    created = int(time.time() if now is None else now)
    params: sf.Parameters = {"created": created}
    if expires_in is not None:
        params["expires"] = created + expires_in
    params["keyid"] = key_id
    if include_alg:
        params["alg"] = algorithm
    if nonce is not None:
        params["nonce"] = nonce
    if tag is not None:
        params["tag"] = tag
    inner = sf.InnerList([sf.Item(name) for name in covered], params)
    base = signature_base(method, url, header_map, inner)
    signature = sign_message(algorithm, private_key, base.encode("utf-8"))
    added["Signature-Input"] = sf.serialize_dictionary({label: inner})
    added["Signature"] = sf.serialize_dictionary({label: sf.Item(signature)})
    return added


def verify_rfc9421(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    public_key: Key,
    label: str | None = None,
    now: float | None = None,
    clock_skew: int = DEFAULT_CLOCK_SKEW,
    required: Iterable[str] = ("@method", "@authority"),
    require_target: bool = True,
    require_content_digest: bool = True,
    check_time: bool = True,
) -> VerifiedSignature:
    """Verify an RFC 9421 signature; returns what it proved or raises SignatureError.

    `label` picks one signature when several are present (default: the first). Beyond the
    signature: the `required` components must be covered, as must the target (one of
    `@target-uri`, `@request-target` or `@path`); `created` must be present and within
    `clock_skew` seconds of `now` and `expires` not passed; a request with a body must
    cover `content-digest`; a covered `content-digest` must match the body. The three
    `require_target`, `require_content_digest` and `check_time` switches exist for
    verifying fixed examples (such as the RFC's), not for inboxes.
    """
    header_map = _header_map(headers)
    if "signature-input" not in header_map or "signature" not in header_map:
        raise SignatureError("the request is not signed (no Signature-Input and Signature)")
    try:
        inputs = sf.parse_dictionary(header_map["signature-input"])
        signatures = sf.parse_dictionary(header_map["signature"])
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"the signature headers are malformed: {exc}") from exc
    if not inputs:
        raise SignatureError("Signature-Input is empty")
    chosen = label if label is not None else next(iter(inputs))
    inner = inputs.get(chosen)
    signature_item = signatures.get(chosen)
    if not isinstance(inner, sf.InnerList):
        raise SignatureError(f"no signature input labelled {chosen!r}")
    if not isinstance(signature_item, sf.Item) or not isinstance(signature_item.value, bytes):
        raise SignatureError(f"no signature labelled {chosen!r}")

    covered = tuple(str(item.value) for item in inner.items)
    for name in required:
        if name not in covered:
            raise SignatureError(f"the signature does not cover {name}")
    if require_target and not {"@target-uri", "@request-target", "@path"} & set(covered):
        raise SignatureError("the signature does not cover the request target")
    if require_content_digest and body and "content-digest" not in covered:
        raise SignatureError(
            "the request has a body but the signature does not cover content-digest"
        )
    created = inner.params.get("created")
    expires = inner.params.get("expires")
    key_id = inner.params.get("keyid")
    algorithm = inner.params.get("alg")
    if not isinstance(key_id, str):
        raise SignatureError("the signature has no keyid")
    if algorithm is None:
        algorithm = algorithm_for_key(public_key)
    if not isinstance(algorithm, str):
        raise SignatureError("the signature's alg is not a string")
    base = signature_base(method, url, header_map, inner)
    verify_message(algorithm, public_key, base.encode("utf-8"), signature_item.value)

    if check_time:
        if not isinstance(created, int) or isinstance(created, bool):
            raise SignatureError("the signature has no created time")
        if expires is not None and (not isinstance(expires, int) or isinstance(expires, bool)):
            raise SignatureError("the signature's expires is not a whole number")
        _check_created_expires(created, expires, time.time() if now is None else now, clock_skew)
    if "content-digest" in covered:
        check_content_digest(header_map["content-digest"], body)
    return VerifiedSignature(
        "rfc9421",
        key_id,
        algorithm,
        covered,
        created if isinstance(created, int) else None,
        chosen,
    )


# ---- either form -------------------------------------------------------------------------


def signature_key_id(headers: HeaderInput) -> str:
    """The key id a request claims to be signed with (RFC 9421 first, then draft-cavage),
    so that the caller can fetch that actor's public key before verifying."""
    header_map = _header_map(headers)
    if "signature-input" in header_map:
        try:
            inputs = sf.parse_dictionary(header_map["signature-input"])
        except sf.StructuredFieldError as exc:
            raise SignatureError(f"Signature-Input is malformed: {exc}") from exc
        for member in inputs.values():
            key_id = member.params.get("keyid")
            if isinstance(key_id, str):
                return key_id
        raise SignatureError("Signature-Input names no keyid")
    raw = header_map.get("signature") or header_map.get("authorization")
    if not raw:
        raise SignatureError("the request is not signed")
    return parse_cavage_signature(raw)["keyId"]


def verify_request(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    public_key: Key,
    now: float | None = None,
    clock_skew: int = DEFAULT_CLOCK_SKEW,
) -> VerifiedSignature:
    """Verify whichever form the request was signed in (RFC 9421 when both are present)."""
    if "signature-input" in _header_map(headers):
        return verify_rfc9421(
            method, url, headers, body, public_key=public_key, now=now, clock_skew=clock_skew
        )
    return verify_cavage(
        method, url, headers, body, public_key=public_key, now=now, clock_skew=clock_skew
    )
