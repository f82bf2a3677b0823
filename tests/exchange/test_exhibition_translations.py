"""Exhibitions in several languages: translations of title, introduction and narrative, each
credited to its translator; the page in the reader's language with fallback; nameMap and
summaryMap in the ActivityPub actor."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.exchange import services
from cybercommons.exchange.services import ExchangeAction, TextInput

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def coast(cast):  # type: ignore[no-untyped-def]
    work = services.create_work(
        cast.owner, cast.organisation, kind="article", licence="cc-by-4.0",
        texts=[TextInput("en", "Songs of the coast"),
               TextInput("fr", "Chants de la côte", "", "Claire")], publish=True)
    return services.save_exhibition(
        cast.owner, cast.organisation, slug="coast", title={"en": "The coast"},
        introduction={"en": "<p>Welcome to the coast.</p>"}, primary_language="en",
        items=[{"work": str(work.uuid), "narrative": {"en": "<p>Start here.</p>"}},
               {"narrative": {"en": "<p>The end.</p>"}}], publish=True)


def test_a_member_adds_a_french_translation_credited_to_its_translator(cast):
    exhibition = coast(cast)
    services.save_exhibition_translation(
        cast.teammate, exhibition, language="fr", title="La côte",
        introduction="<p>Bienvenue.</p><script>x()</script>",
        narratives={1: "<p>Commencez ici.</p>"}, translator="Claire")
    exhibition.refresh_from_db()
    assert exhibition.title == {"en": "The coast", "fr": "La côte"}
    assert exhibition.introduction["fr"] == "<p>Bienvenue.</p>"  # script sanitised away
    assert exhibition.translators == {"fr": "Claire"}
    first, last = exhibition.items.order_by("position")
    assert first.narrative == {"en": "<p>Start here.</p>", "fr": "<p>Commencez ici.</p>"}
    assert last.narrative == {"en": "<p>The end.</p>"}  # untranslated, the original stays
    entry = AuditEntry.objects.filter(action=ExchangeAction.EXHIBITION_TRANSLATED).get()
    assert entry.data["language"] == "fr"


def test_a_translation_needs_a_title_a_translator_and_existing_items(cast):
    exhibition = coast(cast)
    with pytest.raises(ServiceError) as missing_title:
        services.save_exhibition_translation(cast.owner, exhibition, language="fr", title=" ",
                                             translator="Claire")
    assert missing_title.value.field == "title"
    with pytest.raises(ServiceError) as missing_translator:
        services.save_exhibition_translation(cast.owner, exhibition, language="fr",
                                             title="La côte")
    assert missing_translator.value.field == "translator"
    with pytest.raises(ServiceError) as no_item:
        services.save_exhibition_translation(cast.owner, exhibition, language="fr",
                                             title="La côte", translator="Claire",
                                             narratives={9: "<p>?</p>"})
    assert no_item.value.field == "narratives"
    with pytest.raises(ServiceError):
        services.save_exhibition_translation(cast.owner, exhibition, language="xx",
                                             title="?", translator="Claire")
    exhibition.refresh_from_db()
    assert set(exhibition.title) == {"en"}


def test_an_outsider_cannot_translate_an_exhibition(cast):
    exhibition = coast(cast)
    with pytest.raises(PermissionDenied):
        services.save_exhibition_translation(cast.outsider, exhibition, language="fr",
                                             title="Volé", translator="Mallory")
    client = login(cast.outsider)
    assert client.get("/exchange/exhibitions/coast/translate/").status_code == 403
    answer = client.post("/exchange/exhibitions/coast/translate/", {
        "language": "fr", "title": "Volé", "translator": "Mallory"})
    assert answer.status_code == 403
    exhibition.refresh_from_db()
    assert "fr" not in exhibition.title
    assert "Translate this exhibition" not in client.get(
        "/exchange/exhibitions/coast/").content.decode()


def test_the_translation_form_saves_every_text_and_shows_the_original(cast):
    coast(cast)
    client = login(cast.teammate)
    form = client.get("/exchange/exhibitions/coast/translate/")
    assert form.status_code == 200
    assert "Start here." in form.content.decode()  # the original beside its field
    answer = client.post("/exchange/exhibitions/coast/translate/", {
        "language": "ar", "title": "الساحل", "introduction": "<p>مرحبا</p>",
        "translator": "Nour", "narrative_1": "<p>ابدأ هنا</p>", "narrative_2": ""})
    assert answer.status_code == 302
    assert answer["Location"] == "/exchange/exhibitions/coast/?lang=ar"
    again = client.get("/exchange/exhibitions/coast/translate/?lang=ar").content.decode()
    assert "ابدأ هنا" in again  # editing starts from the saved translation
    bad = client.post("/exchange/exhibitions/coast/translate/", {"language": "ar", "title": ""})
    assert bad.status_code == 400


def test_the_page_follows_the_readers_language_and_falls_back_per_text(cast, client):
    exhibition = coast(cast)
    services.save_exhibition_translation(
        cast.owner, exhibition, language="fr", title="La côte",
        narratives={1: "<p>Commencez ici.</p>"}, translator="Claire")
    french = client.get("/exchange/exhibitions/coast/", HTTP_ACCEPT_LANGUAGE="fr")
    html = french.content.decode()
    assert "La côte" in html
    assert "Commencez ici." in html
    assert "Claire" in html  # the translator is credited
    assert "Chants de la côte" in html  # the work's own French text
    # No French introduction or closing narrative yet: the English originals show, marked.
    assert '<div class="introduction" lang="en"><p>Welcome to the coast.</p>' in html
    assert '<div class="narrative" lang="en"><p>The end.</p>' in html
    assert 'href="?lang=en"' in html  # a link to the other language
    english = client.get("/exchange/exhibitions/coast/?lang=en").content.decode()
    assert "The coast" in english
    assert "Start here." in english
    assert "Commencez ici." not in english
    # A language the exhibition lacks shows the original.
    spanish = client.get("/exchange/exhibitions/coast/?lang=es").content.decode()
    assert "The coast" in spanish


def test_the_exhibition_actor_carries_every_language_in_name_and_summary_maps(cast, client):
    exhibition = coast(cast)
    services.save_exhibition_translation(
        cast.owner, exhibition, language="fr", title="La côte",
        introduction="<p>Bienvenue.</p>", translator="Claire")
    answer = client.get("/ap/actors/exhibition.coast",
                        HTTP_ACCEPT="application/activity+json")
    document = json.loads(answer.content)
    assert document["name"] == "The coast"  # primary language for servers without maps
    assert document["nameMap"] == {"en": "The coast", "fr": "La côte"}
    assert document["summaryMap"] == {"en": "<p>Welcome to the coast.</p>",
                                      "fr": "<p>Bienvenue.</p>"}


def test_replacing_an_exhibition_keeps_credits_only_for_languages_it_still_has(cast):
    exhibition = coast(cast)
    services.save_exhibition_translation(cast.owner, exhibition, language="fr",
                                         title="La côte", translator="Claire")
    services.save_exhibition(cast.owner, cast.organisation, slug="coast",
                             title={"en": "The coast", "fr": "La côte"})
    exhibition.refresh_from_db()
    assert exhibition.translators == {"fr": "Claire"}
    services.save_exhibition(cast.owner, cast.organisation, slug="coast",
                             title={"en": "The coast"})
    exhibition.refresh_from_db()
    assert exhibition.translators == {}


def test_a_machine_translation_from_the_form_is_labelled_on_the_page(cast):
    coast(cast)
    client = login(cast.teammate)
    answer = client.post("/exchange/exhibitions/coast/translate/", {
        "language": "es", "title": "La costa", "translator": "Argos",
        "is_machine_translation": "on", "narrative_1": "<p>Empiece aquí.</p>"})
    assert answer.status_code == 302
    page = Client().get("/exchange/exhibitions/coast/?lang=es").content.decode()
    assert "Machine translation" in page
    assert "Argos" in page
    assert "Translated by Argos" not in page
    form = client.get("/exchange/exhibitions/coast/translate/?lang=es").content.decode()
    assert 'name="is_machine_translation" id="id_is_machine_translation" checked' in form


def test_a_replacement_that_keeps_an_original_narrative_keeps_its_translation(cast):
    exhibition = coast(cast)
    services.save_exhibition_translation(cast.teammate, exhibition, language="fr",
                                         title="La côte", translator="Claire",
                                         narratives={1: "<p>Commencez ici.</p>"})
    work_uuid = str(exhibition.items.get(position=1).work.uuid)
    services.save_exhibition(
        cast.owner, cast.organisation, slug="coast", title={"en": "The coast", "fr": "La côte"},
        items=[{"narrative": {"en": "<p>A new opening.</p>"}},
               {"work": work_uuid, "narrative": {"en": "<p>Start here.</p>"}}])
    first, second = exhibition.items.order_by("position")
    assert first.narrative == {"en": "<p>A new opening.</p>"}
    assert second.narrative == {"en": "<p>Start here.</p>", "fr": "<p>Commencez ici.</p>"}
    assert second.outdated_translations == []
