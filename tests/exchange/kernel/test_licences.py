"""Licences: lookups by code, URL and SPDX id; TASL attribution in six languages."""

from __future__ import annotations

import pytest

from cybercommons.exchange.kernel import licences
from cybercommons.exchange.kernel.licences import LicenceError


def test_it_knows_the_nine_licences_with_urls_and_spdx_ids() -> None:
    assert len(licences.LICENCES) == 9
    by_sa = licences.get_licence("CC-BY-SA-4.0")
    assert by_sa.url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert by_sa.spdx == "CC-BY-SA-4.0"
    assert by_sa.share_alike
    assert by_sa.is_open
    assert licences.get_licence("cc0-1.0").spdx == "CC0-1.0"
    assert licences.get_licence("pdm-1.0").spdx == "CC-PDM-1.0"


@pytest.mark.parametrize(
    ("code", "commercial", "derivatives"),
    [
        ("cc-by-4.0", True, True),
        ("cc-by-nd-4.0", True, False),
        ("cc-by-nc-4.0", False, True),
        ("cc-by-nc-nd-4.0", False, False),
        ("all-rights-reserved", False, False),
    ],
)
def test_it_states_what_each_licence_permits(
    code: str, commercial: bool, derivatives: bool
) -> None:
    licence = licences.get_licence(code)
    assert licence.commercial_use is commercial
    assert licence.derivatives is derivatives
    assert licence.is_open is (commercial and derivatives)


@pytest.mark.parametrize(
    "url",
    [
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        "http://creativecommons.org/licenses/by-nc-sa/4.0",
        "https://www.creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode.ar",
    ],
)
def test_it_recognises_a_licence_from_any_form_of_its_url(url: str) -> None:
    assert licences.licence_from_url(url).code == "cc-by-nc-sa-4.0"


def test_it_refuses_unknown_licences() -> None:
    with pytest.raises(LicenceError, match="unknown licence"):
        licences.get_licence("cc-by-3.0")
    with pytest.raises(LicenceError, match="no known licence"):
        licences.licence_from_url("https://creativecommons.org/licenses/by/3.0/")
    with pytest.raises(LicenceError, match="unknown SPDX"):
        licences.licence_from_spdx("MIT")


def test_it_finds_each_licence_from_its_own_url_and_spdx_id() -> None:
    for licence in licences.LICENCES.values():
        assert licence.url is not None
        assert licences.licence_from_url(licence.url) is licence
        assert licences.licence_from_spdx(licence.spdx.lower()) is licence


def test_it_writes_the_english_tasl_sentence() -> None:
    result = licences.attribution(
        "cc-by-4.0",
        language="en",
        title="Dhow at Lamu",
        author="Amina Yusuf",
        source_url="https://museum.example/works/12",
    )
    assert result.text == (
        "“Dhow at Lamu” by Amina Yusuf is licensed under CC BY 4.0. "
        "Source: https://museum.example/works/12"
    )
    assert result.html == (
        '<span lang="en" dir="ltr">“<bdi><a href="https://museum.example/works/12">Dhow at Lamu'
        "</a></bdi>” by <bdi>Amina Yusuf</bdi> is licensed under "
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>.'
        "</span>"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "« Carte » par Li Wei, sous licence CC BY-SA 4.0."),
        ("es", "«Carte» de Li Wei, bajo licencia CC BY-SA 4.0."),
        ("ru", "«Carte», автор: Li Wei, лицензия CC BY-SA 4.0."),
        ("zh-hans", "《Carte》，作者：Li Wei，采用CC BY-SA 4.0许可协议。"),
        ("ar", "«Carte» بواسطة Li Wei، مرخّص بموجب CC BY-SA 4.0."),
    ],
)
def test_it_writes_the_attribution_in_each_un_language(language: str, expected: str) -> None:
    result = licences.attribution("cc-by-sa-4.0", language=language, title="Carte", author="Li Wei")
    assert result.text == expected


def test_it_marks_arabic_attribution_right_to_left() -> None:
    result = licences.attribution("cc-by-4.0", language="ar", title="خريطة", author="Li Wei")
    assert result.html.startswith('<span lang="ar" dir="rtl">')
    assert "<bdi>Li Wei</bdi>" in result.html


def test_it_words_public_domain_and_reserved_works_differently() -> None:
    cc0 = licences.attribution("cc0-1.0", language="en", title="Map", author=None)
    assert cc0.text == "“Map” is dedicated to the public domain (CC0 1.0)."
    pdm = licences.attribution("pdm-1.0", language="ru", title="Карта", author="Иванов")
    assert pdm.text == "«Карта», автор: Иванов, общественное достояние (Public Domain Mark 1.0)."
    reserved = licences.attribution("all-rights-reserved", language="es", title=None, author="Ana")
    assert reserved.text == "«Obra sin título» de Ana. Todos los derechos reservados."


def test_it_escapes_user_text_and_refuses_to_link_unsafe_urls() -> None:
    result = licences.attribution(
        "cc-by-4.0",
        language="en",
        title='<script>alert("x")</script>',
        author="A & B",
        source_url="javascript:alert(1)",
        author_url="https://a.example/?q=<b>",
    )
    assert "<script>" not in result.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in result.html
    assert "javascript:" not in result.html
    assert "javascript:" not in result.text
    assert '<a href="https://a.example/?q=&lt;b&gt;">A &amp; B</a>' in result.html


def test_it_gives_all_six_languages_at_once() -> None:
    results = licences.attributions("cc-by-nc-4.0", title="T", author="A")
    assert set(results) == {"ar", "zh-hans", "en", "fr", "ru", "es"}
    assert all("CC BY-NC 4.0" in result.text for result in results.values())


def test_it_refuses_a_language_it_does_not_write() -> None:
    with pytest.raises(LicenceError, match="no attribution text"):
        licences.attribution("cc-by-4.0", language="de", title="T", author="A")
