"""What an archive item looks like to a search engine, and how items are read in bulk.

Only what anonymous visitors may see is ever indexed: published, public items, and oral
histories only with a consent for the public web that is neither withdrawn nor under embargo
(`archive.selectors.items_viewable_by` for an anonymous visitor). Both engines are fed from
`load_documents()`, so they index the same thing.

Trades are identified by their *canonical id*: the id of the trade's row in the default
locale (French), whatever locale's row an item or a query names. An item carries its trades
and every broader trade above them (`trade_path`), so that filtering on Textile finds weavers
and the Textile facet counts them; and the labels of all of these in the five languages, so
that "Weber" or "weaver" finds tisserand items.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import translation

from archive.models import (
    ArchiveItem,
    ArchiveItemTag,
    ItemImage,
    Member,
    SavoirFaireStep,
    Trade,
    TranscriptSegment,
)
from archive.selectors import items_viewable_by
from search.engines.analysis import fold

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Decades an item spans beyond this are not listed one by one (a "1800–2000" item would fill
# the period facet); its first decades are.
MAX_DECADES = 30


@dataclass(frozen=True)
class SegmentDocument:
    """One transcript segment: its position, start in seconds (None when untimed), text."""

    position: int
    start: float | None
    text: str


@dataclass
class ItemDocument:
    """Everything an engine indexes about one visible item."""

    id: int
    identifier: str
    version: str
    kind: str
    title: str
    summary: str
    description: str
    details: str  # narrators, techniques, materials, tools, steps, image captions
    institution: str  # Institution.code
    institution_name: str
    trades: list[int]  # canonical ids of the item's own trades
    trade_path: list[int]  # those and every broader trade
    trade_labels: dict[str, list[str]]  # language -> labels of trade_path
    place_name: str
    commune: str
    region: str
    country: str
    country_names: list[str]  # the country's name in the five languages
    latitude: float | None
    longitude: float | None
    year_from: int | None
    year_to: int | None
    decades: list[int]
    sort_date: datetime.date | None
    rights: str
    published_at: datetime.datetime | None
    tags: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    segments: list[SegmentDocument] = field(default_factory=list)

    @property
    def commune_key(self) -> str:
        """The commune as place filters match it (lower case, no accents)."""
        return fold(self.commune).strip()

    @property
    def region_key(self) -> str:
        return fold(self.region).strip()

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def all_trade_labels(self) -> list[str]:
        return sorted({label for labels in self.trade_labels.values() for label in labels})

    @property
    def place_text(self) -> str:
        return " ".join(
            filter(None, [self.place_name, self.commune, self.region, *self.country_names])
        )


# --- Visibility and versions ----------------------------------------------------------------


def indexable_items(*, now=None) -> QuerySet[ArchiveItem]:
    """Items the index may hold right now: those an anonymous visitor may see."""
    return items_viewable_by(user=AnonymousUser(), now=now)


def _version(updated_at, status, access, scope, embargo_until, withdrawn_at) -> str:
    # The change time alone is not enough: consent changes (scope, embargo, withdrawal) do not
    # touch the item's row.
    parts = "|".join(
        str(part) for part in (status, access, scope, embargo_until, withdrawn_at)
    ).encode()
    stamp = updated_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%f") if updated_at else "-"
    return f"{stamp}:{hashlib.sha1(parts, usedforsecurity=False).hexdigest()[:8]}"


_VERSION_FIELDS = (
    "updated_at",
    "status",
    "access",
    "consent__scope",
    "consent__embargo_until",
    "consent__withdrawn_at",
)


def item_version(item: ArchiveItem) -> str:
    """A string that changes whenever anything the index holds of `item` may have changed:
    every archive service that edits an item (its fields, trades, tags, transcript) saves its
    `updated_at`; status, access and the oral history's consent are part of it too."""
    try:
        consent = item.consent
    except ArchiveItem.consent.RelatedObjectDoesNotExist:
        consent = None
    return _version(
        item.updated_at,
        item.status,
        item.access,
        consent.scope if consent else None,
        consent.embargo_until if consent else None,
        consent.withdrawn_at if consent else None,
    )


