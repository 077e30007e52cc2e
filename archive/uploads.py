"""Large media straight to storage: the browser uploads, Django only signs and then checks.

A two-hour recording weighs gigabytes and must never pass through the Django process. Three
services: `upload_start` checks kind, size and name and answers where to send the file (a
presigned S3 POST bound to one generated key and size, or the local receive view) with a
signed token; the browser sends it; `upload_complete` moves the object from `incoming/` to
`media/` *before* reading it (a replayed POST cannot swap what was checked), validates it
once (content, size, checksum, length of a recording) and only then records the MediaFile.
Anything wrong: the object is deleted and the contributor reads why. Leftovers under
`incoming/` are listed by storage_audit and can be expired by a lifecycle rule (README).
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from archive import selectors
from archive.formats import MediaKind, accepted_extensions
from archive.models import ArchiveItem, Institution, MediaFile
from archive.services import Actor, ArchiveError
from archive.storage import (
    generated_name,
    is_s3,
    open_seekable,
    s3_client,
    s3_key,
    storage_errors,
)
from archive.validation import UploadRejected, max_upload_bytes, validate_upload

logger = logging.getLogger(__name__)

TOKEN_SALT = "archive.uploads"  # noqa: S105 - a signing namespace, not a secret
# Upload URLs live 15 minutes at most; a longer setting is cut to it.
MAX_URL_SECONDS = 15 * 60
DEFAULT_COMPLETE_SECONDS = 6 * 3600
INCOMING = "incoming"
FINAL = "media"
# What the bucket stores as the object's type whatever the browser says: the real type is
# only known once the content is checked, and a client-chosen text/html must never be kept.
# Players get the checked type through the presigned URL's response override (serving.py).
STORED_CONTENT_TYPE = "application/octet-stream"
# What these uploads take: the large media that the items' recording pickers offer. Photos
# (HEIC and TIFF scans too) go through Wagtail's image library, where items choose them; a
# photo or document uploaded here could never be attached to anything.
KINDS = (MediaKind.AUDIO, MediaKind.VIDEO)


class UploadError(ArchiveError):
    """An upload refused or failed; the message is for the contributor."""


def url_seconds() -> int:
    return max(1, min(getattr(settings, "ARCHIVE_UPLOAD_URL_SECONDS", MAX_URL_SECONDS), 900))


def complete_seconds() -> int:
    return getattr(settings, "ARCHIVE_UPLOAD_COMPLETE_SECONDS", DEFAULT_COMPLETE_SECONDS)


@dataclass(frozen=True)
class UploadTicket:
    """What the signed token carries. `key` is the storage name of the upload (under
    `incoming/`); `size` the declared size, the most the upload may hold; `name` the
    contributor's file name, kept for reference only; `expires` the Unix time after which the
    upload URL refuses new uploads."""

    key: str
    kind: str
    institution_id: int
    user_id: int
    size: int
    name: str
    expires: int

    @property
    def final_key(self) -> str:
        return final_key(self.key)

    def sign(self) -> str:
        return signing.dumps(asdict(self), salt=TOKEN_SALT, compress=True)


def final_key(key: str) -> str:
    """Where an upload under `<prefix>/incoming/...` lives once checked: `<prefix>/media/...`."""
    prefix, marker, rest = key.partition(f"/{INCOMING}/")
    if not marker:
        raise ValueError(f"Not an upload key: {key!r}")
    return f"{prefix}/{FINAL}/{rest}"


@dataclass(frozen=True)
class UploadStart:
    """Where and how the client sends the file: a multipart POST to `url` with `fields`
    first and the file last, in the form field `file_field`. `direct` is True when the file
    goes straight to S3."""

    token: str
    url: str
    fields: dict[str, str]
    key: str
    max_bytes: int
    expires_at: datetime
    direct: bool
    file_field: str = "file"

    def as_json(self) -> dict:
        return {
            "token": self.token,
            "url": self.url,
            "fields": self.fields,
            "file_field": self.file_field,
            "max_bytes": self.max_bytes,
            "expires_at": self.expires_at.isoformat(),
            "direct": self.direct,
        }


@dataclass(frozen=True)
class UploadResult:
    """A checked file and its new row. `same_content` lists the institution's earlier files
    with the same checksum, `used_by` the items using any of them (for the warning)."""

    media: MediaFile
    same_content: list[MediaFile] = field(default_factory=list)
    used_by: list[ArchiveItem] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return bool(self.same_content)


# --- Step 1: where to send the file ------------------------------------------------------------


def _display_name(name: str) -> str:
    """The last component of a client's file name, for display: no folders, no control
    characters, at most 255 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-255:]


