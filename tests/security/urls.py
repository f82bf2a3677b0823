"""The URL configuration of the security tests: the project's URLs, with /taxii2/.

While another module's URLs cannot be imported (work in progress elsewhere in the tree),
the tests fall back to core's pages plus this module's pages, API router and TAXII server,
so that they exercise this module whatever state the others are in.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns: list[URLPattern | URLResolver]

try:
    from cybercommons.urls import urlpatterns as _project
except ImportError:
    from cybercommons.core.api import router as core_router
    from cybercommons.core.lib.ninja_api import PlatformAPI
    from cybercommons.security.api import router as security_router

    api = PlatformAPI(title="Cybercommons API (security tests)", version="1.0.0",
                      urls_namespace="api-1.0.0")
    api.add_router("/", core_router)
    api.add_router("/security/", security_router)
    urlpatterns = [
        path("", include("cybercommons.core.urls")),
        path("accounts/", include("cybercommons.core.accounts.urls")),
        path("i18n/", include("django.conf.urls.i18n")),
        path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
        path("api/v1/", api.urls),
        path("security/", include("cybercommons.security.urls")),
        path("", include("cybercommons.security.root_urls")),
    ]
else:
    urlpatterns = list(_project)
    if not any(str(p.pattern) == "taxii2/" for p in urlpatterns
               if isinstance(p, URLResolver)):
        urlpatterns.append(path("", include("cybercommons.security.root_urls")))

handler404 = "cybercommons.core.views.errors.page_not_found"
handler500 = "cybercommons.core.views.errors.server_error"
