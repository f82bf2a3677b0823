"""HTTP signatures: round trips, tampering, wrong keys, stale dates, and published vectors."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from cybercommons.exchange.kernel import httpsig, signature_crypto
from cybercommons.exchange.kernel import structured_fields as sf
from cybercommons.exchange.kernel.httpsig import SignatureError

URL = "https://social.example/users/alice/inbox?page=2"
BODY = b'{"type": "Follow", "actor": "https://museum.example/actors/1"}'
NOW = 1_700_000_000.0
HEADERS = {"Content-Type": "application/activity+json"}


def _pem(private_key: object) -> str:
    return private_key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def rsa_key() -> str:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def other_rsa_key() -> str:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def ed_key() -> str:
    return _pem(ed25519.Ed25519PrivateKey.generate())


@pytest.fixture(scope="module")
def p256_key() -> str:
    return _pem(ec.generate_private_key(ec.SECP256R1()))


def _signed_cavage(key: str, algorithm: str = "rsa-sha256", **kwargs: object) -> dict[str, str]:
    added = httpsig.sign_cavage(
        "POST",
        URL,
        HEADERS,
        BODY,
        key_id="https://museum.example/actors/1#main-key",
        private_key=key,
        algorithm=algorithm,
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    return {**HEADERS, **added}


def _signed_rfc9421(key: str | bytes, algorithm: str) -> dict[str, str]:
    added = httpsig.sign_rfc9421(
        "POST",
        URL,
        HEADERS,
        BODY,
        key_id="https://museum.example/actors/1#main-key",
        private_key=key,
        algorithm=algorithm,
        now=NOW,
    )
    return {**HEADERS, **added}


# ---- draft-cavage ---------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["rsa-sha256", "hs2019"])
def test_it_verifies_its_own_cavage_rsa_signature(rsa_key: str, algorithm: str) -> None:
    headers = _signed_cavage(rsa_key, algorithm)
    assert headers["Digest"] == httpsig.digest_header(BODY)
    assert headers["Host"] == "social.example"
    result = httpsig.verify_cavage(
        "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(rsa_key), now=NOW + 5
    )
    assert result.key_id == "https://museum.example/actors/1#main-key"
    assert result.covered == ("(request-target)", "host", "date", "digest")
    assert result.scheme == "cavage"


def test_it_verifies_a_cavage_hs2019_ed25519_signature_with_created(ed_key: str) -> None:
    headers = _signed_cavage(
        ed_key, "hs2019", covered=("(request-target)", "(created)", "host", "digest")
    )
    result = httpsig.verify_cavage(
        "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(ed_key), now=NOW
    )
    assert result.created == int(NOW)


def test_it_refuses_a_cavage_signature_when_the_body_was_changed(rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key)
    with pytest.raises(SignatureError, match="Digest header does not match"):
        httpsig.verify_cavage(
            "POST",
            URL,
            headers,
            BODY + b" ",
            public_key=httpsig.public_key_pem(rsa_key),
            now=NOW,
        )


def test_it_refuses_a_cavage_signature_when_a_signed_header_was_changed(rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key)
    headers["Digest"] = httpsig.digest_header(b"other")
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_cavage(
            "POST", URL, headers, b"other", public_key=httpsig.public_key_pem(rsa_key), now=NOW
        )


def test_it_refuses_a_cavage_signature_sent_to_another_path(rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_cavage(
            "POST",
            "https://social.example/inbox",
            headers,
            BODY,
            public_key=httpsig.public_key_pem(rsa_key),
            now=NOW,
        )


def test_it_refuses_a_cavage_signature_from_another_key(rsa_key: str, other_rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_cavage(
            "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(other_rsa_key), now=NOW
        )


def test_it_refuses_a_cavage_signature_with_a_stale_date(rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key)
    public = httpsig.public_key_pem(rsa_key)
    httpsig.verify_cavage("POST", URL, headers, BODY, public_key=public, now=NOW + 3599)
    with pytest.raises(SignatureError, match="Date header is 3601 s from our clock"):
        httpsig.verify_cavage("POST", URL, headers, BODY, public_key=public, now=NOW + 3601)
    with pytest.raises(SignatureError, match="from our clock"):
        httpsig.verify_cavage(
            "POST", URL, headers, BODY, public_key=public, now=NOW + 120, clock_skew=60
        )


def test_it_refuses_a_cavage_signature_that_leaves_the_body_unsigned(rsa_key: str) -> None:
    headers = _signed_cavage(rsa_key, covered=("(request-target)", "host", "date"))
    with pytest.raises(SignatureError, match="does not cover digest"):
        httpsig.verify_cavage(
            "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(rsa_key), now=NOW
        )


def test_it_refuses_an_unsigned_request(rsa_key: str) -> None:
    with pytest.raises(SignatureError, match="not signed"):
        httpsig.verify_request(
            "POST", URL, HEADERS, BODY, public_key=httpsig.public_key_pem(rsa_key), now=NOW
        )


def test_it_reads_the_cavage_signature_parameters() -> None:
    params = httpsig.parse_cavage_signature(
        'keyId="https://a.example/u#k",algorithm="rsa-sha256",'
        'headers="(request-target) host date",signature="YWJj"'
    )
    assert params == {
        "keyId": "https://a.example/u#k",
        "algorithm": "rsa-sha256",
        "headers": "(request-target) host date",
        "signature": "YWJj",
    }
    with pytest.raises(SignatureError, match="no signature"):
        httpsig.parse_cavage_signature('keyId="k",headers="date"')


# draft-cavage-http-signatures Appendix C: the published test key and signatures. RSA
# PKCS#1 v1.5 is deterministic, so the signatures must come out byte for byte.
CAVAGE_TEST_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
"""
CAVAGE_URL = "https://example.com/foo?param=value&pet=dog"
CAVAGE_BODY = b'{"hello": "world"}'


