"""Handing a stored recording to a media player, once the caller has checked the visitor may
hear it.

With S3 the browser is sent to a presigned URL that expires after a few minutes: the bucket
answers range requests itself and the bytes never pass through Django. With local storage
(development, tests, small installations) the file is streamed from here, and range requests
are answered here too.

Why a range helper of our own: Django's FileResponse ignores the Range header and always sends
the whole file with 200. Browsers then cannot seek in a recording (Safari refuses to play audio
or video at all without 206 answers), and jumping to 45:00 of a two-hour interview would mean
downloading everything before it. Only single ranges are served; a request for several ranges
gets the whole file, which RFC 9110 (§14.2) allows a server to do.
"""

import re
from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

from archive.storage import is_s3

# How long a presigned media URL stays valid. Long enough for the player to start and seek
# (each seek is a new ranged GET on the same URL), short enough that a copied link dies soon.
PRESIGNED_URL_SECONDS = 300
CHUNK_SIZE = 64 * 1024

# One range of bytes; several ranges (with commas) and other units do not match. 19 digits
# keep int() away from absurdly long numbers in a hostile header.
_BYTE_RANGE = re.compile(r"bytes=(\d{0,19})-(\d{0,19})", re.ASCII)


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes the file does not have."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte positions, inclusive, asked for by a Range header on a file of
    `size` bytes, or None when the whole file is to be sent (no header, several ranges, another
    unit, bad syntax: RFC 9110 lets a server ignore those). Raises RangeNotSatisfiable for a
    range that starts at or after the end of the file, an empty suffix ("bytes=-0") or a range
    that ends before it starts."""
    match = _BYTE_RANGE.fullmatch(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        # A suffix: the last N bytes.
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


class _FileRange:
    """Streams `length` bytes of an open file from `start`, then closes it. Django calls
    `close()` when the response is done, even if the client went away half-way."""

    def __init__(self, fileobj, start: int, length: int):
        self.fileobj = fileobj
        self.start = start
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        self.fileobj.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.fileobj.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.fileobj.close()


def serve_stored_media(
    request: HttpRequest,
    *,
    key: str,
    content_type: str,
    etag: str = "",
    download_name: str = "",
    storage: Storage | None = None,
) -> HttpResponseBase:
    """A response playing the stored file `key`: a redirect to a short-lived presigned URL on
    S3, otherwise the file itself, whole (200) or the one range asked for (206), or 416 for a
    range outside the file. The caller has already checked that the visitor may have it.

    `etag` (for example the file's checksum; stored files never change under their key) makes
    `If-Range` work: a client resuming with a stale validator gets the whole file again."""
    storage = storage or default_storage
    if is_s3(storage):
        if not storage.querystring_auth:
            raise ImproperlyConfigured(
                "Archive media needs signed S3 URLs: set querystring_auth for the storage."
            )
        parameters = None
        # Response overrides make the bucket answer with the type found in the file's bytes.
        # Only with signature v4: S3-compatible servers reject v2 URLs that carry them
        # (SignatureDoesNotMatch, seen with SeaweedFS); the object's own type is used then.
        if getattr(storage, "signature_version", None) == "s3v4":
            parameters = {"ResponseContentType": content_type}
            if download_name:
                parameters["ResponseContentDisposition"] = f'inline; filename="{download_name}"'
        response = HttpResponseRedirect(
            storage.url(key, parameters=parameters, expire=PRESIGNED_URL_SECONDS)
        )
        # The target expires: a cached redirect would outlive it.
        response["Cache-Control"] = "private, no-store"
        return response

    size = storage.size(key)
    quoted_etag = f'"{etag}"' if etag else ""
    byte_range = None
    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    # If-Range with anything but our current ETag (an old one, or a date): send everything.
    if range_header and (if_range is None or (quoted_etag and if_range == quoted_etag)):
        try:
            byte_range = parse_range(range_header, size)
        except RangeNotSatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response

    fileobj = storage.open(key, "rb")
    if byte_range is None:
        # FileResponse would otherwise name the download after the storage key.
        response = FileResponse(
            fileobj, content_type=content_type, filename=download_name or "media"
        )
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        response = StreamingHttpResponse(
            _FileRange(fileobj, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        if download_name:
            response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["Accept-Ranges"] = "bytes"
    if quoted_etag:
        response["ETag"] = quoted_etag
    # Access depends on who asks: never in a shared cache.
    response["Cache-Control"] = "private, max-age=300"
    return response
