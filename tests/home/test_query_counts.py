"""Listings cost the same number of database queries whatever their length.

Each page is measured on its second request, once renditions exist and menus are cached (the
steady state every visitor after the first gets), with 5 items of each kind and again with 50.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from bs4 import BeautifulSoup

from home.models import NavigationSettings
from tests.factories import (
    CustomImageFactory,
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    MemberDirectoryPageFactory,
    MemberFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
    TradeFactory,
    TrainingTopicFactory,
    in_days,
)

pytestmark = pytest.mark.usefixtures("empty_cache", "search_index_off")

# At most this many queries for a page in the steady state.
QUERY_BUDGET = 15

# Page -> what a visitor sees of the listed items (CSS selector), so that a page which
# silently stopped listing them cannot pass.
PAGES = {
    "/fr/": "#latest-news ~ .cards img.card__image, #upcoming-sessions ~ ul a, "
    "#upcoming-events ~ ul a",
    "/fr/actualites/": ".cards .card img.card__image",
    "/fr/formations/programme-2026/": "li.session",
    "/fr/agenda/": ".card--event",
    "/fr/agenda/usines-ouvertes/": "li.site",
    "/fr/membres/": "li.member img.member__logo",
}
SHOWN_WITH_5 = {
    "/fr/": 3 + 3 + 3,
    "/fr/actualites/": 5,
    "/fr/formations/programme-2026/": 5,
    "/fr/agenda/": 5 + 1,  # and the multi-site event
    "/fr/agenda/usines-ouvertes/": 5,
    "/fr/membres/": 5,
}
SHOWN_WITH_50 = {
    "/fr/": 3 + 3 + 3,
    "/fr/actualites/": 12,
    "/fr/formations/programme-2026/": 50,
    "/fr/agenda/": 25 + 1 + 12,  # every upcoming event, past ones 12 to a page
    "/fr/agenda/usines-ouvertes/": 50,
    "/fr/membres/": 50,
}


def small_image():
    """A real image, small enough to be quick to make and to resize."""
    return CustomImageFactory(file__width=64, file__height=40)


class Content:
    """Sections of a French site, and `add(count)` to add `count` items to each listing."""

    def __init__(self, tree):
        home = tree.home
        self.news = NewsIndexPageFactory(parent=home, slug="actualites")
        programmes = ProgrammeIndexPageFactory(parent=home, slug="formations")
        self.programme = ProgrammePageFactory(parent=programmes, year=2026, slug="programme-2026")
        self.agenda = EventIndexPageFactory(parent=home, slug="agenda")
        self.open_days = EventPageFactory(parent=self.agenda, slug="usines-ouvertes")
        MemberDirectoryPageFactory(parent=home, slug="membres")
        weaver = TradeFactory(name="Tisserand")
        english_weaver = weaver.copy_for_translation(tree.locales["en"])
        english_weaver.name = "Weaver"
        english_weaver.save()
        self.trades = [weaver, TradeFactory(name="Mineur")]
        # The sections are in the main menu, as on the real site.
        navigation = NavigationSettings.for_site(tree.site)
        navigation.main_menu = [
            ("item", {"page": section, "label": ""}) for section in home.get_children()
        ]
        navigation.save()
        self.added = 0

    def add(self, count: int) -> None:
        for n in range(self.added, self.added + count):
            self.add_one(n)
        self.added += count

    def add_one(self, n: int) -> None:
        # Every fifth item gets its own tag: the tag filter grows too (tagging is slow to set up).
        tags = [f"sujet-{n}"] if n % 5 == 0 else []
        NewsPageFactory(parent=self.news, lead_image=small_image(), tags=tags)
        ProgrammeSessionFactory(
            page=self.programme,
            topic=TrainingTopicFactory() if n % 2 else None,
            starts_at=in_days(10 + n, 9),
            ends_at=in_days(10 + n, 17),
        )
        # Upcoming and past events alike, each with two sites.
        start = in_days(n + 1) if n % 2 else in_days(-n - 1)
        event = EventPageFactory(
            parent=self.agenda,
            start=start,
            end=start + datetime.timedelta(hours=6),
        )
        EventSiteFactory(page=event, capacity=30)
        EventSiteFactory(page=event, located=False)
        EventSiteFactory(page=self.open_days, capacity=20 if n % 2 else None, located=n % 3 > 0)
        MemberFactory(
            logo=small_image(),
            trades=self.trades,
            region=f"Région {n % 4}",
            located=n % 3 > 0,
        )


def steady_state(client, path: str) -> tuple[int, int]:
    """Queries of the second request for `path`, and how many listed items it shows."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    page_soup = BeautifulSoup(response.content, "html.parser")
    return len(queries), len(page_soup.select(PAGES[path]))


def test_listings_cost_the_same_queries_with_5_and_50_items(site_tree, client, subtests):
    content = Content(site_tree)

    content.add(5)
    with_5 = {path: steady_state(client, path) for path in PAGES}
    content.add(45)
    with_50 = {path: steady_state(client, path) for path in PAGES}

    for path in PAGES:
        with subtests.test(path=path):
            (queries_5, shown_5), (queries_50, shown_50) = with_5[path], with_50[path]
            assert (shown_5, shown_50) == (SHOWN_WITH_5[path], SHOWN_WITH_50[path])
            assert queries_50 == queries_5, (
                f"{queries_5} queries with 5 items, {queries_50} with 50"
            )
            assert queries_5 <= QUERY_BUDGET, f"{queries_5} queries, budget {QUERY_BUDGET}"
