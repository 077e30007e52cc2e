"""Bulk import of archive items: a CSV file of metadata, with their media in a folder or a ZIP.

Used by `manage.py import_archive` and by the admin's import screen (archive/admin_import.py).
The columns are listed in `COLUMNS` and documented in README.md ("Bulk import").

How an import runs
------------------
1. The CSV file is refused as a whole (`ImportRefused`, nothing changed) when it cannot be read
   as a table: empty, binary, not UTF-8, unterminated quotes, unknown, repeated or missing
   columns. A ZIP of media is refused the same way when an entry's name climbs out of the
   archive or its sizes exceed the limits (zip bombs).
2. Every row is checked and turned into an unsaved item with no query of its own: the trade
   vocabulary, the identifiers and checksums of the institution's items are read once. Media
   files are checked by their content (`archive.validation.validate_upload`) and hashed, not
   stored yet. Problems are collected as (row, column, message).
3. If any row failed, or on a dry run, the report is returned and nothing is written.
4. Otherwise everything is written in one transaction, in bulk (items, trade links, tags,
   images, recordings, transcripts, steps, consents, audit log). Files already written to the
   storage are deleted again if anything fails, so a failed import leaves no file behind.

Matching: re-running a file creates no duplicates, and changes only what it names
----------------------------------------------------------------------------------
A row is the institution's item that has its `identifier`; without one, the item that has its
`inventory_number` (the institution's own catalogue number, unique within it). Both are exact:
the item is updated without further question.

Without either, the import only *suggests* an item: the one whose first media file has the same
checksum (SHA-256 of recordings; for photos, the SHA-1 content hash Wagtail keeps on every
image, `file_hash`: CustomImage has no SHA-256 field); else the one whose values in the file's
columns are all equal to the row's; else the one of the same kind and title. A suggestion
that changes nothing makes the row "unchanged". One that would change the item is applied only
when the person accepts it (`Accepted`: a checkbox of the admin's report, `--accept` on the
command line); otherwise the row creates a new item (sharing the stored file, if any) and the
report says which item it resembled. A row never silently changes an item it merely resembles.

A matched item is "unchanged" when the row changes nothing, else "updated". Updates change
only the columns present in the file; an empty cell empties the field, except the file columns
(`media`, `captions`, `transcript`, `steps`, `step_media`): left empty, the item keeps its files.
After the import, `csv_with_identifiers` gives the file back with every row's identifier, so
that the next round updates exactly.

New items start as drafts (`status`: submitted or, for moderators, published, on request) and
are numbered with `services.item_identifiers_take`. Whether an update sends a published item
back to review is `services.item_change_resubmits`'s answer, as in the admin; the report says
so before anything is saved. The search index is not updated row by row: the
items are added to Wagtail's search backends in one bulk call after commit, and
`archive.signals.items_changed` is sent inside the transaction (the search outbox).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import os
import posixpath
import re
import unicodedata
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Locale

from tqdm import tqdm

from archive import selectors, services
from archive.formats import sniff
from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    ArchiveItemTag,
    Consent,
    Institution,
    ItemImage,
    MediaFile,
    Member,
    SavoirFaireStep,
    Trade,
    TranscriptSegment,
)
from archive.signals import items_changed
from archive.spreadsheets import FORMULA_STARTS, spreadsheet_safe
from archive.storage import generated_name
from archive.transcripts import Segment, TranscriptError, parse_transcript
from archive.validation import UploadRejected, max_upload_bytes, validate_upload

Kind = ArchiveItem.Kind
Status = ArchiveItem.Status

logger = logging.getLogger(__name__)

IMPORT_ACTION = "archive.import"

DEFAULT_MAX_CSV_BYTES = 20 * 1024**2
DEFAULT_MAX_ROWS = 50_000
DEFAULT_MAX_ZIP_ENTRIES = 20_000
DEFAULT_MAX_ZIP_BYTES = 10 * 1024**3
# A JPEG or a recording hardly compresses; a ratio far above this is a zip bomb.
DEFAULT_MAX_ZIP_RATIO = 100
# Entries smaller than this are not held to the ratio: a small text compresses well.
ZIP_RATIO_FLOOR = 1024**2
BATCH_SIZE = 500
LIST_SEPARATOR = "|"
INVENTORY_NUMBER_MAX_LENGTH = ArchiveItem._meta.get_field("inventory_number").max_length


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


def max_csv_bytes() -> int:
    return _setting("ARCHIVE_IMPORT_MAX_CSV_BYTES", DEFAULT_MAX_CSV_BYTES)


# --- Results ---------------------------------------------------------------------------------


class ImportRefused(Exception):
    """The whole file is refused; `message` (translated) says why. Nothing was changed.
    `about` is "csv" or "media": which of the two files is at fault."""

    def __init__(self, message: str, *, about: str = "csv"):
        super().__init__(message)
        self.message = str(message)
        self.about = about

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or one row, when `column` is empty). Rows are numbered as
    spreadsheets show them: the header is row 1."""

    row: int
    column: str
    message: str


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    LABELS = {
        CREATED: gettext_lazy("new"),
        UPDATED: gettext_lazy("updated"),
        UNCHANGED: gettext_lazy("unchanged"),
    }


class Match:
    """How a row found its item. Identifier and inventory number are exact; the others are
    suggestions, applied to a change only when accepted."""

    IDENTIFIER = "identifier"
    INVENTORY_NUMBER = "inventory_number"
    CHECKSUM = "checksum"
    VALUES = "values"
    TITLE = "title"

    EXACT = frozenset({IDENTIFIER, INVENTORY_NUMBER})
    LABELS = {
        IDENTIFIER: gettext_lazy("same identifier"),
        INVENTORY_NUMBER: gettext_lazy("same inventory number"),
        CHECKSUM: gettext_lazy("same first file"),
        VALUES: gettext_lazy("same values"),
        TITLE: gettext_lazy("same kind and title"),
    }


@dataclass(frozen=True)
class RowResult:
    row: int
    outcome: str
    identifier: str  # "" for an item still to be numbered (dry run)
    title: str
    match: str = ""  # Match: how the row found its item, or the item it resembles
    suggested: str = ""  # identifier of that item when the match is a suggestion
    changes: tuple[str, ...] = ()  # columns that change it (or would, if accepted)
    status: str = ""  # that item's status before the import
    resubmits: bool = False  # the change sends (or would send) a published item to review

    @property
    def outcome_label(self) -> str:
        return str(Outcome.LABELS[self.outcome])

    @property
    def pending(self) -> bool:
        """A suggested update that was not accepted: the row creates a new item instead."""
        return self.outcome == Outcome.CREATED and bool(self.suggested)

    @property
    def match_label(self) -> str:
        return str(Match.LABELS.get(self.match, ""))

    @property
    def review_label(self) -> str:
        """ "published → back to review" when the change takes the item off the public site."""
        if not self.resubmits:
            return ""
        return _("%(before)s → back to review") % {"before": Status(self.status).label.lower()}

    @property
    def suggestion_label(self) -> str:
        """ "would update FAB-… (published → back to review)", for a suggestion not accepted."""
        if not self.pending:
            return ""
        text = _("would update %(identifier)s") % {"identifier": self.suggested}
        return f"{text} ({self.review_label})" if self.resubmits else text


@dataclass(frozen=True)
class Accepted:
    """The suggested updates the person confirmed: every one, or rows each with the
    identifier the report showed ("" for whichever item the row suggests)."""

    rows: dict[int, str] = field(default_factory=dict)
    every: bool = False

    def covers(self, row: int) -> bool:
        return self.every or row in self.rows

    def expected(self, row: int) -> str:
        return "" if self.every else self.rows.get(row, "")


@dataclass
class ImportReport:
    """What an import did, or (dry run, or errors) would do."""

    source_name: str
    institution: Institution
    dry_run: bool
    rows: int = 0
    results: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    photos_stored: int = 0
    recordings_stored: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, outcome: str) -> int:
        return sum(result.outcome == outcome for result in self.results)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def suggestions(self) -> list[RowResult]:
        """Rows that resemble an item they do not update, for want of confirmation."""
        return [result for result in self.results if result.pending]

    @property
    def resubmitted(self) -> int:
        """Published items the import sends (or would send) back to review."""
        return sum(r.outcome == Outcome.UPDATED and r.resubmits for r in self.results)


# --- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: str
    format: str
    example: str
    kinds: frozenset[str] | None = None  # the kinds a non-empty value is allowed for


_NEW = gettext_lazy("for new items")
_NO = gettext_lazy("no")
_ORAL = frozenset({Kind.ORAL_HISTORY})
_PHOTO = frozenset({Kind.PHOTO})
_SAVOIR = frozenset({Kind.SAVOIR_FAIRE})

