"""OAI-PMH at /oai/: the six verbs, their errors, sets, dates and paging, as a harvester sees
them (through the test client; tests/opendata/test_oai_harvest.py harvests over HTTP)."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine
from lxml import etree

from archive.models import ArchiveItem
from tests.factories.archive import InstitutionFactory, TradeFactory
from tests.factories.items import PublishedItemFactory, PublishedOralHistoryFactory
from tests.opendata.conftest import NS, OAI, error_code, headers, ids, oai_get

pytestmark = pytest.mark.django_db

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
