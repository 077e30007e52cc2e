"""The heritage map's GeoJSON: members, event sites and archive items in a viewport.

Items are read through the archive selectors with one grid GROUP BY rather than through the
search engine: the engine's query always computes every facet and a page of hits as well (the
contract has no "positions only" question), which is most of its cost, whereas the map needs
only a count per cell; the public rule and the trade filter are the same ones the search page
uses (archive.selectors, search.documents.TradeVocabulary), so a cluster's count is what the
search page finds in the cluster's bbox. The answer is bounded whatever the data: items come
as points only up to ITEMS_CAP in a viewport at POINTS_ZOOM or closer, otherwise as at most
about MAX_CELLS cells (bench/api.py: size and time with 400 sites and 100,000 items).
Coarse grids are counted for all items at once and cached as long as the answer's max-age;
finer ones read the viewport through archive's position index.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from urllib.parse import quote

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from opendata.api import selectors
from opendata.api.http import MAX_AGE
from search.contract import BoundingBox
from search.forms import format_bbox, zoom_for

LAYERS = ("members", "sites", "items")
# A cluster cell is a quarter of a web-map tile (64 px) at the map's zoom...
CELLS_PER_TILE_SIDE = 4
# ...made larger until the viewport holds at most about this many cells.
MAX_CELLS = 512
# Items come one by one from this zoom on, if the viewport holds at most ITEMS_CAP of them.
POINTS_ZOOM = 12
ITEMS_CAP = 500
WORLD = BoundingBox(south=-90, west=-180, north=90, east=180)
# Grids this coarse (cells of 0.18° and more: the map at zoom 9 or less) are cached...
CACHED_LEVEL = 11
# ...for as long as a client may keep the answer (opendata.api.http.MAX_AGE).
CACHE_SECONDS = MAX_AGE


def _coordinate(value) -> float:
    # Five decimals are about a metre, and keep the answer small.
    return round(float(value), 5)


def feature(latitude, longitude, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [_coordinate(longitude), _coordinate(latitude)],
        },
        "properties": properties,
    }


def grid_level(box: BoundingBox, zoom: int) -> int:
    """The grid whose cells have sides of 360 / 2^level degrees: a quarter tile at `zoom`,
    doubled until the box holds at most about MAX_CELLS cells."""
    level = zoom + int(math.log2(CELLS_PER_TILE_SIDE))
    while level > 0:
        size = 360 / 2**level
        cells = (math.ceil((box.north - box.south) / size) + 1) * (
            math.ceil((box.east - box.west) / size) + 1
        )
        if cells <= MAX_CELLS:
            return level
        level -= 1
    return 0


def _grid(box: BoundingBox | None, trade_rows: set[int] | None, level: int) -> list[dict]:
    """The grid's cells that hold items in `box`. Coarse grids (a region or more per
    viewport, where a viewport holds most items) are counted once for all items and kept
    CACHE_SECONDS, as long as the answer's own max-age: a viewport then only picks its cells.
    Only counts are kept; what a cell of one item shows is read afresh (items_titled)."""
    size = 360 / 2**level
    if level > CACHED_LEVEL:
        return selectors.items_on_grid(box=box, trade_rows=trade_rows, cell=size)
    rows = ",".join(str(pk) for pk in sorted(trade_rows)) if trade_rows is not None else "-"
    key = f"opendata:map-grid:{level}:{hashlib.blake2b(rows.encode(), digest_size=8).hexdigest()}"
    cells = cache.get(key)
    if cells is None:
        cells = selectors.items_on_grid(box=None, trade_rows=trade_rows, cell=size)
        cache.set(key, cells, CACHE_SECONDS)
    if box is None:
        return cells
    return [
        cell
        for cell in cells
        if cell["row"] * size <= box.north
        and (cell["row"] + 1) * size >= box.south
        and cell["column"] * size <= box.east
        and (cell["column"] + 1) * size >= box.west
    ]


def cell_bbox(row: int, column: int, size: float) -> str:
    """A cell's bounds as "south,west,north,east", within the globe."""
    return format_bbox(
        BoundingBox(
            south=max(-90.0, row * size),
            west=max(-180.0, column * size),
            north=min(90.0, (row + 1) * size),
            east=min(180.0, (column + 1) * size),
        )
    )


