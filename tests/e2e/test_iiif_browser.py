"""The item page's zoom in a real browser: OpenSeadragon reads the photo's IIIF tiles.

Headless Chromium from the distribution, as in test_browser.py; the live server serves the
page, the image service and the tiles (local storage), made when a moderator publishes.
"""

import os

import pytest

from archive import services
from archive.models import ArchiveItem, ItemImage
from tests.archive.test_privacy import stored_image
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, UNREACHABLE_TILES, ensure_wagtail_roots
from tests.factories.archive import ArchiveItemFactory, InstitutionFactory, moderator
from tests.factories.sites import build_multilingual_site
from tests.opendata.test_iiif import big_photo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]


@pytest.fixture
def photo(transactional_db, live_server, settings, empty_cache, local_storage):
    settings.MAP_TILE_URL = UNREACHABLE_TILES
    ensure_wagtail_roots()
    build_multilingual_site()
    institution = InstitutionFactory(code="CMSH")
    item = ArchiveItemFactory(institution=institution, kind=ArchiveItem.Kind.PHOTO)
    image = stored_image(big_photo(), collection=institution.collection, title="Chevalement")
    ItemImage.objects.create(item=item, image=image, sort_order=0)
    staff = moderator()
    services.item_submit(item=item, user=staff)
    services.item_publish(item=item, user=staff)  # committed: the tiles are made now
    return item, image


def test_the_zoom_opens_the_tiles_in_openseadragon(live_server, photo):
    item, image = photo
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, tiles = [], []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on(
            "response",
            lambda response: (
                tiles.append(response.status)
                if f"/iiif/image/{image.pk}/" in response.url and response.url.endswith(".jpg")
                else None
            ),
        )
        tab.goto(f"{live_server.url}/fr/archive/{item.identifier}/")
        tab.click("[data-zoom]")
        tab.wait_for_selector(".viewer__deep .openseadragon-canvas canvas", timeout=15000)
        tab.wait_for_function(
            "() => document.querySelector('.viewer__deep') !== null", timeout=5000
        )
        tab.wait_for_timeout(1500)
        assert tiles and all(status == 200 for status in tiles), tiles
        assert errors == []
        assert tab.is_hidden("[data-zoom]")
        tab.keyboard.press("Escape")
        assert tab.is_visible("[data-zoom]")
        browser.close()
