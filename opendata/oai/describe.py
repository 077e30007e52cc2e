"""What both metadata writers say the same way about an item: its language, type and dates."""

from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language

from archive.models import ArchiveItem, MediaFile, Member
from opendata.oai.records import ItemData

Kind = ArchiveItem.Kind

# Rights under which the images and recordings themselves may be handed to aggregators.
OPEN_RIGHTS = {ArchiveItem.Rights.CC_BY, ArchiveItem.Rights.CC_BY_SA, ArchiveItem.Rights.CC0}


def language(item: ItemData) -> str:
    """The language the item's texts are written in, as far as we know: its own, else the
    site's main language (contributors write in it)."""
    return item.language or settings.LANGUAGE_CODE


def edm_type(item: ItemData) -> str:
    if item.kind == Kind.PHOTO:
        return "IMAGE"
    if item.kind == Kind.ORAL_HISTORY:
        if item.media_kind == MediaFile.Kind.VIDEO:
            return "VIDEO"
        if item.media_kind == MediaFile.Kind.AUDIO:
            return "SOUND"
    return "TEXT"


DCMI_TYPES = {"IMAGE": "StillImage", "SOUND": "Sound", "VIDEO": "MovingImage", "TEXT": "Text"}


def dcmi_type(item: ItemData) -> str:
    return f"http://purl.org/dc/dcmitype/{DCMI_TYPES[edm_type(item)]}"


def period(item: ItemData) -> tuple[str, str] | None:
    """(first year, last year) when the item is dated by a range of years."""
    if item.date or not (item.year_from or item.year_to):
        return None
    first = item.year_from or item.year_to
    last = item.year_to or item.year_from
    return str(first), str(last)


def w3c_date(item: ItemData) -> str:
    """`1954-03-12`, `1950`, or `1950/1960` (ISO 8601 interval)."""
    if item.date:
        return item.date.isoformat()
    found = period(item)
    if not found:
        return ""
    first, last = found
    return first if first == last else f"{first}/{last}"


_CHOICES = {"kind": dict(ArchiveItem.Kind.choices), "country": dict(Member.Country.choices)}


@lru_cache(maxsize=256)
def _label(family: str, value: str, language: str | None) -> str:
    # Keyed by the active language, in which the lazy label is rendered: thousands of
    # records a second would otherwise spend their time in gettext.
    return str(_CHOICES[family].get(value, value))


def kind_label(item: ItemData, language: str | None = None) -> str:
    """The kind's label in `language`, the active one (pass it when known: asking for it is
    what costs most here)."""
    return _label("kind", item.kind, language or get_language())


def place_label(item: ItemData, language: str | None = None) -> str:
    language = language or get_language()
    country = _label("country", item.country, language) if item.country else ""
    parts = [item.place_name, item.commune, item.region, country]
    return ", ".join(dict.fromkeys(part for part in parts if part))


def may_share_files(item: ItemData) -> bool:
    return item.rights in OPEN_RIGHTS


def europeana_rights(item: ItemData) -> str:
    """The item's rights URI as Europeana's list of rights statements spells it: Creative
    Commons URIs over http, which Europeana matches exactly."""
    return item.rights_uri.replace("https://creativecommons.org/", "http://creativecommons.org/")
