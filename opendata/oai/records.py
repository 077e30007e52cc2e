"""What the repository holds, in harvest order: the public items (live records) and the items
that left the public site after being exposed (deleted records), one sequence ordered by
(datestamp, item pk).

Pages are cut by keyset, `(datestamp, pk) > (last datestamp, last pk)`, never by OFFSET, so
the thousandth page costs what the first does. A live record's datestamp is the later of the
item's last change and the moment it last became public (opendata.oai.exposure); a deleted
record's is the moment the item left.
"""

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from archive.models import ArchiveItem, ItemImage, SavoirFaireStep
from opendata.models import ExposedItem
from opendata.oai import sets as oai_sets


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
    trades: list[oai_sets.TradeRef] = field(default_factory=list)  # ordered by pk
    image_ids: list[int] = field(default_factory=list)  # images, then steps' images

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def rights_uri(self) -> str:
        return ArchiveItem.RIGHTS_URIS.get(self.rights, "")


# The item's own columns, read in ItemData's order (its fields before `institution_code`).
_NAMES = [column.name for column in fields(ItemData)]
ITEM_FIELDS = tuple(_NAMES[: _NAMES.index("institution_code")])


@dataclass
class Record:
    """One record of a response: a header, and the item when it is live."""

    identifier: str  # the item's identifier (not yet the OAI one)
    pk: int
    datestamp: datetime.datetime
    sets: list[str]
    item: ItemData | None = None  # None for a deleted record or a header only
    trade_labels: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
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


def _array(qs, column: str) -> ArraySubquery:
    """The values of `column` of the rows of `qs` about the outer item, in qs's order."""
    return ArraySubquery(qs.values(column))


def _items(ids: list[int], *, with_items: bool) -> dict:
    """pk -> (identifier, item, set specs, trade labels by translation key) for the live
    records of a page, in two queries whatever the page size: the items with their trades and
    images (as arrays), and the vocabulary of trades."""
    if not ids:
        return {}
    vocabulary = oai_sets.Vocabulary()
    trades = _array(
        ArchiveItem.trades.through.objects.filter(archiveitem_id=OuterRef("pk")).order_by(
            "trade_id"
        ),
        "trade_id",
    )
    qs = ArchiveItem.objects.filter(pk__in=ids).order_by().annotate(trade_ids=trades)
    if not with_items:
        rows = qs.values_list("pk", "identifier", "institution__code", "kind", "trade_ids")
        specs = oai_sets.item_set_specs(
            items=[(pk, code, kind) for pk, _identifier, code, kind, _trades in rows],
            trade_ids={row[0]: row[4] for row in rows},
            vocabulary=vocabulary,
        )
        return {row[0]: (row[1], None, specs[row[0]], {}) for row in rows}
    images = _array(
        ItemImage.objects.filter(item_id=OuterRef("pk")).order_by("sort_order", "pk"), "image_id"
    )
    steps = _array(
        SavoirFaireStep.objects.filter(item_id=OuterRef("pk"), image__isnull=False).order_by(
            "sort_order", "pk"
        ),
        "image_id",
    )
    rows = qs.annotate(image_ids=images, step_image_ids=steps).values_list(
        *ITEM_FIELDS,
        "institution__code",
        "institution__member__name",
        "media__kind",
        "trade_ids",
        "image_ids",
        "step_image_ids",
    )
    items, trade_ids = {}, {}
    known = vocabulary.trade
    for *columns, item_trades, item_images, step_images in rows:
        item = ItemData(*columns)
        item.trades = [known[pk] for pk in item_trades if pk in known]
        item.image_ids = list(dict.fromkeys(item_images + step_images))
        items[item.pk] = item
        trade_ids[item.pk] = item_trades
    keys = [(pk, item.institution_code, item.kind) for pk, item in items.items()]
    specs = oai_sets.item_set_specs(items=keys, trade_ids=trade_ids, vocabulary=vocabulary)
    labels = vocabulary.labels
    return {pk: (item.identifier, item, specs[pk], labels) for pk, item in items.items()}
