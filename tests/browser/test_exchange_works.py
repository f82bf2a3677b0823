"""Works, translations, search and exhibitions of the exchange in a real browser.

An editor of a museum uploads an image through the form, translates it and publishes it;
a visitor reading the site in French finds it by its French title; an exhibition tells a
story between works; and every page renders in the six UN languages, Arabic right to left.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cybercommons.core.models import Role
from cybercommons.exchange.models import Exhibition, Work, WorkStatus
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UN_LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


@pytest.fixture(autouse=True)
def exchange_settings(settings: Any, tmp_path: Path, live_server: Any) -> Any:
    settings.EXCHANGE_SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Federation delivery is not under test here: queued tasks are kept, never sent.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from cybercommons.exchange import safety

    safety.forget_index()
    return settings


def drawn_png(path: Path, seed: int) -> Path:
    """A picture with enough structure for a high-quality PDQ hash."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (320, 240), (240, 235, 220))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x0, y0 = (int(v) for v in rng.integers(0, 300, 2))
        x1, y1 = x0 + int(rng.integers(10, 160)), y0 + int(rng.integers(10, 120))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.set_default_timeout(10_000)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()


def upload_work(page: Any, base: str, image: Path, title: str, publish: bool) -> str:
    """Fill the upload form as an editor would; returns the work page's address."""
    page.goto(base + "/exchange/works/new/")
    page.locator("#id_kind").select_option("image")
    page.locator("#id_language").select_option("en")
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(
        "<p>Ceremonial drum of carved wood.</p><script>alert(1)</script>")
    page.locator("#id_creator").fill("Wanjiru Kamau")
    page.locator("#id_licence").select_option("cc-by-4.0")
    page.locator("#id_file").set_input_files(str(image))
    page.locator("#id_alt_text").fill("A drum with red patterns")
    if publish:
        page.locator("#id_publish").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert re.search(r"/exchange/works/[0-9a-f-]{36}/$", page.url), (
        page.locator(".errorlist").all_inner_texts())
    return str(page.url)


@pytest.fixture
def museum() -> dict[str, Any]:
    organisation = OrganisationFactory(name="Nairobi Museum of Music", slug="nairobi-music")
    editor = UserFactory(username="wanjiru", display_name="Wanjiru")
    MembershipFactory(user=editor, organisation=organisation, role=Role.EDITOR)
    return {"organisation": organisation, "editor": editor}


def test_an_uploaded_work_is_found_by_its_translation_and_credits_its_creator(
        live_server: Any, browser: Any, page: Any, museum: dict[str, Any],
        output_dir: Path) -> None:
    base = live_server.url
    log_in(page, base, "wanjiru")
    image = drawn_png(output_dir / "drum.png", seed=7)
    work_url = upload_work(page, base, image, "Ceremonial drum", publish=False)
    # A draft until published; the script in the description was removed.
    work = Work.objects.get()
    assert work.status == WorkStatus.DRAFT
    description = page.locator("div.description").first.inner_html()
    assert "Ceremonial drum of carved wood." in description
    assert "script" not in description
    assert page.locator("article.work img").first.evaluate("img => img.naturalWidth") > 0

    page.get_by_role("link", name="Add a translation").click()
    page.locator("#id_language").select_option("fr")
    page.locator("#id_title").fill("Tambour cérémoniel sculpté")
    page.locator("#id_description").fill("Tambour de bois sculpté du Kenya.")
    page.locator("#id_translator").fill("Claire Dubois")
    page.get_by_role("button", name="Save the translation").click()
    page.wait_for_url(work_url)
    assert page.get_by_text("Translated by Claire Dubois").count() == 1
    # A second translation, in Arabic, by another translator.
    page.get_by_role("link", name="Add a translation").click()
    page.locator("#id_language").select_option("ar")
    page.locator("#id_title").fill("الطبل الاحتفالي المنحوت")
    page.locator("#id_translator").fill("Layla Haddad")
    page.get_by_role("button", name="Save the translation").click()
    page.wait_for_url(work_url)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert page.get_by_text("The work is published.").count() == 1
    work.refresh_from_db()
    assert work.status == WorkStatus.PUBLISHED
    page.screenshot(path=str(output_dir / "work-editor.png"), full_page=True)

    # A visitor reading in French searches a word that only the translation holds.
    visitor = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    visitor.add_cookies([{"name": "cybercommons_language", "value": "fr", "url": base}])
    reader = visitor.new_page()
    reader.goto(base + "/exchange/")
    reader.get_by_role("searchbox").first.fill("tambour")
    reader.keyboard.press("Enter")
    reader.wait_for_url(re.compile(r"q=tambour"))
    result = reader.get_by_role("link", name="Tambour cérémoniel sculpté")
    assert result.count() >= 1
    reader.screenshot(path=str(output_dir / "search-fr.png"), full_page=True)
    # Nothing matches a word in no text at all.
    reader.goto(base + "/exchange/?q=saxophone")
    assert reader.get_by_role("link", name="Tambour cérémoniel sculpté").count() == 0

    # A reader in Arabic finds it by a word without its article (الطبل → طبل).
    visitor.add_cookies([{"name": "cybercommons_language", "value": "ar", "url": base}])
    reader.goto(base + "/exchange/?q=" + "طبل")
    assert reader.locator("html").get_attribute("dir") == "rtl"
    assert reader.get_by_role("link", name="الطبل الاحتفالي المنحوت").count() == 1
    reader.screenshot(path=str(output_dir / "search-ar.png"), full_page=True)
    visitor.add_cookies([{"name": "cybercommons_language", "value": "fr", "url": base}])

    reader.goto(work_url)
    assert reader.locator("html").get_attribute("lang") == "fr"
    assert reader.locator("h1").inner_text() == "Tambour cérémoniel sculpté"
    attribution = reader.locator("p.attribution").inner_text()
    assert "Wanjiru Kamau" in attribution
    assert "CC BY 4.0" in attribution
    licence = reader.locator("dl.facts a[rel='license']")
    assert licence.get_attribute("href") == "https://creativecommons.org/licenses/by/4.0/"
    reader.screenshot(path=str(output_dir / "work-fr.png"), full_page=True)
    visitor.close()


