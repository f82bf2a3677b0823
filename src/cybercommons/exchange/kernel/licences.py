"""Machine-readable licences of works, and TASL attribution text in the six UN languages.

A work carries one licence from a closed set: the six Creative Commons 4.0 licences, the
CC0 public-domain dedication, the Public Domain Mark, or all rights reserved. Each has a
stable code (stored with the work), its canonical URL (carried in ActivityPub objects and
HTML `rel="license"` links) and its SPDX identifier (for exports). What a licence permits is
spelled out as flags so that the UI, the API and federation decide alike.

Attribution follows the TASL rule that Creative Commons recommends: Title, Author, Source,
Licence. `attribution_text` gives the plain form (for `summary` fields, captions, exports),
`attribution_html` the linked form, with every piece of user text escaped and only http(s)
URLs linked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")

Kind = Literal["licence", "dedication", "mark", "reserved"]


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence and what it allows.

    `kind` says how attribution words it: a licence ("licensed under"), a public-domain
    dedication (CC0), a mark (Public Domain Mark) or all rights reserved.
    """

    code: str
    label: str
    name: str
    url: str | None
    spdx: str
    kind: Kind
    attribution_required: bool
    commercial_use: bool
    derivatives: bool
    share_alike: bool

    @property
    def is_open(self) -> bool:
        """Whether anyone may reuse and adapt the work for any purpose (free culture)."""
        return self.commercial_use and self.derivatives and self.kind != "reserved"


def _cc(code: str, label: str, name: str, path: str, *, nc: bool, nd: bool, sa: bool) -> Licence:
    return Licence(
        code=f"cc-{code}-4.0",
        label=f"CC {label} 4.0",
        name=f"Creative Commons {name} 4.0 International",
        url=f"https://creativecommons.org/licenses/{path}/4.0/",
        spdx=f"CC-{label}-4.0",
        kind="licence",
        attribution_required=True,
        commercial_use=not nc,
        derivatives=not nd,
        share_alike=sa,
    )


LICENCES: dict[str, Licence] = {
    licence.code: licence
    for licence in (
        _cc("by", "BY", "Attribution", "by", nc=False, nd=False, sa=False),
        _cc("by-sa", "BY-SA", "Attribution-ShareAlike", "by-sa", nc=False, nd=False, sa=True),
        _cc("by-nd", "BY-ND", "Attribution-NoDerivatives", "by-nd", nc=False, nd=True, sa=False),
        _cc("by-nc", "BY-NC", "Attribution-NonCommercial", "by-nc", nc=True, nd=False, sa=False),
        _cc(
            "by-nc-sa",
            "BY-NC-SA",
            "Attribution-NonCommercial-ShareAlike",
            "by-nc-sa",
            nc=True,
            nd=False,
            sa=True,
        ),
        _cc(
            "by-nc-nd",
            "BY-NC-ND",
            "Attribution-NonCommercial-NoDerivatives",
            "by-nc-nd",
            nc=True,
            nd=True,
            sa=False,
        ),
        Licence(
            code="cc0-1.0",
            label="CC0 1.0",
            name="Creative Commons CC0 1.0 Universal Public Domain Dedication",
            url="https://creativecommons.org/publicdomain/zero/1.0/",
            spdx="CC0-1.0",
            kind="dedication",
            attribution_required=False,
            commercial_use=True,
            derivatives=True,
            share_alike=False,
        ),
        Licence(
            code="pdm-1.0",
            label="Public Domain Mark 1.0",
            name="Creative Commons Public Domain Mark 1.0",
            url="https://creativecommons.org/publicdomain/mark/1.0/",
            spdx="CC-PDM-1.0",
            kind="mark",
            attribution_required=False,
            commercial_use=True,
            derivatives=True,
            share_alike=False,
        ),
        Licence(
            code="all-rights-reserved",
            label="All rights reserved",
            name="All rights reserved (In Copyright)",
            # RightsStatements.org's statement, the one Europeana uses for such works
            url="http://rightsstatements.org/vocab/InC/1.0/",
            spdx="LicenseRef-All-Rights-Reserved",
            kind="reserved",
            attribution_required=True,
            commercial_use=False,
            derivatives=False,
            share_alike=False,
        ),
    )
}


class LicenceError(ValueError):
    """An unknown licence code, URL or SPDX id, or a language we do not write."""


