"""Subscription secrets become Fernet ciphertext; existing clear-text rows are encrypted.

The rows are read and written in plain SQL: the field class decrypts on read, and the
migration must see (and rewrite) the clear text exactly as it was stored.
"""

from typing import Any

from django.db import migrations

import cybercommons.security.models
from cybercommons.security import secret_box


def _rewrite(apps: Any, schema_editor: Any, change: Any) -> None:
    connection = schema_editor.connection
    model = apps.get_model("security", "Subscription")
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, remote_secret FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
        for pk, stored in rows:
            new = change(stored or "")
            if new != (stored or ""):
                cursor.execute(f"UPDATE {table} SET remote_secret = %s WHERE id = %s",  # noqa: S608
                               [new, pk])


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor,
             lambda s: s if secret_box.is_sealed(s) else secret_box.seal(s))


def decrypt_existing(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, secret_box.unseal)


class Migration(migrations.Migration):

    dependencies = [
        ("security", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscription",
            name="remote_secret",
            field=cybercommons.security.models.EncryptedSecretField(
                blank=True, verbose_name="remote password or token"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