COLUMNS: tuple[Column, ...] = (
    Column("identifier", _NO, gettext_lazy("An item's identifier: that item is updated. An identifier not yet used is kept for the new item (letters, digits, - _ .; at most 40)."), "FAB-CMSH-0042"),  # noqa: E501
    Column("inventory_number", _NO, gettext_lazy("The institution's own catalogue number (at most 100 characters). Without an identifier, the item that has it is updated; else the new item gets it. Unique within the institution."), "1998.12.4"),  # noqa: E501
    Column("kind", _NEW, gettext_lazy("photo, oral_history or savoir_faire, or their name in French, English, German, Luxembourgish or Dutch."), "photo"),  # noqa: E501
    Column("title", _NEW, gettext_lazy("Text, at most 255 characters."), "Mineurs à la remonte"),
    Column("summary", _NO, gettext_lazy("Text, at most 600 characters."), "Fin de poste, 1954."),
    Column("description", _NO, gettext_lazy("Text."), ""),
    Column("trades", _NO, gettext_lazy("Trades of the vocabulary, by slug or by name in any site language, separated by |."), "mineur-de-fond|Porion"),  # noqa: E501
    Column("tags", _NO, gettext_lazy("Keywords separated by | or commas, at most 100 characters each."), "charbon|remonte"),  # noqa: E501
    Column("place_name", _NO, gettext_lazy("Text."), "Fosse 9 de Oignies"),
    Column("commune", _NO, gettext_lazy("Text."), "Oignies"),
    Column("region", _NO, gettext_lazy("Text."), "Hauts-de-France"),
    Column("country", _NO, gettext_lazy("FR, BE, LU, DE or NL, or the country's name."), "FR"),
    Column("latitude", _NO, gettext_lazy("Decimal degrees (WGS84), with a point or a comma; with longitude."), "50.4653"),  # noqa: E501
    Column("longitude", _NO, gettext_lazy("Decimal degrees (WGS84), with a point or a comma; with latitude."), "2.9939"),  # noqa: E501
    Column("geonames_id", _NO, gettext_lazy("GeoNames id, digits."), "2989317"),
    Column("wikidata_id", _NO, gettext_lazy("Wikidata id, Q and digits."), "Q213603"),
    Column("date", _NO, gettext_lazy("1954-03-12 or 12/03/1954, a year (1954), a period (1950-1960) or an approximate one (c. 1950–1960)."), "c. 1950–1960"),  # noqa: E501
    Column("rights", _NO, gettext_lazy("cc-by-4.0, cc-by-sa-4.0, cc0-1.0 or inc (In Copyright, the default)."), "cc-by-4.0"),  # noqa: E501
    Column("credit_line", _NO, gettext_lazy("Text, at most 255 characters."), "Coll. CHM, photo J. Martin"),  # noqa: E501
    Column("access", _NO, gettext_lazy("public (the default), members or restricted."), "public"),
    Column("media", _NO, gettext_lazy("File names in the media folder or ZIP, separated by |: photos (JPEG, PNG, TIFF, WebP, HEIC) for a photo, one audio or video recording for an oral history."), "remonte-1.jpg|remonte-2.jpg"),  # noqa: E501
    Column("captions", _NO, gettext_lazy("One caption per photo, in the order of media, separated by |."), "Vue d'ensemble|Détail", _PHOTO),  # noqa: E501
    Column("transcript", _NO, gettext_lazy("File name of a WebVTT, SRT or speaker-turn text transcript."), "entretien.vtt", _ORAL),  # noqa: E501
    Column("duration", _NO, gettext_lazy("Length of the recording: seconds, M:SS or H:MM:SS."), "1:02:30", _ORAL),  # noqa: E501
    Column("narrators", _NO, gettext_lazy("Names separated by |."), "Jeannine D.", _ORAL),
    Column("interviewers", _NO, gettext_lazy("Names separated by |."), "Camille Delannoy", _ORAL),
    Column("recording_date", _NO, gettext_lazy("A date, 2023-11-14 or 14/11/2023."), "2023-11-14", _ORAL),  # noqa: E501
    Column("recording_place", _NO, gettext_lazy("Text."), "Roubaix", _ORAL),
    Column("language", _NO, gettext_lazy("Language spoken, as a code."), "fr", _ORAL),
    Column("consent_date", _NO, gettext_lazy("A date: when the narrator consented (needed to submit an oral history)."), "2023-11-14", _ORAL),  # noqa: E501
    Column("consent_scope", _NO, gettext_lazy("public_web or research; needed with consent_date."), "public_web", _ORAL),  # noqa: E501
    Column("embargo_until", _NO, gettext_lazy("A date: not shown publicly before it."), "2030-01-01", _ORAL),  # noqa: E501
    Column("consent_notes", _NO, gettext_lazy("Text."), "Formulaire signé, dossier 12.", _ORAL),
    Column("techniques", _NO, gettext_lazy("Separated by | or line breaks."), "Ourdissage|Tissage", _SAVOIR),  # noqa: E501
    Column("materials", _NO, gettext_lazy("Separated by | or line breaks."), "Laine", _SAVOIR),
    Column("tools", _NO, gettext_lazy("Separated by | or line breaks."), "Navette", _SAVOIR),
    Column("steps", _NO, gettext_lazy("The steps' texts, in order, separated by |."), "Monter la chaîne|Tisser", _SAVOIR),  # noqa: E501
    Column("step_media", _NO, gettext_lazy("One photo or video file name per step (empty for none), separated by |."), "chaine.jpg|", _SAVOIR),  # noqa: E501
)  # fmt: skip
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
_COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}

