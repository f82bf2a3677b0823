"""Search text: which language a text is in, and the terms that go into a full-text index.

The terms come out as one space-separated string, ready for a SQLite FTS5 column (default
`unicode61` tokenizer) or PostgreSQL's `to_tsvector('simple', ...)`: both then only split
on spaces, because all the language-specific work has been done here, once, in Python.
Queries go through the same functions, so a query and a document always meet on the same
terms.

The rules follow the script of each run of text rather than the language the work was filed
under, because titles in one language are full of names in another (a Chinese title citing
a French museum, an Arabic caption with a Latin name):

* Han characters are segmented into words with `jieba` (search mode for documents, which
  also emits the shorter words inside long ones; precise mode for queries).
* Arabic script is normalised (diacritics and tatweel removed; alef forms, alef maqsura /
  ya, ta marbuta / ha and hamza seats unified; Persian ya and kaf mapped; Arabic-Indic
  digits made ASCII) and lightly stemmed by removing one common prefix, in the manner of
  Larkey's light10 stemmer: the articles ال وال بال كال فال لل when two letters or more
  remain, the conjunction و when three remain, and the prepositions ب ك ف ل when four
  remain (shorter words keep them: بيت stays بيت).
* Latin, Cyrillic and Greek are case-folded and stripped of accents (é→e, ё→е, ß→ss), except
  that Russian й keeps its breve, as Russian search engines do.

Language identification uses `py3langid` (its model ships in the wheel), restricted to the
languages the platform works in.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")
#: Longest term kept (characters); longer runs are identifiers or noise, not words.
MAX_TERM_LENGTH = 64

# ---- language identification ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The most likely language (a platform code such as `zh-hans`) and its probability
    (0-1, normalised over the allowed languages only)."""

    language: str
    probability: float


def _model_code(language: str) -> str:
    """py3langid's code for a platform language code (`zh-hans` -> `zh`)."""
    return language.strip().lower().split("-")[0]


@functools.lru_cache(maxsize=8)
def _identifier(model_codes: tuple[str, ...]) -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    try:
        identifier.set_languages(list(model_codes))
    except ValueError as exc:
        raise ValueError(f"language identification does not know: {exc}") from exc
    return identifier


def identify_language(
    text: str, languages: Iterable[str] = DEFAULT_LANGUAGES
) -> LanguageGuess | None:
    """The language of `text` among `languages` (platform codes), or None when the text
    has no letters to judge by. The model loads once per set of languages (about 0.3 s)."""
    if not any(character.isalpha() for character in text):
        return None
    allowed = tuple(dict.fromkeys(languages))
    if not allowed:
        raise ValueError("at least one language is needed")
    back: dict[str, str] = {}
    for code in allowed:
        back.setdefault(_model_code(code), code)
    identifier = _identifier(tuple(sorted(back)))
    code, probability = identifier.classify(text)  # type: ignore[attr-defined]
    return LanguageGuess(back[code], float(probability))


# ---- Arabic ----------------------------------------------------------------------------------

_ARABIC_MARKS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ک": "ك",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
# longest first, so that وال is removed whole rather than و alone
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_PREPOSITIONS = ("ب", "ك", "ف", "ل")


def normalise_arabic(text: str) -> str:
    """Arabic text without diacritics or tatweel, with letter variants unified."""
    return _ARABIC_MARKS_RE.sub("", text).translate(_ARABIC_LETTERS)


def stem_arabic(word: str) -> str:
    """Remove one common prefix from a normalised Arabic word (see the module docstring)."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    if word.startswith("و") and len(word) - 1 >= 3:
        return word[1:]
    if word.startswith(_PREPOSITIONS) and len(word) - 1 >= 4:
        return word[1:]
    return word


# ---- Latin, Cyrillic, Greek ------------------------------------------------------------------

_KEEP_AS_IS = {"й", "Й"}


@functools.lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    if character in _KEEP_AS_IS or character.isascii():
        return character
    decomposed = unicodedata.normalize("NFKD", character)
    return "".join(part for part in decomposed if not unicodedata.combining(part))


def fold(text: str) -> str:
    """Case-fold and remove accents (é→e, Ё→е, ß→ss), keeping Russian й."""
    return "".join(_fold_character(character) for character in text.casefold())


# ---- terms -----------------------------------------------------------------------------------

_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _segments(text: str, *, for_query: bool) -> list[str]:
    """Pieces of text: Han runs cut into words by jieba, everything else left whole."""
    if not _HAN_RE.search(text):
        return [text]
    tokenizer = _jieba()
    if for_query:
        return list(tokenizer.cut(text))  # type: ignore[attr-defined]
    return list(tokenizer.cut_for_search(text))  # type: ignore[attr-defined]


def _terms(text: str, *, for_query: bool) -> list[str]:
    # fold before segmenting: jieba splits Latin words at accented letters
    cleaned = fold(normalise_arabic(unicodedata.normalize("NFKC", text)))
    terms = []
    for segment in _segments(cleaned, for_query=for_query):
        for word in _WORD_RE.findall(segment):
            if len(word) > MAX_TERM_LENGTH:
                continue
            if _ARABIC_RE.match(word):
                word = stem_arabic(word)
            terms.append(word)
    return terms


def index_terms(text: str) -> str:
    """The term string to store in the full-text index for a document's text."""
    return " ".join(_terms(text, for_query=False))


def query_terms(text: str) -> list[str]:
    """The terms of a search query, processed as documents are (distinct, in order)."""
    return list(dict.fromkeys(_terms(text, for_query=True)))


def fts5_match_expression(terms: Iterable[str]) -> str:
    """An FTS5 MATCH expression requiring every term, each quoted so that no user input is
    read as FTS5 syntax (`AND`, `NEAR`, `*`, column filters). Empty when there are none.

    For PostgreSQL, pass `" ".join(terms)` to `plainto_tsquery('simple', ...)` instead.
    """
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
