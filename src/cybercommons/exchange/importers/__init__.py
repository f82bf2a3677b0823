"""Bulk importers of the exchange module."""
