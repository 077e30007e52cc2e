"""What a file is, from its bytes: recognised by libmagic, opened for real by mutagen.

Our own allow-list per kind sits on top (`ALLOWED`): the libraries say what a file is, the
archive decides what it takes. archive/validation.py turns what is found here into the
upload decision and its messages.
"""

import io
import re
from dataclasses import dataclass, replace
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

import magic
import mutagen
import mutagen.aac
import mutagen.flac
import mutagen.mp3
import mutagen.wave
from mutagen.mp3 import HeaderNotFoundError, MPEGFrame
from mutagen.mp4 import Atoms, MP4Info
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis

# How much of the head `sniff` looks at: enough for libmagic's tests on the formats we name
# (an MP4 brand list, a WebM DocType, a ZIP's first entries, the root of an XML file after
# its comments, two MP3 frames), and for the Ogg codec pages.
SNIFF_BYTES = 4 * 1024


class MediaKind(models.TextChoices):
    """What a contributor says a file is. The content has to agree."""

    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio recording")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


@dataclass(frozen=True)
class DetectedType:
    """A format recognised from a file's bytes. `kind` is None for content named only in
    refusals (SVG, web pages, programs...); the first of `extensions` is the one stored names
    get; `mimes` are other names clients give it."""

    format: str
    name: str
    label: str
    description: str
    kind: MediaKind | None
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
    "jpeg", "JPEG", _("JPEG image"), _("a JPEG image"), MediaKind.PHOTO, "image/jpeg",
    ("jpg", "jpeg", "jpe", "jfif"), ("image/pjpeg", "image/jpg"),
)  # fmt: skip
PNG = _type(
    "png", "PNG", _("PNG image"), _("a PNG image"), MediaKind.PHOTO, "image/png",
    ("png",), ("image/x-png", "image/apng"),
)  # fmt: skip
TIFF = _type(
    "tiff", "TIFF", _("TIFF image"), _("a TIFF image"), MediaKind.PHOTO, "image/tiff",
    ("tif", "tiff"), ("image/tif", "image/x-tiff"),
)  # fmt: skip
WEBP = _type(
    "webp", "WebP", _("WebP image"), _("a WebP image"), MediaKind.PHOTO, "image/webp", ("webp",)
)
HEIC = _type(
    "heic", "HEIC", _("HEIC image"), _("a HEIC image"), MediaKind.PHOTO, "image/heic",
    ("heic", "heif", "hif"), ("image/heif", "image/heic-sequence", "image/heif-sequence"),
)  # fmt: skip
MP3 = _type(
    "mp3", "MP3", _("MP3 audio recording"), _("an MP3 audio recording"), MediaKind.AUDIO,
    "audio/mpeg", ("mp3",), ("audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg"),
)  # fmt: skip
# An MP4 file holding sound only. `.mp4` and video/mp4 are fine names for it: same container.
M4A = _type(
    "m4a", "M4A", _("M4A audio recording"), _("an M4A audio recording"), MediaKind.AUDIO,
    "audio/mp4", ("m4a", "m4b", "mp4"), ("audio/x-m4a", "audio/m4a", "video/mp4"),
)  # fmt: skip
AAC = _type(
    "aac", "AAC", _("AAC audio recording"), _("an AAC audio recording"), MediaKind.AUDIO,
    "audio/aac", ("aac", "adts"), ("audio/x-aac", "audio/aacp", "audio/vnd.dlna.adts"),
)  # fmt: skip
WAV = _type(
    "wav", "WAV", _("WAV audio recording"), _("a WAV audio recording"), MediaKind.AUDIO,
    "audio/wav", ("wav", "wave"), ("audio/x-wav", "audio/wave", "audio/vnd.wave"),
)  # fmt: skip
OGG = _type(
    "ogg", "Ogg", _("Ogg audio recording"), _("an Ogg audio recording"), MediaKind.AUDIO,
    "audio/ogg", ("ogg", "oga", "opus", "spx"), ("audio/opus", "application/ogg", "video/ogg"),
)  # fmt: skip
OGG_OPUS = replace(OGG, extensions=("opus", "ogg", "oga"))
FLAC = _type(
    "flac", "FLAC", _("FLAC audio recording"), _("a FLAC audio recording"), MediaKind.AUDIO,
    "audio/flac", ("flac",), ("audio/x-flac",),
)  # fmt: skip
MP4 = _type(
    "mp4", "MP4", _("MP4 video"), _("an MP4 video"), MediaKind.VIDEO, "video/mp4",
    ("mp4", "m4v"), ("video/x-m4v", "application/mp4"),
)  # fmt: skip
# A generic MP4 before its tracks are read: video or sound, only used to word a refusal.
MP4_MEDIA = replace(MP4, label=_("MP4 file"), description=_("an MP4 file (video or sound)"))
WEBM = _type(
    "webm", "WebM", _("WebM video"), _("a WebM video"), MediaKind.VIDEO, "video/webm",
    ("webm",), ("audio/webm",),
)  # fmt: skip
PDF = _type(
    "pdf", "PDF", _("PDF document"), _("a PDF document"), MediaKind.DOCUMENT, "application/pdf",
    ("pdf",), ("application/x-pdf", "application/acrobat"),
)  # fmt: skip

