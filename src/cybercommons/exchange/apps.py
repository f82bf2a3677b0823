"""The exchange module."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "cybercommons.exchange"
    label = "exchange"
    verbose_name = _("Cultural exchange")
