"""IIIF Presentation API 3: a manifest per public item, and collections of them.

Built as plain data and passed through the iiif-prezi3 models, which check the shape and write
the JSON-LD. Free text the contributor wrote (title, summary, captions) has no language of its
own, so it goes under "none"; what the site translates (the labels, trades, dates, countries)
comes in every language of LANGUAGES.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from iiif_prezi3 import Collection, Manifest

from archive.iiif_tiles import tiles_descriptor
from archive.models import ArchiveItem, Trade
from opendata.identifiers import oai_identifier

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
CONTENT_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'
EDM_PROFILE = "http://www.europeana.eu/schemas/edm/"
# The width a thumbnail is chosen near, among the sizes made ahead of time.
THUMBNAIL_WIDTH = 400
# A canvas must have a size; a savoir-faire step without an image gets this one.
TEXT_CANVAS = (1000, 750)
MEDIA_TYPES = {"audio": "Sound", "video": "Video"}


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _translated(function) -> dict[str, list[str]]:
    """A language map of what `function()` returns in each language (skipping empty values)."""
    values = {}
    for language in _languages():
        with translation.override(language):
            value = str(function() or "")
        if value:
            values[language] = [value]
    return values


def _none(*values: str) -> dict[str, list[str]]:
    return {"none": [value for value in values if value]}


def _entry(label: str, value: dict) -> dict:
    """A metadata entry whose `label` (marked with gettext_noop) is given in every language."""
    return {"label": _translated(lambda: _(label)), "value": value}


class Urls:
    """Absolute URLs of the request's site."""

    def __init__(self, request):
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def named(self, name: str, *args, language: str | None = None) -> str:
        with translation.override(language or settings.LANGUAGE_CODE):
            return self.absolute(reverse(name, args=args))


def image_service(urls: Urls, image_id: int) -> dict:
    return {
        "id": urls.named("iiif:image_service", image_id),
        "type": "ImageService3",
        "profile": "level0",
    }


def _image_resource(urls: Urls, image_id: int, descriptor: dict, size: str, width, height):
    return {
        "id": urls.named("iiif:image", image_id, "full", size, "0", "default", "jpg"),
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [image_service(urls, image_id)],
    }


def _thumbnail(urls: Urls, image_id: int, descriptor: dict) -> dict:
    width, height = min(
        descriptor["sizes"], key=lambda size: abs(size[0] - THUMBNAIL_WIDTH)
    )  # made ahead of time, so it loads
    full = width == descriptor["width"] and height == descriptor["height"]
    size = "max" if full else f"{width},{height}"
    return _image_resource(urls, image_id, descriptor, size, width, height)


def _image_canvas(urls: Urls, canvas_id: str, image, label: dict) -> tuple[dict, dict | None]:
    """A canvas painted with the image's full size (its service offers the tiles), and the
    image's thumbnail; the canvas takes the image's size as the tiles were made."""
    descriptor = tiles_descriptor(image_id=image.pk)
    if descriptor is None:  # not made yet: the image's own size, no thumbnail
        descriptor = {"width": image.width, "height": image.height, "sizes": []}
    width, height = descriptor["width"], descriptor["height"]
    body = _image_resource(urls, image.pk, descriptor, "max", width, height)
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": label,
        "width": width,
        "height": height,
        "items": [_painting_page(canvas_id, body)],
    }
    thumbnail = _thumbnail(urls, image.pk, descriptor) if descriptor["sizes"] else None
    if thumbnail:
        canvas["thumbnail"] = [thumbnail]
    return canvas, thumbnail


def _painting_page(canvas_id: str, body: dict) -> dict:
    return {
        "id": f"{canvas_id}/page",
        "type": "AnnotationPage",
        "items": [
            {
                "id": f"{canvas_id}/page/painting",
                "type": "Annotation",
                "motivation": "painting",
                "body": body,
                "target": canvas_id,
            }
        ],
    }


def _trades(item: ArchiveItem) -> dict[str, list[str]]:
    """The item's trades in every language, from the vocabulary's translations (the trade's
    own name where a language has none)."""
    trades = list(item.trades.all())
    keys = [trade.translation_key for trade in trades]
    names: dict[tuple, str] = {}
    for row in Trade.objects.filter(translation_key__in=keys).select_related("locale"):
        names[(row.translation_key, row.locale.language_code)] = row.name
    values = {}
    for language in _languages():
        labels = [names.get((trade.translation_key, language), trade.name) for trade in trades]
        if labels:
            values[language] = sorted(labels)
    return values


