"""Importers of threat intelligence files: STIX 2.1 bundles, MISP events, CSV of indicators."""