def not_taken(kind: MediaKind, *, content: str = "") -> UploadError:
    """The refusal of a file of a `kind` these uploads do not take (a photo, a document),
    saying where it goes instead; `content` describes what the file was found to be."""
    sentences = [_("This file is %(content)s.") % {"content": content}] if content else []
    sentences.append(_("Archive uploads take audio recordings and videos only."))
    if kind == MediaKind.PHOTO:
        sentences.append(
            _("Add photos to the image library (Images in the menu): items choose them there.")
        )
    else:
        sentences.append(_("Add documents to the document library (Documents in the menu)."))
    return UploadError(" ".join(sentences), code="not_taken")


def _extension(kind: MediaKind, name: str) -> str:
    accepted = accepted_extensions(kind=kind)
    stem, dot, extension = _display_name(name).rpartition(".")
    extension = extension.lower() if dot and stem else ""
    if extension in accepted:
        return accepted[extension]
    for other in MediaKind:
        if other not in KINDS and extension in accepted_extensions(kind=other):
            raise not_taken(other)
    raise UploadError(
        _(
            "The file's name must end with the extension of an accepted format for "
            "%(kind)s: %(extensions)s."
        )
        % {
            "kind": kind.label.lower(),
            "extensions": ", ".join(f".{ext}" for ext in sorted(set(accepted.values()))),
        },
        code="extension",
    )


def _check_may_upload(user, institution_id: int) -> Actor:
    actor = Actor.of(user)
    if not actor.may_create_in(institution_id):
        raise PermissionDenied(_("You cannot upload files for this institution."))
    return actor


