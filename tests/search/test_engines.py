"""What each engine does beyond the shared conformance cases: choosing the engine from
settings, keeping the index in line with item changes, the alias swap, outages, the plain-JSON
transport, text analysis, and the database engine on SQLite."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from archive.models import ArchiveItem, Consent
from search.contract import ArchiveQuery
from search.documents import indexable_versions, item_version, load_documents
from search.engines import EngineUnavailable, get_engine
from search.engines.analysis import (
    fold,
    forms,
    highlight,
    plain_words,
    query_terms,
    query_words,
)
from search.engines.database import DatabaseEngine, tile_of
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import SearchEntry
from search.transport import plain_media_type
from tests.factories import TradeFactory
from tests.factories.archive import InstitutionFactory
from tests.factories.items import (
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)
from tests.search.conftest import search_settings_for, unique_alias

BASE_DIR = settings.BASE_DIR


@pytest.fixture
def institution(db):
    return InstitutionFactory(code="CMSH")


def texts_found(engine, text: str) -> set[str]:
    return {hit.identifier for hit in engine.search(ArchiveQuery(text=text, per_page=50)).hits}


# --- Choosing an engine ----------------------------------------------------------------------


def test_the_database_engine_is_the_default(settings):
    settings.ARCHIVE_SEARCH = {}
    assert get_engine().name == "database"


def test_settings_choose_elasticsearch(settings, running_search_server):
    settings.ARCHIVE_SEARCH = search_settings_for(running_search_server, unique_alias())
    engine = get_engine()
    assert isinstance(engine, ElasticsearchEngine)
    assert engine.alias == settings.ARCHIVE_SEARCH["INDEX"]
    assert engine.ping()


def test_an_unknown_engine_is_a_configuration_error(settings):
    settings.ARCHIVE_SEARCH = {**settings.ARCHIVE_SEARCH, "ENGINE": "solr"}
    with pytest.raises(ImproperlyConfigured, match="database, elasticsearch"):
        get_engine()


# --- Keeping the index in line ---------------------------------------------------------------


@pytest.fixture(params=["database", "elasticsearch"])
def any_engine(request, db):
    if request.param == "database":
        return DatabaseEngine()
    return request.getfixturevalue("es_engine")


def test_apply_indexes_updates_and_removes(any_engine, institution):
    kept = PublishedItemFactory(institution=institution, title="Chevalement de la fosse 9")
    hidden = PublishedItemFactory(institution=institution, title="Chevalement de Wallers")
    deleted = PublishedItemFactory(institution=institution, title="Chevalement d'Arenberg")
    any_engine.rebuild()
    assert texts_found(any_engine, "chevalement") == {
        kept.identifier,
        hidden.identifier,
        deleted.identifier,
    }

    ArchiveItem.objects.filter(pk=kept.pk).update(
        title="Chevalement et lavoir", updated_at=timezone.now()
    )
    ArchiveItem.objects.filter(pk=hidden.pk).update(access=ArchiveItem.Access.MEMBERS)
    deleted_pk = deleted.pk
    deleted.delete()
    any_engine.apply(upsert_ids=[kept.pk, hidden.pk], delete_ids=[deleted_pk])

    assert texts_found(any_engine, "chevalement") == {kept.identifier}
    assert texts_found(any_engine, "lavoir") == {kept.identifier}
    assert any_engine.count() == 1
    kept = ArchiveItem.objects.get(pk=kept.pk)
    assert any_engine.indexed_versions() == indexable_versions() == {kept.pk: item_version(kept)}


def test_apply_of_unknown_or_already_removed_items_is_harmless(any_engine, institution):
    item = PublishedItemFactory(institution=institution)
    any_engine.apply(upsert_ids=[item.pk, 987654], delete_ids=[987655])
    any_engine.apply(upsert_ids=[], delete_ids=[987655])
    assert set(any_engine.indexed_versions()) == {item.pk}


def test_the_end_of_an_embargo_makes_an_interview_indexable(any_engine, institution):
    interview = PublishedOralHistoryFactory(
        institution=institution,
        title="Paroles de verrière",
        consent__embargo_until=timezone.localdate() + datetime.timedelta(days=1),
    )
    any_engine.rebuild()
    assert texts_found(any_engine, "verrière") == set()
    assert interview.pk not in indexable_versions()
    before = item_version(interview)

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(item=interview).update(embargo_until=yesterday)
    interview = ArchiveItem.objects.get(pk=interview.pk)
    assert item_version(interview) != before
    assert interview.pk in indexable_versions()  # so search_reconcile notices too
    any_engine.apply(upsert_ids=[interview.pk], delete_ids=[])
    assert texts_found(any_engine, "verrière") == {interview.identifier}


def test_indexed_versions_follow_the_documents(any_engine, institution):
    items = [PublishedItemFactory(institution=institution) for _ in range(3)]
    assert any_engine.rebuild() == 3
    assert any_engine.indexed_versions() == {item.pk: item_version(item) for item in items}


# --- Elasticsearch specifics ------------------------------------------------------------------


def test_rebuild_swaps_the_alias_to_a_new_index(es_engine, institution):
    PublishedItemFactory(institution=institution, title="Lavoir à charbon")
    es_engine.rebuild()
    (first,) = es_engine._alias_targets()
    PublishedItemFactory(institution=institution, title="Lavoir central")

    assert es_engine.rebuild() == 2

    (second,) = es_engine._alias_targets()
    assert second != first
    assert not es_engine.client.indices.exists(index=first)
    assert len(texts_found(es_engine, "lavoir")) == 2


def test_apply_before_any_rebuild_creates_the_index(es_engine, institution):
    item = PublishedItemFactory(institution=institution, title="Terril conique")
    assert es_engine.count() == 0  # no index yet: nothing, not an error
    es_engine.apply(upsert_ids=[item.pk], delete_ids=[])
    assert texts_found(es_engine, "terril") == {item.identifier}


def test_searching_before_any_index_exists_says_unavailable(es_engine, db):
    with pytest.raises(EngineUnavailable, match="missing"):
        es_engine.search(ArchiveQuery(text="terril"))
    assert es_engine.suggest(field="trade", prefix="ter", language="fr") == []
    assert es_engine.indexed_versions() == {}


def test_an_unreachable_server_raises_engine_unavailable(es_engine, search_server, institution):
    item = PublishedItemFactory(institution=institution)
    es_engine.rebuild()
    search_server.stop()
    try:
        assert not es_engine.ping()
        for call in (
            lambda: es_engine.search(ArchiveQuery(text="fosse")),
            lambda: es_engine.suggest(field="place", prefix="rou", language="fr"),
            lambda: es_engine.apply(upsert_ids=[item.pk], delete_ids=[]),
            lambda: es_engine.rebuild(),
            es_engine.count,
            es_engine.indexed_versions,
        ):
            with pytest.raises(EngineUnavailable):
                call()
    finally:
        search_server.start()
    es_engine.rebuild()  # the restarted emulator is empty
    assert es_engine.count() == 1


def test_elasticsearch_media_types_are_refused_without_the_compat_setting(
    settings, running_search_server, db
):
    """The setting is off by default, as real Elasticsearch 8 wants; the emulator, like any
    OpenSearch-API server, refuses the client's versioned media type (406)."""
    assert settings.ARCHIVE_SEARCH["OPENSEARCH_COMPAT"] is False
    config = {
        **search_settings_for(running_search_server, unique_alias()),
        "OPENSEARCH_COMPAT": False,
    }
    engine = ElasticsearchEngine.from_settings(config)
    with pytest.raises(EngineUnavailable, match="406"):
        engine.ensure_index()


