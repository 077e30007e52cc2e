"""The heritage map page as served, without JavaScript: the list of members and event sites,
the archive's places as links to the search, the filters, and what the map script reads."""

import datetime
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem
from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    MapPageFactory,
    MemberFactory,
    TradeFactory,
)
from tests.factories.archive import InstitutionFactory
from tests.factories.items import PublishedItemFactory
from tests.factories.translations import translate

pytestmark = pytest.mark.usefixtures("empty_cache")

NOW = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def heritage(site_tree, time_machine):
    time_machine.move_to(NOW, tick=False)
    textile = TradeFactory(name="Textile", slug="textile")
    weaver = TradeFactory(name="Tisserand", slug="tisserand", parent=textile)
    mining = TradeFactory(name="Mineur", slug="mineur")
    mill = MemberFactory(
        name="Manufacture des flandres",
        commune="Roubaix",
        website="https://manufacture.example",
        latitude=Decimal("50.690000"),
        longitude=Decimal("3.180000"),
    )
    mill.trades.set([weaver])
    mill.save()
    pit = MemberFactory(name="Centre historique minier", commune="Lewarde", located=False)
    pit.trades.set([mining])
    pit.save()
    agenda = EventIndexPageFactory(parent=site_tree.home, slug="agenda")
    coming = EventPageFactory(
        parent=agenda,
        title="Journées usines ouvertes",
        start=NOW + datetime.timedelta(days=20),
        end=NOW + datetime.timedelta(days=21),
    )
    site = EventSiteFactory(page=coming, name="Halles du Minett", commune="Esch-sur-Alzette")
    past = EventPageFactory(
        parent=agenda,
        title="Sainte-Barbe 2025",
        start=NOW - datetime.timedelta(days=300),
        end=NOW - datetime.timedelta(days=299),
    )
    EventSiteFactory(page=past, name="Carreau de fosse", commune="Oignies")
    institution = InstitutionFactory(member=mill)
    public = PublishedItemFactory(institution=institution, region="Hauts-de-France")
    public.trades.set([weaver])
    public.save()
    PublishedItemFactory(institution=institution, region="Hauts-de-France")
    PublishedItemFactory(institution=institution, region="Luxembourg", country="LU")
    PublishedItemFactory(
        institution=institution, region="Wallonie", status=ArchiveItem.Status.DRAFT
    )
    PublishedItemFactory(
        institution=institution, region="Grand Est", access=ArchiveItem.Access.MEMBERS
    )
    page = MapPageFactory(parent=site_tree.home, slug="carte", title="Carte du patrimoine")
    return {"page": page, "site": site, "coming": coming, "mill": mill, "pit": pit}


def names(section) -> list[str]:
    return [li.get_text(" ", strip=True).split(" · ")[0] for li in section.select("li[id]")]


def test_the_page_lists_members_sites_and_archive_places_without_javascript(heritage, client):
    page = soup(client.get("/fr/carte/"))

    members = page.select_one("section[aria-labelledby=map-members-title]")
    assert [li.get_text(" ", strip=True) for li in members.select("li")] == [
        "Centre historique minier · Lewarde, Hauts-de-France (France)",
        "Manufacture des flandres · Roubaix, Hauts-de-France (France)",
    ]
    assert members.select_one("a")["href"] == "https://manufacture.example"
    # Only events that have not ended; each site links to its place on the event's page.
    sites = page.select_one("section[aria-labelledby=map-sites-title]")
    links = sites.select("li a")
    assert [a.get_text() for a in links] == ["Halles du Minett"]
    assert links[0]["href"] == f"{heritage['coming'].url}#site-{heritage['site'].pk}"
    assert "Esch-sur-Alzette" in sites.get_text()
    # Archive items: places of public items only (no draft, no members-only item), to search.
    items = page.select_one("section[aria-labelledby=map-items-title]")
    assert [a["href"] for a in items.select("a")] == [
        "/fr/search/",
        "/fr/search/?region=Hauts-de-France",
        "/fr/search/?region=Luxembourg",
    ]
    assert "2 éléments" in items.select("li")[0].get_text()


def test_the_map_reads_the_api_and_needs_no_inline_script(heritage, client):
    page = soup(client.get("/fr/carte/"))

    el = page.select_one("[data-heritage-map]")
    assert el["data-api"] == "/api/v1/map/"
    assert el["data-lang"] == "fr"
    assert el["data-search-url"] == "/fr/search/"
    config = json.loads(page.select_one(f"script#{el['data-heritage-map']}").string)
    # Around the located member (the event site factory's position is in Roubaix too).
    assert config["bounds"][0][0] <= 50.69 <= config["bounds"][1][0]
    for script in page.select("script"):
        assert script.get("src") or script.get("type") in ("application/json",), script
    # The filters are real form controls, with labels.
    assert [i["value"] for i in page.select("input[name=layer]:checked")] == [
        "members",
        "sites",
        "items",
    ]
    assert page.select_one("label[for=map-trade]") is not None
    assert page.select_one("a[href='#map-list']") is not None


def test_filters_work_without_javascript(heritage, client, subtests):
    for query, members, sites, regions in [
        # A trade keeps the members of that trade or a narrower one; event sites have none.
        ("?trade=textile", ["Manufacture des flandres"], None, ["Hauts-de-France"]),
        ("?trade=mineur", ["Centre historique minier"], None, []),
        ("?layer=members", ["Centre historique minier", "Manufacture des flandres"], None, None),
        ("?layer=sites&layer=items&trade=inconnu", None, ["Halles du Minett"], None),
    ]:
        with subtests.test(query=query):
            page = soup(client.get(f"/fr/carte/{query}"))
            members_list = page.select_one("section[aria-labelledby=map-members-title]")
            sites_list = page.select_one("section[aria-labelledby=map-sites-title]")
            items_list = page.select_one("section[aria-labelledby=map-items-title]")
            if members is None:
                assert members_list is None
            else:
                assert names(members_list) == members
            if sites is None:
                assert not (sites_list and sites_list.select("li a"))
            else:
                assert [a.get_text() for a in sites_list.select("li a")] == sites
            if regions is not None:
                region_links = items_list.select("li a")
                assert [a.get_text() for a in region_links] == regions
                assert all("trade=" in a["href"] for a in region_links)


def test_layers_shown_when_the_page_opens_are_the_editors_choice(heritage, client):
    page = heritage["page"]
    page.show_sites = False
    page.show_items = False
    page.save_revision().publish()

    html = soup(client.get("/fr/carte/"))

    assert [i["value"] for i in html.select("input[name=layer]:checked")] == ["members"]
    assert html.select_one("section[aria-labelledby=map-items-title]") is None


def test_the_english_page_speaks_english(heritage, site_tree, client):
    translate(site_tree.home, site_tree.locales["en"], slug="home")
    translate(heritage["page"], site_tree.locales["en"], slug="map", title="Heritage map")

    page = soup(client.get("/en/map/"))

    assert page.select_one("h1").get_text() == "Heritage map"
    assert page.select_one("[data-heritage-map]")["data-search-url"] == "/en/search/"
    assert page.select_one("[data-heritage-map]")["data-lang"] == "en"
    assert page.select_one("#map-list-title").get_text() == "Places on the map"
    assert "Search this area" in page.select_one("[data-search-area]").get_text()
    items = page.select_one("section[aria-labelledby=map-items-title]")
    assert "2 archive items" in items.get_text()
