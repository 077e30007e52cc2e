"""The public search page /<lang>/search/ and its autocomplete, as a visitor uses them.

Items come from the factories and are indexed by the configured engine (the database engine,
the default) with `engine.rebuild()`; one test runs the same page through the Elasticsearch
engine on the suite's OpenSearch-API emulator. The last tests load the demo
(`manage.py load_demo`) and search it as a visitor of `make run` would: a trade in two
languages, then facets and the map.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale, Page, Site

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem, Trade
from archive.selectors import items_viewable_by
from search.engines import get_engine
from search.forms import MAX_QUERY_LENGTH, PER_PAGE
from search.views import SUGGEST_MAX_LENGTH
from tests.factories import HomePageFactory, NewsIndexPageFactory, NewsPageFactory, TradeFactory
from tests.factories.archive import ContributorFactory, InstitutionFactory, MemberFactory
from tests.factories.items import (
    ItemImageFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)

# The English pages: assertions read the source strings, whatever the catalogues say.
SEARCH = "/en/search/"
# Queries of a page of results, menus and language links included (PostgreSQL; 22 before
# non-page views took their home pages from the navigation cache).
SEARCH_QUERY_BUDGET = 21
OIGNIES = {
    "commune": "Oignies",
    "region": "Hauts-de-France",
    "latitude": Decimal("50.469900"),
    "longitude": Decimal("2.993600"),
}
ROUBAIX_POINT = {"latitude": Decimal("50.694200"), "longitude": Decimal("3.170200")}
# Everything anonymous visitors must never meet carries these.
SECRET_WORD = "clandestin"
SECRET_PLACE = {
    "commune": "Marseille",
    "region": "Provence",
    "latitude": Decimal("43.296500"),
    "longitude": Decimal("5.369800"),
}


def page_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def result_titles(html: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in html.select(".search-result__title")]


def notices(html: BeautifulSoup) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in html.select(".search-notices li"))


def facet(html: BeautifulSoup, name: str) -> dict[str, dict]:
    """label -> {count, selected, href, depth} of one facet's entries."""
    section = html.select_one(f"section.facet[aria-labelledby='facet-{name}']")
    if section is None:
        return {}
    entries = {}
    for link in section.select("a.facet__link"):
        entries[link.select_one(".facet__label").get_text(strip=True)] = {
            "count": int(link.select_one(".facet__count").get_text(strip=True)),
            "selected": link.get("aria-current") == "true",
            "href": link["href"],
            "depth": len(link.find_parents("ul", class_="facet__list")),
        }
    return entries


def params(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query)


def map_data(html: BeautifulSoup) -> list[dict]:
    data = html.select_one("#search-map-data")
    return json.loads(data.string) if data else []


def submitted(html: BeautifulSoup, **changes) -> str:
    """The query string a browser without JavaScript sends when the search form is submitted."""
    form = html.select_one("form#search-form")
    pairs = []
    for field in form.select("input[name], select[name]"):
        name = field["name"]
        if field.name == "select":
            option = field.select_one("option[selected]") or field.select_one("option")
            value = option["value"]
        else:
            value = field.get("value", "")
        pairs.append((name, changes.pop(name, value)))
    pairs += list(changes.items())
    return "?" + urlencode(pairs)


def reindex():
    get_engine().rebuild()


def build_site():
    """What tests/conftest.py's `site_tree` makes: the locales, a home page, the default Site."""
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = HomePageFactory(parent=root, slug="accueil", locale=locales["fr"])
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Fabrique"
    )
    return SimpleNamespace(home=home, locales=locales)