# Model fields each plain column sets (the others are handled one by one).
_FIELDS_OF = {
    "inventory_number": ("inventory_number",),
    "title": ("title",),
    "summary": ("summary",),
    "description": ("description",),
    "place_name": ("place_name",),
    "commune": ("commune",),
    "region": ("region",),
    "country": ("country",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "geonames_id": ("geonames_id",),
    "wikidata_id": ("wikidata_id",),
    "date": ("date", "year_from", "year_to", "date_approximate"),
    "rights": ("rights",),
    "credit_line": ("credit_line",),
    "access": ("access",),
    "narrators": ("narrators",),
    "interviewers": ("interviewers",),
    "recording_date": ("recording_date",),
    "recording_place": ("recording_place",),
    "language": ("language",),
    "techniques": ("techniques",),
    "materials": ("materials",),
    "tools": ("tools",),
}
_COLUMN_OF_FIELD = {name: column for column, names in _FIELDS_OF.items() for name in names}


@cache
def _model_fields() -> tuple[str, ...]:
    return tuple(f.name for f in ArchiveItem._meta.concrete_fields)


_CONSENT_COLUMNS = ("consent_date", "consent_scope", "embargo_until", "consent_notes")
_FILE_COLUMNS = ("media", "captions", "transcript", "steps", "step_media")


# --- Reading the CSV -------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as spreadsheets count, values)
    errors: list[RowError]
    delimiter: str = ","


def _cell(value: str) -> str:
    """A cell's value, without the `'` that `spreadsheet_safe` put before a leading = + - @
    (our own exports, such as `csv_with_identifiers`, read back as they were)."""
    value = value.strip()
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def read_csv(data: bytes) -> Table:
    """The header and rows of a CSV file (UTF-8, with or without BOM; comma, semicolon or tab
    separated, found from the header line). Raises ImportRefused for a file that is not such
    a table; rows with more values than the header are row errors."""
    limit = max_csv_bytes()
    if len(data) > limit:
        raise ImportRefused(
            _("The CSV file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportRefused(_("The CSV file is empty."))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRefused(
            _(
                "The CSV file is in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and "
                "import it again."
            )
        )
    detected = sniff(data[:4096])
    if b"\x00" in data[:4096] or (detected is not None and detected.format != "text"):
        what = detected.description if detected is not None else _("binary data")
        raise ImportRefused(
            _(
                "This is not a CSV file: its content is %(content)s. Export the sheet as "
                "“CSV UTF-8” and import that file."
            )
            % {"content": what}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            _(
                "The CSV file is not in UTF-8 (line %(line)d holds a character in another "
                "encoding). Save it as “CSV UTF-8” and import it again."
            )
            % {"line": line}
        ) from None
    if "\x00" in text:
        raise ImportRefused(_("This is not a CSV file: it holds binary data."))

    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    record_number = 0
    start_line = 1
    try:
        for record in reader:
            record_number += 1
            records.append((record_number, record))
            start_line = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):
            message = _(
                "Unterminated quotes: the value opened on line %(line)d is never closed."
            ) % {"line": start_line}
        else:
            message = _("The CSV file cannot be read at line %(line)d: %(error)s.") % {
                "line": reader.line_num,
                "error": error,
            }
        raise ImportRefused(message) from None

    if not records:
        raise ImportRefused(_("The CSV file is empty."))
    header = [_normalise_header(name) for name in records[0][1]]
    # Spreadsheets add empty columns after the last one: ignored when they are empty.
    while header and not header[-1]:
        header.pop()
    unknown = [name or "(empty)" for name in header if name not in _COLUMNS_BY_NAME]
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMN_NAMES)}
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ImportRefused(
            _("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    if not ({"title", "kind"} <= set(header) or {"identifier", "inventory_number"} & set(header)):
        missing = [name for name in ("kind", "title") if name not in header]
        raise ImportRefused(
            _(
                "Missing columns: %(columns)s. New items need a kind and a title; a file that "
                "only updates items needs the identifier or inventory_number column."
            )
            % {"columns": ", ".join(missing)}
        )

    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines between rows
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "This row has %(count)d values but the header has %(columns)d columns "
                        "(is there a separator inside a value without quotes?)."
                    )
                    % {"count": len(record), "columns": len(header)},
                )
            )
            continue
        values = {
            name: _cell(record[i] if i < len(record) else "") for i, name in enumerate(header)
        }
        # Numbered as spreadsheets number rows: the header is row 1.
        rows.append((number, values))
    if not rows and not errors:
        raise ImportRefused(_("The CSV file has a header but no rows to import."))
    max_rows = _setting("ARCHIVE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if len(rows) > max_rows:
        raise ImportRefused(
            _("The CSV file has %(count)d rows; at most %(limit)d are imported at once.")
            % {"count": len(rows), "limit": max_rows}
        )
    return Table(columns=header, rows=rows, errors=errors, delimiter=delimiter)


# --- Media: a folder or a ZIP ----------------------------------------------------------------


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
        max_entries = _setting("ARCHIVE_IMPORT_MAX_ZIP_ENTRIES", DEFAULT_MAX_ZIP_ENTRIES)
        max_bytes = _setting("ARCHIVE_IMPORT_MAX_ZIP_BYTES", DEFAULT_MAX_ZIP_BYTES)
        max_ratio = _setting("ARCHIVE_IMPORT_MAX_ZIP_RATIO", DEFAULT_MAX_ZIP_RATIO)
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
class _Media:
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


def _check_media(source: MediaSource, path: str, *, kinds: tuple[str, ...]) -> _Media:
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
    return _Media(
        path=path,
        kind=str(checked.kind),
        mime=checked.mime,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        sha1=sha1,
    )


# --- Values ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message is for the row's report."""


def _fold(text: str) -> str:
    """Comparison key: no accents, no case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


def _choice_lookup(choices) -> dict[str, str]:
    """Value of a TextChoices from its value or its label in any site language."""
    lookup = {}
    for value, _label in choices.choices:
        lookup[_fold(value)] = value
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(_fold(str(label)), value)
    return lookup


def _split(value: str, separators: str = LIST_SEPARATOR) -> list[str]:
    parts = re.split("|".join(re.escape(s) for s in separators), value) if value else []
    return [part.strip() for part in parts if part.strip()]


_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_APPROXIMATE = re.compile(
    r"^(?:c\.|ca\.|c|ca|circa|env\.|env|environ|vers|um|rond|omstreeks|~)\s*", re.IGNORECASE
)
_PERIOD = re.compile(r"^(\d{3,4})\s*(?:-|–|—|/|à|a|to|bis|tot)\s*(\d{3,4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{3,4})$")


def parse_exact_date(value: str) -> datetime.date:
    """2023-11-14 or 14/11/2023 (also 14.11.2023): day first, as in the site's languages."""
    try:
        match = _DMY.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date: write 2023-11-14 or 14/11/2023.") % {"value": value}
        ) from None