def _cavage_headers(date: str) -> dict[str, str]:
    return {
        "Host": "example.com",
        "Date": date,
        "Content-Type": "application/json",
        "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
        "Content-Length": "18",
    }


@pytest.mark.parametrize(
    ("date", "covered", "expected"),
    [
        (  # C.1 default test: only the date
            "Sun, 05 Jan 2014 21:31:40 GMT",
            ("date",),
            "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs"
            "+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5Ox"
            "EPXe5WozsbM=",
        ),
        (  # C.2 basic test
            "Sun, 05 Jan 2014 21:31:40 GMT",
            ("(request-target)", "host", "date"),
            "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7nd"
            "mw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDE"
            "mn04swr2Os0=",
        ),
        (  # C.3 all headers test (as in draft 08)
            "Thu, 05 Jan 2014 21:31:40 GMT",
            ("(request-target)", "host", "date", "content-type", "digest", "content-length"),
            "Ef7MlxLXoBovhil3AlyjtBwAL9g4TN3tibLj7uuNB3CROat/9KaeQ4hW2NiJ+pZ6HQEOx9vYZAyi+7cm"
            "IkmJszJCut5kQLAwuX+Ms/mUFvpKlSo9StS2bMXDBNjOh4Auj774GFj4gwjS+3NhFeoqyr/MuN6HsEnk"
            "vn6zdgfE2i0=",
        ),
    ],
)
def test_it_reproduces_the_cavage_draft_test_signatures(
    date: str, covered: tuple[str, ...], expected: str
) -> None:
    added = httpsig.sign_cavage(
        "POST",
        CAVAGE_URL,
        _cavage_headers(date),
        CAVAGE_BODY,
        key_id="Test",
        private_key=CAVAGE_TEST_KEY,
        covered=covered,
    )
    assert f'signature="{expected}"' in added["Signature"]


def test_it_verifies_the_cavage_draft_all_headers_signature() -> None:
    headers = _cavage_headers("Thu, 05 Jan 2014 21:31:40 GMT")
    headers["Signature"] = (
        'keyId="Test",algorithm="rsa-sha256",'
        'headers="(request-target) host date content-type digest content-length",'
        'signature="Ef7MlxLXoBovhil3AlyjtBwAL9g4TN3tibLj7uuNB3CROat/9KaeQ4hW2NiJ+pZ6HQEOx9vYZ'
        "Ayi+7cmIkmJszJCut5kQLAwuX+Ms/mUFvpKlSo9StS2bMXDBNjOh4Auj774GFj4gwjS+3NhFeoqyr/MuN6H"
        'sEnkvn6zdgfE2i0="'
    )
    result = httpsig.verify_cavage(
        "POST",
        CAVAGE_URL,
        headers,
        CAVAGE_BODY,
        public_key=httpsig.public_key_pem(CAVAGE_TEST_KEY),
        now=1388957500,
    )
    assert result.key_id == "Test"


