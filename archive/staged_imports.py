"""Uploads of the admin's bulk import, kept between the dry run's report and the confirmation.

The browser holds only a signed token (folder, user, institution, status) that expires after
ARCHIVE_IMPORT_UPLOAD_MAX_AGE seconds; the files wait in the default storage under
`imports/<random>/` with fixed names, so nothing the browser sends names a path. A confirmed
import leaves its CSV file with every row's identifier for the same lifetime.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import uuid
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from archive.importing import (
    Accepted,
    ImportReport,
    NoMedia,
    ZipMedia,
    csv_with_identifiers,
    import_items,
    max_csv_bytes,
)
from archive.models import ArchiveItem, Institution
from archive.storage import open_stream  # a GET's body read in chunks, never whole

Status = ArchiveItem.Status

UPLOAD_PREFIX = "imports"
# Kept from the module's former name: changing it would void the tokens of uploads in flight.
SIGNING_SALT = "archive.admin_import"
CSV_NAME = "data.csv"
MEDIA_NAME = "media.zip"
IDENTIFIERS_NAME = "identifiers.csv"
DEFAULT_UPLOAD_MAX_AGE = 60 * 60
DEFAULT_MAX_ZIP_UPLOAD_BYTES = 4 * 1024**3
COPY_CHUNK = 1024**2


def upload_max_age() -> int:
    return getattr(settings, "ARCHIVE_IMPORT_UPLOAD_MAX_AGE", DEFAULT_UPLOAD_MAX_AGE)


def max_zip_upload_bytes() -> int:
    return getattr(settings, "ARCHIVE_IMPORT_MAX_ZIP_UPLOAD_BYTES", DEFAULT_MAX_ZIP_UPLOAD_BYTES)


class StagedImportGone(Exception):
    """The token is expired, forged, another user's, or its files are gone."""


@dataclass(frozen=True)
class StagedImport:
    """An upload waiting between its report and its confirmation."""

    key: str  # hex of a random UUID: the folder under UPLOAD_PREFIX
    user_id: int
    institution_id: int
    status: str
    csv_name: str  # the uploaded file's name, shown to the user and in the log only
    has_media: bool

    @property
    def folder(self) -> str:
        return f"{UPLOAD_PREFIX}/{self.key}"

    @property
    def csv_path(self) -> str:
        return f"{self.folder}/{CSV_NAME}"

    @property
    def media_path(self) -> str:
        return f"{self.folder}/{MEDIA_NAME}"

    @property
    def identifiers_path(self) -> str:
        return f"{self.folder}/{IDENTIFIERS_NAME}"

    @property
    def identifiers_download_name(self) -> str:
        stem = posixpath.splitext(posixpath.basename(self.csv_name))[0] or "import"
        return f"{stem}-identifiers.csv"

    @property
    def token(self) -> str:
        return signing.dumps(asdict(self), salt=SIGNING_SALT, compress=True)


def staged_import_create(
    *, user, institution: Institution, status: str, csv_file, media_file
) -> StagedImport:
    """Keep the uploaded files in the default storage until the import is confirmed."""
    staged = StagedImport(
        key=uuid.uuid4().hex,
        user_id=user.pk,
        institution_id=institution.pk,
        status=status,
        csv_name=(csv_file.name or CSV_NAME)[-100:],
        has_media=media_file is not None,
    )
    saved = default_storage.save(staged.csv_path, csv_file)
    if saved != staged.csv_path:  # a fresh random folder: the storage never renames here
        default_storage.delete(saved)
        raise RuntimeError(f"Storage renamed {staged.csv_path} to {saved}")
    if media_file is not None:
        try:
            default_storage.save(staged.media_path, media_file)
        except BaseException:
            staged_import_delete(staged=staged)
            raise
    return staged


def staged_import_get(*, token: str, user, path: str = "csv_path") -> StagedImport:
    """The staged import a token names, if it is this user's, has not expired and still has
    the file `path` names (the uploaded CSV, or `identifiers_path` after the import)."""
    try:
        data = signing.loads(token or "", salt=SIGNING_SALT, max_age=upload_max_age())
        staged = StagedImport(**data)
        uuid.UUID(hex=staged.key)
    except (signing.BadSignature, TypeError, ValueError):
        raise StagedImportGone from None
    if staged.user_id != user.pk or not default_storage.exists(getattr(staged, path)):
        raise StagedImportGone
    return staged


def staged_import_delete(*, staged: StagedImport, keep_identifiers: bool = False) -> None:
    names = [staged.csv_path, staged.media_path]
    if not keep_identifiers:
        names.append(staged.identifiers_path)
    for name in names:
        with suppress(FileNotFoundError, OSError):
            default_storage.delete(name)
    # Local storage keeps the emptied folder (object stores have none, and no path()).
    with suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(staged.folder))


def staged_imports_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the staged imports (and kept identifier files) older than their tokens."""
    older_than = older_than or timedelta(seconds=upload_max_age())
    limit = timezone.now() - older_than
    try:
        folders, _files = default_storage.listdir(UPLOAD_PREFIX)
    except (FileNotFoundError, OSError):
        return 0
    removed = 0
    for folder in folders:
        try:
            key = uuid.UUID(hex=folder).hex
        except ValueError:
            continue
        staged = StagedImport(key, 0, 0, Status.DRAFT, "", has_media=True)
        present = [
            name
            for name in (staged.csv_path, staged.identifiers_path, staged.media_path)
            if default_storage.exists(name)
        ]
        if not present:
            continue  # an empty prefix some object stores keep listing for a while
        # The CSV file, or the identifiers file written by the import, dates the folder; a
        # ZIP alone is what a failed upload left.
        dated = [name for name in present if name != staged.media_path]
        if dated and default_storage.get_modified_time(dated[0]) >= limit:
            continue
        staged_import_delete(staged=staged)
        removed += 1
    return removed


@contextmanager
def _seekable(name: str):
    """The stored file, open for reading with seeks, as ZipFile needs. Local storage opens it
    in place; an object store's copy is streamed to a temporary file first, because
    django-storages' S3 `open()` would hold the whole object in memory."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        with open(path, "rb") as fileobj:
            yield fileobj
        return
    with tempfile.TemporaryFile() as local:
        with open_stream(default_storage, name) as stream:
            shutil.copyfileobj(stream, local, COPY_CHUNK)
        local.seek(0)
        yield local


@contextmanager
def _staged_media(staged: StagedImport):
    if not staged.has_media:
        yield NoMedia()
        return
    with _seekable(staged.media_path) as fileobj:
        media = ZipMedia(fileobj)
        try:
            yield media
        finally:
            media.close()


def staged_import_run(
    *, staged: StagedImport, user, dry_run: bool, accepted: Accepted | None = None
) -> ImportReport:
    """Run the import (or its dry run) on the staged files. A saved import leaves the CSV
    file with every row's identifier beside them (`identifiers_path`)."""
    institution = Institution.objects.select_related("member").get(pk=staged.institution_id)
    with default_storage.open(staged.csv_path, "rb") as fileobj:
        data = fileobj.read(max_csv_bytes() + 1)
    with _staged_media(staged) as media:
        report = import_items(
            csv_data=data,
            media=media,
            institution=institution,
            user=user,
            dry_run=dry_run,
            status=staged.status,
            source_name=staged.csv_name,
            accepted=accepted,
        )
    if report.saved:
        default_storage.save(
            staged.identifiers_path,
            ContentFile(csv_with_identifiers(csv_data=data, report=report)),
        )
    return report
