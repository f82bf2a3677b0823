"""URLs of the governance pages (mounted under /governance/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.process_list, name="index"),
    path("new/", views.process_create, name="process-create"),
    path("notifications/", views.notifications, name="notifications"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/phase/", views.phase_change, name="phase"),
    path("<slug:slug>/schedule/", views.schedule_set, name="schedule"),
    path("<slug:slug>/draft/", views.draft, name="draft"),
    path("<slug:slug>/versions/<int:number>/translations/<str:language>/",
         views.translation_edit, name="translation-edit"),
    path("<slug:slug>/comments/", views.comment_add, name="comment-add"),
    path("<slug:slug>/sections/<slug:key>/amend/", views.amendment_create,
         name="amendment-create"),
    path("<slug:slug>/amendments/", views.amendment_list, name="amendments"),
    path("<slug:slug>/amendments/merge/", views.amendments_merge, name="amendments-merge"),
    path("<slug:slug>/amendments/<int:pk>/", views.amendment_detail, name="amendment"),
    path("<slug:slug>/amendments/<int:pk>/decide/", views.amendment_decide,
         name="amendment-decide"),
    path("<slug:slug>/map/", views.opinion_map, name="map"),
    path("<slug:slug>/map/live/", views.opinion_map_live, name="map-live"),
    path("<slug:slug>/map.csv", views.opinion_map_csv, name="map-csv"),
    path("<slug:slug>/statements/", views.statement_add, name="statement-add"),
    path("<slug:slug>/statements/<int:pk>/vote/", views.vote, name="vote"),
    path("<slug:slug>/statements/<int:pk>/moderate/", views.statement_moderate,
         name="statement-moderate"),
    path("<slug:slug>/vote/", views.ballot, name="ballot"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/result/", views.result, name="result"),
    path("<slug:slug>/result/publication/", views.publication, name="publication"),
    path("<slug:slug>/ballots.jsonl", views.ballot_file, name="ballot-file"),
    path("<slug:slug>/rules.csv", views.rules_csv, name="rules-csv"),
    path("<slug:slug>/meetings/", views.meetings, name="meetings"),
    path("<slug:slug>/import-polis/", views.polis_import, name="polis-import"),
]
