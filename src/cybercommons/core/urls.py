"""Core's pages: home, countries, organisations, progress of background work."""

from django.urls import path

from cybercommons.core.views import countries, home, organisations, progress

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("countries/", countries.country_list, name="country-list"),
    path("countries/<str:code>/", countries.country_detail, name="country-detail"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path("organisations/new/", organisations.organisation_create, name="organisation-create"),
    path("organisations/<slug:slug>/", organisations.organisation_detail,
         name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", organisations.organisation_edit,
         name="organisation-edit"),
    path("organisations/<slug:slug>/invite/", organisations.organisation_invite,
         name="organisation-invite"),
    path("organisations/<slug:slug>/members/<int:membership_id>/",
         organisations.membership_change, name="membership-change"),
    path("progress/<str:key>/", progress.progress_detail, name="progress"),
]
