"""Matching images against the hash lists moderators imported.

The index of all listed hashes is built once per process with the kernel's multi-index
(``PdqIndex.from_arrays``) and rebuilt when the lists change (a cheap fingerprint of the
lists is checked before each query). Nothing here is reachable by uploaders: the services
only ever tell them that a work is held for review.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from cybercommons.exchange.kernel import hash_index, pdq
from cybercommons.exchange.models import HashList, ListedHash

_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class ImageCheck:
    hash_hex: str
    quality: int
    low_quality: bool
    matches: list[dict[str, object]]


def threshold() -> int:
    """Largest Hamming distance counted as a match (EXCHANGE_PDQ_THRESHOLD, default 31)."""
    return int(getattr(settings, "EXCHANGE_PDQ_THRESHOLD", hash_index.DEFAULT_THRESHOLD))


def quality_threshold() -> int:
    return int(getattr(settings, "EXCHANGE_PDQ_MIN_QUALITY", pdq.DEFAULT_QUALITY_THRESHOLD))


def _fingerprint() -> tuple[object, ...]:
    lists = HashList.objects.filter(active=True).aggregate(n=Count("pk"), last=Max("updated_at"))
    entries = ListedHash.objects.filter(hash_list__active=True).aggregate(
        n=Count("pk"), last=Max("pk"))
    return (lists["n"], lists["last"], entries["n"], entries["last"])


def index() -> hash_index.PdqIndex:
    """The index of every entry of every active list, rebuilt when the lists changed."""
    fingerprint = _fingerprint()
    with _lock:
        if _cache.get("fingerprint") == fingerprint and "index" in _cache:
            return _cache["index"]  # type: ignore[return-value]
        rows = list(ListedHash.objects.filter(hash_list__active=True)
                    .values_list("pk", "hash_hex"))
        ids = np.array([pk for pk, _ in rows], dtype=np.int64)
        hashes = (hash_index.hashes_to_bytes([h for _, h in rows]) if rows
                  else np.empty((0, hash_index.HASH_BYTES), dtype=np.uint8))
        built = hash_index.PdqIndex.from_arrays(ids, hashes, threshold=threshold())
        _cache["index"] = built
        _cache["fingerprint"] = fingerprint
        return built


def forget_index() -> None:
    with _lock:
        _cache.clear()


def check_image(image: object) -> ImageCheck:
    """Hash an image (a Pillow image) in its eight orientations and match every variant.

    Low-quality hashes (flat or tiny images) are not matched: they collide with too much.
    """
    variants = pdq.hash_dihedral_variants(image, quality_threshold=quality_threshold())  # type: ignore[arg-type]
    original = variants["original"]
    if original.low_quality:
        return ImageCheck(original.hex, original.quality, True, [])
    found = index().query_any([v.hex for v in variants.values()], threshold())
    matches = []
    if found:
        entries = {e.pk: e for e in ListedHash.objects.filter(
            pk__in=[m.entry_id for m in found]).select_related("hash_list")}
        for match in found:
            entry = entries.get(match.entry_id)
            if entry is not None:
                matches.append({"entry": entry.pk, "list": entry.hash_list.name,
                                "distance": match.distance})
    return ImageCheck(original.hex, original.quality, False, matches)


def match_hash(hash_hex: str) -> list[dict[str, object]]:
    """Matches of one stored hash (used to rescan existing media after a list import)."""
    return [{"entry": m.entry_id, "distance": m.distance}
            for m in index().query(hash_hex, threshold())]
