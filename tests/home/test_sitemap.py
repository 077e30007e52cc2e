"""sitemap.xml: an index of section files; public archive items in every language, never the
others, in files of bounded size that a crawler pages through."""

import xml.etree.ElementTree as ET

from django.conf import settings

import pytest

from archive.models import ArchiveItem
from home.sitemaps import ArchiveItemSitemap
from tests.factories.archive import InstitutionFactory
from tests.factories.items import PublishedItemFactory, PublishedOralHistoryFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def files(client) -> list[str]:
    index = parse(client.get("/sitemap.xml"))
    return [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]


def item_locations(client, url: str) -> list[str]:
    return [loc.text for loc in parse(client.get(url)).findall("sm:url/sm:loc", NS)]


@pytest.fixture
def items(site_tree):
    institution = InstitutionFactory()
    public = [PublishedItemFactory(institution=institution) for _ in range(3)]
    hidden = [
        PublishedItemFactory(institution=institution, status=ArchiveItem.Status.DRAFT),
        PublishedItemFactory(institution=institution, status=ArchiveItem.Status.WITHDRAWN),
        PublishedItemFactory(institution=institution, access=ArchiveItem.Access.MEMBERS),
        PublishedItemFactory(institution=institution, access=ArchiveItem.Access.RESTRICTED),
        # An oral history whose narrator agreed to research use only.
        PublishedOralHistoryFactory(institution=institution, consent__scope="research"),
    ]
    return {"public": public, "hidden": hidden}


def test_public_items_are_listed_in_every_language_and_no_other_item(items, client):
    assert files(client) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-items.xml",
    ]

    listed = item_locations(client, "/sitemap-items.xml")

    assert sorted(listed) == sorted(
        f"http://localhost/{code}/archive/{item.identifier}/"
        for item in items["public"]
        for code in LANGUAGES
    )
    for item in items["hidden"]:
        assert not [url for url in listed if item.identifier in url]
    # Every listed URL answers, for an anonymous visitor, in its language.
    for url in listed[: len(LANGUAGES)]:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_each_item_names_its_translations(items, client):
    sitemap = parse(client.get("/sitemap-items.xml"))

    first = sitemap.find("sm:url", NS)
    alternates = {
        link.get("hreflang"): link.get("href") for link in first.findall("xhtml:link", NS)
    }
    identifier = first.find("sm:loc", NS).text.split("/")[-2]
    assert alternates == {
        code: f"http://localhost/{code}/archive/{identifier}/" for code in LANGUAGES
    }
    assert first.find("sm:lastmod", NS) is not None


def test_a_large_archive_is_split_into_files_that_a_crawler_pages_through(
    items, client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(ArchiveItemSitemap, "limit", 2)

    assert files(client)[1:] == [
        "http://testserver/sitemap-items.xml",
        "http://testserver/sitemap-items.xml?p=2",
    ]
    with django_assert_max_num_queries(6):
        first = item_locations(client, "/sitemap-items.xml")
    second = item_locations(client, "/sitemap-items.xml?p=2")

    assert len(first) == 2 * len(LANGUAGES)
    assert len(second) == len(LANGUAGES)
    assert not set(first) & set(second)
    assert client.get("/sitemap-items.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_an_item_leaves_the_sitemap_when_it_leaves_the_public_site(items, client):
    item = items["public"][0]
    item.status = ArchiveItem.Status.WITHDRAWN
    item.save()

    listed = item_locations(client, "/sitemap-items.xml")

    assert len(listed) == 2 * len(LANGUAGES)
    assert not [url for url in listed if item.identifier in url]


def test_one_file_holds_at_most_the_protocols_fifty_thousand_urls():
    assert ArchiveItemSitemap.limit * len(LANGUAGES) <= 50_000
