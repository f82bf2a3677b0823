"""Computation kernel of the infrastructure module: plain Python, no Django.

- ``telegeography``: streaming parsers for the TeleGeography submarine-cable-map JSON (v3, v2).
- ``country_names``: source country names onto ISO 3166-1 alpha-2 codes.
- ``graph``: the connectivity network (landing points, countries, cables as cuttable units).
- ``resilience``: per-country counts, min-cuts, single points of failure and a score.
- ``networkx_reference``: the same computations written plainly with networkx, for checking.
- ``geometry``: great-circle lengths, regions and the segments of a drawn cable route.
- ``reach``: which countries each cable's surviving parts still join.
- ``events``: named sea regions and real cable-cut events as ready scenarios.
- ``scenarios``: cable/station cuts, regional cuts and real events, cable or segment level.
- ``storm``: geomagnetic-storm Monte-Carlo (re-exported by ``scenarios``).
- ``orbits``: sub-satellite points (SGP4) and which satellites a ground station sees.
- ``planner``: a budgeted investment plan as a mixed-integer program (HiGHS).
"""
