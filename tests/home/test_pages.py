"""Every page type as a visitor gets it: in each language, with its content, in the main menu
and in the sitemap."""

import xml.etree.ElementTree as ET

from wagtail.models import Page, PageViewRestriction
from wagtail_localize.models import LocaleSynchronization

import pytest
from bs4 import BeautifulSoup

from home.models import NavigationSettings
from tests.archive.test_public_pages import assert_headings_never_skip_a_level
from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    MemberDirectoryPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    StandardPageFactory,
    body,
)
from tests.factories.sites import ALIAS_LANGUAGES, SITE_PATHS

pytestmark = pytest.mark.usefixtures("empty_cache")

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def texts(page_soup: BeautifulSoup, selector: str) -> list[str]:
    return [element.get_text(" ", strip=True) for element in page_soup.select(selector)]


def shown_page(site, language: str, key: str):
    """The page whose content a visitor gets: aliases show the French page."""
    return (site.en if language == "en" else site.fr)[key]


def lead_text(page) -> str:
    """The short text under the heading: hero text, or the plain-text introduction (the
    contact page's is rich text, checked in test_contact)."""
    if hasattr(page, "hero_text"):
        return page.hero_text
    intro = getattr(page, "intro", "")
    return "" if intro.startswith("<") else intro


def set_main_menu(site, *pages) -> None:
    navigation = NavigationSettings.for_site(site)
    navigation.main_menu = [("item", {"page": page, "label": ""}) for page in pages]
    navigation.save()


def main_menu(client, path: str) -> list[tuple[str, str]]:
    return [(a.get_text(), a["href"]) for a in soup(client.get(path)).select(".main-nav a")]


# --- the whole site, every language ----------------------------------------------------------


