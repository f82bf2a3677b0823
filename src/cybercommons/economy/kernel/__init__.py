"""Computation kernel of the digital-divide observatory: plain Python, no Django.

- ``sources``: streaming parsers for the public indicator formats (WDI CSV and API
  JSON, DDF datapoints, Our World in Data CSVs, the World Bank population package,
  plain CSV with a column map), yielding observations and per-record problems.
- ``geography``: countries apart from regional and income-group aggregates.
- ``composite`` and ``idi``: composite indices (the ITU ICT Development Index 2023 and
  user-defined ones), vectorised over every country and year; ``ranking`` compares the
  rankings two definitions give.
- ``affordability``: the A4AI "1 for 2" test.
- ``progress``: trends, 2030 projections, gaps and peer-group means; ``peer_groups``
  reads UN regions, LDC/LLDC/SIDS and income groups from the public country tables.
- ``matching``: projects and funders ranked by fit, with reasons.
"""
