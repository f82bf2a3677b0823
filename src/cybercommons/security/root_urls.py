"""URLs the security module mounts at the site root: the TAXII 2.1 server at /taxii2/."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("taxii2/", include("cybercommons.security.taxii_urls")),
]
