"""MISP event JSON -> STIX 2.1 bundle, through the ``misp-stix`` library (MISP's own).

``misp-stix`` does the mapping of MISP attributes, objects, galaxies and tags; around it
this module

* accepts the event with or without its ``{"Event": …}`` wrapper (exports differ);
* gives galaxy clusters exported without a ``uuid`` a stable one derived from their tag
  name (``misp-stix`` would otherwise emit the invalid id ``attack-pattern--``, which
  makes it reject the whole event — seen in real CIRCL events);
* validates every produced object with ``stix_validation`` and keeps only the valid ones,
  listing the rejected ones with reasons, and drops exact repeats of one ``(id, modified)``.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cybercommons.security.kernel.stix_validation import (
    ObjectResult,
    ValidationOptions,
    validate_objects,
)

# Fixed namespace for uuids given to galaxy clusters that were exported without one.
GALAXY_CLUSTER_NAMESPACE = uuid.UUID("3b0f7c7a-8d0e-5b8e-a3f2-5b8c0e2d9a11")


class MispFormatError(ValueError):
    """The input is not a MISP event, or ``misp-stix`` could not convert it at all."""


@dataclass
class MispConversion:
    """The bundle of valid objects, the objects refused (with reasons) and notes."""

    bundle: dict[str, Any]
    rejected: list[ObjectResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def unwrap_event(document: object) -> dict[str, Any]:
    """The event dictionary of a MISP JSON document, with or without ``"Event"``.

    Raises ``MispFormatError`` when the document is not a MISP event.
    """
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError) as exc:
            raise MispFormatError(f"malformed JSON: {exc}") from None
    if not isinstance(document, Mapping):
        raise MispFormatError("a MISP event is a JSON object")
    event = document.get("Event", document)
    if not isinstance(event, Mapping) or "info" not in event or "uuid" not in event:
        raise MispFormatError("not a MISP event: expected Event.info and Event.uuid")
    return dict(event)


def _fill_missing_cluster_uuids(node: object, notes: list[str]) -> None:
    # Galaxies hang off the event, its attributes and its objects' attributes.
    if isinstance(node, list):
        for item in node:
            _fill_missing_cluster_uuids(item, notes)
        return
    if not isinstance(node, dict):
        return
    for cluster in node.get("GalaxyCluster") or []:
        if isinstance(cluster, dict) and not cluster.get("uuid"):
            basis = cluster.get("tag_name") or f"{cluster.get('type')}={cluster.get('value')}"
            cluster["uuid"] = str(uuid.uuid5(GALAXY_CLUSTER_NAMESPACE, basis))
            notes.append(f"galaxy cluster {cluster.get('value')!r} had no uuid; derived one")
    for key in ("Galaxy", "Attribute", "Object"):
        _fill_missing_cluster_uuids(node.get(key), notes)


def _flatten(messages: object) -> list[str]:
    if isinstance(messages, Mapping):
        return [str(m) for values in messages.values() for m in _flatten(values)]
    if isinstance(messages, list | tuple):
        return [str(m) for m in messages]
    return [str(messages)] if messages else []


def misp_event_to_bundle(
    document: object, options: ValidationOptions | None = None
) -> MispConversion:
    """Convert one MISP event (dict or JSON text) to a STIX 2.1 bundle of valid objects.

    Why: MISP is what most CERTs export; importing its events keeps their context
    (galaxies become intrusion sets, malware, attack patterns; tags become labels and
    TLP markings). Raises ``MispFormatError`` if nothing can be converted.
    """
    try:
        from misp_stix_converter import MISPtoSTIX21Parser
    except ImportError as exc:  # optional dependency
        raise MispFormatError("MISP conversion needs the misp-stix package") from exc

    notes: list[str] = []
    event = copy.deepcopy(unwrap_event(document))
    _fill_missing_cluster_uuids(event, notes)
    parser = MISPtoSTIX21Parser()
    try:
        parser.parse_misp_event({"Event": event})
        bundle = json.loads(parser.bundle.serialize())
    except Exception as exc:  # misp-stix raises many kinds on odd events
        raise MispFormatError(f"misp-stix could not convert the event: {exc}") from exc
    notes.extend("misp-stix: " + m.splitlines()[-1] for m in _flatten(parser.errors))
    notes.extend("misp-stix: " + m.splitlines()[-1] for m in _flatten(parser.warnings))

    kept: list[dict[str, Any]] = []
    rejected: list[ObjectResult] = []
    seen: dict[tuple[str, str | None], dict[str, Any]] = {}
    objects = bundle.get("objects", [])
    for result, obj in zip(validate_objects(objects, options), objects, strict=True):
        if not result.ok:
            rejected.append(result)
            continue
        key = (obj["id"], obj.get("modified"))
        if key in seen:
            if seen[key] != obj:
                notes.append(f"{obj['id']} converted twice with different content; kept the first")
            continue
        seen[key] = obj
        kept.append(obj)
    bundle["objects"] = kept
    return MispConversion(bundle=bundle, rejected=rejected, notes=notes)
