"""Remote passwords and tokens of subscriptions are encrypted at rest and never shown back."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from cybercommons.security import secret_box, services
from cybercommons.security.models import Subscription
from tests.security.cast import World

pytestmark = pytest.mark.django_db

SECRET = "remote-token-4f9c2b7e1d"
REMOTE = "https://remote.example/taxii2/feeds/collections/abc/"

migration = importlib.import_module(
    "cybercommons.security.migrations.0002_encrypt_subscription_secrets")


def _subscribe(world: World, secret: str = SECRET) -> Subscription:
    return services.create_subscription(
        world.alice, organisation=world.cert, name="remote feed", direction="pull",
        local_collection=world.collection, remote_collection_url=REMOTE,
        remote_secret=secret)


def _stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT remote_secret FROM security_subscription WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _set_stored(pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE security_subscription SET remote_secret = %s WHERE id = %s",
                       [value, pk])


def test_the_secret_is_ciphertext_in_the_database_and_clear_in_python(world: World) -> None:
    subscription = _subscribe(world)
    stored = _stored(subscription.pk)
    assert stored.startswith(secret_box.PREFIX)
    assert SECRET not in stored
    assert Subscription.objects.get(pk=subscription.pk).remote_secret == SECRET
    # Two encryptions of one secret differ (random IV), so equal secrets do not show.
    other = _subscribe(world)
    assert _stored(other.pk) != stored


def test_no_secret_stays_empty(world: World) -> None:
    subscription = _subscribe(world, secret="")
    assert _stored(subscription.pk) == ""
    assert Subscription.objects.get(pk=subscription.pk).remote_secret == ""


def test_the_pages_never_show_the_secret_back(world: World) -> None:
    _subscribe(world)
    client = Client()
    client.force_login(world.alice)
    assert SECRET not in client.get("/security/subscriptions/").content.decode()
    # A form sent back with an error keeps the other fields but not the secret.
    refused = client.post("/security/subscriptions/", {
        "organisation": world.cert.pk, "name": "", "direction": "pull",
        "local_collection": world.collection.pk, "remote_collection_url": REMOTE,
        "remote_secret": "typed-secret-93ab"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "typed-secret-93ab" not in body
    assert REMOTE in body


def test_the_migration_encrypts_clear_rows_and_its_reverse_restores_them(
        world: World) -> None:
    subscription = _subscribe(world)
    _set_stored(subscription.pk, "legacy-clear-password")
    empty = _subscribe(world, secret="")
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_existing(apps, editor)
    assert secret_box.is_sealed(_stored(subscription.pk))
    assert Subscription.objects.get(pk=subscription.pk).remote_secret == \
        "legacy-clear-password"
    assert _stored(empty.pk) == ""
    sealed = _stored(subscription.pk)
    migration.encrypt_existing(apps, editor)  # running twice does not encrypt twice
    assert _stored(subscription.pk) == sealed
    migration.decrypt_existing(apps, editor)
    assert _stored(subscription.pk) == "legacy-clear-password"


def test_a_dedicated_key_encrypts_new_secrets_and_still_reads_old_ones(
        world: World, settings) -> None:
    old = _subscribe(world, secret="under-site-secret")
    settings.CYBERCOMMONS_ENCRYPTION_KEY = "a dedicated key for secrets"
    new = _subscribe(world, secret="under-dedicated-key")
    assert Subscription.objects.get(pk=old.pk).remote_secret == "under-site-secret"
    assert Subscription.objects.get(pk=new.pk).remote_secret == "under-dedicated-key"
    # Without the dedicated key the new secret cannot be opened: it reads as none.
    settings.CYBERCOMMONS_ENCRYPTION_KEY = ""
    with pytest.raises(secret_box.SecretUnreadable, match="cannot be decrypted"):
        secret_box.unseal(_stored(new.pk))
    assert Subscription.objects.get(pk=new.pk).remote_secret == ""
    assert Subscription.objects.get(pk=old.pk).remote_secret == "under-site-secret"
