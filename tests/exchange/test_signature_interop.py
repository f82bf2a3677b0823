"""HTTP signatures against independent implementations, used as real peers.

* RFC 9421: `http-message-signatures` (pyauth) signs requests our verifier must accept, and
  verifies what we sign.
* draft-cavage: `apsig` signs the way Mastodon does (`(request-target) host date digest`,
  rsa-sha256), and verifies the draft-cavage form we fall back to.
* End to end: activities signed by those libraries are POSTed over real HTTP to our shared
  inbox on a live loopback server, the signing actor's key published by a second server.

Each acceptance has its refusal beside it (tampered body, tampered header, stale time), so
that a verifier that accepted everything would fail here.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest
import requests
from apsig.draft import Signer as CavageSigner
from apsig.draft import Verifier as CavageVerifier
from apsig.exceptions import VerificationFailedError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
)
from http_message_signatures.algorithms import ED25519, RSA_PSS_SHA512, RSA_V1_5_SHA256

from cybercommons.exchange.kernel import httpsig
from cybercommons.exchange.kernel.httpsig import SignatureError
from tests.exchange.peer import Peer

URL = "https://social.example/users/alice/inbox"
KEY_ID = "https://museum.example/actors/1#main-key"
BODY = b'{"type": "Follow", "actor": "https://museum.example/actors/1"}'
CONTENT_TYPE = {"Content-Type": "application/activity+json"}
#: What ActivityPub servers cover in the RFC 9421 form, with the target given either way.
COVERED_WITH_TARGET_URI = ("@method", "@target-uri", "@authority", "content-digest", "date")
COVERED_WITH_PATH = ("@method", "@path", "@authority", "content-digest", "date")
#: The external library's class for each RFC 9421 algorithm name.
RFC9421_ALGORITHMS = {"ed25519": ED25519, "rsa-v1_5-sha256": RSA_V1_5_SHA256,
                      "rsa-pss-sha512": RSA_PSS_SHA512}


def _pem(private_key: Any) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    """Private keys (PEM) by RFC 9421 algorithm name; both RSA algorithms share one key."""
    rsa_key = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return {"ed25519": _pem(ed25519.Ed25519PrivateKey.generate()),
            "rsa-v1_5-sha256": rsa_key, "rsa-pss-sha512": rsa_key}


def _request(url: str = URL, body: bytes = BODY,
             headers: dict[str, str] | None = None) -> requests.PreparedRequest:
    """A real HTTP request object, as a client would send it."""
    return requests.Request("POST", url, data=body,
                            headers={**CONTENT_TYPE, **(headers or {})}).prepare()


def _headers(request: requests.PreparedRequest) -> list[tuple[str, str]]:
    return list(request.headers.items())


def _date(offset: float = 0) -> str:
    return httpsig.http_date(time.time() + offset)


# ---- RFC 9421 ----------------------------------------------------------------------------


def _signed_by_library(algorithm: str, private_pem: str, *,
                       covered: tuple[str, ...] = COVERED_WITH_TARGET_URI, created_offset: int = 0,
                       expires_offset: int | None = None) -> requests.PreparedRequest:
    request = _request(headers={"Date": _date(created_offset)})
    signer = HTTPMessageSigner(
        signature_algorithm=RFC9421_ALGORITHMS[algorithm],
        key_resolver=MappingKeyResolver(public_keys={},
                                        private_keys={KEY_ID: private_pem.encode()}))
    moment = datetime.datetime.now(datetime.UTC)
    signer.sign(request, key_id=KEY_ID, label="sig1", covered_component_ids=covered, body=BODY,
                created=moment + datetime.timedelta(seconds=created_offset),
                expires=None if expires_offset is None
                else moment + datetime.timedelta(seconds=expires_offset))
    return request


@pytest.mark.parametrize("algorithm", list(RFC9421_ALGORITHMS))
@pytest.mark.parametrize("covered", [COVERED_WITH_TARGET_URI, COVERED_WITH_PATH])
def test_an_rfc9421_signature_made_by_the_library_is_accepted_by_ours(
        keys: dict[str, str], algorithm: str, covered: tuple[str, ...]) -> None:
    request = _signed_by_library(algorithm, keys[algorithm], covered=covered)
    assert "sha-256=" in request.headers["Content-Digest"]
    verified = httpsig.verify_request(
        "POST", URL, _headers(request), BODY, public_key=httpsig.public_key_pem(keys[algorithm]))
    assert verified.scheme == "rfc9421"
    assert verified.key_id == KEY_ID
    assert verified.algorithm == algorithm
    assert verified.label == "sig1"
    assert verified.covered == covered


@pytest.mark.parametrize("algorithm", list(RFC9421_ALGORITHMS))
def test_a_library_rfc9421_request_tampered_with_or_stale_is_refused_by_ours(
        keys: dict[str, str], algorithm: str) -> None:
    public = httpsig.public_key_pem(keys[algorithm])
    request = _signed_by_library(algorithm, keys[algorithm])

    with pytest.raises(SignatureError, match="Content-Digest"):
        httpsig.verify_request("POST", URL, _headers(request), BODY.replace(b"Follow", b"Undo"),
                               public_key=public)
    changed_date = [(name, _date(-60) if name == "Date" else value)
                    for name, value in _headers(request)]
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_request("POST", URL, changed_date, BODY, public_key=public)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_request("POST", URL.replace("alice", "bob"), _headers(request), BODY,
                               public_key=public)

    stale = _signed_by_library(algorithm, keys[algorithm], created_offset=-2 * 3600)
    with pytest.raises(SignatureError, match="created"):
        httpsig.verify_request("POST", URL, _headers(stale), BODY, public_key=public)
    expired = _signed_by_library(algorithm, keys[algorithm], created_offset=-1800,
                                 expires_offset=-1800 - 3601)
    with pytest.raises(SignatureError, match="expired"):
        httpsig.verify_request("POST", URL, _headers(expired), BODY, public_key=public)


def _library_verifier(algorithm: str, private_pem: str) -> HTTPMessageVerifier:
    public = httpsig.public_key_pem(private_pem).encode()
    return HTTPMessageVerifier(
        signature_algorithm=RFC9421_ALGORITHMS[algorithm],
        key_resolver=MappingKeyResolver(public_keys={KEY_ID: public}, private_keys={}))


@pytest.mark.parametrize("algorithm", list(RFC9421_ALGORITHMS))
@pytest.mark.parametrize("url", [URL, URL + "?page=2&x=%C3%A9", "http://127.0.0.1:8123/ap/inbox"])
def test_an_rfc9421_signature_made_by_ours_is_accepted_by_the_library(
        keys: dict[str, str], algorithm: str, url: str) -> None:
    request = _request(url, headers={"Date": _date()})
    request.headers.update(httpsig.sign_rfc9421(
        "POST", url, _headers(request), BODY, key_id=KEY_ID, private_key=keys[algorithm],
        algorithm=algorithm, covered=(*httpsig.RFC9421_COVERED, "date")))
    verifier = _library_verifier(algorithm, keys[algorithm])
    [result] = verifier.verify(request, body=BODY, require_components=(
        "@method", "@target-uri", "@authority", "content-digest", "date"))
    assert result.label == "sig1"
    assert result.parameters["keyid"] == KEY_ID
    assert result.covered_components['"@target-uri"'] == url

    request.body = BODY.replace(b"Follow", b"Undo")
    with pytest.raises(InvalidSignature):
        verifier.verify(request, body=request.body)
    request.body = BODY
    request.headers["Date"] = _date(-60)
    with pytest.raises(InvalidSignature):
        verifier.verify(request, body=BODY)


# ---- draft-cavage ------------------------------------------------------------------------


def _rsa_private(private_pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _signed_by_apsig(private_pem: str, *, url: str = URL, body: bytes = BODY,
                     date_offset: float = 0) -> dict[str, str]:
    headers: dict[str, str] = CavageSigner(
        headers={**CONTENT_TYPE, "Date": _date(date_offset)},
        private_key=_rsa_private(private_pem), method="POST", url=url, key_id=KEY_ID,
        body=body).sign()
    return headers


def test_a_draft_cavage_signature_made_by_apsig_is_accepted_by_ours(
        keys: dict[str, str]) -> None:
    private = keys["rsa-v1_5-sha256"]
    headers = _signed_by_apsig(private)
    assert 'headers="(request-target) date host digest"' in headers["Signature"]
    verified = httpsig.verify_request("POST", URL, headers, BODY,
                                      public_key=httpsig.public_key_pem(private))
    assert verified.scheme == "cavage"
    assert verified.key_id == KEY_ID
    assert verified.algorithm == "rsa-sha256"
    assert verified.covered == ("(request-target)", "date", "host", "digest")


def test_an_apsig_request_tampered_with_or_stale_is_refused_by_ours(
        keys: dict[str, str]) -> None:
    private = keys["rsa-v1_5-sha256"]
    public = httpsig.public_key_pem(private)
    headers = _signed_by_apsig(private)
    with pytest.raises(SignatureError, match="Digest"):
        httpsig.verify_request("POST", URL, headers, BODY + b" ", public_key=public)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_request("POST", URL, {**headers, "date": _date(-60)}, BODY,
                               public_key=public)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_request("POST", URL, {**headers, "host": "evil.example"}, BODY,
                               public_key=public)
    stale = _signed_by_apsig(private, date_offset=-2 * 3600)
    with pytest.raises(SignatureError, match="Date header"):
        httpsig.verify_request("POST", URL, stale, BODY, public_key=public)


def test_apsig_leaves_the_query_out_of_the_request_target_against_the_draft(
        keys: dict[str, str]) -> None:
    """draft-cavage-12 §2.3 builds `(request-target)` from the method and HTTP/2's `:path`,
    which holds the query; apsig 0.6 signs only the path. So a signature apsig makes for a
    URL with a query fails for every verifier that follows the draft (ours, Mastodon's),
    and passes apsig's own verifier. Inboxes have no query, so this never hurts delivery."""
    private = keys["rsa-v1_5-sha256"]
    public = httpsig.public_key_pem(private)
    url = URL + "?page=2"
    headers = _signed_by_apsig(private, url=url)
    assert CavageVerifier(public, "POST", url, headers, BODY).verify(raise_on_fail=True) == KEY_ID
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_request("POST", url, headers, BODY, public_key=public)
    assert httpsig.cavage_signing_string("POST", url, headers, ["(request-target)"]) == \
        "(request-target): post /users/alice/inbox?page=2"


def test_a_draft_cavage_signature_made_by_ours_is_accepted_by_apsig(
        keys: dict[str, str]) -> None:
    private = keys["rsa-v1_5-sha256"]
    public = httpsig.public_key_pem(private)
    headers = {**CONTENT_TYPE, "Host": "social.example", "Date": _date(),
               "Digest": httpsig.digest_header(BODY)}
    headers.update(httpsig.sign_cavage("POST", URL, headers, BODY, key_id=KEY_ID,
                                       private_key=private))
    assert CavageVerifier(public, "POST", URL, headers, BODY).verify(raise_on_fail=True) == KEY_ID

    with pytest.raises(VerificationFailedError, match="Digest"):
        CavageVerifier(public, "POST", URL, headers, BODY + b" ").verify(raise_on_fail=True)
    with pytest.raises(VerificationFailedError, match="Invalid signature"):
        CavageVerifier(public, "POST", URL, {**headers, "Date": _date(-60)},
                       BODY).verify(raise_on_fail=True)
    other = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(VerificationFailedError, match="Invalid signature"):
        CavageVerifier(httpsig.public_key_pem(other), "POST", URL, headers,
                       BODY).verify(raise_on_fail=True)


@pytest.mark.django_db
def test_what_our_outbox_really_sends_verifies_with_both_libraries(cast) -> None:  # type: ignore[no-untyped-def]
    from cybercommons.exchange.federation import outbound

    actor = outbound.organisation_actor(cast.organisation)
    url = "http://127.0.0.1:8123/inbox"
    key_id = "http://testserver/ap/actors/museum-of-sound#main-key"

    rfc9421 = outbound.signed_headers(actor, url, BODY, "rfc9421")
    request = requests.Request("POST", url, data=BODY, headers=rfc9421).prepare()
    verifier = HTTPMessageVerifier(
        signature_algorithm=RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={key_id: actor.public_key_pem.encode()},
                                        private_keys={}))
    [result] = verifier.verify(request, body=BODY, require_components=(
        "@method", "@target-uri", "@authority", "content-digest"))
    assert result.parameters["keyid"] == key_id

    cavage = outbound.signed_headers(actor, url, BODY, "cavage")
    assert "Signature-Input" not in cavage
    assert CavageVerifier(actor.public_key_pem, "POST", url, cavage,
                          BODY).verify(raise_on_fail=True) == key_id
    with pytest.raises(VerificationFailedError):
        CavageVerifier(actor.public_key_pem, "POST", url.replace("inbox", "outbox"), cavage,
                       BODY).verify(raise_on_fail=True)


