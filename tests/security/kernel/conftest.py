"""Fixtures for the security kernel tests: the OASIS STIX 2.1 JSON schemas as an oracle."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SchemaCheck = Callable[[dict[str, Any]], bool]


@pytest.fixture(scope="session")
def oasis_schema_accepts(shared_data: Path) -> SchemaCheck:
    """A function telling whether the OASIS schema for an object's type accepts it.

    Used only as an independent second opinion on hand-made objects; the schemas are read
    from the shared data folder, never copied.
    """
    folder = shared_data / "threat_intel" / "stix21" / "schemas"
    registry: Registry = Registry()
    by_name: dict[str, dict[str, Any]] = {}
    for path in folder.rglob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
        by_name[path.stem] = schema

    def accepts(obj: dict[str, Any]) -> bool:
        schema = by_name[obj["type"]]
        validator = Draft202012Validator(schema, registry=registry)
        return validator.is_valid(obj)

    return accepts
