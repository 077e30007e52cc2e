"""The member directory: list, filters, map data, and labels in the page's language."""

import json
from decimal import Decimal

from django.test import override_settings

import pytest
from bs4 import BeautifulSoup

from archive.models import Member
from tests.factories import MemberDirectoryPageFactory, MemberFactory, TradeFactory
from tests.factories.translations import translate

pytestmark = pytest.mark.usefixtures("empty_cache")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def directory(site_tree):
    return MemberDirectoryPageFactory(parent=site_tree.home, title="Les membres", slug="membres")


@pytest.fixture
def members(directory):
    """A museum and a company in Hauts-de-France, an association in Wallonia; the company's
    position is unknown."""
    return {
        "museum": MemberFactory(
            name="Centre historique minier",
            kind=Member.Kind.MUSEUM,
            commune="Lewarde",
            latitude=Decimal("50.331000"),
            longitude=Decimal("3.170500"),
        ),
        "association": MemberFactory(
            name="Bois-du-Luc vivant",
            kind=Member.Kind.ASSOCIATION,
            commune="La Louvière",
            region="Wallonie",
            country=Member.Country.BELGIUM,
            latitude=Decimal("50.470000"),
            longitude=Decimal("4.150000"),
        ),
        "company": MemberFactory(
            name="Filature Motte",
            kind=Member.Kind.COMPANY,
            commune="Roubaix",
            located=False,
        ),
    }


def listed(page_soup: BeautifulSoup) -> list[str]:
    return [h2.get_text(strip=True) for h2 in page_soup.select("li.member .member__name")]


def markers(page_soup: BeautifulSoup) -> list[dict]:
    script = page_soup.select_one("script#member-map-data")
    return json.loads(script.string) if script else []


ALL = ["Bois-du-Luc vivant", "Centre historique minier", "Filature Motte"]


def test_filters_by_kind_and_region_narrow_the_list_and_the_map(members, client, subtests):
    for query, shown in [
        ("", ALL),
        ("?kind=museum", ["Centre historique minier"]),
        ("?kind=company", ["Filature Motte"]),
        ("?region=Wallonie", ["Bois-du-Luc vivant"]),
        ("?region=Hauts-de-France", ["Centre historique minier", "Filature Motte"]),
        ("?kind=museum&region=Hauts-de-France", ["Centre historique minier"]),
        ("?kind=museum&region=Wallonie", []),
        # Unknown values are ignored rather than emptying the list.
        ("?kind=castle", ALL),
        ("?region=Atlantide", ALL),
        ("?kind=castle&region=Wallonie", ["Bois-du-Luc vivant"]),
    ]:
        with subtests.test(query=query):
            page_soup = soup(client.get(f"/fr/membres/{query}"))

            assert listed(page_soup) == shown
            # Filature Motte has no position: listed, but not on the map.
            assert sorted(m["name"] for m in markers(page_soup)) == [
                name for name in shown if name != "Filature Motte"
            ]


def test_filter_form_offers_the_regions_in_use_and_keeps_the_choice(members, client):
    page_soup = soup(client.get("/fr/membres/?kind=museum&region=Hauts-de-France"))

    assert [o["value"] for o in page_soup.select("#filter-region option")] == [
        "",
        "Hauts-de-France",
        "Wallonie",
    ]
    assert [o["value"] for o in page_soup.select("#filter-region option[selected]")] == [
        "Hauts-de-France"
    ]
    assert [o["value"] for o in page_soup.select("#filter-kind option[selected]")] == ["museum"]
    assert "1 membre" in page_soup.select_one("[aria-live]").get_text()
    empty = soup(client.get("/fr/membres/?kind=museum&region=Wallonie"))
    assert "Aucun membre" in empty.select_one("ul.members").get_text()


def test_map_shows_members_with_a_position_and_links_each_marker_to_the_list(members, client):
    page_soup = soup(client.get("/fr/membres/"))

    museum, association = members["museum"], members["association"]
    assert sorted(markers(page_soup), key=lambda m: m["name"]) == [
        {
            "id": f"member-{association.pk}",
            "name": "Bois-du-Luc vivant",
            "commune": "La Louvière",
            "lat": 50.47,
            "lng": 4.15,
        },
        {
            "id": f"member-{museum.pk}",
            "name": "Centre historique minier",
            "commune": "Lewarde",
            "lat": 50.331,
            "lng": 3.1705,
        },
    ]
    for marker in markers(page_soup):
        assert page_soup.select_one(f"li#{marker['id']}") is not None


@override_settings(MAP_TILE_URL="https://tiles.example.invalid/{z}/{x}/{y}.png")
def test_list_does_not_depend_on_the_map(members, client):
    page_soup = soup(client.get("/fr/membres/"))

    # Every member is in the list, with or without a position, whatever the tile server.
    assert listed(page_soup) == ALL
    assert page_soup.select_one("#member-map")["data-tiles"] == (
        "https://tiles.example.invalid/{z}/{x}/{y}.png"
    )
    assert page_soup.select_one("#member-map noscript") is not None


def test_no_map_without_positions(directory, client):
    MemberFactory(name="Filature Motte", located=False)

    page_soup = soup(client.get("/fr/membres/"))

    assert listed(page_soup) == ["Filature Motte"]
    assert page_soup.select_one("#member-map") is None


def test_trades_and_kinds_show_in_the_language_of_the_page(site_tree, directory, client):
    weaver = TradeFactory(name="Tisserand", slug="tisserand")
    english_weaver = weaver.copy_for_translation(site_tree.locales["en"])
    english_weaver.name = "Weaver"
    english_weaver.save()
    miner = TradeFactory(name="Mineur", slug="mineur")  # not translated yet
    MemberFactory(name="Filature Motte", kind=Member.Kind.MUSEUM, trades=[weaver, miner])
    translate(site_tree.home, site_tree.locales["en"], title="Home", slug="home")
    translate(directory, site_tree.locales["en"], title="Our members", slug="members")

    french = soup(client.get("/fr/membres/")).select_one("li.member")
    english = soup(client.get("/en/members/")).select_one("li.member")

    assert [t.get_text() for t in french.select(".tag")] == ["Mineur", "Tisserand"]
    assert [t.get_text() for t in english.select(".tag")] == ["Mineur", "Weaver"]
    assert french.select_one(".muted").get_text().startswith("Musée · ")
    assert english.select_one(".muted").get_text().startswith("Museum · ")