def indexable_versions(*, ids: Iterable[int] | None = None, now=None) -> dict[int, str]:
    """item id -> version of every item the index should hold (of `ids` when given), in one
    query: what `search_reconcile` compares with `Engine.indexed_versions()`."""
    qs = indexable_items(now=now)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return {row[0]: _version(*row[1:]) for row in qs.values_list("pk", *_VERSION_FIELDS)}


# --- Trades ---------------------------------------------------------------------------------


@dataclass
class TradeVocabulary:
    """The trade vocabulary in memory (a few hundred rows): canonical ids, labels per
    language, broader trades. Loaded once per batch of documents or per search."""

    canonical: dict[int, int]  # any row's id -> canonical id
    labels: dict[int, dict[str, str]]  # canonical id -> language -> label
    parent: dict[int, int | None]  # canonical id -> canonical id of the broader trade

    @classmethod
    def load(cls) -> TradeVocabulary:
        default_language = settings.LANGUAGE_CODE
        rows = list(
            Trade.objects.values_list(
                "pk", "translation_key", "locale__language_code", "name", "parent_id"
            ).order_by("pk")
        )
        by_key: dict = {}
        for pk, key, language, *_rest in rows:
            # The default locale's row wins; otherwise the oldest row of the key.
            current = by_key.get(key)
            if current is None or (language == default_language != current[1]):
                by_key[key] = (pk, language)
        canonical = {pk: by_key[key][0] for pk, key, *_rest in rows}
        labels: dict[int, dict[str, str]] = defaultdict(dict)
        parent: dict[int, int | None] = {}
        for pk, _key, language, name, parent_id in rows:
            labels[canonical[pk]][language] = name
            if canonical[pk] == pk:
                parent[pk] = canonical.get(parent_id) if parent_id else None
        return cls(canonical=canonical, labels=dict(labels), parent=parent)

    def path(self, canonical_id: int) -> list[int]:
        """The trade and its broader trades, narrowest first."""
        result = []
        current: int | None = canonical_id
        while current is not None and current not in result:
            result.append(current)
            current = self.parent.get(current)
        return result

    def descendants(self, canonical_ids: Iterable[int]) -> set[int]:
        """The given trades and every narrower one."""
        wanted = set(canonical_ids)
        return {pk for pk in self.parent if wanted.intersection(self.path(pk))}

    def canonical_ids(self, ids: Iterable[int]) -> set[int]:
        """Canonical ids of the given rows (of any locale); unknown ids are dropped."""
        return {self.canonical[pk] for pk in ids if pk in self.canonical}

    def label(self, canonical_id: int, language: str) -> str:
        labels = self.labels.get(canonical_id, {})
        return (
            labels.get(language)
            or labels.get(settings.LANGUAGE_CODE)
            or next(iter(labels.values()), "")
        )


def country_names() -> dict[str, list[str]]:
    """Country code -> its name in each site language ("DE" -> Allemagne, Germany, ...)."""
    names: dict[str, list[str]] = defaultdict(list)
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in Member.Country.choices:
                names[code].append(str(label))
    return {code: sorted(set(values)) for code, values in names.items()}


# --- Bulk loading ---------------------------------------------------------------------------

_ITEM_FIELDS = (
    "pk",
    "identifier",
    "kind",
    "title",
    "summary",
    "description",
    "narrators",
    "interviewers",
    "techniques",
    "materials",
    "tools",
    "institution__code",
    "institution__member__name",
    "place_name",
    "commune",
    "region",
    "country",
    "latitude",
    "longitude",
    "date",
    "year_from",
    "year_to",
    "rights",
    "published_at",
    *_VERSION_FIELDS,
)


def _decades(year_from: int | None, year_to: int | None) -> list[int]:
    if year_from is None:
        return []
    first, last = year_from // 10 * 10, (year_to or year_from) // 10 * 10
    return list(range(first, last + 1, 10))[:MAX_DECADES]