def parse_period(
    value: str, *, this_year: int | None = None
) -> tuple[datetime.date | None, int | None, int | None, bool]:
    """(exact date, first year, last year, approximate) from the `date` column."""
    text = value.strip()
    approximate = False
    stripped = _APPROXIMATE.sub("", text)
    if stripped != text:
        approximate, text = True, stripped.strip()
    if text.endswith("?"):
        approximate, text = True, text[:-1].strip()
    match = _PERIOD.fullmatch(text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
    elif _YEAR.fullmatch(text):
        first = last = int(text)
    elif not approximate:
        return parse_exact_date(text), None, None, False
    else:
        first = last = None
    if first is None:
        raise CellError(
            _(
                "“%(value)s” is not a date: write 1954-03-12, 12/03/1954, 1954, 1950-1960 "
                "or c. 1950–1960."
            )
            % {"value": value}
        )
    this_year = this_year or timezone.localdate().year
    for year in (first, last):
        if not 100 <= year <= this_year:
            raise CellError(
                _("%(year)d is not a year between 100 and %(now)d.")
                % {"year": year, "now": this_year}
            )
    if first > last:
        raise CellError(_("The period cannot end before it starts."))
    return None, first, last, approximate


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    # Six decimals are about 10 cm: more precision than any source has.
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def parse_duration(value: str) -> int:
    parts = value.split(":")
    if not 1 <= len(parts) <= 3 or not all(part.strip().isdigit() for part in parts):
        raise CellError(
            _("“%(value)s” is not a duration: write seconds, M:SS or H:MM:SS.") % {"value": value}
        )
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


_MESSAGES = {
    "country": gettext_lazy("“%(value)s” is not one of FR, BE, LU, DE, NL."),
    "rights": gettext_lazy(
        "“%(value)s” is not a rights statement: write cc-by-4.0, cc-by-sa-4.0, cc0-1.0 or inc."
    ),
    "access": gettext_lazy(
        "“%(value)s” is not an access level: write public, members or restricted."
    ),
    "geonames_id": gettext_lazy("“%(value)s” is not a GeoNames id (digits)."),
    "wikidata_id": gettext_lazy("“%(value)s” is not a Wikidata id (Q and digits)."),
    "language": gettext_lazy("“%(value)s” is not a language code such as fr."),
}
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_GEONAMES = re.compile(r"\d{1,20}")
_WIKIDATA = re.compile(r"Q\d{1,19}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,4})?")


# --- Vocabulary ------------------------------------------------------------------------------


class _TradeIndex:
    """Every trade by slug and by name in every locale (and as "Broader > Name"), read in one
    query; items link to the default locale's rows, as in the admin form."""

    def __init__(self):
        rows = list(
            Trade.objects.select_related("parent").values_list(
                "pk", "slug", "name", "translation_key", "locale_id", "parent__name"
            )
        )
        default_locale = Locale.get_default().pk
        target: dict[uuid.UUID, int] = {}
        for pk, _slug, _name, key, locale_id, _parent in rows:
            if locale_id == default_locale or key not in target:
                target[key] = pk
        self.keys: dict[str, set[uuid.UUID]] = defaultdict(set)
        for _pk, slug, name, key, _locale, parent in rows:
            self.keys[_fold(slug)].add(key)
            self.keys[_fold(name)].add(key)
            if parent:
                self.keys[_fold(f"{parent} > {name}")].add(key)
        self.target = target
        self.slug_of = {key: slug for _pk, slug, _n, key, _l, _p in rows}

    def find(self, label: str) -> int:
        keys = self.keys.get(_fold(label), set())
        if len(keys) == 1:
            return self.target[next(iter(keys))]
        if keys:
            raise CellError(
                _("“%(label)s” names several trades (%(slugs)s): use the slug.")
                % {"label": label, "slugs": ", ".join(sorted(self.slug_of[key] for key in keys))}
            )
        raise CellError(_("“%(label)s” is not a trade of the vocabulary.") % {"label": label})


# --- Planning rows ---------------------------------------------------------------------------


@dataclass
class _Plan:
    """One row on its way to an item: what it says, and what it will change."""

    row: int
    values: dict[str, str]
    fields: dict[str, object]  # model field -> value from the row
    identifier: str = ""
    inventory_number: str = ""
    kind: str | None = None
    existing_id: int | None = None
    match: str = ""  # Match: how existing_id was found
    item: ArchiveItem | None = None
    suggested: ArchiveItem | None = None  # resembled, not updated: the row creates an item
    trade_ids: list[int] | None = None
    tags: list[str] | None = None
    photos: list[_Media] | None = None
    captions: list[str] | None = None
    recording: _Media | None = None
    duration: int | None = None
    transcript: list[Segment] | None = None
    steps: list[tuple[str, _Media | None]] | None = None
    consent: dict | None = None
    outcome: str = Outcome.CREATED
    changed: set[str] = field(default_factory=set)  # of the matched or suggested item
    resubmits: bool = False  # the update sends a published item back to review
    status_before: str = ""  # the matched or suggested item's status, before the import


# The column a row's gap (services.review_gaps) is reported on.
_COLUMN_OF_GAP = {"images": "media", "media": "media", "consent": "consent_date"}


class _Errors:
    def __init__(self):
        self.items: list[RowError] = []

    def add(self, row: int, column: str, message) -> None:
        self.items.append(RowError(row, column, str(message)))

    def from_validation(self, row: int, error: ValidationError, default_column: str = "") -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                column = _COLUMN_OF_FIELD.get(name, name if name in _COLUMNS_BY_NAME else "")
                for message in ValidationError(errors).messages:
                    self.add(row, column or default_column, message)
        else:
            for message in error.messages:
                self.add(row, default_column, message)


class _Importer:
    """One import: read, plan, and (unless dry run or errors) write. See the module docstring."""

    def __init__(
        self, *, institution, user, actor, status, source, source_name, progress, accepted
    ):
        self.source = source
        self.institution = institution
        self.user = user
        self.actor = actor  # None: the system (the command line without --user)
        self.accepted = accepted
        self.status = status
        self.source_name = source_name
        self.progress = progress
        self.errors = _Errors()
        self.kinds = _choice_lookup(Kind)
        self._kinds_seen: dict[str, str | None] = {}
        self.rights = _choice_lookup(ArchiveItem.Rights)
        self.rights.update({_fold(label): value for value, label in ArchiveItem.Rights.choices})
        self.access = _choice_lookup(ArchiveItem.Access)
        self.countries = _choice_lookup(Member.Country)
        self.scopes = _choice_lookup(Consent.Scope)
        self.parsers = self._parsers()
        self.this_year = timezone.localdate().year
        self.media_cache: dict[tuple[str, tuple[str, ...]], _Media | Exception] = {}
        self.stored_names: list[str] = []

    # --- Pass 1: every row into a plan, with no query per row --------------------------------

    def plan(self, table: Table) -> list[_Plan]:
        for error in table.errors:
            self.errors.items.append(error)
        self.columns = set(table.columns)
        self.trades = _TradeIndex() if "trades" in self.columns else None
        given = {values["identifier"] for _row, values in table.rows if values.get("identifier")}
        self.known = {}
        self.existing_kinds: dict[int, str] = {}
        for identifier, pk, institution_id, kind in ArchiveItem.objects.filter(
            identifier__in=given
        ).values_list("identifier", "pk", "institution_id", "kind"):
            self.known[identifier] = (pk, institution_id)
            self.existing_kinds[pk] = kind
        self.inventory: dict[str, tuple[int, str]] = {}
        if "inventory_number" in self.columns:
            for number, pk, identifier, kind in selectors.items_with_inventory_numbers(
                institution_id=self.institution.pk,
                numbers=(values["inventory_number"] for _row, values in table.rows),
            ).values_list("inventory_number", "pk", "identifier", "kind"):
                self.inventory[number] = (pk, identifier)
                self.existing_kinds[pk] = kind
        self.seen_identifiers: dict[str, int] = {}
        self.seen_numbers: dict[str, int] = {}
        plans = []
        for row, values in self._iterate(table.rows, _("Checking rows")):
            plan = self._plan_row(row, values, self.source)
            if plan is not None:
                plans.append(plan)
        # The rows that passed are matched and validated as items even when others failed:
        # the report then lists every problem at once.
        self._suggest(plans)
        self._compare(plans)
        self._check_accepted(plans, {row for row, _values in table.rows})
        return plans

    def _iterate(self, rows, label):
        return tqdm(
            rows, desc=label, unit=_("rows"), disable=None if self.progress else True, leave=False
        )

    def _media(self, source, row, column, name, kinds) -> _Media | None:
        try:
            path = source.find(name)
        except ValueError as error:
            self.errors.add(row, column, error)
            return None
        key = (path, kinds)
        if key not in self.media_cache:
            try:
                self.media_cache[key] = _check_media(source, path, kinds=kinds)
            except (UploadRejected, ValidationError) as error:
                self.media_cache[key] = error
            except (OSError, zipfile.BadZipFile, EOFError) as error:
                self.media_cache[key] = ValidationError(
                    _("The file could not be read (%(error)s).") % {"error": error}
                )
        result = self.media_cache[key]
        if isinstance(result, ValidationError):
            for message in result.messages:
                self.errors.add(row, column, f"{name}: {message}")
            return None
        return result

    def _plan_row(self, row, values, source) -> _Plan | None:
        errors_before = len(self.errors.items)
        add = self.errors.add
        present = set(values)

        # Identifier, inventory number and kind first: they decide what the rest means.
        identifier = values.get("identifier", "")
        existing_id = match = None
        if identifier:
            if not _IDENTIFIER.fullmatch(identifier):
                add(
                    row,
                    "identifier",
                    _("“%(value)s” is not an identifier: letters, digits, - _ . (at most 40).")
                    % {"value": identifier},
                )
            elif identifier in self.seen_identifiers:
                add(
                    row,
                    "identifier",
                    _("This identifier is already on row %(row)d.")
                    % {"row": self.seen_identifiers[identifier]},
                )
            else:
                self.seen_identifiers[identifier] = row
                known = self.known.get(identifier)
                if known and known[1] != self.institution.pk:
                    add(row, "identifier", _("This identifier is taken by another item."))
                elif known:
                    existing_id, match = known[0], Match.IDENTIFIER
        number = values.get("inventory_number", "")
        if number:
            holder = self.inventory.get(number)
            if len(number) > INVENTORY_NUMBER_MAX_LENGTH:
                add(
                    row,
                    "inventory_number",
                    _("An inventory number has at most %(count)d characters.")
                    % {"count": INVENTORY_NUMBER_MAX_LENGTH},
                )
            elif number in self.seen_numbers:
                add(
                    row,
                    "inventory_number",
                    _("This inventory number is already on row %(row)d.")
                    % {"row": self.seen_numbers[number]},
                )
            elif holder is not None and not identifier:
                existing_id, match = holder[0], Match.INVENTORY_NUMBER
            elif holder is not None and holder[0] != existing_id:
                add(
                    row,
                    "inventory_number",
                    _("This inventory number is already that of %(identifier)s.")
                    % {"identifier": holder[1]},
                )
            self.seen_numbers.setdefault(number, row)
        kind = None
        if values.get("kind"):
            kind = self._kind(values["kind"])
            if kind is None:
                add(
                    row,
                    "kind",
                    _("“%(value)s” is not a kind: write photo, oral_history or savoir_faire.")
                    % {"value": values["kind"]},
                )
        elif existing_id is None:
            add(row, "kind", _("A new item needs its kind."))
        if existing_id is None and not values.get("title"):
            add(row, "title", _("A new item needs a title."))

        fields: dict[str, object] = {}
        plan = _Plan(
            row=row, values=values, fields=fields, identifier=identifier, inventory_number=number
        )
        for name in (
            "inventory_number",
            "title",
            "summary",
            "description",
            "place_name",
            "commune",
            "region",
            "credit_line",
            "recording_place",
        ):
            if name in present:
                fields[name] = values[name]
        self._read_values(plan, present, add)

        effective_kind = kind
        if effective_kind is None and existing_id is not None:
            effective_kind = self.existing_kinds[existing_id]
        if effective_kind is not None:
            for name in present:
                column = _COLUMNS_BY_NAME[name]
                if column.kinds and values[name] and effective_kind not in column.kinds:
                    add(
                        row,
                        name,
                        _("This column is not used for %(kind)s items.")
                        % {"kind": Kind(effective_kind).label},
                    )
            self._read_files(plan, effective_kind, source, add)

        if len(self.errors.items) > errors_before:
            return None
        plan.kind = effective_kind
        plan.existing_id = existing_id
        plan.match = match or ""
        return plan

    def _kind(self, value: str) -> str | None:
        if value not in self._kinds_seen:
            self._kinds_seen[value] = self.kinds.get(_fold(value))
        return self._kinds_seen[value]

    def _parsers(self) -> dict[str, tuple[Callable[[str], object], object]]:
        """Column -> (parser of a non-empty cell, value of an empty cell), for the columns
        that set one model field each."""

        def choice(lookup, message):
            seen: dict[str, str] = {}

            def parse(value):
                if value not in seen:
                    found = lookup.get(_fold(value))
                    if found is None:
                        raise CellError(message % {"value": value})
                    seen[value] = found
                return seen[value]

            return parse

        def pattern(regex, message):
            def parse(value):
                if not regex.fullmatch(value):
                    raise CellError(message % {"value": value})
                return value

            return parse

        def names(value):
            return ", ".join(_split(value))

        def lines(value):
            return "\n".join(_split(value, (LIST_SEPARATOR, "\n")))

        return {
            "country": (choice(self.countries, _MESSAGES["country"]), ""),
            "latitude": (parse_decimal, None),
            "longitude": (parse_decimal, None),
            "rights": (choice(self.rights, _MESSAGES["rights"]), ArchiveItem.Rights.IN_COPYRIGHT),
            "access": (choice(self.access, _MESSAGES["access"]), ArchiveItem.Access.PUBLIC),
            "recording_date": (parse_exact_date, None),
            "geonames_id": (pattern(_GEONAMES, _MESSAGES["geonames_id"]), ""),
            "wikidata_id": (pattern(_WIKIDATA, _MESSAGES["wikidata_id"]), ""),
            "language": (pattern(_LANGUAGE, _MESSAGES["language"]), ""),
            "narrators": (names, ""),
            "interviewers": (names, ""),
            "techniques": (lines, ""),
            "materials": (lines, ""),
            "tools": (lines, ""),
        }

    def _read_values(self, plan: _Plan, present: set[str], add) -> None:
        values, fields, row = plan.values, plan.fields, plan.row
        for name, (parse, empty) in self.parsers.items():
            if name not in present:
                continue
            if not values[name]:
                fields[name] = empty
                continue
            try:
                fields[name] = parse(values[name])
            except CellError as error:
                add(row, name, error)

        if "date" in present:
            if values["date"]:
                try:
                    date, first, last, approximate = parse_period(
                        values["date"], this_year=self.this_year
                    )
                except CellError as error:
                    add(row, "date", error)
                else:
                    fields.update(
                        date=date, year_from=first, year_to=last, date_approximate=approximate
                    )
            else:
                fields.update(date=None, year_from=None, year_to=None, date_approximate=False)

        if "trades" in present:
            plan.trade_ids = []
            for label in _split(values["trades"]):
                try:
                    trade_id = self.trades.find(label)
                except CellError as error:
                    add(row, "trades", error)
                else:
                    if trade_id not in plan.trade_ids:
                        plan.trade_ids.append(trade_id)
        if "tags" in present:
            try:
                plan.tags = services.tags_clean(tags=_split(values["tags"], (LIST_SEPARATOR, ",")))
            except ValidationError as error:
                self.errors.from_validation(row, error, "tags")
        if any(name in present for name in _CONSENT_COLUMNS) and any(
            values.get(name) for name in _CONSENT_COLUMNS
        ):
            plan.consent = self._read_consent(plan, add)
        if values.get("duration"):
            try:
                plan.duration = parse_duration(values["duration"])
            except CellError as error:
                add(row, "duration", error)

    def _read_consent(self, plan: _Plan, add) -> dict | None:
        values, row = plan.values, plan.row
        consent = {"notes": values.get("consent_notes", ""), "embargo_until": None}
        for name in ("consent_date", "consent_scope"):
            if not values.get(name):
                add(row, name, _("Needed to record the consent."))
        if values.get("consent_date"):
            try:
                consent["consent_date"] = parse_exact_date(values["consent_date"])
            except CellError as error:
                add(row, "consent_date", error)
        if values.get("consent_scope"):
            scope = self.scopes.get(_fold(values["consent_scope"]))
            if scope is None:
                add(
                    row,
                    "consent_scope",
                    _("“%(value)s” is not a consent scope: write public_web or research.")
                    % {"value": values["consent_scope"]},
                )
            consent["scope"] = scope
        if values.get("embargo_until"):
            try:
                consent["embargo_until"] = parse_exact_date(values["embargo_until"])
            except CellError as error:
                add(row, "embargo_until", error)
        return consent

    def _read_files(self, plan: _Plan, kind: str, source: MediaSource, add) -> None:
        values, row = plan.values, plan.row
        names = _split(values.get("media", ""))
        if names and kind == Kind.SAVOIR_FAIRE:
            add(row, "media", _("Savoir-faire records take their files in step_media."))
        elif names and kind == Kind.PHOTO:
            photos = [self._media(source, row, "media", name, ("photo",)) for name in names]
            plan.photos = [photo for photo in photos if photo is not None]
        elif names and kind == Kind.ORAL_HISTORY:
            if len(names) > 1:
                add(row, "media", _("An oral history has one recording."))
            else:
                plan.recording = self._media(source, row, "media", names[0], ("audio", "video"))
        captions = [caption.strip() for caption in values.get("captions", "").split("|")]
        if values.get("captions"):
            if not names:
                add(row, "captions", _("Captions go with the photos named in media."))
            elif len(captions) > len(names):
                add(row, "captions", _("There are more captions than photos."))
            plan.captions = captions + [""] * (len(names) - len(captions))
        if values.get("transcript") and kind == Kind.ORAL_HISTORY:
            plan.transcript = self._transcript(source, row, values["transcript"])
        step_texts = _split(values.get("steps", ""))
        step_files = [name.strip() for name in values.get("step_media", "").split("|")]
        if values.get("step_media") and len([n for n in step_files if n]) and not step_texts:
            add(row, "step_media", _("Step files go with the steps' texts in steps."))
        elif step_texts:
            if len(step_files) > len(step_texts):
                add(row, "step_media", _("There are more step files than steps."))
            step_files += [""] * (len(step_texts) - len(step_files))
            plan.steps = [
                (
                    text,
                    self._media(source, row, "step_media", name, ("photo", "video"))
                    if name
                    else None,
                )
                for text, name in zip(step_texts, step_files, strict=False)
            ]

    def _transcript(self, source, row, name) -> list[Segment] | None:
        try:
            path = source.find(name)
        except ValueError as error:
            self.errors.add(row, "transcript", error)
            return None
        limit = services.TRANSCRIPT_MAX_BYTES
        try:
            with source.open(path) as fileobj:
                segments = parse_transcript(fileobj.read(limit + 1), max_bytes=limit)
        except TranscriptError as error:
            self.errors.add(row, "transcript", f"{name}: {error.message}")
            return None
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            self.errors.add(row, "transcript", f"{name}: {error}")
            return None
        if not segments:
            self.errors.add(
                row, "transcript", _("%(name)s holds no transcript text.") % {"name": name}
            )
            return None
        return segments

    # --- Suggesting existing items for rows without identifier or inventory number -----------

    def _suggest(self, plans: list[_Plan]) -> None:
        """Give each row that names no item the institution's item it most resembles: the same
        first file, else the same values, else the same kind and title. Each item is matched
        or suggested once; an item with another inventory number is another object."""
        open_plans = [p for p in plans if p.existing_id is None and not p.identifier and p.kind]
        if not open_plans:
            return
        items = {
            pk: (kind, number, _fold(title))
            for pk, kind, number, title in ArchiveItem.objects.filter(
                institution=self.institution
            ).values_list("pk", "kind", "inventory_number", "title")
        }
        if not items:
            return
        claimed: dict[int, int] = {p.existing_id: p.row for p in plans if p.existing_id}

        def take(plan: _Plan, candidates: Iterable[int], how: str) -> None:
            for pk in candidates:
                kind, number, _title = items[pk]
                if pk in claimed or kind != plan.kind:
                    continue
                if number and plan.inventory_number and number != plan.inventory_number:
                    continue
                claimed[pk] = plan.row
                plan.existing_id, plan.match = pk, how
                return

        by_checksum = self._items_by_first_file(open_plans)
        for plan in open_plans:
            key = self._first_file_key(plan)
            if key is not None:
                take(plan, by_checksum.get(key, ()), Match.CHECKSUM)
        self._suggest_by_values(
            [p for p in open_plans if p.existing_id is None and not (p.photos or p.recording)],
            take,
        )
        by_title: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, (kind, _number, title) in items.items():
            by_title[(kind, title)].append(pk)
        for plan in open_plans:
            if plan.existing_id is None and plan.fields.get("title"):
                candidates = by_title.get((plan.kind, _fold(plan.fields["title"])), ())
                take(plan, sorted(candidates), Match.TITLE)

    @staticmethod
    def _first_file_key(plan: _Plan) -> str | None:
        if plan.photos:
            return f"sha1:{plan.photos[0].sha1}"
        if plan.recording:
            return f"sha256:{plan.recording.sha256}"
        return None

    def _items_by_first_file(self, plans: list[_Plan]) -> dict[str, list[int]]:
        """The institution's items by the checksum of their first file (recording or photo)."""
        by_checksum: dict[str, list[int]] = defaultdict(list)
        if not any(p.photos or p.recording for p in plans):
            return by_checksum
        institution = self.institution
        for sha256, pk in (
            ArchiveItem.objects.filter(institution=institution, media__isnull=False)
            .order_by("pk")
            .values_list("media__sha256", "pk")
        ):
            by_checksum[f"sha256:{sha256}"].append(pk)
        first_images = {}
        for item_id, file_hash, order in ItemImage.objects.filter(
            item__institution=institution
        ).values_list("item_id", "image__file_hash", "sort_order"):
            if item_id not in first_images or order < first_images[item_id][1]:
                first_images[item_id] = (file_hash, order)
        for item_id, (file_hash, _order) in sorted(first_images.items()):
            by_checksum[f"sha1:{file_hash}"].append(item_id)
        return by_checksum

    def _content_key(self, kind, fields: dict, trade_ids, tags, names) -> tuple:
        return (
            kind,
            tuple(fields.get(name) for name in names),
            frozenset(trade_ids) if trade_ids is not None else None,
            frozenset(tag.casefold() for tag in tags) if tags is not None else None,
        )

    def _suggest_by_values(self, plans: list[_Plan], take) -> None:
        """Rows with neither identifier nor media: the institution's items whose values in the
        file's columns all equal the row's."""
        if not plans:
            return
        names = sorted({name for plan in plans for name in plan.fields})
        trades = defaultdict(list)
        if "trades" in self.columns:
            for item_id, trade_id in ArchiveItem.trades.through.objects.filter(
                archiveitem__institution=self.institution
            ).values_list("archiveitem_id", "trade_id"):
                trades[item_id].append(trade_id)
        tags = defaultdict(list)
        if "tags" in self.columns:
            for item_id, name in ArchiveItemTag.objects.filter(
                content_object__institution=self.institution
            ).values_list("content_object_id", "tag__name"):
                tags[item_id].append(name)
        candidates: dict[tuple, list[int]] = defaultdict(list)
        items = ArchiveItem.objects.filter(institution=self.institution).order_by("pk")
        for values in items.values("pk", "kind", *names):
            key = self._content_key(
                values["kind"],
                values,
                trades[values["pk"]] if "trades" in self.columns else None,
                tags[values["pk"]] if "tags" in self.columns else None,
                names,
            )
            candidates[key].append(values["pk"])
        defaults = self._defaults(names)
        for plan in plans:
            fields = {**defaults, **plan.fields}
            key = self._content_key(plan.kind, fields, plan.trade_ids, plan.tags, names)
            take(plan, candidates.get(key, ()), Match.VALUES)

    @staticmethod
    def _defaults(names) -> dict:
        return {name: ArchiveItem._meta.get_field(name).get_default() for name in names}

    # --- Building items and comparing them with what exists ------------------------------------

    def _compare(self, plans: list[_Plan]) -> None:
        existing_ids = [plan.existing_id for plan in plans if plan.existing_id]
        existing = ArchiveItem.objects.select_related("media").in_bulk(existing_ids)
        related = self._related(plans, existing_ids)
        for plan in plans:
            item = existing.get(plan.existing_id)
            if item is not None and plan.match in Match.EXACT:
                if plan.kind != item.kind:
                    self.errors.add(
                        plan.row,
                        "kind",
                        _("The item %(identifier)s is %(kind)s; its kind cannot change.")
                        % {"identifier": item.identifier, "kind": item.get_kind_display()},
                    )
                    continue
                if self.actor is not None and not self.actor.may(item, "change"):
                    self.errors.add(plan.row, plan.match, _("You cannot change this item."))
                    continue
            elif item is not None and self.actor is not None and not self.actor.may(item, "change"):
                item = None  # not an item this account could update: nothing to suggest
            if item is not None:
                changed = {
                    name for name, value in plan.fields.items() if getattr(item, name) != value
                }
                changed |= self._related_changes(plan, item, *related)
                plan.changed, plan.status_before = changed, item.status
                plan.resubmits = bool(changed) and services.item_change_resubmits(
                    item=item, actor=self.actor
                )
                if changed and plan.match not in Match.EXACT and not self._accepts(plan, item):
                    # Only resembled: the row creates an item, and the report says which.
                    plan.suggested, item = item, None
            if item is None:
                item = ArchiveItem(institution=self.institution, kind=plan.kind)
                plan.item, plan.existing_id = item, None
                plan.outcome = Outcome.CREATED
                for name, value in plan.fields.items():
                    setattr(item, name, value)
                if plan.identifier:
                    item.identifier = plan.identifier
            else:
                plan.item = item
                for name in plan.changed & plan.fields.keys():
                    setattr(item, name, plan.fields[name])
                plan.outcome = Outcome.UPDATED if plan.changed else Outcome.UNCHANGED
            if plan.duration is not None and not plan.recording and not item.media_id:
                self.errors.add(
                    plan.row, "duration", _("The duration goes with a recording, named in media.")
                )
            self._validate(plan)
        if self.status != Status.DRAFT:
            for plan in plans:
                if plan.outcome == Outcome.CREATED:
                    self._check_complete(plan)

    def _accepts(self, plan: _Plan, item: ArchiveItem) -> bool:
        """Whether the person confirmed the suggested update of `item` by this row."""
        if not self.accepted.covers(plan.row):
            return False
        expected = self.accepted.expected(plan.row)
        if expected and expected != item.identifier:
            self.errors.add(
                plan.row,
                "",
                _(
                    "You confirmed the update of %(expected)s, but this row now resembles "
                    "%(found)s. Check the file again."
                )
                % {"expected": expected, "found": item.identifier},
            )
            return False
        return True

    def _check_accepted(self, plans: list[_Plan], rows: set[int]) -> None:
        """A confirmed row must still suggest an item: a confirmation never turns into the
        creation of an item the person did not see."""
        planned = {plan.row: plan for plan in plans}
        for row in sorted(self.accepted.rows):
            plan = planned.get(row)
            if row not in rows:
                self.errors.add(row, "", _("The file has no row %(row)d.") % {"row": row})
            elif plan is not None and plan.match in ("", *Match.EXACT):
                self.errors.add(
                    row, "", _("This row resembles no item: there is no update to confirm.")
                )

    def _related(self, plans, existing_ids):
        """What the matched items have that the file may change, in one query each."""
        trades, tags, images, steps, segments, consents = (defaultdict(list) for _ in range(6))
        if not existing_ids:
            return trades, tags, images, steps, segments, consents
        if "trades" in self.columns:
            for item_id, trade_id in ArchiveItem.trades.through.objects.filter(
                archiveitem_id__in=existing_ids
            ).values_list("archiveitem_id", "trade_id"):
                trades[item_id].append(trade_id)
        if "tags" in self.columns:
            for item_id, name in ArchiveItemTag.objects.filter(
                content_object_id__in=existing_ids
            ).values_list("content_object_id", "tag__name"):
                tags[item_id].append(name)
        with_photos = [p.existing_id for p in plans if p.existing_id and p.photos]
        for row in (
            ItemImage.objects.filter(item_id__in=with_photos)
            .order_by("sort_order")
            .values("item_id", "image__file_hash", "caption")
        ):
            images[row["item_id"]].append((row["image__file_hash"], row["caption"]))
        with_steps = [p.existing_id for p in plans if p.existing_id and p.steps is not None]
        for row in (
            SavoirFaireStep.objects.filter(item_id__in=with_steps)
            .order_by("sort_order")
            .values("item_id", "text", "image__file_hash", "media__sha256")
        ):
            steps[row["item_id"]].append(
                (row["text"], row["image__file_hash"] or row["media__sha256"] or None)
            )
        with_transcript = [p.existing_id for p in plans if p.existing_id and p.transcript]
        for row in (
            TranscriptSegment.objects.filter(item_id__in=with_transcript)
            .order_by("position")
            .values_list("item_id", "start_ms", "end_ms", "speaker", "text")
        ):
            segments[row[0]].append(tuple(row[1:]))
        with_consent = [p.existing_id for p in plans if p.existing_id and p.consent]
        for consent in Consent.objects.filter(item_id__in=with_consent):
            consents[consent.item_id] = consent
        return trades, tags, images, steps, segments, consents

    def _related_changes(
        self, plan, item, trades, tags, images, steps, segments, consents
    ) -> set[str]:
        """What the row changes among the item's trades, tags, files, transcript, consent."""
        changed = set()
        if plan.trade_ids is not None and set(plan.trade_ids) != set(trades[item.pk]):
            changed.add("trades")
        if plan.tags is not None and {t.casefold() for t in plan.tags} != {
            t.casefold() for t in tags[item.pk]
        }:
            changed.add("tags")
        if plan.photos:
            wanted = [
                (photo.sha1, (plan.captions or [""] * len(plan.photos))[i])
                for i, photo in enumerate(plan.photos)
            ]
            if wanted != images[item.pk]:
                changed.add("images")
        if plan.recording:
            current = item.media.sha256 if item.media_id else None
            if plan.recording.sha256 != current:
                changed.add("media")
        if plan.duration is not None and (
            not item.media_id or item.media.duration_seconds != plan.duration
        ):
            changed.add("duration")
        if plan.transcript:
            wanted = [(s.start_ms, s.end_ms, s.speaker, s.text) for s in plan.transcript]
            if wanted != segments[item.pk]:
                changed.add("transcript")
        if plan.steps is not None:
            wanted = [
                (text, (media.sha1 or media.sha256) if media else None)
                for text, media in plan.steps
            ]
            if wanted != steps[item.pk]:
                changed.add("steps")
        if plan.consent:
            current = consents.get(item.pk)
            if current is None or any(
                getattr(current, name) != value for name, value in plan.consent.items()
            ):
                changed.add("consent")
        return changed

    def _validate(self, plan: _Plan) -> None:
        item = plan.item
        # Only what the row sets: the rest holds defaults or values already validated.
        exclude = [name for name in _model_fields() if name not in plan.fields]
        try:
            item.clean_fields(exclude=exclude)
            item.clean()
        except ValidationError as error:
            self.errors.from_validation(plan.row, error)

    def _check_complete(self, plan: _Plan) -> None:
        """What `services` asks of an item before it goes to review, asked of the row."""
        for part, message in services.review_gaps(
            kind=plan.kind,
            has_images=bool(plan.photos),
            has_recording_or_transcript=bool(plan.recording or plan.transcript),
            has_consent=bool(plan.consent),
        ):
            self.errors.add(plan.row, _COLUMN_OF_GAP[part], message)

    # --- Pass 2: writing ------------------------------------------------------------------------

    def write(self, plans: list[_Plan], report: ImportReport) -> None:
        try:
            with transaction.atomic():
                self._write(plans, report)
        except BaseException:
            self._remove_stored_files()
            raise

    def _remove_stored_files(self) -> None:
        for name in self.stored_names:
            with suppress(Exception):
                default_storage.delete(name)
        self.stored_names.clear()

    def _write(self, plans: list[_Plan], report: ImportReport) -> None:
        now = timezone.now()
        user = self.user
        created = [p for p in plans if p.outcome == Outcome.CREATED]
        updated = [p for p in plans if p.outcome == Outcome.UPDATED]

        self._store_media(plans, report)

        for plan in created:
            item = plan.item
            item.status = self.status
            item.created_by = item.updated_by = user
            item.published_at = now if self.status == Status.PUBLISHED else None
            if plan.recording:
                item.media = plan.recording.stored
        # Kept identifiers first: numbering then skips them.
        with_identifier = [p.item for p in created if p.identifier]
        ArchiveItem.objects.bulk_create(with_identifier, batch_size=BATCH_SIZE)
        numbered = [p.item for p in created if not p.identifier]
        identifiers = (
            services.item_identifiers_take(institution_id=self.institution.pk, count=len(numbered))
            if numbered
            else []
        )
        for item, identifier in zip(numbered, identifiers, strict=True):
            item.identifier = identifier
        ArchiveItem.objects.bulk_create(numbered, batch_size=BATCH_SIZE)

        changed_fields = set()
        for plan in updated:
            item = plan.item
            item.updated_by = user
            item.updated_at = now
            if plan.recording and "media" in plan.changed:
                item.media = plan.recording.stored
            if plan.resubmits:
                item.status = Status.SUBMITTED
            changed_fields |= plan.changed & set(_model_fields())
        if updated:
            ArchiveItem.objects.bulk_update(
                [plan.item for plan in updated],
                sorted(changed_fields | {"updated_by", "updated_at", "status"}),
                batch_size=BATCH_SIZE,
            )
        touched = created + updated
        self._write_durations(touched)
        self._write_trades(touched)
        self._write_tags(touched)
        self._write_images(touched)
        self._write_segments(touched)
        self._write_steps(touched)
        self._write_consents(touched)
        self._write_log(touched, now)

        item_ids = [plan.item.pk for plan in touched]
        # Bulk writes send no post_save: the search outbox hears of them here.
        items_changed.send(sender=ArchiveItem, item_ids=item_ids)
        if item_ids and getattr(ArchiveItem, "search_auto_update", True):
            transaction.on_commit(lambda: _update_search_index(item_ids))

    def _store_media(self, plans: list[_Plan], report: ImportReport) -> None:
        """Store each distinct file once (reusing the institution's copy of the same content)
        and set `_Media.stored`."""
        wanted: dict[str, _Media] = {}
        for plan in plans:
            new = plan.outcome == Outcome.CREATED
            media: list[_Media] = []
            if plan.photos and (new or "images" in plan.changed):
                media += plan.photos
            if plan.recording and (new or "media" in plan.changed):
                media.append(plan.recording)
            if plan.steps and (new or "steps" in plan.changed):
                media += [m for _text, m in plan.steps if m is not None]
            for item in media:
                wanted.setdefault(f"{item.kind}:{item.sha1 or item.sha256}", item)
        if not wanted:
            return
        image_model = get_image_model()
        collection = self.institution.collection
        photos = {m.sha1 for m in wanted.values() if m.kind == "photo"}
        existing_images = {
            image.file_hash: image
            for image in image_model.objects.filter(file_hash__in=photos, collection=collection)
        }
        existing_files = {
            media_file.sha256: media_file
            for media_file in MediaFile.objects.filter(
                institution=self.institution,
                sha256__in=[m.sha256 for m in wanted.values() if m.kind != "photo"],
            )
        }
        source = self.source
        for media in self._iterate(list(wanted.values()), _("Storing files")):
            if media.kind == "photo":
                media.stored = existing_images.get(media.sha1)
                if media.stored is None:
                    media.stored = self._store_photo(source, media, image_model, collection)
                    report.photos_stored += 1
            else:
                media.stored = existing_files.get(media.sha256)
                if media.stored is None:
                    media.stored = self._store_file(source, media)
                    report.recordings_stored += 1
        # The same content may be named twice (two paths, or a photo in media and in
        # step_media): every mention gets the one stored copy.
        for media in self.media_cache.values():
            if isinstance(media, _Media) and media.stored is None:
                found = wanted.get(f"{media.kind}:{media.sha1 or media.sha256}")
                media.stored = found.stored if found is not None else None

    def _store_photo(self, source, media: _Media, image_model, collection):
        with source.open(media.path) as fileobj:
            data = fileobj.read()
        # The stored name is the model's own (CustomImage.get_upload_to): only the checked
        # format's extension is passed on.
        image = image_model(
            title=posixpath.splitext(posixpath.basename(media.path))[0][:255],
            file=ContentFile(data, name=f"photo.{media.extension}"),
            collection=collection,
            uploaded_by_user=self.user,
            file_size=media.size,
            file_hash=media.sha1,
        )
        try:
            image.save()
        finally:
            if image.file.name:
                self.stored_names.append(image.file.name)
        return image

    def _store_file(self, source, media: _Media) -> MediaFile:
        key = generated_name(
            prefix=f"{self.institution.storage_prefix}/media", extension=media.extension
        )
        with source.open(media.path) as fileobj:
            content = File(fileobj, name=key)
            # Said, not measured: File would ask the disk for a ZIP entry's name.
            content.size = media.size
            # Generated keys are new, so the storage keeps the name it is given.
            key = default_storage.save(key, content)
        self.stored_names.append(key)
        return MediaFile.objects.create(
            institution=self.institution,
            kind=media.kind,
            key=key,
            original_name=posixpath.basename(media.path)[:255],
            mime=media.mime,
            size=media.size,
            sha256=media.sha256,
            created_by=self.user,
        )

    def _write_durations(self, plans):
        changed = []
        for plan in plans:
            media = plan.item.media if plan.item.media_id else None
            if plan.duration is not None and media and media.duration_seconds != plan.duration:
                media.duration_seconds = plan.duration
                changed.append(media)
        MediaFile.objects.bulk_update(changed, ["duration_seconds"], batch_size=BATCH_SIZE)

    def _write_trades(self, plans):
        plans = [p for p in plans if p.trade_ids is not None]
        if not plans:
            return
        through = ArchiveItem.trades.through
        through.objects.filter(
            archiveitem_id__in=[p.item.pk for p in plans if p.outcome == Outcome.UPDATED]
        ).delete()
        through.objects.bulk_create(
            (
                through(archiveitem_id=plan.item.pk, trade_id=trade_id)
                for plan in plans
                for trade_id in plan.trade_ids
            ),
            batch_size=BATCH_SIZE,
        )

    def _write_tags(self, plans):
        plans = [p for p in plans if p.tags is not None]
        if not plans:
            return
        names = {tag.casefold(): tag for plan in plans for tag in plan.tags}
        tags = {
            tag.name.casefold(): tag
            for tag in Tag.objects.annotate(folded=Lower("name")).filter(
                folded__in=[name.lower() for name in names]
            )
        }
        for folded, name in names.items():
            if folded not in tags:
                tags[folded] = Tag.objects.create(name=name)
        ArchiveItemTag.objects.filter(
            content_object_id__in=[p.item.pk for p in plans if p.outcome == Outcome.UPDATED]
        ).delete()
        ArchiveItemTag.objects.bulk_create(
            (
                ArchiveItemTag(content_object_id=plan.item.pk, tag=tags[tag.casefold()])
                for plan in plans
                for tag in plan.tags
            ),
            batch_size=BATCH_SIZE,
        )

    def _replace(self, plans, *, model, part: str, change: str, rows) -> None:
        """Give the items whose `part` (photos, transcript, steps) the row sets and changes
        the `model` rows built by `rows(plan)`, in place of those they had."""
        chosen = [
            p
            for p in plans
            if getattr(p, part) and (p.outcome == Outcome.CREATED or change in p.changed)
        ]
        if not chosen:
            return
        model.objects.filter(
            item_id__in=[p.item.pk for p in chosen if p.outcome == Outcome.UPDATED]
        ).delete()
        model.objects.bulk_create(
            (row for plan in chosen for row in rows(plan)), batch_size=BATCH_SIZE
        )

    def _write_images(self, plans):
        def rows(plan):
            captions = plan.captions or [""] * len(plan.photos)
            for order, photo in enumerate(plan.photos):
                yield ItemImage(
                    item_id=plan.item.pk,
                    image=photo.stored,
                    caption=captions[order][:255],
                    sort_order=order,
                )

        self._replace(plans, model=ItemImage, part="photos", change="images", rows=rows)

    def _write_segments(self, plans):
        def rows(plan):
            for position, segment in enumerate(plan.transcript, start=1):
                yield TranscriptSegment(
                    item_id=plan.item.pk,
                    position=position,
                    start_ms=segment.start_ms,
                    end_ms=segment.end_ms,
                    speaker=segment.speaker[:120],
                    text=segment.text,
                )

        self._replace(
            plans, model=TranscriptSegment, part="transcript", change="transcript", rows=rows
        )

    def _write_steps(self, plans):
        def rows(plan):
            for order, (text, media) in enumerate(plan.steps):
                photo = media is not None and media.kind == "photo"
                yield SavoirFaireStep(
                    item_id=plan.item.pk,
                    sort_order=order,
                    text=text,
                    image=media.stored if photo else None,
                    media=media.stored if media is not None and not photo else None,
                )

        self._replace(plans, model=SavoirFaireStep, part="steps", change="steps", rows=rows)

    def _write_consents(self, plans):
        plans = [
            p
            for p in plans
            if p.consent and (p.outcome == Outcome.CREATED or "consent" in p.changed)
        ]
        if not plans:
            return
        existing = {
            consent.item_id: consent
            for consent in Consent.objects.filter(item_id__in=[p.item.pk for p in plans])
        }
        new, changed = [], []
        for plan in plans:
            consent = existing.get(plan.item.pk) or Consent(item_id=plan.item.pk)
            for name, value in plan.consent.items():
                setattr(consent, name, value)
            (changed if consent.pk else new).append(consent)
        Consent.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Consent.objects.bulk_update(
            changed, ["consent_date", "scope", "embargo_until", "notes"], batch_size=BATCH_SIZE
        )

    def _write_log(self, plans, now):
        """One audit entry per item (and the resubmissions), sharing one uuid: the history
        shows "Imported" with the file and row."""
        content_type = ContentType.objects.get_for_model(ArchiveItem)
        batch = uuid.uuid4()
        entries = []
        for plan in plans:
            data = {
                "file": self.source_name,
                "row": plan.row,
                "created": plan.outcome == Outcome.CREATED,
                "status": plan.item.status,
            }
            if plan.outcome == Outcome.UPDATED:
                data["changed"] = sorted(plan.changed)
            elif plan.suggested is not None:
                data["resembles"] = plan.suggested.identifier
            entries.append(
                self._log_entry(plan.item, IMPORT_ACTION, now, batch, content_type, data)
            )
            if plan.outcome == Outcome.UPDATED and plan.resubmits:
                entries.append(
                    self._log_entry(
                        plan.item,
                        "archive.resubmit",
                        now,
                        batch,
                        content_type,
                        {"from": Status.PUBLISHED, "to": Status.SUBMITTED},
                    )
                )
        ArchiveItemLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)

    def _log_entry(self, item, action, now, batch, content_type, data):
        return ArchiveItemLogEntry(
            item_id=item.pk,
            content_type=content_type,
            label=str(item)[:255],
            action=action,
            data=data,
            timestamp=now,
            uuid=batch,
            user=self.user,
            content_changed=True,
        )


