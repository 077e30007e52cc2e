"""OAI sets: by institution (`institution:<code>`), by kind (`kind:<kind>`) and by trade
(`trade:<slug>`). A trade set holds the items of that trade and of every narrower trade, so an
item belongs to the sets of its trades and of all their broader trades. The colon makes
`institution`, `kind` and `trade` parent sets, as the protocol's set hierarchy wants: `trade`
holds every item that has a trade."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from archive.models import ArchiveItem, Institution, Trade

INSTITUTION, KIND, TRADE = "institution", "kind", "trade"
FAMILIES = (INSTITUTION, KIND, TRADE)


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


class TradeRef(NamedTuple):
    pk: int
    translation_key: str
    aat_id: str
    wikidata_id: str


class Vocabulary:
    """The trades, their hierarchy and their labels in every language, read once per request
    in one query (a few hundred rows at most)."""

    def __init__(self):
        rows = list(
            Trade.objects.order_by("locale__language_code", "pk").values_list(
                "pk",
                "slug",
                "parent_id",
                "translation_key",
                "aat_id",
                "wikidata_id",
                "locale__language_code",
                "name",
            )
        )
        self.slug = {pk: slug for pk, slug, *_rest in rows}
        self.parent = {pk: parent for pk, _slug, parent, *_rest in rows}
        self.trade = {row[0]: TradeRef(row[0], *row[3:6]) for row in rows}
        # translation_key -> [(language, label)], by language
        self.labels: dict = {}
        self.children: dict[int, list[int]] = {}
        for pk, _slug, parent, key, _aat, _wikidata, language, name in rows:
            self.labels.setdefault(key, []).append((language, name))
            if parent is not None:
                self.children.setdefault(parent, []).append(pk)
        self.labels = {key: tuple(labels) for key, labels in self.labels.items()}

    def slugs_with_broader(self, trade_ids: Iterable[int]) -> set[str]:
        slugs = set()
        for pk in trade_ids:
            seen = set()
            while pk is not None and pk not in seen and pk in self.slug:
                seen.add(pk)
                slugs.add(self.slug[pk])
                pk = self.parent.get(pk)
        return slugs

    def ids_with_narrower(self, slug: str) -> set[int]:
        found = {pk for pk, value in self.slug.items() if value == slug}
        frontier = list(found)
        while frontier:
            frontier = [c for pk in frontier for c in self.children.get(pk, ()) if c not in found]
            found.update(frontier)
        return found


def item_set_specs(
    *,
    items: Iterable[tuple[int, str, str]],
    trade_ids: dict[int, list[int]],
    vocabulary: Vocabulary,
) -> dict[int, list[str]]:
    """The set specs of each item, given as (pk, institution code, kind); `trade_ids` maps an
    item's pk to the pks of its trades."""
    specs = {}
    for pk, institution_code, kind in items:
        slugs = vocabulary.slugs_with_broader(trade_ids.get(pk, ()))
        specs[pk] = [
            f"{INSTITUTION}:{institution_code}",
            f"{KIND}:{kind}",
            *(f"{TRADE}:{slug}" for slug in sorted(slugs)),
        ]
    return specs


def item_trade_ids(*, item_ids: Iterable[int]) -> dict[int, list[int]]:
    through = ArchiveItem.trades.through.objects.filter(archiveitem_id__in=list(item_ids))
    found: dict[int, list[int]] = {}
    for item_id, trade_id in through.values_list("archiveitem_id", "trade_id"):
        found.setdefault(item_id, []).append(trade_id)
    return found


def set_specs_of(*, item_ids: Iterable[int]) -> dict[int, list[str]]:
    """The set specs of these items, read from the database (three queries)."""
    item_ids = list(item_ids)
    items = ArchiveItem.objects.filter(pk__in=item_ids)
    items = items.values_list("pk", "institution__code", "kind")
    return item_set_specs(
        items=items, trade_ids=item_trade_ids(item_ids=item_ids), vocabulary=Vocabulary()
    )


def is_valid_spec(spec: str) -> bool:
    family, _sep, value = spec.partition(":")
    return family in FAMILIES and (not _sep or bool(value)) and " " not in spec


def item_condition(spec: str) -> Q:
    """Which archive items belong to the set `spec` (a valid one; unknown values match none)."""
    family, _sep, value = spec.partition(":")
    if family == INSTITUTION:
        return Q(institution__code=value) if value else Q()
    if family == KIND:
        return Q(kind=value) if value else Q()
    through = ArchiveItem.trades.through.objects.filter(archiveitem_id=OuterRef("pk"))
    if value:
        through = through.filter(trade_id__in=Vocabulary().ids_with_narrower(value))
    return Q(Exists(through))


def recorded_condition(spec: str) -> Q:
    """The same for the sets an ExposedItem row recorded (space-separated, space-surrounded)."""
    if ":" in spec:
        return Q(set_specs__contains=f" {spec} ")
    return Q(set_specs__contains=f" {spec}:")


def sets_all() -> list[OaiSet]:
    """Every set, named in the site's main language."""
    with translation.override(settings.LANGUAGE_CODE):
        found = [
            OaiSet(INSTITUTION, _("Institutions")),
            OaiSet(KIND, _("Kinds of record")),
            OaiSet(TRADE, _("Trades")),
        ]
        found += [
            OaiSet(f"{INSTITUTION}:{institution.code}", institution.member.name)
            for institution in Institution.objects.select_related("member").order_by("code")
        ]
        found += [
            OaiSet(f"{KIND}:{value}", str(label)) for value, label in ArchiveItem.Kind.choices
        ]
        names: dict[str, str] = {}
        trades = Trade.objects.select_related("locale").order_by("slug", "pk")
        for trade in trades:
            if trade.slug not in names or trade.locale.language_code == settings.LANGUAGE_CODE:
                names[trade.slug] = trade.name
        found += [OaiSet(f"{TRADE}:{slug}", name) for slug, name in sorted(names.items())]
    return found
