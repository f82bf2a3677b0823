"""The core app: accounts, organisations, countries, audit log, events and the module frame."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cybercommons.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from cybercommons.core import modules

        modules.registry.load()
