"""Writing the search terms of work texts (the read side is in queries.py)."""

from __future__ import annotations

from cybercommons.exchange.kernel import text as text_kernel
from cybercommons.exchange.models import SearchEntry, WorkText


def document_for(text: WorkText) -> str:
    """What a text contributes to search: its title, description (tags stripped), subjects,
    place and creator, so that a search for a place name finds the work in any language."""
    import nh3

    work = text.work
    parts = [text.title, nh3.clean(text.description, tags=set()), " ".join(work.subjects or []),
             work.place, work.creator, work.period]
    return " ".join(part for part in parts if part)


def index_text(text: WorkText) -> SearchEntry:
    terms = text_kernel.index_terms(document_for(text))
    entry, _ = SearchEntry.objects.update_or_create(
        text=text, defaults={"work": text.work, "language": text.language, "terms": terms})
    return entry


def index_work(work_texts: list[WorkText]) -> None:
    for text in work_texts:
        index_text(text)