def upload_start(
    *,
    user,
    institution: Institution,
    kind: str,
    size: int,
    name: str,
    storage: Storage | None = None,
) -> UploadStart:
    """Prepare one upload of a `kind` file of `size` bytes named `name` for `institution`.

    Raises PermissionDenied when `user` may not add files for the institution, UploadError
    for a kind not in KINDS, a size over the kind's limit or a name without an accepted
    extension.
    """
    storage = storage or default_storage
    _check_may_upload(user, institution.pk)
    try:
        kind = MediaKind(kind)
    except ValueError:
        raise UploadError(
            _("Choose what the file is: %(kinds)s.")
            % {"kinds": ", ".join(kind.label.lower() for kind in KINDS)},
            code="kind",
        ) from None
    if kind not in KINDS:
        raise not_taken(kind)
    limit = max_upload_bytes(kind=kind)
    if not isinstance(size, int) or size <= 0:
        raise UploadError(_("The file is empty."), code="empty")
    if size > limit:
        raise UploadError(
            _("This file is too large (%(size)s): %(kind)s may be at most %(limit)s.")
            % {
                "size": filesizeformat(size),
                "kind": kind.label.lower(),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    extension = _extension(kind, name)
    seconds = url_seconds()
    expires = int(time.time()) + seconds
    ticket = UploadTicket(
        key=generated_name(prefix=f"{institution.storage_prefix}/{INCOMING}", extension=extension),
        kind=kind.value,
        institution_id=institution.pk,
        user_id=user.pk,
        size=size,
        name=_display_name(name),
        expires=expires,
    )
    token = ticket.sign()
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    if is_s3(storage):
        try:
            post = s3_client(storage).generate_presigned_post(
                Bucket=storage.bucket_name,
                Key=s3_key(storage, ticket.key),
                Fields={"Content-Type": STORED_CONTENT_TYPE},
                Conditions=[
                    {"Content-Type": STORED_CONTENT_TYPE},
                    ["content-length-range", 1, size],
                ],
                ExpiresIn=seconds,
            )
        except storage_errors() as error:
            raise _unavailable(error) from error
        return UploadStart(
            token, post["url"], post["fields"], ticket.key, size, expires_at, direct=True
        )
    url = reverse("archive_uploads:receive", args=[token])
    return UploadStart(token, url, {}, ticket.key, size, expires_at, direct=False)


# --- Step 2 (local storage only): receive the file ---------------------------------------------


def upload_ticket(*, token: str, user, for_receiving: bool = False) -> UploadTicket:
    """The ticket signed in `token`, if it is genuine, belongs to `user` who may still add
    files for its institution, and has not expired: the upload URL for `for_receiving`,
    the completion window otherwise. Raises UploadError or PermissionDenied."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=url_seconds() + complete_seconds())
        ticket = UploadTicket(**data)
    except (signing.BadSignature, TypeError, ValueError):
        raise UploadError(
            _("This upload is not valid or has expired. Send the file again."), code="token"
        ) from None
    if ticket.user_id != user.pk:
        raise PermissionDenied(_("This upload was started by someone else."))
    _check_may_upload(user, ticket.institution_id)
    if for_receiving and time.time() > ticket.expires:
        raise UploadError(
            _(
                "The upload link has expired (it is valid for %(minutes)d minutes). "
                "Send the file again."
            )
            % {"minutes": max(1, url_seconds() // 60)},
            code="expired",
        )
    return ticket


def upload_receive(*, ticket: UploadTicket, fileobj, storage: Storage | None = None) -> None:
    """Store `fileobj` (an uploaded file, on disk) under the ticket's key: the local-storage
    stand-in for the presigned POST. A ticket is used once."""
    storage = storage or default_storage
    size = getattr(fileobj, "size", None)
    if not size:
        raise UploadError(_("The file is empty."), code="empty")
    if size > ticket.size:
        raise UploadError(too_large_message(ticket), code="too_large")
    if storage.exists(ticket.key) or storage.exists(ticket.final_key):
        raise UploadError(
            _("This file was already received. Start a new upload to send another one."),
            code="used",
        )
    name = storage.save(ticket.key, fileobj)
    if name != ticket.key:
        # Another request with the same ticket got there first.
        storage.delete(name)
        raise UploadError(
            _("This file was already received. Start a new upload to send another one."),
            code="used",
        )


def too_large_message(ticket: UploadTicket) -> str:
    return _("The file is larger than announced (%(size)s). Send it again.") % {
        "size": filesizeformat(ticket.size)
    }


# --- Step 3: check and keep -------------------------------------------------------------------


def upload_complete(*, user, token: str, storage: Storage | None = None) -> UploadResult:
    """Check the uploaded file and add it to the institution's media files.

    The object is moved to its final key, read once in chunks (magic bytes, size, SHA-256 by
    `validate_upload`) and only then recorded. On any refusal the object is deleted and
    UploadError says why; nothing is saved. Asking again for an upload already completed
    returns the same file."""
    storage = storage or default_storage
    ticket = upload_ticket(token=token, user=user)
    existing = MediaFile.objects.filter(key=ticket.final_key).first()
    if existing is not None:
        return _result(existing)
    try:
        return _complete(ticket, user, storage)
    except storage_errors() as error:
        _discard(storage, ticket.key, ticket.final_key)
        raise _unavailable(error) from error


def _complete(ticket: UploadTicket, user, storage: Storage) -> UploadResult:
    if not storage.exists(ticket.key):
        if storage.exists(ticket.final_key):
            # A completion already moved it and then failed before the row was saved.
            storage.delete(ticket.final_key)
        raise UploadError(
            _("The file did not arrive in the storage. Send it again."), code="missing"
        )
    size = storage.size(ticket.key)
    if size == 0 or size > ticket.size:
        _discard(storage, ticket.key)
        message = _("The file is empty.") if size == 0 else too_large_message(ticket)
        raise UploadError(message, code="size")

    _move(storage, ticket.key, ticket.final_key)
    try:
        with open_seekable(storage, ticket.final_key) as stream:
            checked = validate_upload(
                stream, kind=ticket.kind, claimed_name=ticket.name, max_bytes=ticket.size
            )
    except UploadRejected as error:
        _discard(storage, ticket.final_key)
        detected = error.detected
        if detected is not None and detected.kind is not None and detected.kind not in KINDS:
            raise not_taken(detected.kind, content=detected.description) from error
        raise UploadError(" ".join(error.messages), code=error.code or "rejected") from error
    except BaseException:
        _discard(storage, ticket.final_key)
        raise

    try:
        with transaction.atomic():
            media = MediaFile.objects.create(
                institution_id=ticket.institution_id,
                kind=checked.kind.value,
                key=ticket.final_key,
                original_name=ticket.name,
                mime=checked.mime,
                size=checked.size,
                sha256=checked.sha256,
                duration_seconds=checked.duration_seconds,
                created_by=user,
            )
    except IntegrityError:
        # A concurrent completion of the same ticket saved it first: keep its row and file.
        existing = MediaFile.objects.filter(key=ticket.final_key).first()
        if existing is None:
            _discard(storage, ticket.final_key)
            raise
        return _result(existing)
    except BaseException:
        _discard(storage, ticket.final_key)
        raise
    return _result(media)


def _result(media: MediaFile) -> UploadResult:
    same = list(
        selectors.media_same_content(
            institution_id=media.institution_id, sha256=media.sha256, exclude_id=media.pk
        )
    )
    used_by = list(selectors.items_using_media(media_ids=[m.pk for m in same])) if same else []
    return UploadResult(media=media, same_content=same, used_by=used_by)


# --- Storage operations ------------------------------------------------------------------------
# Kept to what both backends do without loading a file in memory: S3 through its client
# (server-side copy, streamed GET), local files through their paths.


def _unavailable(error: BaseException) -> UploadError:
    logger.exception("Archive upload: storage error", exc_info=error)
    return UploadError(
        _("The file storage could not be reached. Try again in a moment."), code="storage"
    )


def _move(storage: Storage, source: str, target: str) -> None:
    if is_s3(storage):
        client = s3_client(storage)
        # Managed copy: one server-side CopyObject, or a multipart copy for large objects;
        # the bytes stay in the bucket.
        client.copy(
            {"Bucket": storage.bucket_name, "Key": s3_key(storage, source)},
            storage.bucket_name,
            s3_key(storage, target),
        )
        storage.delete(source)
        return
    try:
        source_path, target_path = storage.path(source), storage.path(target)
    except NotImplementedError:
        source_path = None
    if source_path is None:
        # A storage without paths: copy by chunks, never the whole file at once.
        with storage.open(source, "rb") as stream:
            saved = storage.save(target, stream)
        storage.delete(source)
        if saved != target:
            storage.delete(saved)
            raise UploadError(_("The file could not be stored. Send it again."), code="move")
        return
    os.makedirs(os.path.dirname(target_path), exist_ok=True)
    os.replace(source_path, target_path)


def _discard(storage: Storage, *names: str) -> None:
    for name in names:
        try:
            storage.delete(name)
        except storage_errors():
            logger.warning("Archive upload: could not delete %s", name, exc_info=True)
