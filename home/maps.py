"""Map data shared by the member directory and event pages."""

from django.conf import settings


def map_markers(places, *, anchor_prefix: str) -> list[dict]:
    """Markers for the places that have coordinates; `id` matches the anchor of the place in
    the list rendered beside the map, so a marker can link to it."""
    return [
        {
            "id": f"{anchor_prefix}{place.pk}",
            "name": place.name,
            "commune": place.commune,
            "lat": float(place.latitude),
            "lng": float(place.longitude),
        }
        for place in places
        if place.has_location
    ]


def map_context(places, *, anchor_prefix: str) -> dict:
    return {
        "map_markers": map_markers(places, anchor_prefix=anchor_prefix),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