def build_corpus():
    """Two trades under Textile and one under Mines; visible items about weaving in Roubaix
    (a photo with an image, an interview with a timed transcript) and mining in Oignies; and
    one hidden item of every kind anonymous visitors must not see, each carrying SECRET_WORD,
    the trade Verrier, the tag "secret" and SECRET_PLACE."""
    textile = TradeFactory(name="Textile", slug="textile")
    weaver = TradeFactory(name="Tisserand", slug="tisserand", parent=textile)
    weaver_en = weaver.copy_for_translation(Locale.objects.get(language_code="en"))
    weaver_en.name = "Weaver"
    weaver_en.parent = None
    weaver_en.save()
    mines = TradeFactory(name="Mines", slug="mines")
    miner = TradeFactory(name="Mineur de fond", slug="mineur-de-fond", parent=mines)
    glass = TradeFactory(name="Verrier", slug="verrier")
    textile_museum = InstitutionFactory(
        code="FVAN", member=MemberFactory(name="Musée de la Filature")
    )
    mining_museum = InstitutionFactory(code="CMSH", member=MemberFactory(name="Centre minier"))

    photo = PublishedItemFactory(
        institution=textile_museum,
        title="La salle de tissage, vers 1955",
        summary="Une centaine de métiers à tisser tournaient jour et nuit.",
        place_name="Filature Vandamme",
        year_from=1950,
        year_to=1960,
        date_approximate=True,
        trades=[weaver],
        **ROUBAIX_POINT,
    )
    photo.tags.add("tissage")
    photo.save()  # a cluster's tags are written with the item
    ItemImageFactory(item=photo, sort_order=0)
    interview = PublishedOralHistoryFactory(
        institution=textile_museum,
        title="Jeannine, tisserande à Roubaix",
        summary="Souvenirs de la salle des métiers.",
        year_from=1952,
        year_to=1979,
        trades=[weaver],
        **ROUBAIX_POINT,
    )
    interview.tags.add("tissage", "témoignage")
    interview.save()
    TranscriptSegmentFactory(item=interview, position=0, start_ms=3000, text="À quatorze ans.")
    TranscriptSegmentFactory(
        item=interview,
        position=1,
        start_ms=754_500,
        end_ms=760_000,
        text="Cent métiers à tisser qui battent ensemble, on ne s’entendait plus.",
    )
    mine = PublishedItemFactory(
        institution=mining_museum,
        title="La remonte au puits 9",
        summary="Les mineurs sortent de la cage en fin de poste.",
        date=datetime.date(1965, 4, 22),
        trades=[miner],
        **OIGNIES,
    )

    hidden = {}

    def secret(name, factory=PublishedItemFactory, **fields):
        item = factory(
            institution=textile_museum,
            title=f"Dossier {SECRET_WORD} ({name})",
            summary=f"Un document {SECRET_WORD}.",
            trades=[glass],
            **SECRET_PLACE,
            **fields,
        )
        item.tags.add("secret")
        item.save()
        hidden[name] = item
        return item

    secret("draft", status=ArchiveItem.Status.DRAFT, published_at=None)
    secret("rejected", status=ArchiveItem.Status.REJECTED, published_at=None)
    secret("withdrawn", status=ArchiveItem.Status.WITHDRAWN)
    secret("members-only", access=ArchiveItem.Access.MEMBERS)
    secret("restricted", access=ArchiveItem.Access.RESTRICTED)
    secret(
        "embargoed",
        factory=PublishedOralHistoryFactory,
        consent__embargo_until=timezone.localdate() + datetime.timedelta(days=365),
    )
    secret("research-only", factory=PublishedOralHistoryFactory, consent__scope="research")
    secret(
        "consent-withdrawn",
        factory=PublishedOralHistoryFactory,
        consent__withdrawn_at=timezone.now(),
    )
    reindex()
    trades = {"textile": textile, "weaver": weaver, "miner": miner, "glass": glass}
    return {"photo": photo, "interview": interview, "mine": mine, **trades, "hidden": hidden}


