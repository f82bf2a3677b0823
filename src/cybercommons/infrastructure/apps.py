"""The infrastructure module."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfrastructureConfig(AppConfig):
    name = "cybercommons.infrastructure"
    label = "infrastructure"
    verbose_name = _("Infrastructure")
