"""JSON answers of the open API with validators: an ETag for every answer (a hash of its
body, so that it changes exactly when what a client sees changes) and Last-Modified where a
date is known; a conditional GET that still holds gets 304 Not Modified."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

# Short: an open collection changes a few times a day, and a client revalidates cheaply.
MAX_AGE = 60


def json_response(
    request,
    data,
    *,
    content_type: str = "application/json",
    last_modified: datetime.datetime | None = None,
) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    encoded = body.encode()
    etag = quote_etag(hashlib.blake2b(encoded, digest_size=16).hexdigest())
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = HttpResponse(encoded, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # Error messages and labels without an explicit `lang` follow the client's language.
    patch_vary_headers(response, ("Accept-Language",))
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return conditional
