"""Where the files an import file names are (a folder or a ZIP archive, read in place), and
their check by content before anything is stored."""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive.importing.report import ImportRefused
from archive.validation import UploadRejected, max_upload_bytes, sniff, validate_upload

DEFAULT_MAX_ZIP_ENTRIES = 20_000
DEFAULT_MAX_ZIP_BYTES = 10 * 1024**3
# A JPEG or a recording hardly compresses; a ratio far above this is a zip bomb.
DEFAULT_MAX_ZIP_RATIO = 100
# Entries smaller than this are not held to the ratio: a small text compresses well.
ZIP_RATIO_FLOOR = 1024**2


def _clean_member_name(name: str) -> str | None:
    """A relative POSIX path without `..`, or None when `name` would climb out."""
    name = name.strip().replace("\\", "/")
    if not name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    cleaned = posixpath.normpath(name)
    if cleaned == ".." or cleaned.startswith("../") or cleaned == ".":
        return None
    return cleaned


class MediaSource:
    """Where the files named in the CSV are: `names` maps each file's relative path to what
    `open` needs. Names are matched exactly, then ignoring case, then by file name alone when
    only one file has it."""

    description = ""

    def __init__(self, names: Iterable[str]):
        self.paths: dict[str, str] = {}
        by_lower: dict[str, list[str]] = defaultdict(list)
        by_base: dict[str, list[str]] = defaultdict(list)
        for name in names:
            self.paths[name] = name
            by_lower[name.lower()].append(name)
            by_base[posixpath.basename(name).lower()].append(name)
        self._by_lower = by_lower
        self._by_base = by_base

    def find(self, name: str) -> str:
        """The stored path of `name`, or ValueError with the message for the row."""
        cleaned = _clean_member_name(name)
        if cleaned is None:
            raise ValueError(
                _("“%(name)s” is not a file name inside the media folder or archive.")
                % {"name": name}
            )
        if cleaned in self.paths:
            return cleaned
        for candidates in (
            self._by_lower.get(cleaned.lower(), []),
            self._by_base.get(posixpath.basename(cleaned).lower(), []),
        ):
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                raise ValueError(
                    _(
                        "Several files match “%(name)s” (%(files)s): give its path inside the "
                        "media folder or archive."
                    )
                    % {"name": name, "files": ", ".join(sorted(candidates)[:3])}
                )
        raise ValueError(
            _("No file “%(name)s” in %(where)s.") % {"name": name, "where": self.description}
        )

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class NoMedia(MediaSource):
    def __init__(self):
        super().__init__(())

    def find(self, name: str) -> str:
        raise ValueError(
            _("“%(name)s” is named, but no media folder or ZIP archive was given.") % {"name": name}
        )


