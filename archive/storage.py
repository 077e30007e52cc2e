"""What the archive needs from a storage backend beyond Django's Storage API, for the local
filesystem and S3 alike: telling them apart, reaching the S3 client and keys, and reading an
object front to back without holding it in memory."""

from django.core.files.storage import Storage


def is_s3(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


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