def _update_search_index(item_ids: list[int]) -> None:
    """A bulk call per search backend and batch of items, instead of one call per item (what
    post_save would do); batches keep memory flat on large imports."""
    from wagtail.search.backends import get_search_backends_with_name

    backends = list(get_search_backends_with_name(with_auto_update=True))
    for start in range(0, len(item_ids), BATCH_SIZE):
        items = list(ArchiveItem.objects.filter(pk__in=item_ids[start : start + BATCH_SIZE]))
        for name, backend in backends:
            try:
                backend.add_bulk(ArchiveItem, items)
            except Exception:
                # As Wagtail does for one item: the import is committed, and
                # `manage.py update_index` repairs the index.
                logger.exception(
                    "Indexing %d imported items failed on the '%s' search backend",
                    len(items),
                    name,
                )
                if not getattr(backend, "catch_indexing_errors", True):
                    raise


# --- Entry point -----------------------------------------------------------------------------


def import_items(
    *,
    csv_data: bytes,
    media: MediaSource | None = None,
    institution: Institution,
    user=None,
    dry_run: bool = False,
    status: str = Status.DRAFT,
    source_name: str = "",
    progress: bool = False,
    accepted: Accepted | None = None,
) -> ImportReport:
    """Import the rows of `csv_data` into `institution`, with the files of `media`.

    `user` is the account that imports (created_by of new items; None for the command line
    without --user, which acts as the system). It must be allowed to create items for the
    institution (PermissionDenied otherwise), and to be a moderator to publish at once.
    `accepted` lists the suggested updates the person confirmed (see the module docstring).
    Raises ImportRefused for a file that cannot be imported at all. Returns the report; its
    `errors` say row by row why nothing was saved, `saved` whether the rows were written."""
    actor = services.Actor.of(user) if user is not None else None
    if actor is not None and not actor.may_create_in(institution.pk):
        raise PermissionDenied(_("You cannot add items for this institution."))
    if status not in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
        raise ValueError(f"Imported items cannot start as {status!r}")
    if status == Status.PUBLISHED and actor is not None and not actor.is_moderator:
        raise PermissionDenied(_("Only moderators can publish items."))
    table = read_csv(csv_data)
    media = media or NoMedia()
    importer = _Importer(
        institution=institution,
        user=user,
        actor=actor,
        status=status,
        source=media,
        source_name=source_name,
        progress=progress,
        accepted=accepted or Accepted(),
    )
    report = ImportReport(source_name=source_name, institution=institution, dry_run=dry_run)
    report.rows = len(table.rows) + len({e.row for e in table.errors})
    plans = importer.plan(table)
    report.errors = sorted(importer.errors.items, key=lambda error: (error.row, error.column))
    if report.errors:
        return report
    if not dry_run:
        try:
            importer.write(plans, report)
        except IntegrityError:
            raise ImportRefused(
                _(
                    "Another change to the archive conflicted with the import; nothing was "
                    "saved. Run the import again."
                )
            ) from None
    report.results = [_result(plan) for plan in plans]
    return report


