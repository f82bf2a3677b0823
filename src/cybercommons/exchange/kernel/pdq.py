"""PDQ perceptual hashes of images, through the `pdqhash` binding of Meta's reference C++.

The pipeline is the one ThreatExchange's Python tools use, so that our hashes are
bit-for-bit the hashes that other platforms put on shared lists: Pillow decodes the file,
the image is converted to 8-bit RGB, and `pdqhash.compute` hashes the RGB array. The 256
bits are written as 64 hexadecimal digits, the first bit being the most significant bit of
the first digit. EXIF orientation is deliberately *not* applied: the reference tools do not
apply it either, and a rotated copy is found through the dihedral variants instead.

A hash comes with a quality score from 0 to 100 (how much gradient the image has). Flat or
tiny images give low-quality hashes that match far too much; ThreatExchange ignores hashes
whose quality is below 50, and so do we by default.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import pdqhash
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

HASH_BITS = 256
HASH_HEX_LENGTH = HASH_BITS // 4
#: ThreatExchange drops hashes below this quality (0-100 scale).
DEFAULT_QUALITY_THRESHOLD = 50

_HEX_RE = re.compile(r"[0-9a-fA-F]{64}")

#: The eight dihedral transforms, named as ThreatExchange names them, with the Pillow
#: transpose that produces each. ThreatExchange's FLIPX mirrors top to bottom and its FLIPY
#: mirrors left to right.
DIHEDRAL_TRANSFORMS: dict[str, Image.Transpose | None] = {
    "original": None,
    "rotate90": Image.Transpose.ROTATE_90,
    "rotate180": Image.Transpose.ROTATE_180,
    "rotate270": Image.Transpose.ROTATE_270,
    "flipx": Image.Transpose.FLIP_TOP_BOTTOM,
    "flipy": Image.Transpose.FLIP_LEFT_RIGHT,
    "flipplus1": Image.Transpose.TRANSPOSE,
    "flipminus1": Image.Transpose.TRANSVERSE,
}


class PdqProblem(StrEnum):
    """What went wrong, for the application to word in its reader's language."""

    UNDECODABLE = "undecodable"
    TOO_LARGE = "too_large"
    NO_PIXELS = "no_pixels"
    BAD_ARRAY = "bad_array"
    BAD_HASH = "bad_hash"
    BAD_BITS = "bad_bits"


class PdqError(ValueError):
    """An image could not be hashed, or a hash is not well formed.

    `code` (a `PdqProblem`) is what callers show to people, worded in their language; the
    message is English detail for logs and developers.
    """

    def __init__(self, message: str, *, code: PdqProblem) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class PdqHash:
    """One PDQ hash: 64 lower-case hex digits, its quality (0-100), and whether it is too
    low in quality to be matched (quality below the threshold used when hashing)."""

    hex: str
    quality: int
    low_quality: bool


def bits_to_hex(bits: NDArray[np.integer] | list[int]) -> str:
    """Write a vector of 256 bits (0/1) as 64 hex digits, first bit most significant."""
    array = np.asarray(bits)
    if array.shape != (HASH_BITS,):
        raise PdqError(f"a PDQ hash has {HASH_BITS} bits, got shape {array.shape}",
                       code=PdqProblem.BAD_BITS)
    if not np.isin(array, (0, 1)).all():
        raise PdqError("a PDQ bit vector may hold only 0 and 1", code=PdqProblem.BAD_BITS)
    return np.packbits(array.astype(np.uint8)).tobytes().hex()


def normalise_hex(value: str) -> str:
    """Return the hash in canonical form (64 lower-case hex digits) or raise PdqError."""
    text = value.strip()
    if not _HEX_RE.fullmatch(text):
        raise PdqError(f"a PDQ hash is 64 hexadecimal digits, got {value!r:.80}",
                       code=PdqProblem.BAD_HASH)
    return text.lower()


def hex_to_bits(value: str) -> NDArray[np.uint8]:
    """The 256 bits (0/1, first bit most significant) of a hex hash."""
    raw = np.frombuffer(bytes.fromhex(normalise_hex(value)), dtype=np.uint8)
    return np.unpackbits(raw)


def hamming_distance(left: str, right: str) -> int:
    """Number of differing bits (0-256) between two hex hashes."""
    return (int(normalise_hex(left), 16) ^ int(normalise_hex(right), 16)).bit_count()


def hash_rgb_array(
    rgb: NDArray[np.uint8], *, quality_threshold: int = DEFAULT_QUALITY_THRESHOLD
) -> PdqHash:
    """Hash an 8-bit RGB array of shape (height, width, 3)."""
    array = np.ascontiguousarray(rgb)
    if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
        raise PdqError(
            f"expected a uint8 array of shape (height, width, 3), got {array.dtype} {array.shape}",
            code=PdqProblem.BAD_ARRAY,
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise PdqError("the image has no pixels", code=PdqProblem.NO_PIXELS)
    bits, quality = pdqhash.compute(array)
    quality = int(quality)
    return PdqHash(bits_to_hex(bits), quality, quality < quality_threshold)


def hash_pil_image(
    image: Image.Image, *, quality_threshold: int = DEFAULT_QUALITY_THRESHOLD
) -> PdqHash:
    """Hash a decoded Pillow image of any mode (converted to RGB as the reference does)."""
    return hash_rgb_array(
        np.asarray(image.convert("RGB"), dtype=np.uint8), quality_threshold=quality_threshold
    )


def open_image(data: bytes | Path | str) -> Image.Image:
    """Decode image bytes or a file path with Pillow, raising PdqError with the reason.

    Pillow's decompression-bomb guard stays on: an image over its pixel limit is refused
    rather than decoded into gigabytes of memory.
    """
    source: io.BytesIO | Path | str = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PdqError(f"the image has too many pixels: {exc}", code=PdqProblem.TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PdqError(f"the image could not be decoded: {exc}",
                       code=PdqProblem.UNDECODABLE) from exc
    return image


def hash_image(
    data: bytes | Path | str, *, quality_threshold: int = DEFAULT_QUALITY_THRESHOLD
) -> PdqHash:
    """Hash an encoded image given as bytes or as a file path."""
    return hash_pil_image(open_image(data), quality_threshold=quality_threshold)


def hash_dihedral_variants(
    data: bytes | Path | str | Image.Image,
    *,
    quality_threshold: int = DEFAULT_QUALITY_THRESHOLD,
) -> dict[str, PdqHash]:
    """Hashes of the image in each of its eight rotations and mirror images.

    Why: a listed image that was re-uploaded rotated or mirrored differs in almost every
    bit from the original; hashing the eight variants of the upload finds it. The names
    are those of ThreatExchange's `--photo-preprocess=rotations` (see DIHEDRAL_TRANSFORMS).
    """
    image = data if isinstance(data, Image.Image) else open_image(data)
    rgb = image.convert("RGB")
    variants = {}
    for name, transpose in DIHEDRAL_TRANSFORMS.items():
        turned = rgb if transpose is None else rgb.transpose(transpose)
        variants[name] = hash_pil_image(turned, quality_threshold=quality_threshold)
    return variants
