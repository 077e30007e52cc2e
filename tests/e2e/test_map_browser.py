"""The heritage map in headless Chromium, its data answered by a stand-in for the map API
(/api/v1/map/, intercepted by Playwright): markers and clusters, the layer and trade filters,
the keyboard, "Search this area", axe, and no error in the console.

Same machinery as tests/e2e/test_browser.py (its browser, its axe check, unreachable tiles).
"""

import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.test_browser import (  # noqa: F401  `browser` is a fixture used here
    CHROMIUM,
    UNREACHABLE_TILES,
    browser,
    ensure_wagtail_roots,
    serious_violations,
    use_unreachable_tiles,
)
from tests.factories import MapPageFactory, MemberFactory, TradeFactory
from tests.factories.sites import build_site_tree

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]


def point(layer, lat, lon, title, trades=(), **extra):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "layer": layer,
            "title": title,
            "url": f"/fr/{layer}/{title}/",
            "trades": list(trades),
            **extra,
        },
    }


# Two members a few hundred metres apart (clustered by the page), a site, and the archive's
# items as the server clusters them at low zoom.
FEATURES = [
    point("members", 50.6901, 3.1817, "Manufacture", ["tisserand"]),
    point("members", 50.6920, 3.1850, "Filature", ["tisserand"]),
    point("sites", 49.5005, 5.9470, "Halles du Minett"),
    point(
        "items",
        50.4,
        3.0,
        "",
        cluster=True,
        count=120,
        bbox="50.0,2.5,50.8,3.5",
    ),
]


class FakeMapApi:
    """Answers like the map API: the requested layers, the requested trade; remembers the
    queries it was asked."""

    def __init__(self):
        self.queries: list[dict] = []

    def handle(self, route):
        query = parse_qs(urlsplit(route.request.url).query)
        self.queries.append(query)
        layers = query.get("layer", ["members", "sites", "items"])
        trade = query.get("trade", [""])[0]
        features = [
            f
            for f in FEATURES
            if f["properties"]["layer"] in layers
            and (not trade or trade in f["properties"]["trades"] or f["properties"].get("cluster"))
        ]
        route.fulfill(
            status=200,
            content_type="application/geo+json",
            body=json.dumps({"type": "FeatureCollection", "features": features}),
        )


@pytest.fixture
def heritage(transactional_db, live_server, settings, empty_cache):
    use_unreachable_tiles(settings)
    ensure_wagtail_roots()
    tree = build_site_tree()
    TradeFactory(name="Tisserand", slug="tisserand")
    MemberFactory(
        name="Manufacture", commune="Roubaix", latitude=Decimal("50.69"), longitude=Decimal("3.18")
    )
    # The map opens on the members' area: from Roubaix to Esch-sur-Alzette.
    MemberFactory(
        name="Musée national des mines",
        commune="Rumelange",
        latitude=Decimal("49.46"),
        longitude=Decimal("6.03"),
    )
    MemberFactory(name="Filature", commune="Roubaix", located=False)
    return MapPageFactory(parent=tree.home, slug="carte")


@pytest.fixture
def tab(browser, heritage):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    api = FakeMapApi()
    page.route(re.compile(r".*/api/v1/map/.*"), api.handle)
    page.api = api
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            # The tiles' server is unreachable on purpose.
            and not message.location.get("url", "").startswith("http://127.0.0.1:9/")
            and page.errors.append(message.text)
        ),
    )
    yield page
    context.close()


def last_query(tab) -> dict:
    return tab.api.queries[-1]


def wait_for_query(tab, count: int) -> dict:
    for _ in range(50):
        if len(tab.api.queries) >= count:
            return tab.api.queries[count - 1]
        tab.wait_for_timeout(100)
    raise AssertionError(f"the map asked the API {len(tab.api.queries)} times, not {count}")


def test_the_heritage_map_in_a_browser(tab, live_server):
    tab.goto(f"{live_server.url}/fr/carte/")
    tab.wait_for_selector(".map--ready")

    # The API was asked for the three layers of the visible area, in the page's language.
    query = wait_for_query(tab, 1)
    assert query["layer"] == ["members", "sites", "items"]
    assert query["lang"] == ["fr"]
    south, west, north, east = map(float, query["bbox"][0].split(","))
    assert south < 50.69 < north and west < 3.18 < east
    assert 0 <= int(query["zoom"][0]) <= 20
    # The two members close together form one cluster; the server's cluster shows its count.
    members = tab.locator(".heritage-cluster--members")
    assert members.count() == 1 and members.inner_text().strip().startswith("2")
    items = tab.locator(".heritage-cluster--items")
    assert items.inner_text().strip().startswith("120")
    assert tab.locator(".heritage-marker--sites").count() == 1
    assert serious_violations(tab) == []

    # Turning a layer off removes its markers and asks the API without it.
    asked = len(tab.api.queries)
    tab.locator('input[name="layer"][value="sites"]').uncheck()
    query = wait_for_query(tab, asked + 1)
    assert query["layer"] == ["members", "items"]
    tab.locator(".heritage-marker--sites").wait_for(state="detached")
    assert "layer=members&layer=items" in tab.url

    # A trade goes to the API, and its answer is what the map shows.
    asked = len(tab.api.queries)
    tab.select_option("#map-trade", "tisserand")
    query = wait_for_query(tab, asked + 1)
    assert query["trade"] == ["tisserand"]
    tab.locator('input[name="layer"][value="items"]').uncheck()
    wait_for_query(tab, asked + 2)
    tab.locator(".heritage-cluster--items").wait_for(state="detached")
    assert tab.locator(".heritage-cluster--members").count() == 1

    # Keyboard: from the trade filter, Tab reaches the button and the markers; Enter on a
    # cluster zooms into it (and the map asks for the new area).
    tab.focus("#map-trade")
    reached = []
    for _ in range(25):
        tab.keyboard.press("Tab")
        reached.append(tab.evaluate("document.activeElement.className || ''"))
        if "heritage-cluster" in reached[-1]:
            break
    assert "heritage-cluster" in reached[-1], reached
    zoom = int(last_query(tab)["zoom"][0])
    asked = len(tab.api.queries)
    tab.keyboard.press("Enter")
    query = wait_for_query(tab, asked + 1)
    assert int(query["zoom"][0]) > zoom

    # "Search this area" opens the archive search, in French, on the map's area.
    button = tab.locator("[data-search-area]")
    assert button.is_visible()
    button.click()
    tab.wait_for_url(re.compile(r"/fr/search/\?"))
    params = parse_qs(urlsplit(tab.url).query)
    south, west, north, east = map(float, params["bbox"][0].split(","))
    assert -90 <= south < north <= 90 and -180 <= west < east <= 180
    assert params["trade"] == ["tisserand"]
    assert "zoom" in params

    assert tab.errors == []


def test_the_list_is_there_when_the_api_fails(tab, live_server):
    tab.unroute(re.compile(r".*/api/v1/map/.*"))
    tab.route(re.compile(r".*/api/v1/map/.*"), lambda route: route.fulfill(status=503, body=""))
    tab.errors = []

    tab.goto(f"{live_server.url}/fr/carte/")

    status = tab.locator("[data-map-status]")
    status.wait_for(state="visible")
    tab.wait_for_function("document.querySelector('[data-map-status]').textContent.length > 0")
    assert "ci-dessous" in status.inner_text()
    assert tab.locator("#map-list li").count() >= 2
