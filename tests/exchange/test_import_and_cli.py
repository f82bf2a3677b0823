"""Bulk import of works (CSV/JSON with files), the CLI, and the demo sample."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cybercommons.exchange import demo
from cybercommons.exchange.importers.works import ImportFormatError, import_works
from cybercommons.exchange.models import Exhibition, ListedHash, Work, WorkStatus
from tests.exchange.conftest import drawn_image

pytestmark = pytest.mark.django_db

HEADER = ("key,organisation,kind,licence,language,title,description,title_fr,translator_fr,"
          "subjects,country,year_start,publish,file\n")


def write_csv(folder, rows: list[str]):  # type: ignore[no-untyped-def]
    (folder / "pic.png").write_bytes(drawn_image(12))
    path = folder / "works.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_good_records_land_and_bad_ones_are_reported(cast, tmp_path):
    path = write_csv(tmp_path, [
        "w1,museum-of-sound,image,cc-by-4.0,en,Harbour,<p>Boats</p>,Le port,Claire,"
        "boats;sea,KE,1950,yes,pic.png",
        "w2,museum-of-sound,article,nonsense,en,Bad licence,,,,,,,,",
        "w3,nowhere,article,cc0-1.0,en,Unknown org,,,,,,,,",
        "w4,museum-of-sound,article,cc0-1.0,en,Bad year,,,,,,abc,,",
        "w5,museum-of-sound,article,cc0-1.0,en,Missing file,,,,,,,,missing.png",
        ",museum-of-sound,article,cc0-1.0,en,No key,,,,,,,,",
    ])
    report = import_works(cast.owner, path)
    assert report.created == 1
    assert [n for n, _ in report.errors] == [2, 3, 4, 5, 6]
    assert "nonsense" in report.errors[0][1]
    work = Work.objects.get()
    assert work.status == WorkStatus.PUBLISHED
    assert work.texts.get(language="fr").translator == "Claire"
    assert work.subjects == ["boats", "sea"]
    assert work.media.count() == 1


def test_re_import_updates_without_duplicates(cast, tmp_path):
    row = ("w1,museum-of-sound,image,cc-by-4.0,en,Harbour,<p>Boats</p>,Le port,Claire,"
           "boats,KE,1950,yes,pic.png")
    import_works(cast.owner, write_csv(tmp_path, [row]))
    again = import_works(cast.owner, write_csv(tmp_path, [row.replace("Le port",
                                                                      "Le vieux port")]))
    assert again.created == 0
    assert again.updated == 1
    work = Work.objects.get()
    assert work.texts.get(language="fr").title == "Le vieux port"
    assert work.media.count() == 1
    # The history says so in every reader's language: a code, not English text.
    assert "reimported" in set(work.versions.values_list("note_code", flat=True))


def test_json_import_with_texts(cast, tmp_path):
    path = tmp_path / "works.json"
    path.write_text(json.dumps({"works": [
        {"key": "j1", "organisation": "museum-of-sound", "kind": "article",
         "licence": "cc0-1.0", "texts": [{"language": "ar", "title": "الساحل"},
                                         {"language": "en", "title": "Coast"}]},
        "not an object",
    ]}), encoding="utf-8")
    report = import_works(cast.owner, path)
    assert report.created == 1
    assert report.errors[0][0] == 2
    assert Work.objects.get().primary_language == "ar"


def test_a_file_that_is_not_a_works_file_is_refused(cast, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFormatError):
        import_works(cast.owner, path)


def test_an_importer_without_the_editor_role_lands_nothing(cast, tmp_path):
    path = write_csv(tmp_path, ["w1,museum-of-sound,article,cc0-1.0,en,T,,,,,,,,"])
    report = import_works(cast.outsider, path)
    assert report.created == 0
    assert len(report.errors) == 1


def test_the_cli_imports_works_and_prints_json(cast, tmp_path):
    path = write_csv(tmp_path, ["w1,museum-of-sound,article,cc0-1.0,en,T,,,,,,,,"])
    out = io.StringIO()
    call_command("exchange", "import", "works", str(path), "--as", "amina", "--json",
                 stdout=out)
    assert json.loads(out.getvalue())[0]["created"] == 1


def test_the_cli_imports_a_hash_list_only_for_moderators(cast, tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("ab" * 32 + "\nbroken\n")
    out = io.StringIO()
    call_command("exchange", "import", "hashes", str(path), "--as", "moe", "--name", "L",
                 stdout=out)
    assert "1 created" in out.getvalue()
    assert "record 2" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("exchange", "import", "hashes", str(path), "--as", "amina")
    with pytest.raises(CommandError):
        call_command("exchange", "import", "works", str(tmp_path / "none.csv"), "--as", "amina")


@pytest.mark.realdata
def test_the_cli_imports_the_real_hash_list(cast, shared_data):
    path = shared_data / "pdq" / "reg-test-input" / "haystack.txt"
    out = io.StringIO()
    call_command("exchange", "import", "hashes", str(path), "--as", "moe", "--json",
                 stdout=out)
    report = json.loads(out.getvalue())[0]
    expected = {line.strip().lower() for line in path.read_text().splitlines() if line.strip()}
    assert report["created"] == len(expected)
    assert ListedHash.objects.count() == len(expected)


def test_the_demo_loads_twice_without_duplicates(db):
    demo.load()
    demo.load()
    assert Work.objects.count() == len(demo.WORKS)
    assert Exhibition.objects.count() == 1
    assert Work.objects.filter(status=WorkStatus.PUBLISHED).count() == len(demo.WORKS)
    assert {t for w in Work.objects.all() for t in w.texts.values_list("language", flat=True)} \
        == {"ar", "zh-hans", "en", "fr", "ru", "es"}


def test_the_demo_pages_render_in_several_languages(db, client):
    demo.load()
    work = Work.objects.get(external_key="demo:nazca")
    for language in ("en", "ar", "zh-hans"):
        client.cookies["cybercommons_language"] = language
        assert client.get("/exchange/").status_code == 200
        page = client.get(f"/exchange/works/{work.uuid}/")
        assert page.status_code == 200
        assert "نازكا" in page.content.decode()
        assert client.get("/exchange/exhibitions/world-heritage-tour/").status_code == 200
    assert "纳斯卡" in client.get("/exchange/", {"q": "纳斯卡"}).content.decode()
    assert client.get("/ap/actors/exhibition.world-heritage-tour").status_code == 200
