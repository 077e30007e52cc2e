"""Stored files checked against the rows that name them: `manage.py storage_audit`.

Every file the site writes to the default storage is named by a row: archive recordings and
documents by `MediaFile.key`, Wagtail's original images by `CustomImage.file`, their
renditions by `CustomRendition.file`, documents and admin avatars by their models' file
fields, and a file of Wagtail's multiple upload waiting for its form by `UploadedFile.file`.
IIIF tiles (archive/iiif_tiles.py) have no row each: those under `iiif/<image pk>/` belong
while a public item shows the image, and are abandoned (orphans) otherwise.
The audit lists, under the prefixes those files live in, the objects no row names (orphans:
a failed deletion after commit, an upload abandoned half-way, a crash between storing and
saving) and the rows whose object is gone (a broken image or recording).

Orphans younger than a grace period (ARCHIVE_STORAGE_AUDIT_GRACE_HOURS, 24 h by default) are
listed apart and never deleted: an upload in flight stores its object before its row exists.
Objects under an `incoming/` upload prefix (archive/uploads.py) get at least the time their
upload token stays valid, whatever the grace. A multiple-upload file older than the grace
whose form was never filled in (nor its upload deleted) is an abandoned upload: reported, and
deleted with its row like an orphan.
Rows are read before the objects are listed, so that a file stored and recorded during the
audit can only look like a young orphan; before deleting, the candidates are checked against
the rows once more. Rows without objects are only reported: what to do about a lost original
is a person's decision.

Listing uses the S3 bucket's own paginated listing (1,000 keys a request, with size and date)
or a walk of the folder for local files; any other storage is walked with listdir.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import UploadedFile
from wagtail.users.models import UserProfile

from archive import iiif_tiles, uploads
from archive.models import CustomImage, MediaFile
from archive.selectors import images_on_public_items
from archive.storage import is_s3

DEFAULT_GRACE = timedelta(hours=24)
# Keys per DeleteObjects request: the S3 API's maximum.
S3_DELETE_BATCH = 1000
# Names checked per query when orphans are checked against the rows again.
RECHECK_BATCH = 1000


@dataclass(frozen=True)
class Source:
    """A family of stored files: where they live and the rows that name them."""

    label: str
    prefix: str  # ends with "/"
    model: type
    field: str  # the field holding the storage name
    # Rows that stand for an upload in progress: past the grace, row and file are abandoned.
    in_progress: bool = False

    def rows(self) -> Iterator[tuple[object, str]]:
        """(primary key, storage name) of every row that names a file."""
        rows = self.model._base_manager.exclude(**{self.field: ""}).exclude(
            **{f"{self.field}__isnull": True}
        )
        yield from rows.values_list("pk", self.field).order_by().iterator(chunk_size=5000)

    def rows_naming(self, names: list[str]) -> set[str]:
        found = self.model._base_manager.filter(**{f"{self.field}__in": names})
        return set(found.values_list(self.field, flat=True))

    def keeps(self, name: str) -> bool:
        """Whether an object no row names belongs all the same (see TileSource)."""
        return False


@dataclass(frozen=True)
class TileSource(Source):
    """IIIF tiles: kept while their image is on a public item (`images_on_public_items`),
    read when the audit starts, like the rows."""

    image_ids: frozenset[int] = frozenset()

    @classmethod
    def now(cls, label, prefix: str) -> TileSource:
        return cls(
            label, prefix, CustomImage, "file", image_ids=frozenset(images_on_public_items())
        )

    def rows(self) -> Iterator[tuple[object, str]]:
        return iter(())

    def rows_naming(self, names: list[str]) -> set[str]:
        owners = {name: _tile_image_id(name) for name in names}
        public = images_on_public_items(ids={pk for pk in owners.values() if pk is not None})
        return {name for name, pk in owners.items() if pk in public}

    def keeps(self, name: str) -> bool:
        return _tile_image_id(name) in self.image_ids


def _tile_image_id(name: str) -> int | None:
    parts = name.split("/", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def sources() -> list[Source]:
    """What the site stores, and under which prefixes. Prefixes come from the code that
    writes the files: archive/<institution>/... (archive.models.Institution.storage_prefix,
    with archive.validation.generated_name), and Wagtail's upload_to folders."""
    image_model = get_image_model()
    return [
        Source(_("Archive media files"), "archive/", MediaFile, "key"),
        Source(_("Original images"), "original_images/", image_model, "file"),
        Source(_("Image renditions"), "images/", image_model.get_rendition_model(), "file"),
        Source(_("Documents"), "documents/", get_document_model(), "file"),
        Source(_("Admin avatars"), "avatar_images/", UserProfile, "avatar"),
        Source(
            _("Unfinished multiple uploads"),
            "wagtail_uploads/",
            UploadedFile,
            "file",
            in_progress=True,
        ),
        TileSource.now(_("IIIF tiles"), f"{iiif_tiles.PREFIX}/"),
    ]