def get_licence(code: str) -> Licence:
    """The licence with this code (e.g. `cc-by-sa-4.0`), case-insensitive."""
    try:
        return LICENCES[code.strip().lower()]
    except KeyError:
        known = ", ".join(LICENCES)
        raise LicenceError(f"unknown licence {code!r}; known: {known}") from None


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    # deed pages and legal code in any language name the same licence
    for suffix in ("/legalcode", "/deed"):
        position = path.find(suffix)
        if position >= 0:
            path = path[:position]
    return (parts.netloc.lower().removeprefix("www.") + path).lower()


_BY_URL = {_url_key(licence.url): licence for licence in LICENCES.values() if licence.url}
_BY_SPDX = {licence.spdx.lower(): licence for licence in LICENCES.values()}


def licence_from_url(url: str) -> Licence:
    """The licence a URL names, ignoring http/https, `www.`, a trailing slash and
    `deed.xx` or `legalcode.xx` suffixes (as found in imported metadata)."""
    key = _url_key(url)
    if key in _BY_URL:
        return _BY_URL[key]
    raise LicenceError(f"no known licence at {url!r}")


def licence_from_spdx(identifier: str) -> Licence:
    """The licence with this SPDX identifier (case-insensitive)."""
    try:
        return _BY_SPDX[identifier.strip().lower()]
    except KeyError:
        raise LicenceError(f"unknown SPDX identifier {identifier!r}") from None


# ---- attribution ---------------------------------------------------------------------------

# Per language: the sentence for each licence kind, with and without an author; the source
# clause; the stand-in for a missing title. {title}, {author}, {licence} are filled in.
_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "licence": "“{title}” by {author} is licensed under {licence}.",
        "licence-anon": "“{title}” is licensed under {licence}.",
        "dedication": "“{title}” by {author} is dedicated to the public domain ({licence}).",
        "dedication-anon": "“{title}” is dedicated to the public domain ({licence}).",
        "mark": "“{title}” by {author} is in the public domain ({licence}).",
        "mark-anon": "“{title}” is in the public domain ({licence}).",
        "reserved": "“{title}” by {author}. All rights reserved.",
        "reserved-anon": "“{title}”. All rights reserved.",
        "source": "Source: {source}",
        "untitled": "Untitled work",
    },
    "fr": {
        "licence": "« {title} » par {author}, sous licence {licence}.",
        "licence-anon": "« {title} », sous licence {licence}.",
        "dedication": "« {title} » par {author} — dédicace au domaine public ({licence}).",
        "dedication-anon": "« {title} » — dédicace au domaine public ({licence}).",
        "mark": "« {title} » par {author} — domaine public ({licence}).",
        "mark-anon": "« {title} » — domaine public ({licence}).",
        "reserved": "« {title} » par {author}. Tous droits réservés.",
        "reserved-anon": "« {title} ». Tous droits réservés.",
        "source": "Source : {source}",
        "untitled": "Œuvre sans titre",
    },
    "es": {
        "licence": "«{title}» de {author}, bajo licencia {licence}.",
        "licence-anon": "«{title}», bajo licencia {licence}.",
        "dedication": "«{title}» de {author} — dedicación al dominio público ({licence}).",
        "dedication-anon": "«{title}» — dedicación al dominio público ({licence}).",
        "mark": "«{title}» de {author} — dominio público ({licence}).",
        "mark-anon": "«{title}» — dominio público ({licence}).",
        "reserved": "«{title}» de {author}. Todos los derechos reservados.",
        "reserved-anon": "«{title}». Todos los derechos reservados.",
        "source": "Fuente: {source}",
        "untitled": "Obra sin título",
    },
    "ru": {
        "licence": "«{title}», автор: {author}, лицензия {licence}.",
        "licence-anon": "«{title}», лицензия {licence}.",
        "dedication": "«{title}», автор: {author}, передано в общественное достояние ({licence}).",
        "dedication-anon": "«{title}», передано в общественное достояние ({licence}).",
        "mark": "«{title}», автор: {author}, общественное достояние ({licence}).",
        "mark-anon": "«{title}», общественное достояние ({licence}).",
        "reserved": "«{title}», автор: {author}. Все права защищены.",
        "reserved-anon": "«{title}». Все права защищены.",
        "source": "Источник: {source}",
        "untitled": "Произведение без названия",
    },
    "zh-hans": {
        "licence": "《{title}》，作者：{author}，采用{licence}许可协议。",
        "licence-anon": "《{title}》，采用{licence}许可协议。",
        "dedication": "《{title}》，作者：{author}，已贡献至公共领域（{licence}）。",
        "dedication-anon": "《{title}》，已贡献至公共领域（{licence}）。",
        "mark": "《{title}》，作者：{author}，属于公共领域（{licence}）。",
        "mark-anon": "《{title}》，属于公共领域（{licence}）。",
        "reserved": "《{title}》，作者：{author}。保留所有权利。",
        "reserved-anon": "《{title}》。保留所有权利。",
        "source": "来源：{source}",
        "untitled": "无题作品",
    },
    "ar": {
        "licence": "«{title}» بواسطة {author}، مرخّص بموجب {licence}.",
        "licence-anon": "«{title}»، مرخّص بموجب {licence}.",
        "dedication": "«{title}» بواسطة {author}، مُهدى إلى الملك العام ({licence}).",
        "dedication-anon": "«{title}»، مُهدى إلى الملك العام ({licence}).",
        "mark": "«{title}» بواسطة {author}، في الملك العام ({licence}).",
        "mark-anon": "«{title}»، في الملك العام ({licence}).",
        "reserved": "«{title}» بواسطة {author}. جميع الحقوق محفوظة.",
        "reserved-anon": "«{title}». جميع الحقوق محفوظة.",
        "source": "المصدر: {source}",
        "untitled": "عمل بلا عنوان",
    },
}
_RTL = {"ar"}


