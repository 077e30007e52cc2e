"""Languages as visitors and search engines see them: <html lang>, hreflang alternates, the
language switcher, the 404 page and the bare domain."""

from wagtail.models import Page

import pytest
from bs4 import BeautifulSoup

from tests.factories import StandardPageFactory
from tests.factories.sites import ALIAS_LANGUAGES, SITE_PATHS
from tests.factories.translations import translate

pytestmark = pytest.mark.usefixtures("empty_cache")

ALL_LANGUAGES = ("fr", "en", *ALIAS_LANGUAGES)


def soup(response) -> BeautifulSoup:
    assert response.status_code in (200, 404)
    return BeautifulSoup(response.content, "html.parser")


def alternates(page_soup: BeautifulSoup) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in page_soup.select('head link[rel="alternate"][hreflang]')
    }


def switcher(page_soup: BeautifulSoup) -> dict[str, str]:
    return {a["hreflang"]: a["href"] for a in page_soup.select(".lang-switcher a")}


@pytest.mark.django_db
class TestWholeSite:
    """On the site of tests/factories/sites.py: French, English, and three alias languages."""

    @pytest.fixture
    def site(self, shared_site):
        return shared_site

    @pytest.fixture
    def french_only_page(self, site):
        """A page nobody has translated yet, added after the aliases were made."""
        home = Page.objects.get(pk=site.home.pk)
        return StandardPageFactory(parent=home, title="Historique", slug="historique")

    def test_html_lang_is_the_language_of_the_page(self, site, client):
        for language in ("fr", "en"):
            for path in SITE_PATHS[language].values():
                assert soup(client.get(path)).html["lang"] == language, path

    def test_hreflang_alternates_point_at_each_translation_with_absolute_urls(self, site, client):
        expected = {
            code: f"http://localhost{SITE_PATHS[code]['article']}" for code in ALL_LANGUAGES
        }

        for code in ALL_LANGUAGES:
            assert alternates(soup(client.get(SITE_PATHS[code]["article"]))) == expected, code
        # The home pages name each other too.
        assert alternates(soup(client.get("/en/"))) == {
            code: f"http://localhost/{code}/" for code in ALL_LANGUAGES
        }

    def test_hreflang_alternates_only_name_languages_the_page_exists_in(
        self, site, french_only_page, client
    ):
        """A page in French only has no English version: an hreflang="en" alternate pointing
        at the English home page would tell search engines the two are the same content."""
        links = alternates(soup(client.get("/fr/historique/")))

        assert links == {"fr": "http://localhost/fr/historique/"}

    def test_language_switcher_leads_to_the_translation_of_the_page(self, site, client):
        expected = {code: SITE_PATHS[code]["programme"] for code in ALL_LANGUAGES}

        for code in ALL_LANGUAGES:
            page_soup = soup(client.get(SITE_PATHS[code]["programme"]))
            assert switcher(page_soup) == expected, code
            current = page_soup.select('.lang-switcher a[aria-current="true"]')
            assert [a["hreflang"] for a in current] == [code]

    def test_language_switcher_falls_back_to_the_home_pages_without_a_translation(
        self, site, french_only_page, client
    ):
        links = switcher(soup(client.get("/fr/historique/")))

        assert links == {
            "fr": "/fr/historique/",
            **{code: f"/{code}/" for code in ALL_LANGUAGES[1:]},
        }
        assert soup(client.get(links["en"])).html["lang"] == "en"


@pytest.mark.parametrize(
    ("path", "language", "home", "label"),
    [
        ("/fr/does-not-exist/", "fr", "/fr/", "Retour à l’accueil"),
        ("/en/does-not-exist/", "en", "/en/", "Back to the home page"),
        ("/en/home/does/not/exist/", "en", "/en/", "Back to the home page"),
    ],
)
def test_missing_page_is_a_friendly_404_in_the_visitors_language(
    site_tree, client, path, language, home, label
):
    translate(site_tree.home, site_tree.locales["en"], title="Home", slug="home")

    response = client.get(path)

    assert response.status_code == 404
    page_soup = soup(response)
    assert page_soup.html["lang"] == language
    assert page_soup.find("a", string=label)["href"] == home
    # The site's header and language switcher are still there to find one's way.
    assert page_soup.select_one(".site-header a[rel=home]")["href"] == home
    assert set(switcher(page_soup)) == {"fr", "en"}


@pytest.mark.parametrize(
    ("accept_language", "target"), [(None, "/fr/"), ("en-GB,en;q=0.8", "/en/")]
)
def test_bare_domain_redirects_to_a_language(site_tree, client, accept_language, target):
    translate(site_tree.home, site_tree.locales["en"], title="Home", slug="home")
    headers = {"Accept-Language": accept_language} if accept_language else {}

    response = client.get("/", headers=headers)

    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200
