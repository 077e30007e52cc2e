"""The one query contract both search engines answer.

An `ArchiveQuery` goes in, `ArchiveResults` come out, whichever engine settings choose
(`search.engines.get_engine()`): Elasticsearch in production, the database by default. The public
search view, the API and the conformance suite speak only these types, so an engine can be
swapped without touching them.

Visibility is not a query field: an engine is only ever fed published, public, non-embargoed
items (the index holds nothing else, and the database engine starts from the public selector),
so no caller can forget to filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"  # by the item's date, most recent first
    OLDEST = "oldest"

    choices = (RELEVANCE, NEWEST, OLDEST)


@dataclass(frozen=True)
class BoundingBox:
    """A map viewport, in degrees, with some height and width (south < north, west < east).
    `west` may exceed `east` only across the antimeridian, which our regions never cross;
    parsing refuses it."""

    south: float
    west: float
    north: float
    east: float


# Engines return hits up to this rank only (Elasticsearch's default index.max_result_window);
# a page beyond it comes back with the total and no hits. Views should not offer such pages.
MAX_RESULT_WINDOW = 10_000
# The closest zoom of a web map, and the finest at which a query may ask for map clusters.
MAX_MAP_ZOOM = 20


@dataclass(frozen=True)
class ArchiveQuery:
    """What the visitor asked for. Every field is optional; an empty query lists everything
    visible, newest first. Values are already validated (see search.forms)."""

    text: str = ""
    trades: tuple[int, ...] = ()  # Trade ids (any locale's id); descendants are included
    commune: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, e.g. "FR"
    bbox: BoundingBox | None = None
    kinds: tuple[str, ...] = ()  # ArchiveItem.Kind values
    institutions: tuple[str, ...] = ()  # Institution.code values
    year_from: int | None = None  # period overlap: an item dated 1950–1960 matches 1955–1970
    year_to: int | None = None
    tags: tuple[str, ...] = ()  # tag slugs, all required
    language: str = "fr"  # the visitor's language: labels and analyser preference
    sort: str = Sort.RELEVANCE
    page: int = 1
    per_page: int = 20
    map_zoom: int | None = (
        None  # when set, results carry map clusters at this zoom (0–MAX_MAP_ZOOM)
    )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class TranscriptMoment:
    """A place in a recording where the text matched: `start` in seconds, `snippet` is safe HTML
    (escaped text with the matched words in <mark>)."""

    start: float
    snippet: str


@dataclass(frozen=True)
class Hit:
    """One item of the results. `snippet` is safe HTML (escaped text, matches in <mark>), empty
    when nothing textual matched (a filter-only query)."""

    item_id: int
    identifier: str
    score: float | None = None
    snippet: str = ""
    moments: tuple[TranscriptMoment, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching items. `parent` links a trade to its
    parent trade and a commune to its region, so the view can draw trees.

    `value` is what the query takes back: trade, the id (as a string) of the trade's row in the
    default locale, for ArchiveQuery.trades; a broader trade counts the items of its narrower
    ones. Region and commune, the name (filters ignore case and accents). Decade, its first
    year ("1950", label "1950–1959"; selected when year_from=1950 and year_to=1959). Tag, the
    slug. Institution, the code. Kind, the ArchiveItem.Kind value. Labels are in the query's
    language."""

    value: str
    label: str
    count: int
    parent: str | None = None
    selected: bool = False


@dataclass(frozen=True)
class MapCluster:
    """Items grouped on the map at the query's zoom: their count and their mean position. A
    cluster of one carries that item's identifier."""

    latitude: float
    longitude: float
    count: int
    identifier: str | None = None


# Facet names, in the order the public page shows them.
FACETS = ("trade", "region", "commune", "kind", "decade", "institution", "tag")


@dataclass
class ArchiveResults:
    """What an engine answers. `facets` maps each name of FACETS to all its values with a
    non-zero count (no cap: every trade, not ten), computed over the whole result set, not
    the page. `total` counts the whole result set."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    clusters: list[MapCluster] = field(default_factory=list)


class Engine(Protocol):
    """What every search engine provides. Engines are built by search.engines.get_engine()
    from settings.ARCHIVE_SEARCH["ENGINE"]."""

    name: str

    def search(self, query: ArchiveQuery) -> ArchiveResults: ...

    def suggest(self, *, field: str, prefix: str, language: str, limit: int = 10) -> list[str]:
        """Autocomplete for `field` in ("trade", "place"): labels starting with (or containing a
        word starting with) `prefix`, among visible items only."""
        ...

    def apply(self, *, upsert_ids: list[int], delete_ids: list[int]) -> None:
        """Bring the index in line with the database for these items: index those of
        `upsert_ids` that are visible now, remove the others and every id of `delete_ids`.
        Raises search.engines.EngineUnavailable when the engine cannot be reached; then nothing
        may be assumed applied."""
        ...

    def rebuild(self, *, progress=None) -> int:
        """Build the whole index anew from the database and switch to it atomically; returns the
        number of documents. `progress(n)` is called as documents are written. Changes
        committed while it runs may be missing: search.outbox.rebuild() catches up after it."""
        ...

    def indexed_versions(self) -> dict[int, str]:
        """item id -> version string of every document in the index (for search_reconcile)."""
        ...

    def count(self) -> int: ...

    def ping(self) -> bool: ...
