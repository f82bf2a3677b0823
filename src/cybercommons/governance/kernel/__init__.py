"""Computation kernel of the governance module: plain Python, no Django.

- ``polis_import``: parsers for the Pol.is export format.
- ``opinion_map``: the Pol.is opinion-map math (PCA, base clusters, groups, repness, consensus).
- ``decision_rules``: tallies under the balanced decision rules.
- ``ballot_file``: the anonymised ballot file, its hash and the recount.
"""
