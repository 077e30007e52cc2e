"""What an uploaded file really is, decided by its bytes, and what may be made public of it.

Nothing here trusts a file's name or the MIME type the client sent. `validate_upload` reads
the first bytes to recognise the format, then streams the rest once, in chunks, counting and
hashing on the way: the file is never held in memory, and a file over its kind's byte limit is
refused as soon as the limit is passed. Only the formats of the allow-list for the chosen kind
get through; the name and MIME type given by the client must agree with the content, never the
other way round. Photos are also opened with Pillow, which reads the header only, so that an
image declaring too many pixels (a decompression bomb) is refused before anything is decoded.

Also here, for what happens after validation: storage keys that never contain the
contributor's file name, a copy of a photo without personal metadata for public derivatives,
and the GPS position a contributor may copy to the item's place.
"""

import hashlib
import io
import math
import re
import struct
import tempfile
import uuid
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import cache
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from PIL import ExifTags, Image, UnidentifiedImageError

# How much of the head `sniff` looks at. Most signatures sit in the first 16 bytes; the longest
# needs are the brand list of an MP4/HEIC `ftyp` box, the DocType of a WebM header and the first
# entry name of a ZIP (all within ~100 bytes), two consecutive MP3 frames (one is at most 1,441
# bytes) so that a stray FF Ex byte pair is not taken for audio, the codec-naming first pages of
# an Ogg file, and the root element of an SVG/HTML/XML file after its XML declaration, comments
# and DOCTYPE. 4 KiB covers all of these for real files; what lies beyond could only sharpen the
# wording of a refusal, never turn one into an acceptance.
SNIFF_BYTES = 4 * 1024
# Files are read this much at a time: the most a refusal for size can read past the limit.
CHUNK_SIZE = 64 * 1024

DEFAULT_MAX_UPLOAD_BYTES = {
    "photo": 50 * 1024**2,
    "audio": 2 * 1024**3,
    "video": 2 * 1024**3,
    "document": 100 * 1024**2,
}
DEFAULT_MAX_IMAGE_PIXELS = 100_000_000


class Kind(models.TextChoices):
    """What a contributor says a file is. The content has to agree."""

    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio recording")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


# The kind as it reads inside a sentence ("This file is not a photo").
_KIND_IN_SENTENCE = {
    Kind.PHOTO: _("a photo"),
    Kind.AUDIO: _("an audio recording"),
    Kind.VIDEO: _("a video"),
    Kind.DOCUMENT: _("a document"),
}


@dataclass(frozen=True)
class DetectedType:
    """A format recognised from a file's first bytes.

    `kind` is None for content recognised only so that a refusal can say what the file really
    is (SVG, web pages, programs, archives...). `extensions` and `mimes` list what a client may
    call such a file (the first extension is the one stored names get); `name` is the short
    name used in lists of accepted formats.
    """

    format: str
    name: str
    label: str
    description: str
    kind: Kind | None
    mime: str
    extensions: tuple[str, ...] = ()
    mimes: tuple[str, ...] = ()

    @property
    def extension(self) -> str:
        return self.extensions[0] if self.extensions else ""

    def __str__(self) -> str:
        return str(self.label)


def _type(format, name, label, description, kind, mime, extensions=(), mimes=()):
    return DetectedType(format, name, label, description, kind, mime, extensions, mimes)


