"""The JSON API at /api/v1/: core's routers and each module's, from their manifests."""

from __future__ import annotations

from cybercommons.core.api import router as core_router
from cybercommons.core.lib.ninja_api import PlatformAPI
from cybercommons.core.modules import registry, resolve

api = PlatformAPI(
    title="Cybercommons API",
    version="1.0.0",
    description=(
        "JSON API of the Cybercommons platform. Authenticate with a personal token "
        "(`Authorization: Bearer cc_…`; the read scope allows GET, write the rest) or a "
        "signed-in session (send `X-CSRFToken` on writes). Lists are paginated by cursor: "
        "follow `next` (or the `Link` header). Errors are RFC 9457 problem details "
        "(`application/problem+json`)."
    ),
    urls_namespace="api-1.0.0",
)
api.add_router("/", core_router)
for _manifest in registry:
    if _manifest.api_router:
        api.add_router(f"/{_manifest.label}/", resolve(_manifest.api_router))
