"""URLs of the security pages (mounted under /security/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.security import views

app_name = "security"

urlpatterns = [
    path("", views.index, name="index"),
]