@pytest.mark.parametrize(
    ("sent", "plain"),
    [
        ("application/vnd.elasticsearch+json; compatible-with=8", "application/json"),
        ("application/vnd.elasticsearch+x-ndjson; compatible-with=8", "application/x-ndjson"),
        ("application/json", "application/json"),
    ],
)
def test_plain_media_types(sent, plain):
    assert plain_media_type(sent) == plain


# --- Documents ----------------------------------------------------------------------------------


def test_documents_load_in_a_fixed_number_of_queries(institution):
    weaver = TradeFactory(name="Tisserand")

    def queries_for(count: int) -> int:
        ArchiveItem.objects.all().delete()
        for _ in range(count):
            item = PublishedOralHistoryFactory(institution=institution, trades=[weaver])
            item.tags.add("tissage", "roubaix")
            item.save()
            TranscriptSegmentFactory(item=item, start_ms=1000)
            TranscriptSegmentFactory(item=item, start_ms=2000)
        with CaptureQueriesContext(connection) as captured:
            documents = list(load_documents())
        assert len(documents) == count
        assert all(len(document.segments) == 2 for document in documents)
        assert all(len(document.tags) == 2 for document in documents)
        return len(captured)

    assert queries_for(2) == queries_for(12)


def test_a_document_carries_trade_labels_of_every_language_and_broader_trades(institution):
    from wagtail.models import Locale

    english = Locale.objects.get_or_create(language_code="en")[0]
    textile = TradeFactory(name="Textile")
    weaver = TradeFactory(name="Tisserand", parent=textile)
    weaver_en = weaver.copy_for_translation(english)
    weaver_en.name, weaver_en.parent = "Weaver", None
    weaver_en.save()
    item = PublishedItemFactory(institution=institution, trades=[weaver])

    (document,) = load_documents(ids=[item.pk])

    assert document.trades == [weaver.pk]
    assert document.trade_path == sorted([weaver.pk, textile.pk])
    assert document.trade_labels["en"] == ["Textile", "Weaver"]
    assert document.trade_labels["fr"] == ["Textile", "Tisserand"]