@pytest.mark.django_db
class TestWholeSite:
    """On the site of tests/factories/sites.py, built once for these tests."""

    @pytest.fixture
    def site(self, shared_site):
        return shared_site

    def test_every_page_type_answers_in_every_language(self, site, client, subtests):
        assert set(SITE_PATHS["fr"]) == set(site.fr)
        for language, paths in SITE_PATHS.items():
            for key, path in paths.items():
                with subtests.test(language=language, page=key):
                    response = client.get(path)

                    assert response.status_code == 200
                    page_soup = soup(response)
                    page = shown_page(site, language, key)
                    heading = page.hero_title if key == "home" else page.title
                    assert page_soup.h1.get_text(strip=True) == heading
                    if lead_text(page):
                        assert page_soup.select_one("main .lead").get_text() == lead_text(page)

    def test_every_page_has_one_description_for_search_engines(self, site, client, subtests):
        """Home, directory and event pages included, though their editors left the search
        description empty: their summary stands in for it."""
        for language, paths in SITE_PATHS.items():
            for key, path in paths.items():
                with subtests.test(language=language, page=key):
                    page_soup = soup(client.get(path))

                    descriptions = page_soup.select('head meta[name="description"]')
                    assert len(descriptions) == 1
                    content = descriptions[0]["content"]
                    assert content.strip()
                    page = shown_page(site, language, key)
                    if lead_text(page):
                        assert content == lead_text(page)
                    else:  # the contact page's introduction is rich text
                        assert "<" not in content and content in page.intro

    def test_headings_never_skip_a_level(self, site, client, subtests):
        for language, paths in SITE_PATHS.items():
            for key, path in paths.items():
                with subtests.test(language=language, page=key):
                    assert_headings_never_skip_a_level(soup(client.get(path)))

    def test_home_page_shows_its_hero_and_whats_new_in_its_own_language(self, site, client):
        french = soup(client.get("/fr/"))
        english = soup(client.get("/en/"))

        assert french.h1.get_text(strip=True) == "Le patrimoine industriel, vivant"
        assert "Musées, associations et entreprises" in french.select_one(".hero .lead").get_text()
        assert texts(french, "#latest-news ~ .cards .card__title") == [
            "Communiqué : programme 2026",
            "Réouverture de la filature",
        ]
        assert texts(english, "#latest-news ~ .cards .card__title") == [
            "Press release: programme 2026",
            "The spinning mill reopens",
        ]
        assert [a.get_text() for a in french.select("#upcoming-sessions ~ ul a")] == [
            "Trouver des mécènes"
        ]
        assert [a.get_text() for a in english.select("#upcoming-sessions ~ ul a")] == [
            "Finding patrons"
        ]
        assert [a["href"] for a in french.select("#upcoming-events ~ ul a")] == [
            SITE_PATHS["fr"]["event"]
        ]
        assert [a["href"] for a in english.select("#upcoming-events ~ ul a")] == [
            SITE_PATHS["en"]["event"]
        ]
        assert french.select_one(".stat__number").get_text(strip=True) == "2"
        # Section links lead to the sections of the same language.
        assert french.find("a", string="Voir les membres sur la carte")["href"] == "/fr/membres/"
        assert english.find("a", href="/en/members/") is not None

    def test_press_contact_shows_on_press_releases_only(self, site, client):
        press = soup(client.get(SITE_PATHS["fr"]["press"]))
        article = soup(client.get(SITE_PATHS["fr"]["article"]))

        contact = press.select_one(".press-contact")
        assert contact.h2.get_text() == "Contact presse"
        assert "Claire Dubois" in contact.get_text()
        assert contact.select_one('a[href^="mailto:"]')["href"] == "mailto:presse@fabrique.invalid"
        assert contact.select_one('a[href^="tel:"]')["href"] == "tel:+33321000000"
        assert press.select_one(".badge").get_text() == "Communiqué de presse"
        # The article has a press contact name filled in, but is not a press release.
        assert article.select_one(".press-contact") is None
        assert "Claire Dubois" not in article.get_text()

    def test_programme_page_shows_each_session_with_format_and_capacity(self, site, client):
        french = soup(client.get(SITE_PATHS["fr"]["programme"]))
        english = soup(client.get(SITE_PATHS["en"]["programme"]))

        session = french.select_one("li.session")
        assert session.h3.get_text() == "Trouver des mécènes"
        facts = dict(
            zip(
                texts(session, "dt"),
                texts(session, "dd"),
                strict=True,
            )
        )
        assert facts["Format"] == "Hybride"
        assert facts["Capacité"] == "14 places"
        assert facts["Lieu"] == "Lewarde, Centre historique minier"
        assert french.select_one(".topic__title").get_text() == "Mécénat"

        english_session = english.select_one("li.session")
        english_facts = dict(
            zip(texts(english_session, "dt"), texts(english_session, "dd"), strict=True)
        )
        assert english_session.h3.get_text() == "Finding patrons"
        assert english_facts["Format"] == "Hybrid"
        assert english_facts["Capacity"] == "14 seats"

    def test_main_menu_leads_to_the_pages_of_the_visitors_language(self, site, client):
        fr, en = site.fr, site.en
        # Editors choose the French pages.
        set_main_menu(site.site, fr["about"], fr["news"], fr["agenda"])

        assert main_menu(client, "/fr/") == [
            ("À propos du réseau", "/fr/a-propos/"),
            ("Actualités", "/fr/actualites/"),
            ("Agenda", "/fr/agenda/"),
        ]
        assert main_menu(client, "/en/news/") == [
            (en["about"].title, "/en/about/"),
            (en["news"].title, "/en/news/"),
            (en["agenda"].title, "/en/events/"),
        ]
        # Languages nobody translated show the French pages under their own prefix.
        assert main_menu(client, "/de/") == [
            ("À propos du réseau", "/de/a-propos/"),
            ("Actualités", "/de/actualites/"),
            ("Agenda", "/de/agenda/"),
        ]
        current = soup(client.get("/en/news/spinning-mill-reopens/")).select(
            '.main-nav a[aria-current="page"]'
        )
        assert [a["href"] for a in current] == ["/en/news/"]

    def test_sitemap_lists_every_live_page_of_every_language(self, site, client):
        home = Page.objects.get(pk=site.home.pk)
        draft = StandardPageFactory(parent=home, title="Brouillon", slug="brouillon")
        draft.unpublish()
        private = StandardPageFactory(parent=home, title="Espace membres", slug="espace-membres")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        # The draft and the private page get their aliases too (created as the French pages are).
        for sync in LocaleSynchronization.objects.all():
            sync.sync_trees()
        assert Page.objects.filter(slug="brouillon", alias_of__isnull=False).count() == 3

        index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own
        files = {loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)}
        assert "http://testserver/sitemap-pages.xml" in files
        response = client.get("/sitemap-pages.xml")

        assert response.status_code == 200
        sitemap = ET.fromstring(response.content)  # noqa: S314 - our own response
        locations = {loc.text for loc in sitemap.findall("sm:url/sm:loc", SITEMAP_NS)}
        expected = {
            f"http://localhost{path}" for paths in SITE_PATHS.values() for path in paths.values()
        }
        assert locations == expected
        assert len(expected) == 11 * (2 + len(ALIAS_LANGUAGES))


# --- what each page type shows ----------------------------------------------------------------


