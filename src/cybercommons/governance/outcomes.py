"""What a decision's outcome code means to a reader, in the active language.

The kernel names outcomes by code (``kernel.decision_rules.Outcome``). The result page,
the explanations and the notifications sent when a decision is published all need the
same words for them, so they live here, in a module that imports nothing else of the
governance app: the services can use it without importing the page-side helpers.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OUTCOME_LABELS: dict[str, Promise] = {
    "adopted": gettext_lazy("adopted"), "rejected": gettext_lazy("rejected"),
    "elected": gettext_lazy("elected"),
    "tie": gettext_lazy("a tie, reported as such"),
    "no_eligible_voters": gettext_lazy("no eligible voters"),
}


def outcome_label(code: str) -> str:
    """The outcome in the active language; the bare code when this version does not
    know it (a result stored by a later version)."""
    label = OUTCOME_LABELS.get(code)
    return code if label is None else str(label)


def decision_published(title: str, outcome: str) -> str:
    """The sentence telling a participant that a consultation's result is out."""
    return _("The result of %(title)s is published: %(outcome)s.") % {
        "title": title, "outcome": outcome_label(outcome)}
