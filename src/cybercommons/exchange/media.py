"""Checking uploaded files by their content, and making image thumbnails.

The name and the type a browser claims are never trusted: images must decode with Pillow
(whose decompression-bomb guard stays on), other files must start with the magic number of
a format we accept. A file whose claimed type disagrees with its content is refused as
mislabelled.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from cybercommons.core.errors import ServiceError
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.kernel_reasons import image_problem
from cybercommons.exchange.models import WorkKind

MB = 1024 * 1024
#: Largest accepted file per kind of work, in bytes (EXCHANGE_MAX_UPLOAD_BYTES overrides).
DEFAULT_LIMITS = {
    WorkKind.IMAGE: 20 * MB,
    WorkKind.AUDIO: 100 * MB,
    WorkKind.VIDEO: 500 * MB,
    WorkKind.DOCUMENT: 50 * MB,
    WorkKind.ARTICLE: 20 * MB,
}
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
               "WEBP": "image/webp", "TIFF": "image/tiff"}
THUMBNAIL_SIZE = (480, 480)


class UploadRejected(ServiceError):
    """An upload refused, with the reason."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    image: Image.Image | None = None


def size_limit(kind: str) -> int:
    configured = getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", None)
    if isinstance(configured, dict) and kind in configured:
        return int(configured[kind])
    if isinstance(configured, int):
        return configured
    return DEFAULT_LIMITS.get(WorkKind(kind), 20 * MB)


def sniff(data: bytes) -> str | None:
    """The content type of a non-image file from its first bytes, or None if unknown."""
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


_KIND_TYPES = {
    WorkKind.IMAGE: ("image/",),
    WorkKind.AUDIO: ("audio/",),
    WorkKind.VIDEO: ("video/",),
    WorkKind.DOCUMENT: ("application/pdf", "image/"),
    WorkKind.ARTICLE: ("image/", "application/pdf"),
}


def check_upload(data: bytes, *, kind: str, declared_type: str = "") -> CheckedFile:
    """Check an upload for a work of ``kind``; raise UploadRejected with the reason."""
    limit = size_limit(kind)
    if not data:
        raise UploadRejected(_("The file is empty."), field="file")
    if len(data) > limit:
        raise UploadRejected(
            _("The file is %(size)d bytes; the limit for this type of work is %(limit)d bytes.")
            % {"size": len(data), "limit": limit}, field="file")
    image: Image.Image | None = None
    content_type = sniff(data)
    if content_type is None:
        try:
            image = pdq.open_image(data)
        except pdq.PdqError as error:
            raise UploadRejected(image_problem(error), field="file") from None
        content_type = IMAGE_TYPES.get(image.format or "")
        if content_type is None:
            raise UploadRejected(_("Images must be JPEG, PNG, GIF, WebP or TIFF."), field="file")
    declared = declared_type.split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and declared != content_type:
        raise UploadRejected(
            _("The file says it is %(declared)s but its content is %(actual)s.")
            % {"declared": declared, "actual": content_type}, field="file")
    if not content_type.startswith(_KIND_TYPES[WorkKind(kind)]):
        raise UploadRejected(
            _("A file of type %(type)s does not fit a work of this type.")
            % {"type": content_type}, field="file")
    return CheckedFile(
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        width=image.width if image else None, height=image.height if image else None,
        image=image,
    )


def thumbnail(image: Image.Image) -> bytes:
    """A WebP thumbnail no larger than THUMBNAIL_SIZE."""
    copy = image.convert("RGB")
    copy.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=80)
    return out.getvalue()
