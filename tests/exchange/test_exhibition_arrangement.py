"""Editors reorder an exhibition's items with up/down buttons (htmx swaps the list; without
JavaScript the form posts and redirects); others cannot."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cybercommons.core.errors import Conflict, NotFound, ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.exchange import services
from cybercommons.exchange.services import ExchangeAction, TextInput

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def tour(cast, publish=True):  # type: ignore[no-untyped-def]
    works = [services.create_work(cast.owner, cast.organisation, kind="article",
                                  licence="cc0-1.0", texts=[TextInput("en", title)],
                                  publish=True) for title in ("Drum", "Flute")]
    return services.save_exhibition(
        cast.owner, cast.organisation, slug="tour", title={"en": "Tour"},
        items=[{"narrative": {"en": "<p>Opening words</p>"}},
               {"work": str(works[0].uuid)}, {"work": str(works[1].uuid)}], publish=publish)


def order(exhibition) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.work.texts.get().title if item.work else "text"
            for item in exhibition.items.order_by("position")]


def test_an_editor_moves_an_item_down_and_up(cast):
    exhibition = tour(cast)
    drum = exhibition.items.get(position=2)
    assert services.move_exhibition_item(cast.owner, exhibition, drum.pk,
                                         direction="down") == 3
    assert order(exhibition) == ["text", "Flute", "Drum"]
    assert services.move_exhibition_item(cast.owner, exhibition, drum.pk,
                                         direction="up") == 2
    assert order(exhibition) == ["text", "Drum", "Flute"]
    assert AuditEntry.objects.filter(action=ExchangeAction.EXHIBITION_REORDERED).count() == 2


def test_moves_past_the_ends_unknown_items_and_odd_directions_are_refused(cast):
    exhibition = tour(cast)
    first, last = exhibition.items.get(position=1), exhibition.items.get(position=3)
    with pytest.raises(Conflict):
        services.move_exhibition_item(cast.owner, exhibition, first.pk, direction="up")
    with pytest.raises(Conflict):
        services.move_exhibition_item(cast.owner, exhibition, last.pk, direction="down")
    with pytest.raises(NotFound):
        services.move_exhibition_item(cast.owner, exhibition, 999_999, direction="up")
    with pytest.raises(ServiceError):
        services.move_exhibition_item(cast.owner, exhibition, last.pk, direction="left")
    assert order(exhibition) == ["text", "Drum", "Flute"]


def test_members_who_are_not_editors_and_outsiders_cannot_reorder(cast):
    exhibition = tour(cast)
    item = exhibition.items.get(position=2)
    for user in (cast.teammate, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.move_exhibition_item(user, exhibition, item.pk, direction="down")
        client = login(user)
        assert client.get("/exchange/exhibitions/tour/arrange/").status_code == 403
        answer = client.post(f"/exchange/exhibitions/tour/items/{item.pk}/move/",
                             {"direction": "down"}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 403
    assert order(exhibition) == ["text", "Drum", "Flute"]
    assert "Arrange the items" not in login(cast.outsider).get(
        "/exchange/exhibitions/tour/").content.decode()


def test_a_draft_exhibition_is_not_found_by_an_outsider(cast):
    tour(cast, publish=False)
    assert login(cast.outsider).get("/exchange/exhibitions/tour/arrange/").status_code == 404


def test_the_arrange_page_swaps_the_list_with_htmx_and_announces_the_move(cast):
    exhibition = tour(cast)
    client = login(cast.owner)
    page = client.get("/exchange/exhibitions/tour/arrange/").content.decode()
    assert page.index("Opening words") < page.index("Drum") < page.index("Flute")
    assert 'role="status"' in page
    drum = exhibition.items.get(position=2)
    assert f'id="move-up-{drum.pk}"' in page  # stable ids keep focus on the pressed button
    answer = client.post(f"/exchange/exhibitions/tour/items/{drum.pk}/move/",
                         {"direction": "down"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert "<html" not in fragment  # only the list and the status line
    assert fragment.index("Flute") < fragment.index("Drum")
    assert 'hx-swap-oob="true"' in fragment
    assert "Moved to position 3." in fragment
    refused = client.post(f"/exchange/exhibitions/tour/items/{drum.pk}/move/",
                          {"direction": "down"}, HTTP_HX_REQUEST="true").content.decode()
    assert "The item is already last." in refused
    assert order(exhibition) == ["text", "Flute", "Drum"]


def test_without_javascript_a_move_posts_and_returns_to_the_arrange_page(cast):
    exhibition = tour(cast)
    flute = exhibition.items.get(position=3)
    client = login(cast.owner)
    answer = client.post(f"/exchange/exhibitions/tour/items/{flute.pk}/move/",
                         {"direction": "up"})
    assert answer.status_code == 302
    assert answer["Location"] == "/exchange/exhibitions/tour/arrange/"
    assert "Moved to position 2." in client.get(answer["Location"]).content.decode()
    assert order(exhibition) == ["text", "Flute", "Drum"]
