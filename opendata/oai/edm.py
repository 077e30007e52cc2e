"""The Europeana Data Model in RDF/XML: the provided object, its aggregation by the
institution, its place and period as contextual resources, and its images as web resources
served by our IIIF Image API (level 0)."""

from django.utils.translation import get_language

from opendata.oai import describe
from opendata.oai.links import (
    GEONAMES,
    IIIF_IMAGE_API,
    IIIF_LEVEL0,
    WIKIDATA,
    Links,
    trade_uris,
)
from opendata.oai.records import Record
from opendata.oai.xml import element, text

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


def write(record: Record, links: Links, provider: str) -> str:
    item = record.item
    lang = describe.language(item)
    page = links.item_page(item)
    cho, aggregation = f"{page}#object", f"{page}#aggregation"
    place = GEONAMES.format(item.geonames_id) if item.geonames_id else f"{page}#place"
    period = describe.period(item)
    timespan = f"{page}#period"
    place_label = describe.place_label(item)
    has_place = bool(item.geonames_id or item.has_location or place_label)

    out = [HEAD, f'<edm:ProvidedCHO rdf:about="{text(cho)}">']
    out.append(element("dc:title", item.title, lang=lang))
    for written in (item.summary, item.description):
        if written:
            out.append(element("dc:description", written, lang=lang))
    out.append(element("dc:type", describe.kind_label(item), lang=get_language()))
    for trade in item.trades:
        uris = trade_uris(trade)
        out += [element("dc:subject", resource=uri) for uri in uris]
        if not uris:
            for language, label in record.trade_labels.get(trade.translation_key, []):
                out.append(element("dc:subject", label, lang=language))
    if has_place:
        out.append(element("dcterms:spatial", resource=place))
    if item.date:
        out.append(element("dcterms:created", item.date.isoformat()))
    elif period:
        if period[0] == period[1]:
            out.append(element("dcterms:created", period[0]))
        else:
            out.append(element("dcterms:temporal", resource=timespan))
    if item.language or describe.edm_type(item) == "TEXT":
        out.append(element("dc:language", lang))
    for people in (item.narrators, item.interviewers):
        if people:
            out.append(element("dc:contributor", people))
    out.append(element("dc:identifier", item.identifier))
    if item.inventory_number:
        out.append(element("dc:identifier", item.inventory_number))
    out.append(element("edm:type", describe.edm_type(item)))
    out.append("</edm:ProvidedCHO>")

    shared = describe.may_share_files(item)
    rights = describe.europeana_rights(item)
    images = item.image_ids
    views = [links.image_full(image_id) for image_id in images]
    recording = links.recording(item)
    if recording:
        views.insert(0, recording)
    out.append(f'<ore:Aggregation rdf:about="{text(aggregation)}">')
    out.append(element("edm:aggregatedCHO", resource=cho))
    out.append(element("edm:dataProvider", item.publisher))
    out.append(element("edm:provider", provider))
    out.append(element("edm:isShownAt", resource=page))
    if shared and views:
        out.append(element("edm:isShownBy", resource=views[0]))
        if images:
            out.append(element("edm:object", resource=links.image_full(images[0])))
        out += [element("edm:hasView", resource=view) for view in views[1:]]
    out.append(element("edm:rights", resource=rights))
    if item.credit_line:
        out.append(element("dc:rights", item.credit_line))
    out.append("</ore:Aggregation>")

    manifest = links.manifest(item)
    for image_id in images:
        service = links.image_service(image_id)
        out.append(f'<edm:WebResource rdf:about="{text(links.image_full(image_id))}">')
        out.append(element("svcs:has_service", resource=service))
        out.append(element("dcterms:isReferencedBy", resource=manifest))
        out.append(element("edm:rights", resource=rights))
        out.append("</edm:WebResource>")
        out.append(f'<svcs:Service rdf:about="{text(service)}">')
        out.append(element("dcterms:conformsTo", resource=IIIF_IMAGE_API))
        out.append(element("doap:implements", resource=IIIF_LEVEL0))
        out.append("</svcs:Service>")
    if recording:
        out.append(f'<edm:WebResource rdf:about="{text(recording)}">')
        out.append(element("dcterms:isReferencedBy", resource=manifest))
        out.append(element("edm:rights", resource=rights))
        out.append("</edm:WebResource>")

    if has_place:
        out.append(f'<edm:Place rdf:about="{text(place)}">')
        if item.has_location:
            out.append(element("wgs84_pos:lat", str(item.latitude)))
            out.append(element("wgs84_pos:long", str(item.longitude)))
        if place_label:
            out.append(element("skos:prefLabel", place_label))
        if item.wikidata_id:
            out.append(element("owl:sameAs", resource=WIKIDATA.format(item.wikidata_id)))
        out.append("</edm:Place>")
    if period and period[0] != period[1]:
        out.append(f'<edm:TimeSpan rdf:about="{text(timespan)}">')
        out.append(element("skos:prefLabel", describe.w3c_date(item)))
        out.append(element("edm:begin", period[0]))
        out.append(element("edm:end", period[1]))
        out.append("</edm:TimeSpan>")
    out.append("</rdf:RDF>")
    return "".join(out)
