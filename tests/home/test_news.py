"""The news index: pagination, tag and kind filters, and the Atom feed."""

import datetime
import xml.etree.ElementTree as ET

from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from home.models import NewsPage
from tests.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
PRESS = NewsPage.Kind.PRESS_RELEASE
ARTICLE = NewsPage.Kind.ARTICLE


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def news_index(site_tree):
    return NewsIndexPageFactory(parent=site_tree.home, title="Actualités", slug="actualites")


@pytest.fixture
def many_news(news_index, search_index_off):
    """25 articles, "Article 00" the newest, "Article 24" the oldest."""
    return [
        NewsPageFactory(parent=news_index, title=f"Article {n:02}", date=days_ago(n))
        for n in range(25)
    ]


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/fr/actualites/{query}")
    assert response.status_code == 200
    return [a.get_text() for a in soup(response).select(".cards .card__title a")]


def titles(numbers) -> list[str]:
    return [f"Article {n:02}" for n in numbers]


# --- pagination -------------------------------------------------------------------------------


def test_news_come_twelve_a_page_newest_first(many_news, client):
    assert listed(client) == titles(range(12))
    assert listed(client, "?page=2") == titles(range(12, 24))
    assert listed(client, "?page=3") == titles([24])


def test_pagination_links_lead_to_the_neighbouring_pages(many_news, client):
    page_soup = soup(client.get("/fr/actualites/?page=2"))

    nav = page_soup.select_one("nav.pagination")
    assert nav.select_one('a[rel="prev"]')["href"] == "?page=1"
    assert nav.select_one('a[rel="next"]')["href"] == "?page=3"
    assert "2" in nav.span.get_text() and "3" in nav.span.get_text()
    assert soup(client.get("/fr/actualites/")).select_one('a[rel="prev"]') is None


def test_a_bad_page_number_gives_a_page_rather_than_an_error(many_news, client, subtests):
    for query, shown in [
        ("?page=abc", range(12)),
        ("?page=", range(12)),
        ("?page=1.5", range(12)),
        ("?page=999", [24]),
        ("?page=0", [24]),
        ("?page=-3", [24]),
    ]:
        with subtests.test(query=query):
            assert listed(client, query) == titles(shown)


def test_no_pagination_when_everything_fits_on_one_page(news_index, client):
    NewsPageFactory(parent=news_index)

    assert soup(client.get("/fr/actualites/")).select_one("nav.pagination") is None


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def tagged_news(news_index):
    """Four items, newest first: an article and a press release on each of two tags."""
    NewsPageFactory(parent=news_index, title="Filature", kind=ARTICLE, tags=["textile"])
    NewsPageFactory(
        parent=news_index, title="Salon du textile", kind=PRESS, tags=["textile"], date=days_ago(1)
    )
    NewsPageFactory(
        parent=news_index, title="Fosse 9", kind=ARTICLE, tags=["mine"], date=days_ago(2)
    )
    NewsPageFactory(
        parent=news_index, title="Sainte-Barbe", kind=PRESS, tags=["mine"], date=days_ago(3)
    )
    draft = NewsPageFactory(parent=news_index, title="Brouillon", tags=["textile", "brouillon"])
    draft.unpublish()


def test_news_filter_by_tag_and_kind(tagged_news, client, subtests):
    everything = ["Filature", "Salon du textile", "Fosse 9", "Sainte-Barbe"]
    for query, shown in [
        ("", everything),
        ("?tag=textile", ["Filature", "Salon du textile"]),
        ("?kind=press", ["Salon du textile", "Sainte-Barbe"]),
        ("?kind=article", ["Filature", "Fosse 9"]),
        ("?kind=press&tag=mine", ["Sainte-Barbe"]),
        ("?tag=textile&kind=article", ["Filature"]),
        # An unknown kind is ignored, not an empty list.
        ("?kind=interview", everything),
        ("?kind=interview&tag=mine", ["Fosse 9", "Sainte-Barbe"]),
        ("?tag=inconnu", []),
    ]:
        with subtests.test(query=query):
            assert listed(client, query) == shown


def test_filter_form_offers_the_tags_in_use_and_keeps_the_choice(tagged_news, client):
    page_soup = soup(client.get("/fr/actualites/?kind=press&tag=mine"))

    tag_options = page_soup.select("#filter-tag option")
    # Only tags of published news; "All" first.
    assert [o["value"] for o in tag_options] == ["", "mine", "textile"]
    assert [o["value"] for o in page_soup.select("#filter-tag option[selected]")] == ["mine"]
    assert [o["value"] for o in page_soup.select("#filter-kind option[selected]")] == ["press"]
    assert page_soup.find("a", string="Effacer les filtres")["href"] == "/fr/actualites/"
    assert "Aucune actualité" in soup(client.get("/fr/actualites/?tag=inconnu")).get_text()


def test_pagination_keeps_the_filters(news_index, client):
    for n in range(13):
        NewsPageFactory(parent=news_index, title=f"Communiqué {n:02}", kind=PRESS, date=days_ago(n))
    NewsPageFactory(parent=news_index, title="Article du jour", kind=ARTICLE)

    first = soup(client.get("/fr/actualites/?kind=press"))
    next_url = first.select_one('a[rel="next"]')["href"]

    assert next_url == "?kind=press&page=2"
    second = soup(client.get(f"/fr/actualites/{next_url}"))
    assert [a.get_text() for a in second.select(".card__title a")] == ["Communiqué 12"]


# --- Atom feed --------------------------------------------------------------------------------


def test_index_links_to_its_atom_feed_which_lists_the_latest_news(news_index, client):
    for n in range(21):
        NewsPageFactory(
            parent=news_index,
            title=f"Article {n:02}",
            slug=f"article-{n:02}",
            date=days_ago(n),
            intro=f"Résumé {n:02}",
            tags=["textile"] if n == 0 else [],
        )
    NewsPageFactory(parent=news_index, title="Brouillon").unpublish()

    link = soup(client.get("/fr/actualites/")).select_one(
        'head link[rel="alternate"][type="application/atom+xml"]'
    )
    assert link is not None
    response = client.get(link["href"])

    assert link["href"] == "/fr/actualites/feed/"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("atom:title", namespaces=ATOM) == "Fabrique – Actualités"
    entries = feed.findall("atom:entry", ATOM)
    # The 20 newest, newest first; drafts and older items left out.
    assert [e.findtext("atom:title", namespaces=ATOM) for e in entries] == titles(range(20))
    first = entries[0]
    assert first.find("atom:link", ATOM).get("href") == "http://localhost/fr/actualites/article-00/"
    assert first.findtext("atom:summary", namespaces=ATOM) == "Résumé 00"
    assert [c.get("term") for c in first.findall("atom:category", ATOM)] == ["textile"]