@pytest.fixture(scope="class")
def shared_corpus(django_db_setup, django_db_blocker):
    """The corpus, built and indexed once for the class, rolled back after it. Each test runs
    in a savepoint on top of it (through `db`), so what a test adds or changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        build_site()
        yield build_corpus()
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture
def corpus(shared_corpus, db):
    cache.clear()
    yield shared_corpus
    cache.clear()


class TestSearchPage:
    """The page and its autocomplete on the shared corpus."""

    # --- results ---------------------------------------------------------------------------------

    def test_a_result_shows_title_kind_thumbnail_trade_place_date_institution_and_snippet(
        self, client, corpus
    ):
        html = page_of(client.get(SEARCH, {"q": "tissage"}))

        photo = corpus["photo"]
        result = html.find(id=f"result-{photo.identifier}").find_parent("li")
        assert (
            result.select_one(".search-result__title a")["href"]
            == f"/en/archive/{photo.identifier}/"
        )
        assert result.select_one(".badge").get_text() == "Photo"
        assert "c. 1950–1960" in result.get_text()
        assert "Musée de la Filature" in result.get_text()
        assert "Roubaix, Hauts-de-France" in result.get_text()
        assert [t.get_text() for t in result.select(".tag")] == ["Weaver"]
        # The thumbnail is a rendition, never the original file.
        thumbnail = result.select_one("img.search-result__image")
        assert "/images/" in thumbnail["src"] and ".fill-240x180" in thumbnail["src"]
        snippet = result.select_one(".search-result__snippet")
        assert [m.get_text() for m in snippet.select("mark")] == ["tissage"]

    def test_an_oral_history_shows_its_matching_moments_linked_at_their_time(self, client, corpus):
        html = page_of(client.get(SEARCH, {"q": "métiers à tisser"}))

        interview = corpus["interview"]
        result = html.find(id=f"result-{interview.identifier}").find_parent("li")
        moments = result.select(".search-result__moments a")
        assert len(moments) == 1
        assert moments[0]["href"] == f"/en/archive/{interview.identifier}/?t=754"
        text = moments[0].get_text(" ", strip=True)
        assert text.startswith("12:34 — ")
        assert "tisser" in [m.get_text() for m in moments[0].select("mark")]

    def test_a_page_of_results_stays_within_its_query_budget(
        self, client, corpus, django_assert_max_num_queries
    ):
        # The steady state: the first view of a thumbnail creates its rendition, the first
        # page of the site its navigation settings.
        for _ in range(2):
            page_of(client.get("/fr/search/", {"q": "tisserand"}))
        with django_assert_max_num_queries(SEARCH_QUERY_BUDGET):
            html = page_of(client.get("/fr/search/", {"q": "tisserand"}))
        assert result_titles(html)

    def test_results_cost_the_same_queries_whatever_their_number(
        self, client, corpus, django_assert_max_num_queries
    ):
        # Each search runs twice: the first view of a thumbnail creates its rendition.
        page_of(client.get(SEARCH, {"q": "tisserand"}))
        with django_assert_max_num_queries(1000) as captured:
            page_of(client.get(SEARCH, {"q": "tisserand"}))
            few = len(captured)
        for n in range(6):
            item = PublishedItemFactory(
                institution=corpus["photo"].institution,
                title=f"Métier à tisser n° {n}",
                trades=[corpus["weaver"]],
            )
            ItemImageFactory(item=item)
        reindex()
        page_of(client.get(SEARCH, {"q": "tisserand"}))
        with django_assert_max_num_queries(few):
            html = page_of(client.get(SEARCH, {"q": "tisserand"}))
        assert len(result_titles(html)) == 8

    def test_an_empty_search_lists_every_visible_item(self, client, corpus):
        html = page_of(client.get(SEARCH))

        assert set(result_titles(html)) == {
            corpus["photo"].title,
            corpus["interview"].title,
            corpus["mine"].title,
        }
        assert "3" in html.select_one("#result-count").get_text()
        assert html.select_one("#result-count")["aria-live"] == "polite"

    # --- facets, state, pagination -----------------------------------------------------------

    def test_facets_count_every_result_and_draw_trees(self, client, corpus):
        html = page_of(client.get(SEARCH))

        trades = facet(html, "trade")
        assert {label: e["count"] for label, e in trades.items()} == {
            "Textile": 2,
            "Weaver": 2,
            "Mines": 1,
            "Mineur de fond": 1,
        }
        assert trades["Weaver"]["depth"] == trades["Textile"]["depth"] + 1
        places = facet(html, "place")
        assert {label: e["count"] for label, e in places.items()} == {
            "Hauts-de-France": 3,
            "Roubaix": 2,
            "Oignies": 1,
        }
        assert places["Roubaix"]["depth"] == places["Hauts-de-France"]["depth"] + 1
        assert {k: e["count"] for k, e in facet(html, "kind").items()} == {
            "Photo": 2,
            "Oral history": 1,
        }
        # A period counts in every decade it touches: 1950–1960 in the fifties and the sixties.
        assert {k: e["count"] for k, e in facet(html, "decade").items()} == {
            "1950–1959": 2,
            "1960–1969": 3,
            "1970–1979": 1,
        }
        assert {k: e["count"] for k, e in facet(html, "institution").items()} == {
            "Musée de la Filature": 2,
            "Centre minier": 1,
        }
        assert {k: e["count"] for k, e in facet(html, "tag").items()} == {
            "tissage": 2,
            "témoignage": 1,
        }

    def test_a_facet_link_toggles_its_filter_and_shows_it_selected(self, client, corpus):
        html = page_of(client.get(SEARCH, {"q": "métiers"}))
        weaver = facet(html, "trade")["Weaver"]
        assert not weaver["selected"]
        assert params(weaver["href"]) == [("q", "métiers"), ("trade", "tisserand")]

        html = page_of(client.get(SEARCH + weaver["href"]))
        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}
        weaver = facet(html, "trade")["Weaver"]
        assert weaver["selected"]
        assert params(weaver["href"]) == [("q", "métiers")]
        # The search box keeps the filter for the next words typed.
        form = html.select_one("form#search-form")
        assert form.select_one("input[type=hidden][name=trade]")["value"] == "tisserand"

    def test_a_region_replaces_the_other_and_a_decade_sets_the_period(self, client, corpus):
        html = page_of(client.get(SEARCH, {"commune": "Roubaix"}))
        region = facet(html, "place")["Hauts-de-France"]
        assert params(region["href"]) == [("region", "Hauts-de-France")]

        html = page_of(client.get(SEARCH))
        seventies = facet(html, "decade")["1970–1979"]
        assert params(seventies["href"]) == [("from", "1970"), ("to", "1979")]
        html = page_of(client.get(SEARCH + seventies["href"]))
        assert result_titles(html) == [corpus["interview"].title]
        assert facet(html, "decade")["1970–1979"]["selected"]

    def test_a_parent_trade_finds_the_items_of_its_trades(self, client, corpus):
        html = page_of(client.get(SEARCH, {"trade": "textile"}))

        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}

    @pytest.mark.parametrize(
        "value", ["tisserand", "Tisserand", "weaver", "WEAVER", "{pk}", "{pk_en}"], ids=str
    )
    def test_a_trade_is_named_by_slug_label_in_any_language_or_id(self, client, corpus, value):
        weaver = corpus["weaver"]
        english = Trade.objects.get(
            translation_key=weaver.translation_key, locale__language_code="en"
        )
        value = value.format(pk=weaver.pk, pk_en=english.pk)

        html = page_of(client.get(SEARCH, {"trade": value}))

        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}
        assert notices(html) == ""
        # Whatever the spelling, the state is shared by slug.
        assert html.select_one("input[type=hidden][name=trade]")["value"] == "tisserand"

    def test_every_state_is_one_shareable_url(self, client, corpus):
        state = {
            "q": "tisser",
            "trade": "tisserand",
            "region": "hauts-de-france",
            "kind": "photo",
            "from": "1950",
            "to": "1960",
            "sort": "oldest",
        }
        html = page_of(client.get(SEARCH, state))

        assert result_titles(html) == [corpus["photo"].title]
        chips = {
            a.get_text(" ", strip=True).split(" ×")[0]: a["href"] for a in html.select(".chip")
        }
        canonical = [
            ("q", "tisser"),
            ("trade", "tisserand"),
            ("region", "Hauts-de-France"),
            ("kind", "photo"),
            ("from", "1950"),
            ("to", "1960"),
            ("sort", "oldest"),
        ]
        assert params(chips["Kind: Photo"]) == [p for p in canonical if p[0] != "kind"]
        assert params(chips["Period: 1950–1960"]) == [
            p for p in canonical if p[0] not in ("from", "to")
        ]
        assert params(chips["Remove all filters"]) == [("q", "tisser"), ("sort", "oldest")]
        # The form carries the same state: submitting it changes nothing.
        assert sorted(params(submitted(html))) == sorted(canonical)
        assert html.select_one("#search-sort option[selected]")["value"] == "oldest"

    def test_the_form_works_without_javascript(self, client, corpus):
        html = page_of(client.get(SEARCH, {"trade": "tisserand"}))
        form = html.select_one("form#search-form")
        assert form["method"] == "get"
        assert form["action"] == SEARCH
        assert form.select_one("button[type=submit]")
        assert html.select_one("label[for=search-q]")

        # New words keep the trade; typing a place in the place box filters by it.
        html = page_of(client.get(SEARCH + submitted(html, q="métiers")))
        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}
        html = page_of(client.get(SEARCH + submitted(html, q="", trade="", place="oignies")))
        assert result_titles(html) == []  # tisserand + Oignies: nothing
        assert "Commune: Oignies" in [
            c.get_text(" ", strip=True).split(" ×")[0] for c in html.select(".chip")
        ]
        # The autocomplete lists work without JavaScript too: the page fills them.
        options = [
            o["value"] for o in page_of(client.get(SEARCH)).select("#trade-suggestions option")
        ]
        assert "Weaver" in options and "Mineur de fond" in options

    def test_results_are_paginated_with_links_that_keep_the_search(self, client, corpus):
        for n in range(PER_PAGE + 3):
            PublishedItemFactory(
                institution=corpus["photo"].institution,
                title=f"Navette n° {n:02d}",
                published_at=timezone.now() - datetime.timedelta(days=n),
            )
        reindex()

        html = page_of(client.get(SEARCH, {"q": "navette", "sort": "newest"}))
        assert len(result_titles(html)) == PER_PAGE
        next_link = html.select_one(".search-pagination a[rel=next]")["href"]
        assert params(next_link) == [("q", "navette"), ("sort", "newest"), ("page", "2")]
        html = page_of(client.get(SEARCH + next_link))
        assert len(result_titles(html)) == 3
        assert html.select_one(".search-pagination [aria-current=page]").get_text() == "2"
        assert params(html.select_one(".search-pagination a[rel=prev]")["href"]) == [
            ("q", "navette"),
            ("sort", "newest"),
        ]

    @pytest.mark.parametrize(
        ("page", "shown", "message"),
        [
            ("9", 2, "There is no page 9: showing the last page."),
            ("99999999999999999999999999", 2, "showing the last page"),
            ("-3", 1, "There is no page -3: showing the first page."),
            ("0", 1, "showing the first page"),
            ("deux", 1, "The page number could not be read"),
        ],
    )
    def test_a_page_out_of_range_shows_the_nearest_page_and_says_so(
        self, client, corpus, page, shown, message
    ):
        for n in range(PER_PAGE + 1):
            PublishedItemFactory(institution=corpus["photo"].institution, title=f"Navette {n}")
        reindex()

        html = page_of(client.get(SEARCH, {"q": "navette", "page": page}))

        assert html.select_one(".search-pagination [aria-current=page]").get_text() == str(shown)
        assert len(result_titles(html)) == (PER_PAGE if shown == 1 else 1)
        assert message in notices(html)

    # --- hostile input -----------------------------------------------------------------------

    def test_a_very_long_query_is_cut_and_the_visitor_told(self, client, corpus):
        html = page_of(client.get(SEARCH, {"q": "tissage " * 625}))  # 5,000 characters

        assert f"only its first {MAX_QUERY_LENGTH} characters" in notices(html)
        assert len(html.select_one("#search-q")["value"]) <= MAX_QUERY_LENGTH
        assert corpus["photo"].title in result_titles(html)

    def test_nul_bytes_and_control_characters_are_removed(self, client, corpus):
        response = client.get(
            SEARCH, {"q": "tiss\x00age\x07", "trade": "tisse\x00rand", "page": "1\x00"}
        )
        html = page_of(response)

        assert b"\x00" not in response.content
        assert html.select_one("#search-q")["value"] == "tissage"
        assert corpus["photo"].title in result_titles(html)
        assert html.select_one("input[type=hidden][name=trade]")["value"] == "tisserand"

    @pytest.mark.parametrize(
        "param", ["q", "trade", "region", "tag", "bbox", "sort", "page", "place"]
    )
    def test_markup_is_never_reflected(self, client, corpus, param):
        attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
        response = client.get(SEARCH, {param: attack})
        html = page_of(response)

        assert b"<script>alert" not in response.content
        assert b"<img src=x" not in response.content
        assert not html.select("img[onerror]")
        if param == "q":
            assert html.select_one("#search-q")["value"] == attack
            assert "&lt;script&gt;" in response.content.decode()

    @pytest.mark.parametrize(
        "bbox",
        [
            "1,2,3",
            "a,b,c,d",
            "nan,0,1,1",
            "0,0,inf,1",
            "91,0,92,1",
            "10,20,5,30",
            "0,170,10,-170",
            "50.5,3,50.5,3.2",
            "50.5,3.1,50.7,3.1",
            "1,2,3,4,5",
            "",
            ",,,",
        ],
    )
    def test_a_malformed_map_area_is_ignored_with_a_message(self, client, corpus, bbox):
        html = page_of(client.get(SEARCH, {"bbox": bbox}))

        assert len(result_titles(html)) == 3
        assert not html.select("input[type=hidden][name=bbox]")
        if bbox:
            assert "The map area could not be read" in notices(html)

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"trade": "chaudronnier-du-ciel"}, "Unknown trade “chaudronnier-du-ciel” ignored."),
            ({"region": "Atlantide"}, "Unknown region “Atlantide” ignored."),
            ({"commune": "Ys"}, "Unknown commune “Ys” ignored."),
            ({"country": "ZZ"}, "Unknown country “ZZ” ignored."),
            ({"kind": "sculpture"}, "Unknown kind of item “sculpture” ignored."),
            ({"institution": "NOPE"}, "Unknown institution “NOPE” ignored."),
            ({"tag": "inexistant"}, "Unknown tag “inexistant” ignored."),
            ({"place": "Nulle-Part"}, "Unknown place “Nulle-Part” ignored."),
            ({"sort": "random"}, "Unknown sort order ignored"),
            ({"from": "MCMLV"}, "“MCMLV” is not a year between 1000 and 2100"),
            ({"to": "99999"}, "“99999” is not a year"),
            ({"zoom": "99"}, "The map zoom could not be read"),
            ({"from": "1980", "to": "1950"}, "The period was given backwards"),
            ({"kind": ["photo"] * 30}, "Only the first 20 values of a filter are used."),
        ],
        ids=lambda v: str(v)[:40],
    )
    def test_unknown_filter_values_are_ignored_with_a_message(self, client, corpus, query, message):
        html = page_of(client.get(SEARCH, query))

        assert message in notices(html)
        assert result_titles(html)  # the rest of the search still runs

    def test_parameters_of_other_sites_are_ignored_silently(self, client, corpus):
        html = page_of(client.get(SEARCH, {"utm_source": "newsletter", "fbclid": "x"}))

        assert notices(html) == ""
        assert not html.select("input[type=hidden][name=utm_source]")

    def test_only_get_is_answered(self, client, corpus):
        assert client.post(SEARCH, {"q": "tissage"}).status_code == 405

    def test_an_unreachable_engine_gives_a_friendly_503(self, client, corpus, settings):
        # A real Elasticsearch engine pointed at a port where nothing listens.
        settings.ARCHIVE_SEARCH = {
            "ENGINE": "elasticsearch",
            "URLS": ["http://127.0.0.1:9"],
            "INDEX": "nowhere",
            "TIMEOUT": 1.0,
        }
        response = client.get(SEARCH, {"q": "tissage", "trade": "tisserand"})

        assert response.status_code == 503
        html = BeautifulSoup(response.content, "html.parser")
        assert "Search is unavailable for a moment." in html.select_one("[role=alert]").get_text()
        assert html.select_one("#search-q")["value"] == "tissage"
        suggest = client.get("/en/search/suggest/", {"field": "trade", "q": "tis"})
        assert suggest.status_code == 503
        assert suggest.json()["suggestions"] == []

    # --- only what may be seen -----------------------------------------------------------------

    def test_anonymous_visitors_never_see_hidden_items(self, client, corpus):
        for query in ({"q": SECRET_WORD}, {"q": "Dossier"}, {"trade": "verrier"}):
            html = page_of(client.get(SEARCH, query))
            assert result_titles(html) == [], query
            assert not html.select(".search-result")

        html = page_of(client.get(SEARCH))
        text = html.select_one(".search-filters").get_text()
        for word in ("Verrier", "secret", "Marseille", "Provence"):
            assert word not in text
        assert sum(c["count"] for c in map_data(html)) == 3
        assert all(c["lat"] > 45 for c in map_data(html))  # nothing at Marseille
        for field, prefix in (("trade", "verr"), ("place", "mars"), ("place", "prov")):
            response = client.get("/fr/search/suggest/", {"field": field, "q": prefix})
            assert response.json()["suggestions"] == [], (field, prefix)

    @pytest.mark.parametrize(
        "name",
        [
            "draft",
            "rejected",
            "withdrawn",
            "members-only",
            "restricted",
            "embargoed",
            "research-only",
            "consent-withdrawn",
        ],
    )
    def test_each_kind_of_hidden_item_stays_out_of_results_facets_and_map(
        self, client, corpus, name
    ):
        item = corpus["hidden"][name]
        assert not items_viewable_by(user=AnonymousUser()).filter(pk=item.pk).exists()

        html = page_of(client.get(SEARCH, {"q": f"{SECRET_WORD} {name}"}))

        assert item.title not in html.get_text()
        assert not facet(html, "tag")
        assert map_data(html) == []

    def test_a_hidden_place_or_tag_is_as_unknown_as_a_misspelt_one(self, client, corpus):
        html = page_of(client.get(SEARCH, {"region": "Provence", "tag": "secret"}))

        assert "Unknown region “Provence” ignored." in notices(html)
        assert "Unknown tag “secret” ignored." in notices(html)

    def test_an_item_withdrawn_before_the_index_catches_up_is_not_shown(self, client, corpus):
        photo = corpus["photo"]
        # Behind the outbox's back, as if its task had not been applied yet.
        ArchiveItem.objects.filter(pk=photo.pk).update(status=ArchiveItem.Status.WITHDRAWN)

        html = page_of(client.get(SEARCH, {"trade": "tisserand"}))

        assert result_titles(html) == [corpus["interview"].title]

    def test_members_see_nothing_more_in_public_search(self, client, corpus):
        contributor = ContributorFactory(institution=corpus["photo"].institution)
        client.force_login(contributor.user)

        html = page_of(client.get(SEARCH, {"q": SECRET_WORD}))

        assert result_titles(html) == []

    # --- map and autocomplete ------------------------------------------------------------------

    def test_the_map_gets_clusters_and_a_map_area_filters(self, client, corpus):
        html = page_of(client.get(SEARCH))
        clusters = map_data(html)
        assert sorted(c["count"] for c in clusters) == [1, 2]
        single = next(c for c in clusters if c["count"] == 1)
        assert single["url"] == f"/en/archive/{corpus['mine'].identifier}/"
        assert single["title"] == corpus["mine"].title
        assert html.select_one("[data-search-area]").get_text(strip=True) == "Search this area"

        # Around Roubaix only: the mine at Oignies is outside.
        html = page_of(client.get(SEARCH, {"bbox": "50.6,3.0,50.8,3.3"}))
        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}
        assert sum(c["count"] for c in map_data(html)) == 2
        assert html.select_one("#search-map")["data-bbox"] == "50.6,3.0,50.8,3.3"
        assert "Map area" in [
            c.get_text(" ", strip=True).split(" ×")[0] for c in html.select(".chip")
        ]

    def test_autocomplete_suggests_trades_and_places(self, client, corpus):
        url = "/fr/search/suggest/"

        assert client.get(url, {"field": "trade", "q": "tis"}).json()["suggestions"] == [
            "Tisserand"
        ]
        assert client.get("/en/search/suggest/", {"field": "trade", "q": "wea"}).json()[
            "suggestions"
        ] == ["Weaver"]
        assert "Roubaix" in client.get(url, {"field": "place", "q": "rou"}).json()["suggestions"]
        assert client.get(url, {"field": "trade", "q": ""}).json()["suggestions"] == []
        hostile = client.get(url, {"field": "trade", "q": "t\x00is" + "s" * 5000})
        assert hostile.status_code == 200
        assert hostile.json()["query"] == ("tis" + "s" * 5000)[:SUGGEST_MAX_LENGTH]
        wrong = client.get(url, {"field": "password", "q": "x"})
        assert wrong.status_code == 400
        assert wrong.json()["suggestions"] == []

    # --- empty results -------------------------------------------------------------------------

    def test_an_empty_result_suggests_which_filter_to_remove(self, client, corpus):
        html = page_of(
            client.get(SEARCH, {"q": "tissage", "trade": "mineur-de-fond", "kind": "photo"})
        )

        assert result_titles(html) == []
        empty = html.select_one(".search-empty")
        assert "No item matches this search." in empty.get_text()
        links = {a.get_text(strip=True): a["href"] for a in empty.select("a")}
        assert params(links["Without “Trade: Mineur de fond”"]) == [
            ("q", "tissage"),
            ("kind", "photo"),
        ]
        assert params(links["Without “Kind: Photo”"]) == [
            ("q", "tissage"),
            ("trade", "mineur-de-fond"),
        ]
        assert params(links["Without any filter"]) == [("q", "tissage")]
        html = page_of(client.get(SEARCH + links["Without “Trade: Mineur de fond”"]))
        assert result_titles(html) == [corpus["photo"].title]

    # --- Elasticsearch --------------------------------------------------------------------------

    def test_the_same_page_works_through_the_elasticsearch_engine(self, client, corpus, es_engine):
        es_engine.rebuild()

        html = page_of(client.get(SEARCH, {"q": "tisserands", "region": "Hauts-de-France"}))

        assert set(result_titles(html)) == {corpus["photo"].title, corpus["interview"].title}
        assert facet(html, "trade")["Weaver"]["count"] == 2
        assert sum(c["count"] for c in map_data(html)) == 2
        html = page_of(client.get(SEARCH, {"q": SECRET_WORD}))
        assert result_titles(html) == []


# --- pages of the site ---------------------------------------------------------------------


def test_news_pages_are_found_in_their_own_section_in_the_visitors_language(
    client, site_tree, empty_cache
):
    news = NewsIndexPageFactory(parent=site_tree.home, title="Actualités", slug="actualites")
    article = NewsPageFactory(
        parent=news,
        title="Les tisserands de Roubaix à l’honneur",
        date=datetime.date(2026, 3, 14),
    )
    NewsPageFactory(parent=news, title="Fermeture estivale", intro="Le musée ferme en août.")
    draft = NewsPageFactory(parent=news, title="Tisserands : brouillon", live=False)

    html = page_of(client.get("/fr/search/", {"q": "tisserands"}))

    section = html.select_one("section.search-pages")
    links = {a.get_text(strip=True): a["href"] for a in section.select("a.search-page__title")}
    assert links == {article.title: article.url}
    assert draft.title not in section.get_text()
    row = section.select_one(".search-page").get_text(" ", strip=True)
    assert "14 mars 2026" in row
    assert re.match(r"1\D", section.select_one("p.muted").get_text(strip=True))
    # Other languages' pages stay in their language.
    english = page_of(client.get("/en/search/", {"q": "tisserands"}))
    assert english.select_one("section.search-pages") is None


# --- the demo site ---------------------------------------------------------------------------

WEAVING_IN_HAUTS_DE_FRANCE = {
    "FAB-FVAN-0001",
    "FAB-FVAN-0002",
    "FAB-FVAN-0003",
    "FAB-FVAN-0004",
    "FAB-VTHI-0001",
}


@pytest.fixture(scope="module")
def demo(demo, django_db_blocker):
    """tests/conftest.py's demo, indexed: no on_commit indexing runs inside its transaction."""
    with django_db_blocker.unblock():
        reindex()
    return demo


