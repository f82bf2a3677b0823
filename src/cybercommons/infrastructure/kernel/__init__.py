"""Computation kernel of the infrastructure module: plain Python, no Django.

- ``telegeography``: streaming parsers for the TeleGeography submarine-cable-map JSON (v3, v2).
- ``country_names``: source country names onto ISO 3166-1 alpha-2 codes.
- ``graph``: the connectivity network (landing points, countries, cables as cuttable units).
- ``resilience``: per-country counts, min-cuts, single points of failure and a score.
- ``geometry``: great-circle lengths, regions and route segments.
- ``scenarios``: cable/station cuts, regional cuts and geomagnetic-storm Monte-Carlo runs.
- ``planner``: a budgeted investment plan as a mixed-integer program (HiGHS).
"""
