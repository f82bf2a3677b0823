"""The translation catalogues: complete, faithful to placeholders, and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

import cybercommons

LOCALE_DIR = Path(cybercommons.__file__).parent / "locale"
PACKAGE_DIR = Path(cybercommons.__file__).parent
LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]
EXPECTED_PLURAL_FORMS = {"ar": 6, "zh_Hans": 1, "fr": 2, "ru": 4, "es": 3}

PERCENT = re.compile(r"%(?:\([a-z_]+\))?[sdif]")
BRACES = re.compile(r"\{\{?\s*[a-z_.]+\s*\}?\}")
# {% translate "…" %} and {% trans '…' %} with a literal string and nothing else.
TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1\s*(?:noop\s*)?%\}""")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _live(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def _placeholders(text: str) -> list[str]:
    return sorted(PERCENT.findall(text) + BRACES.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = _catalogue(language)
    assert len(_live(catalogue)) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


def test_every_language_has_the_same_strings() -> None:
    msgids = {language: {(e.msgctxt, e.msgid) for e in _live(_catalogue(language))}
              for language in LANGUAGES}
    assert all(ids == msgids["fr"] for ids in msgids.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    wrong = []
    for entry in _live(_catalogue(language)):
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
            expected = _placeholders(entry.msgid_plural)
            # The last form ("other") keeps every placeholder; the others may leave the
            # number out where the word says it (Arabic "two codes", zero, one).
            if _placeholders(forms[-1]) != expected:
                wrong.append((entry.msgid, forms[-1]))
            wrong += [(entry.msgid, text) for text in forms[:-1]
                      if not set(_placeholders(text)) <= set(expected)]
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language: str) -> None:
    catalogue = _catalogue(language)
    header = catalogue.metadata["Plural-Forms"]
    assert f"nplurals={EXPECTED_PLURAL_FORMS[language]};" in header
    for entry in _live(catalogue):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(EXPECTED_PLURAL_FORMS[language]))
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language: str) -> None:
    """The .mo files are shipped; a .po edited without recompiling must not go unnoticed."""
    compiled = polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))
    source = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
              for e in _live(_catalogue(language))}
    built = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
             for e in compiled if e.msgid}
    assert built == source


def test_every_literal_string_of_the_shell_templates_is_in_the_catalogue() -> None:
    known = {e.msgid for e in _live(_catalogue("fr"))}
    found = set()
    for template in (PACKAGE_DIR / "core" / "templates").rglob("*.html"):
        for _quote, text in TRANSLATE_TAG.findall(template.read_text(encoding="utf-8")):
            found.add(text)
    assert len(found) > 50
    assert found - known == set()
