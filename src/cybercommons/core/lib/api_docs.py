"""The API's documentation page, served entirely from this server (no CDN).

ninja ships Swagger UI inside its package but only links to it when ``ninja`` is an
installed app; otherwise its page loads the scripts from a CDN, which the platform never
does (pages must work offline and on closed networks). This page takes the same files
from the installed package through :func:`asset`, and lists every operation in plain
HTML too, for readers without JavaScript.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js",
                    "favicon.png"})
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the Swagger UI files of the installed ninja package (a fixed list)."""
    if name not in ASSETS or not (ASSET_DIR / name).is_file():
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _operation_list(schema: dict[str, Any]) -> str:
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                rows.append((method.upper(), path, item[method].get("summary", "")))
    return format_html_join("\n", "<li><code>{} {}</code> {}</li>", rows)


class OfflineSwagger(DocsBase):
    """Swagger UI from the installed package, with a plain list of operations beneath."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        namespace = api.urls_namespace

        def asset_url(name: str) -> str:
            return reverse(f"{namespace}:docs-asset", kwargs={"name": name})

        settings_json = json.dumps({"url": openapi_url, "layout": "BaseLayout",
                                    "deepLinking": True})
        schema = api.get_openapi_schema(path_params=kwargs)
        html = format_html(
            """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<main>
<div id="swagger-ui"></div>
<noscript>
<h1>{title}</h1>
<p>The schema is at <a href="{openapi}">{openapi}</a>.</p>
<ul>{operations}</ul>
</noscript>
</main>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>""",
            title=api.title,
            css=asset_url("swagger-ui.css"),
            icon=asset_url("favicon.png"),
            csrf=get_token(request),
            settings=_json_for_script(settings_json),
            openapi=openapi_url,
            operations=_operation_list(schema),
            bundle=asset_url("swagger-ui-bundle.js"),
            init=asset_url("swagger-ui-init.js"),
        )
        return HttpResponse(html)


def _json_for_script(text: str) -> SafeString:
    # Inside a script element only "<" could end it early; the \u escapes keep the JSON equal.
    return mark_safe(
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
