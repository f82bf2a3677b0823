"""Country lookups shared by the importers: names or codes onto core's country rows."""

from __future__ import annotations

from cybercommons.core.models import Country
from cybercommons.infrastructure.kernel.country_names import resolve_country


class CountryIndex:
    """Resolve a code (alpha-2 or alpha-3) or a source name to a stored alpha-2 code."""

    def __init__(self) -> None:
        rows = list(Country.objects.values_list("code", "alpha3"))
        self.codes = {code for code, _ in rows}
        self.alpha3 = {a3: code for code, a3 in rows}

    def resolve(self, value: str, place: str | None = None) -> tuple[str | None, str]:
        """(alpha-2 code or None, the reason when None)."""
        text = (value or "").strip()
        if not text:
            return None, "no country given"
        if len(text) == 2 and text.upper() in self.codes:
            return text.upper(), ""
        if len(text) == 3 and text.upper() in self.alpha3:
            return self.alpha3[text.upper()], ""
        match = resolve_country(text, place)
        if match.alpha2 is None:
            return None, match.reason
        if match.alpha2 not in self.codes:
            return None, f"{text!r} maps to {match.alpha2}, which is not in the country table"
        return match.alpha2, ""
