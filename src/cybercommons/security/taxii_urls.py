"""TAXII 2.1 URLs, to be mounted at ``/taxii2/`` (the place the specification's examples use).

Every path ends with a slash, as the specification writes them.
"""

from __future__ import annotations

from django.urls import path, re_path

from cybercommons.security import taxii_views

app_name = "taxii"

_COLLECTION = "<slug:root>/collections/<str:collection_id>/"

urlpatterns = [
    path("", taxii_views.discovery, name="discovery"),
    path("<slug:root>/", taxii_views.api_root, name="api-root"),
    path("<slug:root>/status/<uuid:status_id>/", taxii_views.status, name="status"),
    path("<slug:root>/collections/", taxii_views.collections, name="collections"),
    path(_COLLECTION, taxii_views.collection, name="collection"),
    path(_COLLECTION + "manifest/", taxii_views.manifest, name="manifest"),
    path(_COLLECTION + "objects/", taxii_views.objects, name="objects"),
    path(_COLLECTION + "objects/<str:object_id>/", taxii_views.object_by_id, name="object"),
    path(_COLLECTION + "objects/<str:object_id>/versions/", taxii_views.versions,
         name="versions"),
    re_path(r"^(?P<rest>.*)$", taxii_views.unknown, name="unknown"),
]
