"""The query contract's conformance suite: the same cases against every engine.

- `database` runs on the suite's PostgreSQL (full-text search);
- `elasticsearch` runs on the osmem-server emulator, through the plain-JSON transport;
- the database engine on SQLite: `test_database_engine_on_sqlite` (tests/search/test_engines.py)
  runs this module's database cases again in a child pytest whose DATABASE_URL is SQLite.

One corpus is built per engine (class-scoped, rolled back afterwards): visible items about
weaving, spinning, iron and steel and mining in France and Belgium, and the same number of
hidden ones (draft, submitted, rejected, withdrawn, members-only, restricted, under embargo,
consent for research only, consent withdrawn), every hidden one carrying the word
"clandestin", the trade Verrier, the tag "secret" and a place (Marseille, Provence) that no
visible item has. Scores are engine-specific: sets are compared, order only where it is
unambiguous.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import Collection, Locale

import pytest

from archive.models import ArchiveItem, Consent, Trade
from search.contract import FACETS, ArchiveQuery, BoundingBox, Sort
from search.engines.database import DatabaseEngine
from tests.factories import TradeFactory
from tests.factories.archive import ArchiveItemFactory, InstitutionFactory, MemberFactory
from tests.factories.items import (
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)
from tests.search.conftest import drop_quietly, elasticsearch_engine_for

ENGINES = os.environ.get("FABRIQUE_CONFORMANCE_ENGINES", "database,elasticsearch").split(",")

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


def build_trades() -> dict[str, Trade]:
    """The trades in the five locales, as wagtail-localize keeps them: one row per locale
    sharing a translation key, each pointing to its parent of the same locale."""
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    rows: dict[tuple[str, str], Trade] = {}
    for slug, (parent, labels) in TRADES.items():
        source = TradeFactory(
            name=labels["fr"], slug=slug, locale=locales["fr"],
            parent=rows[(parent, "fr")] if parent else None,
        )  # fmt: skip
        rows[(slug, "fr")] = source
        for code, locale in locales.items():
            if code == "fr":
                continue
            rows[(slug, code)] = Trade.objects.create(
                name=labels.get(code, labels["fr"]),
                slug=slug,
                locale=locale,
                translation_key=source.translation_key,
                parent=rows[(parent, code)] if parent else None,
            )
    return {f"{slug}:{code}": row for (slug, code), row in rows.items()}


def build_corpus() -> SimpleNamespace:
    if Collection.get_first_root_node() is None:
        # Wagtail's migrations make the root collection; the SQLite run skips migrations.
        Collection.add_root(name="Root")
    trades = build_trades()
    fr = {slug: trades[f"{slug}:fr"] for slug in TRADES}
    filature = InstitutionFactory(code="FILA", member=MemberFactory(name="Filature Motte"))
    forges = InstitutionFactory(code="FORG", member=MemberFactory(name="Forges de l'Est"))
    items: dict[str, ArchiveItem] = {}

    def published(key, factory=PublishedItemFactory, *, trades=(), tags=(), **fields):
        fields.setdefault("institution", filature)
        fields.setdefault("summary", "")
        item = factory(trades=[fr[slug] for slug in trades], **fields)
        if tags:
            item.tags.add(*tags)
            item.save()  # modelcluster keeps tags in memory until the item is saved
        items[key] = item
        return item

    published(
        "weavers_room",
        title="Salle de tissage, métiers Jacquard",
        summary="Les ouvrières surveillent les métiers dans le bruit des navettes.",
        trades=["tisserand"], tags=["tissage", "femmes"], year_from=1950, year_to=1955, **ROUBAIX,
    )  # fmt: skip
    published(
        "weaving_gesture",
        factory=PublishedItemFactory,
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
        factory=PublishedOralHistoryFactory,
        title="Souvenirs de Jeannine",
        summary="Quarante ans dans l'industrie.",
        trades=["tisserand"], year_from=1952, year_to=1968, **ROUBAIX,
    )  # fmt: skip
    TranscriptSegmentFactory(
        item=interview, position=1, start_ms=3000, text="Je suis entrée à quatorze ans."
    )
    TranscriptSegmentFactory(
        item=interview,
        position=2,
        start_ms=754000,
        text="Les métiers à tisser faisaient un vacarme terrible.",
    )
    TranscriptSegmentFactory(
        item=interview, position=3, start_ms=None, text="Un vacarme sans minutage."
    )
    past_embargo = published(
        "past_embargo",
        factory=PublishedOralHistoryFactory,
        title="Mémoires de mineur",
        summary="Entretien libre de diffusion depuis la fin de l'embargo.",
        institution=forges, trades=["mineur"], **CHARLEROI,
    )  # fmt: skip
    Consent.objects.filter(item=past_embargo).update(embargo_until=datetime.date(2000, 1, 1))

    hidden: dict[str, ArchiveItem] = {}
    secret = {
        "title": f"Atelier {HIDDEN_WORD}",
        "summary": f"Un verrier {HIDDEN_WORD}.",
        **MARSEILLE,
    }

    def hide(key, factory=PublishedItemFactory, **fields):
        item = factory(trades=[fr["verrier"]], **{**secret, "institution": filature, **fields})
        item.tags.add("secret")
        item.save()
        hidden[key] = item
        return item

    # Made through archive.services, which numbers identifiers itself: another institution,
    # so that they never meet the factory's numbering.
    workshop = InstitutionFactory(code="ATEL", member=MemberFactory(name="Atelier secret"))
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        item = ArchiveItemFactory(institution=workshop, status=status, **secret)
        item.trades.set([fr["verrier"]])
        item.tags.add("secret")
        item.save()
        hidden[status] = item
    hide("members_only", access=ArchiveItem.Access.MEMBERS)
    hide("restricted", access=ArchiveItem.Access.RESTRICTED)
    hide(
        "embargoed",
        factory=PublishedOralHistoryFactory,
        consent__embargo_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    hide(
        "research_only", factory=PublishedOralHistoryFactory, consent__scope=Consent.Scope.RESEARCH
    )
    hide(
        "consent_withdrawn",
        factory=PublishedOralHistoryFactory,
        consent__withdrawn_at=timezone.now(),
    )
    return SimpleNamespace(
        items=items, hidden=hidden, trades=trades, institutions={"FILA": filature, "FORG": forges}
    )  # fmt: skip


@pytest.fixture(scope="class", params=ENGINES)
def engine_and_corpus(request, django_db_setup, django_db_blocker):
    """(engine, corpus): the corpus built in a transaction rolled back after the class, and
    indexed by the engine of this parameter."""
    with django_db_blocker.unblock(), transaction.atomic():
        corpus = build_corpus()
        if request.param == "database":
            engine = DatabaseEngine()
        else:
            server = request.getfixturevalue("search_server")
            server.start()
            engine = elasticsearch_engine_for(server)
        engine.rebuild()
        try:
            yield engine, corpus
        finally:
            if request.param == "elasticsearch":
                drop_quietly(engine)
            transaction.set_rollback(True)


@pytest.fixture
def engine(engine_and_corpus, db):
    return engine_and_corpus[0]


@pytest.fixture
def corpus(engine_and_corpus):
    return engine_and_corpus[1]


def ids(corpus, *keys) -> set[int]:
    return {corpus.items[key].pk for key in keys}


def found(engine, **query) -> set[int]:
    results = engine.search(ArchiveQuery(per_page=100, **query))
    assert results.total == len(results.hits), "every hit fits on one page here"
    return {hit.item_id for hit in results.hits}


def facet(results, name) -> dict[str, int]:
    return {value.value: value.count for value in results.facets.get(name, [])}


ALL_VISIBLE = (
    "weavers_room", "weaving_gesture", "portrait", "spinning", "steelworks", "mine", "script",
    "interview", "past_embargo",
)  # fmt: skip


class TestConformance:
    # --- Text ------------------------------------------------------------------------------

    def test_plain_text(self, engine, corpus):
        assert found(engine, text="fourneaux") == ids(corpus, "steelworks")
        assert found(engine, text="hauts fourneaux Florange") == ids(corpus, "steelworks")

    def test_every_word_must_match(self, engine, corpus):
        assert found(engine, text="fourneaux navettes") == set()

    def test_french_plural_finds_singular(self, engine, corpus):
        plural = found(engine, text="tisserands")
        # "Portrait d'un tisserand": the word itself, no trade attached.
        assert ids(corpus, "portrait") <= plural
        assert plural == found(engine, text="tisserand")

    def test_accents_are_optional(self, engine, corpus):
        assert found(engine, text="siderurgie") == ids(corpus, "steelworks")
        assert found(engine, text="SIDÉRURGIE") == ids(corpus, "steelworks")
        assert found(engine, text="metiers jacquard") == ids(corpus, "weavers_room")

    def test_function_words_do_not_have_to_match(self, engine, corpus):
        assert found(engine, text="la sidérurgie de la Lorraine") == ids(corpus, "steelworks")

    @pytest.mark.parametrize("word", ["weaver", "Weber", "wever", "Tisserand"])
    def test_trade_labels_in_every_language(self, engine, corpus, word):
        weaving = ids(corpus, "weavers_room", "weaving_gesture", "interview")
        result = found(engine, text=word)
        assert weaving <= result
        assert not result & ids(corpus, "spinning", "steelworks", "mine")

    def test_broader_trade_label_finds_narrower_trades(self, engine, corpus):
        textile = ids(corpus, "weavers_room", "weaving_gesture", "interview", "spinning")
        assert found(engine, text="Textile") == textile
        assert found(engine, text="Textil") == textile

    def test_transcript_text_and_moments(self, engine, corpus):
        results = engine.search(ArchiveQuery(text="vacarme"))
        assert [hit.item_id for hit in results.hits] == [corpus.items["interview"].pk]
        (moment,) = results.hits[0].moments  # the untimed segment gives no moment
        assert moment.start == 754.0
        assert "<mark>vacarme</mark>" in moment.snippet

    def test_snippets_are_escaped_and_marked(self, engine, corpus):
        results = engine.search(ArchiveQuery(text="carnet tisserand fils"))
        (hit,) = results.hits
        assert hit.item_id == corpus.items["script"].pk
        assert "<mark>" in hit.snippet
        assert "<script>" not in hit.snippet
        assert "&lt;script&gt;" in hit.snippet

    # --- Filters ---------------------------------------------------------------------------

    def test_trade_includes_narrower_trades(self, engine, corpus):
        textile = corpus.trades["textile:fr"].pk
        assert found(engine, trades=(textile,)) == ids(
            corpus, "weavers_room", "weaving_gesture", "interview", "spinning"
        )

    def test_trade_given_in_any_language(self, engine, corpus):
        weaver_en = corpus.trades["tisserand:en"].pk
        weaver_fr = corpus.trades["tisserand:fr"].pk
        weaving = ids(corpus, "weavers_room", "weaving_gesture", "interview")
        assert found(engine, trades=(weaver_en,)) == weaving
        assert found(engine, trades=(weaver_fr,), text="jacquard") == ids(corpus, "weavers_room")

    def test_several_trades_are_alternatives(self, engine, corpus):
        trades = (corpus.trades["fileur:de"].pk, corpus.trades["mines:fr"].pk)
        assert found(engine, trades=trades) == ids(corpus, "spinning", "mine", "past_embargo")

    @pytest.mark.parametrize(
        ("place", "expected"),
        [
            ({"commune": "Roubaix"}, ("weavers_room", "portrait", "script", "interview")),
            ({"commune": "roubaix"}, ("weavers_room", "portrait", "script", "interview")),
            ({"region": "Grand Est"}, ("steelworks",)),
            ({"region": "hauts-de-france", "commune": "Lille"}, ("weaving_gesture", "spinning")),
            ({"country": "BE"}, ("mine", "past_embargo")),
        ],
    )
    def test_place(self, engine, corpus, place, expected):
        assert found(engine, **place) == ids(corpus, *expected)

    def test_bounding_box(self, engine, corpus):
        metropole_lilloise = BoundingBox(south=50.5, west=2.9, north=50.8, east=3.3)
        # The portrait has a commune but no coordinates: not on the map.
        assert found(engine, bbox=metropole_lilloise) == ids(
            corpus, "weavers_room", "weaving_gesture", "spinning", "script", "interview"
        )

    def test_period_overlap(self, engine, corpus):
        assert found(engine, year_from=1955, year_to=1961) == ids(
            corpus, "weavers_room", "steelworks", "interview"
        )
        assert found(engine, year_to=1940) == ids(corpus, "portrait", "mine")
        assert found(engine, year_from=1995) == ids(corpus, "weaving_gesture", "script")

    def test_kind_and_institution(self, engine, corpus):
        assert found(engine, kinds=("oral_history",)) == ids(corpus, "interview", "past_embargo")
        assert found(engine, institutions=("FORG",)) == ids(
            corpus, "steelworks", "mine", "past_embargo"
        )
        assert found(engine, kinds=("photo", "savoir_faire"), institutions=("FORG",)) == ids(
            corpus, "steelworks", "mine"
        )

    def test_tags_are_all_required(self, engine, corpus):
        assert found(engine, tags=("tissage",)) == ids(corpus, "weavers_room", "weaving_gesture")
        assert found(engine, tags=("tissage", "femmes")) == ids(corpus, "weavers_room")

    def test_unknown_filter_values_match_nothing(self, engine, corpus):
        assert found(engine, trades=(987654,)) == set()
        assert found(engine, commune="Atlantis") == set()
        assert found(engine, kinds=("statue",)) == set()
        assert found(engine, tags=("nulle-part",)) == set()
        # A place made only of what gets stripped is no place, not "items without a place".
        assert found(engine, country="\x00") == set()
        assert found(engine, commune="  ") == set()

    # --- Facets, pagination, sorting, map --------------------------------------------------

    def test_facet_counts_are_exact_over_the_whole_result(self, engine, corpus):
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

    def test_facets_follow_the_filters_and_describe_values(self, engine, corpus):
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

    def test_pagination(self, engine, corpus):
        pages = [engine.search(ArchiveQuery(per_page=4, page=page)) for page in (1, 2, 3, 4)]
        assert [page.total for page in pages] == [len(ALL_VISIBLE)] * 4
        assert [len(page.hits) for page in pages] == [4, 4, 1, 0]
        seen = [hit.item_id for page in pages for hit in page.hits]
        assert len(seen) == len(set(seen)) == len(ALL_VISIBLE)
        assert set(seen) == ids(corpus, *ALL_VISIBLE)

    def test_sorting_by_date(self, engine, corpus):
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

    def test_relevance_puts_title_matches_first(self, engine, corpus):
        results = engine.search(ArchiveQuery(text="filature"))
        assert results.hits[0].item_id == corpus.items["spinning"].pk

    def test_map_clusters(self, engine, corpus):
        results = engine.search(ArchiveQuery(map_zoom=3))
        located = len(ALL_VISIBLE) - 1  # the portrait has no coordinates
        assert sum(cluster.count for cluster in results.clusters) == located
        detailed = engine.search(ArchiveQuery(map_zoom=14, commune="Florange"))
        (steelworks,) = detailed.clusters
        assert steelworks.count == 1
        assert steelworks.identifier == corpus.items["steelworks"].identifier
        assert steelworks.latitude == pytest.approx(49.324, abs=1e-4)
        assert steelworks.longitude == pytest.approx(6.12, abs=1e-4)
        # Lille and Roubaix are 9 km apart: one cluster at zoom 7, two at zoom 12.
        metropole = ArchiveQuery(region="Hauts-de-France", kinds=("photo",))
        wide = engine.search(dataclasses.replace(metropole, map_zoom=7))
        close = engine.search(dataclasses.replace(metropole, map_zoom=12))
        assert [cluster.count for cluster in wide.clusters] == [3]
        assert sorted(cluster.count for cluster in close.clusters) == [1, 2]

    def test_suggest(self, engine, corpus):
        assert engine.suggest(field="trade", prefix="tiss", language="fr") == ["Tisserand"]
        assert engine.suggest(field="trade", prefix="WEA", language="en") == ["Weaver"]
        assert engine.suggest(field="trade", prefix="min", language="fr") == ["Mines", "Mineur"]
        assert engine.suggest(field="place", prefix="rou", language="fr") == ["Roubaix"]
        assert engine.suggest(field="place", prefix="france", language="fr") == ["Hauts-de-France"]
        assert engine.suggest(field="place", prefix="", language="fr") == []

    # --- Only what may be seen -------------------------------------------------------------

    def test_hidden_items_never_in_hits(self, engine, corpus):
        assert len(corpus.hidden) == 9
        assert found(engine, text=HIDDEN_WORD) == set()
        assert found(engine, region="Provence") == set()
        assert found(engine, trades=(corpus.trades["verrier:fr"].pk,)) == set()
        assert found(engine, tags=("secret",)) == set()
        everything = engine.search(ArchiveQuery(per_page=100))
        assert {hit.item_id for hit in everything.hits} == ids(corpus, *ALL_VISIBLE)

    def test_hidden_items_never_in_facets_clusters_or_suggestions(self, engine, corpus):
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

    @pytest.mark.parametrize(
        "text",
        [
            "tisserand " * 500,
            "tisser\x00and",
            '"tisserand" AND (mines OR *) -steel ~2 ^3 field:value \\ / [1 TO 5] {} <b>&amp;',
            "' OR 1=1; DROP TABLE search_searchentry; --",
            "!!! ??? ...",
            "日本語 العربية ελληνικά",
        ],
    )
    def test_hostile_text_returns_without_error(self, engine, corpus, text):
        query = ArchiveQuery(text=text, map_zoom=5)
        results = engine.search(query)
        assert len(results.hits) == min(results.total, query.per_page)
        assert all("<script" not in hit.snippet for hit in results.hits)

    def test_hostile_filters_return_without_error(self, engine, corpus):
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


def test_database_engine_uses_full_text_on_postgresql_only(db):
    """The suite's default database is PostgreSQL, where the engine uses its tsvector; this
    module also runs on SQLite (tests/search/test_engines.py), which has none."""
    assert DatabaseEngine().full_text == (connection.vendor == "postgresql")
