"""`manage.py load_demo`: the demonstration site serves every section in every language (news,
a training programme, events, members on a map), loading it twice changes nothing, and a
visitor clicking through it never meets a broken link.

The demo is loaded once for the module by tests/conftest.py's `demo` fixture, inside a
transaction rolled back at the end; each test runs in its own savepoint on top of it, as usual.
"""

import io
import json
import re
from collections import Counter
from urllib.parse import unquote, urldefrag, urlencode, urljoin, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

import pytest
from bs4 import BeautifulSoup

from archive.models import Member, Trade
from home.models import EventPage, NewsPage, ProgrammePage, TrainingTopic

pytestmark = pytest.mark.slow

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def totals() -> dict:
    """What an editor would count in the admin: pages per language, snippets, images."""
    counts = {
        f"pages {locale.language_code}": Page.objects.filter(locale=locale, depth__gt=1).count()
        for locale in Locale.objects.all()
    }
    counts.update(
        locales=Locale.objects.count(),
        sites=Site.objects.count(),
        members=Member.objects.count(),
        trades=Trade.objects.count(),
        topics=TrainingTopic.objects.count(),
        images=get_image_model().objects.count(),
        renditions=get_image_model().get_rendition_model().objects.count(),
        sessions=sum(p.sessions.count() for p in ProgrammePage.objects.all()),
        event_sites=sum(p.sites.count() for p in EventPage.objects.all()),
        users=get_user_model().objects.count(),
    )
    return counts


def map_markers(html: BeautifulSoup) -> list[dict]:
    """The markers a page's map shows, each checked to point at a place listed on the page."""
    container = html.select_one(".map[data-map]")
    markers = json.loads(html.find("script", id=container["data-map"]).get_text())
    for marker in markers:
        assert html.find(id=marker["id"]) is not None, marker
    return markers


# --- running it again -----------------------------------------------------------------------


def test_the_demo_reports_what_it_loaded(demo_db):
    assert "Pages (live/total)" in demo_db
    assert re.search(r"Snippets: \d+ members", demo_db)
    assert "Admin login" in demo_db


def test_loading_the_demo_again_creates_no_duplicates(demo_db):
    before = totals()
    titles_before = Counter(Page.objects.values_list("locale__language_code", "title"))
    output = io.StringIO()

    call_command("load_demo", stdout=output)

    assert totals() == before
    assert Counter(Page.objects.values_list("locale__language_code", "title")) == titles_before
    assert "Created this run: nothing new" in output.getvalue()
    # Every language has exactly one home page, and the default site serves the French one.
    assert Page.objects.filter(depth=2).count() == len(LANGUAGES)
    assert Site.objects.get(is_default_site=True).root_page.locale.language_code == "fr"


# --- what a visitor finds ------------------------------------------------------------------


