"""The open API at /api/v1/ as a client uses it: the search page's results for the same
parameters, stable paging, nothing non-public, conditional GETs, problem details, the trade
vocabulary as JSON and SKOS, institutions, and the heritage map's GeoJSON."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem
from opendata.api import maps
from tests.factories.items import PublishedItemFactory
from tests.opendata.conftest import OIGNIES, ROUBAIX, SECRET_WORD

API = "/api/v1"
ROUBAIX_BOX = "50.6,3.1,50.8,3.3"


def get(client, path, params=None, **headers):
    query = f"?{urlencode(params, doseq=True)}" if params else ""
    return client.get(f"{API}{path}{query}", **headers)


def ok(response) -> dict:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return json.loads(response.content)


def problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert body["status"] == status and body["title"] and body["type"]
    return body


def identifiers(data: dict) -> list[str]:
    return [row["identifier"] for row in data["results"]]


def search_page_identifiers(client, params: list[tuple[str, str]]) -> list[str]:
    response = client.get(f"/fr/search/?{urlencode(params)}")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert not html.select(".search-notices li"), "the search page read every parameter"
    return [re.sub(r"^result-", "", h["id"]) for h in html.select(".search-result__title[id]")]


# (API parameters, the same search on the search page)
SAME_SEARCHES = [
    ({}, []),
    ({"text": "tisser"}, [("q", "tisser")]),
    ({"trade": "textile"}, [("trade", "textile")]),
    (
        {"trade": "mineur-de-fond", "sort": "oldest"},
        [("trade", "mineur-de-fond"), ("sort", "oldest")],
    ),
    ({"kind": "oral_history"}, [("kind", "oral_history")]),
    ({"institution": "CMSH", "sort": "newest"}, [("institution", "CMSH"), ("sort", "newest")]),
    ({"bbox": ROUBAIX_BOX}, [("bbox", ROUBAIX_BOX)]),
    ({"period": "1955-1958"}, [("from", "1955"), ("to", "1958")]),
    ({"tag": "tissage", "page": 1}, [("tag", "tissage")]),
    ({"place": "Oignies"}, [("place", "Oignies")]),
    ({"text": "remonte puits", "kind": "photo"}, [("q", "remonte puits"), ("kind", "photo")]),
]


@pytest.mark.usefixtures("archive")
class TestItems:
    @pytest.mark.parametrize(("params", "page_params"), SAME_SEARCHES)
    def test_items_are_the_search_pages_results_in_the_same_order(
        self, client, params, page_params
    ):
        api = identifiers(ok(get(client, "/items/", params)))
        assert api == search_page_identifiers(client, page_params)
        assert api

    def test_paging_through_next_links_gives_every_public_item_once(self, client, archive):
        seen, pages = [], 0
        url = f"{API}/items/?page_size=4&sort=oldest"
        while url:
            data = ok(client.get(url))
            assert data["count"] == archive.public_count
            seen += identifiers(data)
            pages += 1
            if data["previous"]:
                previous = ok(client.get(data["previous"]))
                assert previous["page"] == data["page"] - 1
            url = data["next"]
        assert pages == 5
        assert len(seen) == len(set(seen)) == archive.public_count
        again = ok(get(client, "/items/", {"page_size": 4, "sort": "oldest", "page": 2}))
        assert identifiers(again) == seen[4:8]

    def test_no_item_a_visitor_may_not_see_is_listed_or_opened(self, client, archive):
        listed = ok(get(client, "/items/", {"page_size": 100}))
        assert SECRET_WORD not in json.dumps(listed)
        for item in archive.hidden.values():
            body = problem(get(client, f"/items/{item.identifier}/"), 404)
            assert item.title not in json.dumps(body)
        assert ok(get(client, "/items/", {"text": SECRET_WORD}))["count"] == 0

    def test_a_logged_in_moderator_gets_the_public_answer(self, client, archive, admin_user):
        client.force_login(admin_user)
        draft = archive.hidden["draft"]
        problem(get(client, f"/items/{draft.identifier}/"), 404)

    def test_an_item_record_has_metadata_trades_place_images_and_links(self, client, archive):
        photo = archive.photos[0]
        record = ok(get(client, f"/items/{photo.identifier}/", {"lang": "en"}))
        assert record["title"] == photo.title
        assert record["trades"] == [
            {"slug": "tisserand", "label": "Weaver", "aat_id": "300025046", "wikidata_id": ""}
        ]
        assert record["place"]["latitude"] == float(ROUBAIX[0])
        assert record["date"]["year_from"] == 1950
        assert record["rights"]["uri"] == "https://creativecommons.org/licenses/by/4.0/"
        [image] = record["images"]
        rendition = client.get(urlsplit(image["renditions"]["thumbnail"]).path)
        assert rendition.status_code in (200, 404)  # served by the storage, not Django
        assert image["renditions"]["large"].startswith("http://testserver/")
        links = record["links"]
        assert links["html"] == f"http://testserver/en/archive/{photo.identifier}/"
        assert links["iiif:manifest"] == f"http://testserver/iiif/{photo.identifier}/manifest"
        assert links["oai"].startswith("http://testserver/oai/?verb=GetRecord")
        assert photo.identifier in links["oai"]
        assert record["tags"] == ["tissage"]

    def test_a_list_entry_has_labels_in_the_language_and_a_thumbnail(self, client, archive):
        photo = archive.photos[0]
        data = ok(get(client, "/items/", {"trade": "tisserand", "lang": "en", "page_size": 50}))
        [entry] = [row for row in data["results"] if row["identifier"] == photo.identifier]
        record = ok(get(client, f"/items/{photo.identifier}/", {"lang": "en"}))
        assert entry["trades"] == record["trades"]
        assert entry["trades"][0]["label"] == "Weaver"
        assert (
            entry["thumbnail"]
            == record["thumbnail"]
            == record["images"][0]["renditions"]["thumbnail"]
        )
        assert (
            entry["date"]
            == record["date"]
            == {
                "display": "1950–1955",
                "date": None,
                "year_from": 1950,
                "year_to": 1955,
                "approximate": False,
            }
        )
        assert entry["links"] == {
            "self": record["links"]["self"],
            "html": record["links"]["html"],
        }

    def test_an_interview_record_has_its_transcript(self, client, archive):
        record = ok(get(client, f"/items/{archive.interview.identifier}/"))
        assert record["oral_history"]["transcript"][0]["start"] == 3.0
        steps = ok(get(client, f"/items/{archive.savoir_faire.identifier}/"))["savoir_faire"]
        assert steps["techniques"] == ["Boisage", "Calage"]
        assert steps["steps"][0]["text"] == "Choisir les bois."

    def test_a_conditional_get_is_answered_not_modified(self, client, archive):
        path = f"/items/{archive.photos[1].identifier}/"
        first = get(client, path)
        assert first["ETag"] and first["Last-Modified"]
        assert get(client, path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        since = get(client, path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
        listing = get(client, "/items/", {"trade": "textile"})
        again = get(client, "/items/", {"trade": "textile"}, HTTP_IF_NONE_MATCH=listing["ETag"])
        assert again.status_code == 304
        other = get(client, "/items/", {"trade": "mines"}, HTTP_IF_NONE_MATCH=listing["ETag"])
        assert other.status_code == 200

    def test_a_changed_item_gets_a_new_etag(self, client, archive):
        photo = archive.photos[2]
        path = f"/items/{photo.identifier}/"
        etag = get(client, path)["ETag"]
        photo.title = "Un autre titre"
        photo.save()
        changed = get(client, path, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag

    @pytest.mark.parametrize(
        ("params", "status", "parameter"),
        [
            ({"page": "abc"}, 422, "page"),
            ({"page": "0"}, 422, "page"),
            ({"page_size": "1000"}, 422, "page_size"),
            ({"kind": "sculpture"}, 422, "kind"),
            ({"sort": "random"}, 422, "sort"),
            ({"lang": "it"}, 422, "lang"),
            ({"period": "vers 1950"}, 400, "period"),
            ({"page": "400", "page_size": "100"}, 400, "page"),
            ({"trade": "astronaute"}, 400, ""),
            ({"bbox": "1,2,3"}, 400, ""),
            ({"period": "1000-3000"}, 400, ""),
        ],
    )
    def test_bad_parameters_are_problem_details(self, client, params, status, parameter):
        body = problem(get(client, "/items/", params), status)
        assert body["errors"] and body["errors"][0]["parameter"] == parameter
        assert body["detail"]

    def test_a_page_past_the_end_and_an_unknown_item_are_404_problems(self, client):
        body = problem(get(client, "/items/", {"page": 50}), 404)
        assert "50" in body["detail"]
        problem(get(client, "/items/FAB-NONE-0001/"), 404)

    def test_problem_messages_follow_lang(self, client):
        body = problem(get(client, "/items/", {"trade": "astronaute", "lang": "fr"}), 400)
        assert "astronaute" in body["detail"] and "inconnu" in body["detail"].lower()


@pytest.mark.usefixtures("archive")
class TestVocabularyAndInstitutions:
    def test_trades_have_labels_broader_narrower_and_ids(self, client):
        data = ok(get(client, "/trades/"))
        trades = {trade["slug"]: trade for trade in data["results"]}
        weaver = trades["tisserand"]
        assert weaver["labels"] == {
            "fr": "Tisserand",
            "en": "Weaver",
            "de": "Weber",
            "lb": "Weber",
            "nl": "Wever",
        }
        assert weaver["broader"] == "textile"
        assert trades["textile"]["narrower"] == ["tisserand"]
        assert weaver["exact_match"] == ["http://vocab.getty.edu/aat/300025046"]
        assert trades["textile"]["exact_match"] == ["http://www.wikidata.org/entity/Q28823"]

    def test_the_vocabulary_is_skos_in_json_ld(self, client):
        rdflib = pytest.importorskip("rdflib")
        response = get(client, "/trades.jsonld")
        assert response["Content-Type"].startswith("application/ld+json")
        negotiated = get(client, "/trades/", HTTP_ACCEPT="application/ld+json")
        assert negotiated.content == response.content
        graph = rdflib.Graph().parse(data=response.content, format="json-ld")
        skos = rdflib.namespace.SKOS
        scheme = rdflib.URIRef("http://testserver/api/v1/trades.jsonld")
        weaver = rdflib.URIRef(f"{scheme}#tisserand")
        textile = rdflib.URIRef(f"{scheme}#textile")
        assert (weaver, rdflib.RDF.type, skos.Concept) in graph
        assert (weaver, skos.prefLabel, rdflib.Literal("Weaver", lang="en")) in graph
        assert (weaver, skos.prefLabel, rdflib.Literal("Wever", lang="nl")) in graph
        assert (weaver, skos.broader, textile) in graph
        assert (textile, skos.narrower, weaver) in graph
        assert (textile, skos.topConceptOf, scheme) in graph
        aat = rdflib.URIRef("http://vocab.getty.edu/aat/300025046")
        assert (weaver, skos.exactMatch, aat) in graph

    def test_institutions_count_public_items_only(self, client, archive):
        data = ok(get(client, "/institutions/"))
        by_code = {row["code"]: row for row in data["results"]}
        assert by_code["FVAN"]["public_items"] == 13  # 12 photos and the interview
        assert by_code["CMSH"]["public_items"] == 4
        assert by_code["FVAN"]["name"] == "Musée de la Filature"
        items = ok(client.get(by_code["CMSH"]["links"]["items"]))
        assert items["count"] == 4


def features(data: dict, layer: str) -> list[dict]:
    assert data["type"] == "FeatureCollection"
    return [f for f in data["features"] if f["properties"]["layer"] == layer]


@pytest.mark.usefixtures("archive")
class TestMap:
    def test_all_three_layers_by_default_with_titles_and_links_in_the_language(
        self, client, archive
    ):
        response = get(client, "/map/", {"zoom": 14, "bbox": ROUBAIX_BOX, "lang": "fr"})
        assert response["Content-Type"].startswith("application/geo+json")
        data = ok(response)
        [member] = features(data, "members")
        assert member["properties"]["title"] == "Musée de la Filature"
        assert member["properties"]["url"].endswith(
            f"/fr/membres/#member-{archive.members['filature'].pk}"
        )
        assert member["properties"]["trades"] == ["textile"]
        assert member["geometry"] == {"type": "Point", "coordinates": [3.1702, 50.6942]}
        [site] = features(data, "sites")  # the past event's site is not on the map
        assert site["properties"]["title"] == "Filature Agache"
        assert f"#site-{archive.sites[0].pk}" in site["properties"]["url"]
        items = features(data, "items")
        assert len(items) == 13 and not any(f["properties"].get("cluster") for f in items)
        first = next(f for f in items if f["properties"]["title"] == archive.photos[0].title)
        assert first["properties"]["url"] == (
            f"http://testserver/fr/archive/{archive.photos[0].identifier}/"
        )
        assert first["properties"]["trades"] == ["tisserand"]
        assert SECRET_WORD not in json.dumps(data)

    def test_layers_and_trade_filter(self, client):
        data = ok(get(client, "/map/", {"layer": ["members", "sites"]}))
        assert {f["properties"]["layer"] for f in data["features"]} == {"members", "sites"}
        mining = ok(
            get(client, "/map/", {"trade": "mines", "layer": ["members", "items"], "zoom": 16})
        )
        assert [f["properties"]["title"] for f in features(mining, "members")] == ["Centre minier"]
        assert {tuple(f["properties"]["trades"]) for f in features(mining, "items")} == {
            ("mineur-de-fond",)
        }
        assert len(features(mining, "items")) == 3

    def test_low_zoom_clusters_count_what_the_search_finds_in_their_box(self, client, archive):
        data = ok(get(client, "/map/", {"layer": "items", "zoom": 5}))
        clusters = features(data, "items")
        assert all(f["properties"]["cluster"] for f in clusters)
        assert sum(f["properties"]["count"] for f in clusters) == 16  # the located public items
        for cluster in clusters:
            found = ok(get(client, "/items/", {"bbox": cluster["properties"]["bbox"]}))
            assert found["count"] == cluster["properties"]["count"]

    def test_a_viewport_with_too_many_items_is_clustered_even_close_up(self, client, monkeypatch):
        monkeypatch.setattr(maps, "ITEMS_CAP", 5)
        data = ok(get(client, "/map/", {"layer": "items", "zoom": 15, "bbox": ROUBAIX_BOX}))
        items = features(data, "items")
        assert any(f["properties"].get("cluster") for f in items)
        assert sum(f["properties"].get("count", 1) for f in items) == 13

    def test_an_item_leaving_the_public_site_leaves_the_map_at_once(self, client, archive):
        lone = PublishedItemFactory(
            institution=archive.photos[0].institution,
            title="Le carreau de Carmaux",
            latitude=Decimal("44.050000"),
            longitude=Decimal("2.150000"),
        )
        for zoom in (5, 15):  # a cached coarse grid, then a fine one
            titles = [
                f["properties"].get("title")
                for f in features(
                    ok(get(client, "/map/", {"layer": "items", "zoom": zoom, "bbox": "43,1,45,3"})),
                    "items",
                )
            ]
            assert titles == ["Le carreau de Carmaux"]
        lone.status = ArchiveItem.Status.WITHDRAWN
        lone.save()
        for zoom in (5, 15):
            data = ok(get(client, "/map/", {"layer": "items", "zoom": zoom, "bbox": "43,1,45,3"}))
            assert features(data, "items") == []

    def test_bbox_restricts_every_layer(self, client):
        latitude, longitude = float(OIGNIES[0]), float(OIGNIES[1])
        box = f"{latitude - 0.01},{longitude - 0.01},{latitude + 0.01},3.1"
        data = ok(get(client, "/map/", {"bbox": box, "zoom": 16}))
        titles = {f["properties"]["title"] for f in data["features"]}
        assert "Centre minier" in titles and "Fosse 9" in titles
        assert "Musée de la Filature" not in titles and "Filature Agache" not in titles
        assert len(features(data, "items")) == 3

    @pytest.mark.parametrize(
        ("params", "status"),
        [
            ({"bbox": "north"}, 400),
            ({"bbox": "50,3,49,4"}, 400),
            ({"trade": "astronaute"}, 400),
            ({"zoom": "21"}, 422),
            ({"layer": "roads"}, 422),
            ({"lang": "xx"}, 422),
        ],
    )
    def test_bad_map_parameters_are_problem_details(self, client, params, status):
        problem(get(client, "/map/", params), status)


def test_the_docs_page_loads_swagger_from_our_static_files_without_inline_script(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    scripts = html.find_all("script")
    assert scripts
    for script in scripts:
        if script.get("type") == "application/json":
            continue  # data, never run
        assert script.get("src", "").startswith("/static/"), script
        assert not script.string or not script.string.strip()
    assert not html.select("link[href^='http']")
    schema = ok(client.get(f"{API}/openapi.json"))
    assert set(schema["paths"]) >= {f"{API}/items/", f"{API}/map/", f"{API}/trades.jsonld"}


@pytest.mark.usefixtures("archive")
def test_the_item_page_links_to_its_api_record(client, archive):
    photo = archive.photos[0]
    html = BeautifulSoup(client.get(f"/en/archive/{photo.identifier}/").content, "html.parser")
    link = html.select_one(f"a[href='/api/v1/items/{photo.identifier}/']")
    assert link is not None and link.get_text(strip=True)
