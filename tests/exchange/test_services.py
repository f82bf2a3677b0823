"""Works, translations, versions and media through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.exchange import policy, queries, services
from cybercommons.exchange.models import Work, WorkStatus
from cybercommons.exchange.services import TextInput
from tests.exchange.conftest import drawn_image

pytestmark = pytest.mark.django_db


def make_work(cast, **extra):  # type: ignore[no-untyped-def]
    fields = {"kind": "article", "licence": "cc-by-4.0", "creator": "Wanjiru",
              "texts": [TextInput("en", "Songs of the coast", "<p>Taarab music</p>")]}
    fields.update(extra)
    return services.create_work(cast.owner, cast.organisation, **fields)


def test_it_creates_a_draft_with_a_version_and_an_audit_entry(cast):
    work = make_work(cast)
    assert work.status == WorkStatus.DRAFT
    assert work.versions.count() == 1
    assert AuditEntry.objects.filter(action="exchange.work.created",
                                     object_id=str(work.pk)).exists()


def test_it_sanitises_descriptions(cast):
    work = make_work(cast, texts=[TextInput(
        "en", "T", '<p onclick="x()">Hi<script>alert(1)</script></p><a href="javascript:x">l</a>')])
    description = work.texts.get().description
    assert "script" not in description
    assert "onclick" not in description
    assert "javascript" not in description
    assert "Hi" in description


def test_it_refuses_an_unknown_licence_naming_it(cast):
    with pytest.raises(ServiceError, match="cc-xyz"):
        make_work(cast, licence="cc-xyz")


def test_an_outsider_cannot_create_a_work(cast):
    with pytest.raises(PermissionDenied):
        services.create_work(cast.outsider, cast.organisation, kind="article",
                             licence="cc0-1.0", texts=[TextInput("en", "x")])


def test_a_translation_links_to_the_original_and_keeps_a_version(cast):
    work = make_work(cast)
    text = services.save_text(cast.teammate, work, TextInput("fr", "Chants de la côte", "",
                                                             "Claire"))
    assert text.translated_from == work.texts.get(language="en")
    assert not text.is_primary
    assert text.translator == "Claire"
    work.refresh_from_db()
    assert work.version == 2
    assert work.versions.count() == 2


def test_drafts_are_invisible_to_outsiders_and_visible_to_members(cast):
    work = make_work(cast)
    assert not policy.works(cast.outsider).filter(pk=work.pk).exists()
    assert policy.works(cast.teammate).filter(pk=work.pk).exists()
    assert policy.works(cast.moderator).filter(pk=work.pk).exists()
    services.publish_work(cast.owner, work)
    assert policy.works(cast.outsider).filter(pk=work.pk).exists()


def test_an_update_keeps_the_previous_version(cast):
    work = make_work(cast)
    services.update_work(cast.owner, work, period="1890s", year_start=1890)
    versions = list(work.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["period"] == ""
    assert versions[1].snapshot["period"] == "1890s"


def test_an_image_upload_gets_a_thumbnail_and_a_pdq_hash(cast):
    work = make_work(cast, kind="image")
    item = services.add_media(cast.owner, work, data=drawn_image(3), filename="a.png",
                              declared_type="image/png")
    assert item.content_type == "image/png"
    assert item.thumbnail
    assert len(item.pdq_hash) == 64
    assert item.pdq_quality is not None


def test_a_mislabelled_upload_is_refused(cast):
    work = make_work(cast, kind="image")
    with pytest.raises(ServiceError, match="image/jpeg"):
        services.add_media(cast.owner, work, data=drawn_image(3), filename="a.jpg",
                           declared_type="image/jpeg")


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(cast):
    work = make_work(cast, kind="image")
    with pytest.raises(ServiceError, match="decoded"):
        services.add_media(cast.owner, work, data=b"GIF89a not really", filename="a.gif")


def test_an_oversized_upload_is_refused(cast, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1000
    work = make_work(cast, kind="image")
    with pytest.raises(ServiceError, match="limit"):
        services.add_media(cast.owner, work, data=drawn_image(3), filename="a.png")


def test_a_pdf_is_recognised_by_its_magic_number(cast):
    work = make_work(cast, kind="document")
    item = services.add_media(cast.owner, work, data=b"%PDF-1.4\n%...\n", filename="x.bin")
    assert item.content_type == "application/pdf"


def test_search_finds_a_work_through_its_translation(cast):
    work = make_work(cast, publish=True)
    services.save_text(cast.owner, work, TextInput("zh-hans", "海岸之歌", "塔拉布音乐"))
    services.save_text(cast.owner, work, TextInput("ar", "أغاني الساحل", "موسيقى الطرب"))
    for query in ("海岸", "الساحل", "songs coast"):
        found = queries.search(cast.outsider, queries.Filters(q=query))
        assert list(found.works) == [work], query
    assert list(queries.search(cast.outsider, queries.Filters(q="opera")).works) == []


def test_search_facets_count_languages_and_licences(cast):
    make_work(cast, publish=True)
    make_work(cast, publish=True, licence="cc0-1.0",
              texts=[TextInput("fr", "Chants", ""), TextInput("en", "Songs", "")])
    found = queries.search(cast.outsider, queries.Filters())
    languages = {f.value: f.count for f in found.facets["language"]}
    assert languages == {"en": 2, "fr": 1}
    assert {f.value: f.count for f in found.facets["licence"]} == {"cc-by-4.0": 1,
                                                                   "cc0-1.0": 1}


def test_search_never_shows_drafts_to_outsiders(cast):
    make_work(cast)
    found = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert found.works.count() == 0
    assert found.facets["language"] == []
    assert queries.search(cast.teammate, queries.Filters(q="songs")).works.count() == 1


def test_deleting_a_work_removes_it(cast):
    work = make_work(cast)
    services.delete_work(cast.owner, work)
    assert not Work.objects.filter(pk=work.pk).exists()


def test_the_century_facet_agrees_with_the_calendar(cast):
    """1-100 is the 1st century, 2000 the 20th, 2001 the 21st; -1 to -100 the 1st BCE."""
    from cybercommons.exchange.models import century_of

    years = [1, 100, 101, 1900, 2000, 2001, -1, -100, -101, -450]
    for year in years:
        make_work(cast, publish=True, year_start=year)
    make_work(cast, publish=True)  # no year: no century
    found = queries.search(cast.outsider, queries.Filters())
    counted = {int(f.value): f.count for f in found.facets["century"]}
    expected: dict[int, int] = {}
    for year in years:
        expected[century_of(year)] = expected.get(century_of(year), 0) + 1
    assert counted == expected
    assert counted[1] == 2
    assert counted[21] == 1
    assert counted[-1] == 2
    assert counted[-2] == 1
    assert queries.search(cast.outsider, queries.Filters(century=-1)).works.count() == 2
    assert queries.search(cast.outsider, queries.Filters(century=20)).works.count() == 1


def test_a_search_over_the_cap_says_more_than_and_samples_its_facets(cast, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    monkeypatch.setattr(queries, "FACET_SAMPLE", 2)
    for _ in range(3):
        make_work(cast, publish=True)
    found = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert found.total == 2
    assert not found.total_is_exact
    assert found.facets_sampled
    assert sum(f.count for f in found.facets["kind"]) == 2
