"""Notes of a work's version history, stored as a code with parameters and rendered in the
reader's language when shown (a note written in the editor's language would read wrongly to
everyone else)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.translation import pgettext

# The context keeps these apart from the same English words elsewhere (e.g. "created" as
# the heading of a date column).
CONTEXT = "version note"


class NoteCode(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    TRANSLATION_ADDED = "translation_added"
    TEXT_CHANGED = "text_changed"
    REIMPORTED = "reimported"


def _language_name(code: str) -> str:
    """The language's name in the active language (the settings hold lazy translations)."""
    names = dict(settings.LANGUAGES)
    return str(names[code]) if code in names else code


def describe(code: str, params: Mapping[str, Any], note: str = "") -> str:
    """The note in the active language: the coded event, then the editor's own words if any.
    Rows without a code (older ones) show their stored text unchanged."""
    language = _language_name(str(params.get("language", "")))
    if code == NoteCode.CREATED:
        event = pgettext(CONTEXT, "created")
    elif code == NoteCode.UPDATED:
        event = pgettext(CONTEXT, "updated")
    elif code == NoteCode.TRANSLATION_ADDED:
        event = pgettext(CONTEXT, "translation added: %(language)s") % {"language": language}
    elif code == NoteCode.TEXT_CHANGED:
        event = pgettext(CONTEXT, "text changed: %(language)s") % {"language": language}
    elif code == NoteCode.REIMPORTED:
        event = pgettext(CONTEXT, "re-imported")
    else:
        return note
    return f"{event} — {note}" if note else event
