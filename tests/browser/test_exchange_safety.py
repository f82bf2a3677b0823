"""The child-safety flow of the exchange in a real browser.

A moderator imports a hash list holding the PDQ hash of an image; an editor uploads that
image and learns only that the work is held for review; the moderator finds it in the
queue behind a blur, decides with a reason, and the review is in the audit log.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from cybercommons.core.models import AuditEntry, Role
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.models import ModerationCase, Work, WorkStatus
from tests.browser.test_exchange_works import drawn_png, log_in, upload_work
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def exchange_settings(settings: Any, tmp_path: Path, live_server: Any) -> Any:
    settings.EXCHANGE_SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from cybercommons.exchange import safety

    safety.forget_index()
    return settings


def test_a_listed_image_is_held_and_reviewed_behind_a_blur(
        live_server: Any, browser: Any, page: Any, output_dir: Path) -> None:
    base = live_server.url
    organisation = OrganisationFactory(name="Harbour Archive", slug="harbour-archive")
    uploader = UserFactory(username="tomas", display_name="Tomas")
    MembershipFactory(user=uploader, organisation=organisation, role=Role.EDITOR)
    moderator = UserFactory(username="moderator-ines", display_name="Ines")
    moderator.user_permissions.add(Permission.objects.get(
        codename="moderate", content_type__app_label="exchange"))

    listed = drawn_png(output_dir / "listed.png", seed=11)
    listed_hash = pdq.hash_image(listed.read_bytes())
    assert not listed_hash.low_quality
    hash_file = output_dir / "list.txt"
    # One malformed line: reported and skipped, the good one kept.
    hash_file.write_text(f"{listed_hash.hex}\nnot-a-hash\n", encoding="utf-8")

    # The moderator imports the list.
    moderating = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = moderating.new_page()
    log_in(desk, base, "moderator-ines")
    desk.goto(base + "/exchange/moderation/hash-lists/")
    desk.locator("#id_name").fill("Known harmful images")
    desk.locator("#id_source").fill("A hotline")
    desk.locator("#id_file").set_input_files(str(hash_file))
    desk.get_by_role("button", name="Import").click()
    desk.wait_for_load_state()
    status = desk.get_by_role("status").inner_text()
    assert "1 added" in status
    assert "Line 2" in status
    assert desk.get_by_role("row", name="Known harmful images").count() == 1

    # The uploader sees only that the work is held: no list, no distance, no hash.
    log_in(page, base, "tomas")
    work_url = upload_work(page, base, listed, "Harbour at night", publish=True)
    told = page.locator(".messages").inner_text()
    assert told == "The work is held for review by moderators."
    body = told + page.locator("main").inner_text()
    assert "held for review" in body.lower()
    for leak in ("Known harmful images", "distance", listed_hash.hex, "match"):
        assert leak.lower() not in body.lower(), leak
    # Even its own contributors see the held image blurred until moderators decide.
    own_image = page.locator("article.work img").first
    assert "blur" in own_image.evaluate("img => getComputedStyle(img).filter")
    page.screenshot(path=str(output_dir / "uploader-held.png"), full_page=True)
    work = Work.objects.get()
    assert work.status == WorkStatus.HELD

    # A visitor cannot reach the held work or its image.
    anonymous = browser.new_context()
    visitor = anonymous.new_page()
    assert visitor.goto(work_url).status == 404
    thumbnail = page.locator("article.work img").first.get_attribute("src")
    assert visitor.goto(base + thumbnail).status == 404
    anonymous.close()
    # The uploader cannot open the list page either.
    assert page.goto(base + "/exchange/moderation/hash-lists/").status == 403

    # The moderator sees the case behind a blur and decides with a reason.
    desk.goto(base + "/exchange/moderation/")
    row = desk.get_by_role("row", name="Harbour at night")
    assert row.count() == 1
    queue_image = row.locator("img.blurred")
    assert queue_image.count() == 1
    assert "blur" in queue_image.evaluate("img => getComputedStyle(img).filter")
    desk.screenshot(path=str(output_dir / "queue.png"), full_page=True)
    row.get_by_role("link").first.click()
    desk.wait_for_load_state()
    review_image = desk.locator(".review-media img")
    assert "blur" in review_image.evaluate("img => getComputedStyle(img).filter")
    assert "Known harmful images" in desk.locator("main").inner_text()
    desk.screenshot(path=str(output_dir / "case.png"), full_page=True)
    desk.locator("#id_outcome").select_option("remove")
    desk.locator("#id_reason").fill("Matches a listed image; removed and reported.")
    desk.get_by_role("button", name="Record the decision").click()
    desk.wait_for_load_state()
    assert "The decision was recorded" in desk.locator(".messages").inner_text()

    case = ModerationCase.objects.get(work=work)
    assert case.status == "decided"
    actions = list(AuditEntry.objects.filter(object_id=str(case.pk))
                   .values_list("action", "actor_id", "data"))
    names = [action for action, _actor, _data in actions]
    assert "exchange.case.viewed" in names
    assert "exchange.case.decided" in names
    decided = next(data for action, _a, data in actions if action == "exchange.case.decided")
    assert {actor for name, actor, _d in actions
            if name in ("exchange.case.viewed", "exchange.case.decided")} == {moderator.pk}
    assert decided["outcome"] == "remove"
    assert decided["reason"] == "Matches a listed image; removed and reported."
    work.refresh_from_db()
    assert work.status != WorkStatus.PUBLISHED

    # The uploader is told of the decision and its reason, and may appeal.
    page.goto(work_url)
    assert "Matches a listed image; removed and reported." in page.locator("main").inner_text()
    page.screenshot(path=str(output_dir / "uploader-decided.png"), full_page=True)
    moderating.close()
