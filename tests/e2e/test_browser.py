"""The public site in a real browser: headless Chromium driven by Playwright, with axe-core.

Chromium comes from the distribution (`apt-get install chromium`; .ci/run installs it); no
browser is ever downloaded. Pages are served by pytest-django's live server, from the
multilingual site of tests/factories/sites.py.
"""

import os
import shutil

from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType

from wagtail.models import Collection, Locale, Page

import pytest

from config.headers import content_security_policy
from home.models import EventSite
from tests.factories.items import PublishedItemFactory, PublishedOralHistoryFactory
from tests.factories.sites import SITE_PATHS, build_multilingual_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Rules checked whatever the impact axe gives them (heading-order is "moderate").
ALWAYS_CHECKED = {"heading-order"}
# Map tiles point at a closed port: the pages must still work when tiles cannot load.
UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"

pytestmark = [
    pytest.mark.slow,
    # The live server reads committed data; tests/conftest.py runs these tests last.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def use_unreachable_tiles(settings):
    """Map tiles from a closed port, which the Content-Security-Policy allows like the real
    tile host: the page is tested without tiles, not against a policy that blocks them."""
    settings.MAP_TILE_URL = UNREACHABLE_TILES
    settings.CONTENT_SECURITY_POLICY = content_security_policy(
        map_tile_url=UNREACHABLE_TILES,
        media_sources=[],
        frame_sources=django_settings.CSP_FRAME_SOURCES,
        report_uri=django_settings.CSP_REPORT_URI,
    )


@pytest.fixture
def site(transactional_db, live_server, settings, empty_cache):
    use_unreachable_tiles(settings)
    ensure_wagtail_roots()
    return build_multilingual_site()


def ensure_wagtail_roots():
    """Earlier transactional tests end by emptying every table, including the root page and
    root collection that Wagtail's migrations create, and the content types and permissions
    that post_migrate creates: put them back."""
    ContentType.objects.clear_cache()  # cached ids may name rows that are gone
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    locale, _ = Locale.objects.get_or_create(language_code=django_settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def serious_violations(tab) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical") or violation["id"] in ALWAYS_CHECKED
    ]


def check_accessibility(page, live_server, paths):
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}


def check_directory_map(page, live_server):
    page.goto(live_server.url + SITE_PATHS["fr"]["members"])
    page.wait_for_selector(".map--ready")
    listed = page.locator(".members > li.member").count()
    markers = page.locator(".leaflet-interactive").count()
    located = page.evaluate("JSON.parse(document.getElementById('member-map-data').textContent)")
    assert listed >= 2
    assert markers == len(located) >= 1
    # A marker leads to its member in the list.
    page.locator(".leaflet-interactive").first.click()
    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href").startswith("#member-")


def check_registration_form(page, live_server, site):
    event = site.fr["event"]
    row = EventSite.objects.filter(page=event).first()
    row.capacity = 30
    row.save()
    page.goto(f"{live_server.url}{event.url}register/{row.pk}/")
    organisation = page.locator('input[name="organisation"]')
    assert organisation.is_hidden()
    page.locator('input[name="kind"][value="group"]').check()
    assert organisation.is_visible()
    assert serious_violations(page) == []


def test_the_public_site_in_a_browser(page, live_server, site):
    """One test, one site build: the live server needs committed data, which is flushed
    after each test."""
    check_accessibility(
        page,
        live_server,
        [
            SITE_PATHS[language][key]
            for language in ("fr", "en")
            for key in ("home", "news", "article", "programme", "event", "members", "contact")
        ],
    )
    check_directory_map(page, live_server)
    check_registration_form(page, live_server, site)
    # Last: the items' institutions would add members to the directory's map.
    PublishedItemFactory()
    PublishedOralHistoryFactory()
    check_accessibility(page, live_server, ["/fr/archive/", "/en/archive/"])