# --- Accepted formats ------------------------------------------------------------------------
JPEG = _type(
    "jpeg", "JPEG", _("JPEG image"), _("a JPEG image"), Kind.PHOTO, "image/jpeg",
    ("jpg", "jpeg", "jpe", "jfif"), ("image/pjpeg", "image/jpg"),
)  # fmt: skip
PNG = _type(
    "png", "PNG", _("PNG image"), _("a PNG image"), Kind.PHOTO, "image/png",
    ("png",), ("image/x-png", "image/apng"),
)  # fmt: skip
TIFF = _type(
    "tiff", "TIFF", _("TIFF image"), _("a TIFF image"), Kind.PHOTO, "image/tiff",
    ("tif", "tiff"), ("image/tif", "image/x-tiff"),
)  # fmt: skip
WEBP = _type(
    "webp", "WebP", _("WebP image"), _("a WebP image"), Kind.PHOTO, "image/webp", ("webp",)
)
HEIC = _type(
    "heic", "HEIC", _("HEIC image"), _("a HEIC image"), Kind.PHOTO, "image/heic",
    ("heic", "heif", "hif"), ("image/heif", "image/heic-sequence", "image/heif-sequence"),
)  # fmt: skip
MP3 = _type(
    "mp3", "MP3", _("MP3 audio recording"), _("an MP3 audio recording"), Kind.AUDIO,
    "audio/mpeg", ("mp3",), ("audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg"),
)  # fmt: skip
# An MP4 file holding sound only. `.mp4` and video/mp4 are fine names for it: same container.
M4A = _type(
    "m4a", "M4A", _("M4A audio recording"), _("an M4A audio recording"), Kind.AUDIO,
    "audio/mp4", ("m4a", "m4b", "mp4"), ("audio/x-m4a", "audio/m4a", "video/mp4"),
)  # fmt: skip
AAC = _type(
    "aac", "AAC", _("AAC audio recording"), _("an AAC audio recording"), Kind.AUDIO,
    "audio/aac", ("aac", "adts"), ("audio/x-aac", "audio/aacp", "audio/vnd.dlna.adts"),
)  # fmt: skip
WAV = _type(
    "wav", "WAV", _("WAV audio recording"), _("a WAV audio recording"), Kind.AUDIO,
    "audio/wav", ("wav", "wave"), ("audio/x-wav", "audio/wave", "audio/vnd.wave"),
)  # fmt: skip
OGG = _type(
    "ogg", "Ogg", _("Ogg audio recording"), _("an Ogg audio recording"), Kind.AUDIO,
    "audio/ogg", ("ogg", "oga", "opus", "spx"), ("audio/opus", "application/ogg", "video/ogg"),
)  # fmt: skip
OGG_OPUS = replace(OGG, extensions=("opus", "ogg", "oga"))
FLAC = _type(
    "flac", "FLAC", _("FLAC audio recording"), _("a FLAC audio recording"), Kind.AUDIO,
    "audio/flac", ("flac",), ("audio/x-flac",),
)  # fmt: skip
MP4 = _type(
    "mp4", "MP4", _("MP4 video"), _("an MP4 video"), Kind.VIDEO, "video/mp4",
    ("mp4", "m4v"), ("video/x-m4v", "application/mp4"),
)  # fmt: skip
# A generic MP4 before its tracks are read: video or sound, only used to word a refusal.
MP4_MEDIA = replace(MP4, label=_("MP4 file"), description=_("an MP4 file (video or sound)"))
WEBM = _type(
    "webm", "WebM", _("WebM video"), _("a WebM video"), Kind.VIDEO, "video/webm",
    ("webm",), ("audio/webm",),
)  # fmt: skip
PDF = _type(
    "pdf", "PDF", _("PDF document"), _("a PDF document"), Kind.DOCUMENT, "application/pdf",
    ("pdf",), ("application/x-pdf", "application/acrobat"),
)  # fmt: skip

_ACCEPTED = (JPEG, PNG, TIFF, WEBP, HEIC, MP3, M4A, AAC, WAV, OGG, FLAC, MP4, WEBM, PDF)
ALLOWED: dict[Kind, dict[str, str]] = {
    kind: {t.format: t.mime for t in _ACCEPTED if t.kind == kind} for kind in Kind
}

