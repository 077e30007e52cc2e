"""What the repository holds, in harvest order: the public items (live records) and the items
that left the public site after being exposed (deleted records), one sequence ordered by
(datestamp, item pk).

Pages are cut by keyset, `(datestamp, pk) > (last datestamp, last pk)`, never by OFFSET, so
the thousandth page costs what the first does. A live record's datestamp is the later of the
item's last change and the moment it last became public (opendata.oai.exposure); a deleted
record's is the moment the item left.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from archive.models import ArchiveItem, ItemImage, SavoirFaireStep, Trade
from opendata.models import ExposedItem
from opendata.oai import sets as oai_sets

ITEM_FIELDS = (
    "pk",
    "identifier",
    "kind",
    "title",
    "summary",
    "description",
    "language",
    "date",
    "year_from",
    "year_to",
    "place_name",
    "commune",
    "region",
    "country",
    "geonames_id",
    "wikidata_id",
    "latitude",
    "longitude",
    "narrators",
    "interviewers",
    "inventory_number",
    "rights",
    "credit_line",
)


class TradeRef(NamedTuple):
    pk: int
    translation_key: str
    aat_id: str
    wikidata_id: str


@dataclass(slots=True)
class ItemData:
    """What the metadata writers read of an item, loaded with `.values()`: a page of records
    builds no model instance (that, and not the XML, was where a page's time went)."""

    pk: int
    identifier: str
    kind: str
    title: str
    summary: str
    description: str
    language: str
    date: datetime.date | None
    year_from: int | None
    year_to: int | None
    place_name: str
    commune: str
    region: str
    country: str
    geonames_id: str
    wikidata_id: str
    latitude: Decimal | None
    longitude: Decimal | None
    narrators: str
    interviewers: str
    inventory_number: str
    rights: str
    credit_line: str
    institution_code: str = ""
    publisher: str = ""  # the institution's member's name
    media_kind: str | None = None
    trades: list[TradeRef] = field(default_factory=list)  # ordered by pk
    image_ids: list[int] = field(default_factory=list)  # images, then steps' images

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def rights_uri(self) -> str:
        return ArchiveItem.RIGHTS_URIS.get(self.rights, "")


@dataclass
class Record:
    """One record of a response: a header, and the item when it is live."""

    identifier: str  # the item's identifier (not yet the OAI one)
    pk: int
    datestamp: datetime.datetime
    sets: list[str]
    item: ItemData | None = None  # None for a deleted record or a header only
    trade_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    deleted: bool = False


@dataclass(frozen=True)
class Selection:
    """What a list request asks for: a set and a datestamp range (`until` exclusive)."""

    set_spec: str = ""
    since: datetime.datetime | None = None
    before: datetime.datetime | None = None


def _datestamp():
    return Greatest(F("updated_at"), Coalesce(F("oai_exposure__since"), F("updated_at")))


def _public(now) -> QuerySet[ArchiveItem]:
    return ArchiveItem.objects.public(now=now)


def live(selection: Selection, *, now=None) -> QuerySet[ArchiveItem]:
    qs = _public(now).annotate(datestamp=_datestamp())
    if selection.set_spec:
        qs = qs.filter(oai_sets.item_condition(selection.set_spec))
    return _stamped(qs, "datestamp", selection)


def gone(selection: Selection, *, now=None) -> QuerySet[ExposedItem]:
    still_public = _public(now).filter(pk=OuterRef("item_id"))
    qs = ExposedItem.objects.filter(left_at__isnull=False).filter(~Exists(still_public))
    if selection.set_spec:
        qs = qs.filter(oai_sets.recorded_condition(selection.set_spec))
    return _stamped(qs, "left_at", selection)


def count(selection: Selection, *, now=None) -> int:
    return live(selection, now=now).count() + gone(selection, now=now).count()


def earliest_datestamp(*, now=None) -> datetime.datetime | None:
    """A lower bound of every datestamp, as Identify promises: no live record is older than
    its item's last change, and no deleted record than its item's departure."""
    stamps = [
        _public(now).order_by("updated_at").values_list("updated_at", flat=True).first(),
        gone(Selection(), now=now).order_by("left_at").values_list("left_at", flat=True).first(),
    ]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return min(stamps) if stamps else None


def _after(stamp_field: str, pk_field: str, after) -> Q:
    """Keyset condition `(stamp, pk) > after`; the redundant `stamp >= …` lets the database
    start its index scan at the key instead of reading every row before it."""
    stamp, pk = after
    return Q(**{f"{stamp_field}__gte": stamp}) & (
        Q(**{f"{stamp_field}__gt": stamp}) | Q(**{stamp_field: stamp, f"{pk_field}__gt": pk})
    )


def _stamped(qs, stamp_field: str, selection: Selection):
    if selection.since:
        qs = qs.filter(**{f"{stamp_field}__gte": selection.since})
    if selection.before:
        qs = qs.filter(**{f"{stamp_field}__lt": selection.before})
    return qs


def page(
    selection: Selection,
    *,
    after: tuple[datetime.datetime, int] | None,
    size: int,
    with_items: bool,
    now=None,
) -> tuple[list[Record], bool]:
    """Up to `size` records after the key `after`, and whether more follow.

    Three keyset streams merged: items whose datestamp is their last change (nearly all:
    walked along the index on (updated_at, id)), items whose datestamp is the moment they came
    back (`since`, a few), and deleted records (`left_at`). Each reads at most `size + 1` rows."""
    now = now or timezone.now()
    public = _public(now)
    if selection.set_spec:
        public = public.filter(oai_sets.item_condition(selection.set_spec))
    streams = [
        (
            public.filter(
                Q(oai_exposure__since__isnull=True) | Q(oai_exposure__since__lte=F("updated_at"))
            ),
            "updated_at",
            "pk",
        ),
        (public.filter(oai_exposure__since__gt=F("updated_at")), "oai_exposure__since", "pk"),
    ]
    keys = []
    for qs, stamp_field, pk_field in streams:
        qs = _stamped(qs, stamp_field, selection)
        if after is not None:
            qs = qs.filter(_after(stamp_field, pk_field, after))
        rows = qs.order_by(stamp_field, pk_field).values_list(stamp_field, pk_field)[: size + 1]
        keys += [(stamp, pk, False) for stamp, pk in rows]
    gone_qs = gone(selection, now=now)
    if after is not None:
        gone_qs = gone_qs.filter(_after("left_at", "item_id", after))
    tombstones = {
        row.item_id: row
        for row in gone_qs.order_by("left_at", "item_id").only(
            "item_id", "identifier", "set_specs", "left_at"
        )[: size + 1]
    }
    keys += [(row.left_at, row.item_id, True) for row in tombstones.values()]
    keys.sort(key=lambda key: (key[0], key[1]))
    more = len(keys) > size
    keys = keys[:size]
    live_ids = [pk for _stamp, pk, deleted in keys if not deleted]
    items = _items(live_ids, with_items=with_items)
    records = []
    for stamp, pk, deleted in keys:
        if deleted:
            row = tombstones[pk]
            records.append(Record(row.identifier, pk, stamp, row.sets, deleted=True))
        else:
            identifier, item, specs, labels = items[pk]
            records.append(Record(identifier, pk, stamp, specs, item, labels))
    return records, more


def one(identifier: str, *, now=None) -> Record | None:
    """The record of one item, live or deleted, or None when the repository never held it."""
    now = now or timezone.now()
    found = (
        live(Selection(), now=now)
        .filter(identifier=identifier)
        .values_list("pk", "datestamp")
        .first()
    )
    if found:
        pk, stamp = found
        identifier, item, specs, labels = _items([pk], with_items=True)[pk]
        return Record(identifier, pk, stamp, specs, item, labels)
    row = gone(Selection(), now=now).filter(identifier=identifier).order_by("-left_at").first()
    if row:
        return Record(row.identifier, row.item_id, row.left_at, row.sets, deleted=True)
    return None


def _items(ids: list[int], *, with_items: bool) -> dict:
    """pk -> (identifier, item, set specs, trade labels by translation key) for the live
    records of a page, in a fixed number of queries whatever the page size (three for headers,
    six for whole records)."""
    if not ids:
        return {}
    trade_ids: dict[int, list[int]] = {}
    if not with_items:
        rows = ArchiveItem.objects.filter(pk__in=ids).values_list(
            "pk", "identifier", "institution__code", "kind"
        )
        identifiers = {pk: identifier for pk, identifier, _code, _kind in rows}
        specs = oai_sets.item_set_specs(
            items=[(pk, code, kind) for pk, _identifier, code, kind in rows],
            trade_ids=oai_sets.item_trade_ids(item_ids=ids),
            vocabulary=oai_sets.Vocabulary(),
        )
        return {pk: (identifier, None, specs[pk], {}) for pk, identifier in identifiers.items()}
    rows = ArchiveItem.objects.filter(pk__in=ids).values_list(
        *ITEM_FIELDS, "institution__code", "institution__member__name", "media__kind"
    )
    items = {row[0]: ItemData(*row) for row in rows}
    through = (
        ArchiveItem.trades.through.objects.filter(archiveitem_id__in=ids)
        .order_by("trade_id")
        .values_list(
            "archiveitem_id",
            "trade_id",
            "trade__translation_key",
            "trade__aat_id",
            "trade__wikidata_id",
        )
    )
    for item_id, *trade in through:
        items[item_id].trades.append(TradeRef(*trade))
        trade_ids.setdefault(item_id, []).append(trade[0])
    for model, condition in ((ItemImage, {}), (SavoirFaireStep, {"image__isnull": False})):
        images = (
            model.objects.filter(item_id__in=ids, **condition)
            .order_by("sort_order", "pk")
            .values_list("item_id", "image_id")
        )
        for item_id, image_id in images:
            found = items[item_id].image_ids
            if image_id not in found:
                found.append(image_id)
    keys = [(pk, item.institution_code, item.kind) for pk, item in items.items()]
    specs = oai_sets.item_set_specs(
        items=keys, trade_ids=trade_ids, vocabulary=oai_sets.Vocabulary()
    )
    labels = _trade_labels({trade.translation_key for i in items.values() for trade in i.trades})
    return {pk: (item.identifier, item, specs[pk], labels) for pk, item in items.items()}


def _trade_labels(keys: set) -> dict:
    """translation_key -> [(language, label)] for these trades, every language the vocabulary
    has."""
    labels: dict = {}
    rows = Trade.objects.filter(translation_key__in=keys).order_by("locale__language_code")
    for key, language, name in rows.values_list("translation_key", "locale__language_code", "name"):
        labels.setdefault(key, []).append((language, name))
    return labels
