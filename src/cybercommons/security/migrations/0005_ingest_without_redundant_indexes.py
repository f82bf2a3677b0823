"""Drop the two foreign-key indexes that other indexes already cover.

Every index of ``security_stixobject`` starts with ``collection_id`` and the unique
``one_ref_per_target`` starts with ``source_id``, so the single-column indexes Django made
for these foreign keys served no query and cost one more B-tree insert per stored version.
Dropped by name on both databases (the names are the same), so SQLite does not copy the
table as a generic field change would.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = (
    ("security_stixobject_collection_id_cdecac61", "security_stixobject", "collection_id"),
    ("security_stixreference_source_id_f00671db", "security_stixreference", "source_id"),
)


def drop(apps, schema_editor):
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')


class Migration(migrations.Migration):

    dependencies = [
        ('security', '0004_url_imports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='stixobject',
                    name='collection',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='stix_objects', to='security.collection'),
                ),
                migrations.AlterField(
                    model_name='stixreference',
                    name='source',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='references', to='security.stixobject'),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