# --- Text analysis --------------------------------------------------------------------------


def test_folding_and_forms():
    assert fold("Sidérurgie ŒUVRE Straße") == "siderurgie oeuvre strasse"
    assert forms("tisserands") & forms("tisserand")
    assert forms("siderurgie") & forms("sidérurgie")
    assert forms("weavers") & forms("weaver")
    assert not forms("tisserand") & forms("tisser")


def test_queries_drop_function_words_unless_nothing_else_is_left():
    assert query_words("les métiers à tisser de Roubaix") == ["métiers", "tisser", "roubaix"]
    assert query_words("de la") == ["de", "la"]
    assert len(query_terms(" ".join(f"mot{n}" for n in range(500)))) == 32


def test_plain_words_leave_no_quote_or_operator_for_a_query_parser():
    assert plain_words('tisserand"') == plain_words("tisserand") == "tisserand"
    assert plain_words('NEAR("l’usine" -Roubaix*)^2') == "near usine roubaix 2"
    assert plain_words('"') == plain_words("\x00 *^:()") == ""


def test_highlight_escapes_and_marks():
    marked = highlight('<b onclick="x">Les tisserandes</b> & les fileurs', query_terms("tisserand"))
    assert marked == (
        "&lt;b onclick=&quot;x&quot;&gt;Les <mark>tisserandes</mark>&lt;/b&gt; &amp; les fileurs"
    )
    assert highlight("rien à voir", query_terms("tisserand")) == ""


def test_map_tiles_are_those_of_web_maps():
    # Roubaix at zoom 12, as OpenStreetMap numbers its tiles.
    assert tile_of(50.6942, 3.1702, 12) == (2084, 1376)
    assert tile_of(89.9, 179.99, 3) == (7, 0)


# --- The database engine on SQLite -----------------------------------------------------------


def test_the_database_engine_on_sqlite(db, tmp_path):
    """`make run` uses SQLite: the conformance cases of the database engine run again in a
    child pytest whose database is SQLite (tables made from the models, no migrations, to stay
    quick; PostgreSQL runs the migrations)."""
    assert DatabaseEngine().full_text == (connection.vendor == "postgresql")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "FABRIQUE_CONFORMANCE_ENGINES": "database",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(  # noqa: S603 - the test runner itself, fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/search/test_conformance.py",
            "--no-migrations",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "sqlite" in result.stdout
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert SearchEntry.objects.count() == 0  # the child had a database of its own


def test_elasticsearch_facets_list_every_value_beyond_their_expected_size(es_engine, institution):
    """Facet sizes come from the vocabulary, cached; values added since (more communes than
    the cached size) are still all counted."""
    from django.core.cache import cache

    from search.contract import FACETS
    from search.engines.elasticsearch import FACET_SIZES_KEY

    for number in range(14):
        PublishedItemFactory(institution=institution, commune=f"Commune {number:02d}")
    es_engine.rebuild()
    cache.set(FACET_SIZES_KEY, dict.fromkeys(FACETS, 1))
    try:
        results = es_engine.search(ArchiveQuery())
    finally:
        cache.delete(FACET_SIZES_KEY)
    communes = results.facets["commune"]
    assert sorted(value.value for value in communes) == [f"Commune {n:02d}" for n in range(14)]
    assert all(value.count == 1 and value.parent == "Hauts-de-France" for value in communes)
