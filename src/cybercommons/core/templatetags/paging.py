"""Links between the pages of a list shown with ``core/partials/pager.html``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], number: int, param: str = "page") -> str:
    """``{% page_query 3 %}``: this page's query string with the page number changed.

    Every other parameter stays, so a filtered list keeps its filter from page to page and a
    page with two paged lists keeps the position of the other one.
    """
    params = context["request"].GET.copy()
    params[param] = str(number)
    return "?" + params.urlencode()
