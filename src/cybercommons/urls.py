"""The site's URLs: core's pages, each module's pages under its prefix, the API, the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from cybercommons.api import api
from cybercommons.core.modules import registry

admin.site.site_header = "Cybercommons"
admin.site.site_title = "Cybercommons"

urlpatterns = [
    path("", include("cybercommons.core.urls")),
    path("accounts/", include("cybercommons.core.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    # The admin's own log-in form would skip the second factor: send it to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login",
                                              query_string=True)),
    path("admin/", admin.site.urls),
]

for _manifest in registry:
    if _manifest.urls:
        urlpatterns.append(path(_manifest.url_prefix, include(_manifest.urls)))
    if _manifest.root_urls:
        urlpatterns.append(path("", include(_manifest.root_urls)))

handler400 = "cybercommons.core.views.errors.bad_request"
handler403 = "cybercommons.core.views.errors.permission_denied"
handler404 = "cybercommons.core.views.errors.page_not_found"
handler500 = "cybercommons.core.views.errors.server_error"