@dataclass(frozen=True)
class StoredObject:
    name: str
    size: int
    modified: datetime


@dataclass(frozen=True)
class MissingObject:
    """A row naming a file that is not in the storage."""

    source: Source
    pk: object
    name: str


@dataclass(frozen=True)
class AbandonedUpload:
    """A file of Wagtail's multiple upload whose form was never filled in, older than the
    grace, and the row that keeps it."""

    source: Source
    pk: object
    object: StoredObject


@dataclass
class AreaSummary:
    source: Source
    objects: int = 0
    bytes: int = 0
    rows: int = 0
    orphans: int = 0
    recent: int = 0
    missing: int = 0
    deleted: int = 0


@dataclass
class AuditReport:
    areas: list[AreaSummary]
    orphans: list[StoredObject] = field(default_factory=list)  # no row, older than the grace
    recent: list[StoredObject] = field(default_factory=list)  # no row, within the grace
    missing: list[MissingObject] = field(default_factory=list)
    abandoned: list[AbandonedUpload] = field(default_factory=list)
    deleted: list[StoredObject] = field(default_factory=list)
    failed: list[tuple[StoredObject, str]] = field(default_factory=list)
    grace: timedelta = DEFAULT_GRACE

    @property
    def remaining_orphans(self) -> list[StoredObject]:
        deleted = {obj.name for obj in self.deleted}
        return [obj for obj in self.orphans if obj.name not in deleted]

    @property
    def remaining_abandoned(self) -> list[AbandonedUpload]:
        deleted = {obj.name for obj in self.deleted}
        return [upload for upload in self.abandoned if upload.object.name not in deleted]

    @property
    def clean(self) -> bool:
        """Nothing left to fix: no row without its object, no old orphan or abandoned upload
        left in place."""
        return not self.missing and not self.remaining_orphans and not self.remaining_abandoned


# --- Listing ----------------------------------------------------------------------------------


def _s3_root(storage) -> str:
    location = (storage.location or "").strip("/")
    return f"{location}/" if location else ""


def list_objects(storage: Storage, prefix: str) -> Iterator[StoredObject]:
    """Every object under `prefix` (storage names, "/"-separated), with size and date."""
    if is_s3(storage):
        root = _s3_root(storage)
        for summary in storage.bucket.objects.filter(Prefix=root + prefix):
            if summary.key.endswith("/"):  # folder markers some tools create
                continue
            yield StoredObject(
                summary.key[len(root) :], summary.size, summary.last_modified.astimezone(UTC)
            )
    elif isinstance(storage, FileSystemStorage):
        base = storage.path(prefix)
        for folder, _dirs, files in os.walk(base):
            for name in files:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except FileNotFoundError:  # deleted while we walked
                    continue
                relative = os.path.relpath(path, storage.location).replace(os.sep, "/")
                yield StoredObject(
                    relative, stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                )
    else:
        yield from _walk(storage, prefix.rstrip("/"))


def _walk(storage: Storage, folder: str) -> Iterator[StoredObject]:
    # Any other storage: the Storage API's listdir, one folder at a time.
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}" if folder else name
        yield StoredObject(path, storage.size(path), storage.get_modified_time(path))
    for name in folders:
        yield from _walk(storage, f"{folder}/{name}" if folder else name)


