"""Helpers the page listings share: pagination and prefetched card renditions."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from wagtail.images import get_image_model

LISTING_PAGE_SIZE = 12
CARD_RENDITION = "fill-480x300"


def with_renditions(queryset, field: str, *specs: str):
    """Join the image in `field` and prefetch the renditions listings use, so a list of any
    length costs one extra query (renditions are created once, then read)."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=specs or (CARD_RENDITION,))
    )
    return queryset.select_related(field).prefetch_related(
        Prefetch(f"{field}__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


def paginate(request, items, per_page: int = LISTING_PAGE_SIZE):
    """Page of `items` named by ?page=; a bad or out-of-range number gives the nearest page
    rather than an error, so shared or hand-edited URLs never break."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
