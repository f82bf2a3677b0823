"""Draft text as HTML: Markdown rendered then sanitised, and readable word-level diffs."""

from __future__ import annotations

import difflib
import re

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "h3",
                 "h4", "h5", "h6", "a", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
                 "sup", "sub", "del", "ins"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitised: drafts come from participants, so no script,
    style, event handler or raw HTML they type survives."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"],
                             output_format="html")
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow")
    return mark_safe(clean)  # sanitised by nh3 just above


_TOKEN = re.compile(r"\s+|[^\s]+")


def diff_html(old: str, new: str) -> SafeString:
    """A word-level diff: removed words in ``<del>``, added ones in ``<ins>``, everything
    escaped, so a reader sees exactly what an amendment changes."""
    a = _TOKEN.findall(old or "")
    b = _TOKEN.findall(new or "")
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece escaped above


def diff_stats(old: str, new: str) -> dict[str, int]:
    """Words removed and added, for a one-line summary beside the diff."""
    a = _TOKEN.findall(old or "")
    b = _TOKEN.findall(new or "")
    removed = added = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            removed += sum(1 for t in a[i1:i2] if not t.isspace())
        if op in ("insert", "replace"):
            added += sum(1 for t in b[j1:j2] if not t.isspace())
    return {"removed": removed, "added": added}
