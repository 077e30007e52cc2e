"""The search page in headless Chromium: axe finds no serious problem, the map draws the
results' clusters, and "Search this area" and sorting work with JavaScript.

Same machinery as tests/e2e/test_browser.py (its browser, its axe check), with the small
corpus of tests/search/test_views.py served by pytest-django's live server.
"""

import re

import pytest

from search.engines import get_engine
from tests.e2e.test_browser import (  # noqa: F401  `browser` is a fixture used here
    CHROMIUM,
    UNREACHABLE_TILES,
    browser,
    ensure_wagtail_roots,
    serious_violations,
)
from tests.search.test_views import build_corpus, build_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]


@pytest.fixture
def corpus(transactional_db, live_server, settings, empty_cache):
    settings.MAP_TILE_URL = UNREACHABLE_TILES
    ensure_wagtail_roots()
    build_site()
    corpus = build_corpus()
    get_engine().rebuild()
    return corpus


@pytest.fixture
def tab(browser, corpus):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_search_page_in_a_browser(tab, live_server, corpus):
    tab.goto(f"{live_server.url}/en/search/?q=métiers")
    tab.wait_for_selector(".map--ready")

    assert tab.locator(".search-result").count() == 2
    # Both results are in Roubaix: one marker, labelled with its count.
    markers = tab.locator(".search-cluster")
    assert markers.count() == 1
    assert markers.first.get_attribute("aria-label").startswith("2 items")
    assert serious_violations(tab) == []

    # Moving the map offers to search its area, which puts the bounds in the URL.
    search_area = tab.locator("[data-search-area]")
    assert search_area.is_hidden()
    tab.locator(".leaflet-control-zoom-out").click()
    search_area.wait_for(state="visible")
    search_area.click()
    tab.wait_for_url(re.compile(r"bbox=[-0-9.]+(%2C|,)"))
    assert "zoom=" in tab.url
    assert tab.locator(".search-result").count() == 2

    # Sorting applies as soon as it is chosen.
    tab.select_option("#search-sort", "oldest")
    tab.wait_for_url(re.compile(r"sort=oldest"))
    assert "bbox=" in tab.url and "q=" in tab.url