def map_features(
    *,
    layers: tuple[str, ...],
    box: BoundingBox | None,
    zoom: int | None,
    trade_rows: set[int] | None,
    language: str,
    absolute: Callable[[str], str],
) -> dict:
    """The FeatureCollection of the map contract (see the API's docs). `absolute` turns a
    path into a full URL; `trade_rows` (selectors.trade_rows_under) filters items and
    members."""
    features: list[dict] = []
    with translation.override(language):
        if "members" in layers:
            features += _members(box, trade_rows, language, absolute)
        if "sites" in layers:
            features += _sites(box, language, absolute)
        if "items" in layers:
            features += _items(box, zoom, trade_rows, absolute)
    return {"type": "FeatureCollection", "features": features}


def _members(box, trade_rows, language, absolute) -> list[dict]:
    directory = selectors.member_directory_url(language=language)
    return [
        feature(
            member["latitude"],
            member["longitude"],
            {
                "layer": "members",
                "title": member["name"],
                "url": absolute(f"{directory}#member-{member['pk']}") if directory else "",
                "trades": member["trades"],
            },
        )
        for member in selectors.members_on_map(box=box, trade_rows=trade_rows)
    ]


def _sites(box, language, absolute) -> list[dict]:
    sites, page_urls = selectors.event_sites_on_map(box=box, language=language)
    return [
        feature(
            site["latitude"],
            site["longitude"],
            {
                "layer": "sites",
                "title": site["name"],
                "url": absolute(f"{page_urls[site['page_id']]}#site-{site['pk']}")
                if page_urls.get(site["page_id"])
                else "",
                "trades": [],
            },
        )
        for site in sites
    ]


def _item_feature(row: dict, trades: list[str], item_url) -> dict:
    return feature(
        row["latitude"],
        row["longitude"],
        {
            "layer": "items",
            "title": row["title"],
            "url": item_url(row["identifier"]),
            "trades": trades,
        },
    )


def _item_urls(absolute) -> Callable[[str], str]:
    """identifier -> the item page's full URL, reversed once rather than per item."""
    marker = "0identifier0"
    template = absolute(reverse("archive:detail", args=[marker]))
    return lambda identifier: template.replace(marker, quote(identifier, safe=""))


def _items(box, zoom, trade_rows, absolute) -> list[dict]:
    if trade_rows is not None and not trade_rows:
        return []
    if zoom is None:
        zoom = zoom_for(box) if box else 0
    if zoom >= POINTS_ZOOM:
        rows = selectors.items_on_map(box=box, trade_rows=trade_rows, limit=ITEMS_CAP + 1)
        if len(rows) <= ITEMS_CAP:
            slugs = selectors.item_trade_slugs(item_ids=[row["pk"] for row in rows])
            item_url = _item_urls(absolute)
            return [_item_feature(row, slugs.get(row["pk"], []), item_url) for row in rows]
    level = grid_level(box or WORLD, zoom)
    size = 360 / 2**level
    cells = _grid(box, trade_rows, level)
    single = selectors.items_titled(
        identifiers=[cell["identifier"] for cell in cells if cell["count"] == 1]
    )
    slugs = selectors.item_trade_slugs(item_ids=[row["pk"] for row in single])
    singles = {row["identifier"]: row for row in single}
    item_url = _item_urls(absolute)
    features = []
    for cell in cells:
        if cell["count"] == 1:
            row = singles.get(cell["identifier"])
            # None: the item left the public site since the grid was counted.
            if row is not None:
                features.append(_item_feature(row, slugs.get(row["pk"], []), item_url))
            continue
        features.append(
            feature(
                cell["latitude_mean"],
                cell["longitude_mean"],
                {
                    "layer": "items",
                    "cluster": True,
                    "count": cell["count"],
                    "bbox": cell_bbox(int(cell["row"]), int(cell["column"]), size),
                },
            )
        )
    return features
