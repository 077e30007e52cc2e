"""The query contract's conformance suite: one corpus and the cases every engine must pass.

Run by the tests against each engine (tests/search/test_conformance.py) and by
`manage.py search_selftest` against the configured one, on a real cluster before traffic
arrives. The corpus is built with the ORM and archive.services only (no test factories: the
command runs where they are not installed), always inside a transaction that the caller rolls
back.

The corpus: visible items about weaving, spinning, iron and steel and mining in France and
Belgium, and the same number of hidden ones (draft, submitted, rejected, withdrawn,
members-only, restricted, under embargo, consent for research only, consent withdrawn), every
hidden one carrying the word "clandestin", the trade Verrier, the tag "secret" and a place
(Marseille, Provence) that no visible item has. Scores are engine-specific: sets are compared,
order only where it is unambiguous. A case raises AssertionError when the engine fails it.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from wagtail.models import Collection, Locale

from archive import services
from archive.models import ArchiveItem, Consent, Member, Trade, TranscriptSegment
from search.contract import FACETS, ArchiveQuery, BoundingBox, Sort

TRADES = {
    # slug: (parent slug, {language: label})
    "textile": (None, {"fr": "Textile", "en": "Textiles", "de": "Textil", "nl": "Textiel"}),
    "tisserand": ("textile", {"fr": "Tisserand", "en": "Weaver", "de": "Weber", "nl": "Wever"}),
    "fileur": ("textile", {"fr": "Fileur", "en": "Spinner", "de": "Spinner", "nl": "Spinner"}),
    "mines": (None, {"fr": "Mines", "en": "Mining", "de": "Bergbau", "nl": "Mijnbouw"}),
    "mineur": ("mines", {"fr": "Mineur", "en": "Miner", "de": "Bergmann", "nl": "Mijnwerker"}),
    "verrier": (
        None,
        {"fr": "Verrier", "en": "Glassmaker", "de": "Glasmacher", "nl": "Glasblazer"},
    ),
}
ROUBAIX = {
    "commune": "Roubaix",
    "region": "Hauts-de-France",
    "country": "FR",
    "latitude": Decimal("50.694200"),
    "longitude": Decimal("3.170200"),
}
LILLE = {
    **ROUBAIX,
    "commune": "Lille",
    "latitude": Decimal("50.629300"),
    "longitude": Decimal("3.057300"),
}
FLORANGE = {
    "commune": "Florange",
    "region": "Grand Est",
    "country": "FR",
    "latitude": Decimal("49.324000"),
    "longitude": Decimal("6.120000"),
}
CHARLEROI = {
    "commune": "Charleroi",
    "region": "Wallonie",
    "country": "BE",
    "latitude": Decimal("50.410800"),
    "longitude": Decimal("4.444600"),
}
MARSEILLE = {
    "commune": "Marseille",
    "region": "Provence",
    "country": "FR",
    "latitude": Decimal("43.296500"),
    "longitude": Decimal("5.369800"),
}
HIDDEN_WORD = "clandestin"
# Slugs are unique: a site's own vocabulary (its "tisserand") stays out of the way.
SLUG_PREFIX = "conformance-"


def build_trades() -> dict[str, Trade]:
    """The trades in the five locales, as wagtail-localize keeps them: one row per locale
    sharing a translation key, each pointing to its parent of the same locale."""
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    rows: dict[tuple[str, str], Trade] = {}
    for slug, (parent, labels) in TRADES.items():
        source = Trade.objects.create(
            name=labels["fr"], slug=f"{SLUG_PREFIX}{slug}", locale=locales["fr"],
            parent=rows[(parent, "fr")] if parent else None,
        )  # fmt: skip
        rows[(slug, "fr")] = source
        for code, locale in locales.items():
            if code == "fr":
                continue
            rows[(slug, code)] = Trade.objects.create(
                name=labels.get(code, labels["fr"]),
                slug=f"{SLUG_PREFIX}{slug}",
                locale=locale,
                translation_key=source.translation_key,
                parent=rows[(parent, code)] if parent else None,
            )
    return {f"{slug}:{code}": row for (slug, code), row in rows.items()}


def _institution(code: str, name: str):
    member = Member.objects.create(
        name=name, slug=f"{SLUG_PREFIX}{code.lower()}", commune="Roubaix", region="Hauts-de-France"
    )
    return services.institution_setup(member=member, code=code)


_numbers = itertools.count(1)


def _item(institution, *, trades=(), tags=(), consent=None, **fields) -> ArchiveItem:
    """An item straight in the given state (published and public unless told otherwise);
    `consent` (a dict of Consent fields) gives an oral history its consent."""
    values = {
        "identifier": f"FAB-{institution.code}-{next(_numbers):04d}",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "access": ArchiveItem.Access.PUBLIC,
        "rights": ArchiveItem.Rights.CC_BY,
        "published_at": timezone.now(),
        "summary": "",
        **fields,
    }
    if values["status"] != ArchiveItem.Status.PUBLISHED:
        values["published_at"] = None
    item = ArchiveItem.objects.create(institution=institution, **values)
    if trades:
        item.trades.set(trades)
    if tags:
        item.tags.add(*tags)
    if consent is not None:
        Consent.objects.create(
            item=item,
            **{"consent_date": datetime.date(2023, 11, 14), "scope": Consent.Scope.PUBLIC_WEB}
            | consent,
        )
    item.save()  # modelcluster keeps tags in memory until the item is saved
    return item


def _oral_history(institution, *, consent=None, **fields) -> ArchiveItem:
    return _item(
        institution,
        kind=ArchiveItem.Kind.ORAL_HISTORY,
        narrators="Jeannine D.",
        language="fr",
        consent=consent or {},
        **fields,
    )


def build_corpus() -> SimpleNamespace:
    """Create the corpus (in the caller's transaction, which rolls it back)."""
    if Collection.get_first_root_node() is None:
        # Wagtail's migrations make the root collection; the SQLite run skips migrations.
        Collection.add_root(name="Root")
    trades = build_trades()
    fr = {slug: trades[f"{slug}:fr"] for slug in TRADES}
    filature = _institution("FILA", "Filature Motte")
    forges = _institution("FORG", "Forges de l'Est")
    items: dict[str, ArchiveItem] = {}

    def published(key, make=_item, *, trades=(), institution=filature, **fields):
        items[key] = make(institution, trades=[fr[slug] for slug in trades], **fields)
        return items[key]

    published(
        "weavers_room",
        title="Salle de tissage, métiers Jacquard",
        summary="Les ouvrières surveillent les métiers dans le bruit des navettes.",
        trades=["tisserand"], tags=["tissage", "femmes"], year_from=1950, year_to=1955, **ROUBAIX,
    )  # fmt: skip
    published(
        "weaving_gesture",
        kind=ArchiveItem.Kind.SAVOIR_FAIRE,
        title="Nouer un fil cassé",
        summary="Le geste du rattachage, filmé à l'atelier pédagogique.",
        techniques="Nœud de tisserand",
        trades=["tisserand"], tags=["tissage"], year_from=2021, year_to=2021, **LILLE,
    )  # fmt: skip
    published(
        "portrait",
        title="Portrait d'un tisserand",
        summary="Un ouvrier pose devant la porte de l'usine.",
        date=datetime.date(1938, 6, 1),
        **{**ROUBAIX, "latitude": None, "longitude": None},
    )  # fmt: skip
    published(
        "spinning",
        title="La filature de coton",
        summary="Les continus à filer de la salle basse.",
        trades=["fileur"], year_from=1962, year_to=1964, **LILLE,
    )  # fmt: skip
    published(
        "steelworks",
        title="La sidérurgie lorraine",
        summary="Les hauts fourneaux de Florange en activité.",
        institution=forges, year_from=1960, year_to=1975, tags=["femmes"], **FLORANGE,
    )  # fmt: skip
    published(
        "mine",
        title="Remontée du puits",
        summary="Une équipe remonte du fond.",
        institution=forges, trades=["mineur"], date=datetime.date(1932, 5, 1), **CHARLEROI,
    )  # fmt: skip
    published(
        "script",
        title="Carnet d'atelier",
        summary='<script>alert("x")</script> noté par un tisserand & son fils',
        year_from=1990, year_to=1999, **ROUBAIX,
    )  # fmt: skip
    interview = published(
        "interview",
        _oral_history,
        title="Souvenirs de Jeannine",
        summary="Quarante ans dans l'industrie.",
        trades=["tisserand"], year_from=1952, year_to=1968, **ROUBAIX,
    )  # fmt: skip
    for position, start_ms, text in [
        (1, 3000, "Je suis entrée à quatorze ans."),
        (2, 754000, "Les métiers à tisser faisaient un vacarme terrible."),
        (3, None, "Un vacarme sans minutage."),
    ]:
        TranscriptSegment.objects.create(
            item=interview, position=position, start_ms=start_ms, speaker="Jeannine D.", text=text
        )
    interview.save()
    published(
        "past_embargo",
        _oral_history,
        title="Mémoires de mineur",
        summary="Entretien libre de diffusion depuis la fin de l'embargo.",
        institution=forges, trades=["mineur"], consent={"embargo_until": datetime.date(2000, 1, 1)},
        **CHARLEROI,
    )  # fmt: skip

    hidden: dict[str, ArchiveItem] = {}
    secret = {
        "title": f"Atelier {HIDDEN_WORD}",
        "summary": f"Un verrier {HIDDEN_WORD}.",
        "trades": [fr["verrier"]],
        "tags": ["secret"],
        **MARSEILLE,
    }
    workshop = _institution("ATEL", "Atelier secret")
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        hidden[status] = _item(workshop, status=status, **secret)
    hidden["members_only"] = _item(filature, access=ArchiveItem.Access.MEMBERS, **secret)
    hidden["restricted"] = _item(filature, access=ArchiveItem.Access.RESTRICTED, **secret)
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    hidden["embargoed"] = _oral_history(filature, consent={"embargo_until": in_a_month}, **secret)
    hidden["research_only"] = _oral_history(
        filature, consent={"scope": Consent.Scope.RESEARCH}, **secret
    )
    hidden["consent_withdrawn"] = _oral_history(
        filature, consent={"withdrawn_at": timezone.now()}, **secret
    )
    return SimpleNamespace(
        items=items, hidden=hidden, trades=trades, institutions={"FILA": filature, "FORG": forges}
    )  # fmt: skip


def index_corpus(engine, corpus) -> None:
    """Index the corpus's items (the hidden ones are left out by the engine, as always), and
    make them searchable at once."""
    engine.apply(
        upsert_ids=[item.pk for item in [*corpus.items.values(), *corpus.hidden.values()]],
        delete_ids=[],
    )
    if engine.name == "elasticsearch":
        engine.client.indices.refresh(index=engine.alias)


def ids(corpus, *keys) -> set[int]:
    return {corpus.items[key].pk for key in keys}


def found(engine, **query) -> set[int]:
    results = engine.search(ArchiveQuery(per_page=100, **query))
    assert results.total == len(results.hits), "every hit fits on one page here"
    return {hit.item_id for hit in results.hits}


def approx(value: float):
    """Equal to `value` within 1e-4 (coordinates in degrees)."""

    class Approx(float):
        def __eq__(self, other):
            return abs(other - value) <= 1e-4

        __hash__ = float.__hash__

    return Approx(value)


def facet(results, name) -> dict[str, int]:
    return {value.value: value.count for value in results.facets.get(name, [])}


ALL_VISIBLE = (
    "weavers_room", "weaving_gesture", "portrait", "spinning", "steelworks", "mine", "script",
    "interview", "past_embargo",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Case:
    """One conformance case: `run(engine, corpus)` raises AssertionError on failure."""

    name: str
    run: Callable


CASES: list[Case] = []


def case(function: Callable) -> Callable:
    CASES.append(Case(function.__name__, function))
    return function


def cases(name: str, values) -> Callable:
    """A case run once per value: `function(engine, corpus, value)`."""

    def register(function: Callable) -> Callable:
        for label, value in values:
            CASES.append(
                Case(
                    f"{name}[{label}]",
                    lambda engine, corpus, value=value: function(engine, corpus, value),
                )
            )
        return function

    return register


# --- Text ------------------------------------------------------------------------------


@case
def plain_text(engine, corpus):
    assert found(engine, text="fourneaux") == ids(corpus, "steelworks")
    assert found(engine, text="hauts fourneaux Florange") == ids(corpus, "steelworks")


@case
def every_word_must_match(engine, corpus):
    assert found(engine, text="fourneaux navettes") == set()


@case
def french_plural_finds_singular(engine, corpus):
    plural = found(engine, text="tisserands")
    # "Portrait d'un tisserand": the word itself, no trade attached.
    assert ids(corpus, "portrait") <= plural
    assert plural == found(engine, text="tisserand")


@case
def accents_are_optional(engine, corpus):
    assert found(engine, text="siderurgie") == ids(corpus, "steelworks")
    assert found(engine, text="SIDÉRURGIE") == ids(corpus, "steelworks")
    assert found(engine, text="metiers jacquard") == ids(corpus, "weavers_room")


@case
def function_words_do_not_have_to_match(engine, corpus):
    assert found(engine, text="la sidérurgie de la Lorraine") == ids(corpus, "steelworks")


@cases(
    "trade_labels_in_every_language", [(w, w) for w in ("weaver", "Weber", "wever", "Tisserand")]
)
def trade_labels_in_every_language(engine, corpus, word):
    weaving = ids(corpus, "weavers_room", "weaving_gesture", "interview")
    result = found(engine, text=word)
    assert weaving <= result
    assert not result & ids(corpus, "spinning", "steelworks", "mine")


@case
def broader_trade_label_finds_narrower_trades(engine, corpus):
    textile = ids(corpus, "weavers_room", "weaving_gesture", "interview", "spinning")
    assert found(engine, text="Textile") == textile
    assert found(engine, text="Textil") == textile


@case
def transcript_text_and_moments(engine, corpus):
    results = engine.search(ArchiveQuery(text="vacarme"))
    assert [hit.item_id for hit in results.hits] == [corpus.items["interview"].pk]
    (moment,) = results.hits[0].moments  # the untimed segment gives no moment
    assert moment.start == 754.0
    assert "<mark>vacarme</mark>" in moment.snippet


@case
def snippets_are_escaped_and_marked(engine, corpus):
    results = engine.search(ArchiveQuery(text="carnet tisserand fils"))
    (hit,) = results.hits
    assert hit.item_id == corpus.items["script"].pk
    assert "<mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


# --- Filters ---------------------------------------------------------------------------


@case
def trade_includes_narrower_trades(engine, corpus):
    textile = corpus.trades["textile:fr"].pk
    assert found(engine, trades=(textile,)) == ids(
        corpus, "weavers_room", "weaving_gesture", "interview", "spinning"
    )


@case
def trade_given_in_any_language(engine, corpus):
    weaver_en = corpus.trades["tisserand:en"].pk
    weaver_fr = corpus.trades["tisserand:fr"].pk
    weaving = ids(corpus, "weavers_room", "weaving_gesture", "interview")
    assert found(engine, trades=(weaver_en,)) == weaving
    assert found(engine, trades=(weaver_fr,), text="jacquard") == ids(corpus, "weavers_room")


@case
def several_trades_are_alternatives(engine, corpus):
    trades = (corpus.trades["fileur:de"].pk, corpus.trades["mines:fr"].pk)
    assert found(engine, trades=trades) == ids(corpus, "spinning", "mine", "past_embargo")


@cases(
    "place",
    [
        (",".join(f"{key}={value}" for key, value in place.items()), (place, expected))
        for place, expected in [
            ({"commune": "Roubaix"}, ("weavers_room", "portrait", "script", "interview")),
            ({"commune": "roubaix"}, ("weavers_room", "portrait", "script", "interview")),
            ({"region": "Grand Est"}, ("steelworks",)),
            ({"region": "hauts-de-france", "commune": "Lille"}, ("weaving_gesture", "spinning")),
            ({"country": "BE"}, ("mine", "past_embargo")),
        ]
    ],
)
def place(engine, corpus, value):
    place, expected = value
    assert found(engine, **place) == ids(corpus, *expected)


@case
def bounding_box(engine, corpus):
    metropole_lilloise = BoundingBox(south=50.5, west=2.9, north=50.8, east=3.3)
    # The portrait has a commune but no coordinates: not on the map.
    assert found(engine, bbox=metropole_lilloise) == ids(
        corpus, "weavers_room", "weaving_gesture", "spinning", "script", "interview"
    )


@case
def period_overlap(engine, corpus):
    assert found(engine, year_from=1955, year_to=1961) == ids(
        corpus, "weavers_room", "steelworks", "interview"
    )
    assert found(engine, year_to=1940) == ids(corpus, "portrait", "mine")
    assert found(engine, year_from=1995) == ids(corpus, "weaving_gesture", "script")


@case
def kind_and_institution(engine, corpus):
    assert found(engine, kinds=("oral_history",)) == ids(corpus, "interview", "past_embargo")
    assert found(engine, institutions=("FORG",)) == ids(
        corpus, "steelworks", "mine", "past_embargo"
    )
    assert found(engine, kinds=("photo", "savoir_faire"), institutions=("FORG",)) == ids(
        corpus, "steelworks", "mine"
    )


@case
def tags_are_all_required(engine, corpus):
    assert found(engine, tags=("tissage",)) == ids(corpus, "weavers_room", "weaving_gesture")
    assert found(engine, tags=("tissage", "femmes")) == ids(corpus, "weavers_room")


@case
def unknown_filter_values_match_nothing(engine, corpus):
    assert found(engine, trades=(987654,)) == set()
    assert found(engine, commune="Atlantis") == set()
    assert found(engine, kinds=("statue",)) == set()
    assert found(engine, tags=("nulle-part",)) == set()
    # A place made only of what gets stripped is no place, not "items without a place".
    assert found(engine, country="\x00") == set()
    assert found(engine, commune="  ") == set()


# --- Facets, pagination, sorting, map --------------------------------------------------


@case
def facet_counts_are_exact_over_the_whole_result(engine, corpus):
    results = engine.search(ArchiveQuery(per_page=1))
    assert results.total == len(ALL_VISIBLE)
    assert set(results.facets) == set(FACETS)
    trade = {key: corpus.trades[f"{key}:fr"].pk for key in TRADES}
    assert facet(results, "trade") == {
        str(trade["textile"]): 4, str(trade["tisserand"]): 3, str(trade["fileur"]): 1,
        str(trade["mines"]): 2, str(trade["mineur"]): 2,
    }  # fmt: skip
    assert facet(results, "kind") == {"photo": 6, "savoir_faire": 1, "oral_history": 2}
    assert facet(results, "region") == {"Hauts-de-France": 6, "Grand Est": 1, "Wallonie": 2}
    assert facet(results, "commune") == {
        "Roubaix": 4,
        "Lille": 2,
        "Florange": 1,
        "Charleroi": 2,
    }
    assert facet(results, "institution") == {"FILA": 6, "FORG": 3}
    assert facet(results, "tag") == {"tissage": 2, "femmes": 2}
    assert facet(results, "decade") == {
        "1930": 2, "1950": 2, "1960": 3, "1970": 1, "1990": 1, "2020": 1,
    }  # fmt: skip


@case
def facets_follow_the_filters_and_describe_values(engine, corpus):
    weaver = corpus.trades["tisserand:en"].pk
    results = engine.search(ArchiveQuery(trades=(weaver,), language="en"))
    trades = {value.label: value for value in results.facets["trade"]}
    assert set(trades) == {"Textiles", "Weaver"}
    assert trades["Weaver"].parent == trades["Textiles"].value
    assert trades["Weaver"].selected and trades["Weaver"].count == 3
    assert facet(results, "commune") == {"Roubaix": 2, "Lille": 1}
    communes = {value.value: value for value in results.facets["commune"]}
    assert communes["Lille"].parent == "Hauts-de-France"
    kinds = {value.value: value.label for value in results.facets["kind"]}
    assert kinds["oral_history"] == "Oral history"


@case
def pagination(engine, corpus):
    pages = [engine.search(ArchiveQuery(per_page=4, page=page)) for page in (1, 2, 3, 4)]
    assert [page.total for page in pages] == [len(ALL_VISIBLE)] * 4
    assert [len(page.hits) for page in pages] == [4, 4, 1, 0]
    seen = [hit.item_id for page in pages for hit in page.hits]
    assert len(seen) == len(set(seen)) == len(ALL_VISIBLE)
    assert set(seen) == ids(corpus, *ALL_VISIBLE)


@case
def sorting_by_date(engine, corpus):
    oldest = engine.search(ArchiveQuery(sort=Sort.OLDEST, per_page=3))
    assert [hit.item_id for hit in oldest.hits][:2] == [
        corpus.items["mine"].pk,
        corpus.items["portrait"].pk,
    ]
    newest = engine.search(ArchiveQuery(sort=Sort.NEWEST, per_page=2))
    assert [hit.item_id for hit in newest.hits] == [
        corpus.items["weaving_gesture"].pk,
        corpus.items["script"].pk,
    ]


@case
def relevance_puts_title_matches_first(engine, corpus):
    results = engine.search(ArchiveQuery(text="filature"))
    assert results.hits[0].item_id == corpus.items["spinning"].pk


@case
def map_clusters(engine, corpus):
    results = engine.search(ArchiveQuery(map_zoom=3))
    located = len(ALL_VISIBLE) - 1  # the portrait has no coordinates
    assert sum(cluster.count for cluster in results.clusters) == located
    detailed = engine.search(ArchiveQuery(map_zoom=14, commune="Florange"))
    (steelworks,) = detailed.clusters
    assert steelworks.count == 1
    assert steelworks.identifier == corpus.items["steelworks"].identifier
    assert steelworks.latitude == approx(49.324)
    assert steelworks.longitude == approx(6.12)
    # Lille and Roubaix are 9 km apart: one cluster at zoom 7, two at zoom 12.
    metropole = ArchiveQuery(region="Hauts-de-France", kinds=("photo",))
    wide = engine.search(dataclasses.replace(metropole, map_zoom=7))
    close = engine.search(dataclasses.replace(metropole, map_zoom=12))
    assert [cluster.count for cluster in wide.clusters] == [3]
    assert sorted(cluster.count for cluster in close.clusters) == [1, 2]


@case
def suggest(engine, corpus):
    assert engine.suggest(field="trade", prefix="tiss", language="fr") == ["Tisserand"]
    assert engine.suggest(field="trade", prefix="WEA", language="en") == ["Weaver"]
    assert engine.suggest(field="trade", prefix="min", language="fr") == ["Mines", "Mineur"]
    assert engine.suggest(field="place", prefix="rou", language="fr") == ["Roubaix"]
    assert engine.suggest(field="place", prefix="france", language="fr") == ["Hauts-de-France"]
    assert engine.suggest(field="place", prefix="", language="fr") == []


# --- Only what may be seen -------------------------------------------------------------


@case
def hidden_items_never_in_hits(engine, corpus):
    assert len(corpus.hidden) == 9
    assert found(engine, text=HIDDEN_WORD) == set()
    assert found(engine, region="Provence") == set()
    assert found(engine, trades=(corpus.trades["verrier:fr"].pk,)) == set()
    assert found(engine, tags=("secret",)) == set()
    everything = engine.search(ArchiveQuery(per_page=100))
    assert {hit.item_id for hit in everything.hits} == ids(corpus, *ALL_VISIBLE)


@case
def hidden_items_never_in_facets_clusters_or_suggestions(engine, corpus):
    results = engine.search(ArchiveQuery(map_zoom=10, per_page=1))
    verrier = str(corpus.trades["verrier:fr"].pk)
    assert verrier not in facet(results, "trade")
    assert "Provence" not in facet(results, "region")
    assert "Marseille" not in facet(results, "commune")
    assert "secret" not in facet(results, "tag")
    assert all(cluster.latitude > 45 for cluster in results.clusters)
    assert engine.suggest(field="trade", prefix="verr", language="fr") == []
    assert engine.suggest(field="place", prefix="mars", language="fr") == []
    assert engine.suggest(field="place", prefix="prov", language="fr") == []


# --- Hostile input ---------------------------------------------------------------------

HOSTILE_TEXTS = [
    "tisserand " * 500,
    "tisser\x00and",
    '"tisserand" AND (mines OR *) -steel ~2 ^3 field:value \\ / [1 TO 5] {} <b>&amp;',
    "' OR 1=1; DROP TABLE search_searchentry; --",
    "!!! ??? ...",
    "日本語 العربية ελληνικά",
]


@cases("hostile_text_returns_without_error", [(repr(t[:24]), t) for t in HOSTILE_TEXTS])
def hostile_text_returns_without_error(engine, corpus, text):
    query = ArchiveQuery(text=text, map_zoom=5)
    results = engine.search(query)
    assert len(results.hits) == min(results.total, query.per_page)
    assert all("<script" not in hit.snippet for hit in results.hits)


@case
def hostile_filters_return_without_error(engine, corpus):
    results = engine.search(
        ArchiveQuery(
            commune="Rou\x00baix", region="'; --", country="\x00", tags=("\x00",),
            kinds=("\x00",), institutions=("' OR '1'='1",), page=10_000,
        )
    )  # fmt: skip
    assert results.total == 0
    assert engine.search(ArchiveQuery(page=10_000)).hits == []
    assert engine.search(ArchiveQuery(page=10_000)).total == len(ALL_VISIBLE)
    assert engine.suggest(field="trade", prefix="\x00' OR 1=1", language="fr") == []
    assert engine.suggest(field="nonsense", prefix="tiss", language="fr") == []
    for wildcard in ("*", "?", "%", "_", "\\", "r*x"):
        assert engine.suggest(field="place", prefix=wildcard, language="fr") == []