# ---- RFC 9421 -------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["rsa-v1_5-sha256", "rsa-pss-sha512"])
def test_it_verifies_its_own_rfc9421_rsa_signature(rsa_key: str, algorithm: str) -> None:
    headers = _signed_rfc9421(rsa_key, algorithm)
    assert headers["Content-Digest"] == httpsig.content_digest_header(BODY)
    result = httpsig.verify_rfc9421(
        "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(rsa_key), now=NOW
    )
    assert result.algorithm == algorithm
    assert result.covered == ("@method", "@target-uri", "@authority", "content-digest")
    assert result.label == "sig1"


def test_it_verifies_its_own_rfc9421_ed25519_and_p256_signatures(
    ed_key: str, p256_key: str
) -> None:
    for key, algorithm in ((ed_key, "ed25519"), (p256_key, "ecdsa-p256-sha256")):
        headers = _signed_rfc9421(key, algorithm)
        result = httpsig.verify_request(
            "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(key), now=NOW
        )
        assert result.scheme == "rfc9421"
        assert result.algorithm == algorithm


def test_it_refuses_an_rfc9421_signature_when_the_body_was_changed(ed_key: str) -> None:
    headers = _signed_rfc9421(ed_key, "ed25519")
    with pytest.raises(SignatureError, match="Content-Digest header does not match"):
        httpsig.verify_rfc9421(
            "POST", URL, headers, b"{}", public_key=httpsig.public_key_pem(ed_key), now=NOW
        )


def test_it_refuses_an_rfc9421_signature_for_another_method_or_host(ed_key: str) -> None:
    headers = _signed_rfc9421(ed_key, "ed25519")
    public = httpsig.public_key_pem(ed_key)
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_rfc9421("PUT", URL, headers, BODY, public_key=public, now=NOW)
    other_host = URL.replace("social.example", "evil.example")
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_rfc9421("POST", other_host, headers, BODY, public_key=public, now=NOW)


def test_it_refuses_an_rfc9421_signature_from_another_key(rsa_key: str, ed_key: str) -> None:
    headers = _signed_rfc9421(ed_key, "ed25519")
    other = httpsig.public_key_pem(
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_rfc9421("POST", URL, headers, BODY, public_key=other, now=NOW)
    with pytest.raises(SignatureError, match="does not fit this public key"):
        httpsig.verify_rfc9421(
            "POST", URL, headers, BODY, public_key=httpsig.public_key_pem(rsa_key), now=NOW
        )


def test_it_refuses_an_expired_or_future_rfc9421_signature(ed_key: str) -> None:
    headers = _signed_rfc9421(ed_key, "ed25519")
    public = httpsig.public_key_pem(ed_key)
    with pytest.raises(SignatureError, match="created"):
        httpsig.verify_rfc9421("POST", URL, headers, BODY, public_key=public, now=NOW + 7200)
    with pytest.raises(SignatureError, match="created"):
        httpsig.verify_rfc9421("POST", URL, headers, BODY, public_key=public, now=NOW - 7200)
    added = httpsig.sign_rfc9421(
        "POST",
        URL,
        HEADERS,
        BODY,
        key_id="k",
        private_key=ed_key,
        algorithm="ed25519",
        now=NOW,
        expires_in=60,
    )
    with pytest.raises(SignatureError, match="expired"):
        httpsig.verify_rfc9421(
            "POST",
            URL,
            {**HEADERS, **added},
            BODY,
            public_key=public,
            now=NOW + 300,
            clock_skew=120,
        )


def test_it_refuses_an_rfc9421_signature_that_leaves_the_body_unsigned(ed_key: str) -> None:
    added = httpsig.sign_rfc9421(
        "POST",
        URL,
        HEADERS,
        BODY,
        key_id="k",
        private_key=ed_key,
        algorithm="ed25519",
        covered=("@method", "@target-uri", "@authority"),
        now=NOW,
    )
    with pytest.raises(SignatureError, match="does not cover content-digest"):
        httpsig.verify_rfc9421(
            "POST",
            URL,
            {**HEADERS, **added},
            BODY,
            public_key=httpsig.public_key_pem(ed_key),
            now=NOW,
        )


def test_it_names_the_key_of_either_form(rsa_key: str) -> None:
    assert httpsig.signature_key_id(_signed_cavage(rsa_key)).endswith("#main-key")
    assert httpsig.signature_key_id(_signed_rfc9421(rsa_key, "rsa-v1_5-sha256")).endswith(
        "#main-key"
    )


def test_it_verifies_an_hmac_signature_with_the_shared_secret() -> None:
    headers = _signed_rfc9421(b"a shared secret of enough length", "hmac-sha256")
    result = httpsig.verify_rfc9421(
        "POST", URL, headers, BODY, public_key=b"a shared secret of enough length", now=NOW
    )
    assert result.algorithm == "hmac-sha256"
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_rfc9421("POST", URL, headers, BODY, public_key=b"another", now=NOW)


# RFC 9421 Appendix B: the test keys (B.1.4, B.1.5), request (B.2) and signatures.
RFC_ED25519_PRIVATE = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
RFC_SHARED_SECRET = base64.b64decode(
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="
)
RFC_URL = "https://example.com/foo?param=Value&Pet=dog"
RFC_BODY = b'{"hello": "world"}'
RFC_HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Length": "18",
}