ACCEPTED_TYPES = (JPEG, PNG, TIFF, WEBP, HEIC, MP3, M4A, AAC, WAV, OGG, FLAC, MP4, WEBM, PDF)
ALLOWED: dict[MediaKind, dict[str, str]] = {
    kind: {t.format: t.mime for t in ACCEPTED_TYPES if t.kind == kind} for kind in MediaKind
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
    *ACCEPTED_TYPES,
    *(SVG, HTML, XML, TEXT, SCRIPT, RTF, GIF, BMP, AVIF, PSD, RAW, AIFF, QUICKTIME, THREEGP),
    *(MATROSKA, AVI, OGG_VIDEO, ZIP, ARCHIVE, OFFICE, OLD_OFFICE, OPENDOCUMENT, EPUB),
    *(EXE, ELF, MACHO),
)
# MIME types that name a format we know, to tell "another type" from a mere client quirk.
KNOWN_MIMES = {mime for t in _ALL_TYPES for mime in (t.mime, *t.mimes)}


def accepted_extensions(*, kind: MediaKind | str) -> dict[str, str]:
    """File-name extensions a client may give a file of `kind`, each mapped to the extension
    stored names get for that format (`"jpeg"` -> `"jpg"`)."""
    kind = MediaKind(kind)
    extensions: dict[str, str] = {}
    for accepted in ACCEPTED_TYPES:
        if accepted.kind == kind:
            for extension in accepted.extensions:
                extensions.setdefault(extension, accepted.extension)
    return extensions


# --- Recognition -----------------------------------------------------------------------------
# libmagic's MIME type -> ours. Anything else (libmagic's "data", or a weak guess such as
# Targa for random bytes) is not recognised.
_BY_MIME = {
    **{mime: t for t in _ALL_TYPES for mime in (t.mime, *t.mimes) if t is not TEXT},
    "image/heif": HEIC,
    "image/x-ms-bmp": BMP,
    "image/x-canon-cr3": RAW,
    "audio/x-m4a": M4A,
    "audio/x-hx-aac-adts": AAC,
    "audio/x-aiff": AIFF,
    "video/3gpp2": THREEGP,
    "application/x-7z-compressed": ARCHIVE,
    "application/x-rar": ARCHIVE,
    "application/vnd.rar": ARCHIVE,
    "application/x-bzip2": ARCHIVE,
    "application/x-xz": ARCHIVE,
    "text/rtf": RTF,
    "application/x-dosexec": EXE,
    "application/x-executable": ELF,
    "application/x-pie-executable": ELF,
    "application/x-sharedlib": ELF,
    "application/x-object": ELF,
    "application/x-ole-storage": OLD_OFFICE,
    "application/CDFV2": OLD_OFFICE,
    "application/vnd.ms-excel": OLD_OFFICE,
    "application/vnd.ms-powerpoint": OLD_OFFICE,
    "text/plain": TEXT,
    "text/csv": TEXT,
    "application/json": TEXT,
}
_BY_MIME_PREFIX = {
    "application/vnd.openxmlformats-officedocument.": OFFICE,
    "application/vnd.oasis.opendocument.": OPENDOCUMENT,
    "text/x-script": SCRIPT,
    "text/x-shellscript": SCRIPT,
}
# Ogg: libmagic names the first stream only; every stream opens with a page naming its codec,
# all before any data, so a video stream shows up in the head even when the sound comes first.
_OGG_VIDEO_CODECS = (b"\x80theora", b"\x01video\x00", b"BBCD\x00")
# libmagic reads text as text; the markup in it is what a refusal should name (an SVG saved
# with a byte-order mark or in UTF-16 is still an SVG, and may still carry scripts).
_HTML_TAGS = {
    "html", "head", "body", "script", "iframe", "frameset", "meta", "title", "style", "link",
    "div", "span", "p", "a", "img", "form", "table", "h1", "h2", "br",
}  # fmt: skip


