"""A URL configuration for the security tests: core's pages, this module's pages, its API
router and the TAXII server at /taxii2/, without the other modules (whose URLs these tests
do not need)."""

from __future__ import annotations

from django.urls import include, path

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
    path("api/v1/", api.urls),
    path("security/", include("cybercommons.security.urls")),
    path("", include("cybercommons.security.root_urls")),
]

handler404 = "cybercommons.core.views.errors.page_not_found"
handler500 = "cybercommons.core.views.errors.server_error"
