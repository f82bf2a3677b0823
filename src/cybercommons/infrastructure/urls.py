"""URLs of the infrastructure pages (mounted under /infrastructure/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.infrastructure import views

app_name = "infrastructure"

urlpatterns = [
    path("", views.index, name="index"),
    path("resilience.csv", views.resilience_csv, name="resilience-csv"),
    path("cables.csv", views.cables_csv, name="cables-csv"),
    path("landing-points.csv", views.landing_points_csv, name="landing-points-csv"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("cables/", views.cable_list, name="cables"),
    path("cables/<int:pk>/", views.cable_detail, name="cable"),
    path("cables/<int:pk>/segments/<int:segment_pk>/", views.segment_edit,
         name="segment-edit"),
    path("cables/<int:pk>/segments/new/", views.segment_add, name="segment-add"),
    path("cables/<int:pk>/segments/<int:segment_pk>/delete/", views.segment_delete,
         name="segment-delete"),
    path("satellites/", views.constellation_list, name="constellations"),
    path("satellites/<int:pk>/", views.constellation_detail, name="constellation"),
    path("satellites/<int:pk>/positions.csv", views.constellation_csv,
         name="constellation-csv"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_builder, name="scenario-builder"),
    path("scenarios/compare/", views.scenario_compare, name="scenario-compare"),
    path("scenarios/ready/<slug:key>/", views.ready_run, name="ready"),
    path("scenarios/ready/<slug:key>/save/", views.ready_save, name="ready-save"),
    path("scenarios/<uuid:public_id>/", views.scenario_detail, name="scenario"),
    path("scenarios/<uuid:public_id>.csv", views.scenario_csv, name="scenario-csv"),
    path("scenarios/<uuid:public_id>/share/", views.scenario_share, name="scenario-share"),
    path("scenarios/<uuid:public_id>/delete/", views.scenario_delete, name="scenario-delete"),
    path("planner/", views.planner, name="planner"),
    path("planner/candidates/", views.candidate_create, name="candidate-create"),
    path("planner/<uuid:public_id>/", views.plan_detail, name="plan"),
    path("import/", views.import_start, name="import"),
    path("datasets/<slug:slug>/activate/", views.dataset_activate, name="dataset-activate"),
]
