"""Whatever a visitor (or a robot) puts in the public search's address, the answer is a page,
never a server error: the search page with every parameter it reads, and its autocomplete.

Property-based (hypothesis) over arbitrary Unicode, quotes, the operators of FTS5, tsquery and
Lucene, control characters and very long values, plus a fixed list of strings known to have
broken search engines. A query that an engine could not parse is searched as its plain words:
`tisserand"` finds what `tisserand` finds.

Three set-ups, on the site of tests/factories/sites.py (pages in every language) and a few
archive items:
- PostgreSQL, the suite's database, with the database engine;
- the Elasticsearch engine on the suite's emulator;
- SQLite, as `make run` serves it: `test_the_same_input_on_sqlite` runs this module again in a
  child pytest whose DATABASE_URL is SQLite. The database a process uses is fixed when it
  starts (Wagtail's page search and the archive's database engine both choose their SQL by
  the default connection's vendor), so a second database alias in this process could not
  exercise SQLite's full-text search. The child runs the migrations, unlike the conformance
  child in test_engines.py: Wagtail's SQLite page index is an FTS5 table that only its
  migration creates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace
from urllib.parse import quote_from_bytes

from django.conf import settings
from django.db import connection, transaction

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from search.engines import get_engine
from tests.factories import TradeFactory
from tests.factories.archive import InstitutionFactory
from tests.factories.items import PublishedItemFactory
from tests.factories.pages import NewsPageFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# A word held by pages (the French article "Réouverture de la filature", shown by the other
# languages' aliases) and by archive items (the factories' summary).
WORD = "filature"

# Operators and syntax of SQLite FTS5, PostgreSQL tsquery, Lucene / query_string and
# wildcards, and characters that have broken query builders (quotes, backslashes, percent).
OPERATOR_WORDS = ["AND", "OR", "NOT", "NEAR", "NEAR(", "NEAR/2", "TO", "and", "or", "not"]
# Characters that join or separate words without being part of one: a word wrapped in them
# is still that word alone.
NOT_WORD = [
    *('"', "'", "`", "\\", "%", "_", "*", "?", "^", ":", "(", ")", "[", "]", "{", "}", " "),
    *("-", "+", "!", "~", "&", "|", "&&", "||", "<", ">", "<->", "/", "=", ";", ",", "."),
    *("\x00", "\t", "\n", "\r", "\x1f", "\x7f", "\u200b", "\u202e", "\ufeff"),
    *("«", "»", "“", "”", "’", "…", "—"),
]

KNOWN_BAD = [
    '"',
    'tisserand"',
    '")',
    '*"',
    'a AND "',
    "'",
    "\x00",
    "NEAR(",
    "a OR",
    "-",
    "*",
    "^",
    "((",
    ":",
    "a" * 10_000,
    "tisserand " * 1_000,
    "🧵🏭 tisserand 👩‍🏭",
    "نساج النسيج",  # right to left
    "\u202etisserand\u202c",
    "50%",
    "%",
    "%s %(x)s {0}",
    "\\",
    "tisserand\\",
    '\\"',
    "a*b?c",
    "NOT tisserand",
    "tisserand NOT",
    '"tisserand',
    "{title} : tisserand",
    "title:tisserand",
    "tisserand~2",
    "tisserand^3",
    "a <-> b",
    "!a & !b",
]

# Map areas of no height or no width: no map shows one, and Elasticsearch refuses them.
FLAT_BOXES = ["0,0,0,0", "-0,-0,0,0", "50.5,3,50.5,3.2", "50.5,3.1,50.7,3.1", "90,180,90,180"]

# Raw query strings a browser never sends: bytes that are no UTF-8, an encoded surrogate.
RAW_QUERIES = ["q=%FF%FE", "q=%C0%80", "q=%ED%A0%80", "q=%E2%80", "q&q=&q==", "q=%25%00%22"]


def text_with_hostile_parts():
    """Arbitrary Unicode, soups of operators, quotes and words, and very long values."""
    anything = st.text(st.characters(codec="utf-8"), max_size=300)
    fragments = st.lists(
        st.one_of(
            st.sampled_from(NOT_WORD),
            st.sampled_from([*OPERATOR_WORDS, WORD, "tisserand", "a"]),
            st.text(st.characters(codec="utf-8"), max_size=5),
        ),
        max_size=12,
    )
    soups = st.builds(lambda parts, glue: glue.join(parts), fragments, st.sampled_from(["", " "]))
    # Quotes are what broke SQLite's FTS5: one at least, anywhere.
    quoted = st.builds(
        lambda before, quote, after: before + quote + after,
        soups,
        st.sampled_from(['"', "'", '""', '"*', "“", '\\"']),
        soups,
    )
    long = st.builds(
        lambda unit, times: unit * times,
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
        st.integers(min_value=500, max_value=3_000),
    )
    return st.one_of(anything, soups, quoted, long)


HOSTILE = text_with_hostile_parts()
NUMBERISH = st.one_of(
    HOSTILE,
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
BBOX = st.one_of(
    HOSTILE,
    st.lists(NUMBERISH, min_size=3, max_size=5).map(",".join),
    st.lists(st.floats(min_value=-200, max_value=200), min_size=4, max_size=4).map(
        lambda values: ",".join(map(str, values))
    ),
)

SEARCH_PARAM_NAMES = (
    *("q", "trade", "place", "region", "commune", "country", "bbox", "zoom", "kind"),
    *("institution", "from", "to", "tag", "sort", "page", "pages"),
)
# Every parameter the search page reads, each present or not, multi-valued ones repeated.
SEARCH_PARAMS = st.fixed_dictionaries(
    {"q": HOSTILE},
    optional={
        "trade": st.lists(st.one_of(HOSTILE, st.just("tisserand")), max_size=3),
        "place": st.one_of(HOSTILE, st.just("Roubaix")),
        "region": HOSTILE,
        "commune": HOSTILE,
        "country": HOSTILE,
        "bbox": BBOX,
        "zoom": NUMBERISH,
        "kind": st.lists(st.one_of(HOSTILE, st.just("photo")), max_size=3),
        "institution": st.lists(HOSTILE, max_size=3),
        "from": NUMBERISH,
        "to": NUMBERISH,
        "tag": st.lists(HOSTILE, max_size=3),
        "sort": st.one_of(HOSTILE, st.sampled_from(["relevance", "newest", "oldest"])),
        "page": NUMBERISH,
        "pages": NUMBERISH,
    },
)
SUGGEST_PARAMS = st.fixed_dictionaries(
    {"q": HOSTILE}, optional={"field": st.one_of(st.sampled_from(["trade", "place"]), HOSTILE)}
)

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written into the checkout; a failure prints its example
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def visit(client, path: str, params: dict | None = None, *, query_string: str = ""):
    """GET as a visitor. In a savepoint: should a request fail on PostgreSQL, the test's
    transaction stays usable and hypothesis can go on to the smallest failing example."""
    with transaction.atomic():
        if query_string:
            return client.get(f"{path}?{query_string}")
        return client.get(path, params or {})


def search_page(client, language: str, params: dict) -> BeautifulSoup:
    response = visit(client, f"/{language}/search/", params)
    assert response.status_code == 200, (response.status_code, params)
    return BeautifulSoup(response.content, "html.parser")


def found(html: BeautifulSoup) -> tuple[list[str], list[str]]:
    """What the visitor sees found: archive items and pages of the site, by title."""
    items = [h.get_text(strip=True) for h in html.select(".search-result__title")]
    pages = [
        a.get_text(strip=True) for a in html.select("section.search-pages a.search-page__title")
    ]
    return items, pages


def suggestions(client, language: str, params: dict) -> list[str]:
    response = visit(client, f"/{language}/search/suggest/", params)
    if params.get("field") in ("trade", "place"):
        assert response.status_code == 200, (response.status_code, params)
    else:
        assert response.status_code == 400, (response.status_code, params)
    return response.json()["suggestions"]


@pytest.fixture(scope="class")
def hostile_world(shared_site, django_db_blocker):
    """The multilingual site, a French news article about weavers, and archive items with a
    trade, a tag and a place, indexed by the configured (database) engine."""
    with django_db_blocker.unblock(), transaction.atomic():
        weaver = TradeFactory(name="Tisserand", slug="tisserand")
        institution = InstitutionFactory(code="FVAN")
        article = NewsPageFactory(
            parent=shared_site.fr["news"],
            title="Un tisserand de Roubaix raconte",
            intro="Cent ans de filature et de tissage.",
        )
        items = [PublishedItemFactory(institution=institution, trades=[weaver]) for _ in range(3)]
        items[0].tags.add("tissage")
        items[0].save()
        get_engine().rebuild()
        yield SimpleNamespace(site=shared_site, article=article, items=items)
        transaction.set_rollback(True)


@pytest.fixture
def corpus(hostile_world, db):
    """`hostile_world`, with the test in a savepoint of its own."""
    return hostile_world


@pytest.fixture
def es_corpus(corpus, es_engine):
    """The same, indexed by the Elasticsearch engine the settings now name."""
    es_engine.rebuild()
    return corpus


class TestHostileInput:
    """The database engine on the suite's database (and on SQLite in the child run)."""

    def test_the_word_used_below_is_found_in_pages_and_items(self, client, corpus):
        items, pages = found(search_page(client, "fr", {"q": WORD}))

        assert len(items) == 3
        assert "Réouverture de la filature" in pages

    @FUZZ
    @given(language=st.sampled_from(LANGUAGES), params=SEARCH_PARAMS)
    def test_no_search_parameter_gives_a_server_error(self, client, corpus, language, params):
        search_page(client, language, params)

    @FUZZ
    @given(language=st.sampled_from(LANGUAGES), params=SUGGEST_PARAMS)
    def test_no_autocomplete_parameter_gives_a_server_error(self, client, corpus, language, params):
        assert isinstance(suggestions(client, language, params), list)

    @FUZZ
    @given(
        before=st.lists(st.sampled_from(NOT_WORD), max_size=4).map("".join),
        after=st.lists(st.sampled_from(NOT_WORD), max_size=4).map("".join),
    )
    def test_quotes_and_operators_around_a_word_find_what_the_word_finds(
        self, client, corpus, before, after
    ):
        expected = found(search_page(client, "fr", {"q": WORD}))

        assert found(search_page(client, "fr", {"q": f"{before}{WORD}{after}"})) == expected

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize(
        "text", ['"', 'tisserand"', '")', '*"', 'a AND "'], ids=lambda t: repr(t)
    )
    def test_the_reported_queries_answer_in_every_language(self, client, corpus, language, text):
        search_page(client, language, {"q": text})

    @pytest.mark.parametrize(
        "text",
        ['tisserand"', '"tisserand', "/tisserand", "tisserand/", "(tisserand*", "-tisserand:"],
    )
    def test_a_stray_quote_or_sign_finds_what_the_word_finds(self, client, corpus, text):
        plain = found(search_page(client, "fr", {"q": "tisserand"}))

        assert found(search_page(client, "fr", {"q": text})) == plain
        assert corpus.article.title in plain[1]
        assert len(plain[0]) == 3

    @pytest.mark.parametrize("bbox", FLAT_BOXES)
    def test_a_map_area_without_height_or_width_is_ignored(self, client, corpus, bbox):
        html = search_page(client, "fr", {"q": "tisserand", "bbox": bbox})

        assert len(found(html)[0]) == 3
        assert not html.select("input[type=hidden][name=bbox]")

    @pytest.mark.parametrize("text", KNOWN_BAD, ids=lambda t: repr(t[:20]))
    def test_known_bad_strings_in_every_parameter(self, client, corpus, text):
        every = dict.fromkeys(SEARCH_PARAM_NAMES, text)
        search_page(client, "fr", {"q": text})
        search_page(client, "en", every)
        for field in ("trade", "place"):
            suggestions(client, "fr", {"field": field, "q": text})
        suggestions(client, "fr", {"field": text, "q": text})

    @pytest.mark.parametrize("query_string", RAW_QUERIES)
    def test_bytes_that_are_no_text_are_read_as_text(self, client, corpus, query_string):
        for path in ("/fr/search/", "/fr/search/suggest/"):
            response = visit(client, path, query_string=f"field=trade&{query_string}")
            assert response.status_code == 200, (path, query_string)

    @FUZZ
    @given(raw=st.binary(max_size=200))
    def test_any_bytes_in_the_query_string_give_a_page(self, client, corpus, raw):
        response = visit(client, "/fr/search/", query_string="q=" + quote_from_bytes(raw))

        assert response.status_code == 200


