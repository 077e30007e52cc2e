"""IIIF endpoints: Presentation API 3 manifests and collections of public items, and the
Image API 3 level 0 service of their images (tiles made ahead of time by
archive/iiif_tiles.py). Only what the public site shows is served; anything else is a 404
with a sentence saying why. CORS headers come from django-cors-headers (CORS_URLS_REGEX)."""

import json

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from archive import selectors
from archive.iiif_tiles import IMAGE_CONTEXT, info_json, tile_name, tiles_descriptor
from archive.models import Institution
from archive.storage import is_s3, public_storage
from opendata.iiif import presentation

IMAGE_CONTENT_TYPE = f'application/ld+json;profile="{IMAGE_CONTEXT}"'
# Public data: shared caches may keep it, briefly, since it leaves when an item does.
CACHE_CONTROL = "public, max-age=300"

read_only = require_http_methods(["GET", "HEAD"])


def _not_found(message: str) -> HttpResponse:
    return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")


def _json_ld(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _public_items():
    # The public site's rule, as an anonymous visitor sees it.
    return selectors.items_viewable_by(user=AnonymousUser())


@read_only
def collection(request):
    institutions = (
        Institution.objects.filter(items__in=_public_items().values("pk"))
        .select_related("member")
        .distinct()
        .order_by("code")
    )
    body = presentation.institutions_collection(request, institutions)
    return _json_ld(body, presentation.CONTENT_TYPE)


@read_only
def institution_collection(request, code: str):
    institution = get_object_or_404(Institution.objects.select_related("member"), code=code)
    items = _public_items().filter(institution=institution).order_by("identifier")
    body = presentation.institution_collection(
        request, institution, items.only("identifier", "title")
    )
    return _json_ld(body, presentation.CONTENT_TYPE)


@read_only
def manifest(request, identifier: str):
    item = selectors.item_for_visitor(user=AnonymousUser(), identifier=identifier, locale_id=None)
    if item is None:
        return _not_found(_("No public item has this identifier."))
    return _json_ld(presentation.item_manifest(request, item), presentation.CONTENT_TYPE)


def _descriptor(image_id: int):
    """What was made for a public image, or the 404 answering for it."""
    if not selectors.images_on_public_items(ids=[image_id]):
        return None, _not_found(_("No public item shows an image with this id."))
    descriptor = tiles_descriptor(image_id=image_id)
    if descriptor is None:
        return None, _not_found(_("The tiles of this image are being made; try again later."))
    return descriptor, None


@read_only
def image_service(request, image_id: int):
    """The service's base URI: a 303 to its info.json, as the Image API recommends."""
    if not selectors.images_on_public_items(ids=[image_id]):
        return _not_found(_("No public item shows an image with this id."))
    response = HttpResponse(status=303)
    response["Location"] = reverse("iiif:image_info", args=[image_id])
    return response


@read_only
def image_info(request, image_id: int):
    descriptor, missing = _descriptor(image_id)
    if missing:
        return missing
    service_id = request.build_absolute_uri(reverse("iiif:image_service", args=[image_id]))
    info = info_json(descriptor=descriptor, service_id=service_id)
    response = _json_ld(json.dumps(info), IMAGE_CONTENT_TYPE)
    response["Link"] = '<http://iiif.io/api/image/3/level0.json>;rel="profile"'
    return response


@read_only
def image(request, image_id: int, region: str, size: str, rotation: str, quality: str, fmt: str):
    descriptor, missing = _descriptor(image_id)
    if missing:
        return missing
    name = tile_name(
        image_id=image_id,
        descriptor=descriptor,
        region=region,
        size=size,
        rotation=rotation,
        quality=quality,
        fmt=fmt,
    )
    if name is None:
        return _not_found(
            _(
                "This image service is static (level 0): it offers only the sizes and tiles "
                "listed in its info.json, unrotated, in default quality and as jpg."
            )
        )
    storage = public_storage()
    if is_s3(storage):
        response = HttpResponseRedirect(storage.url(name))
    else:
        try:
            response = FileResponse(storage.open(name, "rb"), content_type="image/jpeg")
        except FileNotFoundError:
            return _not_found(_("The tiles of this image are being made; try again later."))
    response["Cache-Control"] = CACHE_CONTROL
    return response