# --- Recognised only to be named in a refusal ------------------------------------------------
SVG = _type(
    "svg", "SVG", _("SVG drawing"), _("an SVG drawing"), None, "image/svg+xml", ("svg", "svgz")
)
HTML = _type(
    "html", "HTML", _("web page (HTML)"), _("a web page (HTML)"), None, "text/html",
    ("html", "htm", "xhtml"), ("application/xhtml+xml",),
)  # fmt: skip
XML = _type(
    "xml", "XML", _("XML document"), _("an XML document"), None, "application/xml",
    ("xml",), ("text/xml",),
)  # fmt: skip
TEXT = _type("text", "text", _("text file"), _("a text file"), None, "text/plain", ("txt",))
SCRIPT = _type("script", "script", _("script"), _("a script"), None, "text/x-script", ("sh",))
RTF = _type(
    "rtf", "RTF", _("RTF document"), _("an RTF document"), None, "application/rtf", ("rtf",)
)
GIF = _type("gif", "GIF", _("GIF image"), _("a GIF image"), None, "image/gif", ("gif",))
BMP = _type("bmp", "BMP", _("BMP image"), _("a BMP image"), None, "image/bmp", ("bmp",))
AVIF = _type("avif", "AVIF", _("AVIF image"), _("an AVIF image"), None, "image/avif", ("avif",))
PSD = _type(
    "psd", "PSD", _("Photoshop document"), _("a Photoshop document"), None,
    "image/vnd.adobe.photoshop", ("psd",),
)  # fmt: skip
RAW = _type(
    "raw", "RAW", _("camera raw photo"), _("a camera raw photo"), None, "image/x-canon-cr2",
    ("cr2", "cr3"),
)  # fmt: skip
AIFF = _type(
    "aiff", "AIFF", _("AIFF audio recording"), _("an AIFF audio recording"), None,
    "audio/aiff", ("aif", "aiff", "aifc"),
)  # fmt: skip
QUICKTIME = _type(
    "mov", "QuickTime", _("QuickTime movie"), _("a QuickTime movie"), None, "video/quicktime",
    ("mov", "qt"),
)  # fmt: skip
THREEGP = _type("3gp", "3GP", _("3GP video"), _("a 3GP video"), None, "video/3gpp", ("3gp", "3g2"))
MATROSKA = _type(
    "mkv", "Matroska", _("Matroska video"), _("a Matroska video"), None, "video/x-matroska",
    ("mkv", "mka"),
)  # fmt: skip
AVI = _type("avi", "AVI", _("AVI video"), _("an AVI video"), None, "video/x-msvideo", ("avi",))
OGG_VIDEO = _type(
    "ogv", "Ogg video", _("Ogg video"), _("an Ogg video"), None, "video/ogg", ("ogv",)
)
ZIP = _type("zip", "ZIP", _("ZIP archive"), _("a ZIP archive"), None, "application/zip", ("zip",))
ARCHIVE = _type(
    "archive", "archive", _("compressed archive"), _("a compressed archive"), None,
    "application/gzip", ("gz", "tgz", "7z", "rar"),
)  # fmt: skip
OFFICE = _type(
    "office", "Office", _("Microsoft Office document"), _("a Microsoft Office document"), None,
    "application/vnd.openxmlformats-officedocument", ("docx", "xlsx", "pptx"),
)  # fmt: skip
OLD_OFFICE = _type(
    "ole", "Office 97-2003", _("Microsoft Office 97-2003 document"),
    _("a Microsoft Office 97-2003 document"), None, "application/msword", ("doc", "xls", "ppt"),
)  # fmt: skip
OPENDOCUMENT = _type(
    "odf", "OpenDocument", _("OpenDocument file"), _("an OpenDocument file"), None,
    "application/vnd.oasis.opendocument", ("odt", "ods", "odp"),
)  # fmt: skip
EPUB = _type(
    "epub", "EPUB", _("e-book (EPUB)"), _("an e-book (EPUB)"), None, "application/epub+zip"
)
EXE = _type(
    "exe", "EXE", _("Windows program"), _("a Windows program"), None,
    "application/vnd.microsoft.portable-executable", ("exe", "dll"),
)  # fmt: skip
ELF = _type("elf", "ELF", _("Linux program"), _("a Linux program"), None, "application/x-elf")
MACHO = _type(
    "macho", "Mach-O", _("macOS program"), _("a macOS program"), None, "application/x-mach-binary"
)

_ALL_TYPES = (
    *_ACCEPTED,
    *(SVG, HTML, XML, TEXT, SCRIPT, RTF, GIF, BMP, AVIF, PSD, RAW, AIFF, QUICKTIME, THREEGP),
    *(MATROSKA, AVI, OGG_VIDEO, ZIP, ARCHIVE, OFFICE, OLD_OFFICE, OPENDOCUMENT, EPUB),
    *(EXE, ELF, MACHO),
)
# MIME types that name a format we know, to tell "another type" from a mere client quirk.
_KNOWN_MIMES = {mime for t in _ALL_TYPES for mime in (t.mime, *t.mimes)}
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