def _place(item: ArchiveItem) -> str:
    parts = [item.place_name, item.commune, item.region]
    place = ", ".join(part for part in parts if part)
    if item.country:
        country = str(item.get_country_display())
        place = f"{place} ({country})" if place else country
    return place


def _metadata(item: ArchiveItem) -> list[dict]:
    member = item.institution.member
    entries = [_entry(gettext_noop("Kind"), _translated(item.get_kind_display))]
    if item.date_display:
        entries.append(_entry(gettext_noop("Date"), _translated(lambda: item.date_display)))
    if _place(item):
        entries.append(_entry(gettext_noop("Place"), _translated(lambda: _place(item))))
    trades = _trades(item)
    if trades:
        entries.append(_entry(gettext_noop("Trades"), trades))
    entries.append(_entry(gettext_noop("Institution"), _none(member.name)))
    if item.kind == ArchiveItem.Kind.ORAL_HISTORY:
        if item.narrators:
            entries.append(_entry(gettext_noop("Narrators"), _none(item.narrators)))
        if item.interviewers:
            entries.append(_entry(gettext_noop("Interviewers"), _none(item.interviewers)))
    entries.append(_entry(gettext_noop("Identifier"), _none(item.identifier)))
    return entries


def _provider(urls: Urls, item: ArchiveItem) -> dict:
    member = item.institution.member
    collection = urls.named("iiif:institution_collection", item.institution.code)
    provider = {"id": member.website or collection, "type": "Agent", "label": _none(member.name)}
    if member.website:
        provider["homepage"] = [
            {
                "id": member.website,
                "type": "Text",
                "label": _none(member.name),
                "format": "text/html",
            }
        ]
    if member.logo_id:
        logo = member.logo.get_rendition("max-400x400|format-png")
        provider["logo"] = [
            {
                "id": urls.absolute(logo.url),
                "type": "Image",
                "format": "image/png",
                "width": logo.width,
                "height": logo.height,
            }
        ]
    return provider


def _see_also(urls: Urls, item: ArchiveItem) -> dict:
    query = urlencode(
        {
            "verb": "GetRecord",
            "metadataPrefix": "edm",
            "identifier": oai_identifier(item.identifier),
        }
    )
    return {
        "id": f"{urls.named('oai:endpoint')}?{query}",
        "type": "Dataset",
        "format": "application/rdf+xml",
        "profile": EDM_PROFILE,
    }


def _media_body(urls: Urls, url: str, media) -> dict:
    body = {"id": url, "type": MEDIA_TYPES[media.kind], "format": media.mime}
    if media.duration_seconds:
        body["duration"] = float(media.duration_seconds)
    return body


def _oral_history_canvas(urls: Urls, item: ArchiveItem, manifest_id: str) -> dict:
    canvas_id = f"{manifest_id}/canvas/recording"
    segments = list(item.segments.all())
    ends = [s.end_ms or s.start_ms or 0 for s in segments if s.start_ms is not None]
    media = item.media if item.media and item.media.kind in MEDIA_TYPES else None
    duration = (media.duration_seconds if media else None) or (max(ends) / 1000 if ends else 0)
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": _none(item.title),
        # A canvas must have an extent; a recording of unknown length gets one second.
        "duration": float(duration or 1),
        "items": [],
    }
    if media:
        url = urls.named("archive:media", item.identifier)
        canvas["items"].append(_painting_page(canvas_id, _media_body(urls, url, media)))
    if ends:
        language = item.language or settings.LANGUAGE_CODE
        canvas["annotations"] = [
            {
                "id": f"{canvas_id}/captions",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{canvas_id}/captions/1",
                        "type": "Annotation",
                        "motivation": "supplementing",
                        "body": {
                            "id": urls.named("archive:captions", item.identifier),
                            "type": "Text",
                            "format": "text/vtt",
                            "language": language,
                            "label": _translated(lambda: _("Transcript")),
                        },
                        "target": canvas_id,
                    }
                ],
            }
        ]
    return canvas