@dataclass(frozen=True, slots=True)
class Attribution:
    """Attribution of one work in one language, as plain text and as HTML."""

    language: str
    text: str
    html: str


def _templates(language: str) -> dict[str, str]:
    key = language.strip().lower().replace("_", "-")
    if key == "zh":
        key = "zh-hans"
    if key not in _TEMPLATES:
        raise LicenceError(f"no attribution text in {language!r}; written in {LANGUAGES}")
    return _TEMPLATES[key]


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def _link(text: str, url: str | None, rel: str | None = None) -> str:
    label = html.escape(text)
    safe = _safe_url(url)
    if safe is None:
        return label
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{html.escape(safe)}"{rel_attr}>{label}</a>'


def attribution(
    licence: Licence | str,
    *,
    language: str,
    title: str | None,
    author: str | None,
    source_url: str | None = None,
    author_url: str | None = None,
) -> Attribution:
    """TASL attribution of a work (title, author, source, licence) in one of six languages.

    A missing title becomes "Untitled work" in that language; a missing author drops the
    "by" clause; a missing source drops the source sentence. In HTML the title links to the
    source, the author to `author_url` and the licence to its deed with `rel="license"`;
    user text sits in `<bdi>` so that a Latin name inside Arabic text (or the reverse)
    keeps its direction, and the whole is wrapped in a span with `lang` and `dir`.
    """
    chosen = get_licence(licence) if isinstance(licence, str) else licence
    templates = _templates(language)
    lang = language.strip().lower().replace("_", "-")
    lang = "zh-hans" if lang == "zh" else lang
    has_author = bool(author and author.strip())
    key = chosen.kind if has_author else f"{chosen.kind}-anon"
    shown_title = title.strip() if title and title.strip() else templates["untitled"]
    source = _safe_url(source_url)

    text = templates[key].format(
        title=shown_title, author=(author or "").strip(), licence=chosen.label
    )
    if source:
        text += " " + templates["source"].format(source=source)

    html_text = html.escape(templates[key], quote=False).format(
        title="<bdi>" + _link(shown_title, source) + "</bdi>",
        author="<bdi>" + _link((author or "").strip(), author_url) + "</bdi>",
        licence=_link(chosen.label, chosen.url, rel="license"),
    )
    direction = "rtl" if lang in _RTL else "ltr"
    html_out = f'<span lang="{lang}" dir="{direction}">{html_text}</span>'
    return Attribution(lang, text, html_out)


def attributions(
    licence: Licence | str,
    *,
    title: str | None,
    author: str | None,
    source_url: str | None = None,
    author_url: str | None = None,
) -> dict[str, Attribution]:
    """The attribution in all six UN languages, keyed by language code."""
    return {
        language: attribution(
            licence,
            language=language,
            title=title,
            author=author,
            source_url=source_url,
            author_url=author_url,
        )
        for language in LANGUAGES
    }