# --- Sniffing --------------------------------------------------------------------------------
def sniff(head: bytes) -> DetectedType | None:
    """The format of a file from its first bytes (only the first SNIFF_BYTES are looked at),
    or None when nothing is recognised.

    An MP4 file whose `ftyp` brand is generic (isom, mp41, mp42, avc1...) is reported as an MP4
    video: brands cannot tell sound-only files from videos, so `validate_upload` then decides
    from the tracks it finds in the file (an M4A brand is audio, whatever the tracks).
    """
    head = bytes(head[:SNIFF_BYTES])
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        # Canon's CR2 raw files are TIFF files with a signature of their own.
        return RAW if head[8:10] == b"CR" else TIFF
    if head[:4] in (b"RIFF", b"RF64", b"BW64"):
        return _sniff_riff(head)
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return AIFF
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _sniff_ebml(head)
    if head.startswith(b"OggS\x00"):
        return _sniff_ogg(head)
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3"):
        return _sniff_id3(head)
    if (audio := _sniff_audio_frames(head)) is not None:
        return audio
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if _is_bmp(head):
        return BMP
    if head.startswith(b"8BPS"):
        return PSD
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLD_OFFICE
    if head.startswith(b"MZ"):
        return EXE
    if head.startswith(b"\x7fELF"):
        return ELF
    if head[:4] in _MACHO_MAGIC:
        return MACHO
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")):
        return ARCHIVE
    return _sniff_text(head)


_MACHO_MAGIC = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def _sniff_riff(head: bytes) -> DetectedType | None:
    form = head[8:12]
    if form == b"WEBP" and head[12:15] == b"VP8":
        return WEBP
    if form == b"WAVE":
        return WAV
    if form == b"AVI ":
        return AVI
    return None


_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"miaf"}


def _sniff_ftyp(head: bytes) -> DetectedType | None:
    major = head[8:12]
    if len(major) < 4 or not all(32 <= byte < 127 for byte in major):
        return None
    end = min(int.from_bytes(head[:4], "big"), len(head))
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    # AVIF files use the generic HEIF brands too; only their brand list tells them apart.
    if major in (b"avif", b"avis") or (major in _HEIF_BRANDS and b"avif" in compatible):
        return AVIF
    if major in _HEIC_BRANDS or major in _HEIF_BRANDS:
        return HEIC
    if major in (b"M4A ", b"M4B "):
        return M4A
    if major == b"qt  ":
        return QUICKTIME
    if major[:3] in (b"3gp", b"3g2"):
        return THREEGP
    if major == b"crx ":
        return RAW
    return MP4


def _vint(data: bytes, pos: int, *, marker: bool = False) -> tuple[int, int] | None:
    """An EBML variable-length integer at `pos`: (value, position after it). Element IDs keep
    their length marker bit (`marker=True`), sizes do not."""
    if pos >= len(data) or data[pos] == 0:
        return None
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        return None
    value = int.from_bytes(data[pos : pos + length], "big")
    if not marker:
        value &= (1 << (7 * length)) - 1
    return value, pos + length


def _sniff_ebml(head: bytes) -> DetectedType | None:
    if (size := _vint(head, 4)) is None:
        return None
    length, pos = size
    end = min(len(head), pos + length)
    while pos < end:
        if (element := _vint(head, pos, marker=True)) is None:
            break
        element_id, pos = element
        if (size := _vint(head, pos)) is None:
            break
        length, pos = size
        if element_id == 0x4282:  # DocType
            doctype = head[pos : pos + length].rstrip(b"\x00")
            return {b"webm": WEBM, b"matroska": MATROSKA}.get(doctype)
        pos += length
    return MATROSKA  # the EBML default DocType


