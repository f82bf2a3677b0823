"""Search text: language identification and index terms, checked by hand for each script."""

from __future__ import annotations

import sqlite3

import pytest

from cybercommons.exchange.kernel import text


@pytest.mark.parametrize(
    ("sample", "language"),
    [
        ("المتحف يعرض خرائط قديمة للمدينة", "ar"),
        ("博物馆展示这座城市的古代地图", "zh-hans"),
        ("The museum shows old maps of the city", "en"),
        ("Le musée expose des cartes anciennes de la ville", "fr"),
        ("Музей показывает старые карты города", "ru"),
        ("El museo muestra mapas antiguos de la ciudad", "es"),
    ],
)
def test_it_identifies_each_un_language(sample: str, language: str) -> None:
    guess = text.identify_language(sample)
    assert guess is not None
    assert guess.language == language
    assert guess.probability > 0.9


def test_it_only_answers_with_an_allowed_language() -> None:
    german = "Das Museum zeigt alte Karten der Stadt"
    assert text.identify_language(german, ["de", "en"]).language == "de"  # type: ignore[union-attr]
    restricted = text.identify_language(german, ["fr", "es"])
    assert restricted is not None
    assert restricted.language in {"fr", "es"}


def test_it_declines_to_guess_the_language_of_text_without_letters() -> None:
    assert text.identify_language("12 345 — 2024") is None


def test_it_refuses_a_language_the_model_does_not_know() -> None:
    with pytest.raises(ValueError, match="does not know"):
        text.identify_language("hello", ["en", "tlh"])


def test_it_folds_case_and_accents_in_latin_text() -> None:
    assert text.index_terms("Les Élèves DU Musée — l'été") == "les eleves du musee l ete"
    assert text.index_terms("Niño ÁRBOL Straße") == "nino arbol strasse"
    assert text.index_terms("Don't STOP_now 42") == "don t stop now 42"


def test_it_folds_yo_but_keeps_short_i_in_russian() -> None:
    assert text.index_terms("Ёлка и Йошкар-Ола") == "елка и йошкар ола"


def test_it_normalises_arabic_letters_and_removes_diacritics_and_tatweel() -> None:
    assert text.normalise_arabic("أَحْمَد") == "احمد"
    assert text.normalise_arabic("مصطفى") == "مصطفي"
    assert text.normalise_arabic("مدرسة") == "مدرسه"
    assert text.normalise_arabic("كـــتاب") == "كتاب"
    assert text.normalise_arabic("٢٠٢٤") == "2024"


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("الكتاب", "كتاب"),  # the book
        ("والكتاب", "كتاب"),  # and the book
        ("بالمدرسه", "مدرسه"),  # at the school
        ("للطلاب", "طلاب"),  # for the students
        ("وكتب", "كتب"),  # and books
        ("بيت", "بيت"),  # house: too short to lose its first letter
        ("بكتاب", "كتاب"),  # with a book
        ("كتاب", "كتاب"),  # book: ك stays, three letters would remain
    ],
)
def test_it_removes_one_arabic_prefix(word: str, stem: str) -> None:
    assert text.stem_arabic(word) == stem


def test_it_gives_arabic_words_with_and_without_prefixes_the_same_term() -> None:
    assert text.index_terms("وَالكِتابُ") == text.index_terms("الكتاب") == "كتاب"
    assert text.query_terms("كتاب المدرسة") == ["كتاب", "مدرسه"]


def test_it_segments_chinese_into_words() -> None:
    assert text.query_terms("博物馆展示古代地图") == ["博物馆", "展示", "古代", "地图"]
    indexed = text.index_terms("博物馆展示古代地图").split()
    # search mode adds the shorter word inside the longer one
    assert "博物" in indexed
    assert set(text.query_terms("博物馆展示古代地图")) <= set(indexed)


def test_it_handles_latin_names_inside_chinese_text() -> None:
    assert text.query_terms("卢浮宫 Musée du Louvre") == ["卢浮宫", "musee", "du", "louvre"]


def test_it_quotes_terms_for_fts5() -> None:
    assert text.fts5_match_expression(['a"b', "NEAR"]) == '"a""b" "NEAR"'
    assert text.fts5_match_expression([]) == ""


def test_it_finds_documents_through_an_sqlite_fts5_index() -> None:
    documents = {
        1: "Le Musée du Louvre expose des cartes anciennes",
        2: "博物馆展示古代地图",
        3: "وَالكِتابُ في المكتبة",
        4: "Старая ёлка у музея",
    }
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE works USING fts5(terms)")
    connection.executemany(
        "INSERT INTO works(rowid, terms) VALUES (?, ?)",
        [(key, text.index_terms(value)) for key, value in documents.items()],
    )

    def search(query: str) -> list[int]:
        expression = text.fts5_match_expression(text.query_terms(query))
        rows = connection.execute(
            "SELECT rowid FROM works WHERE works MATCH ? ORDER BY rowid", (expression,)
        )
        return [row[0] for row in rows]

    assert search("musee LOUVRE") == [1]
    assert search("博物") == [2]
    assert search("地图") == [2]
    assert search("كتاب") == [3]
    assert search("елка") == [4]
    assert search('cartes" OR "x') == []  # quotes in a query are data, not syntax