def _step_canvas(urls: Urls, item: ArchiveItem, step, number: int, manifest_id: str):
    canvas_id = f"{manifest_id}/canvas/step-{number}"
    label = _none(step.text)
    if step.image_id:
        return _image_canvas(urls, canvas_id, step.image, label)
    width, height = TEXT_CANVAS
    canvas = {"id": canvas_id, "type": "Canvas", "label": label, "items": []}
    media = step.media if step.media and step.media.kind in MEDIA_TYPES else None
    if media and media.kind == "video":
        canvas.update(width=width, height=height)
    if media:
        canvas["duration"] = float(media.duration_seconds or 1)
        url = urls.named("archive:step_media", item.identifier, step.pk)
        body = _media_body(urls, url, media)
        if media.kind == "video":
            body.update(width=width, height=height)
        canvas["items"].append(_painting_page(canvas_id, body))
    else:
        canvas.update(width=width, height=height)
    return canvas, None


def item_manifest(request, item: ArchiveItem) -> str:
    """The manifest of a public item (the caller has checked that it is), as JSON-LD."""
    urls = Urls(request)
    manifest_id = urls.named("iiif:manifest", item.identifier)
    canvases, thumbnails = [], []
    if item.kind == ArchiveItem.Kind.PHOTO:
        for number, photo in enumerate(item.images.all(), start=1):
            label = _none(photo.caption or f"{item.title} ({number})")
            canvas, thumbnail = _image_canvas(
                urls, f"{manifest_id}/canvas/{number}", photo.image, label
            )
            canvases.append(canvas)
            thumbnails.append(thumbnail)
    elif item.kind == ArchiveItem.Kind.ORAL_HISTORY:
        canvases.append(_oral_history_canvas(urls, item, manifest_id))
    else:
        for number, step in enumerate(item.steps.all(), start=1):
            canvas, thumbnail = _step_canvas(urls, item, step, number, manifest_id)
            canvases.append(canvas)
            thumbnails.append(thumbnail)
        if not canvases:
            width, height = TEXT_CANVAS
            canvases.append(
                {
                    "id": f"{manifest_id}/canvas/1",
                    "type": "Canvas",
                    "label": _none(item.title),
                    "width": width,
                    "height": height,
                    "items": [],
                }
            )
    data = {
        "id": manifest_id,
        "type": "Manifest",
        "label": _none(item.title),
        "metadata": _metadata(item),
        "rights": item.rights_uri,
        "requiredStatement": _entry(
            "Credit", _none(item.credit_line or item.institution.member.name)
        ),
        "provider": [_provider(urls, item)],
        "homepage": [
            {
                "id": urls.named("archive:detail", item.identifier, language=language),
                "type": "Text",
                "label": _none(item.title),
                "format": "text/html",
                "language": [language],
            }
            for language in _languages()
        ],
        "seeAlso": [_see_also(urls, item)],
        "partOf": [
            {
                "id": urls.named("iiif:institution_collection", item.institution.code),
                "type": "Collection",
            }
        ],
        "items": canvases,
    }
    if item.summary:
        data["summary"] = _none(item.summary)
    thumbnail = next((thumbnail for thumbnail in thumbnails if thumbnail), None)
    if thumbnail:
        data["thumbnail"] = [thumbnail]
    return Manifest(**data).jsonld()


def institutions_collection(request, institutions) -> str:
    urls = Urls(request)
    data = {
        "id": urls.named("iiif:collection"),
        "type": "Collection",
        "label": _translated(lambda: _("Archive")),
        "items": [
            {
                "id": urls.named("iiif:institution_collection", institution.code),
                "type": "Collection",
                "label": _none(institution.member.name),
            }
            for institution in institutions
        ],
    }
    return Collection(**data).jsonld()


def institution_collection(request, institution, items) -> str:
    urls = Urls(request)
    data = {
        "id": urls.named("iiif:institution_collection", institution.code),
        "type": "Collection",
        "label": _none(institution.member.name),
        "partOf": [{"id": urls.named("iiif:collection"), "type": "Collection"}],
        "items": [
            {
                "id": urls.named("iiif:manifest", item.identifier),
                "type": "Manifest",
                "label": _none(item.title),
            }
            for item in items
        ],
    }
    return Collection(**data).jsonld()
