"""The Europeana Data Model in RDF/XML: the provided object, its aggregation by the
institution, its place and period as contextual resources, and its images as web resources
served by our IIIF Image API (level 0)."""

from functools import lru_cache

from django.utils.translation import get_language

from archive.structured_data import geonames_uri, trade_authority_uris, wikidata_uri
from opendata.oai import describe
from opendata.oai.links import (
    IIIF_IMAGE_API,
    IIIF_LEVEL0,
    Links,
)
from opendata.oai.records import Record
from opendata.oai.sets import TradeRef
from opendata.oai.xml import leaf, leaf_lang, link, text

NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "edm": "http://www.europeana.eu/schemas/edm/",
    "ore": "http://www.openarchives.org/ore/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "wgs84_pos": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "svcs": "http://rdfs.org/sioc/services#",
    "doap": "http://usefulinc.com/ns/doap#",
}
HEAD = "<rdf:RDF" + "".join(f' xmlns:{p}="{uri}"' for p, uri in NAMESPACES.items()) + ">"


@lru_cache(maxsize=2048)
def _subjects(trade: TradeRef, labels: tuple) -> str:
    """A trade as subjects: its URIs, or its label in every language when it has none (the
    same for every item of the trade, so written once)."""
    uris = trade_authority_uris(trade)
    if uris:
        return "".join(link("dc:subject", uri) for uri in uris)
    return "".join(leaf_lang("dc:subject", label, language) for language, label in labels)


def write(record: Record, links: Links, provider: str) -> str:
    item = record.item
    active = get_language()
    lang = describe.language(item)
    page = links.item_page(item)
    cho, aggregation = f"{page}#object", f"{page}#aggregation"
    place = geonames_uri(item.geonames_id) or f"{page}#place"
    period = describe.period(item)
    timespan = f"{page}#period"
    place_label = describe.place_label(item, active)
    has_place = bool(item.geonames_id or item.has_location or place_label)

    out = [HEAD, f'<edm:ProvidedCHO rdf:about="{text(cho)}">']
    out.append(leaf_lang("dc:title", item.title, lang))
    for written in (item.summary, item.description):
        if written:
            out.append(leaf_lang("dc:description", written, lang))
    out.append(leaf_lang("dc:type", describe.kind_label(item, active), active))
    labels = record.trade_labels
    for trade in item.trades:
        out.append(_subjects(trade, labels.get(trade.translation_key, ())))
    if has_place:
        out.append(link("dcterms:spatial", place))
    if item.date:
        out.append(leaf("dcterms:created", item.date.isoformat()))
    elif period:
        if period[0] == period[1]:
            out.append(leaf("dcterms:created", period[0]))
        else:
            out.append(link("dcterms:temporal", timespan))
    if item.language or describe.edm_type(item) == "TEXT":
        out.append(leaf("dc:language", lang))
    for people in (item.narrators, item.interviewers):
        if people:
            out.append(leaf("dc:contributor", people))
    out.append(leaf("dc:identifier", item.identifier))
    if item.inventory_number:
        out.append(leaf("dc:identifier", item.inventory_number))
    out.append(leaf("edm:type", describe.edm_type(item)))
    out.append("</edm:ProvidedCHO>")

    shared = describe.may_share_files(item)
    rights = describe.europeana_rights(item)
    images = item.image_ids
    views = [links.image_full(image_id) for image_id in images]
    recording = links.recording(item)
    if recording:
        views.insert(0, recording)
    out.append(f'<ore:Aggregation rdf:about="{text(aggregation)}">')
    out.append(link("edm:aggregatedCHO", cho))
    out.append(leaf("edm:dataProvider", item.publisher))
    out.append(leaf("edm:provider", provider))
    out.append(link("edm:isShownAt", page))
    if shared and views:
        out.append(link("edm:isShownBy", views[0]))
        if images:
            out.append(link("edm:object", links.image_full(images[0])))
        out += [link("edm:hasView", view) for view in views[1:]]
    out.append(link("edm:rights", rights))
    if item.credit_line:
        out.append(leaf("dc:rights", item.credit_line))
    out.append("</ore:Aggregation>")

    manifest = links.manifest(item)
    for image_id in images:
        service = links.image_service(image_id)
        out.append(f'<edm:WebResource rdf:about="{text(links.image_full(image_id))}">')
        out.append(link("svcs:has_service", service))
        out.append(link("dcterms:isReferencedBy", manifest))
        out.append(link("edm:rights", rights))
        out.append("</edm:WebResource>")
        out.append(f'<svcs:Service rdf:about="{text(service)}">')
        out.append(link("dcterms:conformsTo", IIIF_IMAGE_API))
        out.append(link("doap:implements", IIIF_LEVEL0))
        out.append("</svcs:Service>")
    if recording:
        out.append(f'<edm:WebResource rdf:about="{text(recording)}">')
        out.append(link("dcterms:isReferencedBy", manifest))
        out.append(link("edm:rights", rights))
        out.append("</edm:WebResource>")

    if has_place:
        out.append(f'<edm:Place rdf:about="{text(place)}">')
        if item.has_location:
            out.append(leaf("wgs84_pos:lat", str(item.latitude)))
            out.append(leaf("wgs84_pos:long", str(item.longitude)))
        if place_label:
            out.append(leaf("skos:prefLabel", place_label))
        if item.wikidata_id:
            out.append(link("owl:sameAs", wikidata_uri(item.wikidata_id)))
        out.append("</edm:Place>")
    if period and period[0] != period[1]:
        out.append(f'<edm:TimeSpan rdf:about="{text(timespan)}">')
        out.append(leaf("skos:prefLabel", describe.w3c_date(item)))
        out.append(leaf("edm:begin", period[0]))
        out.append(leaf("edm:end", period[1]))
        out.append("</edm:TimeSpan>")
    out.append("</rdf:RDF>")
    return "".join(out)
