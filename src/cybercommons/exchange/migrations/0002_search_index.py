"""Full-text search structures that differ by database.

SQLite: an FTS5 table (rowid = SearchEntry id) kept in step with ``exchange_searchentry``
by triggers. PostgreSQL: a GIN index on ``to_tsvector('simple', terms)``. The kernel has
already folded, segmented and stemmed the terms, so both only split on spaces.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS exchange_search_fts USING fts5("
    "terms, tokenize = \"unicode61 remove_diacritics 0 tokenchars '-'\")",
    "CREATE TRIGGER IF NOT EXISTS exchange_search_ai AFTER INSERT ON exchange_searchentry "
    "BEGIN INSERT INTO exchange_search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS exchange_search_ad AFTER DELETE ON exchange_searchentry "
    "BEGIN DELETE FROM exchange_search_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS exchange_search_au AFTER UPDATE ON exchange_searchentry "
    "BEGIN DELETE FROM exchange_search_fts WHERE rowid = old.id; "
    "INSERT INTO exchange_search_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS exchange_search_au",
    "DROP TRIGGER IF EXISTS exchange_search_ad",
    "DROP TRIGGER IF EXISTS exchange_search_ai",
    "DROP TABLE IF EXISTS exchange_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS exchange_search_tsv ON exchange_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, terms))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS exchange_search_tsv"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
