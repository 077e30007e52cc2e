"""Every public page type in headless Chromium under the site's Content-Security-Policy: the
browser reports no violation (the `securitypolicyviolation` event, or its console message) and
no script error.

Same machinery as tests/e2e/test_browser.py. The policy is rebuilt with the test's own tile and
player hosts (closed ports on this machine), the way config/settings/base.py builds it from
MAP_TILE_URL and CSP_FRAME_SOURCES.
"""

import re

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

import pytest

from archive.models import ArchiveItem, SavoirFaireStep
from config.headers import content_security_policy
from home.models import EventSite, ProgrammeSession
from search.engines import get_engine
from tests.e2e.test_browser import (  # noqa: F401  `browser` is a fixture used here
    CHROMIUM,
    UNREACHABLE_TILES,
    browser,
    ensure_wagtail_roots,
)
from tests.factories.items import (
    ItemImageFactory,
    MediaFileFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)
from tests.factories.sites import SITE_PATHS, build_multilingual_site
from tests.search.test_views import build_corpus, build_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]

PLAYER_HOST = "http://127.0.0.1:9"
VIDEO_URL = "https://www.youtube.com/watch?v=csp-test"
# Collects violations from the first byte of every document, before any page script runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI} at ` +
      `${event.sourceFile}:${event.lineNumber}`
  );
}, true);
"""


@pytest.fixture
def strict_policy(settings):
    settings.MAP_TILE_URL = UNREACHABLE_TILES
    settings.CONTENT_SECURITY_POLICY = content_security_policy(
        map_tile_url=UNREACHABLE_TILES,
        media_sources=[],
        frame_sources=[PLAYER_HOST],
        report_uri=django_settings.CSP_REPORT_URI,
    )


@pytest.fixture
def tab(browser, strict_policy):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            tab.problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()


def visit(tab, url: str, status: int = 200) -> list[str]:
    """Problems the page shows once loaded, with its address in front."""
    tab.problems.clear()
    response = tab.goto(url)
    assert status is None or response.status == status, (url, response.status)
    policy = response.headers.get("content-security-policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src and script_src.group(1).strip() == "'self'", (url, policy)
    tab.wait_for_load_state("load")
    tab.wait_for_timeout(150)  # late scripts (deferred, map drawing) and their violations
    found = tab.problems + tab.evaluate("window.__cspViolations")
    return [f"{url}: {problem}" for problem in found]


def item_url(item, language="fr") -> str:
    with translation.override(language):
        return reverse("archive:detail", args=[item.identifier])


def add_video(page):
    """An Embed block on `page`, its player answered from Wagtail's embed cache (no network)."""
    Embed.objects.create(
        url=VIDEO_URL,
        hash=get_embed_hash(VIDEO_URL),
        type="video",
        html=f'<iframe src="{PLAYER_HOST}/embed/csp-test" width="480" height="270" '
        'title="Vidéo" allowfullscreen></iframe>',
        width=480,
        height=270,
        provider_name="YouTube",
    )
    page.body = [*((block.block_type, block.value) for block in page.body), ("embed", VIDEO_URL)]
    page.save()


def test_no_page_type_breaks_the_content_security_policy(
    tab, live_server, transactional_db, empty_cache
):
    ensure_wagtail_roots()
    site = build_multilingual_site()
    add_video(site.fr["article"])
    session = ProgrammeSession.objects.filter(page=site.fr["programme"]).first()
    session.capacity = 20
    session.save()
    event_site = EventSite.objects.filter(page=site.fr["event"]).first()
    event_site.capacity = 30
    event_site.save()
    photo = PublishedItemFactory()
    ItemImageFactory(item=photo)
    interview = PublishedOralHistoryFactory(
        media=MediaFileFactory(institution=photo.institution), institution=photo.institution
    )
    TranscriptSegmentFactory(item=interview, start_ms=0)
    record = PublishedItemFactory(
        kind=ArchiveItem.Kind.SAVOIR_FAIRE,
        title="Le nouage des fils",
        institution=photo.institution,
    )
    SavoirFaireStep.objects.create(item=record, text="Nouer les fils de chaîne.", sort_order=0)

    base = live_server.url
    pages = [SITE_PATHS["fr"][key] for key in SITE_PATHS["fr"]] + [
        SITE_PATHS["en"]["home"],
        SITE_PATHS["en"]["members"],
        f"{site.fr['programme'].url}register/{session.pk}/",
        f"{site.fr['event'].url}register/{event_site.pk}/",
        "/fr/archive/",
        item_url(photo),
        item_url(interview),
        item_url(record, "en"),
        "/fr/newsletter/",
        "/fr/newsletter/check-your-inbox/",
    ]
    problems = [problem for path in pages for problem in visit(tab, base + path)]
    problems += visit(tab, base + "/fr/newsletter/confirm/not-a-token/", status=None)
    problems += visit(tab, base + "/fr/page-qui-n-existe-pas/", status=404)

    assert problems == []
    # The pages were what they claim: the map, the video and the player were there.
    tab.goto(base + SITE_PATHS["fr"]["members"])
    tab.wait_for_selector(".map--ready")
    tab.goto(base + SITE_PATHS["fr"]["article"])
    assert tab.locator(f'.embed iframe[src^="{PLAYER_HOST}"]').count() == 1


def test_the_search_page_keeps_the_content_security_policy(
    tab, live_server, transactional_db, empty_cache
):
    ensure_wagtail_roots()
    build_site()
    build_corpus()
    get_engine().rebuild()

    problems = visit(tab, f"{live_server.url}/en/search/?q=métiers")
    tab.wait_for_selector(".map--ready")
    assert tab.locator(".search-result").count() == 2
    # Suggestions are fetched as one types (connect-src).
    with tab.expect_response(re.compile(r"/search/suggest/")):
        tab.locator("#search-trade").press_sequentially("Tis")
    tab.wait_for_timeout(150)
    problems += tab.problems + tab.evaluate("window.__cspViolations")

    assert problems == []
