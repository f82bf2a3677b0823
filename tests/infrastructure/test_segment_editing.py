"""Adding and deleting segments: staff only, audited, and every cached analysis redone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.infrastructure import analysis, network, services
from cybercommons.infrastructure.audit_actions import InfraAction
from cybercommons.infrastructure.models import Cable, Dataset, Segment

pytestmark = pytest.mark.django_db


def _tonga() -> Cable:
    return Cable.objects.select_related("dataset").get(source_id="sample-tonga-cable")


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_staff_add_a_segment_with_an_audit_entry(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    before = cable.segments.count()
    segment = services.add_segment(cast.staff, cable, end_a="sample-suva", end_b="bu-tonga",
                                   length_km=12.5)
    assert cable.segments.count() == before + 1
    assert (segment.end_a, segment.end_b, segment.length_km) == ("sample-suva", "bu-tonga",
                                                                 12.5)
    # The whole cable now counts as corrected, so re-inference on import keeps it.
    assert not cable.segments.filter(inferred=True).exists()
    entry = AuditEntry.objects.get(action=InfraAction.SEGMENT_ADDED)
    assert entry.actor == cast.staff
    assert entry.data["ends"] == ["sample-suva", "bu-tonga"]


def test_added_segments_get_distinct_keys(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    first = services.add_segment(cast.staff, cable, end_a="a", end_b="b")
    second = services.add_segment(cast.staff, cable, end_a="b", end_b="c")
    assert first.key != second.key


def test_staff_delete_a_segment_with_an_audit_entry(sample: Dataset, cast: Any) -> None:
    segment = _tonga().segments.first()
    assert segment is not None
    key = segment.key
    services.delete_segment(cast.staff, segment)
    assert not Segment.objects.filter(key=key).exists()
    entry = AuditEntry.objects.get(action=InfraAction.SEGMENT_DELETED)
    assert entry.data["key"] == key


def test_an_outsider_may_neither_add_nor_delete_segments(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    segment = cable.segments.first()
    assert segment is not None
    with pytest.raises(PermissionDenied):
        services.add_segment(cast.outsider, cable, end_a="a", end_b="b")
    with pytest.raises(PermissionDenied):
        services.delete_segment(cast.outsider, segment)
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not AuditEntry.objects.filter(action__startswith="infrastructure.segment").exists()


def test_a_segment_needs_two_ends_and_a_sensible_length(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    with pytest.raises(ServiceError, match="Both ends"):
        services.add_segment(cast.staff, cable, end_a=" ", end_b="b")
    with pytest.raises(ServiceError, match="length"):
        services.add_segment(cast.staff, cable, end_a="a", end_b="b", length_km=-3)


def test_adding_and_deleting_invalidate_the_cached_analyses(sample: Dataset,
                                                             cast: Any) -> None:
    analysis.resilience(sample)
    built = network.load(sample)
    revision = Dataset.objects.get(pk=sample.pk).revision
    segment = services.add_segment(cast.staff, _tonga(), end_a="a", end_b="b")
    stored = Dataset.objects.get(pk=sample.pk)
    assert stored.revision == revision + 1
    assert stored.analysis_revision != stored.revision
    assert network.load(stored) is not built
    analysis.resilience(stored)
    services.delete_segment(cast.staff, segment)
    stored = Dataset.objects.get(pk=sample.pk)
    assert stored.revision == revision + 2
    assert stored.analysis_revision == revision + 1


def test_the_cable_page_offers_add_and_delete_to_staff_only(sample: Dataset,
                                                            cast: Any) -> None:
    cable = _tonga()
    page = f"/infrastructure/cables/{cable.pk}/"
    assert "Add a segment" in _client(cast.staff).get(page).content.decode()
    outsider_page = _client(cast.outsider).get(page).content.decode()
    assert "Add a segment" not in outsider_page
    assert "/delete/" not in outsider_page


def test_staff_add_and_delete_segments_through_the_cable_page(sample: Dataset,
                                                              cast: Any) -> None:
    cable = _tonga()
    client = _client(cast.staff)
    response = client.post(f"/infrastructure/cables/{cable.pk}/segments/new/",
                           {"end_a": "sample-suva", "end_b": "bu-9", "length_km": "40"})
    assert response.status_code == 302
    added = cable.segments.get(end_b="bu-9")
    assert "bu-9" in client.get(f"/infrastructure/cables/{cable.pk}/").content.decode()
    response = client.post(f"/infrastructure/cables/{cable.pk}/segments/{added.pk}/delete/")
    assert response.status_code == 302
    assert not cable.segments.filter(pk=added.pk).exists()


def test_the_add_form_reports_a_missing_end(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    response = _client(cast.staff).post(f"/infrastructure/cables/{cable.pk}/segments/new/",
                                        {"end_a": "sample-suva", "end_b": ""})
    assert response.status_code == 400


def test_an_outsider_is_refused_on_the_segment_pages(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    segment = cable.segments.first()
    assert segment is not None
    client = _client(cast.outsider)
    assert client.get(f"/infrastructure/cables/{cable.pk}/segments/new/").status_code == 403
    response = client.post(f"/infrastructure/cables/{cable.pk}/segments/new/",
                           {"end_a": "a", "end_b": "b"})
    assert response.status_code == 403
    response = client.post(f"/infrastructure/cables/{cable.pk}/segments/{segment.pk}/delete/")
    assert response.status_code == 403
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert _client().post(
        f"/infrastructure/cables/{cable.pk}/segments/{segment.pk}/delete/").status_code == 302
    assert Segment.objects.filter(pk=segment.pk).exists()


def _tonga_segment_cut(dataset: Dataset) -> tuple[int | None, tuple[str, ...]]:
    from cybercommons.infrastructure.kernel.resilience import analyse

    found = analyse(network.load(Dataset.objects.get(pk=dataset.pk)).segmented())["TO"]
    return found.min_cable_cut, found.cable_cut


def test_segment_edits_change_the_segment_level_analysis(sample: Dataset, cast: Any) -> None:
    # The Tonga cable is inferred as two segments in series, Suva–j0–j1–j2–Nuku'alofa:
    # one cut segment isolates Tonga.
    assert _tonga_segment_cut(sample)[0] == 1
    cable = _tonga()
    # A second stretch from j0 to j2 runs parallel to both: two cuts are now needed.
    bypass = services.add_segment(cast.staff, cable, end_a="j0", end_b="j2")
    assert _tonga_segment_cut(sample)[0] == 2
    # Without s1 the bypass is Tonga's only way out again, and the one to cut.
    services.delete_segment(cast.staff, cable.segments.get(key="sample-tonga-cable#s1"))
    assert _tonga_segment_cut(sample) == (1, (bypass.key,))


def test_a_segment_may_end_at_a_landing_point_of_its_cable(sample: Dataset, cast: Any) -> None:
    services.add_segment(cast.staff, _tonga(), end_a="sample-suva", end_b="sample-nukualofa")
    assert _tonga_segment_cut(sample)[0] == 2


def test_the_last_segment_of_a_cable_cannot_be_deleted(sample: Dataset, cast: Any) -> None:
    cable = _tonga()
    first, last = list(cable.segments.order_by("key"))
    services.delete_segment(cast.staff, first)
    with pytest.raises(ServiceError, match="at least one segment"):
        services.delete_segment(cast.staff, last)
    assert cable.segments.count() == 1
