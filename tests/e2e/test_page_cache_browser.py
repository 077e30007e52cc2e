"""Forms on cached pages, in Chromium: one visitor's browser fills the page cache, another
browser with no cookie at all gets those very pages and sends every public form.

Cached pages hold no CSRF token; site/static/js/forms.js fetches one when a form is sent.
"""

import pytest

from home.models import Registration
from home.newsletter.models import Subscription
from tests.e2e.test_browser import (  # noqa: F401  `browser` and `site` are fixtures used here
    CHROMIUM,
    browser,
    site,
)
from tests.factories.sites import SITE_PATHS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def test_a_visitor_sends_every_form_from_pages_cached_for_someone_else(
    browser,  # noqa: F811
    site,  # noqa: F811
    live_server,
    page_cache,
):
    from wagtail.contrib.forms.models import FormSubmission

    paths = [SITE_PATHS["fr"][key] for key in ("home", "contact", "programme")]
    first = browser.new_context()
    warming = first.new_page()
    for path in paths:
        response = warming.goto(live_server.url + path)
        assert (response.status, response.headers["x-cache"]) == (200, "miss"), path
    first.close()

    second = browser.new_context()
    tab = second.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    # Contact form.
    response = tab.goto(live_server.url + SITE_PATHS["fr"]["contact"])
    assert response.headers["x-cache"] == "hit"
    assert second.cookies() == []
    tab.fill("main form [name=nom]", "Inès Lefebvre")
    tab.fill("main form [name=message]", "Peut-on visiter la filature en groupe ?")
    with tab.expect_navigation():
        tab.click("main form button[type=submit]")
    assert "Merci" in tab.inner_text("main")
    assert FormSubmission.objects.filter(page=site.fr["contact"]).count() == 1

    # Newsletter form in the footer of the home page.
    assert tab.goto(live_server.url + "/fr/").headers["x-cache"] == "hit"
    tab.fill(".site-footer [name=email]", "ines@fabrique.invalid")
    tab.check(".site-footer [name=audiences][value=public]")
    with tab.expect_navigation():
        tab.click(".site-footer form button[type=submit]")
    assert tab.url.endswith("/fr/newsletter/check-your-inbox/")
    assert Subscription.objects.filter(email="ines@fabrique.invalid").exists()

    # Registration: from the cached programme page to its (live) form.
    assert tab.goto(live_server.url + SITE_PATHS["fr"]["programme"]).headers["x-cache"] == "hit"
    with tab.expect_navigation():
        tab.click("li.session a.button")
    tab.fill("main form [name=name]", "Inès Lefebvre")
    tab.fill("main form [name=email]", "ines@fabrique.invalid")
    with tab.expect_navigation():
        tab.click("main form button[type=submit]")
    assert Registration.objects.filter(email="ines@fabrique.invalid").count() == 1
    assert "13 places restantes" in tab.inner_text("main")

    second.close()
    assert errors == []
