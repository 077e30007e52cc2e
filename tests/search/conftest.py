"""Fixtures of the search tests: the emulated search server and engines pointed at it.

- `search_server`: osmem-server (tests/servers/search.py), started once per run on a free
  port and stopped at the end. `search_server.stop()` and `.start()` simulate an outage; the
  restart keeps the port and comes back empty (the emulator holds its indexes in memory). A
  test that stops it need not restart it: the next test using `search_server` does.
- `es_engine`: settings.ARCHIVE_SEARCH pointed at that server through the plain-JSON transport,
  with an index alias of the test's own (deleted afterwards); returns `get_engine()`.
- `elasticsearch_engine_for(server, alias)`: the same without settings, for class-scoped data.
"""

from __future__ import annotations

import contextlib
import uuid
from types import SimpleNamespace

import pytest

from search.engines import EngineUnavailable, get_engine
from search.engines.elasticsearch import ElasticsearchEngine
from tests.factories.archive import ContributorFactory, InstitutionFactory, moderator
from tests.servers.search import SearchServer


def search_settings_for(server: SearchServer, alias: str) -> dict:
    return {
        "ENGINE": "elasticsearch",
        "URLS": [server.url],
        "API_KEY": "",
        "INDEX": alias,
        "TIMEOUT": 5.0,
        "BULK_TIMEOUT": 30.0,
        "OPENSEARCH_COMPAT": True,
    }


def unique_alias() -> str:
    return f"test-archive-{uuid.uuid4().hex[:12]}"


def elasticsearch_engine_for(server: SearchServer, alias: str | None = None) -> ElasticsearchEngine:
    return ElasticsearchEngine.from_settings(search_settings_for(server, alias or unique_alias()))


def drop_quietly(engine: ElasticsearchEngine) -> None:
    with contextlib.suppress(EngineUnavailable):
        engine.drop()


@pytest.fixture
def world(db):
    """An institution (CMSH), one of its contributors and a moderator. The search tests' only
    `world`: a module that needs more adds it in a fixture of its own, with another name."""
    institution = InstitutionFactory(code="CMSH")
    return SimpleNamespace(
        institution=institution,
        contributor=ContributorFactory(institution=institution).user,
        moderator=moderator(),
    )


@pytest.fixture(scope="session")
def search_server():
    server = SearchServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def running_search_server(search_server):
    """The server, started again if an earlier test stopped it."""
    search_server.start()
    return search_server


@pytest.fixture
def es_engine(running_search_server, settings):
    settings.ARCHIVE_SEARCH = search_settings_for(running_search_server, unique_alias())
    engine = get_engine()
    yield engine
    if running_search_server.running:
        drop_quietly(engine)
