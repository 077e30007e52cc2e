"""The page cache: what anonymous visitors get from it, what it never keeps, and that every
change purges exactly the pages that show it, in every language, before the next visitor.

The whole multilingual site of tests/factories/sites.py is warmed first; after a change, the
paths whose entries are gone are compared with the paths the change should purge.
"""

import http.server
import threading

from django.core.cache import cache
from django.utils.http import http_date

from wagtail.models import Page

import pytest
from bs4 import BeautifulSoup

from archive import erasure, services
from archive.models import ArchiveItem, Member
from home.models import NavigationSettings, NewsPage, StandardPage
from home.models.registrations import Slot
from home.pagecache import store
from home.services import registration_create
from tests.factories.archive import UserFactory
from tests.factories.items import PublishedItemFactory
from tests.factories.sites import SITE_PATHS

LANGUAGES = tuple(SITE_PATHS)
SITE = {path for paths in SITE_PATHS.values() for path in paths.values()}


def paths_of(*keys: str) -> set[str]:
    return {SITE_PATHS[lang][key] for lang in LANGUAGES for key in keys}


def archive_paths(*identifiers: str) -> set[str]:
    return {f"/{lang}/archive/" for lang in LANGUAGES} | {
        f"/{lang}/archive/{identifier}/" for lang in LANGUAGES for identifier in identifiers
    }


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def cached(paths) -> set[str]:
    return {path for path in paths if store.get(path) is not None}


def warm(client, paths) -> set[str]:
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert cached(paths) == set(paths)
    return set(paths)


def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.mark.usefixtures("shared_site", "db", "page_cache")
class TestServing:
    def test_a_second_visitor_gets_the_stored_page_with_validators(self, client):
        first = client.get("/fr/actualites/")
        second = client.get("/fr/actualites/")

        assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
        assert store.served_from_cache(second) and not store.served_from_cache(first)
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert second["Content-Type"].startswith("text/html")
        assert "Last-Modified" in second
        assert "Set-Cookie" not in second and not second.cookies

    def test_a_browser_that_has_the_page_is_answered_304(self, client):
        etag = client.get("/fr/").headers["ETag"]

        assert client.get("/fr/", headers={"if-none-match": etag}).status_code == 304
        assert client.get("/fr/", headers={"if-none-match": '"other"'}).status_code == 200
        later = http_date(store.get("/fr/").last_modified + 60)
        assert client.get("/fr/", headers={"if-modified-since": later}).status_code == 304
        assert client.head("/fr/")["X-Cache"] == "hit"

    def test_cached_forms_hold_no_token_and_the_token_url_gives_one(self, client):
        html = client.get("/fr/contact/").content.decode()
        client.get("/fr/contact/")

        assert 'name="csrfmiddlewaretoken" value=""' in html
        token = client.get("/forms/token/")
        assert token.json()["token"] and "csrftoken" in token.cookies
        assert "no-store" in token["Cache-Control"]


@pytest.mark.usefixtures("shared_site", "db", "page_cache")
class TestNeverCached:
    def test_logged_in_visitors_get_live_private_pages(self, client):
        client.get("/fr/")
        client.force_login(UserFactory(is_superuser=True))

        response = client.get("/fr/")

        assert "X-Cache" not in response
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        # Wagtail's user bar: the page was made for this editor, not taken from the cache.
        assert b"wagtail-userbar" in response.content

    def test_form_errors_and_posts_are_not_kept(self, client):
        response = client.post("/fr/contact/", {"nom": "", "message": ""})

        assert response.status_code == 200
        assert store.get("/fr/contact/") is None
        assert "no-store" in response["Cache-Control"]
        assert "form__field--error" not in client.get("/fr/contact/").content.decode()

    def test_registration_forms_and_their_seats_left_are_live(self, shared_site, client):
        session = shared_site.fr["programme"].sessions.get()
        path = f"/fr/formations/programme-2026/register/{session.pk}/"

        response = client.get(path)

        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert store.get(path) is None

    def test_query_strings_search_and_members_only_items_are_not_kept(self, client):
        item = PublishedItemFactory(access=ArchiveItem.Access.MEMBERS)

        client.get("/fr/actualites/?page=2")
        client.get("/fr/search/?q=filature")
        assert client.get(f"/fr/archive/{item.identifier}/").status_code == 302

        assert store.get("/fr/actualites/") is None
        assert store.get("/fr/search/") is None
        assert store.get(f"/fr/archive/{item.identifier}/") is None

    def test_a_page_rendered_with_a_csrf_token_is_never_kept(self, client):
        # The newsletter page shows the full form with its token: it sets the CSRF cookie.
        response = client.get("/fr/newsletter/")

        assert response.status_code == 200
        assert store.get("/fr/newsletter/") is None