def _sniff_ogg(head: bytes) -> DetectedType | None:
    # Every stream of an Ogg file opens with a page naming its codec, and all these pages come
    # before any data: a video stream shows up here even when the audio comes first.
    if any(codec in head for codec in (b"\x80theora", b"\x01video\x00", b"BBCD\x00")):
        return OGG_VIDEO
    if b"OpusHead" in head:
        return OGG_OPUS
    if any(codec in head for codec in (b"\x01vorbis", b"\x7fFLAC", b"Speex   ")):
        return OGG
    return None


def _sniff_id3(head: bytes) -> DetectedType | None:
    rest = head
    while rest.startswith(b"ID3"):  # some taggers stack several tags
        if len(rest) < 10 or rest[3] not in (2, 3, 4) or any(byte >= 0x80 for byte in rest[6:10]):
            return None
        size = (rest[6] << 21) | (rest[7] << 14) | (rest[8] << 7) | rest[9]
        rest = rest[10 + size + (10 if rest[5] & 0x10 else 0) :].lstrip(b"\x00")
    # An ID3 tag also prefixes AAC or FLAC streams, or anything else: look at what follows when
    # it is in sight. Tags carrying cover art end far beyond it: those are almost all MP3.
    inner = sniff(rest) if len(rest) >= 4 else None
    return inner if inner is not None and inner is not TEXT else MP3


