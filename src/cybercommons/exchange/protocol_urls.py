"""ActivityPub, WebFinger and NodeInfo at the places their standards fix (site root)."""

from __future__ import annotations

from django.urls import path, re_path

from cybercommons.exchange.federation import views

app_name = "exchange-ap"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("ap/inbox", views.shared_inbox, name="shared-inbox"),
    re_path(r"^ap/actors/(?P<username>[A-Za-z0-9_.\-]{1,100})$", views.actor, name="actor"),
    re_path(r"^ap/actors/(?P<username>[A-Za-z0-9_.\-]{1,100})/inbox$", views.actor_inbox,
            name="actor-inbox"),
    re_path(r"^ap/actors/(?P<username>[A-Za-z0-9_.\-]{1,100})/outbox$", views.outbox,
            name="outbox"),
    re_path(r"^ap/actors/(?P<username>[A-Za-z0-9_.\-]{1,100})/followers$", views.followers,
            name="followers"),
    path("ap/works/<uuid:uuid>", views.work_object, name="work"),
    re_path(r"^ap/activities/(?P<kind>[a-z]{1,20})/(?P<key>[A-Za-z0-9\-]{1,64})$",
            views.activity, name="activity"),
]
