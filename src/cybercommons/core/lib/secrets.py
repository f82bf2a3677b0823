"""One-time secrets (API tokens, invitation links): generated here, stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "cc_"


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret with a recognisable prefix (so leaked tokens can be found)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret; a slow hash adds nothing at 256 bits."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(a, b)