_MP3_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5
}
_MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(header: bytes) -> int | None:
    """Length of the MPEG audio Layer III frame starting with `header`, None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MP3_BITRATES[version == 3][bitrate_index] * 1000
    sample_rate = _MP3_SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    return (144 if version == 3 else 72) * bitrate // sample_rate + padding


def _adts_frame_length(header: bytes) -> int | None:
    """Length of the ADTS (raw AAC) frame starting with `header`, None if it is not one."""
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    if (header[2] >> 2) & 0xF > 12:  # sampling frequency index
        return None
    length = ((header[3] & 3) << 11) | (header[4] << 3) | (header[5] >> 5)
    return length if length >= 7 else None


def _sniff_audio_frames(head: bytes) -> DetectedType | None:
    # A frame header is only two bytes of signature: the next frame, when in sight, must follow.
    for detected, frame_length, header_size in (
        (MP3, _mp3_frame_length, 4),
        (AAC, _adts_frame_length, 7),
    ):
        if (length := frame_length(head[:header_size])) is not None:
            following = head[length : length + header_size]
            if len(following) < header_size or frame_length(following) is not None:
                return detected
            return None
    return None


def _is_bmp(head: bytes) -> bool:
    return (
        head.startswith(b"BM")
        and head[6:10] == b"\x00\x00\x00\x00"
        and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)
    )


def _sniff_zip(head: bytes) -> DetectedType:
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    name = head[30 : 30 + name_length]
    if name == b"mimetype":
        start = 30 + name_length + extra_length
        mimetype = head[start : start + 64]
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return OPENDOCUMENT
        if mimetype.startswith(b"application/epub+zip"):
            return EPUB
    if name == b"[Content_Types].xml" or name.startswith((b"word/", b"xl/", b"ppt/", b"_rels/")):
        return OFFICE
    return ZIP


# Elements that make markup a web page rather than some XML.
_HTML_TAGS = {
    "html", "head", "body", "script", "iframe", "frameset", "meta", "title", "style", "link",
    "div", "span", "p", "a", "img", "form", "table", "h1", "h2", "br",
}  # fmt: skip


def _sniff_text(head: bytes) -> DetectedType | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace")
    else:
        controls = sum(1 for byte in head if byte < 9 or (13 < byte < 32 and byte != 27))
        if not head or b"\x00" in head or controls > len(head) // 100:
            return None
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    text = text.lstrip().lower()
    if text.startswith("#!"):
        return SCRIPT
    if text.startswith("{\\rtf"):
        return RTF
    # Comments and processing instructions may still be open where the head ends.
    markup = re.sub(r"<!--.*?(?:-->|$)", "", text, flags=re.DOTALL)
    markup = re.sub(r"<\?.*?(?:\?>|$)", "", markup, flags=re.DOTALL)
    root = re.search(r"<([a-z][a-z0-9_.:-]*)", markup)
    root_name = root.group(1).rpartition(":")[2] if root else ""
    if root_name == "svg" or "<!doctype svg" in markup:
        return SVG
    if root_name in _HTML_TAGS or "<!doctype html" in markup:
        return HTML
    if text.startswith("<"):
        return XML
    return TEXT


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

    kind: Kind
    format: str
    mime: str
    extension: str
    size: int
    sha256: str


def max_upload_bytes(*, kind: Kind | str) -> int:
    """The byte limit for a kind (settings.ARCHIVE_MAX_UPLOAD_BYTES), e.g. for a presigned
    upload policy."""
    kind = Kind(kind)
    limits = getattr(settings, "ARCHIVE_MAX_UPLOAD_BYTES", {})
    return limits.get(kind.value, DEFAULT_MAX_UPLOAD_BYTES[kind.value])


def accepted_extensions(*, kind: Kind | str) -> dict[str, str]:
    """File-name extensions a client may give a file of `kind`, each mapped to the extension
    stored names get for that format (`"jpeg"` -> `"jpg"`), e.g. to name a storage key before
    the content has arrived. The content still decides: `validate_upload` refuses a file whose
    bytes contradict its extension."""
    kind = Kind(kind)
    extensions: dict[str, str] = {}
    for accepted in _ACCEPTED:
        if accepted.kind == kind:
            for extension in accepted.extensions:
                extensions.setdefault(extension, accepted.extension)
    return extensions


def max_image_pixels() -> int:
    return getattr(settings, "ARCHIVE_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def validate_upload(
    fileobj: BinaryIO,
    *,
    kind: Kind | str,
    claimed_name: str = "",
    claimed_mime: str = "",
    max_bytes: int | None = None,
) -> ValidatedFile:
    """Check that `fileobj` holds a file of an accepted format for `kind`, within the limits,
    and measure it; raise UploadRejected otherwise.

    The file is read once from its start, CHUNK_SIZE at a time, and refused as soon as it
    passes `max_bytes` (default: the kind's limit from settings), so a 2 GB recording never
    sits in memory and an oversized one is not read to its end. The client's `claimed_name`
    (only its extension) and `claimed_mime` must agree with the content; missing or generic
    values (no extension, application/octet-stream) claim nothing. Photos are also opened
    with Pillow, header only, to enforce the pixel limit: they must be seekable or are spooled
    to a temporary file. A seekable `fileobj` is left at its start, ready to be stored.
    """
    kind = Kind(kind)
    limit = max_upload_bytes(kind=kind) if max_bytes is None else max_bytes
    seekable = _is_seekable(fileobj)
    if seekable:
        fileobj.seek(0)
    # Pillow needs to seek in a photo: a stream that cannot is copied aside as it is read.
    needs_copy = kind == Kind.PHOTO and not seekable
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

    tracks = _IsoTracks() if detected.format in ("mp4", "m4a") else None
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
        if tracks is not None:
            tracks.feed(chunk)
        if copy is not None:
            copy.write(chunk)
        chunk = fileobj.read(CHUNK_SIZE)

    if tracks is not None:
        detected = tracks.classify(detected)
        if detected.kind != kind:
            raise _not_of_kind(detected, kind)
        _check_claims(detected, claimed_name, claimed_mime)
    if kind == Kind.PHOTO:
        source = fileobj if copy is None else copy
        source.seek(0)
        # Opening is the check: header read, pixel limit enforced, nothing decoded.
        with _open_photo(
            source, formats=_PILLOW_FORMATS[detected.format], content=detected.description
        ):
            pass
    return ValidatedFile(
        kind=kind,
        format=detected.format,
        mime=detected.mime,
        extension=detected.extension,
        size=size,
        sha256=sha256.hexdigest(),
    )


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


def _not_of_kind(detected: DetectedType | None, kind: Kind) -> UploadRejected:
    params = {
        "kind": _KIND_IN_SENTENCE[kind],
        "accepted": ", ".join(t.name for t in _ACCEPTED if t.kind == kind),
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
    if mime in _KNOWN_MIMES or (
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


_TO_END = 1 << 64  # the size of a box that runs to the end of the file
# Real files have a handful of top-level boxes before `moov` and a few `hdlr` boxes in it; a
# file crafted with millions of them would only keep this loop busy.
_MAX_BOXES = 1000
_MAX_HANDLERS = 1000


class _IsoTracks:
    """Walks the top-level boxes of an MP4 file as it streams past, and notes the handler type
    of each track (`vide`, `soun`...) declared in its `moov` box, wherever that box is: at the
    start of files prepared for streaming, at the end of most camera and phone files."""

    def __init__(self):
        self.handlers: set[bytes] = set()
        self.moov_seen = False
        self._pos = 0  # offset of the next byte fed
        self._next_box = 0
        self._header = b""
        self._moov_end: int | None = None
        self._tail = b""
        self._done = False
        self._boxes = 0
        self._handlers_seen = 0

    def feed(self, chunk: bytes) -> None:
        start, i = self._pos, 0
        self._pos += len(chunk)
        while i < len(chunk) and not self._done:
            offset = start + i
            if self._moov_end is not None:
                taken = chunk[i : i + self._moov_end - offset]
                self._scan_moov(taken)
                i += len(taken)
                if start + i >= self._moov_end:
                    self._done = True
            elif offset < self._next_box:
                i += min(len(chunk) - i, self._next_box - offset)
            else:
                i += self._read_box_header(chunk[i : i + 16 - len(self._header)])

    def _read_box_header(self, data: bytes) -> int:
        """Take header bytes of the box at `_next_box`; return how many were used."""
        wanted = (8 if len(self._header) < 8 else 16) - len(self._header)
        used = data[:wanted]
        self._header += used
        if len(self._header) < 8:
            return len(used)
        size, box_type = struct.unpack(">I4s", self._header[:8])
        header_size = 8
        if size == 1:  # a 64-bit size follows the type
            if len(self._header) < 16:
                return len(used)
            size, header_size = struct.unpack(">Q", self._header[8:16])[0], 16
        box_start, self._header = self._next_box, b""
        self._boxes += 1
        if self._boxes > _MAX_BOXES:
            self._done = True
            return len(used)
        if size == 0:  # the box runs to the end of the file
            size = _TO_END
        elif size < header_size:
            self._done = True
            return len(used)
        self._next_box = box_start + size
        if box_type == b"moov":
            self.moov_seen = True
            self._moov_end = self._next_box
        elif size == _TO_END:
            self._done = True
        return len(used)

    def _scan_moov(self, data: bytes) -> None:
        # hdlr: size, "hdlr", version and flags, pre_defined (QuickTime: component type), then
        # the handler type. A short tail is kept so that one cut between two chunks is seen.
        data = self._tail + data
        found = data.find(b"hdlr")
        while found != -1 and found + 16 <= len(data):
            self.handlers.add(data[found + 12 : found + 16])
            self._handlers_seen += 1
            if self._handlers_seen > _MAX_HANDLERS:
                self._done = True
                return
            found = data.find(b"hdlr", found + 1)
        self._tail = data[-15:]

    def classify(self, detected: DetectedType) -> DetectedType:
        if not self.moov_seen or not self.handlers & {b"vide", b"soun"}:
            raise _damaged(detected.description)
        if detected is M4A:
            return M4A
        return MP4 if b"vide" in self.handlers else M4A


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
def _open_photo(source, *, formats=_PHOTO_PILLOW_FORMATS, content=_KIND_IN_SENTENCE[Kind.PHOTO]):
    """Open a photo with Pillow, header only, and refuse it if it declares more pixels than
    settings.ARCHIVE_MAX_IMAGE_PIXELS, before anything is decoded.

    Frames count (as in Wagtail's own check) except for the MPO frames of phone JPEGs, which
    are small previews nobody decodes. Pillow refuses on its own anything above twice its
    Image.MAX_IMAGE_PIXELS, raising DecompressionBombError: that is mapped to the same refusal.
    Its warning for images between once and twice that limit is silenced: our limit decides.
    """
    _register_heif()
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


# --- Storage names ---------------------------------------------------------------------------
_PREFIX = re.compile(r"[a-z0-9_-]+(?:/[a-z0-9_-]+)*")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


def generated_name(*, prefix: str, extension: str) -> str:
    """A fresh storage key, `<prefix>/<yyyy>/<mm>/<random hex>.<extension>`.

    Nothing of the contributor's file name goes into it: pass the `extension` of a
    ValidatedFile. `prefix` is one or more lowercase segments (letters, digits, hyphens,
    underscores) separated by single slashes, so the key cannot climb out of it.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"Invalid storage prefix: {prefix!r}")
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"Invalid extension: {extension!r}")
    now = timezone.now()
    return f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def generated_name_for(name: str, *, prefix: str, kind: Kind | str) -> str:
    """`generated_name` for a file that arrives named `name`, when no ValidatedFile says its
    extension (Wagtail's images and their renditions). Only the extension is kept: the one
    the kind stores when the kind accepts it (`IMG.JPEG` -> `jpg`), else the name's own if it
    is a plain one (a GIF in the image library), else `bin`."""
    stem, dot, extension = re.split(r"[\\/]", name or "")[-1].rpartition(".")
    extension = extension.lower() if dot and stem else ""
    extension = accepted_extensions(kind=kind).get(extension, extension)
    if not _EXTENSION.fullmatch(extension):
        extension = "bin"
    return generated_name(prefix=prefix, extension=extension)


