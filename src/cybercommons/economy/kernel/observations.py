"""Plain records that every indicator parser yields, and the per-file import report.

A parser turns one public file into a stream of :class:`Observation` (one value for one
place, year, indicator and breakdown) and :class:`Problem` (one thing wrong with one
record). Parsers never raise on a bad record: they report it and go on, so one footnote
in row 9,000 does not lose the 8,999 good rows before it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class GeoKind(StrEnum):
    """What a geographic code stands for; only countries enter country rankings."""

    COUNTRY = "country"
    AGGREGATE = "aggregate"
    UNKNOWN = "unknown"


class ProblemKind(StrEnum):
    """Why a record was skipped or flagged."""

    MISSING_VALUE = "missing_value"  # empty cell, "..", "n/a": the year has no data
    FOOTNOTE_MARKER = "footnote_marker"  # "12.3e": value kept, marker moved to the note
    NON_NUMERIC = "non_numeric"  # text where a number should be: record skipped
    BAD_YEAR = "bad_year"  # year missing or not an integer: record skipped
    UNKNOWN_GEO = "unknown_geo"  # code or name not recognised: kept apart, flagged
    MALFORMED_ROW = "malformed_row"  # wrong number of fields, missing key column


# Footnote markers skipped silently would turn into silently wrong data, so the set of
# kinds that drop the record is explicit.
SKIPPING_KINDS = frozenset(
    {
        ProblemKind.MISSING_VALUE,
        ProblemKind.NON_NUMERIC,
        ProblemKind.BAD_YEAR,
        ProblemKind.MALFORMED_ROW,
    }
)


# Not frozen: a frozen dataclass pays object.__setattr__ per field, which made record
# building the largest cost of an import. Parsers never mutate a record once yielded.
@dataclass(slots=True)
class Observation:
    """One value of one indicator for one place and year.

    ``geo`` is an ISO 3166-1 alpha-3 code for countries, or the source's own code for
    aggregates and unknown places (``WLD``, ``LMC``, ``M49:419``). ``breakdown`` holds
    the disaggregation (``{"sex": "female"}``, ``{"location": "urban"}``); an empty
    breakdown is the total. ``unit`` is as the source states it (``%``, ``per 100
    people``, ``current US$``).
    """

    geo: str
    geo_kind: GeoKind
    year: int
    value: float
    indicator: str
    breakdown: Mapping[str, str] = field(default_factory=dict)
    unit: str = ""
    source: str = ""
    note: str = ""

    @property
    def breakdown_key(self) -> tuple[tuple[str, str], ...]:
        """The breakdown as a sorted, hashable tuple, for grouping series."""
        return tuple(sorted(self.breakdown.items()))


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one record: where (line), what kind, and the raw text."""

    line: int
    kind: ProblemKind
    message: str
    raw: str = ""

    @property
    def skipped(self) -> bool:
        """True when the record was dropped; False when it was kept with a flag."""
        return self.kind in SKIPPING_KINDS


Record = Observation | Problem

_MISSING_TOKENS = frozenset({"", "..", "...", "n/a", "na", "nan", "-", "--", "—", "null", "none"})
# A number followed by one or two letters or a symbol: ITU and UN footnote style
# ("12.3e" estimate, "45.1*", "7b").
_FOOTNOTED = re.compile(r"^([+-]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z*†‡]{1,2})$")


class ParsedValue(NamedTuple):
    """The outcome of reading one cell: a number, a number with a footnote, or nothing."""

    value: float | None
    kind: ProblemKind | None = None
    marker: str = ""


def parse_value(text: str | float | int | None) -> ParsedValue:
    """Read one cell as a float, recognising missing tokens and footnote markers.

    Why: public indicator files mix numbers with ``..`` (no data), ``n/a`` and
    ``12.3e`` (value with footnote "e"). A number keeps its value; a footnoted number
    keeps the value and reports the marker; anything else is reported, never guessed.
    Unit: whatever the cell's unit is; the value is not rescaled.
    """
    if isinstance(text, str):
        # Fast path first: almost every cell of a real file is a plain number.
        try:
            number = float(text)
        except ValueError:
            cleaned = text.strip()
            if cleaned.lower() in _MISSING_TOKENS:
                return ParsedValue(None, ProblemKind.MISSING_VALUE)
        else:
            return _checked(number)
    elif text is None:
        return ParsedValue(None, ProblemKind.MISSING_VALUE)
    elif isinstance(text, bool):
        return ParsedValue(None, ProblemKind.NON_NUMERIC)
    elif isinstance(text, int | float):
        return _checked(float(text))
    else:
        return ParsedValue(None, ProblemKind.NON_NUMERIC)
    matched = _FOOTNOTED.match(cleaned)
    if matched:
        return ParsedValue(
            float(matched.group(1).replace(",", ".")),
            ProblemKind.FOOTNOTE_MARKER,
            matched.group(2),
        )
    return ParsedValue(None, ProblemKind.NON_NUMERIC)


