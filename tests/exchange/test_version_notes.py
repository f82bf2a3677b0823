"""Version-history notes are kept as codes with parameters and read in the reader's language;
notes written before the codes stay readable, and English ones are converted."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from cybercommons.exchange import services, version_notes
from cybercommons.exchange.models import WorkVersion
from cybercommons.exchange.services import TextInput

pytestmark = pytest.mark.django_db


def work_with_history(cast):  # type: ignore[no-untyped-def]
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc-by-4.0", texts=[TextInput("en", "Songs")],
                                publish=True)
    services.save_text(cast.teammate, work, TextInput("ar", "أغاني", "", "Nour"))
    services.save_text(cast.teammate, work, TextInput("ar", "الأغاني", "", "Nour"))
    services.update_work(cast.owner, work, period="1920s")
    services.update_work(cast.owner, work, place="Mombasa", note="after the archive visit")
    return work


def test_each_change_is_kept_as_a_code_with_its_parameters(cast):
    work = work_with_history(cast)
    kept = [(v.note_code, v.note_params, v.note) for v in work.versions.order_by("number")]
    assert kept == [
        ("created", {}, ""),
        ("translation_added", {"language": "ar"}, ""),
        ("text_changed", {"language": "ar"}, ""),
        ("updated", {}, ""),
        ("updated", {}, "after the archive visit"),  # the editor's own words are kept
    ]


def test_notes_are_written_in_the_language_of_whoever_reads_them(cast):
    with translation.override("fr"):
        work = work_with_history(cast)  # the changes are made by a French-speaking editor
    english = Client().get(f"/exchange/works/{work.uuid}/",
                           HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "translation added: Arabic" in english
    assert "updated — after the archive visit" in english
    french = Client().get(f"/exchange/works/{work.uuid}/",
                          HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    history = french[french.index("<ol reversed>"):]
    history = history[:history.index("</ol>")]
    assert "Arabe" in history  # the language named in French at display time
    assert "Arabic" not in history
    version = Client().get(f"/exchange/works/{work.uuid}/versions/2/",
                           HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "translation added: Arabic" in version


def test_a_note_without_a_code_is_shown_as_it_was_written(cast):
    work = work_with_history(cast)
    WorkVersion.objects.filter(work=work, number=1).update(note_code="", note="créé")
    html = Client().get(f"/exchange/works/{work.uuid}/").content.decode()
    assert "créé" in html
    assert version_notes.describe("", {}, "") == ""
    assert version_notes.describe("no-such-code", {}, "kept") == "kept"


def test_english_notes_from_before_the_codes_become_codes(cast):
    work = work_with_history(cast)
    rows = {1: "created", 2: "translation added: ar", 3: "text changed: zh-hans",
            4: "re-imported", 5: "créé"}
    for number, note in rows.items():
        WorkVersion.objects.filter(work=work, number=number).update(
            note_code="", note_params={}, note=note)
    migration = importlib.import_module(
        "cybercommons.exchange.migrations.0005_version_note_codes")
    migration.code_english_notes(apps, None)
    kept = {v.number: (v.note_code, v.note_params, v.note) for v in work.versions.all()}
    assert kept == {1: ("created", {}, ""),
                    2: ("translation_added", {"language": "ar"}, ""),
                    3: ("text_changed", {"language": "zh-hans"}, ""),
                    4: ("reimported", {}, ""),
                    5: ("", {}, "créé")}
