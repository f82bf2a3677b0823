"""Writing and verifying the append-only, hash-chained audit log.

Services call :func:`record` inside their transaction, so an entry exists exactly when the
change it describes was committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cybercommons.core.kernel.hashchain import (
    GENESIS,
    ChainEntry,
    ChainProblem,
    entry_hash,
    verify_chain,
)
from cybercommons.core.models import AuditEntry, AuditHead, User


class CoreAction(StrEnum):
    """Audit action names of the core app; modules define their own enums alike."""

    USER_REGISTERED = "core.user.registered"
    USER_UPDATED = "core.user.updated"
    ORGANISATION_CREATED = "core.organisation.created"
    ORGANISATION_UPDATED = "core.organisation.updated"
    MEMBER_INVITED = "core.member.invited"
    MEMBER_JOINED = "core.member.joined"
    MEMBER_ROLE_CHANGED = "core.member.role_changed"
    MEMBER_REMOVED = "core.member.removed"
    TOKEN_CREATED = "core.token.created"
    TOKEN_REVOKED = "core.token.revoked"
    TWO_FACTOR_ENABLED = "core.2fa.enabled"
    TWO_FACTOR_DISABLED = "core.2fa.disabled"
    COUNTRIES_LOADED = "core.countries.loaded"
    PASSWORD_CHANGED = "core.password.changed"
    PASSWORD_RESET = "core.password.reset"
    OTHER_SESSIONS_ENDED = "core.sessions.ended_others"


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    action: str,
    *,
    actor: User | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one. Must run inside a transaction."""
    if obj is not None:
        object_type, object_id = _object_ref(obj)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=str(actor) if actor is not None and actor.is_authenticated else "system",
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            data=data or {},
            prev_hash=head.hash,
        )
        # JSON round-trip the data so the hashed form equals what the database gives back.
        entry.data = _json_roundtrip(entry.data)
        entry.hash = entry_hash(entry.prev_hash, entry.content())
        entry.save()
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def _json_roundtrip(value: dict[str, Any]) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


def _stored_entries(batch: int = 2000) -> Iterator[ChainEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        for row in rows:
            yield ChainEntry(seq=row.seq, content=row.content(), prev_hash=row.prev_hash,
                             hash=row.hash)
        last = rows[-1].seq


def verify() -> tuple[int, list[ChainProblem]]:
    """Recompute the whole chain; return the number of entries read and every break."""
    count = 0
    last_seq, last_hash = 0, GENESIS

    def counted() -> Iterator[ChainEntry]:
        nonlocal count, last_seq, last_hash
        for entry in _stored_entries():
            count += 1
            last_seq, last_hash = entry.seq, entry.hash
            yield entry

    problems = verify_chain(counted())
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != last_hash):
        problems.append(ChainProblem(
            head.seq, f"the log ends at #{last_seq} but the head records #{head.seq}: "
                      "entries were removed from the end or the head was altered"))
    return count, problems
