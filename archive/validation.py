"""The upload decision: may this file enter the archive as the kind the contributor chose?

The content decides, never the name or MIME type a client sends (those must agree with it).
A file is read once, in chunks, counted and hashed, and refused as soon as it passes its
kind's limit; then it is opened for real: Pillow reads a photo's header (pixel limit before
anything is decoded), mutagen a recording's (which also gives its length). What a format is
lives in archive/formats.py.
"""

import hashlib
import math
import re
import struct
import tempfile
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from PIL import Image, UnidentifiedImageError

from archive.formats import (
    ACCEPTED_TYPES,
    KNOWN_MIMES,
    M4A,
    MP4,
    MP4_MEDIA,
    SNIFF_BYTES,
    DetectedType,
    MediaKind,
    Unreadable,
    read_iso_tracks,
    recording_length,
    sniff,
)

# Files are read this much at a time: the most a refusal for size can read past the limit.
CHUNK_SIZE = 64 * 1024

DEFAULT_MAX_UPLOAD_BYTES = {
    "photo": 50 * 1024**2,
    "audio": 2 * 1024**3,
    "video": 2 * 1024**3,
    "document": 100 * 1024**2,
}
DEFAULT_MAX_IMAGE_PIXELS = 100_000_000

# The kind as it reads inside a sentence ("This file is not a photo").
_KIND_IN_SENTENCE = {
    MediaKind.PHOTO: _("a photo"),
    MediaKind.AUDIO: _("an audio recording"),
    MediaKind.VIDEO: _("a video"),
    MediaKind.DOCUMENT: _("a document"),
}
# What clients send when they do not know: no claim about the content at all.
_GENERIC_MIMES = {"application/octet-stream", "binary/octet-stream", "application/unknown"}
# The Pillow plugins allowed to read each photo format (the JPEG one also opens the "MPO"
# multi-picture JPEGs of some phones and cameras).
_PILLOW_FORMATS = {
    "jpeg": ("JPEG",),
    "png": ("PNG",),
    "tiff": ("TIFF",),
    "webp": ("WEBP",),
    "heic": ("HEIF",),
}
_PHOTO_PILLOW_FORMATS = tuple(f for formats in _PILLOW_FORMATS.values() for f in formats)


# --- Validation ------------------------------------------------------------------------------
class UploadRejected(ValidationError):
    """A file refused by `validate_upload`. `code` says why (empty, too_large, unrecognised,
    not_accepted, wrong_kind, name_mismatch, type_mismatch, damaged, too_many_pixels); the
    message, translated, says it to the contributor. `detected` is what the content was
    recognised as when it is another kind of file (wrong_kind)."""

    detected: DetectedType | None = None


@dataclass(frozen=True)
class ValidatedFile:
    """What an accepted file is, measured on its content. `extension` is ours, not the
    contributor's: use it with `generated_name`."""

    kind: MediaKind
    format: str
    mime: str
    extension: str
    size: int
    sha256: str
    duration_seconds: int | None = None


def max_upload_bytes(*, kind: MediaKind | str) -> int:
    """The byte limit for a kind (settings.ARCHIVE_MAX_UPLOAD_BYTES), e.g. for a presigned
    upload policy."""
    kind = MediaKind(kind)
    limits = getattr(settings, "ARCHIVE_MAX_UPLOAD_BYTES", {})
    return limits.get(kind.value, DEFAULT_MAX_UPLOAD_BYTES[kind.value])


