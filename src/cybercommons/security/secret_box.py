"""Encryption at rest of the credentials a subscription sends to a remote TAXII server.

A subscription must hand its remote password or token back to the remote server, so the
secret is stored reversibly, but never in clear: Fernet (AES-128-CBC with an HMAC-SHA256
tag) under a key derived with HKDF-SHA256 from ``CYBERCOMMONS_ENCRYPTION_KEY`` when the
site sets one, else from ``SECRET_KEY``. When both exist, values written under the
``SECRET_KEY``-derived key still decrypt, so setting the dedicated key later loses nothing.
Stored values carry a ``fernet1:`` prefix that tells them from legacy clear text.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fernet1:"
_INFO = b"cybercommons.security.subscription-secrets"


class SecretUnreadable(ValueError):
    """A stored secret that no configured key opens (the site's key changed)."""


def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=_INFO).derive(material.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> MultiFernet:
    """The keys in use: the dedicated one first (it encrypts), the site secret after."""
    dedicated = str(getattr(settings, "CYBERCOMMONS_ENCRYPTION_KEY", "") or "")
    materials = [m for m in (dedicated, settings.SECRET_KEY) if m]
    return MultiFernet([_fernet(m) for m in dict.fromkeys(materials)])


def is_sealed(stored: str) -> bool:
    """Whether a stored value is already encrypted (and not legacy clear text)."""
    return stored.startswith(PREFIX)


def seal(secret: str) -> str:
    """Encrypt a secret for storage; the empty secret stays empty (no credential)."""
    if not secret:
        return ""
    return PREFIX + _box().encrypt(secret.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    """The clear secret of a stored value (legacy clear text is returned as it is)."""
    if not stored or not is_sealed(stored):
        return stored
    try:
        return _box().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretUnreadable(
            "a stored subscription secret cannot be decrypted with the configured key; "
            "enter the remote password or token again") from None
