"""The shell in the six UN languages: translated text, language attributes, right-to-left."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

HEADING_EN = "Cooperation in cyberspace, in the open"
# language code -> (the home page heading, the navigation link to the countries, direction)
EXPECTED = {
    "ar": ("تعاون مفتوح في الفضاء الإلكتروني", "البلدان", "rtl"),
    "zh-hans": ("公开透明的网络空间合作", "国家", "ltr"),
    "fr": ("La coopération dans le cyberespace, en toute ouverture", "Pays", "ltr"),
    "ru": ("Открытое сотрудничество в киберпространстве", "Страны", "ltr"),
    "es": ("Cooperación abierta en el ciberespacio", "Países", "ltr"),
    "en": (HEADING_EN, "Countries", "ltr"),
}


def _home(client: Client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_home_page_is_translated_in_the_chosen_language(
    client: Client, language: str,
) -> None:
    heading, countries, direction = EXPECTED[language]
    page = _home(client, language)
    assert f'<html lang="{language}" dir="{direction}"' in page
    assert heading in page
    assert f">{countries}</a>" in page
    if language != "en":
        assert HEADING_EN not in page
        assert "Skip to content" not in page


def test_arabic_pages_are_right_to_left(client: Client) -> None:
    page = _home(client, "ar")
    assert '<html lang="ar" dir="rtl"' in page
    assert "انتقل إلى المحتوى" in page  # the skip link


def test_the_browser_language_is_followed_without_a_cookie(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    page = response.content.decode()
    assert '<html lang="ru" dir="ltr"' in page
    assert EXPECTED["ru"][0] in page


def test_chinese_is_served_for_a_simplified_chinese_browser(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-hans"' in response.content.decode()


def test_the_language_switcher_sets_the_cookie(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    page = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl"' in page


def test_an_unsupported_language_falls_back_to_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    page = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr"' in page
    assert HEADING_EN in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "ليس لديك أي رمز API قيد الاستخدام."),
     ("ru", "У вас 0 действующих API-токенов.")],
)
def test_plural_forms_follow_the_language_rules(language: str, expected: str) -> None:
    with translation.override(language):
        text = translation.ngettext(
            "You have %(counter)s API token in use.",
            "You have %(counter)s API tokens in use.", 0) % {"counter": 0}
    assert text == expected
    with translation.override("ru"):
        few = translation.ngettext("You have %(counter)s API token in use.",
                                   "You have %(counter)s API tokens in use.", 3)
        one = translation.ngettext("You have %(counter)s API token in use.",
                                   "You have %(counter)s API tokens in use.", 21)
    assert few % {"counter": 3} == "У вас 3 действующих API-токена."
    assert one % {"counter": 21} == "У вас 21 действующий API-токен."
