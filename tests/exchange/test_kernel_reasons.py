"""Reasons the kernels give as codes are worded by the application, in the active language,
and never carry the kernel's or a library's English detail."""

from __future__ import annotations

import numpy as np
import pytest

from cybercommons.exchange import media, services
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.kernel.hash_list import HashListError, SkipReason
from cybercommons.exchange.kernel_reasons import describe_skip, image_problem
from cybercommons.exchange.services import TextInput

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("error", "sentence"), [
    (HashListError(2, SkipReason.NOT_A_HASH, {"value": "zz"}),
     "not a PDQ hash (64 hexadecimal digits): “zz”"),
    (HashListError(3, SkipReason.UNREADABLE_CSV),
     "the line is not readable as CSV (check its quotes)"),
    (HashListError(4, SkipReason.COLUMN_COUNT, {"expected": 3, "found": 2}),
     "expected 3 columns as in the header, found 2"),
    (HashListError(5, SkipReason.BAD_QUALITY, {"value": "high"}),
     "the quality must be a whole number from 0 to 100, not “high”"),
])
def test_each_skip_reason_is_worded(error: HashListError, sentence: str) -> None:
    assert describe_skip(error) == sentence


def test_a_moderators_import_report_carries_codes_and_sentences(cast):
    report = services.import_hash_list(cast.moderator, name="l",
                                       lines=["hash,quality", "ab" * 32 + ",101"])
    assert report.skipped == [{
        "line": 2, "code": "bad_quality", "params": {"value": "101"},
        "message": "the quality must be a whole number from 0 to 100, not “101”"}]


def test_an_undecodable_upload_is_refused_in_words_of_the_application(cast):
    work = services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc0-1.0", texts=[TextInput("en", "W")])
    with pytest.raises(media.UploadRejected) as refused:
        services.add_media(cast.owner, work, data=b"\x00\x01 not an image", filename="x.png")
    assert refused.value.message == ("The file is not of a supported type, or the image "
                                     "could not be decoded.")
    assert refused.value.field == "file"


def test_image_problems_have_codes_from_the_kernel():
    with pytest.raises(pdq.PdqError) as garbage:
        pdq.open_image(b"garbage")
    assert garbage.value.code == pdq.PdqProblem.UNDECODABLE
    with pytest.raises(pdq.PdqError) as empty:
        pdq.hash_rgb_array(np.zeros((0, 4, 3), dtype=np.uint8))
    assert empty.value.code == pdq.PdqProblem.NO_PIXELS
    assert image_problem(empty.value) == "The image has no pixels."
    too_large = pdq.PdqError("x", code=pdq.PdqProblem.TOO_LARGE)
    assert image_problem(too_large) == "The image has too many pixels to be processed safely."