@cache
def _magic() -> magic.Magic:
    return magic.Magic(mime=True)


def sniff(head: bytes) -> DetectedType | None:
    """The format of a file from its first bytes (SNIFF_BYTES at most), or None.

    A generic MP4 is reported as an MP4 video: only its tracks can tell sound-only files from
    videos (`read_iso_tracks`)."""
    head = bytes(head[:SNIFF_BYTES])
    if head.startswith(b"ID3"):
        return _behind_id3(head)
    try:
        mime = _magic().from_buffer(head) if head else ""
    except magic.MagicException:
        return None
    detected = _BY_MIME.get(mime)
    if detected is None:
        detected = next((t for p, t in _BY_MIME_PREFIX.items() if mime.startswith(p)), None)
    if detected is TEXT:
        return _markup(head)
    if detected is MP3 and not _two_mpeg_frames(head):
        return None
    if detected is HEIC and b"avif" in _brands(head):
        return AVIF
    if detected is OGG:
        if any(codec in head for codec in _OGG_VIDEO_CODECS):
            return OGG_VIDEO
        return OGG_OPUS if b"OpusHead" in head else OGG
    return detected


def _behind_id3(head: bytes) -> DetectedType | None:
    # An ID3 tag prefixes MP3, but also AAC or FLAC streams, or anything else: libmagic stops
    # at the tag when what follows is not audio. Look behind it when it is in sight; tags
    # carrying cover art end far beyond, and those are almost all MP3.
    rest = head
    while rest.startswith(b"ID3"):  # some taggers stack several tags
        if len(rest) < 10 or rest[3] not in (2, 3, 4) or any(byte >= 0x80 for byte in rest[6:10]):
            return None
        size = (rest[6] << 21) | (rest[7] << 14) | (rest[8] << 7) | rest[9]
        rest = rest[10 + size + (10 if rest[5] & 0x10 else 0) :].lstrip(b"\x00")
    inner = sniff(rest) if len(rest) >= 4 else None
    return inner if inner is not None and inner is not TEXT else MP3


def _two_mpeg_frames(head: bytes) -> bool:
    # libmagic takes two bytes of frame sync for MP3; the next frame, when in sight, must
    # follow, or any binary starting FF Fx would pass for audio.
    data = io.BytesIO(head)
    try:
        MPEGFrame(data)
    except HeaderNotFoundError:
        return False
    if data.tell() + 4 > len(head):
        return True
    try:
        MPEGFrame(data)
    except HeaderNotFoundError:
        return False
    return True


def _brands(head: bytes) -> set[bytes]:
    end = min(int.from_bytes(head[:4], "big"), len(head))
    return {head[i : i + 4] for i in range(16, end - 3, 4)}


def _markup(head: bytes) -> DetectedType:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    text = text.lstrip("\ufeff \t\r\n").lower()
    # Comments and processing instructions may still be open where the head ends.
    markup = re.sub(r"<!--.*?(?:-->|$)", "", text, flags=re.DOTALL)
    markup = re.sub(r"<\?.*?(?:\?>|$)", "", markup, flags=re.DOTALL)
    root = re.search(r"<([a-z][a-z0-9_.:-]*)", markup)
    root_name = root.group(1).rpartition(":")[2] if root else ""
    if root_name == "svg" or "<!doctype svg" in markup:
        return SVG
    if root_name in _HTML_TAGS or "<!doctype html" in markup:
        return HTML
    return XML if text.startswith("<") else TEXT


