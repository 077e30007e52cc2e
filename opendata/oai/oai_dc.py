"""Simple Dublin Core (oai_dc), for national portals and any OAI-PMH harvester."""

from django.utils.translation import get_language

from opendata.oai import describe
from opendata.oai.links import GEONAMES, WIKIDATA, Links, trade_uris
from opendata.oai.records import Record
from opendata.oai.xml import element

HEAD = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/'
    ' http://www.openarchives.org/OAI/2.0/oai_dc.xsd">'
)


def write(record: Record, links: Links, provider: str) -> str:
    item = record.item
    lang = describe.language(item)
    out = [HEAD, element("dc:title", item.title, lang=lang)]
    for written in (item.summary, item.description):
        if written:
            out.append(element("dc:description", written, lang=lang))
    for trade in item.trades:
        for language, label in record.trade_labels.get(trade.translation_key, []):
            out.append(element("dc:subject", label, lang=language))
        out += [element("dc:subject", uri) for uri in trade_uris(trade)]
    place = describe.place_label(item)
    if place:
        out.append(element("dc:coverage", place))
    if item.geonames_id:
        out.append(element("dc:coverage", GEONAMES.format(item.geonames_id)))
    if item.wikidata_id:
        out.append(element("dc:coverage", WIKIDATA.format(item.wikidata_id)))
    date = describe.w3c_date(item)
    if date:
        out.append(element("dc:date", date))
    out.append(element("dc:type", describe.dcmi_type(item)))
    out.append(element("dc:type", describe.kind_label(item), lang=get_language()))
    for people in (item.narrators, item.interviewers):
        if people:
            out.append(element("dc:contributor", people))
    out.append(element("dc:publisher", item.publisher))
    if item.language:
        out.append(element("dc:language", item.language))
    out.append(element("dc:rights", item.rights_uri))
    if item.credit_line:
        out.append(element("dc:rights", item.credit_line))
    out.append(element("dc:identifier", links.item_page(item)))
    out.append(element("dc:identifier", item.identifier))
    out.append(element("dc:relation", links.manifest(item)))
    out.append("</oai_dc:dc>")
    return "".join(out)