def _delete(storage: Storage, objects: list[StoredObject]) -> list[tuple[StoredObject, str]]:
    """Delete `objects`; return those that could not be, with the reason."""
    failed = []
    if is_s3(storage):
        root = _s3_root(storage)
        by_key = {root + obj.name: obj for obj in objects}
        keys = list(by_key)
        for start in range(0, len(keys), S3_DELETE_BATCH):
            batch = keys[start : start + S3_DELETE_BATCH]
            answer = storage.bucket.delete_objects(
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            failed.extend(
                (by_key[error["Key"]], error.get("Message") or error.get("Code", ""))
                for error in answer.get("Errors", [])
            )
        return failed
    for obj in objects:
        try:
            storage.delete(obj.name)
        except OSError as error:
            failed.append((obj, str(error)))
    return failed


# --- The audit --------------------------------------------------------------------------------


def grace_period() -> timedelta:
    hours = getattr(settings, "ARCHIVE_STORAGE_AUDIT_GRACE_HOURS", None)
    return DEFAULT_GRACE if hours is None else timedelta(hours=hours)


def _grace_for(name: str, grace: timedelta) -> timedelta:
    # An upload token may still be completed this long after the upload URL was issued.
    if f"/{uploads.INCOMING}/" in name:
        window = timedelta(seconds=uploads.url_seconds() + uploads.complete_seconds())
        return max(grace, window)
    return grace


def storage_audit(
    *,
    storage: Storage | None = None,
    delete_orphans: bool = False,
    grace: timedelta | None = None,
    now: datetime | None = None,
    progress: Callable[[Iterable, str], Iterable] | None = None,
) -> AuditReport:
    """Compare the stored objects with the rows (see the module docstring). With
    `delete_orphans`, objects that no row names and that are older than `grace` are deleted.
    `progress(iterable, label)` may wrap the listing of each prefix (a progress bar)."""
    storage = storage if storage is not None else storages["default"]
    grace = grace_period() if grace is None else grace
    now = now or timezone.now()
    progress = progress or (lambda iterable, label: iterable)
    all_sources = sources()
    report = AuditReport(areas=[AreaSummary(source) for source in all_sources], grace=grace)
    area_of = {area.source.prefix: area for area in report.areas}

    # Rows first: see the module docstring.
    named: dict[str, tuple[Source, object]] = {}
    for source in all_sources:
        for pk, name in source.rows():
            named[name] = (source, pk)
            area_of[source.prefix].rows += 1

    listed: set[str] = set()
    for area in report.areas:
        prefix = area.source.prefix
        for obj in progress(list_objects(storage, prefix), str(area.source.label)):
            listed.add(obj.name)
            area.objects += 1
            area.bytes += obj.size
            if area.source.keeps(obj.name):
                continue
            if obj.name in named:
                source, pk = named[obj.name]
                if source.in_progress and now - obj.modified >= grace:
                    report.abandoned.append(AbandonedUpload(source, pk, obj))
                    area.orphans += 1
                continue
            if now - obj.modified < _grace_for(obj.name, grace):
                report.recent.append(obj)
                area.recent += 1
            else:
                report.orphans.append(obj)
                area.orphans += 1

    for name, (source, pk) in named.items():
        if name in listed:
            continue
        # A name outside every listed prefix (a file moved by hand, a custom upload_to) is
        # looked up on its own rather than reported missing.
        outside = not any(name.startswith(area.source.prefix) for area in report.areas)
        if outside and storage.exists(name):
            continue
        report.missing.append(MissingObject(source, pk, name))
        area_of[source.prefix].missing += 1

    if delete_orphans and (report.orphans or report.abandoned):
        candidates = _still_unnamed(report.orphans, all_sources)
        candidates += _forget_abandoned(report.abandoned)
        report.failed = _delete(storage, candidates)
        failed = {obj.name for obj, _reason in report.failed}
        report.deleted = [obj for obj in candidates if obj.name not in failed]
        for obj in report.deleted:
            for area in report.areas:
                if obj.name.startswith(area.source.prefix):
                    area.deleted += 1
                    break
    return report


def _forget_abandoned(abandoned: list[AbandonedUpload]) -> list[StoredObject]:
    """Delete the rows of `abandoned` uploads that still stand as listed (their upload was not
    finished or removed in the meantime); return their objects, to delete next."""
    objects = []
    for upload in abandoned:
        source = upload.source
        rows = source.model._base_manager.filter(pk=upload.pk, **{source.field: upload.object.name})
        if rows.delete()[0]:
            objects.append(upload.object)
    return objects


def _still_unnamed(objects: list[StoredObject], all_sources: list[Source]) -> list[StoredObject]:
    """Those of `objects` that no row names now (a row may have appeared since the listing)."""
    names = [obj.name for obj in objects]
    named: set[str] = set()
    for start in range(0, len(names), RECHECK_BATCH):
        batch = names[start : start + RECHECK_BATCH]
        for source in all_sources:
            named |= source.rows_naming(batch)
    return [obj for obj in objects if obj.name not in named]