# --- Opening recordings ----------------------------------------------------------------------
class Unreadable(Exception):
    """The file is not what its head says, or not whole: the libraries cannot open it."""


# A parser walks boxes, chunks or pages one read at a time and keeps an object for each:
# real recordings need a few hundred reads, a file crafted with millions of empty boxes would
# only fill the server's memory. Tags (cover art) are the largest reads.
MAX_READS = 10_000
MAX_READ_BYTES = 64 * 1024**2
# Real MP4 files have a handful of top-level boxes before and after their index.
MAX_TOP_LEVEL_BOXES = 1000


class _Budgeted(io.RawIOBase):
    """A seekable file that refuses more than MAX_READS reads or MAX_READ_BYTES bytes, and
    remembers a storage error so that it is not mistaken for a damaged file."""

    def __init__(self, fileobj):
        self._file = fileobj
        self.reads = self.bytes = 0
        self.storage_error: OSError | None = None

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return self._file.seek(offset, whence)

    def tell(self):
        return self._file.tell()

    def read(self, size=-1):
        self.reads += 1
        if self.reads > MAX_READS or self.bytes > MAX_READ_BYTES:
            raise Unreadable("read budget exhausted")
        if size is None or size < 0:
            size = MAX_READ_BYTES - self.bytes + 1
        try:
            data = self._file.read(size)
        except OSError as error:
            self.storage_error = error
            raise
        self.bytes += len(data)
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


_OGG_READERS = (OggOpus, OggVorbis, OggFLAC, OggSpeex)
_READERS = {
    "mp3": mutagen.mp3.MP3,
    "aac": mutagen.aac.AAC,
    "wav": mutagen.wave.WAVE,
    "flac": mutagen.flac.FLAC,
}


def read_iso_tracks(fileobj, detected: DetectedType) -> tuple[DetectedType, float | None]:
    """What an MP4 file holds, from the handler types of its tracks, and its length."""
    budgeted = _Budgeted(fileobj)
    try:
        fileobj.seek(0)
        atoms = Atoms(budgeted)
        if len(atoms.atoms) > MAX_TOP_LEVEL_BOXES:
            raise Unreadable("too many boxes")
        handlers = set()
        for trak in atoms[b"moov"].findall(b"trak"):
            ok, data = trak[b"mdia", b"hdlr"].read(budgeted)
            handlers.add(data[8:12] if ok else b"")
    except Exception as error:
        _reraise_storage_error(budgeted, error)
        raise Unreadable(str(error)) from error
    try:
        length = MP4Info(atoms, budgeted).length
    except Exception as error:  # the tracks are there; only their length is unreadable
        _reraise_storage_error(budgeted, error)
        length = None
    if not handlers & {b"vide", b"soun"}:
        raise Unreadable("no video or sound track")
    if detected is not M4A:
        detected = MP4 if b"vide" in handlers else M4A
    return detected, length or None


def recording_length(fileobj, detected: DetectedType) -> float | None:
    """Open a recording for real and give its length in seconds (None when its format does
    not say). Raises Unreadable when the library cannot open it."""
    if detected.format == "webm":
        # mutagen has no Matroska/WebM reader, and nothing else in the archive needs one:
        # libmagic has checked the EBML header and its DocType; the length stays unknown.
        return None
    if detected.format in ("mp4", "m4a"):
        return read_iso_tracks(fileobj, detected)[1]
    budgeted = _Budgeted(fileobj)
    try:
        fileobj.seek(0)
        if detected.format == "ogg":
            opened = mutagen.File(budgeted, options=_OGG_READERS)
        else:
            opened = _READERS[detected.format](budgeted)
    except Exception as error:
        _reraise_storage_error(budgeted, error)
        raise Unreadable(str(error)) from error
    if opened is None:
        raise Unreadable("no stream mutagen reads")
    return opened.info.length or None


def _reraise_storage_error(budgeted: _Budgeted, error: Exception) -> None:
    # Parsers turn any error of the file object into their own; a storage that failed is
    # not a damaged file, and must say so.
    if budgeted.storage_error is not None:
        raise budgeted.storage_error from error