# ---- end to end: the shared inbox of a live server ---------------------------------------


def _follow(peer: Peer, site: str) -> bytes:
    return json.dumps(peer.activity("Follow", site + "/ap/actors/museum-of-sound")).encode()


def test_activities_signed_by_both_libraries_reach_the_live_shared_inbox(
        transactional_db, cast, peer, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    from cybercommons.exchange.federation.inbound import InboxItem

    settings.EXCHANGE_SITE_URL = live_server.url
    inbox = live_server.url + "/ap/inbox"
    session = requests.Session()

    body = _follow(peer, live_server.url)
    request = requests.Request("POST", inbox, data=body,
                               headers={**CONTENT_TYPE, "Date": _date()}).prepare()
    HTTPMessageSigner(
        signature_algorithm=RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={},
                                        private_keys={peer.key_id: peer.private_key.encode()}),
    ).sign(request, key_id=peer.key_id, covered_component_ids=COVERED_WITH_TARGET_URI, body=body)
    assert session.send(request, timeout=10).status_code == 202
    request.prepare_body(body.replace(b"Follow", b"Block"), None)  # signature headers kept
    refused = session.send(request, timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"

    body = _follow(peer, live_server.url)
    headers = CavageSigner(headers={**CONTENT_TYPE}, private_key=_rsa_private(peer.private_key),
                           method="POST", url=inbox, key_id=peer.key_id, body=body).sign()
    assert session.post(inbox, data=body, headers=headers, timeout=10).status_code == 202
    tampered = body.replace(b"Follow", b"Block")
    headers["digest"] = httpsig.digest_header(tampered)
    assert session.post(inbox, data=tampered, headers=headers, timeout=10).status_code == 401

    assert sorted(InboxItem.objects.values_list("signature_scheme", flat=True)) == \
        ["cavage", "rfc9421"]