def _columns_of(changed: set[str]) -> tuple[str, ...]:
    """The file's columns behind the changed fields and parts, in the file's order."""
    parts = {"images": "media", "consent": "consent_date"}
    columns = {_COLUMN_OF_FIELD.get(name) or parts.get(name, name) for name in changed}
    return tuple(name for name in COLUMN_NAMES if name in columns)


def _result(plan: _Plan) -> RowResult:
    matched = plan.suggested or (plan.item if plan.outcome != Outcome.CREATED else None)
    return RowResult(
        row=plan.row,
        outcome=plan.outcome,
        identifier=plan.item.identifier or "",
        title=plan.item.title,
        match=plan.match if matched is not None else "",
        suggested=matched.identifier if matched and plan.match not in Match.EXACT else "",
        changes=_columns_of(plan.changed) if matched is not None else (),
        status=plan.status_before if matched is not None else "",
        resubmits=plan.resubmits,
    )


def csv_with_identifiers(*, csv_data: bytes, report: ImportReport) -> bytes:
    """The imported file again, with an `identifier` column filled with each row's item, so
    that the next import of it updates exactly those items. Same separator, columns and rows;
    values that a spreadsheet would run as formulas are neutralised (`spreadsheet_safe`), and
    the import reads them back as they were. UTF-8 with a BOM, as spreadsheets expect."""
    table = read_csv(csv_data)
    identifiers = {result.row: result.identifier for result in report.results}
    columns = table.columns if "identifier" in table.columns else ["identifier", *table.columns]
    output = io.StringIO()
    writer = csv.writer(output, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row, values in table.rows:
        values = {**values, "identifier": identifiers.get(row) or values.get("identifier", "")}
        writer.writerow([spreadsheet_safe(values.get(name, "")) for name in columns])
    return output.getvalue().encode("utf-8-sig")
