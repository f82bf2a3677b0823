"""Which narrative translations survive a replacement of an exhibition's items, on small
lists checked by hand."""

from __future__ import annotations

from cybercommons.exchange.kernel.narratives import (
    IncomingItem,
    PlacedItem,
    StoredItem,
    replace_items,
    text_key,
)

INTRO = StoredItem(10, None, {"en": "<p>Start.</p>", "fr": "<p>Début.</p>", "ar": "<p>بداية</p>"})
WORK = StoredItem(11, 7, {})
END = StoredItem(12, None, {"en": "<p>End.</p>", "fr": "<p>Fin.</p>"}, frozenset({"fr"}))


def test_an_unchanged_block_sent_again_keeps_its_row_and_translations_wherever_it_moves():
    placed = replace_items([INTRO, WORK, END], [
        IncomingItem(None, 7, {}),
        IncomingItem(None, None, {"en": "<p>Start.</p>"}),
    ], "en")
    assert placed == [
        PlacedItem(11, 7, {}),
        PlacedItem(10, None, {"en": "<p>Start.</p>", "fr": "<p>Début.</p>",
                              "ar": "<p>بداية</p>"}),
    ]


def test_a_changed_original_without_an_id_is_a_new_block_without_translations():
    (placed,) = replace_items([INTRO], [IncomingItem(None, None, {"en": "<p>Begin.</p>"})],
                              "en")
    assert placed == PlacedItem(None, None, {"en": "<p>Begin.</p>"})


def test_a_changed_original_named_by_id_keeps_its_translations_marked_outdated():
    (placed,) = replace_items([INTRO], [IncomingItem(10, None, {"en": "<p>Begin.</p>"})],
                              "en")
    assert placed.key == 10
    assert placed.narrative == {"en": "<p>Begin.</p>", "fr": "<p>Début.</p>",
                                "ar": "<p>بداية</p>"}
    assert placed.outdated == ("ar", "fr")


def test_a_translation_sent_anew_is_current_and_one_sent_back_unchanged_keeps_its_state():
    (placed,) = replace_items([INTRO], [IncomingItem(
        10, None, {"en": "<p>Begin.</p>", "fr": "<p>Commencez.</p>", "ar": "<p>بداية</p>"})],
        "en")
    assert placed.narrative["fr"] == "<p>Commencez.</p>"
    assert placed.outdated == ("ar",)  # sent back as it was, while the original changed


def test_an_outdated_translation_stays_outdated_until_redone():
    (placed,) = replace_items([END], [IncomingItem(None, None, {"en": "<p>End.</p>"})], "en")
    assert placed == PlacedItem(12, None, {"en": "<p>End.</p>", "fr": "<p>Fin.</p>"}, ("fr",))


def test_a_language_sent_empty_is_removed():
    (placed,) = replace_items([INTRO], [IncomingItem(None, None, {"en": "<p>Start.</p>"},
                                                     frozenset({"ar"}))], "en")
    assert placed.narrative == {"en": "<p>Start.</p>", "fr": "<p>Début.</p>"}


def test_a_block_whose_original_is_gone_keeps_no_translation():
    (placed,) = replace_items([INTRO], [IncomingItem(10, 7, {})], "en")
    assert placed == PlacedItem(10, 7, {})


def test_removed_blocks_are_not_placed_and_a_copied_text_matches_once():
    placed = replace_items([INTRO, END], [
        IncomingItem(None, None, {"en": "<p>Start.</p>"}),
        IncomingItem(None, None, {"en": "<p>Start.</p>"}),
    ], "en")
    assert [p.key for p in placed] == [10, None]
    assert placed[1].narrative == {"en": "<p>Start.</p>"}


def test_an_id_claims_its_block_before_a_text_match_can():
    placed = replace_items([INTRO], [
        IncomingItem(None, None, {"en": "<p>Start.</p>"}),
        IncomingItem(10, None, {"en": "<p>Start, again.</p>"}),
    ], "en")
    assert [p.key for p in placed] == [None, 10]
    assert placed[1].outdated == ("ar", "fr")


def test_a_new_primary_language_is_the_original_on_both_sides():
    # The exhibition is now primarily French; the French text is unchanged, so the English
    # (now a translation) survives and is current.
    (placed,) = replace_items([INTRO], [IncomingItem(None, None, {"fr": "<p>Début.</p>"})],
                              "fr")
    assert placed.key == 10
    assert placed.narrative["en"] == "<p>Start.</p>"
    assert placed.outdated == ()


def test_the_text_key_ignores_surrounding_space_and_empty_text():
    assert text_key(" <p>a</p>\n") == text_key("<p>a</p>")
    assert text_key("  ") is None
    assert text_key(None) is None
