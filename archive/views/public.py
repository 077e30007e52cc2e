"""Public archive pages: the list of published items, an item's page, and the recording and
captions it plays. Who sees what is `archive.selectors.items_viewable_by`'s alone; a miss is a
404, or the login page when a member login would reveal a members-only item.
"""

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wagtail.models import Locale

from archive import selectors
from archive.models import ArchiveItem
from archive.serving import serve_stored_media
from archive.transcripts import Segment, to_webvtt

PAGE_SIZE = 24
# `?t=` as people write it: whole seconds, perhaps with a fraction ("95", "95.5").
_START_TIME = re.compile(r"\d{1,6}(?:\.\d{1,3})?", re.ASCII)


def _locale_id() -> int | None:
    locale = Locale.get_active()
    return locale.pk if locale else None


def _login_url() -> str:
    # The same login page Wagtail uses for its own private pages.
    return getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or reverse("wagtailcore_login")


@require_GET
def item_list(request):
    items = selectors.items_published_for_visitor(user=request.user, locale_id=_locale_id())
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "archive/item_list.html", {"page_obj": page_obj, "items": page_obj.object_list}
    )


@require_GET
def item_detail(request, identifier: str):
    locale_id = _locale_id()
    item = selectors.item_for_visitor(user=request.user, identifier=identifier, locale_id=locale_id)
    if item is None:
        if not request.user.is_authenticated and selectors.item_needs_member_login(
            identifier=identifier
        ):
            return redirect_to_login(request.get_full_path(), _login_url())
        raise Http404
    start = request.GET.get("t", "")
    segments = list(item.segments.all())
    is_public = (
        item.status == ArchiveItem.Status.PUBLISHED and item.access == ArchiveItem.Access.PUBLIC
    )
    context = {
        "item": item,
        "is_public": is_public,
        "canonical_url": request.build_absolute_uri(request.path),
        "segments": segments,
        "timed_transcript": any(s.start_ms is not None for s in segments),
        "start_time": start if _START_TIME.fullmatch(start) else "",
        "related_items": selectors.items_related(item=item, user=request.user, locale_id=locale_id),
        "map_markers": _map_markers(item),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return TemplateResponse(request, "archive/item_detail.html", context)


def _map_markers(item: ArchiveItem) -> list[dict]:
    """One marker, in the shape includes/map.html and map.js expect; its id is the anchor of
    the place in the item's facts."""
    if not item.has_location:
        return []
    return [
        {
            "id": "item-place",
            "name": item.place_name or item.commune,
            "commune": item.commune,
            "lat": float(item.latitude),
            "lng": float(item.longitude),
        }
    ]


@require_http_methods(["GET", "HEAD"])
def item_media(request, identifier: str, step_id: int | None = None):
    """The recording of an item (or of a savoir-faire step), for its page's player."""
    media = selectors.media_for_visitor(user=request.user, identifier=identifier, step_id=step_id)
    if media is None:
        raise Http404
    extension = media.key.rsplit(".", 1)[-1] if "." in media.key else "bin"
    suffix = f"-{step_id}" if step_id else ""
    return serve_stored_media(
        request,
        key=media.key,
        content_type=media.mime,
        etag=media.sha256,
        download_name=f"{identifier}{suffix}.{extension}",
    )


@require_GET
def item_captions(request, identifier: str):
    """The timed transcript as WebVTT, for the player's captions track."""
    rows = selectors.transcript_for_visitor(user=request.user, identifier=identifier)
    if rows is None:
        raise Http404
    vtt = to_webvtt(Segment(row.start_ms, row.end_ms, row.speaker, row.text) for row in rows)
    response = HttpResponse(vtt, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
