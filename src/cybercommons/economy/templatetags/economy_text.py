"""The kernel's words on economy pages, in the page's language.

``{{ message|explain }}`` renders a kernel message (a code and its parameters);
``{{ text|kernel_text }}`` translates a name or goalpost source the kernel spells in
English (built-in indices; a user's own words come back unchanged). Done in Python
rather than with ``{% translate variable %}``, which doubles percent signs before the
look-up and so misses sentences such as "2 % of GNI".
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from cybercommons.economy import explanations
from cybercommons.economy.kernel.messages import Message

register = template.Library()


@register.filter
def explain(message: Message | None) -> str:
    return explanations.render(message)


@register.filter
def kernel_text(text: str) -> str:
    return gettext(text) if text else ""