def test_it_derives_the_rfc_ed25519_public_key_from_its_private_key() -> None:
    assert httpsig.public_key_pem(RFC_ED25519_PRIVATE) == RFC_ED25519_PUBLIC


def test_it_builds_the_rfc9421_b26_signature_base_and_reproduces_its_signature() -> None:
    added = httpsig.sign_rfc9421(
        "POST",
        RFC_URL,
        RFC_HEADERS,
        RFC_BODY,
        key_id="test-key-ed25519",
        private_key=RFC_ED25519_PRIVATE,
        algorithm="ed25519",
        label="sig-b26",
        covered=("date", "@method", "@path", "@authority", "content-type", "content-length"),
        now=1618884473,
        include_alg=False,
    )
    assert added["Signature-Input"] == (
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")'
        ';created=1618884473;keyid="test-key-ed25519"'
    )
    assert added["Signature"] == (
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lI"
        "p5WPpBKRCw==:"
    )
    inner = sf.parse_dictionary(added["Signature-Input"])["sig-b26"]
    assert isinstance(inner, sf.InnerList)
    assert httpsig.signature_base("POST", RFC_URL, RFC_HEADERS, inner) == (
        '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        '"@method": POST\n'
        '"@path": /foo\n'
        '"@authority": example.com\n'
        '"content-type": application/json\n'
        '"content-length": 18\n'
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" '
        '"content-length");created=1618884473;keyid="test-key-ed25519"'
    )


def test_it_verifies_the_rfc9421_b26_signature_with_the_rfc_public_key() -> None:
    headers = {
        **RFC_HEADERS,
        "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
        '"content-length");created=1618884473;keyid="test-key-ed25519"',
        "Signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu"
        "4A0w6vuQv5lIp5WPpBKRCw==:",
    }
    result = httpsig.verify_rfc9421(
        "POST",
        RFC_URL,
        headers,
        RFC_BODY,
        public_key=RFC_ED25519_PUBLIC,
        require_content_digest=False,
        check_time=False,
    )
    assert result.key_id == "test-key-ed25519"
    assert result.algorithm == "ed25519"
    headers["Content-Type"] = "text/plain"
    with pytest.raises(SignatureError, match="does not verify"):
        httpsig.verify_rfc9421(
            "POST",
            RFC_URL,
            headers,
            RFC_BODY,
            public_key=RFC_ED25519_PUBLIC,
            require_content_digest=False,
            check_time=False,
        )


def test_it_verifies_the_rfc9421_b25_hmac_signature() -> None:
    headers = {
        **RFC_HEADERS,
        "Signature-Input": 'sig-b25=("date" "@authority" "content-type")'
        ';created=1618884473;keyid="test-shared-secret"',
        "Signature": "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:",
    }
    result = httpsig.verify_rfc9421(
        "POST",
        RFC_URL,
        headers,
        RFC_BODY,
        public_key=RFC_SHARED_SECRET,
        required=(),
        require_target=False,
        require_content_digest=False,
        check_time=False,
    )
    assert result.algorithm == "hmac-sha256"


