"""URLs of the security pages (mounted under /security/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.security import views

app_name = "security"

urlpatterns = [
    path("", views.index, name="index"),
    path("objects/<str:stix_id>/", views.object_detail, name="object"),
    path("indicators/new/", views.indicator_create, name="indicator-create"),
    path("reports/new/", views.report_create, name="report-create"),
    path("pattern-check/", views.pattern_check, name="pattern-check"),
    path("collections/", views.collections, name="collections"),
    path("collections/new-community/", views.api_root_create, name="api-root-create"),
    path("collections/<uuid:pk>/", views.collection_detail, name="collection"),
    path("sharing-groups/", views.sharing_groups, name="sharing-groups"),
    path("sharing-groups/<slug:slug>/", views.sharing_group_detail, name="sharing-group"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/run/", views.subscription_run, name="subscription-run"),
    path("import/", views.import_page, name="import"),
    path("imports/<uuid:pk>/", views.import_status, name="import-status"),
]