class DirectoryMedia(MediaSource):
    """Files under a folder (subfolders included). Symbolic links that lead out of it are
    ignored, so a name can never reach a file elsewhere on the server."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.description = _("the media folder")
        names = []
        for folder, _dirs, files in os.walk(self.root):
            for filename in files:
                path = Path(folder, filename)
                try:
                    real = path.resolve(strict=True)
                except OSError:
                    continue
                if real.is_file() and real.is_relative_to(self.root):
                    names.append(path.relative_to(self.root).as_posix())
        super().__init__(names)

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        with open(self.root / path, "rb") as fileobj:
            yield fileobj


class ZipMedia(MediaSource):
    """Files in a ZIP archive, read in place (nothing is extracted to disk). The archive is
    refused when an entry's name climbs out of it, when it is encrypted, or when it declares
    more entries, more bytes or a higher compression ratio than the settings allow: sizes are
    checked on the directory before anything is decompressed, and reading an entry never goes
    past its declared size."""

    def __init__(self, fileobj: BinaryIO):
        self.description = _("the ZIP archive")
        head = fileobj.read(4)
        fileobj.seek(0)
        if head[:2] != b"PK":
            raise ImportRefused(about="media", message=_("The media file is not a ZIP archive."))
        try:
            self.zip = zipfile.ZipFile(fileobj)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ImportRefused(
                about="media", message=_("The ZIP archive is damaged and cannot be read.")
            ) from None
        max_entries = getattr(settings, "ARCHIVE_IMPORT_MAX_ZIP_ENTRIES", DEFAULT_MAX_ZIP_ENTRIES)
        max_bytes = getattr(settings, "ARCHIVE_IMPORT_MAX_ZIP_BYTES", DEFAULT_MAX_ZIP_BYTES)
        max_ratio = getattr(settings, "ARCHIVE_IMPORT_MAX_ZIP_RATIO", DEFAULT_MAX_ZIP_RATIO)
        if len(infos) > max_entries:
            raise ImportRefused(
                about="media",
                message=_(
                    "The ZIP archive holds %(count)d entries; at most %(limit)d are accepted."
                )
                % {"count": len(infos), "limit": max_entries},
            )
        total = sum(info.file_size for info in infos)
        if total > max_bytes:
            raise ImportRefused(
                about="media",
                message=_("The ZIP archive unpacks to %(size)s; at most %(limit)s are accepted.")
                % {"size": filesizeformat(total), "limit": filesizeformat(max_bytes)},
            )
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            cleaned = _clean_member_name(info.filename)
            if cleaned is None:
                raise ImportRefused(
                    about="media",
                    message=_(
                        "The ZIP archive is refused: its entry “%(name)s” points outside the "
                        "archive."
                    )
                    % {"name": info.filename},
                )
            if info.is_dir() or cleaned.startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                raise ImportRefused(
                    about="media",
                    message=_(
                        "The ZIP archive is encrypted (“%(name)s”): send it without a password."
                    )
                    % {"name": info.filename},
                )
            if info.file_size > ZIP_RATIO_FLOOR and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise ImportRefused(
                    about="media",
                    message=_(
                        "The ZIP archive is refused: “%(name)s” unpacks to %(ratio)d times its "
                        "packed size (at most %(limit)d), as zip bombs do."
                    )
                    % {
                        "name": info.filename,
                        "ratio": info.file_size // max(info.compress_size, 1),
                        "limit": max_ratio,
                    },
                )
            self.infos[cleaned] = info
        super().__init__(self.infos)

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        with self.zip.open(self.infos[path]) as fileobj:
            yield fileobj

    def close(self) -> None:
        self.zip.close()


@contextmanager
def media_source(path: str | Path | None) -> Iterator[MediaSource]:
    """The media named on the command line: a folder, a ZIP file, or nothing."""
    if not path:
        yield NoMedia()
        return
    path = Path(path)
    if path.is_dir():
        yield DirectoryMedia(path)
        return
    if not path.is_file():
        raise ImportRefused(
            about="media", message=_("No folder or ZIP file at %(path)s.") % {"path": path}
        )
    with open(path, "rb") as fileobj:
        source = ZipMedia(fileobj)
        try:
            yield source
        finally:
            source.close()


@dataclass
class CheckedMedia:
    """A media file named in the CSV, checked and hashed, not stored yet."""

    path: str
    kind: str  # archive.validation.Kind value
    mime: str
    extension: str
    size: int
    sha256: str
    sha1: str = ""  # photos: what Wagtail's file_hash holds
    stored: object = None  # the CustomImage or MediaFile, once written or found


def _validate_media(source: MediaSource, path: str, kind: str):
    with source.open(path) as fileobj:
        if kind != "photo":
            return validate_upload(fileobj, kind=kind, claimed_name=posixpath.basename(path)), ""
        # A ZIP entry seeks only by reading again from its start, and Pillow seeks in photos:
        # those are read into memory, never more than one byte past the photo limit.
        data = fileobj.read(max_upload_bytes(kind="photo") + 1)
    checked = validate_upload(io.BytesIO(data), kind=kind, claimed_name=posixpath.basename(path))
    return checked, hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's file_hash is SHA-1


def check_media(source: MediaSource, path: str, *, kinds: tuple[str, ...]) -> CheckedMedia:
    """Validate the file at `path` as one of `kinds` (the first that its content matches, or
    the first kind for the refusal message). Raises UploadRejected or TranscriptError."""
    with source.open(path) as fileobj:
        detected = sniff(fileobj.read(4096))
    # The kind the content claims first; an MP4 whose tracks hold sound only is found to be
    # "not a video" once read, and is then tried as audio.
    order = sorted(kinds, key=lambda kind: detected is None or detected.kind != kind)
    refusals: list[UploadRejected] = []
    for kind in order:
        try:
            checked, sha1 = _validate_media(source, path, kind)
            break
        except UploadRejected as error:
            if error.code != "wrong_kind":
                raise
            refusals.append(error)
    else:
        raise refusals[0]
    return CheckedMedia(
        path=path,
        kind=str(checked.kind),
        mime=checked.mime,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        sha1=sha1,
    )