def test_standard_page_shows_title_intro_and_body(site_tree, client):
    StandardPageFactory(
        parent=site_tree.home,
        title="Mentions légales",
        slug="mentions-legales",
        intro="Qui publie ce site.",
        body=body("Hébergé par une association loi 1901."),
    )

    page_soup = soup(client.get("/fr/mentions-legales/"))

    assert page_soup.h1.get_text() == "Mentions légales"
    assert page_soup.select_one("article .lead").get_text() == "Qui publie ce site."
    assert "Hébergé par une association loi 1901." in page_soup.select_one("article").get_text()
    assert page_soup.title.get_text() == "Mentions légales – Fabrique"


def description(client, path: str) -> str:
    return soup(client.get(path)).select_one('head meta[name="description"]')["content"]


def test_the_search_description_wins_and_long_summaries_are_cut_at_a_word(site_tree, client):
    agenda = EventIndexPageFactory(parent=site_tree.home, slug="agenda")
    EventPageFactory(
        parent=agenda,
        slug="portes-ouvertes",
        intro="Les ateliers de la filature ouvrent leurs portes. " * 8,
    )
    MemberDirectoryPageFactory(
        parent=site_tree.home, slug="membres", search_description="Les membres du réseau."
    )

    cut = description(client, "/fr/agenda/portes-ouvertes/")
    assert len(cut) <= 160 and cut.endswith("…")
    assert cut.startswith("Les ateliers de la filature ouvrent leurs portes. Les ateliers")
    assert description(client, "/fr/membres/") == "Les membres du réseau."


def test_news_item_shows_date_texts_and_tags(site_tree, client):
    index = NewsIndexPageFactory(parent=site_tree.home, slug="actualites")
    NewsPageFactory(
        parent=index,
        title="La filature rouvre",
        slug="la-filature-rouvre",
        date="2026-03-14",
        intro="Après deux ans de travaux.",
        body=body("Les métiers à tisser tournent de nouveau."),
        tags=["textile"],
    )

    page_soup = soup(client.get("/fr/actualites/la-filature-rouvre/"))

    article = page_soup.select_one("article")
    assert article.h1.get_text() == "La filature rouvre"
    assert article.select_one("time")["datetime"] == "2026-03-14"
    assert article.select_one("time").get_text() == "14 mars 2026"
    assert article.select_one(".lead").get_text() == "Après deux ans de travaux."
    assert "Les métiers à tisser tournent de nouveau." in article.get_text()
    tag = article.select_one("a.tag")
    assert (tag.get_text(), tag["href"]) == ("textile", "/fr/actualites/?tag=textile")
    # Breadcrumbs lead back to the news index.
    assert [a["href"] for a in page_soup.select(".breadcrumbs a")] == ["/fr/actualites/"]


def test_programme_index_lists_programmes_latest_year_first(site_tree, client):
    index = ProgrammeIndexPageFactory(parent=site_tree.home, slug="formations")
    ProgrammePageFactory(parent=index, year=2025, slug="programme-2025", intro="L'an dernier.")
    ProgrammePageFactory(parent=index, year=2026, slug="programme-2026", intro="Cette année.")
    draft = ProgrammePageFactory(parent=index, year=2027, slug="programme-2027")
    draft.unpublish()

    page_soup = soup(client.get("/fr/formations/"))

    assert texts(page_soup, ".card__title") == ["Programme 2026", "Programme 2025"]
    assert [a["href"] for a in page_soup.select(".card__title a")] == [
        "/fr/formations/programme-2026/",
        "/fr/formations/programme-2025/",
    ]
    assert texts(page_soup, ".card__body > p:not(.card__meta)") == [
        "Cette année.",
        "L'an dernier.",
    ]


# --- main menu ---------------------------------------------------------------------------------


def test_main_menu_follows_unpublishing_and_renaming(site_tree, client):
    about = StandardPageFactory(parent=site_tree.home, title="À propos", slug="a-propos")
    partners = StandardPageFactory(parent=site_tree.home, title="Partenaires", slug="partenaires")
    set_main_menu(site_tree.site, about, partners)
    assert main_menu(client, "/fr/") == [
        ("À propos", "/fr/a-propos/"),
        ("Partenaires", "/fr/partenaires/"),
    ]

    Page.objects.get(pk=partners.pk).unpublish()
    assert main_menu(client, "/fr/") == [("À propos", "/fr/a-propos/")]

    about = Page.objects.get(pk=about.pk).specific
    about.title = "Qui sommes-nous"
    about.save_revision().publish()
    assert main_menu(client, "/fr/") == [("Qui sommes-nous", "/fr/a-propos/")]


# --- sitemap and robots.txt -------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(site_tree, client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