def load_documents(
    *, ids: Iterable[int] | None = None, batch_size: int = 2000, now=None
) -> Iterator[ItemDocument]:
    """The documents of the visible items (among `ids` when given), in id order.

    Reads in batches with a fixed number of queries per batch (items with their institution
    and consent, trades, tags, transcript segments, steps and captions), the vocabulary
    once: fast enough to index 100,000 items."""
    vocabulary = TradeVocabulary.load()
    countries = country_names()
    qs = indexable_items(now=now)
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), batch_size):
            chunk = qs.filter(pk__in=wanted[start : start + batch_size])
            yield from _load_batch(chunk, vocabulary, countries)
        return
    last_pk = 0
    while True:
        chunk_ids = list(
            qs.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not chunk_ids:
            return
        last_pk = chunk_ids[-1]
        yield from _load_batch(ArchiveItem.objects.filter(pk__in=chunk_ids), vocabulary, countries)


def _load_batch(
    qs: QuerySet[ArchiveItem], vocabulary: TradeVocabulary, countries: dict[str, list[str]]
) -> list[ItemDocument]:
    rows = [dict(zip(_ITEM_FIELDS, row, strict=True)) for row in qs.values_list(*_ITEM_FIELDS)]
    if not rows:
        return []
    ids = [row["pk"] for row in rows]

    trades: dict[int, list[int]] = defaultdict(list)
    through = ArchiveItem.trades.through
    for item_id, trade_id in through.objects.filter(archiveitem_id__in=ids).values_list(
        "archiveitem_id", "trade_id"
    ):
        if trade_id in vocabulary.canonical:
            trades[item_id].append(vocabulary.canonical[trade_id])

    tags: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for item_id, slug, name in (
        ArchiveItemTag.objects.filter(content_object_id__in=ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__slug", "tag__name")
    ):
        tags[item_id].append((slug, name))

    segments: dict[int, list[SegmentDocument]] = defaultdict(list)
    for item_id, position, start_ms, text in (
        TranscriptSegment.objects.filter(item_id__in=ids)
        .order_by("item_id", "position")
        .values_list("item_id", "position", "start_ms", "text")
    ):
        start = start_ms / 1000 if start_ms is not None else None
        segments[item_id].append(SegmentDocument(position, start, text))

    details: dict[int, list[str]] = defaultdict(list)
    for item_id, text in (
        SavoirFaireStep.objects.filter(item_id__in=ids)
        .order_by("item_id", "sort_order")
        .values_list("item_id", "text")
    ):
        details[item_id].append(text)
    for item_id, caption in (
        ItemImage.objects.filter(item_id__in=ids)
        .exclude(caption="")
        .values_list("item_id", "caption")
    ):
        details[item_id].append(caption)

    documents = []
    for row in rows:
        pk = row["pk"]
        own = sorted(set(trades[pk]))
        path = sorted({ancestor for trade in own for ancestor in vocabulary.path(trade)})
        trade_labels = {
            language: sorted({vocabulary.label(trade, language) for trade in path})
            for language in LANGUAGES
        }
        exact = row["date"]
        year_from = exact.year if exact else row["year_from"] or row["year_to"]
        year_to = exact.year if exact else row["year_to"] or row["year_from"]
        sort_date = exact or (datetime.date(year_from, 1, 1) if year_from else None)
        located = row["latitude"] is not None and row["longitude"] is not None
        documents.append(
            ItemDocument(
                id=pk,
                identifier=row["identifier"],
                version=_version(*(row[name] for name in _VERSION_FIELDS)),
                kind=row["kind"],
                title=row["title"],
                summary=row["summary"],
                description=row["description"],
                details="\n".join(
                    filter(
                        None,
                        [
                            row["narrators"],
                            row["interviewers"],
                            row["techniques"],
                            row["materials"],
                            row["tools"],
                            *details[pk],
                        ],
                    )
                ),
                institution=row["institution__code"],
                institution_name=row["institution__member__name"],
                trades=own,
                trade_path=path,
                trade_labels=trade_labels,
                place_name=row["place_name"],
                commune=row["commune"],
                region=row["region"],
                country=row["country"],
                country_names=countries.get(row["country"], []),
                latitude=float(row["latitude"]) if located else None,
                longitude=float(row["longitude"]) if located else None,
                year_from=year_from,
                year_to=year_to,
                decades=_decades(year_from, year_to),
                sort_date=sort_date,
                rights=row["rights"],
                published_at=row["published_at"],
                tags=tags[pk],
                segments=segments[pk],
            )
        )
    return documents
