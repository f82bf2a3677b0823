"""The core app: accounts, organisations, countries, audit log, events and the module frame."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cybercommons.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from cybercommons.core import modules, queries
        from cybercommons.core.models import Country, Organisation

        modules.registry.load()
        connection_created.connect(_on_connection, dispatch_uid="core-sqlite-checkpoints")
        # Core's own rows, however they change (services, admin, country sync, imports).
        for model in (Country, Organisation):
            post_save.connect(queries.forget_platform_stats, sender=model,
                              dispatch_uid=f"core-stats-save-{model.__name__}")
            post_delete.connect(queries.forget_platform_stats, sender=model,
                                dispatch_uid=f"core-stats-delete-{model.__name__}")


def _on_connection(sender: object, connection: object, **kwargs: object) -> None:
    from cybercommons.core import sqlite_checkpoints

    sqlite_checkpoints.start_for(connection)
