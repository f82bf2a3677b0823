"""What the module knows about the series it imports: names, units, direction, valid range.

An imported code absent from this table is stored with its code as its name and the unit
the file states; an administrator can rename it later.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownIndicator:
    name: str
    unit: str
    higher_is_better: bool = True
    valid_min: float | None = 0.0
    valid_max: float | None = None
    sdg_indicator: str = ""


PERCENT = (0.0, 100.0)

KNOWN: dict[str, KnownIndicator] = {
    "IT.NET.USER.ZS": KnownIndicator("Individuals using the Internet", "% of population",
                                     valid_max=100.0, sdg_indicator="17.8.1"),
    "IT.NET.BBND.P2": KnownIndicator("Fixed-broadband subscriptions", "per 100 people",
                                     sdg_indicator="17.6.1"),
    "IT.NET.BBND": KnownIndicator("Fixed-broadband subscriptions", "subscriptions"),
    "IT.CEL.SETS.P2": KnownIndicator("Mobile-cellular subscriptions", "per 100 people"),
    "IT.CEL.SETS": KnownIndicator("Mobile-cellular subscriptions", "subscriptions"),
    "IT.MLT.MAIN.P2": KnownIndicator("Fixed telephone subscriptions", "per 100 people"),
    "NY.GNP.PCAP.CD": KnownIndicator("GNI per capita, Atlas method", "current US$"),
    "SP.POP.TOTL": KnownIndicator("Population, total", "people"),
    "SP.POP.TOTL.GAPMINDER": KnownIndicator("Population, total (Gapminder, with projections)",
                                            "people"),
    "IT_USE_II99": KnownIndicator("Internet users per 100 inhabitants", "per 100 inhabitants",
                                  valid_max=100.0, sdg_indicator="17.8.1"),
    "IT_NET_BBP": KnownIndicator("Fixed-broadband subscriptions per 100 inhabitants, by speed",
                                 "per 100 inhabitants", sdg_indicator="17.6.1"),
    "IT_NET_BBN": KnownIndicator("Fixed-broadband subscriptions, by speed", "subscriptions",
                                 sdg_indicator="17.6.1"),
    "IT_MOB_2GNTWK": KnownIndicator("Population covered by at least a 2G mobile network", "%",
                                    valid_max=100.0, sdg_indicator="9.c.1"),
    "IT_MOB_3GNTWK": KnownIndicator("Population covered by at least a 3G mobile network", "%",
                                    valid_max=100.0, sdg_indicator="9.c.1"),
    "IT_MOB_4GNTWK": KnownIndicator("Population covered by at least a 4G mobile network", "%",
                                    valid_max=100.0, sdg_indicator="9.c.1"),
    "IT_MOB_OWN": KnownIndicator("Individuals who own a mobile telephone, by sex", "%",
                                 valid_max=100.0, sdg_indicator="5.b.1"),
    "SE_ADT_ACTS": KnownIndicator("Youth and adults with ICT skills, by type of skill", "%",
                                  valid_max=100.0, sdg_indicator="4.4.1"),
    "A4AI.1GB.GNI": KnownIndicator("Price of 1 GB of mobile data (A4AI)",
                                   "% of monthly GNI per capita", higher_is_better=False),
    "A4AI.5GB.GNI": KnownIndicator("Price of 5 GB of mobile data",
                                   "% of monthly GNI per capita", higher_is_better=False),
    "WB.INCOME.CLASS": KnownIndicator("World Bank income classification (1 low – 4 high)",
                                      "class", valid_min=1.0, valid_max=4.0),
}

# Our World in Data column headers mapped to short codes (long headers make poor codes).
OWID_COLUMNS = {
    "Cost of 1GB of mobile data (% of mean GNI per capita)": "A4AI.1GB.GNI",
    "Income classification (World Bank 2017)": "WB.INCOME.CLASS",
}


def _index_indicators() -> dict[str, KnownIndicator]:
    # The ITU codes of the IDI's indicators, named and bounded as the index states them.
    from cybercommons.economy.kernel.composite import Direction
    from cybercommons.economy.kernel.idi import IDI_2023

    return {spec.code: KnownIndicator(
        spec.label, spec.unit, higher_is_better=spec.direction is Direction.HIGHER_IS_BETTER,
        valid_max=100.0 if spec.unit == "%" else None) for spec in IDI_2023.indicators}


def describe(code: str, unit: str = "") -> KnownIndicator:
    """The catalogue entry of ``code``, or a plain one named after the code."""
    return KNOWN.get(code) or _index_indicators().get(code) or KnownIndicator(
        code, unit, valid_min=None)