def test_it_builds_the_rfc9421_b23_full_coverage_signature_base() -> None:
    headers = {
        **RFC_HEADERS,
        "Content-Digest": httpsig.content_digest_header(RFC_BODY, "sha-512"),
    }
    inner = sf.parse_dictionary(
        'sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" '
        '"content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"'
    )["sig-b23"]
    assert isinstance(inner, sf.InnerList)
    assert httpsig.signature_base("POST", RFC_URL, headers, inner) == (
        '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        '"@method": POST\n'
        '"@path": /foo\n'
        '"@query": ?param=Value&Pet=dog\n'
        '"@authority": example.com\n'
        '"content-type": application/json\n'
        '"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYl'
        "lu7BNNyealdVLvRwEmTHWXvJwew==:\n"
        '"content-length": 18\n'
        '"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" '
        '"content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"'
    )


def test_it_computes_the_rfc9530_content_digest_examples() -> None:
    assert httpsig.content_digest_header(RFC_BODY) == (
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    )
    httpsig.check_content_digest(
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, unknown=:AAAA:", RFC_BODY
    )
    with pytest.raises(SignatureError, match="no sha-256 or sha-512"):
        httpsig.check_content_digest("md5=:AAAA:", RFC_BODY)


def test_it_refuses_component_parameters_it_does_not_implement() -> None:
    inner = sf.parse_dictionary('s=("@query-param";name="Pet");created=1')["s"]
    assert isinstance(inner, sf.InnerList)
    with pytest.raises(SignatureError, match="not supported"):
        httpsig.signature_base("GET", RFC_URL, RFC_HEADERS, inner)


# ---- structured fields ----------------------------------------------------------------------


def test_it_parses_and_reserialises_a_signature_input_dictionary() -> None:
    text = (
        'sig1=("@method" "@target-uri");created=1618884473;keyid="k\\"1";alg="ed25519", '
        "sig2=:YWJj:;flag, n=-12"
    )
    members = sf.parse_dictionary(text)
    first = members["sig1"]
    assert isinstance(first, sf.InnerList)
    assert [item.value for item in first.items] == ["@method", "@target-uri"]
    assert first.params == {"created": 1618884473, "keyid": 'k"1', "alg": "ed25519"}
    assert members["sig2"] == sf.Item(b"abc", {"flag": True})
    assert members["n"] == sf.Item(-12)
    assert sf.serialize_dictionary(members) == text


@pytest.mark.parametrize(
    "bad", ['sig1=("a" "b"', "sig1=:not base64!:", "Sig1=1", "a=1,", 'a="\\x"', "a=1 b=2"]
)
def test_it_refuses_malformed_structured_fields(bad: str) -> None:
    with pytest.raises(sf.StructuredFieldError):
        sf.parse_dictionary(bad)


def test_it_signs_a_get_without_a_digest_in_both_forms(rsa_key: str) -> None:
    public = httpsig.public_key_pem(rsa_key)
    cavage = httpsig.sign_cavage("GET", URL, {}, b"", key_id="k", private_key=rsa_key, now=NOW)
    assert "Digest" not in cavage
    assert 'headers="(request-target) host date"' in cavage["Signature"]
    assert httpsig.verify_request("GET", URL, cavage, b"", public_key=public, now=NOW)
    rfc = httpsig.sign_rfc9421("GET", URL, {}, b"", key_id="k", private_key=rsa_key, now=NOW)
    assert "Content-Digest" not in rfc
    assert httpsig.verify_request("GET", URL, rfc, b"", public_key=public, now=NOW).covered == (
        "@method",
        "@target-uri",
        "@authority",
    )


def test_it_accepts_an_hs2019_signature_made_with_rsa_pss(rsa_key: str) -> None:
    headers = {"Host": "social.example", "Date": httpsig.http_date(NOW)}
    text = httpsig.cavage_signing_string(
        "GET", URL, headers, ("(request-target)", "host", "date")
    ).encode()
    signature = base64.b64encode(
        signature_crypto.sign_message("rsa-pss-sha512", rsa_key, text)
    ).decode()
    headers["Signature"] = (
        f'keyId="k",algorithm="hs2019",headers="(request-target) host date",signature="{signature}"'
    )
    result = httpsig.verify_cavage(
        "GET", URL, headers, b"", public_key=httpsig.public_key_pem(rsa_key), now=NOW
    )
    assert result.algorithm == "hs2019"


def test_it_refuses_a_key_id_that_would_break_the_header(rsa_key: str) -> None:
    with pytest.raises(SignatureError, match="key id"):
        httpsig.sign_cavage("GET", URL, {}, b"", key_id='a",b', private_key=rsa_key, now=NOW)
