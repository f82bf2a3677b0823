"""Streaming parsers for the public indicator formats.

Each ``read_*`` function takes a path (or lines) and yields
:class:`~cybercommons.economy.kernel.observations.Observation` and
:class:`~cybercommons.economy.kernel.observations.Problem` records; drain them with
:func:`~cybercommons.economy.kernel.observations.collect` for a per-file report.
"""

from cybercommons.economy.kernel.sources.ddf import load_gapminder_iso3, read_ddf_datapoints
from cybercommons.economy.kernel.sources.itu_datahub import read_itu_csv
from cybercommons.economy.kernel.sources.mapped_csv import ColumnMap, GeoScheme, read_mapped_csv
from cybercommons.economy.kernel.sources.owid import read_owid_csv
from cybercommons.economy.kernel.sources.wb_population import read_wb_population
from cybercommons.economy.kernel.sources.wdi_csv import read_wdi_csv
from cybercommons.economy.kernel.sources.wdi_json import read_wdi_json

__all__ = [
    "ColumnMap",
    "GeoScheme",
    "load_gapminder_iso3",
    "read_ddf_datapoints",
    "read_itu_csv",
    "read_mapped_csv",
    "read_owid_csv",
    "read_wb_population",
    "read_wdi_csv",
    "read_wdi_json",
]
