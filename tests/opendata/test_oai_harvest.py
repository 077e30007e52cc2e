"""A real harvester (Sickle) harvests the demo repository over HTTP, from pytest-django's live
server, in both formats and through resumption tokens; the EDM is read back as RDF."""

from django.core.management import call_command

import pytest
import rdflib
from lxml import etree
from rdflib.namespace import DC, DCTERMS, RDF
from sickle import Sickle

from archive import services
from archive.erasure import item_erase
from archive.models import ArchiveItem
from tests.factories.archive import moderator

# The live server reads committed data; serialized_rollback puts back what migrations created
# for the tests that follow, as tests/search/test_migrations.py does.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EDM = rdflib.Namespace("http://www.europeana.eu/schemas/edm/")
ORE = rdflib.Namespace("http://www.openarchives.org/ore/terms/")
SVCS = rdflib.Namespace("http://rdfs.org/sioc/services#")
DOAP = rdflib.Namespace("http://usefulinc.com/ns/doap#")
WGS84 = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture
def repository(transactional_db, live_server, settings, empty_cache):
    """The demo, committed so that the live server reads it, served three records a page."""
    settings.OAI_PAGE_SIZE = 3
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Sickle(f"{live_server.url}/oai/", max_retries=1)


def harvest(sickle, prefix, **arguments):
    records = list(sickle.ListRecords(metadataPrefix=prefix, ignore_deleted=False, **arguments))
    return {record.header.identifier.rsplit(":", 1)[1]: record for record in records}


def edm_graph(record) -> rdflib.Graph:
    rdf = etree.fromstring(record.raw.encode()).find(f".//{{{RDF_NS}}}RDF")
    return rdflib.Graph().parse(data=etree.tostring(rdf), format="xml")


def test_the_demo_is_harvested_whole_in_both_formats_and_then_items_leave(repository, live_server):
    public = {item.identifier: item for item in ArchiveItem.objects.public()}
    assert len(public) > 3 and ArchiveItem.objects.exclude(pk__in=public_pks()).exists()

    dublin_core = harvest(repository, "oai_dc")
    assert set(dublin_core) == set(public)
    for identifier, record in dublin_core.items():
        assert record.metadata["title"] == [public[identifier].title]

    europeana = harvest(repository, "edm")
    assert set(europeana) == set(public)
    shown_by = 0
    for identifier, record in europeana.items():
        item = public[identifier]
        graph = edm_graph(record)
        (cho,) = graph.subjects(RDF.type, EDM.ProvidedCHO)
        (aggregation,) = graph.subjects(RDF.type, ORE.Aggregation)
        assert graph.value(aggregation, EDM.aggregatedCHO) == cho
        assert str(graph.value(cho, DC.title)) == item.title
        assert str(graph.value(cho, DC.identifier)) == identifier
        assert str(graph.value(cho, EDM.type)) in {"IMAGE", "SOUND", "VIDEO", "TEXT"}
        assert str(graph.value(aggregation, EDM.rights)) == item.rights_uri.replace(
            "https://creativecommons", "http://creativecommons"
        )
        assert str(graph.value(aggregation, EDM.dataProvider)) == item.institution.member.name
        assert str(graph.value(aggregation, EDM.isShownAt)) == (
            f"{live_server.url}/fr/archive/{identifier}/"
        )
        subjects = {str(s) for s in graph.objects(cho, DC.subject)}
        for trade in item.trades.all():
            if trade.aat_id:
                assert f"http://vocab.getty.edu/aat/{trade.aat_id}" in subjects
        if item.has_location:
            place = graph.value(cho, DCTERMS.spatial)
            assert float(graph.value(place, WGS84.lat)) == pytest.approx(float(item.latitude))
            assert (place, RDF.type, EDM.Place) in graph
        images = list(graph.subjects(RDF.type, EDM.WebResource))
        for web_resource in images:
            service = graph.value(web_resource, SVCS.has_service)
            if service is None:
                continue  # a recording
            assert str(graph.value(service, DCTERMS.conformsTo)) == "http://iiif.io/api/image"
            assert str(graph.value(service, DOAP.implements)).endswith("level0.json")
            manifest = str(graph.value(web_resource, DCTERMS.isReferencedBy))
            assert manifest == f"{live_server.url}/iiif/{identifier}/manifest"
        if graph.value(aggregation, EDM.isShownBy) is not None:
            shown_by += 1
            assert item.rights != ArchiveItem.Rights.IN_COPYRIGHT
    assert shown_by > 0

    # Then two items leave: the next harvest says so (the demo is loaded once, for both).
    withdrawn, erased = ArchiveItem.objects.public().order_by("pk")[:2]
    services.item_withdraw(item=withdrawn, user=moderator())
    item_erase(item=erased, user=moderator("effaceuse"), reason="Doublon")
    headers = {
        header.identifier.rsplit(":", 1)[1]: header
        for header in repository.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False)
    }
    assert headers[withdrawn.identifier].deleted
    assert headers[erased.identifier].deleted
    assert sum(header.deleted for header in headers.values()) == 2
    live = harvest(repository, "edm")
    assert withdrawn.identifier in live and live[withdrawn.identifier].deleted
    assert "<metadata" not in live[withdrawn.identifier].raw


def public_pks():
    return ArchiveItem.objects.public().values("pk")
