"""What the open API reads, on top of archive.selectors (the public rule for items lives
there, once) and home's event pages. Keyword-only, typed, named `<entity>_<action>`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, Floor
from django.utils import timezone

from wagtail.models import Locale

from archive.models import (
    ArchiveItem,
    CustomImage,
    CustomRendition,
    Institution,
    ItemImage,
    Member,
    SavoirFaireStep,
    Trade,
)
from archive.selectors import items_viewable_by
from home.models import EventPage, EventSite, MemberDirectoryPage
from search.contract import BoundingBox
from search.documents import TradeVocabulary

# The thumbnail of list entries: the search results' own, so that it is usually made already.
THUMBNAIL = "fill-240x180"


def public_items() -> QuerySet[ArchiveItem]:
    """Items an anonymous visitor may open on the public site: the API shows nothing else."""
    return items_viewable_by(user=AnonymousUser())


def locale_for(*, language: str) -> Locale | None:
    return Locale.objects.filter(language_code=language).first()


SUMMARY_FIELDS = (
    "pk", "identifier", "kind", "title", "summary", "date", "year_from", "year_to",
    "date_approximate", "place_name", "commune", "region", "country", "latitude", "longitude",
    "geonames_id", "wikidata_id", "rights", "institution__code", "institution__member__name",
    "institution__member__website",
)  # fmt: skip


def items_summarised(*, ids: list[int], locale_id: int | None) -> list[dict]:
    """The public items among `ids`, in the order of `ids`, as plain rows of what a list
    shows (SUMMARY_FIELDS, `trades` labelled in `locale_id`, `thumbnail`: a rendition's URL
    or None). An id no longer public is left out, so a stale index never shows what it should
    not (as archive.selectors.items_for_search_hits). Plain rows rather than models: a page
    of results costs four light queries, whatever its size."""
    if not ids:
        return []
    rows = {row["pk"]: row for row in public_items().filter(pk__in=ids).values(*SUMMARY_FIELDS)}
    trades = item_trades_labelled(item_ids=list(rows), locale_id=locale_id)
    thumbnails = item_thumbnails(
        item_ids=list(rows),
        savoir_faire_ids=[pk for pk, row in rows.items() if row["kind"] == "savoir_faire"],
    )
    for pk, row in rows.items():
        row["trades"] = trades.get(pk, [])
        row["thumbnail"] = thumbnails.get(pk)
    return [rows[pk] for pk in ids if pk in rows]


def item_trades_labelled(*, item_ids: list[int], locale_id: int | None) -> dict[int, list[dict]]:
    """item id -> its trades (slug, label in `locale_id`, aat_id, wikidata_id), by label."""
    translated = Trade.objects.filter(
        translation_key=OuterRef("trade__translation_key"), locale_id=locale_id
    ).values("name")[:1]
    trades: dict[int, list[dict]] = defaultdict(list)
    for row in (
        ArchiveItem.trades.through.objects.filter(archiveitem_id__in=item_ids)
        .annotate(label=Coalesce(Subquery(translated), F("trade__name")))
        .order_by("label")
        .values("archiveitem_id", "trade__slug", "label", "trade__aat_id", "trade__wikidata_id")
    ):
        trades[row["archiveitem_id"]].append(
            {
                "slug": row["trade__slug"],
                "label": row["label"],
                "aat_id": row["trade__aat_id"],
                "wikidata_id": row["trade__wikidata_id"],
            }
        )
    return trades


def item_thumbnails(*, item_ids: list[int], savoir_faire_ids: list[int]) -> dict[int, str]:
    """item id -> the URL of its list thumbnail (THUMBNAIL of its first photo, else of its
    first step's image), as archive_tags.lead_image chooses the picture. A rendition not made
    yet is made here (the search page makes them as it lists items)."""
    pictures: dict[int, int] = {}
    for item_id, image_id in (
        ItemImage.objects.filter(item_id__in=item_ids)
        .order_by("item_id", "sort_order", "pk")
        .values_list("item_id", "image_id")
    ):
        pictures.setdefault(item_id, image_id)
    missing = [pk for pk in savoir_faire_ids if pk not in pictures]
    if missing:
        for item_id, image_id in (
            SavoirFaireStep.objects.filter(item_id__in=missing, image__isnull=False)
            .order_by("item_id", "sort_order", "pk")
            .values_list("item_id", "image_id")
        ):
            pictures.setdefault(item_id, image_id)
    if not pictures:
        return {}
    storage = CustomRendition._meta.get_field("file").storage
    made = dict(
        CustomRendition.objects.filter(image_id__in=pictures.values(), filter_spec=THUMBNAIL)
        .order_by("image_id", "pk")
        .values_list("image_id", "file")
    )
    for image in CustomImage.objects.filter(pk__in=set(pictures.values()) - set(made)):
        made[image.pk] = image.get_rendition(THUMBNAIL).file.name
    return {item_id: storage.url(made[image_id]) for item_id, image_id in pictures.items()}


# --- The trade vocabulary --------------------------------------------------------------------


@dataclass(frozen=True)
class TradeConcept:
    """One trade of the vocabulary, whatever the language: its slug (the same in every
    language), labels by language, broader and narrower trades by slug, AAT and Wikidata ids."""

    slug: str
    labels: dict[str, str]
    broader: str | None
    narrower: tuple[str, ...]
    aat_id: str
    wikidata_id: str


def trades_vocabulary() -> list[TradeConcept]:
    """Every trade once, in the order of its slug. A trade is one row per locale sharing a
    translation key; the default language's row gives the slug, parent and ids."""
    rows = list(
        Trade.objects.values_list(
            "pk",
            "translation_key",
            "locale__language_code",
            "name",
            "slug",
            "parent_id",
            "aat_id",
            "wikidata_id",
        ).order_by("pk")
    )
    by_key: dict = {}
    for row in rows:
        current = by_key.get(row[1])
        if current is None or (row[2] == settings.LANGUAGE_CODE != current[2]):
            by_key[row[1]] = row
    key_of = {row[0]: row[1] for row in rows}
    labels: dict = defaultdict(dict)
    for _pk, key, language, name, *_rest in rows:
        labels[key][language] = name
    broader = {
        key: by_key[key_of[row[5]]][4] if row[5] in key_of else None for key, row in by_key.items()
    }
    narrower: dict = defaultdict(list)
    for key, row in by_key.items():
        if broader[key]:
            narrower[broader[key]].append(row[4])
    concepts = [
        TradeConcept(
            slug=row[4],
            labels={
                lang: labels[key][lang] for lang, _ in settings.LANGUAGES if lang in labels[key]
            },
            broader=broader[key],
            narrower=tuple(sorted(narrower[row[4]])),
            aat_id=row[6],
            wikidata_id=row[7],
        )
        for key, row in by_key.items()
    ]
    return sorted(concepts, key=lambda concept: concept.slug)


def trade_rows_under(*, slug: str) -> set[int] | None:
    """Ids of the rows (every locale) of the trade `slug` and of its narrower trades, as the
    search contract's trade filter counts them; None when no trade has this slug."""
    ids = list(Trade.objects.filter(slug=slug.lower()).values_list("pk", flat=True))
    if not ids:
        return None
    vocabulary = TradeVocabulary.load()
    wanted = vocabulary.descendants(vocabulary.canonical_ids(ids))
    return {pk for pk, canonical in vocabulary.canonical.items() if canonical in wanted}


# --- Institutions ----------------------------------------------------------------------------


def institutions_with_counts() -> QuerySet[Institution]:
    """Every institution with its member and `public_items`, the number of its items an
    anonymous visitor may see, by code."""
    counted = (
        public_items()
        .filter(institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Institution.objects.select_related("member")
        .prefetch_related(Prefetch("member__trades", queryset=Trade.objects.order_by("slug")))
        .annotate(public_items=Coalesce(Subquery(counted), 0))
        .order_by("code")
    )


# --- The map ---------------------------------------------------------------------------------


def _in_box(qs: QuerySet, box: BoundingBox | None) -> QuerySet:
    qs = qs.filter(latitude__isnull=False, longitude__isnull=False)
    if box is None:
        return qs
    return qs.filter(
        latitude__gte=box.south,
        latitude__lte=box.north,
        longitude__gte=box.west,
        longitude__lte=box.east,
    )


def members_on_map(*, box: BoundingBox | None, trade_rows: set[int] | None) -> list[dict]:
    """Members with a position (in `box`), with one of `trade_rows` when given: pk, name,
    latitude, longitude and `trades` (slugs), by name. Plain rows: a map may hold hundreds."""
    qs = _in_box(Member.objects.all(), box)
    if trade_rows is not None:
        qs = qs.filter(
            Exists(
                Member.trades.through.objects.filter(
                    member_id=OuterRef("pk"), trade_id__in=trade_rows
                )
            )
        )
    members = list(qs.order_by("name", "pk").values("pk", "name", "latitude", "longitude"))
    slugs: dict[int, set[str]] = defaultdict(set)
    for member_id, slug in Member.trades.through.objects.filter(
        member_id__in=[member["pk"] for member in members]
    ).values_list("member_id", "trade__slug"):
        slugs[member_id].add(slug)
    for member in members:
        member["trades"] = sorted(slugs[member["pk"]])
    return members


def member_directory_url(*, language: str) -> str:
    """The member directory page in `language` (else the default language's), or ""."""
    for code in (language, settings.LANGUAGE_CODE):
        page = (
            MemberDirectoryPage.objects.live().public().filter(locale__language_code=code).first()
        )
        if page is not None:
            return page.get_url() or ""
    return ""


def event_sites_on_map(
    *, box: BoundingBox | None, language: str, now: datetime.datetime | None = None
) -> tuple[list[dict], dict[int, str]]:
    """Sites with a position (in `box`) of the live, public events in `language` that have
    not ended yet, as rows (pk, name, latitude, longitude, page_id), and each event page's
    URL by page id."""
    events = (
        EventPage.objects.live()
        .public()
        .filter(locale__language_code=language, end__gte=now or timezone.now())
    )
    sites = list(
        _in_box(EventSite.objects.filter(page__in=events.values("pk")), box)
        .order_by("page_id", "sort_order", "pk")
        .values("pk", "name", "latitude", "longitude", "page_id")
    )
    pages = EventPage.objects.filter(pk__in={site["page_id"] for site in sites})
    return sites, {page.pk: page.get_url() or "" for page in pages}


def _items_on_map(*, box: BoundingBox | None, trade_rows: set[int] | None) -> QuerySet:
    qs = _in_box(public_items(), box)
    if trade_rows is not None:
        qs = qs.filter(
            Exists(
                ArchiveItem.trades.through.objects.filter(
                    archiveitem_id=OuterRef("pk"), trade_id__in=trade_rows
                )
            )
        )
    return qs.order_by()


def items_on_map(*, box: BoundingBox | None, trade_rows: set[int] | None, limit: int) -> list[dict]:
    """Up to `limit` public items with a position (in `box`, with a trade among `trade_rows`):
    identifier, title, latitude, longitude, in identifier order."""
    return list(
        _items_on_map(box=box, trade_rows=trade_rows)
        .order_by("identifier")
        .values("pk", "identifier", "title", "latitude", "longitude")[:limit]
    )


def items_on_grid(
    *, box: BoundingBox | None, trade_rows: set[int] | None, cell: float
) -> list[dict]:
    """Public items with a position (as items_on_map) counted per square cell of `cell`
    degrees, the grid anchored at 0°,0° so that a cell stays the same as the map pans: row,
    column, count, mean latitude and longitude, and an identifier (the only one when the
    count is 1). One GROUP BY."""
    latitude = Cast("latitude", FloatField())
    longitude = Cast("longitude", FloatField())
    return list(
        _items_on_map(box=box, trade_rows=trade_rows)
        .annotate(row=Floor(latitude / cell), column=Floor(longitude / cell))
        .values("row", "column")
        .annotate(
            count=Count("pk"),
            latitude_mean=Avg(latitude),
            longitude_mean=Avg(longitude),
            identifier=Max("identifier"),
        )
        .order_by("row", "column")
    )


def item_trade_slugs(*, item_ids: list[int]) -> dict[int, list[str]]:
    """item id -> the slugs of its trades (each once, sorted)."""
    slugs: dict[int, set[str]] = defaultdict(set)
    if item_ids:
        for item_id, slug in ArchiveItem.trades.through.objects.filter(
            archiveitem_id__in=item_ids
        ).values_list("archiveitem_id", "trade__slug"):
            slugs[item_id].add(slug)
    return {item_id: sorted(values) for item_id, values in slugs.items()}


def items_titled(*, identifiers: list[str]) -> list[dict]:
    """pk, identifier, title, latitude, longitude of the public items among `identifiers`."""
    if not identifiers:
        return []
    return list(
        public_items()
        .filter(identifier__in=identifiers)
        .values("pk", "identifier", "title", "latitude", "longitude")
    )