def max_image_pixels() -> int:
    return getattr(settings, "ARCHIVE_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def validate_upload(
    fileobj: BinaryIO,
    *,
    kind: MediaKind | str,
    claimed_name: str = "",
    claimed_mime: str = "",
    max_bytes: int | None = None,
) -> ValidatedFile:
    """Check that `fileobj` holds a file of an accepted format for `kind`, within the limits
    (`max_bytes`, default the kind's), and measure it; raise UploadRejected otherwise.

    Photos and recordings are opened by seeking in them: pass a seekable file (a stream that
    cannot seek is copied aside, to disk past 1 MiB, as it is read). A seekable `fileobj` is
    left at its start, ready to be stored.
    """
    kind = MediaKind(kind)
    limit = max_upload_bytes(kind=kind) if max_bytes is None else max_bytes
    seekable = _is_seekable(fileobj)
    if seekable:
        fileobj.seek(0)
    needs_copy = kind != MediaKind.DOCUMENT and not seekable
    try:
        with (
            tempfile.SpooledTemporaryFile(max_size=16 * CHUNK_SIZE) if needs_copy else nullcontext()
        ) as copy:
            return _validate(
                fileobj,
                kind=kind,
                limit=limit,
                claimed_name=claimed_name,
                claimed_mime=claimed_mime,
                copy=copy,
            )
    finally:
        if seekable:
            fileobj.seek(0)


def _validate(fileobj, *, kind, limit, claimed_name, claimed_mime, copy):
    head = _read_head(fileobj)
    if not head:
        raise UploadRejected(_("The file is empty."), code="empty")
    detected = sniff(head)
    # A generic MP4 may turn out to hold sound only: the tracks decide, once read.
    candidates = (MP4, M4A) if detected is MP4 else (detected,) if detected else ()
    if not any(candidate.kind == kind for candidate in candidates):
        raise _not_of_kind(MP4_MEDIA if detected is MP4 else detected, kind)
    if len(candidates) == 1:
        _check_claims(detected, claimed_name, claimed_mime)

    sha256 = hashlib.sha256()
    size = 0
    chunk = head
    while chunk:
        size += len(chunk)
        if size > limit:
            raise UploadRejected(
                _("This file is too large: %(kind)s may be at most %(limit)s."),
                code="too_large",
                params={"kind": _KIND_IN_SENTENCE[kind], "limit": filesizeformat(limit)},
            )
        sha256.update(chunk)
        if copy is not None:
            copy.write(chunk)
        chunk = fileobj.read(CHUNK_SIZE)

    source = fileobj if copy is None else copy
    seconds = None
    if kind == MediaKind.PHOTO:
        source.seek(0)
        # Opening is the check: header read, pixel limit enforced, nothing decoded.
        with open_photo(
            source, formats=_PILLOW_FORMATS[detected.format], content=detected.description
        ):
            pass
    elif kind in (MediaKind.AUDIO, MediaKind.VIDEO):
        try:
            if detected.format in ("mp4", "m4a"):
                detected, seconds = read_iso_tracks(source, detected)
                if detected.kind != kind:
                    raise _not_of_kind(detected, kind)
                _check_claims(detected, claimed_name, claimed_mime)
            else:
                seconds = recording_length(source, detected)
        except Unreadable as error:
            raise _damaged(detected.description) from error
    return ValidatedFile(
        kind=kind,
        format=detected.format,
        mime=detected.mime,
        extension=detected.extension,
        size=size,
        sha256=sha256.hexdigest(),
        duration_seconds=_whole_seconds(seconds),
    )


def _whole_seconds(seconds: float | None) -> int | None:
    # A length the file cannot vouch for (none, zero, infinite) is no length.
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    return max(1, round(seconds))


def _is_seekable(fileobj) -> bool:
    try:
        return bool(fileobj.seekable())
    except AttributeError:
        return hasattr(fileobj, "seek")


def _read_head(fileobj) -> bytes:
    # read() may return less than asked (pipes, sockets): ask again until the head is full.
    head = b""
    while len(head) < SNIFF_BYTES:
        more = fileobj.read(SNIFF_BYTES - len(head))
        if not more:
            break
        head += more
    return head