@pytest.mark.usefixtures("shared_site", "db", "page_cache")
class TestPurge:
    def test_publishing_a_page_purges_it_and_its_listings_in_every_language(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        warm(client, SITE)
        article = NewsPage.objects.get(pk=shared_site.fr["article"].pk)
        article.title = "La filature a rouvert"

        with django_capture_on_commit_callbacks(execute=True):
            article.save_revision().publish()

        assert SITE - cached(SITE) == paths_of("article", "news", "home")
        assert "La filature a rouvert" in text(client, "/fr/actualites/")
        assert "La filature a rouvert" in text(client, "/de/actualites/reouverture-de-la-filature/")

    def test_unpublishing_a_page_takes_it_off_its_listings(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        warm(client, SITE)
        press = Page.objects.get(pk=shared_site.fr["press"].pk)

        with django_capture_on_commit_callbacks(execute=True):
            press.unpublish()

        assert SITE - cached(SITE) == paths_of("press", "news", "home")
        assert "Communiqué : programme 2026" not in text(client, "/fr/actualites/")
        assert client.get(SITE_PATHS["fr"]["press"]).status_code == 404

    def test_moving_a_page_purges_its_old_and_new_places(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        home = shared_site.fr["home"]
        with django_capture_on_commit_callbacks(execute=True):
            section = home.add_child(
                instance=StandardPage(title="Le réseau", slug="reseau", body=[])
            )
        warm(client, SITE | {"/fr/reseau/"})
        about = Page.objects.get(pk=shared_site.fr["about"].pk)

        with django_capture_on_commit_callbacks(execute=True):
            about.move(section, pos="last-child")

        gone = (SITE | {"/fr/reseau/"}) - cached(SITE | {"/fr/reseau/"})
        assert gone == paths_of("about", "home") | {"/fr/reseau/"}
        # Wagtail leaves a redirect at the old address, not the page kept from before.
        assert client.get("/fr/a-propos/")["Location"] == "/fr/reseau/a-propos/"
        assert "À propos du réseau" in text(client, "/fr/reseau/a-propos/")

    def test_deleting_a_page_purges_it_and_its_listings(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        warm(client, SITE)
        press = Page.objects.get(pk=shared_site.fr["press"].pk)

        with django_capture_on_commit_callbacks(execute=True):
            press.delete()

        assert SITE - cached(SITE) == paths_of("press", "news", "home")
        assert client.get(SITE_PATHS["fr"]["press"]).status_code == 404

    def test_an_archive_item_published_withdrawn_or_erased_leaves_no_stale_page(
        self, client, django_capture_on_commit_callbacks
    ):
        moderator = UserFactory(is_superuser=True)
        shown = PublishedItemFactory(title="Les bobines", commune="Roubaix")
        other = PublishedItemFactory(title="Le métier Jacquard", commune="Tourcoing")
        new = PublishedItemFactory(
            title="La remonte", commune="Roubaix", status=ArchiveItem.Status.SUBMITTED
        )
        related_paths = archive_paths(shown.identifier, other.identifier)
        everything = SITE | related_paths

        warm(client, everything)
        with django_capture_on_commit_callbacks(execute=True):
            services.item_publish(item=new, user=moderator)
        # Its page, the list, and the item of the same commune that shows it as related.
        assert everything - cached(everything) == archive_paths(shown.identifier)
        assert "La remonte" in text(client, "/en/archive/")
        assert "La remonte" in text(client, f"/nl/archive/{shown.identifier}/")

        warm(client, everything | archive_paths(new.identifier))
        with django_capture_on_commit_callbacks(execute=True):
            services.item_withdraw(item=ArchiveItem.objects.get(pk=new.pk), user=moderator)
        assert "La remonte" not in text(client, "/fr/archive/")
        assert "La remonte" not in text(client, f"/fr/archive/{shown.identifier}/")
        assert client.get(f"/de/archive/{new.identifier}/").status_code == 404

        warm(client, everything)
        with django_capture_on_commit_callbacks(execute=True):
            erasure.item_erase(
                item=ArchiveItem.objects.get(pk=other.pk), user=moderator, reason="Demande"
            )
        assert everything - cached(everything) == archive_paths(other.identifier)
        assert "Le métier Jacquard" not in text(client, "/lb/archive/")

    def test_editing_a_member_purges_the_directory_home_pages_and_its_items(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        item = PublishedItemFactory()
        everything = warm(client, SITE | archive_paths(item.identifier))
        member = Member.objects.get(pk=item.institution.member_id)
        member.name = "Manufacture des Flandres"

        with django_capture_on_commit_callbacks(execute=True):
            member.save()

        assert everything - cached(everything) == paths_of("members", "home") | archive_paths(
            item.identifier
        )
        assert "Manufacture des Flandres" in text(client, "/en/members/")
        assert "Manufacture des Flandres" in text(client, f"/fr/archive/{item.identifier}/")

    def test_editing_navigation_purges_every_page(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        item = PublishedItemFactory()
        everything = warm(client, SITE | archive_paths(item.identifier))
        nav = NavigationSettings.for_site(shared_site.site)
        nav.contact_phone = "+33 3 20 99 99 99"

        with django_capture_on_commit_callbacks(execute=True):
            nav.save()

        assert cached(everything) == set()
        assert "+33 3 20 99 99 99" in text(client, f"/nl/archive/{item.identifier}/")
        assert "+33 3 20 99 99 99" in text(client, "/en/news/")

    def test_a_registration_purges_the_seats_left_of_its_page_in_every_language(
        self, shared_site, client, django_capture_on_commit_callbacks
    ):
        warm(client, SITE)
        session = shared_site.fr["programme"].sessions.get()
        assert "14 places restantes" in text(client, SITE_PATHS["fr"]["programme"])

        with django_capture_on_commit_callbacks(execute=True):
            registration_create(
                slot=Slot(session),
                kind="individual",
                name="Inès",
                email="ines@fabrique.invalid",
                phone="",
                organisation="",
                seats=1,
                language="fr",
            )

        assert SITE - cached(SITE) == paths_of("programme")
        assert "13 places restantes" in text(client, SITE_PATHS["fr"]["programme"])
        assert "13 seats left" in text(client, SITE_PATHS["en"]["programme"])


class _PurgeRecorder(http.server.BaseHTTPRequestHandler):
    received: list[str] = []

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.received.append(f"http://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    _PurgeRecorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield _PurgeRecorder.received
    server.shutdown()
    server.server_close()


@pytest.mark.usefixtures("shared_site", "db", "page_cache")
def test_a_frontend_cache_gets_the_same_purge(
    shared_site, client, purge_server, django_capture_on_commit_callbacks
):
    warm(client, SITE)
    response = client.get("/fr/actualites/")
    assert "s-maxage=3600" in response["Cache-Control"]
    article = NewsPage.objects.get(pk=shared_site.fr["article"].pk)

    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    root = shared_site.site.root_url
    assert sorted(purge_server) == sorted(root + p for p in paths_of("article", "news", "home"))