# The demo's promise, written out here rather than read from home/demo/content.py, so that a
# page dropped from (or added to) the definitions is noticed: in every language, the home page,
# its six sections, seven news articles, the 2026 programme and four events.
EXPECTED_PAGES = {
    "homepage": 1,
    "standardpage": 1,
    "contactpage": 1,
    "memberdirectorypage": 1,
    "mappage": 1,
    "newsindexpage": 1,
    "newspage": 7,
    "programmeindexpage": 1,
    "programmepage": 1,
    "eventindexpage": 1,
    "eventpage": 4,
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_serves_the_whole_site(demo_db, client, code):
    pages = Page.objects.live().filter(locale__language_code=code, depth__gt=1)

    assert Counter(pages.values_list("content_type__model", flat=True)) == EXPECTED_PAGES
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = BeautifulSoup(response.content, "html.parser")
        assert html.html["lang"] == code, page.url
        assert html.title.get_text().startswith(f"{page.title} – "), page.url
        assert html.select_one("main").get_text(strip=True), page.url


def test_the_heritage_map_serves_the_demo(demo_db, client, subtests):
    for path, language in [
        ("/fr/carte/", "fr"),
        ("/en/map/", "en"),
        ("/de/carte/", "de"),
        ("/lb/carte/", "lb"),
        ("/nl/carte/", "nl"),
    ]:
        with subtests.test(path=path):
            response = client.get(path)
            assert response.status_code == 200
            html = BeautifulSoup(response.content, "html.parser")
            assert html.select_one("[data-heritage-map]")["data-lang"] == language
            # Without JavaScript: the demo's members and its archive's places, in a list.
            assert len(html.select("section[aria-labelledby=map-members-title] li[id]")) == (
                Member.objects.count()
            )
            assert html.select("section[aria-labelledby=map-items-title] li a")


def test_english_is_translated_and_the_other_languages_show_the_french_pages(demo_db, client):
    english = client.get("/en/news/")
    german = client.get("/de/actualites/")

    assert "The 2026 training programme is launched" in english.content.decode()
    assert "Le programme de formation 2026 est lancé" in german.content.decode()
    assert not Page.objects.filter(locale__language_code="en", alias_of__isnull=False).exists()
    for code in ("de", "lb", "nl"):
        aliases = Page.objects.filter(locale__language_code=code, depth__gt=1)
        assert all(page.alias_of_id for page in aliases), code


def test_news_includes_a_press_release_with_its_press_contact(demo_db, client):
    for code in ("fr", "en"):
        news = NewsPage.objects.live().filter(locale__language_code=code)
        assert news.count() >= 6, code
    press = NewsPage.objects.get(locale__language_code="fr", kind=NewsPage.Kind.PRESS_RELEASE)
    assert press.has_press_contact

    response = client.get(press.url)

    assert response.status_code == 200
    contact = BeautifulSoup(response.content, "html.parser").select_one(".press-contact")
    assert press.press_contact_name in contact.get_text()
    assert contact.select_one(f"a[href='mailto:{press.press_contact_email}']") is not None


def test_the_programme_has_exactly_the_three_named_sessions(demo_db, client):
    programme = ProgrammePage.objects.get(locale__language_code="fr")
    sessions = list(programme.sessions.select_related("topic").order_by("starts_at"))
    topics = [session.topic.name for session in sessions]

    assert topics == [
        "Communication et visibilité",
        "Mécénat et financements",
        "Gestion des bénévoles",
    ]
    english = ProgrammePage.objects.get(locale__language_code="en")
    assert [
        s.topic.name for s in english.sessions.select_related("topic").order_by("starts_at")
    ] == [
        "Communication and visibility",
        "Patronage and funding",
        "Managing volunteers",
    ]
    page = client.get(programme.url).content.decode()
    for session in sessions:
        assert session.title in page


def test_the_agenda_has_sainte_barbe_and_four_open_factory_sites(demo_db, client):
    commemoration = EventPage.objects.get(
        locale__language_code="fr", kind=EventPage.Kind.COMMEMORATION
    )
    assert "Sainte-Barbe" in commemoration.title
    open_factory = EventPage.objects.get(
        locale__language_code="fr", kind=EventPage.Kind.OPEN_FACTORY
    )
    sites = list(open_factory.sites.all())
    assert len(sites) == 4
    assert all(site.has_location for site in sites)

    html = BeautifulSoup(client.get(open_factory.url).content, "html.parser")
    assert len(html.select("ul.sites > li")) == 4
    assert sorted(marker["name"] for marker in map_markers(html)) == sorted(s.name for s in sites)


def test_members_across_three_countries_are_on_the_map(demo_db, client):
    members = Member.objects.all()
    assert members.count() >= 8
    assert {m.country for m in members} >= {"FR", "BE", "LU"}
    assert all(member.has_location for member in members)
    assert all(member.logo_id for member in members)
    directory = Page.objects.get(
        locale__language_code="fr", content_type__model="memberdirectorypage"
    )

    html = BeautifulSoup(client.get(directory.url).content, "html.parser")

    text = html.select_one("main").get_text()
    for member in members:
        assert member.name in text
    assert sorted(marker["name"] for marker in map_markers(html)) == sorted(
        member.name for member in members
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_a_home_page(demo_db, client, code):
    response = client.get(f"/{code}/")

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.html["lang"] == code
    expected_title = "Home" if code == "en" else "Accueil"
    assert html.title.get_text().startswith(expected_title)


# --- crawl ----------------------------------------------------------------------------------

# Followed like any link, but checked for existence in storage rather than fetched: the test
# client serves neither static files nor media.
FILE_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)
SKIPPED_PREFIXES = ("/admin/", "/documents/")


def same_site_netlocs() -> set[str]:
    site = Site.objects.get(is_default_site=True)
    port = "" if site.port == 80 else f":{site.port}"
    return {"", "testserver", f"{site.hostname}{port}"}


def internal_path(url: str, base: str, netlocs: set[str]) -> str | None:
    """The site path `url` (found on page `base`) points at, or None if it leaves the site."""
    url, _fragment = urldefrag(urljoin(base, url.strip()))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in netlocs:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_of(html: BeautifulSoup):
    """Everything on a page a visitor or a browser follows: links, alternates, feeds, filters,
    images and their responsive sources, stylesheets and scripts."""
    for tag in html.select("a[href], link[href]"):
        yield tag["href"]
    for tag in html.select("img[src], script[src], source[src]"):
        yield tag["src"]
    for tag in html.select("img[srcset], source[srcset]"):
        for candidate in tag["srcset"].split(","):
            if candidate.strip():
                yield candidate.split()[0]
    # GET filter forms: each choice of each select is a page a visitor can reach.
    for form in html.select("form"):
        if form.get("method", "get").lower() != "get":
            continue
        action = form.get("action") or ""
        for select in form.select("select[name]"):
            for option in select.select("option[value]"):
                if option["value"]:
                    yield f"{action}?{urlencode({select['name']: option['value']})}"


def file_exists(path: str) -> bool:
    path = unquote(urlsplit(path).path)
    if path.startswith(settings.STATIC_URL):
        return finders.find(path.removeprefix(settings.STATIC_URL)) is not None
    return default_storage.exists(path.removeprefix(settings.MEDIA_URL))


def crawl(client, starts: list[str], *, limit: int | None = None) -> dict:
    """Visit `starts` and every same-site page linked from them (up to `limit` pages), and
    the pages the sitemap lists. Returns the status of each page (after following same-site
    redirects), whether each static or media file exists, and what is broken."""
    netlocs = same_site_netlocs()
    queue = list(starts)
    seen = set(queue)
    found_on: dict[str, str] = {}
    pages: dict[str, int] = {}
    files: dict[str, bool] = {}
    broken: list[str] = []
    sitemap_entries = 0
    while queue and (limit is None or len(pages) < limit):
        path = queue.pop(0)
        response = client.get(path)
        hops = 0
        while response.status_code in (301, 302, 303, 307, 308) and hops < 5:
            target = internal_path(response["Location"], path, netlocs)
            if target is None:
                break
            response = client.get(target)
            hops += 1
        pages[path] = response.status_code
        if response.status_code != 200:
            origin = found_on.get(path, "the start list")
            broken.append(f"{path} -> {response.status_code} (linked from {origin})")
            continue
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            hrefs = list(links_of(BeautifulSoup(response.content, "html.parser")))
        elif path.startswith("/sitemap"):
            # The index (/sitemap.xml) names the section files, which list the pages.
            hrefs = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
            if path != "/sitemap.xml":
                sitemap_entries += len(hrefs)
        else:
            continue
        for href in hrefs:
            target = internal_path(href, f"http://testserver{path}", netlocs)
            if target is None or target in seen:
                continue
            seen.add(target)
            found_on[target] = path
            if target.startswith(SKIPPED_PREFIXES):
                continue
            if target.startswith(FILE_PREFIXES):
                files[target] = file_exists(target)
                if not files[target]:
                    broken.append(f"{target} missing (linked from {path})")
                continue
            queue.append(target)
    return {"pages": pages, "files": files, "broken": broken, "sitemap_entries": sitemap_entries}


@pytest.fixture(scope="module")
def crawled(demo, django_db_blocker):
    """One crawl for the module's checks (it takes most of the module's time)."""
    cache.clear()
    with django_db_blocker.unblock():
        return crawl(Client(), ["/fr/", "/en/"])


def test_crawling_the_demo_finds_no_broken_link(demo_db, crawled):
    assert crawled["broken"] == []
    assert all(status == 200 for status in crawled["pages"].values())


def test_the_crawl_reaches_every_page_in_every_language(demo_db, crawled):
    """Guards the crawl itself: it must have walked the whole site, not stopped at the door."""
    visited = set(crawled["pages"])
    for page in Page.objects.live().filter(depth__gt=1).specific():
        assert page.url in visited, f"{page.url} ({page.locale.language_code}) never reached"
    # Routable sub-pages and filters are followed too.
    assert any(path.endswith("/feed/") for path in visited)
    assert any(path.endswith("/ics/") for path in visited)
    assert any("?tag=" in path for path in visited)
    assert "/sitemap.xml" in visited
    assert crawled["sitemap_entries"] >= Page.objects.live().filter(depth__gt=1).count() // 2


def test_the_crawl_checks_images_and_stylesheets(demo_db, crawled):
    files = crawled["files"]
    assert any(path.startswith(settings.MEDIA_URL) for path in files), "no image was checked"
    assert any(path.endswith(".css") for path in files), "no stylesheet was checked"
    assert all(files.values())


def test_the_crawl_reports_broken_links_and_missing_files(demo_db, client):
    """Guards the crawl itself: what it is given to find, it finds."""
    result = crawl(client, ["/fr/actualites/n-existe-pas/", "/fr/"], limit=2)

    assert result["broken"] == ["/fr/actualites/n-existe-pas/ -> 404 (linked from the start list)"]
    assert result["pages"] == {"/fr/actualites/n-existe-pas/": 404, "/fr/": 200}
    # The home page's own images and stylesheet exist, and are told apart from missing ones.
    assert result["files"]
    assert all(result["files"].values())
    assert not file_exists(f"{settings.MEDIA_URL}images/n-existe-pas.jpg")
    assert not file_exists(f"{settings.STATIC_URL}css/n-existe-pas.css")
