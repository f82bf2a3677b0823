"""Importers: read public formats through the kernel parsers and store them idempotently."""
