"""URLs of the economy pages (mounted under /economy/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.economy import views

app_name = "economy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("map/", views.world_map, name="map"),
    path("map.csv", views.world_map_csv, name="map-csv"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings.csv", views.rankings_csv, name="rankings-csv"),
    path("rankings/compare/", views.rank_compare, name="rank-compare"),
    path("indices/new/", views.index_create, name="index-create"),
    path("indices/<slug:code>/", views.index_detail, name="index-detail"),
    path("countries/<str:code>/", views.country_profile, name="country"),
    path("countries/<str:code>/<slug:what>.csv", views.country_csv, name="country-csv"),
    path("compare/", views.compare_countries, name="compare"),
    path("import/", views.import_start, name="import"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/link/", views.project_link, name="project-link"),
    path("projects/<int:pk>/matches/", views.project_matches, name="project-matches"),
    path("funders/", views.funder_list, name="funders"),
    path("funders/new/", views.funder_create, name="funder-create"),
    path("funders/<int:pk>/", views.funder_detail, name="funder-detail"),
    path("funders/<int:pk>/matches/", views.funder_matches, name="funder-matches"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/new/", views.interest_create, name="interest-create"),
    path("interests/<int:pk>/answer/", views.interest_answer, name="interest-answer"),
]
