"""Import population figures from a CSV of country code and population.

Accepted headers: a code column (``iso2``, ``alpha2``, ``code``, ``iso3``, ``country_code``
or World Bank's ``Country Code``), a population column (``population`` or ``Value``) and an
optional ``year``/``Year``. With several years per country the latest is kept, so the
World Bank SP.POP.TOTL file imports as it is; aggregates (World, regions) are reported and
skipped because their codes are no country's.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from cybercommons.infrastructure.importers.countries import CountryIndex
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.models import Population

CODE_COLUMNS = ("iso2", "alpha2", "alpha-2", "code", "iso3", "alpha3", "country_code",
                "Country Code")
VALUE_COLUMNS = ("population", "Population", "value", "Value")
YEAR_COLUMNS = ("year", "Year")


class PopulationFileError(ValueError):
    """The file is not a population CSV."""


def import_population(path: Path, source: str = "") -> ImportReport:
    """Upsert the latest population per country from the CSV at ``path``."""
    path = Path(path)
    report = ImportReport(kind="population", path=str(path))
    index = CountryIndex()
    latest: dict[str, tuple[int, int]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            names = reader.fieldnames or []
            code_col = next((c for c in CODE_COLUMNS if c in names), None)
            value_col = next((c for c in VALUE_COLUMNS if c in names), None)
            year_col = next((c for c in YEAR_COLUMNS if c in names), None)
            if code_col is None or value_col is None:
                raise PopulationFileError(
                    gettext("%(file)s needs a country-code column (%(codes)s) and a population "
                      "column (%(values)s)")
                    % {"file": path.name, "codes": ", ".join(CODE_COLUMNS),
                       "values": ", ".join(VALUE_COLUMNS)})
            for n, row in enumerate(reader, start=2):
                raw = (row.get(code_col) or "").strip()
                code, _reason = index.resolve(raw) if len(raw) in (2, 3) else (None, "")
                if code is None:
                    report.problem(f"line {n}", f"{raw!r} is not a country code")
                    continue
                try:
                    value = round(float(row.get(value_col) or ""))
                    year = int(float(row.get(year_col) or 0)) if year_col else 0
                except ValueError:
                    report.problem(f"line {n}", "population or year is not a number")
                    continue
                if value < 0:
                    report.problem(f"line {n}", "population is negative")
                    continue
                if code not in latest or year >= latest[code][0]:
                    latest[code] = (year, value)
    except (OSError, UnicodeDecodeError) as error:
        raise PopulationFileError(gettext("cannot read %(file)s: %(error)s")
                                  % {"file": path.name, "error": error}) from None
    with transaction.atomic():
        for code, (year, value) in latest.items():
            _, created = Population.objects.update_or_create(
                country_id=code, defaults={"population": value, "year": year or None,
                                           "source": source or path.name})
            report.counts["created" if created else "updated"] += 1
    return report
