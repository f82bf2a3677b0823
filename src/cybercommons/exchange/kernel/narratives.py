"""Which narrative translations of an exhibition survive when its items are replaced.

An exhibition's items are replaced as a whole (an editor sends the new list), but the
narrative text between works has translations made by other people, often in languages the
editor does not read. Dropping them because the list was re-sent would lose their work;
keeping them beside an original that changed would show readers a text that no longer says
the same thing. So each new item is matched to the item it continues:

* by its item id, when the new item names one (an edit of that block), else
* by the exact original text (in the primary language), when exactly that text was there
  before (the block was moved, or the list re-sent unchanged), else
* for items without narrative, by their work (so that their ids stay stable).

A matched block keeps the translations the new item does not mention. If its original text
changed, those translations are kept but marked *outdated*: readers still see them, labelled
as made from an earlier version, and translators see what to redo. A translation sent again
unchanged keeps its state; a translation sent with new text is current. A language sent as
an empty text is removed. An item whose original is gone keeps no translation, and
translations of blocks that match nothing go with their block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as it is now: its id, work, narrative by language, outdated languages."""

    key: int
    work: int | None
    narrative: Mapping[str, str]
    outdated: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IncomingItem:
    """An item of the replacement list: the id it names (if any), its work, its narrative by
    language, and the languages explicitly removed (sent empty)."""

    key: int | None
    work: int | None
    narrative: Mapping[str, str]
    removed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """What to store at one position: the stored item it continues (None for a new row),
    its narrative and the languages whose translation is outdated (sorted)."""

    key: int | None
    work: int | None
    narrative: dict[str, str]
    outdated: tuple[str, ...] = field(default_factory=tuple)


def text_key(text: str | None) -> str | None:
    """A stable digest of a narrative text, insensitive to surrounding white space; None for
    no text."""
    stripped = (text or "").strip()
    if not stripped:
        return None
    return hashlib.sha256(stripped.encode("utf-8")).hexdigest()


def _match(stored: Sequence[StoredItem], incoming: Sequence[IncomingItem],
           primary: str) -> list[StoredItem | None]:
    free = {item.key: item for item in stored}
    matches: list[StoredItem | None] = [None] * len(incoming)
    # Ids first: an item that names its predecessor gets it whatever the others say.
    for index, item in enumerate(incoming):
        if item.key is not None and item.key in free:
            matches[index] = free.pop(item.key)
    # Then the original text, in the order of the stored list (the first copy wins).
    for index, item in enumerate(incoming):
        wanted = text_key(item.narrative.get(primary))
        if matches[index] is not None or item.key is not None or wanted is None:
            continue
        found = next((s for s in free.values() if text_key(s.narrative.get(primary)) == wanted),
                     None)
        if found is not None:
            matches[index] = free.pop(found.key)
    # Items without text keep the id of a stored item of the same work without text.
    for index, item in enumerate(incoming):
        if matches[index] is not None or item.key is not None or item.narrative \
                or item.work is None:
            continue
        found = next((s for s in free.values() if s.work == item.work and not s.narrative),
                     None)
        if found is not None:
            matches[index] = free.pop(found.key)
    return matches


def _merge(before: StoredItem, after: IncomingItem, primary: str) -> PlacedItem:
    narrative = {language: text for language, text in after.narrative.items()
                 if language not in after.removed}
    original = text_key(narrative.get(primary))
    if original is None:
        # No original any more: nothing of the old block's translations stays.
        return PlacedItem(before.key, after.work, narrative)
    changed = original != text_key(before.narrative.get(primary))
    outdated: set[str] = set()
    for language, text in before.narrative.items():
        if language == primary or language in after.removed:
            continue
        sent = after.narrative.get(language)
        if sent is not None and text_key(sent) != text_key(text):
            continue  # a new translation sent with the list: current
        narrative.setdefault(language, text)
        if changed or language in before.outdated:
            outdated.add(language)
    return PlacedItem(before.key, after.work, narrative, tuple(sorted(outdated)))


def replace_items(stored: Sequence[StoredItem], incoming: Sequence[IncomingItem],
                  primary: str) -> list[PlacedItem]:
    """The new list, in the incoming order, with surviving translations carried over.

    Stored items that no placed item continues are to be deleted by the caller.
    """
    placed = []
    for item, before in zip(incoming, _match(stored, incoming, primary), strict=True):
        if before is None:
            narrative = {k: v for k, v in item.narrative.items() if k not in item.removed}
            placed.append(PlacedItem(None, item.work, narrative))
        else:
            placed.append(_merge(before, item, primary))
    return placed
