"""Importers: bad records reported and skipped, good ones land, re-import is idempotent,
aggregates are kept apart, a failing file leaves nothing behind; the real files import."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.economy import services
from cybercommons.economy.importers.formats import FormatError, parse_column_map
from cybercommons.economy.models import ImportRun, Indicator, Observation

WDI = (
    '"Data Source","World Development Indicators",\n\n'
    '"Last Updated Date","2024-06-28",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",\n'
    '"Kenya","KEN","Individuals using the Internet (% of population)","IT.NET.USER.ZS",'
    '"17.8","22.6e","abc",\n'
    '"World","WLD","Individuals using the Internet (% of population)","IT.NET.USER.ZS",'
    '"54","59","",\n'
    '"France","FRA","Individuals using the Internet (% of population)","IT.NET.USER.ZS",'
    '"83.3","","250",\n'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_it_skips_bad_records_keeps_good_ones_and_reports_each_kind(countries, tmp_path):
    run = services.import_file(None, "wdi-csv", write(tmp_path, "wdi.csv", WDI), system=True)
    assert run.status == ImportRun.Status.DONE
    kenya = dict(Observation.objects.filter(geo="KEN").values_list("year", "value"))
    assert kenya == {2019: 17.8, 2020: 22.6}
    assert Observation.objects.get(geo="KEN", year=2020).note == "footnote e"
    assert run.counts["non_numeric"] == 1
    assert run.counts["footnote_marker"] == 1
    assert run.counts["missing_value"] == 2
    # 250 % is outside the indicator's valid range: reported and skipped.
    assert run.counts["out_of_range"] == 1
    assert not Observation.objects.filter(geo="FRA", year=2021).exists()
    assert any(p["kind"] == "non_numeric" for p in run.problems)


@pytest.mark.django_db
def test_aggregates_are_stored_apart_from_countries(countries, tmp_path):
    services.import_file(None, "wdi-csv", write(tmp_path, "wdi.csv", WDI), system=True)
    world = Observation.objects.get(geo="WLD", year=2019)
    assert world.geo_kind == "aggregate"
    assert world.country is None
    assert Observation.objects.get(geo="KEN", year=2019).country_id == "KE"


@pytest.mark.django_db
def test_a_reimport_updates_in_place_and_never_duplicates(countries, tmp_path):
    path = write(tmp_path, "wdi.csv", WDI)
    first = services.import_file(None, "wdi-csv", path, system=True)
    count = Observation.objects.count()
    path.write_text(WDI.replace('"17.8"', '"18.0"'), encoding="utf-8")
    second = services.import_file(None, "wdi-csv", path, system=True)
    assert Observation.objects.count() == count
    assert first.created == count
    assert second.created == 0
    assert second.updated == second.rows_written == count
    assert Observation.objects.get(geo="KEN", year=2019).value == 18.0


@pytest.mark.django_db
def test_a_file_that_fails_midway_leaves_nothing_behind(countries, tmp_path, monkeypatch):
    from cybercommons.economy.importers import store

    def broken(self, rows):  # the database refuses the second batch
        if self.calls:
            raise ValueError("disk full")
        self.calls += 1
        return original(self, rows)

    original = store.ObservationWriter.flush
    monkeypatch.setattr(store, "BATCH_SIZE", 2)
    monkeypatch.setattr(store.ObservationWriter, "calls", 0, raising=False)
    monkeypatch.setattr(store.ObservationWriter, "flush", broken)
    with pytest.raises(ServiceError, match="disk full"):
        services.import_file(None, "wdi-csv", write(tmp_path, "wdi.csv", WDI), system=True)
    assert not Observation.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


@pytest.mark.django_db
def test_a_mapped_csv_reads_breakdowns_and_names(countries, tmp_path):
    text = ("country,yr,sex,pct\nKenya,2022,female,30\nKenya,2022,male,38\n"
            "Atlantis,2022,male,5\nKenya,20x2,male,1\n")
    column_map = parse_column_map(json.dumps({
        "geo": "country", "geo_scheme": "name", "year": "yr", "value": "pct",
        "indicator": "MY.SKILLS", "unit": "%", "breakdown": {"sex": "sex"}}))
    run = services.import_file(None, "csv", write(tmp_path, "skills.csv", text),
                               column_map=column_map, system=True)
    keys = set(Observation.objects.filter(geo="KEN").values_list("breakdown_key", flat=True))
    assert keys == {"sex=female", "sex=male"}
    assert run.counts["bad_year"] == 1
    assert run.counts["unknown_geo"] == 1
    assert Indicator.objects.get(code="MY.SKILLS").name == "MY.SKILLS"


def test_a_column_map_without_an_indicator_is_refused_with_the_reason():
    with pytest.raises(FormatError, match="indicator"):
        parse_column_map('{"geo": "c", "year": "y", "value": "v"}')
    with pytest.raises(FormatError, match="needs the key 'year'"):
        parse_column_map('{"geo": "c", "value": "v", "indicator": "X"}')


@pytest.mark.django_db
def test_importing_needs_staff_and_is_audited(cast, tmp_path):
    path = write(tmp_path, "wdi.csv", WDI)
    with pytest.raises(PermissionDenied):
        services.import_file(cast.outsider, "wdi-csv", path)
    cast.outsider.is_staff = True
    cast.outsider.save()
    run = services.import_file(cast.outsider, "wdi-csv", path)
    entry = AuditEntry.objects.get(action=services.EconomyAction.FILE_IMPORTED)
    assert entry.object_id == str(run.pk)
    assert entry.actor == cast.outsider


@pytest.mark.django_db
def test_an_unknown_format_or_missing_file_is_a_clear_error(countries, tmp_path):
    with pytest.raises(ServiceError, match="unknown import format"):
        services.import_file(None, "xls", tmp_path / "x.xls", system=True)
    with pytest.raises(ServiceError, match="no such file"):
        services.import_file(None, "wdi-csv", tmp_path / "absent.csv", system=True)


# --- Real data ----------------------------------------------------------------------------

DI = "digital_indicators"


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.django_db
def test_the_real_gapminder_and_sdg_files_import_with_a_report(countries, shared_data):
    gapminder = shared_data / DI / "gapminder_systema_globalis" / "datapoints"
    internet = next(gapminder.glob("ddf--datapoints--internet_users--*.csv"))
    run = services.import_file(None, "ddf", internet, system=True)
    # Every data line of the file has a value: every one lands, none twice.
    lines = len(internet.read_text(encoding="utf-8").splitlines()) - 1
    assert run.rows_written == run.created == lines
    assert run.counts["skipped"] == 0
    assert Observation.objects.filter(indicator__code="IT.NET.USER.ZS", country_id="KE",
                                      year=2019).exists()
    sdg = shared_data / DI / "un_sdg_ict_series"
    own = next(sdg.glob("ddf--datapoints--it_mob_own--*.csv"))
    run = services.import_file(None, "sdg", own, system=True)
    assert run.status == ImportRun.Status.DONE
    # Percentages above 100 are reported and refused, the rest land.
    with own.open(encoding="utf-8") as handle:
        values = [float(row["it_mob_own"]) for row in csv.DictReader(handle)]
    above = sum(1 for v in values if v > 100)
    assert above > 0
    assert run.counts["out_of_range"] == above
    assert run.rows_written == len(values) - above
    assert Observation.objects.filter(indicator__code="IT_MOB_OWN",
                                      breakdown_key="sex=female").exists()
    use = next(sdg.glob("ddf--datapoints--it_use_ii99--*.csv"))
    run = services.import_file(None, "sdg", use, system=True)
    # M49 regions and groups (World = 1) are kept apart from countries.
    assert run.counts["aggregates"] > 500
    assert Observation.objects.filter(indicator__code="IT_USE_II99", geo="M49:1",
                                      geo_kind="aggregate").exists()
    again = services.import_file(None, "sdg", use, system=True)
    assert again.created == 0
    assert again.updated == again.rows_written


@pytest.mark.realdata
@pytest.mark.django_db
def test_the_real_population_and_owid_files_import(countries, shared_data):
    run = services.import_file(
        None, "population", shared_data / DI / "worldbank_population" / "population.csv",
        system=True)
    assert run.counts["aggregates"] > 1000
    assert Observation.objects.filter(indicator__code="SP.POP.TOTL", geo="WLD").exists()
    price = shared_data / DI / "owid" / "price_of_mobile_data_alliance_for_affordable_internet_2019"
    run = services.import_file(None, "owid", price / "data.csv", system=True)
    assert run.file_name.endswith("/data.csv")
    assert run.rows_written == 45
    assert Indicator.objects.get(code="A4AI.1GB.GNI").higher_is_better is False


@pytest.mark.django_db
def test_a_world_bank_api_page_imports_with_aggregates_apart(countries, tmp_path):
    def point(iso: str, api_id: str, date: str, value: object) -> dict[str, object]:
        return {"indicator": {"id": "IT.NET.USER.ZS",
                              "value": "Individuals using the Internet (% of population)"},
                "country": {"id": api_id, "value": iso}, "countryiso3code": iso,
                "date": date, "value": value, "unit": "", "obs_status": ""}

    page = [{"page": 1, "pages": 1, "total": 5},
            [point("KEN", "KE", "2021", 29.5), point("", "1W", "2021", 63.1),
             point("KEN", "KE", "2022", None), point("KEN", "KE", "later", 1),
             point("FRA", "FR", "2021", "84.8")]]
    path = write(tmp_path, "api.json", json.dumps(page))
    run = services.import_file(None, "wdi-json", path, system=True)
    assert dict(Observation.objects.filter(geo_kind="country").values_list("geo", "value")) \
        == {"KEN": 29.5, "FRA": 84.8}
    assert Observation.objects.get(geo="1W").geo_kind == "aggregate"
    assert (run.counts["missing_value"], run.counts["bad_year"]) == (1, 1)
    broken = services.import_file(None, "wdi-json", write(tmp_path, "bad.json", "{oops"),
                                  system=True)
    assert broken.rows_written == 0
    assert broken.problems[0]["kind"] == "malformed_row"


POPULATION = (
    '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'
    '"Kenya","KEN","Population, total","SP.POP.TOTL","53000000","54000000",\n'
    '"Fiji","FJI","Population, total","SP.POP.TOTL","924000","",\n'
    '"World","WLD","Population, total","SP.POP.TOTL","7900000000","8000000000",\n'
)


@pytest.mark.django_db(transaction=True)
def test_a_population_import_announces_each_countrys_latest_figure(countries, tmp_path):
    from cybercommons.core import events

    received: list[dict] = []

    def listen(name: str, payload: dict) -> None:
        received.append(payload)

    events.subscribe(services.POPULATION_EVENT, listen)
    try:
        services.import_file(None, "wdi-csv", write(tmp_path, "pop.csv", POPULATION),
                             system=True)
    finally:
        events.unsubscribe(services.POPULATION_EVENT, listen)
    assert sorted(received, key=lambda p: p["country"]) == [
        {"country": "FJ", "year": 2021, "value": 924000.0},
        {"country": "KE", "year": 2022, "value": 54000000.0},
    ]


# An ITU DataHub export in its published 15-column layout (the "Download CSV" of
# datahub.itu.int, api.datahub.itu.int/v3/data/download); figures made up.
ITU = (
    "SeriesID,SeriesCode,Series,Unit,Database,Year,AreaName,AreaCode,DisaggregationGroup,"
    "Disaggregation1,Disaggregation2,Value,Notes,Source,LastModifiedOn\n"
    "11624,i99H,Individuals using the Internet,%,ITU Household,2023,Kenya,KEN,,,,"
    "43.5e,ITU estimate.,KNBS,2024-06-01\n"
    "11624,i99H,Individuals using the Internet,%,ITU Household,2023,Kenya,KEN,Sex,Female,,"
    "39.2,,KNBS,2024-06-01\n"
    "11624,i99H,Individuals using the Internet,%,ITU Household,2023,Africa,,,,,"
    "37.5,,,2024-06-01\n"
    "11624,i99H,Individuals using the Internet,%,ITU Household,2023,France,FRA,,,,"
    "n/a,,,2024-06-01\n"
)


@pytest.mark.django_db
def test_an_itu_datahub_export_imports_with_regions_apart_and_reimports_in_place(
        countries, tmp_path):
    path = write(tmp_path, "itu.csv", ITU)
    run = services.import_file(None, "itu", path, system=True)
    assert run.status == ImportRun.Status.DONE
    total = Observation.objects.get(geo="KEN", year=2023, indicator__code="i99H",
                                    breakdown={})
    assert total.value == 43.5
    assert total.note == "ITU estimate.; footnote e"
    female = Observation.objects.get(geo="KEN", year=2023, breakdown={"sex": "female"})
    assert female.value == 39.2
    africa = Observation.objects.get(geo="Africa")
    assert africa.geo_kind == "aggregate"
    assert africa.country is None
    assert run.counts["missing_value"] == 1
    assert run.counts["footnote_marker"] == 1
    count = Observation.objects.count()
    again = services.import_file(None, "itu", path, system=True)
    assert Observation.objects.count() == count == 3
    assert again.created == 0