# --- Photo metadata --------------------------------------------------------------------------
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Image info that describes how to show the pixels, not who took them or where.
_KEPT_INFO = ("icc_profile", "transparency", "dpi")
_SAVE_OPTIONS = {
    "JPEG": {"quality": 92},
    "PNG": {},
    "WEBP": {"quality": 92},
    "TIFF": {"compression": "tiff_lzw"},
    "HEIF": {"quality": 92},
}


def strip_metadata(image_file) -> bytes:
    """A copy of a photo (path or binary file) for public derivatives: same format (a phone's
    MPO becomes a plain JPEG), first frame only, EXIF orientation applied to the pixels, and
    none of the metadata that may be personal: EXIF (GPS position, device serial numbers,
    owner, maker notes), XMP, IPTC, comments and text chunks. The ICC colour profile,
    transparency and resolution are kept: they say how to show the image, not who made it.

    The pixels are re-encoded (high quality for lossy formats), which also drops anything
    hidden after the image data. The original is not touched.
    """
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    with _open_photo(image_file) as image:
        source_format = image.format
        kept = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        transpose = _ORIENTATION.get(image.getexif().get(ExifTags.Base.Orientation))
        # Both give a new image that carries nothing of the file but its info dict, replaced
        # below: no cached EXIF, no TIFF tags.
        clean = image.transpose(transpose) if transpose is not None else image.copy()
    clean.info = kept
    output_format = "JPEG" if source_format == "MPO" else source_format
    options = dict(_SAVE_OPTIONS[output_format])
    if "icc_profile" in kept:
        options["icc_profile"] = kept["icc_profile"]
    if "dpi" in kept and output_format in ("JPEG", "PNG", "TIFF"):
        options["dpi"] = kept["dpi"]
    output = io.BytesIO()
    clean.save(output, format=output_format, **options)
    return output.getvalue()


def gps_position(image_file) -> tuple[float, float] | None:
    """The (latitude, longitude) in decimal degrees recorded in a photo's EXIF, for the
    contributor to copy to the item's place; None when there is none or it makes no sense
    (missing hemisphere, out of range, or 0, 0: what devices write without a fix)."""
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    with _open_photo(image_file) as image:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(
        gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
    )
    longitude = _degrees(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180
    )
    if latitude is None or longitude is None or latitude == longitude == 0:
        return None
    return latitude, longitude


def _degrees(value, ref, positive: str, negative: str, bound: int) -> float | None:
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    ref = ref.strip("\x00 ").upper() if isinstance(ref, str) else ""
    if ref not in (positive, negative):
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    degrees, minutes, seconds = (*parts, 0.0, 0.0)[:3]
    result = degrees + minutes / 60 + seconds / 3600
    if result > bound:
        return None
    return round(-result if ref == negative else result, 7)
