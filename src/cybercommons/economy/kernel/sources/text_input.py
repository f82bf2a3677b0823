"""Open a source given as a path or as lines, so parsers stream files and test strings alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

Source = str | Path | Iterable[str]


@contextmanager
def open_lines(source: Source) -> Iterator[Iterable[str]]:
    """Yield an iterable of text lines for a file path or pass lines through.

    Why: importers read multi-megabyte files line by line, tests feed a few lines.
    A UTF-8 byte-order mark (World Bank CSVs carry one) is removed.
    """
    if isinstance(source, str | Path):
        with Path(source).open(encoding="utf-8-sig", newline="") as handle:
            yield handle
        return
    if isinstance(source, io.TextIOBase):
        yield source
        return
    yield _strip_bom(source)


def _strip_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line


def source_name(source: Source, default: str = "") -> str:
    """A short name for reports: the file name for paths, ``default`` otherwise."""
    if isinstance(source, str | Path):
        return Path(source).name
    return default


def csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, cells)`` for each CSV row, line numbers counted from 1."""
    reader = csv.reader(lines)
    for cells in reader:
        yield reader.line_num, cells


def split_lines(text: str) -> list[str]:
    """Split a string into lines that keep their endings, as a file iterator would."""
    return text.splitlines(keepends=True)
