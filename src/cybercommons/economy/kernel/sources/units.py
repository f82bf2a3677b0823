"""Units as the sources state them, read from indicator names where the file has no unit column."""

from __future__ import annotations

import re

_TRAILING_PARENTHESES = re.compile(r"\(([^()]*)\)\s*$")


def unit_from_name(indicator_name: str) -> str:
    """The unit in the trailing parentheses of a WDI or OWID indicator name.

    "Individuals using the Internet (% of population)" gives "% of population";
    a name without parentheses gives "".
    """
    matched = _TRAILING_PARENTHESES.search(indicator_name.strip())
    return matched.group(1).strip() if matched else ""
