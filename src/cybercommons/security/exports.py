"""Exports of a collection or a search: a STIX 2.1 bundle or a CSV of indicators.

The caller hands over a queryset already filtered by ``policy`` (the same one the pages
and the API list), so an export never holds an object its reader could not open. Objects
go out as their stored raw text; the bundle also carries the TLP 2.0 marking definitions
its objects refer to, so a receiver without the TLP extension still sees the level.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from cybercommons.security.kernel.formats import export_csv
from cybercommons.security.kernel.tlp import (
    TLP_RANK,
    Tlp,
    marking_definition,
    marking_id,
    tlp_for_marking_id,
)
from cybercommons.security.models import StixObject

EXPORT_LIMIT = 200_000
LEVEL_OF_RANK = {rank: level for level, rank in TLP_RANK.items()}


def bundle_chunks(rows: QuerySet[StixObject]) -> Iterator[str]:
    """The bundle as text chunks, streamed row by row (constant memory)."""
    yield '{"type": "bundle", "id": "bundle--' + str(uuid.uuid4()) + '", "objects": ['
    levels: set[Tlp] = set()
    first = True
    for raw, refs in rows.values_list("raw", "marking_refs").iterator(chunk_size=2000):
        for ref in refs.strip("|").split("|") if refs else ():
            level = tlp_for_marking_id(ref)
            if level is not None:
                levels.add(level)
        yield ("" if first else ", ") + raw
        first = False
    for level in sorted(levels, key=lambda lv: lv.value):
        yield ("" if first else ", ") + json.dumps(marking_definition(level))
        first = False
    yield "]}"


def csv_export(rows: QuerySet[StixObject]) -> tuple[str, int]:
    """Indicators and observables as CSV, with each object's effective TLP level."""

    def objects() -> Iterator[dict[str, Any]]:
        for raw, rank in rows.values_list("raw", "tlp_rank").iterator(chunk_size=2000):
            obj = json.loads(raw)
            # The effective level may come from the collection (its default or its own
            # level), not from the object's markings.
            obj["object_marking_refs"] = [marking_id(LEVEL_OF_RANK[rank])]
            yield obj

    return export_csv(objects())
