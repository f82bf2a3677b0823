"""Reasons given by the exchange kernels as codes, worded here in the reader's language.

The kernels (hash-list parsing, image hashing) say what went wrong as a code with
parameters and never as a sentence: a moderator in Cairo reads why a line of a hash list was
skipped in Arabic, and the same report read through the API or the CLI carries the code for
programs and the sentence for people.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from cybercommons.exchange.kernel.hash_list import HashListError, SkipReason
from cybercommons.exchange.kernel.pdq import PdqError, PdqProblem


def skip_reason(code: str, params: Mapping[str, object]) -> str:
    """Why a line of a hash list was skipped, in the active language."""
    if code == SkipReason.NOT_A_HASH:
        return _("not a PDQ hash (64 hexadecimal digits): “%(value)s”") % {
            "value": params.get("value", "")}
    if code == SkipReason.UNREADABLE_CSV:
        return _("the line is not readable as CSV (check its quotes)")
    if code == SkipReason.COLUMN_COUNT:
        return _("expected %(expected)s columns as in the header, found %(found)s") % {
            "expected": params.get("expected", "?"), "found": params.get("found", "?")}
    if code == SkipReason.BAD_QUALITY:
        return _("the quality must be a whole number from 0 to 100, not “%(value)s”") % {
            "value": params.get("value", "")}
    return _("the line could not be read")


def describe_skip(error: HashListError) -> str:
    return skip_reason(error.code, error.params)


def image_problem(error: PdqError) -> str:
    """Why an image could not be taken, in the active language."""
    if error.code == PdqProblem.TOO_LARGE:
        return _("The image has too many pixels to be processed safely.")
    if error.code == PdqProblem.NO_PIXELS:
        return _("The image has no pixels.")
    return _("The file is not of a supported type, or the image could not be decoded.")
