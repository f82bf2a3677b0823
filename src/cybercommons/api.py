"""The JSON API at /api/v1/: core's routers and each module's, from their manifests."""

from __future__ import annotations

from ninja import NinjaAPI

from cybercommons.core.api import router as core_router
from cybercommons.core.modules import registry, resolve

api = NinjaAPI(
    title="Cybercommons API",
    version="1.0.0",
    description="JSON API of the Cybercommons platform. Errors are RFC 9457 problem details.",
    urls_namespace="api-1.0.0",
)
api.add_router("/", core_router)
for _manifest in registry:
    if _manifest.api_router:
        api.add_router(f"/{_manifest.label}/", resolve(_manifest.api_router))
