"""The demo sample (twice, no duplicates), the ``economy`` command, and the import task."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cybercommons.core.models import Country, Progress
from cybercommons.core.tasks import start_tracked
from cybercommons.economy import demo, queries
from cybercommons.economy.models import (
    ExpressionOfInterest,
    Funder,
    IndexDefinition,
    Observation,
    Project,
)
from cybercommons.economy.tasks import import_uploaded_file


@pytest.mark.django_db
def test_the_demo_loads_twice_without_duplicates_and_computes_the_idi(db):
    out = io.StringIO()
    demo.load(stdout=out)
    counts = (Observation.objects.count(), Project.objects.count(), Funder.objects.count(),
              ExpressionOfInterest.objects.count())
    demo.load()
    assert (Observation.objects.count(), Project.objects.count(), Funder.objects.count(),
            ExpressionOfInterest.objects.count()) == counts
    assert counts[1:] == (2, 2, 1)
    assert "2 projects" in out.getvalue()
    table = queries.ranking(None, IndexDefinition.objects.get(code="itu-idi-2023"))
    assert table.year == 2023
    assert len(table.rows) == len(demo.IDI_2023_VALUES)


@pytest.mark.django_db
def test_the_demo_never_overwrites_imported_values(countries, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("iso,year,v\nKEN,2019,23.5\n", encoding="utf-8")
    call_command("economy", "import", "csv", str(path), "--map",
                 '{"geo": "iso", "year": "year", "value": "v", "indicator": "IT.NET.USER.ZS"}',
                 stdout=io.StringIO())
    demo.load()
    assert Observation.objects.get(geo="KEN", year=2019,
                                   indicator__code="IT.NET.USER.ZS").value == 23.5


@pytest.mark.django_db
def test_the_command_imports_files_with_a_per_file_report(countries, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("iso,year,v\nKEN,2020,40\nKEN,2021,oops\nWLD,2020,60\n", encoding="utf-8")
    out = io.StringIO()
    call_command("economy", "import", "csv", str(good), "--json", "--map",
                 '{"geo": "iso", "year": "year", "value": "v", "indicator": "X.USE"}',
                 stdout=out)
    report = json.loads(out.getvalue())[0]
    assert (report["file"], report["written"], report["aggregates"],
            report["non_numeric"]) == ("good.csv", 2, 1, 1)
    table = io.StringIO()
    call_command("economy", "import", "csv", str(good), "--map",
                 '{"geo": "iso", "year": "year", "value": "v", "indicator": "X.USE"}',
                 stdout=table)
    assert table.getvalue().splitlines()[1].startswith("good.csv | 2 | 0 | 2 |")


@pytest.mark.django_db
def test_the_command_refuses_bad_input_clearly(countries, tmp_path):
    with pytest.raises(CommandError, match="needs --map"):
        call_command("economy", "import", "csv", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("economy", "import", "csv", str(tmp_path / "x.csv"), "--map", "{oops")
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("economy", "import", "wdi-csv", str(tmp_path / "absent.csv"),
                     stdout=io.StringIO(), stderr=err)
    assert "no such file" in err.getvalue()


@pytest.mark.django_db
def test_the_command_prints_a_ranking(small_store):
    out = io.StringIO()
    call_command("economy", "rank", "open-connectivity", "--year", "2020", "--json",
                 stdout=out)
    ranking = json.loads(out.getvalue())
    assert [r["country"] for r in ranking["rows"]] == ["FR", "NP", "KE"]


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_is_imported_by_the_worker_with_progress(countries, cast,
                                                                  tmp_path: Path):
    path = tmp_path / "upload.csv"
    path.write_text("iso,year,v\nKEN,2020,40\nFRA,2020,x\n", encoding="utf-8")
    cast.owner.is_staff = True
    cast.owner.save()
    progress = start_tracked(import_uploaded_file, "Import", owner=cast.owner, kind="csv",
                             path=str(path), name="upload.csv", user_id=cast.owner.pk,
                             column_map='{"geo": "iso", "year": "year", "value": "v", '
                                        '"indicator": "X.Y"}')
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    progress.refresh_from_db()
    assert progress.status == Progress.Status.DONE
    assert progress.result["written"] == 1
    assert progress.result["non_numeric"] == 1
    assert not path.exists()


@pytest.mark.django_db
def test_the_command_explains_progress_and_matches(db):
    demo.load()
    out = io.StringIO()
    call_command("economy", "explain", "KE", "--json", stdout=out)
    explained = json.loads(out.getvalue())
    assert explained["year"] == 2023
    assert explained["score"] == pytest.approx(
        queries.explain_country(Country.objects.get(code="KE"))[1].score)  # type: ignore[union-attr]
    out = io.StringIO()
    call_command("economy", "progress", "KEN", "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["indicator"] == "IT.NET.USER.ZS"
    kenya = Project.objects.get(country_id="KE")
    out = io.StringIO()
    call_command("economy", "matches", str(kenya.pk), "--json", stdout=out)
    ranked = json.loads(out.getvalue())
    assert ranked[0]["name"] == "Digital infrastructure facility"
    assert ranked[0]["reasons"]
    assert ranked[0]["reason_messages"][0]["code"].startswith("match.")
    private = Project.objects.get(country_id="FJ")
    with pytest.raises(CommandError, match="no public project"):
        call_command("economy", "matches", str(private.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no country"):
        call_command("economy", "explain", "QQ", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_imports_an_itu_datahub_export(countries, tmp_path):
    path = tmp_path / "itu.csv"
    path.write_text(
        "SeriesID,SeriesCode,Series,Unit,Database,Year,AreaName,AreaCode,"
        "DisaggregationGroup,Disaggregation1,Disaggregation2,Value,Notes,Source,"
        "LastModifiedOn\n"
        "11624,i99H,Individuals using the Internet,%,ITU,2023,Kenya,KEN,,,,40,,,2024-06-01\n"
        "11624,i99H,Individuals using the Internet,%,ITU,2023,World,,,,,67,,,2024-06-01\n",
        encoding="utf-8")
    out = io.StringIO()
    call_command("economy", "import", "itu", str(path), "--json", stdout=out)
    report = json.loads(out.getvalue())[0]
    assert (report["written"], report["countries"], report["aggregates"]) == (2, 1, 1)


@pytest.mark.django_db
def test_the_progress_command_takes_a_trend_window(countries, tmp_path):
    path = tmp_path / "use.csv"
    rows = "".join(f"KEN,{year},{10 if year <= 2010 else 10 + 3 * (year - 2010)}\n"
                   for year in range(2000, 2021))
    path.write_text("iso,year,v\n" + rows, encoding="utf-8")
    call_command("economy", "import", "csv", str(path), "--map",
                 '{"geo": "iso", "year": "year", "value": "v", "indicator": "IT.NET.USER.ZS"}',
                 stdout=io.StringIO())
    paces = {}
    for window in ("10", "all"):
        out = io.StringIO()
        call_command("economy", "progress", "KEN", "--json", "--window", window, stdout=out)
        paces[window] = json.loads(out.getvalue())[0]["slope_per_year"]
    assert paces["10"] == pytest.approx(3.0)
    assert paces["all"] < 3.0
    with pytest.raises(CommandError, match="trend window"):
        call_command("economy", "progress", "KEN", "--window", "1", stdout=io.StringIO())
