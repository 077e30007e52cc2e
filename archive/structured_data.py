"""schema.org JSON-LD for public item pages: what search engines and aggregators read
(kind, licence, place, institution, date, language, trades with their AAT/Wikidata links)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from archive.models import ArchiveItem, MediaFile

# `<`, `>` and `&` as JSON escapes: a title holding "</script>" cannot close the block.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def aat_uri(aat_id: str) -> str:
    return f"http://vocab.getty.edu/aat/{aat_id}" if aat_id else ""


def wikidata_uri(wikidata_id: str) -> str:
    return f"http://www.wikidata.org/entity/{wikidata_id}" if wikidata_id else ""


def geonames_uri(geonames_id: str) -> str:
    return f"https://sws.geonames.org/{geonames_id}/" if geonames_id else ""


def trade_authority_uris(trade) -> list[str]:
    """A trade's equivalents in the Getty AAT and Wikidata, as URIs (for schema.org sameAs,
    SKOS exactMatch, Dublin Core and EDM subjects): `trade` is anything with `aat_id` and
    `wikidata_id`."""
    return [u for u in (aat_uri(trade.aat_id), wikidata_uri(trade.wikidata_id)) if u]


def schema_type(item: ArchiveItem) -> str:
    """Photograph, VideoObject or AudioObject (an interview without a recording is still an
    audio interview, transcribed), CreativeWork for a savoir-faire record."""
    if item.kind == ArchiveItem.Kind.PHOTO:
        return "Photograph"
    if item.kind == ArchiveItem.Kind.ORAL_HISTORY:
        is_video = item.media is not None and item.media.kind == MediaFile.Kind.VIDEO
        return "VideoObject" if is_video else "AudioObject"
    return "CreativeWork"


def _date_created(item: ArchiveItem) -> str:
    """ISO 8601: the day, the year, or the period as an interval (1950/1960)."""
    if item.date:
        return item.date.isoformat()
    years = [y for y in (item.year_from, item.year_to) if y]
    if not years:
        return ""
    if len(set(years)) == 1:
        return f"{years[0]:04d}"
    return f"{item.year_from:04d}/{item.year_to:04d}"


def _place(item: ArchiveItem) -> dict | None:
    if not (item.place_name or item.commune or item.has_location):
        return None
    place = {"@type": "Place", "name": item.place_name or item.commune or item.region}
    address = {
        key: value
        for key, value in (
            ("addressLocality", item.commune),
            ("addressRegion", item.region),
            ("addressCountry", item.country),
        )
        if value
    }
    if address:
        place["address"] = {"@type": "PostalAddress", **address}
    if item.has_location:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(item.latitude),
            "longitude": float(item.longitude),
        }
    same_as = [u for u in (geonames_uri(item.geonames_id), wikidata_uri(item.wikidata_id)) if u]
    if same_as:
        place["sameAs"] = same_as
    return place


def _institution(item: ArchiveItem) -> dict:
    member = item.institution.member
    organisation = {"@type": "Organization", "name": member.name}
    if member.website:
        organisation["url"] = member.website
    return organisation


def _trade(trade) -> dict:
    term = {
        "@type": "DefinedTerm",
        "name": getattr(trade, "label", trade.name),
        "termCode": trade.slug,
    }
    same_as = trade_authority_uris(trade)
    if same_as:
        term["sameAs"] = same_as
    return term


def item_json_ld(item: ArchiveItem, *, url: str) -> dict:
    """The item as a schema.org object; `url` is the page's canonical address."""
    trades = list(item.trades.all())
    data = {
        "@context": "https://schema.org",
        "@type": schema_type(item),
        "@id": url,
        "url": url,
        "identifier": item.identifier,
        "name": item.title,
        "description": item.summary or item.description,
        "license": item.rights_uri,
        "creditText": item.credit_line,
        "dateCreated": _date_created(item),
        "inLanguage": (
            item.language if item.kind == ArchiveItem.Kind.ORAL_HISTORY and item.language else ""
        )
        or get_language(),
        "contentLocation": _place(item),
        "provider": _institution(item),
        "sourceOrganization": _institution(item),
        "about": [_trade(trade) for trade in trades],
        "keywords": [getattr(t, "label", t.name) for t in trades]
        + [tag.name for tag in item.tags.all()],
    }
    if item.media is not None and item.media.duration_seconds:
        data["duration"] = f"PT{item.media.duration_seconds}S"
    return {key: value for key, value in data.items() if value not in ("", None, [])}


def json_ld_script(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` block (data, never run: allowed by a strict
    CSP), escaped like Django's json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
