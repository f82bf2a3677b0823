"""Signature algorithms of HTTP message signatures over PEM keys, with `cryptography`.

Names are RFC 9421's (`rsa-v1_5-sha256`, `rsa-pss-sha512`, `ecdsa-p256-sha256`, `ed25519`,
`hmac-sha256`) plus draft-cavage's `rsa-sha256`. Keys are PEM text (PKCS#8 or PKCS#1 private
keys, SubjectPublicKeyInfo public keys) or, for HMAC, the raw shared secret as bytes.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

Key = str | bytes


class SignatureError(ValueError):
    """A signature is missing, malformed, stale, for other content, or simply wrong."""


def _load_private(key: Key) -> object:
    data = key.encode("ascii") if isinstance(key, str) else key
    return _load_private_bytes(data)


@functools.lru_cache(maxsize=256)
def _load_private_bytes(data: bytes) -> object:
    # Loading an RSA private key checks it (tens of milliseconds); a server signs every
    # delivery with the same few actor keys, so each is loaded once.
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SignatureError(f"the private key is not a usable PEM key: {exc}") from exc


def _load_public(key: Key) -> object:
    data = key.encode("ascii") if isinstance(key, str) else key
    return _load_public_bytes(data)


@functools.lru_cache(maxsize=4096)
def _load_public_bytes(data: bytes) -> object:
    try:
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SignatureError(f"the public key is not a usable PEM key: {exc}") from exc


def public_key_pem(private_key: Key) -> str:
    """The PEM public key (SubjectPublicKeyInfo) of a PEM private key, as actors publish it."""
    loaded = _load_private(private_key)
    return (
        loaded.public_key()  # type: ignore[attr-defined]
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def sign_message(algorithm: str, key: Key, message: bytes) -> bytes:
    """Sign `message` (the signature base) with `algorithm`; ECDSA comes out as r || s
    (64 bytes), as RFC 9421 writes it. Raises SignatureError if key and algorithm differ."""
    if algorithm == "hmac-sha256":
        if not isinstance(key, bytes):
            raise SignatureError("hmac-sha256 needs the shared secret as bytes")
        return hmac.new(key, message, hashlib.sha256).digest()
    private = _load_private(key)
    if algorithm in ("rsa-v1_5-sha256", "rsa-sha256") and isinstance(private, rsa.RSAPrivateKey):
        return private.sign(message, padding.PKCS1v15(), hashes.SHA256())
    if algorithm == "rsa-pss-sha512" and isinstance(private, rsa.RSAPrivateKey):
        return private.sign(
            message, padding.PSS(padding.MGF1(hashes.SHA512()), 64), hashes.SHA512()
        )
    if algorithm == "ecdsa-p256-sha256" and isinstance(private, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if algorithm == "ed25519" and isinstance(private, ed25519.Ed25519PrivateKey):
        return private.sign(message)
    raise SignatureError(f"algorithm {algorithm!r} does not fit this private key")


def verify_message(algorithm: str, key: Key, message: bytes, signature: bytes) -> None:
    """Check `signature` over `message`; returns nothing, raises SignatureError if wrong,
    or if the key does not fit the algorithm (an RSA key never verifies an ed25519 claim)."""
    if algorithm == "hmac-sha256":
        if not isinstance(key, bytes):
            raise SignatureError("hmac-sha256 needs the shared secret as bytes")
        expected = hmac.new(key, message, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise SignatureError("the signature does not verify")
        return
    public = _load_public(key)
    try:
        if algorithm in ("rsa-v1_5-sha256", "rsa-sha256") and isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "rsa-pss-sha512" and isinstance(public, rsa.RSAPublicKey):
            public.verify(
                signature,
                message,
                padding.PSS(padding.MGF1(hashes.SHA512()), 64),
                hashes.SHA512(),
            )
        elif algorithm == "ecdsa-p256-sha256" and isinstance(public, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise SignatureError("an ecdsa-p256-sha256 signature is 64 bytes (r || s)")
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            public.verify(der, message, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "ed25519" and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        else:
            raise SignatureError(f"algorithm {algorithm!r} does not fit this public key")
    except InvalidSignature as exc:
        raise SignatureError("the signature does not verify") from exc


def algorithm_for_key(key: Key) -> str:
    """The RFC 9421 algorithm implied by a key when the sender names none (or `hs2019`)."""
    if isinstance(key, bytes) and not key.lstrip().startswith(b"-----"):
        return "hmac-sha256"
    public = _load_public(key)
    if isinstance(public, rsa.RSAPublicKey):
        # what Mastodon and the rest of the fediverse mean by hs2019 with an RSA key
        return "rsa-v1_5-sha256"
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "ed25519"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return "ecdsa-p256-sha256"
    raise SignatureError("unsupported public key type")
