"""URLs of the exchange pages (mounted under /exchange/)."""

from __future__ import annotations

from django.urls import path

from cybercommons.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.work_list, name="work-list"),
    path("works/new/", views.work_create, name="work-create"),
    path("works/<uuid:uuid>/", views.work_detail, name="work-detail"),
    path("works/<uuid:uuid>/edit/", views.work_edit, name="work-edit"),
    path("works/<uuid:uuid>/translate/", views.work_translate, name="work-translate"),
    path("works/<uuid:uuid>/media/", views.work_media, name="work-media"),
    path("works/<uuid:uuid>/publish/", views.work_publish, name="work-publish"),
    path("works/<uuid:uuid>/report/", views.work_report, name="work-report"),
    path("works/<uuid:uuid>/versions/<int:number>/", views.work_version, name="work-version"),
    path("media/<int:pk>/", views.media_file, name="media"),
    path("media/<int:pk>/thumbnail/", views.media_thumbnail, name="media-thumbnail"),
    path("exhibitions/", views.exhibition_list, name="exhibition-list"),
    path("exhibitions/new/", views.exhibition_create, name="exhibition-create"),
    path("exhibitions/<slug:slug>/", views.exhibition_detail, name="exhibition-detail"),
    path("exhibitions/<slug:slug>/translate/", views.exhibition_translate,
         name="exhibition-translate"),
    path("exhibitions/<slug:slug>/arrange/", views.exhibition_arrange,
         name="exhibition-arrange"),
    path("exhibitions/<slug:slug>/items/<int:pk>/move/", views.exhibition_item_move,
         name="exhibition-item-move"),
    path("federated/", views.remote_work_list, name="remote-list"),
    path("federated/<int:pk>/flag/", views.remote_work_flag, name="remote-flag"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("moderation/hash-lists/", views.hash_lists, name="hash-lists"),
    path("moderation/servers/", views.instances, name="instances"),
    path("moderation/follows/", views.federation, name="federation"),
    path("moderation/follows/<int:pk>/", views.follower_decide, name="follower-decide"),
    path("cases/<int:pk>/appeal/", views.case_appeal, name="case-appeal"),
    path("notices/", views.notices, name="notices"),
]
