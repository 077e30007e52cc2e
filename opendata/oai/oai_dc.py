"""Simple Dublin Core (oai_dc), for national portals and any OAI-PMH harvester."""

from functools import lru_cache

from django.utils.translation import get_language

from archive.structured_data import geonames_uri, trade_authority_uris, wikidata_uri
from opendata.oai import describe
from opendata.oai.links import Links
from opendata.oai.records import Record
from opendata.oai.sets import TradeRef
from opendata.oai.xml import leaf, leaf_lang

HEAD = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/'
    ' http://www.openarchives.org/OAI/2.0/oai_dc.xsd">'
)


@lru_cache(maxsize=2048)
def _subjects(trade: TradeRef, labels: tuple) -> str:
    """A trade as subjects: its label in every language, then its URIs (the same for every
    item of the trade, so written once)."""
    out = [leaf_lang("dc:subject", label, language) for language, label in labels]
    out += [leaf("dc:subject", uri) for uri in trade_authority_uris(trade)]
    return "".join(out)


def write(record: Record, links: Links, provider: str) -> str:
    item = record.item
    active = get_language()
    lang = describe.language(item)
    out = [HEAD, leaf_lang("dc:title", item.title, lang)]
    for written in (item.summary, item.description):
        if written:
            out.append(leaf_lang("dc:description", written, lang))
    labels = record.trade_labels
    for trade in item.trades:
        out.append(_subjects(trade, labels.get(trade.translation_key, ())))
    place = describe.place_label(item, active)
    if place:
        out.append(leaf("dc:coverage", place))
    if item.geonames_id:
        out.append(leaf("dc:coverage", geonames_uri(item.geonames_id)))
    if item.wikidata_id:
        out.append(leaf("dc:coverage", wikidata_uri(item.wikidata_id)))
    date = describe.w3c_date(item)
    if date:
        out.append(leaf("dc:date", date))
    out.append(leaf("dc:type", describe.dcmi_type(item)))
    out.append(leaf_lang("dc:type", describe.kind_label(item, active), active))
    for people in (item.narrators, item.interviewers):
        if people:
            out.append(leaf("dc:contributor", people))
    out.append(leaf("dc:publisher", item.publisher))
    if item.language:
        out.append(leaf("dc:language", item.language))
    out.append(leaf("dc:rights", item.rights_uri))
    if item.credit_line:
        out.append(leaf("dc:rights", item.credit_line))
    out.append(leaf("dc:identifier", links.item_page(item)))
    out.append(leaf("dc:identifier", item.identifier))
    out.append(leaf("dc:relation", links.manifest(item)))
    out.append("</oai_dc:dc>")
    return "".join(out)
