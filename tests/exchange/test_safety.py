"""Child safety: hash lists, holding matched images, the moderation queue, decisions and
appeals, and the absence of any public match oracle."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import Conflict
from cybercommons.core.models import AuditEntry
from cybercommons.exchange import policy, services
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.models import (
    CaseSource,
    CaseStatus,
    ListedHash,
    Notice,
    WorkStatus,
)
from cybercommons.exchange.services import TextInput
from tests.exchange.conftest import drawn_image

pytestmark = pytest.mark.django_db


def image_work(cast, publish=False):  # type: ignore[no-untyped-def]
    return services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc-by-4.0", texts=[TextInput("en", "Harbour")],
                                publish=publish)


def flip_bits(hex_hash: str, count: int) -> str:
    value = int(hex_hash, 16)
    for bit in range(count):
        value ^= 1 << (bit * 7)
    return f"{value:064x}"


def listed(cast, *hashes: str) -> None:  # type: ignore[no-untyped-def]
    services.import_hash_list(cast.moderator, name="test list", lines=list(hashes))


def test_a_hash_list_import_reports_and_skips_malformed_lines(cast):
    good = "ab" * 32
    report = services.import_hash_list(
        cast.moderator, name="list", lines=[good, "not-a-hash", "cd" * 31, "ef" * 32])
    assert report.created == 2
    assert [(error.line, error.code) for error in report.errors] == [
        (2, "not_a_hash"), (3, "not_a_hash")]
    again = services.import_hash_list(cast.moderator, name="list", lines=[good])
    assert again.created == 0
    assert again.updated == 1
    assert ListedHash.objects.count() == 2


def test_only_moderators_import_and_see_lists(cast):
    with pytest.raises(PermissionDenied):
        services.import_hash_list(cast.owner, name="x", lines=["ab" * 32])
    listed(cast, "ab" * 32)
    assert policy.hash_lists(cast.owner).count() == 0
    assert policy.hash_lists(cast.moderator).count() == 1


def test_an_image_within_the_threshold_holds_the_work_and_opens_a_case(cast):
    image = drawn_image(7)
    close = flip_bits(pdq.hash_image(image).hex, 20)
    listed(cast, close)
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    work.refresh_from_db()
    assert work.status == WorkStatus.HELD
    case = work.cases.get()
    assert case.source == CaseSource.HASH_MATCH
    assert case.status == CaseStatus.OPEN
    assert case.match_details["matches"][0]["distance"] <= 31
    services.publish_work(cast.owner, work)
    work.refresh_from_db()
    assert work.status == WorkStatus.HELD
    assert not policy.works(cast.outsider).filter(pk=work.pk).exists()
    assert Notice.objects.filter(user=cast.owner, message__contains="held for review").exists()


def test_an_image_beyond_the_threshold_is_not_held(cast):
    image = drawn_image(7)
    listed(cast, flip_bits(pdq.hash_image(image).hex, 36))
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    work.refresh_from_db()
    assert work.status == WorkStatus.DRAFT


def test_the_threshold_is_configurable(cast, settings):
    settings.EXCHANGE_PDQ_THRESHOLD = 10
    image = drawn_image(7)
    listed(cast, flip_bits(pdq.hash_image(image).hex, 20))
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    work.refresh_from_db()
    assert work.status == WorkStatus.DRAFT


def test_a_rotated_copy_of_a_listed_image_is_held(cast):
    import io

    from PIL import Image

    image = drawn_image(9)
    listed(cast, pdq.hash_image(image).hex)
    turned = io.BytesIO()
    Image.open(io.BytesIO(image)).transpose(Image.Transpose.ROTATE_90).save(turned, "PNG")
    work = image_work(cast)
    services.add_media(cast.owner, work, data=turned.getvalue(), filename="x.png")
    work.refresh_from_db()
    assert work.status == WorkStatus.HELD


def test_a_published_work_is_held_when_a_later_list_matches_it(cast):
    image = drawn_image(11)
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    services.publish_work(cast.owner, work)
    report = services.import_hash_list(cast.moderator, name="new",
                                       lines=[pdq.hash_image(image).hex])
    work.refresh_from_db()
    assert report.held == 1
    assert work.status == WorkStatus.HELD


def test_a_decision_restores_or_removes_and_is_audited_with_its_reason(cast):
    image = drawn_image(7)
    listed(cast, pdq.hash_image(image).hex)
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    services.publish_work(cast.owner, work)
    case = work.cases.get()
    services.record_case_view(cast.moderator, case)
    services.decide(cast.moderator, case, outcome="remove", reason="Matches a listed image")
    work.refresh_from_db()
    assert work.status == WorkStatus.REMOVED
    entry = AuditEntry.objects.get(action="exchange.case.decided")
    assert entry.data["reason"] == "Matches a listed image"
    assert entry.actor == cast.moderator
    assert AuditEntry.objects.filter(action="exchange.case.viewed").count() == 1
    assert Notice.objects.filter(user=cast.owner, message__contains="Matches a listed").exists()
    with pytest.raises(Conflict):
        services.publish_work(cast.owner, work)


def test_an_appeal_reopens_the_case_and_a_second_decision_closes_it(cast):
    work = image_work(cast, publish=True)
    services.report_work(cast.outsider, work, reason="spam", comment="ads")
    case = work.cases.get()
    services.decide(cast.moderator, case, outcome="remove", reason="Advertising")
    services.appeal(cast.owner, case, statement="It is a museum poster")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPEALED
    services.decide(cast.moderator, case, outcome="restore", reason="Poster is fine")
    case.refresh_from_db()
    work.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert work.status == WorkStatus.PUBLISHED
    with pytest.raises(Conflict):
        services.appeal(cast.owner, case, statement="again")


def test_outsiders_cannot_decide_or_appeal(cast):
    work = image_work(cast, publish=True)
    services.report_work(cast.outsider, work, reason="spam")
    case = work.cases.get()
    with pytest.raises(PermissionDenied):
        services.decide(cast.outsider, case, outcome="remove", reason="x")
    with pytest.raises(PermissionDenied):
        services.appeal(cast.outsider, case, statement="x")


def test_a_child_safety_report_holds_the_work_at_once(cast):
    work = image_work(cast, publish=True)
    services.report_work(cast.outsider, work, reason="child_safety")
    work.refresh_from_db()
    assert work.status == WorkStatus.HELD


def test_the_case_is_invisible_to_the_uploader(cast):
    image = drawn_image(7)
    listed(cast, pdq.hash_image(image).hex)
    work = image_work(cast)
    services.add_media(cast.owner, work, data=image, filename="x.png")
    assert policy.cases(cast.owner).count() == 0


@pytest.mark.realdata
def test_a_photo_matching_a_listed_edit_of_it_is_held(cast, shared_data):
    """Lists carry hashes from other tools: a list with the reference hash of a blurred
    copy catches the original photo."""
    import csv

    with (shared_data / "pdq" / "expected_hashes.csv").open() as handle:
        rows = {row["image"]: row for row in csv.DictReader(handle)}
    blurred = rows["bridge-mods/blur-a-little.jpg"]["expected_pdq_hex"]
    haystack = (shared_data / "pdq" / "reg-test-input" / "haystack.txt").read_text().splitlines()
    report = services.import_hash_list(cast.moderator, name="real", lines=[*haystack, blurred])
    assert report.created >= 1000
    assert not report.errors
    work = image_work(cast)
    photo = (shared_data / "pdq" / "bridge-mods" / "aaa-orig.jpg").read_bytes()
    services.add_media(cast.owner, work, data=photo, filename="bridge.jpg")
    work.refresh_from_db()
    assert work.status == WorkStatus.HELD


@pytest.mark.realdata
def test_an_unrelated_photo_is_not_held_by_the_real_list(cast, shared_data):
    haystack = (shared_data / "pdq" / "reg-test-input" / "haystack.txt").read_text().splitlines()
    services.import_hash_list(cast.moderator, name="real", lines=haystack)
    work = image_work(cast)
    services.add_media(cast.owner, work, data=drawn_image(21), filename="x.png")
    work.refresh_from_db()
    assert work.status == WorkStatus.DRAFT
