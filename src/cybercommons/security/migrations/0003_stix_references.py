"""The references table behind the object graph, filled from the versions already stored."""

import json
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from cybercommons.security.stix_references import referenced_ids

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    """Read every stored version once, in primary-key batches, and record what it names."""
    version = apps.get_model("security", "StixObject")
    reference = apps.get_model("security", "StixReference")
    db = schema_editor.connection.alias
    after = 0
    while True:
        batch = list(version.objects.using(db).filter(pk__gt=after).order_by("pk")
                     .values_list("pk", "raw")[:BATCH])
        if not batch:
            return
        edges = []
        for pk, raw in batch:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue  # stored rows were validated; an unreadable one names nothing
            if isinstance(obj, dict):
                edges.extend(reference(source_id=pk, target_id=target)
                             for target in sorted(referenced_ids(obj)))
        reference.objects.using(db).bulk_create(edges, batch_size=1000,
                                                ignore_conflicts=True)
        after = batch[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('security', '0002_encrypt_subscription_secrets'),
    ]

    operations = [
        migrations.CreateModel(
            name='StixReference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target_id', models.CharField(max_length=300)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='references', to='security.stixobject')),
            ],
            options={
                'indexes': [models.Index(fields=['target_id', 'source'], name='sec_ref_target')],
                'constraints': [models.UniqueConstraint(fields=('source', 'target_id'), name='one_ref_per_target')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
