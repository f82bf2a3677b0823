"""Importers: the kernel's streaming parsers in front, a batched idempotent upsert behind."""