def _not_of_kind(detected: DetectedType | None, kind: MediaKind) -> UploadRejected:
    params = {
        "kind": _KIND_IN_SENTENCE[kind],
        "accepted": ", ".join(t.name for t in ACCEPTED_TYPES if t.kind == kind),
    }
    if detected is None:
        return UploadRejected(
            _(
                "This file is not %(kind)s in an accepted format: its content was not "
                "recognised. Accepted formats: %(accepted)s."
            ),
            code="unrecognised",
            params=params,
        )
    params["content"] = detected.description
    if detected.kind is None:
        return UploadRejected(
            _(
                "This file is not %(kind)s: its content is %(content)s, which is not accepted. "
                "Accepted formats: %(accepted)s."
            ),
            code="not_accepted",
            params=params,
        )
    params["other_kind"] = _KIND_IN_SENTENCE[detected.kind]
    if detected is MP4_MEDIA:
        params["other_kind"] = _("a video or an audio recording")
    error = UploadRejected(
        _("This file is not %(kind)s: its content is %(content)s. Add it as %(other_kind)s."),
        code="wrong_kind",
        params=params,
    )
    error.detected = detected
    return error


def _check_claims(detected: DetectedType, claimed_name: str, claimed_mime: str) -> None:
    # Only the last component of a name counts, whichever separator the client's system uses.
    base = re.split(r"[\\/]", claimed_name or "")[-1].strip().rstrip(".")
    stem, dot, extension = base.rpartition(".")
    extension = extension.lower() if dot and stem else ""
    if extension and extension not in detected.extensions:
        raise UploadRejected(
            _("The file's content (%(content)s) does not match its name (%(extension)s)."),
            code="name_mismatch",
            params={"content": detected.label, "extension": f".{extension}"},
        )
    mime = (claimed_mime or "").partition(";")[0].strip().lower()
    if not mime or mime in _GENERIC_MIMES or mime == detected.mime or mime in detected.mimes:
        return
    # Browsers and systems spell MIME types many ways (audio/x-mpeg-3...): refuse only a type
    # that names another known format or another family (an image sent as audio).
    family = mime.partition("/")[0]
    if mime in KNOWN_MIMES or (
        family in ("image", "audio", "video", "text", "font", "model")
        and family != detected.mime.partition("/")[0]
    ):
        raise UploadRejected(
            _(
                "The file's content (%(content)s) does not match the type it was sent as "
                "(%(mime)s)."
            ),
            code="type_mismatch",
            params={"content": detected.label, "mime": mime},
        )


def _damaged(content) -> UploadRejected:
    return UploadRejected(
        _("This file looks like %(content)s but cannot be read: it may be damaged or incomplete."),
        code="damaged",
        params={"content": content},
    )


def _too_many_pixels(pixels: int | None, limit: int) -> UploadRejected:
    params = {"limit": f"{limit / 1e6:g}"}
    if pixels is None:
        message = _("This image has too many pixels: at most %(limit)s million are accepted.")
    else:
        params["pixels"] = f"{pixels / 1e6:g}"
        message = _(
            "This image has too many pixels (%(pixels)s million): at most %(limit)s million "
            "are accepted."
        )
    return UploadRejected(message, code="too_many_pixels", params=params)


@cache
def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


@contextmanager
def open_photo(source, *, formats=_PHOTO_PILLOW_FORMATS, content=None):
    """Open a photo with Pillow, header only, refusing it if it declares more pixels than
    ARCHIVE_MAX_IMAGE_PIXELS before anything is decoded. Frames count, except the small MPO
    previews of phone JPEGs; our limit decides, so Pillow's own bomb warning is silenced."""
    _register_heif()
    content = content or _KIND_IN_SENTENCE[MediaKind.PHOTO]
    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(source, formats=formats)
        with image:
            frames = 1 if image.format == "MPO" else getattr(image, "n_frames", 1)
            pixels = image.width * image.height * frames
            if pixels > limit:
                raise _too_many_pixels(pixels, limit)
            yield image
    except Image.DecompressionBombError:
        if Image.MAX_IMAGE_PIXELS:
            limit = min(limit, 2 * Image.MAX_IMAGE_PIXELS)
        raise _too_many_pixels(None, limit) from None
    except (
        UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError,
        struct.error, RuntimeError,
    ) as error:  # fmt: skip
        raise _damaged(content) from error
