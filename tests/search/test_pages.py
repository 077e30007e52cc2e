"""The site's pages in the public search: each dated page type shows its date beside its
title (news: its date; events: the day they start; programmes: their year)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    StandardPageFactory,
)

PARIS = ZoneInfo("Europe/Paris")

pytestmark = pytest.mark.usefixtures("empty_cache")


def news(home):
    index = NewsIndexPageFactory(parent=home, slug="actualites")
    return NewsPageFactory(
        parent=index, title="Les houillères en images", date=datetime.date(2026, 3, 14)
    )


def event(home):
    index = EventIndexPageFactory(parent=home, slug="agenda")
    start = datetime.datetime(2026, 5, 2, 10, tzinfo=PARIS)
    return EventPageFactory(
        parent=index,
        title="Journée des houillères",
        start=start,
        end=start + datetime.timedelta(hours=8),
    )


def programme(home):
    index = ProgrammeIndexPageFactory(parent=home, slug="formations")
    return ProgrammePageFactory(parent=index, title="Les houillères, formation", year=2027)


def standard(home):
    return StandardPageFactory(parent=home, title="Les houillères du bassin", slug="bassin")


def found_row(client, page) -> str:
    response = client.get("/fr/search/", {"q": "houillères"})
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("section.search-pages li")
    (row,) = [r for r in rows if r.select_one("a.search-page__title")["href"] == page.url]
    return row.select_one(".muted").get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("make", "shown"),
    [
        pytest.param(news, "Actualité · 14 mars 2026", id="news"),
        pytest.param(event, "Événement · 2 mai 2026", id="event"),
        pytest.param(programme, "Programme de formation · 2027", id="programme"),
    ],
)
def test_each_dated_page_type_shows_its_date_in_the_results(client, site_tree, make, shown):
    page = make(site_tree.home)

    assert found_row(client, page) == shown


def test_an_undated_page_shows_only_its_type(client, site_tree):
    page = standard(site_tree.home)

    assert found_row(client, page) == "Page standard"
