"""Named sea regions and real cable-cut events from the public record, as ready scenarios.

Each event lists the cables operators and the press reported cut, spelled as on the
TeleGeography map where the 2022 data holds them, and a *site*: a box around where the
damage happened, used at segment level so that only the stretches through the site fail.
Sources are summarised in each event's ``record`` text.

What the replays reproduce on the 2022 data, and where cable-level modelling differs:

* Tonga 2022: Tonga is cut off at both levels, as it was for five weeks.
* Red Sea 2024: at segment level no country is cut off and Egypt, India, Djibouti and the
  Gulf lose links, as reported. At cable level Gibraltar is cut off because EIG is its only
  cable, although the EIG stretch to Gibraltar never broke.
* West Africa 2024: at segment level Côte d'Ivoire loses the most links, then Ghana and its
  neighbours, and no country is cut off. At cable level SAT-3 and WACS fail whole, cutting
  off countries as far as Namibia and the Congo whose stretches were intact.
* Baltic 2024: links lost for Finland, Germany, Lithuania and Sweden, no country cut off.
* All cables named in these four records are present in the 2022 data (none absent);
  landlocked countries hit in the record (Burkina Faso after the West Africa slide) have no
  landing point and no terrestrial link in the data, so they do not appear at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .geometry import Region, bbox_region

NAMED_REGIONS: dict[str, Region] = {
    "red-sea-corridor": Region(
        "Red Sea corridor",
        (
            (32.2, 30.1),
            (33.2, 28.2),
            (35.0, 27.6),
            (38.0, 23.5),
            (41.0, 18.0),
            (43.6, 12.9),
            (45.5, 12.6),
            (45.5, 11.2),
            (43.0, 11.2),
            (42.0, 14.0),
            (38.5, 18.0),
            (36.3, 21.5),
            (33.6, 26.0),
            (32.0, 29.0),
        ),
        "Gulf of Suez to Bab-el-Mandeb and the western Gulf of Aden",
    ),
    "luzon-strait": bbox_region("Luzon Strait", 119.5, 18.5, 122.5, 22.0),
    "baltic-sea": Region(
        "Baltic Sea",
        (
            (12.6, 54.4),
            (14.5, 53.9),
            (19.5, 54.4),
            (21.2, 55.4),
            (21.0, 57.0),
            (23.5, 57.3),
            (24.3, 59.2),
            (30.3, 59.9),
            (29.0, 60.4),
            (22.8, 60.2),
            (21.3, 61.5),
            (21.3, 63.5),
            (25.4, 65.2),
            (22.5, 65.9),
            (17.5, 62.5),
            (18.6, 60.4),
            (19.0, 59.2),
            (16.8, 57.0),
            (15.9, 56.1),
            (12.9, 55.4),
        ),
        "Baltic proper, Gulfs of Finland, Riga and Bothnia; the Danish straits excluded",
    ),
    "west-africa-coast": Region(
        "West Africa coast",
        (
            (-18.5, 16.0),
            (-16.2, 15.5),
            (-14.5, 10.5),
            (-12.8, 8.0),
            (-10.5, 6.0),
            (-7.5, 4.3),
            (-2.0, 4.9),
            (2.5, 6.3),
            (6.0, 4.1),
            (9.6, 3.6),
            (9.4, 0.0),
            (12.0, -5.5),
            (13.5, -9.0),
            (11.5, -9.5),
            (7.5, -2.0),
            (4.0, 2.0),
            (-3.0, 2.5),
            (-8.0, 2.5),
            (-14.0, 5.5),
            (-18.0, 9.5),
            (-20.0, 14.0),
        ),
        "The shelf and slope from Senegal to Angola, where the coastal trunk cables run",
    ),
}


@dataclass(frozen=True, slots=True)
class ReadyScenario:
    """A real event from the public record: which cables were reported cut."""

    key: str
    title: str
    date: str
    cable_names: tuple[str, ...]
    site: Region
    record: str


READY_SCENARIOS: dict[str, ReadyScenario] = {
    "tonga-2022": ReadyScenario(
        "tonga-2022",
        "Hunga Tonga-Hunga Ha'apai eruption",
        "2022-01-15",
        ("Tonga Cable", "Tonga Domestic Cable Extension (TDCE)"),
        bbox_region("Tongatapu and Hunga", -176.0, -22.0, -174.5, -20.0),
        "The eruption's pyroclastic flows broke the Tonga-Fiji cable and the domestic "
        "extension to the outer islands; Tonga was offline for five weeks.",
    ),
    "red-sea-2024": ReadyScenario(
        "red-sea-2024",
        "Red Sea cuts (anchor drag of the sinking Rubymar)",
        "2024-02-24",
        ("Asia Africa Europe-1 (AAE-1)", "SEACOM/Tata TGN-Eurasia", "Europe India Gateway (EIG)"),
        bbox_region("Southern Red Sea near the Rubymar wreck", 42.0, 12.6, 43.8, 14.6),
        "Operators reported AAE-1, Seacom and EIG cut in the southern Red Sea; Seacom's "
        "Red Sea stretch is mapped as 'SEACOM/Tata TGN-Eurasia'.",
    ),
    "west-africa-2024": ReadyScenario(
        "west-africa-2024",
        "Trou sans Fond canyon slide off Côte d'Ivoire",
        "2024-03-14",
        (
            "West Africa Cable System (WACS)",
            "MainOne",
            "SAT-3/WASC",
            "Africa Coast to Europe (ACE)",
        ),
        bbox_region("Trou sans Fond canyon off Abidjan", -4.6, 3.8, -3.4, 5.3),
        "An undersea slide cut WACS, MainOne, SAT-3 and ACE; Côte d'Ivoire, Liberia, "
        "Benin, Ghana and Burkina Faso lost most international capacity.",
    ),
    "baltic-2024": ReadyScenario(
        "baltic-2024",
        "Baltic Sea cable damage",
        "2024-11-17",
        ("BCS East-West Interlink", "C-Lion1"),
        bbox_region("Swedish EEZ east of Gotland and Oland", 17.5, 55.5, 21.0, 57.8),
        "The Lithuania-Sweden and Finland-Germany cables were damaged within a day; the "
        "power and data cables damaged on 25 December 2024 are not part of this scenario.",
    ),
}


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def match_cable_names(
    names: Iterable[str], cables: Mapping[str, object]
) -> tuple[list[str], list[str]]:
    """Find cables by id or by name (ignoring case and punctuation).

    Returns ``(found cable ids, names absent from the data)``.
    """
    by_name = {_fold(str(getattr(c, "name", ""))): cid for cid, c in cables.items()}
    found, absent = [], []
    for name in names:
        if name in cables:
            found.append(name)
        elif _fold(name) in by_name:
            found.append(by_name[_fold(name)])
        else:
            absent.append(name)
    return found, absent
