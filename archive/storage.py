"""What the archive needs from a storage backend beyond Django's Storage API, for the local
filesystem and S3 alike: names that owe nothing to the contributor, and reading a large object
without holding it in memory."""

import io
import re
import shutil
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.utils import timezone

from archive.formats import MediaKind, accepted_extensions

# What a seekable S3 object reads at a time.
CHUNK = 64 * 1024


def is_s3(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


def public_storage() -> Storage:
    """Where public derivatives go (image renditions, IIIF tiles): the storage Wagtail writes
    renditions to (WAGTAILIMAGES_RENDITION_STORAGE: plain, cacheable URLs on S3), else the
    default storage."""
    name = getattr(settings, "WAGTAILIMAGES_RENDITION_STORAGE", None)
    if isinstance(name, str) and name in settings.STORAGES:
        return storages[name]
    return default_storage


def write_object(storage: Storage, name: str, data: bytes, *, content_type: str) -> None:
    """Store `data` under exactly `name`, replacing what is there: a derivative rebuilt from
    its source keeps its key (Storage.save would pick another name for a taken one)."""
    if is_s3(storage):
        s3_client(storage).put_object(
            Bucket=storage.bucket_name,
            Key=s3_key(storage, name),
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=3600",
        )
        return
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, io.BytesIO(data))


def delete_prefix(storage: Storage, prefix: str) -> None:
    """Delete every object whose name starts with `prefix` (which ends with "/")."""
    if not prefix.endswith("/") or prefix == "/":
        raise ValueError(f"Invalid prefix: {prefix!r}")
    if is_s3(storage):
        storage.bucket.objects.filter(Prefix=s3_key(storage, prefix)).delete()
    elif isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(prefix), ignore_errors=True)
    else:
        folders, files = storage.listdir(prefix)
        for name in files:
            storage.delete(prefix + name)
        for folder in folders:
            delete_prefix(storage, f"{prefix}{folder}/")


def child_folders(storage: Storage, prefix: str) -> list[str]:
    """The names of the folders right under `prefix` (which ends with "/"), without listing
    the objects inside them."""
    if is_s3(storage):
        root = s3_key(storage, prefix)
        pages = s3_client(storage).get_paginator("list_objects_v2")
        folders = []
        for page in pages.paginate(Bucket=storage.bucket_name, Prefix=root, Delimiter="/"):
            folders += [
                p["Prefix"][len(root) :].rstrip("/") for p in page.get("CommonPrefixes", [])
            ]
        return folders
    try:
        return storage.listdir(prefix)[0]
    except FileNotFoundError:
        return []


def remote_storage_errors() -> tuple[type[BaseException], ...]:
    """What an S3 client raises when the store cannot be reached or refuses (connection
    refused, timeouts, 5xx answers): the errors that mean "try again later"."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def is_storage_outage(error: BaseException) -> bool:
    """Whether `error` says the S3 store is down or overloaded (no answer, or a 5xx), rather
    than refusing a request of ours (a missing key, a wrong signature: 4xx)."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500) >= 500
    return isinstance(error, BotoCoreError)


def storage_errors() -> tuple[type[BaseException], ...]:
    """`remote_storage_errors`, and OSError for local files (a full or unmounted disk)."""
    return (OSError, *remote_storage_errors())


def storage_reachable(storage: Storage) -> bool:
    """Whether the storage answers now: one HEAD of the bucket on S3; local files always do.
    Asked before work that must not half-happen if files cannot be reached (an erasure)."""
    if not is_s3(storage):
        return True
    try:
        s3_client(storage).head_bucket(Bucket=storage.bucket_name)
    except remote_storage_errors():
        return False
    return True


def s3_client(storage):
    return storage.connection.meta.client


def s3_key(storage, name: str) -> str:
    # The object key of a storage name (the storage's `location` prefix applied), as
    # django-storages computes it.
    return storage._normalize_name(name)


class open_stream:
    """The stored object as a stream read front to back. On S3, the body of a GET (read in
    chunks as they arrive): django-storages' `open()` would first download the whole object
    into a spooled temporary file, in memory unless AWS_S3_MAX_MEMORY_SIZE is set."""

    def __init__(self, storage: Storage, name: str):
        self.storage = storage
        self.name = name
        self.stream = None

    def __enter__(self):
        if is_s3(self.storage):
            self.stream = s3_client(self.storage).get_object(
                Bucket=self.storage.bucket_name, Key=s3_key(self.storage, self.name)
            )["Body"]
        else:
            self.stream = self.storage.open(self.name, "rb")
        return self.stream

    def __exit__(self, *exc_info):
        if self.stream is not None:
            self.stream.close()


class open_seekable(open_stream):
    """The stored object as a seekable file, for parsers that read headers here and there
    (mutagen). On S3, reads go through ranged GETs: reading front to back costs one GET,
    each seek elsewhere one more, and nothing beyond a read buffer is held in memory."""

    def __enter__(self):
        if is_s3(self.storage):
            self.stream = io.BufferedReader(
                _S3Object(self.storage, s3_key(self.storage, self.name)), CHUNK
            )
        else:
            self.stream = self.storage.open(self.name, "rb")
        return self.stream


class _S3Object(io.RawIOBase):
    def __init__(self, storage, key: str):
        self._client = s3_client(storage)
        self._bucket, self._key = storage.bucket_name, key
        self._size = self._client.head_object(Bucket=self._bucket, Key=key)["ContentLength"]
        self._pos = 0
        self._body = None  # the body of the last GET, and where it now stands
        self._body_pos = -1

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._pos

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer):
        wanted = min(len(buffer), self._size - self._pos)
        if wanted <= 0:
            return 0
        if self._body is None or self._body_pos != self._pos:
            self._close_body()
            self._body = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._pos}-"
            )["Body"]
            self._body_pos = self._pos
        data = self._body.read(wanted)
        buffer[: len(data)] = data
        self._pos += len(data)
        self._body_pos = self._pos
        return len(data)

    def _close_body(self):
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self):
        self._close_body()
        super().close()


# --- Generated names ---------------------------------------------------------------------------
_PREFIX = re.compile(r"[a-z0-9_-]+(?:/[a-z0-9_-]+)*")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


def generated_name(*, prefix: str, extension: str) -> str:
    """A fresh storage key, `<prefix>/<yyyy>/<mm>/<random hex>.<extension>`: nothing of the
    contributor's file name goes into it (pass a ValidatedFile's `extension`), and the strict
    `prefix` keeps the key from climbing out of it."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"Invalid storage prefix: {prefix!r}")
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"Invalid extension: {extension!r}")
    now = timezone.now()
    return f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def generated_name_for(name: str, *, prefix: str, kind: MediaKind | str) -> str:
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
