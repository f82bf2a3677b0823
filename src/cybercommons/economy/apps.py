"""The economy module."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "cybercommons.economy"
    label = "economy"
    verbose_name = _("Digital economy")