def _checked(number: float) -> ParsedValue:
    if math.isnan(number):
        return ParsedValue(None, ProblemKind.MISSING_VALUE)
    if math.isinf(number):
        return ParsedValue(None, ProblemKind.NON_NUMERIC)
    return ParsedValue(number)


def parse_year(text: str | int | None) -> int | None:
    """Read a year cell ("2019", "2019.0", 2019); None when it is not a plausible year."""
    if text is None:
        return None
    if isinstance(text, int):
        year = text
    else:
        cleaned = str(text).strip()
        try:
            year = int(cleaned)
        except ValueError:
            try:
                as_float = float(cleaned)
            except ValueError:
                return None
            if not as_float.is_integer():
                return None
            year = int(as_float)
    # Gapminder population reaches back to 1086 and forward to 2100; beyond that a
    # "year" is almost certainly a shifted column.
    if 1000 <= year <= 2200:
        return year
    return None


@dataclass
class ImportReport:
    """Counts of what one file yielded, plus the first problems of each kind.

    ``countries`` and ``aggregates`` are kept apart so that a regional or income-group
    total never reaches a country ranking.
    """

    name: str = ""
    countries: list[Observation] = field(default_factory=list)
    aggregates: list[Observation] = field(default_factory=list)
    unknown: list[Observation] = field(default_factory=list)
    problem_counts: Counter[ProblemKind] = field(default_factory=Counter)
    kind_counts: Counter[GeoKind] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    max_problems_kept: int = 200
    keep_observations: bool = True

    @property
    def observation_count(self) -> int:
        """Every observation read, countries, aggregates and unknown places together."""
        return sum(self.kind_counts.values())

    @property
    def skipped_count(self) -> int:
        """Records dropped (missing, non-numeric, bad year, malformed)."""
        return sum(n for kind, n in self.problem_counts.items() if kind in SKIPPING_KINDS)

    def add(self, record: Record) -> None:
        """Count one record; keep it under countries, aggregates or unknown places.

        With ``keep_observations`` False only the counts and the first problems are
        kept, so an importer streaming millions of rows into a database stays small.
        """
        if isinstance(record, Problem):
            self.problem_counts[record.kind] += 1
            if len(self.problems) < self.max_problems_kept:
                self.problems.append(record)
            return
        self.kind_counts[record.geo_kind] += 1
        if not self.keep_observations:
            return
        if record.geo_kind is GeoKind.COUNTRY:
            self.countries.append(record)
        elif record.geo_kind is GeoKind.AGGREGATE:
            self.aggregates.append(record)
        else:
            self.unknown.append(record)

    def summary(self) -> dict[str, int | str]:
        """A flat dict for logs, the CLI and the import page."""
        result: dict[str, int | str] = {
            "file": self.name,
            "countries": self.kind_counts[GeoKind.COUNTRY],
            "aggregates": self.kind_counts[GeoKind.AGGREGATE],
            # Observations of unrecognised places; "unknown_geo" (below, with the other
            # problem kinds) counts the places reported, once each.
            "unknown_places": self.kind_counts[GeoKind.UNKNOWN],
            "skipped": self.skipped_count,
        }
        for kind in ProblemKind:
            result[kind.value] = self.problem_counts.get(kind, 0)
        return result


def collect(records: Iterable[Record], name: str = "") -> ImportReport:
    """Drain a parser stream into an :class:`ImportReport` (countries apart from aggregates)."""
    report = ImportReport(name=name)
    for record in records:
        report.add(record)
    return report


def tally(records: Iterable[Record], report: ImportReport) -> Iterator[Observation]:
    """Pass observations through while counting everything into ``report``.

    Why: an importer writes observations as they stream and shows the per-file report
    at the end, without holding the file in memory (give a report with
    ``keep_observations=False``).
    """
    for record in records:
        report.add(record)
        if isinstance(record, Observation):
            yield record


def observations_only(records: Iterable[Record]) -> Iterator[Observation]:
    """Pass observations through and drop problems, for callers that count elsewhere."""
    for record in records:
        if isinstance(record, Observation):
            yield record


def value_problem(parsed: ParsedValue, line: int, raw: str, where: str) -> Problem | None:
    """The problem to report for a parsed cell, or None when the cell was a clean number."""
    if parsed.kind is None:
        return None
    if parsed.kind is ProblemKind.FOOTNOTE_MARKER:
        message = f"{where}: footnote marker {parsed.marker!r} removed, value kept"
    elif parsed.kind is ProblemKind.MISSING_VALUE:
        message = f"{where}: no value"
    else:
        message = f"{where}: not a number: {raw!r}"
    return Problem(line, parsed.kind, message, raw)


def footnote_note(parsed: ParsedValue, note: str = "") -> str:
    """The note to store with a value whose footnote marker was removed."""
    if parsed.kind is not ProblemKind.FOOTNOTE_MARKER:
        return note
    marker_note = f"footnote {parsed.marker}"
    return f"{note}; {marker_note}" if note else marker_note
