"""OAI-PMH at /oai/: the six verbs, their errors, sets, dates and paging, as a harvester sees
them (through the test client; tests/opendata/test_oai_harvest.py harvests over HTTP)."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Locale

import pytest
import rdflib
import time_machine
from lxml import etree
from rdflib import Literal, URIRef
from rdflib.namespace import DC, DCTERMS, RDF

from archive import services
from archive.erasure import item_erase as erase
from archive.models import ArchiveItem
from tests.factories.archive import (
    ArchiveItemFactory,
    InstitutionFactory,
    TradeFactory,
    moderator,
)
from tests.factories.items import (
    ItemImageFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
)
from tests.opendata.conftest import NS, OAI, error_code, headers, ids, oai_get

pytestmark = pytest.mark.django_db

EDM = rdflib.Namespace("http://www.europeana.eu/schemas/edm/")
ORE = rdflib.Namespace("http://www.openarchives.org/ore/terms/")
SVCS = rdflib.Namespace("http://rdfs.org/sioc/services#")
WGS84 = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def oai_id(item):
    return f"oai:fabrique.localhost:{item.identifier}"


@pytest.fixture
def textile():
    """Textile > Weaver, Textile > Spinner (French rows), with English labels and an AAT id."""
    parent = TradeFactory(name="Textile", slug="textile", aat_id="300014063")
    weaver = TradeFactory(name="Tisserand", slug="tisserand", parent=parent, wikidata_id="Q1371925")
    spinner = TradeFactory(name="Fileur", slug="fileur", parent=parent)
    return parent, weaver, spinner


def test_identify_describes_the_repository(client):
    root = oai_get(client, verb="Identify")
    identify = root.find(f"{{{OAI}}}Identify")
    assert identify.findtext(f"{{{OAI}}}deletedRecord") == "persistent"
    assert identify.findtext(f"{{{OAI}}}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{{{OAI}}}protocolVersion") == "2.0"
    assert identify.findtext(f"{{{OAI}}}baseURL") == "http://testserver/oai/"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", identify.findtext(f"{{{OAI}}}earliestDatestamp")
    )
    assert "fabrique.localhost" in etree.tostring(identify).decode()


def test_a_form_posted_request_is_answered_like_a_get(client):
    item = PublishedItemFactory()
    response = client.post("/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    assert ids(etree.fromstring(response.content)) == [item.identifier]


def test_any_origin_may_read_the_repository(client):
    response = client.get("/oai/", {"verb": "Identify"}, HTTP_ORIGIN="https://harvester.example")
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "ListEverything"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "set": "kind"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "edm"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-13-01"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-01T10:00"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01T10:00:00+01:00",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01",
                "until": "2026-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-02-02",
                "until": "2026-02-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "colour:red"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": "oai:x:y"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "FAB-X-1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListMetadataFormats", "identifier": "oai:fabrique.localhost:FAB-NONE-0001"},
            "idDoesNotExist",
        ),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ],
)
def test_bad_requests_get_the_protocol_error(client, params, code):
    root = oai_get(client, **params)
    assert error_code(root) == code
    message = root.findtext(f"{{{OAI}}}error")
    assert message.strip()
    request = root.find(f"{{{OAI}}}request")
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}


def test_a_set_that_holds_nothing_matches_no_record(client, textile):
    PublishedItemFactory()
    root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="trade:fileur")
    assert error_code(root) == "noRecordsMatch"


# --- Sets ------------------------------------------------------------------------------------


def test_a_trade_set_holds_the_narrower_trades(client, textile):
    parent, weaver, spinner = textile
    woven = PublishedItemFactory(trades=[weaver])
    sector = PublishedItemFactory(trades=[parent])
    spun = PublishedOralHistoryFactory(trades=[spinner])
    PublishedItemFactory()  # no trade

    def harvest(spec):
        root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
        return set(ids(root))

    assert harvest("trade:textile") == {woven.identifier, sector.identifier, spun.identifier}
    assert harvest("trade:tisserand") == {woven.identifier}
    assert harvest("trade") == {woven.identifier, sector.identifier, spun.identifier}
    assert harvest("kind:oral_history") == {spun.identifier}
    assert harvest(f"institution:{spun.institution.code}") == {spun.identifier}
    assert len(harvest("institution")) == 4

    root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(woven))
    specs = [e.text for e in root.iter(f"{{{OAI}}}setSpec")]
    assert specs == [
        f"institution:{woven.institution.code}",
        "kind:photo",
        "trade:textile",
        "trade:tisserand",
    ]


def test_list_sets_names_every_set(client, textile):
    InstitutionFactory(code="CMSH")
    root = oai_get(client, verb="ListSets")
    sets = {
        s.findtext(f"{{{OAI}}}setSpec"): s.findtext(f"{{{OAI}}}setName")
        for s in root.iter(f"{{{OAI}}}set")
    }
    assert sets["trade:tisserand"] == "Tisserand"
    assert sets["kind:oral_history"] == "Témoignage oral"
    assert {"institution", "kind", "trade", "institution:CMSH", "trade:textile"} <= set(sets)


# --- Dates and paging ------------------------------------------------------------------------


def test_from_and_until_select_by_datestamp_to_the_second(client):
    with at(T0):
        first = PublishedItemFactory()
    with at(T0 + datetime.timedelta(seconds=1)):
        second = PublishedItemFactory()
    with at(T0 + datetime.timedelta(days=1)):
        third = PublishedItemFactory()

    def harvest(**dates):
        root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return ids(root) if error_code(root) is None else error_code(root)

    assert harvest(until="2026-03-02T09:00:00Z") == [first.identifier]
    assert harvest(**{"from": "2026-03-02T09:00:01Z"}) == [second.identifier, third.identifier]
    assert harvest(**{"from": "2026-03-02", "until": "2026-03-02"}) == [
        first.identifier,
        second.identifier,
    ]
    assert harvest(**{"from": "2026-03-03"}) == [third.identifier]
    assert harvest(until="2026-03-01") == "noRecordsMatch"
    root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(second))
    assert root.findtext(f".//{{{OAI}}}datestamp") == "2026-03-02T09:00:01Z"


def test_resumption_tokens_page_through_everything_once(client, settings):
    settings.OAI_PAGE_SIZE = 2
    with at(T0):  # the same datestamp for all: the pk breaks the tie
        items = [PublishedItemFactory() for _ in range(5)]
    seen, cursors, token = [], [], None
    while True:
        params = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        root = oai_get(client, verb="ListRecords", **params)
        seen += ids(root)
        element = root.find(f".//{{{OAI}}}resumptionToken")
        if element is None:
            break
        assert element.get("completeListSize") == "5"
        cursors.append(element.get("cursor"))
        token = element.text
        if not token:
            break
        assert element.get("expirationDate").endswith("Z")
    assert seen == [item.identifier for item in items]
    assert cursors == ["0", "2", "4"]


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(client, settings, textile):
    parent, weaver, _spinner = textile
    for _ in range(6):
        PublishedItemFactory(trades=[weaver, parent])
        PublishedOralHistoryFactory(trades=[weaver])

    def queries(size):
        settings.OAI_PAGE_SIZE = size
        token = oai_get(client, verb="ListRecords", metadataPrefix="edm").findtext(
            f".//{{{OAI}}}resumptionToken"
        )
        with CaptureQueriesContext(connection) as captured:
            root = oai_get(client, verb="ListRecords", resumptionToken=token)
        assert len(headers(root)) == size
        return len(captured)

    # The three keyset streams (live, come back, deleted), the items with their trades and
    # images, and the vocabulary of trades with their labels.
    assert queries(2) == queries(5) == 5


def test_an_expired_or_altered_token_is_refused(client, settings):
    settings.OAI_PAGE_SIZE = 1
    with at(T0):
        PublishedItemFactory()
        PublishedItemFactory()
        token = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
            f".//{{{OAI}}}resumptionToken"
        )
        assert error_code(oai_get(client, verb="ListIdentifiers", resumptionToken=token)) is None
        altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        assert error_code(oai_get(client, verb="ListIdentifiers", resumptionToken=altered)) == (
            "badResumptionToken"
        )
        # Issued for ListIdentifiers, not ListRecords.
        assert error_code(oai_get(client, verb="ListRecords", resumptionToken=token)) == (
            "badResumptionToken"
        )
    with at(T0 + datetime.timedelta(seconds=settings.OAI_RESUMPTION_TOKEN_LIFETIME + 1)):
        assert error_code(oai_get(client, verb="ListIdentifiers", resumptionToken=token)) == (
            "badResumptionToken"
        )


# --- Deleted records -------------------------------------------------------------------------


def header_of(client, item):
    root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(item))
    assert error_code(root) is None
    return root.find(f".//{{{OAI}}}header"), root


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what the block leaves for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_withdrawn_item_becomes_a_deleted_record_with_its_sets(client, committed, textile):
    _parent, weaver, _spinner = textile
    with at(T0):
        item = PublishedItemFactory(trades=[weaver])
    live_header, _root = header_of(client, item)
    assert live_header.get("status") is None
    with at(T0 + datetime.timedelta(hours=1)), committed():
        services.item_withdraw(item=item, user=moderator())

    header, root = header_of(client, item)
    assert header.get("status") == "deleted"
    assert header.findtext(f"{{{OAI}}}datestamp") == "2026-03-02T10:00:00Z"
    assert [e.text for e in header.iter(f"{{{OAI}}}setSpec")] == [
        e.text for e in live_header.iter(f"{{{OAI}}}setSpec")
    ]
    assert root.find(f".//{{{OAI}}}metadata") is None
    # In the lists too, in the sets it had, and only from when it left.
    for verb in ("ListIdentifiers", "ListRecords"):
        listed = oai_get(client, verb=verb, metadataPrefix="edm", set="trade:textile")
        assert [h.get("status") for h in headers(listed)] == ["deleted"]
        assert listed.find(f".//{{{OAI}}}metadata") is None
    early = oai_get(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2026-03-02T09:59:59Z"
    )
    assert error_code(early) == "noRecordsMatch"


def test_an_erased_item_stays_a_deleted_record(client, committed):
    item = PublishedItemFactory()
    with committed():
        erase(item=item, user=moderator(), reason="Demande de l’ayant droit")
    assert not ArchiveItem.objects.filter(pk=item.pk).exists()
    header, _root = header_of(client, item)
    assert header.get("status") == "deleted"
    assert (
        oai_get(client, verb="ListMetadataFormats", identifier=oai_id(item)).find(
            f".//{{{OAI}}}metadataFormat"
        )
        is not None
    )


@pytest.mark.parametrize("change", ["members_only", "consent_withdrawn", "research_only"])
def test_an_item_made_non_public_becomes_a_deleted_record(client, committed, change):
    item = PublishedOralHistoryFactory()
    with committed():
        if change == "members_only":
            item.access = ArchiveItem.Access.MEMBERS
            item.save()
        else:
            services.item_consent_set(
                item=item,
                user=moderator(),
                consent_date=datetime.date(2023, 11, 14),
                scope="research" if change == "research_only" else "public_web",
                withdrawn_at=timezone.now() if change == "consent_withdrawn" else None,
            )
    header, _root = header_of(client, item)
    assert header.get("status") == "deleted"


def test_an_item_back_on_the_public_site_is_live_again_with_a_later_datestamp(client, committed):
    with at(T0):
        item = PublishedItemFactory(access=ArchiveItem.Access.PUBLIC)
    with at(T0 + datetime.timedelta(hours=1)), committed():
        item.access = ArchiveItem.Access.MEMBERS
        item.save()
    with at(T0 + datetime.timedelta(hours=2)), committed():
        item.access = ArchiveItem.Access.PUBLIC
        item.save()
    header, _root = header_of(client, item)
    assert header.get("status") is None
    assert header.findtext(f"{{{OAI}}}datestamp") == "2026-03-02T11:00:00Z"


def test_an_item_never_public_never_appears(client, committed):
    draft = ArchiveItemFactory()
    members = PublishedItemFactory(access=ArchiveItem.Access.MEMBERS)
    research = PublishedOralHistoryFactory(consent__scope="research")
    with committed():
        draft.title = "Brouillon retouché"
        draft.save()
        members.delete()
        research.title = "Entretien réservé à la recherche"
        research.save()
    root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert error_code(root) == "noRecordsMatch"
    for item in (draft, members, research):
        root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(item))
        assert error_code(root) == "idDoesNotExist"


# --- Embargoes that end with time ------------------------------------------------------------

# The embargo ends at midnight in Paris: 23:00 UTC the day before, in winter.
EMBARGO_END = datetime.date(2026, 12, 8)
APPEARS = datetime.datetime(2026, 12, 7, 23, 0, tzinfo=datetime.UTC)


def test_an_interview_out_of_embargo_is_caught_by_the_next_incremental_harvest(client, committed):
    with at(APPEARS - datetime.timedelta(days=30)), committed():
        item = PublishedOralHistoryFactory(consent__embargo_until=EMBARGO_END)
    with at(APPEARS - datetime.timedelta(minutes=1)):
        root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
        assert error_code(root) == "noRecordsMatch"
        last_harvest = "2026-12-07T22:59:00Z"
    # Nothing is saved when the embargo ends: the item simply becomes public.
    with at(APPEARS + datetime.timedelta(minutes=1)):
        root = oai_get(
            client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": last_harvest}
        )
        assert ids(root) == [item.identifier]
        assert root.findtext(f".//{{{OAI}}}datestamp") >= "2026-12-07T23:00:00Z"


def test_an_item_put_under_embargo_is_deleted_then_comes_back(client, committed):
    with at(APPEARS - datetime.timedelta(days=30)):
        item = PublishedOralHistoryFactory()
    with at(APPEARS - datetime.timedelta(days=2)), committed():
        services.item_consent_set(
            item=item,
            user=moderator(),
            consent_date=datetime.date(2023, 11, 14),
            scope="public_web",
            embargo_until=EMBARGO_END,
        )
    with at(APPEARS - datetime.timedelta(days=1)):
        header, _root = header_of(client, item)
        assert header.get("status") == "deleted"
    with at(APPEARS + datetime.timedelta(hours=1)):
        header, _root = header_of(client, item)
        assert header.get("status") is None
        assert header.findtext(f"{{{OAI}}}datestamp") >= "2026-12-07T23:00:00Z"
        # And it is withdrawn after it came back: deleted again.
        with committed():
            services.item_withdraw(item=item, user=moderator())
        header, _root = header_of(client, item)
        assert header.get("status") == "deleted"


def test_an_embargoed_item_withdrawn_before_it_appeared_never_appears(client, committed):
    with at(APPEARS - datetime.timedelta(days=30)), committed():
        item = PublishedOralHistoryFactory(consent__embargo_until=EMBARGO_END)
    with at(APPEARS - datetime.timedelta(days=1)), committed():
        services.item_withdraw(item=item, user=moderator())
    with at(APPEARS + datetime.timedelta(days=1)):
        root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(item))
        assert error_code(root) == "idDoesNotExist"


# --- What a record says ----------------------------------------------------------------------


def test_dublin_core_says_the_language_the_trades_and_the_place(client, textile):
    parent, weaver, _spinner = textile
    TradeFactory(
        name="Weaver",
        slug="tisserand",
        locale=Locale.objects.get_or_create(language_code="en")[0],
        translation_key=weaver.translation_key,
    )
    item = PublishedItemFactory(
        trades=[weaver],
        title="Salle des métiers",
        place_name="Filature Motte-Bossut",
        geonames_id="2982652",
        year_from=1950,
        year_to=1960,
    )
    root = oai_get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(item))
    dc = root.find(".//oai_dc:dc", NS)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [(e.text, e.get(lang)) for e in dc.findall("dc:title", NS)] == [
        ("Salle des métiers", "fr")
    ]
    subjects = [(e.text, e.get(lang)) for e in dc.findall("dc:subject", NS)]
    assert ("Weaver", "en") in subjects and ("Tisserand", "fr") in subjects
    assert ("http://www.wikidata.org/entity/Q1371925", None) in subjects
    coverage = [e.text for e in dc.findall("dc:coverage", NS)]
    assert "Filature Motte-Bossut, Roubaix, Hauts-de-France, France" in coverage
    assert "https://sws.geonames.org/2982652/" in coverage
    assert dc.findtext("dc:date", namespaces=NS) == "1950/1960"
    assert "https://creativecommons.org/licenses/by/4.0/" in [
        e.text for e in dc.findall("dc:rights", NS)
    ]
    assert f"http://testserver/fr/archive/{item.identifier}/" in [
        e.text for e in dc.findall("dc:identifier", NS)
    ]


def test_characters_xml_forbids_are_dropped_and_markup_escaped(client):
    item = PublishedItemFactory(title="Le <four> & la \x0bcoulée\x01", summary="“Fonte” \x1f]]>")
    for prefix in ("oai_dc", "edm"):
        response = client.get(
            "/oai/", {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": oai_id(item)}
        )
        root = etree.fromstring(response.content)  # raises on malformed XML
        titles = root.xpath("//*[local-name()='title']/text()")
        assert titles == ["Le <four> & la coulée"]


def edm_of(client, item) -> rdflib.Graph:
    response = client.get(
        "/oai/", {"verb": "GetRecord", "metadataPrefix": "edm", "identifier": oai_id(item)}
    )
    rdf = etree.fromstring(response.content).find(f".//{{{RDF}}}RDF")
    return rdflib.Graph().parse(data=etree.tostring(rdf), format="xml")


@pytest.mark.parametrize(
    ("rights", "shares_the_image"),
    [(ArchiveItem.Rights.CC_BY, True), (ArchiveItem.Rights.IN_COPYRIGHT, False)],
)
def test_edm_links_place_period_and_iiif_images(client, textile, rights, shares_the_image):
    _parent, weaver, _spinner = textile
    item = PublishedItemFactory(
        trades=[weaver],
        rights=rights,
        geonames_id="2982652",
        latitude="50.690000",
        longitude="3.181700",
        year_from=1950,
        year_to=1960,
    )
    first, second = ItemImageFactory(item=item), ItemImageFactory(item=item)
    graph = edm_of(client, item)
    (cho,) = graph.subjects(RDF.type, EDM.ProvidedCHO)
    (aggregation,) = graph.subjects(RDF.type, ORE.Aggregation)
    assert (cho, DC.subject, URIRef("http://www.wikidata.org/entity/Q1371925")) in graph
    assert (cho, EDM.type, Literal("IMAGE")) in graph
    place = URIRef("https://sws.geonames.org/2982652/")
    assert (cho, DCTERMS.spatial, place) in graph
    assert (place, RDF.type, EDM.Place) in graph
    assert float(graph.value(place, WGS84.lat)) == 50.69
    assert float(graph.value(place, WGS84.long)) == 3.1817
    period = graph.value(cho, DCTERMS.temporal)
    assert (period, RDF.type, EDM.TimeSpan) in graph
    assert (str(graph.value(period, EDM.begin)), str(graph.value(period, EDM.end))) == (
        "1950",
        "1960",
    )
    manifest = URIRef(f"http://testserver/iiif/{item.identifier}/manifest")
    services_seen = set()
    for image in (first, second):
        service = URIRef(f"http://testserver/iiif/image/{image.image_id}")
        web_resource = URIRef(f"{service}/full/max/0/default.jpg")
        assert (web_resource, RDF.type, EDM.WebResource) in graph
        assert (web_resource, SVCS.has_service, service) in graph
        assert (web_resource, DCTERMS.isReferencedBy, manifest) in graph
        assert (service, DCTERMS.conformsTo, URIRef("http://iiif.io/api/image")) in graph
        services_seen.add(service)
    assert len(services_seen) == 2
    shown_by = graph.value(aggregation, EDM.isShownBy)
    if shares_the_image:
        assert shown_by == URIRef(
            f"http://testserver/iiif/image/{first.image_id}/full/max/0/default.jpg"
        )
        assert graph.value(aggregation, EDM.object) == shown_by
    else:
        assert shown_by is None and graph.value(aggregation, EDM.object) is None
    assert graph.value(aggregation, EDM.isShownAt) == URIRef(
        f"http://testserver/fr/archive/{item.identifier}/"
    )
    assert str(graph.value(aggregation, EDM.provider)) == "Fabrique"
    assert str(graph.value(aggregation, EDM.dataProvider)) == item.institution.member.name
