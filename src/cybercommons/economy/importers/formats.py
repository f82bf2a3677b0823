"""The import formats the CLI and the import page offer, each a kernel parser.

Each format turns a file path into a stream of kernel records (observations and
problems); nothing here touches the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from cybercommons.economy.catalogue import OWID_COLUMNS
from cybercommons.economy.kernel.observations import Record
from cybercommons.economy.kernel.sources import (
    ColumnMap,
    GeoScheme,
    load_gapminder_iso3,
    read_ddf_datapoints,
    read_itu_csv,
    read_mapped_csv,
    read_owid_csv,
    read_wb_population,
    read_wdi_csv,
    read_wdi_json,
)


class ImportKind(StrEnum):
    WDI_CSV = "wdi-csv"
    WDI_JSON = "wdi-json"
    DDF = "ddf"
    SDG = "sdg"
    ITU = "itu"
    OWID = "owid"
    POPULATION = "population"
    CSV = "csv"


class FormatError(ValueError):
    """A file or column map that cannot be read at all (not a per-record problem)."""


GAPMINDER_ENTITIES = "ddf--entities--geo--country.csv"


def _gapminder_entities(path: Path) -> dict[str, str] | None:
    # Datapoints sit in ``datapoints/`` beside the entity table, or in the same folder.
    for folder in (path.parent, path.parent.parent):
        candidate = folder / GAPMINDER_ENTITIES
        if candidate.is_file():
            return load_gapminder_iso3(candidate)
    return None


def column_map_from(data: Mapping[str, Any]) -> ColumnMap:
    """A column map from plain data (the CLI's ``--map`` JSON or the import form)."""
    try:
        column_map = ColumnMap(
            geo_column=str(data["geo"]),
            year_column=str(data["year"]),
            value_column=str(data["value"]),
            geo_scheme=GeoScheme(data.get("geo_scheme", GeoScheme.ISO3.value)),
            indicator=str(data.get("indicator", "")),
            indicator_column=data.get("indicator_column"),
            unit=str(data.get("unit", "")),
            unit_column=data.get("unit_column"),
            note_column=data.get("note_column"),
            breakdown_columns=dict(data.get("breakdown", {})),
            source=str(data.get("source", "CSV import")),
        )
        column_map.validate()
    except KeyError as error:
        raise FormatError(f"the column map needs the key {error.args[0]!r}") from None
    except ValueError as error:
        raise FormatError(f"bad column map: {error}") from None
    return column_map


def parse_column_map(text: str) -> ColumnMap:
    """Read a column map given as JSON text or as the path of a JSON file."""
    candidate = Path(text)
    if not text.lstrip().startswith("{") and candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"the column map is not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise FormatError("the column map must be a JSON object")
    return column_map_from(data)


def records(kind: ImportKind | str, path: Path, *, column_map: ColumnMap | None = None
            ) -> Iterator[Record]:
    """The record stream of one file in ``kind``'s format."""
    kind = ImportKind(kind)
    readers: dict[ImportKind, Callable[[], Iterator[Record]]] = {
        ImportKind.WDI_CSV: lambda: read_wdi_csv(path),
        ImportKind.WDI_JSON: lambda: read_wdi_json(path),
        ImportKind.DDF: lambda: read_ddf_datapoints(path,
                                                    gapminder_iso3=_gapminder_entities(path)),
        ImportKind.SDG: lambda: read_ddf_datapoints(path),
        ImportKind.ITU: lambda: read_itu_csv(path),
        ImportKind.OWID: lambda: read_owid_csv(path, indicators=_owid_columns(path)),
        ImportKind.POPULATION: lambda: read_wb_population(path),
        ImportKind.CSV: lambda: _mapped(path, column_map),
    }
    if kind in (ImportKind.DDF, ImportKind.SDG):
        try:
            return readers[kind]()
        except ValueError as error:
            raise FormatError(str(error)) from None
    return readers[kind]()


def _mapped(path: Path, column_map: ColumnMap | None) -> Iterator[Record]:
    if column_map is None:
        raise FormatError("a plain CSV import needs a column map (--map)")
    return read_mapped_csv(path, column_map)


def _owid_columns(path: Path) -> dict[str, str] | None:
    # Known headers get short codes; a file with none of them is read column by column.
    with path.open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    known = {name: code for name, code in OWID_COLUMNS.items() if name in header}
    return known or None
