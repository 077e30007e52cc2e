"""The conformance suite (search/conformance.py) against every engine, case by case.

- `database` runs on the suite's PostgreSQL (full-text search);
- `elasticsearch` runs on the osmem-server emulator, through the plain-JSON transport;
- the database engine on SQLite: `test_database_engine_on_sqlite` (tests/search/test_engines.py)
  runs this module's database cases again in a child pytest whose DATABASE_URL is SQLite.

One corpus is built per engine (class-scoped, rolled back afterwards) and indexed the way
`manage.py search_selftest` indexes it.
"""

from __future__ import annotations

import os

from django.db import connection, transaction

import pytest

from search.conformance import CASES, build_corpus, index_corpus
from search.engines.database import DatabaseEngine
from tests.search.conftest import drop_quietly, elasticsearch_engine_for

ENGINES = os.environ.get("FABRIQUE_CONFORMANCE_ENGINES", "database,elasticsearch").split(",")


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
        index_corpus(engine, corpus)
        try:
            yield engine, corpus
        finally:
            if request.param == "elasticsearch":
                drop_quietly(engine)
            transaction.set_rollback(True)


class TestConformance:
    @pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
    def test_case(self, engine_and_corpus, db, case):
        engine, corpus = engine_and_corpus
        case.run(engine, corpus)


def test_database_engine_uses_full_text_on_postgresql_only(db):
    """The suite's default database is PostgreSQL, where the engine uses its tsvector; this
    module also runs on SQLite (tests/search/test_engines.py), which has none."""
    assert DatabaseEngine().full_text == (connection.vendor == "postgresql")
