"""Import Internet exchange points and facilities from a PeeringDB JSON export.

The export holds one object per type (``{"ix": {"data": [...]}, "fac": {"data": [...]},
"ixfac": {"data": [...]}}``), as PeeringDB's dumps and ``peeringdb`` client write them.
Rows are upserted by PeeringDB id; a row without id or name is reported and skipped; an
unknown country is kept for review and the row is stored without a country.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from cybercommons.core.progress import Tracker
from cybercommons.infrastructure.importers.countries import CountryIndex
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.models import IXP, Facility, UnresolvedName


class ExportError(ValueError):
    """The file is not a PeeringDB export."""


def _rows(data: dict[str, Any], key: str) -> list[Any]:
    block = data.get(key)
    if block is None:
        return []
    rows = block.get("data") if isinstance(block, dict) else block
    if not isinstance(rows, list):
        raise ExportError(gettext("'%(key)s' holds no list of rows") % {"key": key})
    return rows


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number


def import_peeringdb(path: Path, *, tracker: Tracker | None = None) -> ImportReport:
    """Import ``ix``, ``fac`` and ``ixfac`` rows from the export at ``path``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportError(gettext("cannot read %(file)s as JSON: %(error)s")
                          % {"file": path.name, "error": error}) from None
    if not isinstance(data, dict) or not ({"ix", "fac"} & set(data)):
        raise ExportError(gettext("%(file)s has neither 'ix' nor 'fac' rows: not a PeeringDB "
                                  "export") % {"file": path.name})
    report = ImportReport(kind="peeringdb", path=str(path))
    index = CountryIndex()
    ix_rows, fac_rows, links = _rows(data, "ix"), _rows(data, "fac"), _rows(data, "ixfac")
    if tracker is not None:
        tracker.set_total(len(ix_rows) + len(fac_rows) + len(links))
    with transaction.atomic():
        facilities = {}
        for row in fac_rows:
            fac = _store(Facility, row, "facility", index, report, extra=lambda r: {
                "lon": _float(r.get("longitude")), "lat": _float(r.get("latitude"))})
            if fac is not None:
                facilities[fac.source_id] = fac
            if tracker is not None:
                tracker.advance()
        exchanges = {}
        for row in ix_rows:
            ix = _store(IXP, row, "exchange", index, report, extra=lambda r: {
                "name_long": str(r.get("name_long") or "")[:500]})
            if ix is not None:
                exchanges[ix.source_id] = ix
            if tracker is not None:
                tracker.advance()
        for n, row in enumerate(links):
            ix_id = str(row.get("ix_id", "")) if isinstance(row, dict) else ""
            fac_id = str(row.get("fac_id", "")) if isinstance(row, dict) else ""
            ix = exchanges.get(ix_id) or IXP.objects.filter(source_id=ix_id).first()
            fac = facilities.get(fac_id) or Facility.objects.filter(source_id=fac_id).first()
            if ix is None or fac is None:
                report.problem(f"ixfac {n}", "names an exchange or facility not in the export")
            else:
                ix.facilities.add(fac)
                report.counts["ixfac"] += 1
            if tracker is not None:
                tracker.advance()
    return report


def _store(model: Any, row: Any, label: str, index: CountryIndex, report: ImportReport,
           extra: Any) -> Any:
    if not isinstance(row, dict) or not row.get("id") or not row.get("name"):
        report.problem(f"{label} {row.get('id') if isinstance(row, dict) else '?'}",
                       "row has no id or name")
        return None
    source_id = str(row["id"])
    raw = str(row.get("country") or "")
    code, reason = index.resolve(raw)
    if code is None:
        UnresolvedName.objects.get_or_create(
            dataset=None, record_type=label, record_id=source_id, source_name=raw[:200],
            defaults={"reason": reason[:300], "place": str(row.get("city") or "")[:300]})
        report.problem(f"{label} {source_id}", f"country not mapped: {reason}", kept=True)
    website = str(row.get("website") or "")
    values = {"name": str(row["name"])[:300], "city": str(row.get("city") or "")[:200],
              "country_id": code, "raw_country": raw[:100],
              "website": website[:500] if website.startswith(("http://", "https://")) else "",
              **extra(row)}
    obj, created = model.objects.update_or_create(source_id=source_id, defaults=values)
    report.counts[f"{label}_{'created' if created else 'updated'}"] += 1
    return obj