def test_an_exhibition_reads_in_all_six_languages(
        live_server: Any, browser: Any, page: Any, museum: dict[str, Any],
        output_dir: Path) -> None:
    base = live_server.url
    log_in(page, base, "wanjiru")
    first = upload_work(page, base, drawn_png(output_dir / "a.png", 3), "Lyre of the lake",
                        publish=True)
    second = upload_work(page, base, drawn_png(output_dir / "b.png", 4), "Horn of the hills",
                         publish=True)
    page.goto(base + "/exchange/exhibitions/new/")
    page.locator("#id_slug").fill("sounds-of-kenya")
    page.locator("#id_language").select_option("en")
    page.locator("#id_title").fill("Sounds of Kenya")
    page.locator("#id_introduction").fill("Instruments from the lake to the hills.")
    page.locator("#id_items").fill(
        f"> Fishers played the lyre at dusk.\n{first}\n"
        f"> Herders answered from the hills.\n{second}\n")
    page.locator("#id_publish").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/exchange/exhibitions/sounds-of-kenya/$"))
    assert Exhibition.objects.filter(slug="sounds-of-kenya").exists()

    # The narrative sits between the works, in the order given.
    story = page.locator("ol.exhibition-items").inner_text()
    positions = [story.index(part) for part in (
        "Fishers played the lyre", "Lyre of the lake", "Herders answered", "Horn of the hills")]
    assert positions == sorted(positions)
    page.screenshot(path=str(output_dir / "exhibition-en.png"), full_page=True)

    # An exhibition written in Arabic reads right to left whatever the reader's language.
    page.goto(base + "/exchange/exhibitions/new/")
    page.locator("#id_slug").fill("aswat-kenya")
    page.locator("#id_language").select_option("ar")
    page.locator("#id_title").fill("أصوات كينيا")
    page.locator("#id_items").fill(f"> عزف الصيادون على القيثارة عند الغسق.\n{first}\n")
    page.locator("#id_publish").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/exchange/exhibitions/aswat-kenya/$"))
    article = page.locator("article.exhibition")
    assert article.get_attribute("dir") == "rtl"
    assert article.get_attribute("lang") == "ar"
    assert "عزف الصيادون" in page.locator("ol.exhibition-items").inner_text()
    page.screenshot(path=str(output_dir / "exhibition-arabic-text.png"), full_page=True)

    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = visitor.new_page()
    errors: list[str] = []
    reader.on("pageerror", lambda error: errors.append(str(error)))
    pages = {"works": "/exchange/", "work": first.removeprefix(base),
             "search": "/exchange/?q=horn", "exhibitions": "/exchange/exhibitions/",
             "exhibition": "/exchange/exhibitions/sounds-of-kenya/"}
    english_nav = None
    for language in UN_LANGUAGES:
        visitor.clear_cookies()
        visitor.add_cookies([{"name": "cybercommons_language", "value": language,
                              "url": base}])
        for name, path in pages.items():
            response = reader.goto(base + path)
            assert response is not None, (language, name)
            assert response.status == 200, (language, name)
            html = reader.locator("html")
            assert html.get_attribute("lang") == language
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert reader.locator("h1").count() == 1
            # The untranslated template text never leaks as a raw tag or variable.
            assert "{%" not in reader.content()
            assert "{{" not in reader.content()
            if language == "ar":
                reader.screenshot(path=str(output_dir / f"{name}-ar.png"), full_page=True)
            if name in ("exhibition", "search"):
                assert reader.get_by_role("link", name="Horn of the hills").count() == 1
            if name == "search":
                assert reader.get_by_role("link", name="Lyre of the lake").count() == 0
                reader.screenshot(path=str(output_dir / f"{name}-{language}.png"),
                                  full_page=True)
        nav = reader.locator("nav").first.inner_text()
        if language == "en":
            english_nav = nav
        elif english_nav is not None:
            assert nav != english_nav, language
    assert errors == []
    visitor.close()