def identifiers(html: BeautifulSoup) -> set[str]:
    return {re.sub(r"^result-", "", h["id"]) for h in html.select(".search-result__title[id]")}


@pytest.mark.slow
def test_the_demo_finds_the_same_weaving_items_in_french_and_english(demo_db, client):
    found = {
        "tisserand": identifiers(page_of(client.get("/fr/search/", {"q": "tisserand"}))),
        "tisserands": identifiers(page_of(client.get("/fr/search/", {"q": "tisserands"}))),
        "weaver": identifiers(page_of(client.get("/en/search/", {"q": "weaver"}))),
    }

    assert found["tisserand"] == found["tisserands"] == found["weaver"]
    weaving = {
        item.identifier
        for item in items_viewable_by(user=AnonymousUser()).filter(trades__slug="tisserand")
    }
    assert found["weaver"] == weaving
    assert weaving > WEAVING_IN_HAUTS_DE_FRANCE  # and the Lyon postcard


@pytest.mark.slow
def test_the_demo_filters_weavers_in_hauts_de_france_with_facets_and_a_map(demo_db, client):
    html = page_of(client.get("/en/search/", {"trade": "Weaver", "region": "Hauts-de-France"}))

    assert identifiers(html) == WEAVING_IN_HAUTS_DE_FRANCE
    weaver = facet(html, "trade")["Weaver"]
    assert (weaver["count"], weaver["selected"]) == (5, True)
    assert facet(html, "trade")["Textiles"]["count"] == 5
    places = facet(html, "place")
    assert places["Hauts-de-France"]["selected"]
    assert (places["Roubaix"]["count"], places["Fourmies"]["count"]) == (4, 1)
    assert {k: e["count"] for k, e in facet(html, "kind").items()} == {
        "Photo": 2,
        "Oral history": 2,
        "Savoir-faire": 1,
    }
    assert sum(c["count"] for c in map_data(html)) == 5
    assert html.select_one("#search-map")
