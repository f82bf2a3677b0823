"""PDQ hashing: hex form, quality flag, bad input, and the reference hashes of ThreatExchange."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cybercommons.exchange.kernel import pdq

DIHEDRAL_FILES = {
    "original": "bridge-1-original.jpg",
    "rotate90": "bridge-2-rotate-90.jpg",
    "rotate180": "bridge-3-rotate-180.jpg",
    "rotate270": "bridge-4-rotate-270.jpg",
    "flipx": "bridge-5-flipx.jpg",
    "flipy": "bridge-6-flipy.jpg",
    "flipplus1": "bridge-7-flip-plus-1.jpg",
    "flipminus1": "bridge-8-flip-minus-1.jpg",
}
#: PIL transpose names as written in the `preprocess` column of expected_hashes.csv.
PREPROCESS_TO_VARIANT = {
    "none": "original",
    "PIL Image.transpose(Image.Transpose.ROTATE_90)": "rotate90",
    "PIL Image.transpose(Image.Transpose.ROTATE_180)": "rotate180",
    "PIL Image.transpose(Image.Transpose.ROTATE_270)": "rotate270",
    "PIL Image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)": "flipx",
    "PIL Image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)": "flipy",
    "PIL Image.transpose(Image.Transpose.TRANSPOSE)": "flipplus1",
    "PIL Image.transpose(Image.Transpose.TRANSVERSE)": "flipminus1",
}


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _gradient_image() -> Image.Image:
    ramp = np.linspace(0, 255, 64, dtype=np.uint8)
    rgb = np.stack([np.tile(ramp, (64, 1))] * 3, axis=-1)
    rgb[16:48, 16:48] = 255 - rgb[16:48, 16:48]
    return Image.fromarray(rgb, "RGB")


def test_it_writes_the_first_bit_as_the_most_significant_bit() -> None:
    bits = np.zeros(256, dtype=np.uint8)
    bits[0] = 1
    bits[255] = 1
    assert pdq.bits_to_hex(bits) == "8" + "0" * 62 + "1"


def test_it_round_trips_bits_through_hex() -> None:
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2, 256).astype(np.uint8)
    assert (pdq.hex_to_bits(pdq.bits_to_hex(bits)) == bits).all()


def test_it_counts_differing_bits() -> None:
    assert pdq.hamming_distance("0" * 64, "f" + "0" * 62 + "3") == 6
    assert pdq.hamming_distance("F" * 64, "f" * 64) == 0


@pytest.mark.parametrize("bad", ["", "abc", "g" * 64, "0" * 63, "0" * 65])
def test_it_refuses_a_malformed_hash(bad: str) -> None:
    with pytest.raises(pdq.PdqError, match="64 hexadecimal digits"):
        pdq.normalise_hex(bad)


def test_it_flags_a_flat_image_as_low_quality() -> None:
    flat = Image.new("RGB", (64, 64), (120, 120, 120))
    result = pdq.hash_image(_png_bytes(flat))
    assert result.quality < pdq.DEFAULT_QUALITY_THRESHOLD
    assert result.low_quality


def test_it_uses_the_configured_quality_threshold() -> None:
    image = _gradient_image()
    result = pdq.hash_pil_image(image)
    assert result.quality >= 50
    assert not result.low_quality
    stricter = pdq.hash_pil_image(image, quality_threshold=result.quality + 1)
    assert stricter.low_quality
    assert stricter.hex == result.hex


def test_it_hashes_bytes_and_the_decoded_image_alike() -> None:
    image = _gradient_image()
    assert pdq.hash_image(_png_bytes(image)) == pdq.hash_pil_image(image)


def test_it_refuses_bytes_that_are_not_an_image() -> None:
    with pytest.raises(pdq.PdqError, match="could not be decoded"):
        pdq.hash_image(b"%PDF-1.7 this is not an image")


def test_it_refuses_a_truncated_image() -> None:
    data = _png_bytes(_gradient_image())
    with pytest.raises(pdq.PdqError, match="could not be decoded"):
        pdq.hash_image(data[: len(data) // 2])


def test_it_refuses_an_array_that_is_not_rgb() -> None:
    with pytest.raises(pdq.PdqError, match="uint8 array"):
        pdq.hash_rgb_array(np.zeros((8, 8), dtype=np.uint8))


def test_it_hashes_a_rotated_copy_as_the_matching_dihedral_variant() -> None:
    image = _gradient_image()
    variants = pdq.hash_dihedral_variants(image)
    rotated = pdq.hash_pil_image(image.transpose(Image.Transpose.ROTATE_90))
    assert variants["rotate90"] == rotated
    assert len(variants) == 8


@functools.cache
def _hash_as_preprocessed(path: Path, preprocess: str) -> pdq.PdqHash:
    if preprocess == "none":
        return pdq.hash_image(path)
    return pdq.hash_dihedral_variants(path)[PREPROCESS_TO_VARIANT[preprocess]]


def _expected_rows(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "pdq" / "expected_hashes.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["pdqhash_0_2_8_pdq_hex"]]


@pytest.mark.realdata
def test_it_reproduces_the_pdqhash_reference_hashes_exactly(shared_data: Path) -> None:
    rows = _expected_rows(shared_data)
    assert len(rows) >= 60
    for row in rows:
        got = _hash_as_preprocessed(shared_data / "pdq" / row["image"], row["preprocess"])
        assert got.hex == row["pdqhash_0_2_8_pdq_hex"], row["image"]
        assert got.quality == int(row["pdqhash_0_2_8_quality"]), row["image"]


@pytest.mark.realdata
def test_it_stays_within_16_bits_of_the_other_implementations(shared_data: Path) -> None:
    for row in _expected_rows(shared_data):
        got = _hash_as_preprocessed(shared_data / "pdq" / row["image"], row["preprocess"])
        distance = pdq.hamming_distance(got.hex, row["expected_pdq_hex"])
        assert distance <= 16, (row["image"], row["expected_by_implementation"], distance)
        if "exact equality" in row["expected_by_implementation"]:
            assert distance == 0, row["image"]


@pytest.mark.realdata
def test_it_reports_the_low_quality_of_the_16_bit_grey_image(shared_data: Path) -> None:
    result = pdq.hash_image(shared_data / "pdq" / "python-threatexchange-resources" / "I16.png")
    assert result.quality == 36
    assert result.low_quality


@pytest.mark.realdata
def test_it_finds_each_transformed_bridge_photo_among_the_dihedral_variants(
    shared_data: Path,
) -> None:
    folder = shared_data / "pdq" / "reg-test-input" / "dih"
    variants = pdq.hash_dihedral_variants(folder / DIHEDRAL_FILES["original"])
    for name, filename in DIHEDRAL_FILES.items():
        photo = pdq.hash_image(folder / filename)
        distances = {
            other: pdq.hamming_distance(photo.hex, variant.hex)
            for other, variant in variants.items()
        }
        assert distances[name] <= 16, (filename, distances)
        # every other variant is far away: the transform is what makes the match
        assert min(d for other, d in distances.items() if other != name) > 31, filename
