"""schema.org JSON-LD on item pages: what a search engine reads, of the right type for each
kind, and a block that no title can break out of."""

import datetime
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem, MediaFile
from tests.factories import TradeFactory
from tests.factories.archive import InstitutionFactory, MemberFactory
from tests.factories.items import (
    MediaFileFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
)

pytestmark = pytest.mark.usefixtures("empty_cache")


def json_ld(client, item, language="fr") -> list[dict]:
    response = client.get(f"/{language}/archive/{item.identifier}/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    return [json.loads(s.string) for s in html.select('script[type="application/ld+json"]')]


@pytest.fixture
def institution(site_tree):
    member = MemberFactory(name="Centre historique minier", website="https://chm.example")
    return InstitutionFactory(member=member, code="CHM")


def test_a_photo_is_a_photograph_with_licence_place_provider_and_trades(institution, client):
    weaver = TradeFactory(name="Tisserand", slug="tisserand", aat_id="300025555")
    weaver_wd = TradeFactory(name="Fileur", slug="fileur", wikidata_id="Q1371925")
    item = PublishedItemFactory(
        institution=institution,
        title="Salle des métiers",
        summary="La salle en 1954.",
        place_name="Filature Motte",
        commune="Roubaix",
        region="Hauts-de-France",
        country="FR",
        latitude=Decimal("50.690000"),
        longitude=Decimal("3.180000"),
        geonames_id="2982652",
        date=datetime.date(1954, 3, 12),
        rights=ArchiveItem.Rights.CC_BY_SA,
        credit_line="Coll. CHM",
    )
    item.trades.set([weaver, weaver_wd])
    item.tags.add("charbon")
    item.save()

    [data] = json_ld(client, item, "en")

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Photograph"
    assert data["@id"] == data["url"] == f"http://testserver/en/archive/{item.identifier}/"
    assert data["name"] == "Salle des métiers"
    assert data["description"] == "La salle en 1954."
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["dateCreated"] == "1954-03-12"
    assert data["inLanguage"] == "en"
    assert data["contentLocation"] == {
        "@type": "Place",
        "name": "Filature Motte",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Roubaix",
            "addressRegion": "Hauts-de-France",
            "addressCountry": "FR",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 50.69, "longitude": 3.18},
        "sameAs": ["https://sws.geonames.org/2982652/"],
    }
    provider = {"@type": "Organization", "name": "Centre historique minier"}
    provider["url"] = "https://chm.example"
    assert data["provider"] == data["sourceOrganization"] == provider
    assert sorted(data["about"], key=lambda t: t["termCode"]) == [
        {
            "@type": "DefinedTerm",
            "name": "Fileur",
            "termCode": "fileur",
            "sameAs": ["http://www.wikidata.org/entity/Q1371925"],
        },
        {
            "@type": "DefinedTerm",
            "name": "Tisserand",
            "termCode": "tisserand",
            "sameAs": ["http://vocab.getty.edu/aat/300025555"],
        },
    ]
    assert set(data["keywords"]) == {"Fileur", "Tisserand", "charbon"}


def test_each_kind_has_its_schema_type(institution, client, subtests):
    video = MediaFileFactory(
        institution=institution, kind=MediaFile.Kind.VIDEO, mime="video/mp4", duration_seconds=95
    )
    cases = [
        (PublishedOralHistoryFactory(institution=institution, language="lb"), "AudioObject"),
        (
            PublishedOralHistoryFactory(institution=institution, media=video, language="de"),
            "VideoObject",
        ),
        (
            PublishedItemFactory(
                institution=institution,
                kind=ArchiveItem.Kind.SAVOIR_FAIRE,
                year_from=1950,
                year_to=1960,
                date_approximate=True,
            ),
            "CreativeWork",
        ),
    ]
    for item, schema_type in cases:
        with subtests.test(kind=item.kind, schema_type=schema_type):
            [data] = json_ld(client, item)
            assert data["@type"] == schema_type
            if item.kind == ArchiveItem.Kind.ORAL_HISTORY:
                # The language spoken in the interview, not the page's.
                assert data["inLanguage"] == item.language
            if item.media:
                assert data["duration"] == "PT95S"
            if item.year_from:
                assert data["dateCreated"] == "1950/1960"


def test_a_hostile_title_stays_inside_the_block(institution, client):
    title = '</script><script>alert("x")</script> & <!-- “Mines”'
    item = PublishedItemFactory(institution=institution, title=title, summary="</SCRIPT>")

    response = client.get(f"/fr/archive/{item.identifier}/")
    html = BeautifulSoup(response.content, "html.parser")

    [block] = html.select('script[type="application/ld+json"]')
    assert json.loads(block.string)["name"] == title
    assert json.loads(block.string)["description"] == "</SCRIPT>"
    # No script came out of the title: only the page's own scripts are there.
    assert not [s for s in html.select("script") if "alert" in (s.string or "") and s != block]
    assert b"<script>alert" not in response.content
