"""Machine translation through a pluggable backend, bundled JSON-LD contexts, background
tasks, version and notice pages."""

from __future__ import annotations

import pytest
from django.test import Client

from cybercommons.core.errors import ServiceError
from cybercommons.exchange import services, tasks
from cybercommons.exchange.federation import contexts
from cybercommons.exchange.models import Delivery, DeliveryStatus, InboxItem, RemoteActor
from cybercommons.exchange.services import TextInput

pytestmark = pytest.mark.django_db


class ShoutingBackend:
    """A stand-in translation engine: upper-cases the text and tags the language."""

    name = "Shouting MT"

    def translate(self, text: str, source: str, target: str) -> str:
        return f"[{target}] {text.upper()}"


def work(cast):  # type: ignore[no-untyped-def]
    return services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "Coast", "<p>sea</p>")],
                                publish=True)


def test_without_a_backend_machine_translation_is_refused_clearly(cast):
    with pytest.raises(ServiceError, match="No machine translation"):
        services.machine_translate(cast.owner, work(cast), "fr")


def test_a_machine_translation_is_labelled_as_such(cast, settings):
    settings.EXCHANGE_TRANSLATION_BACKEND = "tests.exchange.test_extras:ShoutingBackend"
    text = services.machine_translate(cast.teammate, work(cast), "fr")
    assert text.is_machine_translation
    assert text.translator == "Shouting MT"
    assert text.title == "[fr] COAST"
    page = Client().get(f"/exchange/works/{text.work.uuid}/").content.decode()
    assert "Machine translation" in page


def test_contexts_are_bundled_and_nothing_else_is_loaded():
    document = contexts.document_loader("https://www.w3.org/ns/activitystreams")
    assert document["document"]["@context"]["nameMap"]["@container"] == "@language"
    assert contexts.document_loader("https://w3id.org/security/v1")["document"]
    with pytest.raises(contexts.ContextNotBundled):
        contexts.document_loader("https://evil.example/context.jsonld")


def test_the_background_tasks_deliver_and_process(cast):
    from cybercommons.exchange.federation import outbound

    actor = outbound.organisation_actor(cast.organisation)
    delivery = Delivery.objects.create(sender=actor, inbox="ftp://nowhere/inbox",
                                       activity={"type": "Create"})
    assert tasks.deliver_activity.call(delivery_id=delivery.pk) == DeliveryStatus.PENDING
    RemoteActor.objects.create(ap_id="https://r.example/u", domain="r.example",
                               inbox="https://r.example/u/inbox", key_id="https://r.example/u#k",
                               public_key_pem="x")
    item = InboxItem.objects.create(activity_type="Undo", actor_id="https://r.example/u",
                                    body={"type": "Undo", "object": "x"},
                                    signature_scheme="rfc9421")
    assert tasks.process_inbox_item.call(item_id=item.pk) == "ok"
    item.refresh_from_db()
    assert item.processed_at is not None


def test_a_version_page_shows_the_old_text(cast):
    item = work(cast)
    services.save_text(cast.owner, item, TextInput("en", "Shore", "<p>sea</p>"))
    page = Client().get(f"/exchange/works/{item.uuid}/versions/1/").content.decode()
    assert "Coast" in page
    assert Client().get(f"/exchange/works/{item.uuid}/versions/9/").status_code == 404


def test_notices_are_shown_to_their_owner_only(cast):
    item = work(cast)
    services.report_work(cast.outsider, item, reason="child_safety")
    owner = Client()
    owner.force_login(cast.owner)
    assert "held for review" in owner.get("/exchange/notices/").content.decode()
    outsider = Client()
    outsider.force_login(cast.outsider)
    assert "held for review" not in outsider.get("/exchange/notices/").content.decode()


def test_notices_come_in_pages_newest_first_each_once(cast):
    from datetime import timedelta

    from django.utils import timezone

    from cybercommons.exchange.models import Notice
    from cybercommons.exchange.views import PAGE_SIZE

    # Notices are written directly: a page needs more than a test makes happen otherwise;
    # the path that writes one is tested above. Several share a moment, as a busy day does.
    now = timezone.now()
    made = [Notice.objects.create(user=cast.owner, message=f"notice number {n}.",
                                  created_at=now - timedelta(hours=n // 3))
            for n in range(PAGE_SIZE + 4)]
    Notice.objects.create(user=cast.outsider, message="notice for someone else.")
    owner = Client()
    owner.force_login(cast.owner)
    pages = [owner.get("/exchange/notices/", {"page": n}).content.decode() for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert '?page=2"' in pages[0]
    for notice in made:
        shown = [page.count(f"— {notice.message}<") for page in pages]
        assert sorted(shown) == [0, 1], notice.message
    newest = sorted(made, key=lambda n: (n.created_at, n.pk), reverse=True)
    assert all(f"— {n.message}<" in pages[0] for n in newest[:PAGE_SIZE])
    assert "someone else" not in pages[0] + pages[1]
    outsider = Client()
    outsider.force_login(cast.outsider)
    theirs = outsider.get("/exchange/notices/", {"page": 2}).content.decode()
    assert "notice number" not in theirs
    assert 'class="pager"' not in theirs
    # A page number that is no number shows the first page, not an error.
    assert owner.get("/exchange/notices/", {"page": "x"}).content.decode().count(
        "notice number") == PAGE_SIZE


def test_the_versions_of_a_work_come_in_pages_each_once(cast):
    from cybercommons.exchange.views import PAGE_SIZE

    item = work(cast)
    for n in range(PAGE_SIZE + 2):
        services.update_work(cast.owner, item, creator=f"Creator {n}")
    count = item.versions.count()
    assert count > PAGE_SIZE
    pages = [Client().get(f"/exchange/works/{item.uuid}/", {"versions": n}).content.decode()
             for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert '?versions=2"' in pages[0]
    assert 'aria-label="Pages of versions"' in pages[0]
    for number in range(1, count + 1):
        link = f'href="/exchange/works/{item.uuid}/versions/{number}/"'
        assert sorted(page.count(link) for page in pages) == [0, 1], number
    # Newest first: the latest version opens the first page, the original ends the last.
    assert f"/versions/{count}/" in pages[0]
    assert "/versions/1/" in pages[1]
    # Once the work is for its organisation only, outsiders get no page of its versions.
    services.update_work(cast.owner, item, visibility="organisation")
    outsider = Client()
    outsider.force_login(cast.outsider)
    assert outsider.get(f"/exchange/works/{item.uuid}/", {"versions": 2}).status_code == 404
    teammate = Client()
    teammate.force_login(cast.teammate)
    assert teammate.get(f"/exchange/works/{item.uuid}/", {"versions": 2}).status_code == 200
