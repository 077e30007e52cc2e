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

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from archive.models import ArchiveItem, ItemImage, SavoirFaireStep, Trade
from opendata.models import ExposedItem
from opendata.oai import sets as oai_sets


@dataclass
class Record:
    """One record of a response: a header, and the item when it is live."""

    identifier: str  # the item's identifier (not yet the OAI one)
    pk: int
    datestamp: datetime.datetime
    sets: list[str]
    item: ArchiveItem | None = None
    trade_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        return self.item is None


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
            records.append(Record(row.identifier, pk, stamp, row.sets))
        else:
            item, specs, labels = items[pk]
            records.append(Record(item.identifier, pk, stamp, specs, item, labels))
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
        item, specs, labels = _items([pk], with_items=True)[pk]
        return Record(item.identifier, pk, stamp, specs, item, labels)
    row = gone(Selection(), now=now).filter(identifier=identifier).order_by("-left_at").first()
    if row:
        return Record(row.identifier, row.item_id, row.left_at, row.sets)
    return None


def _items(ids: list[int], *, with_items: bool) -> dict:
    """pk -> (item, set specs, trade labels by trade) for the live records of a page, in a
    fixed number of queries whatever the page size."""
    if not ids:
        return {}
    qs = ArchiveItem.objects.filter(pk__in=ids).select_related("institution")
    if with_items:
        qs = qs.select_related("institution__member", "media").prefetch_related(
            Prefetch("trades", queryset=Trade.objects.order_by("pk")),
            Prefetch(
                "images",
                queryset=ItemImage.objects.select_related("image").order_by("sort_order"),
            ),
            Prefetch(
                "steps",
                queryset=SavoirFaireStep.objects.filter(image__isnull=False)
                .select_related("image")
                .order_by("sort_order"),
            ),
        )
    items = list(qs)
    trade_ids = oai_sets.item_trade_ids(item_ids=ids)
    specs = oai_sets.item_set_specs(
        items=items, trade_ids=trade_ids, vocabulary=oai_sets.Vocabulary()
    )
    labels = _trade_labels(items) if with_items else {}
    return {item.pk: (item, specs[item.pk], labels) for item in items}


def _trade_labels(items: list[ArchiveItem]) -> dict:
    """translation_key -> [(language, label)] for the trades of these items, every language
    the vocabulary has."""
    keys = {trade.translation_key for item in items for trade in item.trades.all()}
    labels: dict = {}
    rows = Trade.objects.filter(translation_key__in=keys).order_by("locale__language_code")
    for key, language, name in rows.values_list("translation_key", "locale__language_code", "name"):
        labels.setdefault(key, []).append((language, name))
    return labels