class TestHostileInputOnElasticsearch:
    """The same input through the Elasticsearch engine (the suite's emulator); Wagtail's page
    search stays on the database, as in production."""

    @FUZZ
    @given(language=st.sampled_from(LANGUAGES), params=SEARCH_PARAMS)
    def test_no_search_parameter_gives_a_server_error_on_elasticsearch(
        self, client, es_corpus, language, params
    ):
        search_page(client, language, params)

    @FUZZ
    @given(language=st.sampled_from(LANGUAGES), params=SUGGEST_PARAMS)
    def test_no_autocomplete_parameter_gives_a_server_error_on_elasticsearch(
        self, client, es_corpus, language, params
    ):
        assert isinstance(suggestions(client, language, params), list)

    @pytest.mark.parametrize("bbox", FLAT_BOXES)
    def test_a_map_area_without_height_or_width_on_elasticsearch(self, client, es_corpus, bbox):
        html = search_page(client, "fr", {"q": "tisserand", "bbox": bbox})

        assert len(found(html)[0]) == 3

    @pytest.mark.parametrize("text", KNOWN_BAD, ids=lambda t: repr(t[:20]))
    def test_known_bad_strings_on_elasticsearch(self, client, es_corpus, text):
        items = found(search_page(client, "fr", {"q": text}))[0]
        search_page(client, "en", dict.fromkeys(SEARCH_PARAM_NAMES, text))
        for field in ("trade", "place"):
            suggestions(client, "fr", {"field": field, "q": text})
        if text == 'tisserand"':
            assert len(items) == 3


def test_the_same_input_on_sqlite(tmp_path):
    """`make run` serves SQLite: this module's database cases again, in a child pytest on a
    fresh SQLite database (see the module's docstring)."""
    if connection.vendor == "sqlite":
        pytest.skip("already the SQLite run")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(  # noqa: S603 - the test runner itself, fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-k",
            "TestHostileInput and not Elasticsearch",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "sqlite" in result.stdout
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
