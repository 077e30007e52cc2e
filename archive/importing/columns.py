"""The columns of an import file, and the model fields behind them (README.md, "Bulk import")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy

from archive.models import ArchiveItem

Kind = ArchiveItem.Kind


@dataclass(frozen=True)
class Column:
    name: str
    required: str
    format: str
    example: str
    kinds: frozenset[str] | None = None  # the kinds a non-empty value is allowed for


_NEW = gettext_lazy("for new items")
_NO = gettext_lazy("no")
_ORAL = frozenset({Kind.ORAL_HISTORY})
_PHOTO = frozenset({Kind.PHOTO})
_SAVOIR = frozenset({Kind.SAVOIR_FAIRE})

COLUMNS: tuple[Column, ...] = (
    Column("identifier", _NO, gettext_lazy("An item's identifier: that item is updated. An identifier not yet used is kept for the new item (letters, digits, - _ .; at most 40)."), "FAB-CMSH-0042"),  # noqa: E501
    Column("inventory_number", _NO, gettext_lazy("The institution's own catalogue number (at most 100 characters). Without an identifier, the item that has it is updated; else the new item gets it. Unique within the institution."), "1998.12.4"),  # noqa: E501
    Column("kind", _NEW, gettext_lazy("photo, oral_history or savoir_faire, or their name in French, English, German, Luxembourgish or Dutch."), "photo"),  # noqa: E501
    Column("title", _NEW, gettext_lazy("Text, at most 255 characters."), "Mineurs à la remonte"),
    Column("summary", _NO, gettext_lazy("Text, at most 600 characters."), "Fin de poste, 1954."),
    Column("description", _NO, gettext_lazy("Text."), ""),
    Column("trades", _NO, gettext_lazy("Trades of the vocabulary, by slug or by name in any site language, separated by |."), "mineur-de-fond|Porion"),  # noqa: E501
    Column("tags", _NO, gettext_lazy("Keywords separated by | or commas, at most 100 characters each."), "charbon|remonte"),  # noqa: E501
    Column("place_name", _NO, gettext_lazy("Text."), "Fosse 9 de Oignies"),
    Column("commune", _NO, gettext_lazy("Text."), "Oignies"),
    Column("region", _NO, gettext_lazy("Text."), "Hauts-de-France"),
    Column("country", _NO, gettext_lazy("FR, BE, LU, DE or NL, or the country's name."), "FR"),
    Column("latitude", _NO, gettext_lazy("Decimal degrees (WGS84), with a point or a comma; with longitude."), "50.4653"),  # noqa: E501
    Column("longitude", _NO, gettext_lazy("Decimal degrees (WGS84), with a point or a comma; with latitude."), "2.9939"),  # noqa: E501
    Column("geonames_id", _NO, gettext_lazy("GeoNames id, digits."), "2989317"),
    Column("wikidata_id", _NO, gettext_lazy("Wikidata id, Q and digits."), "Q213603"),
    Column("date", _NO, gettext_lazy("1954-03-12 or 12/03/1954, a year (1954), a period (1950-1960) or an approximate one (c. 1950–1960)."), "c. 1950–1960"),  # noqa: E501
    Column("rights", _NO, gettext_lazy("cc-by-4.0, cc-by-sa-4.0, cc0-1.0 or inc (In Copyright, the default)."), "cc-by-4.0"),  # noqa: E501
    Column("credit_line", _NO, gettext_lazy("Text, at most 255 characters."), "Coll. CHM, photo J. Martin"),  # noqa: E501
    Column("access", _NO, gettext_lazy("public (the default), members or restricted."), "public"),
    Column("media", _NO, gettext_lazy("File names in the media folder or ZIP, separated by |: photos (JPEG, PNG, TIFF, WebP, HEIC) for a photo, one audio or video recording for an oral history."), "remonte-1.jpg|remonte-2.jpg"),  # noqa: E501
    Column("captions", _NO, gettext_lazy("One caption per photo, in the order of media, separated by |."), "Vue d'ensemble|Détail", _PHOTO),  # noqa: E501
    Column("transcript", _NO, gettext_lazy("File name of a WebVTT, SRT or speaker-turn text transcript."), "entretien.vtt", _ORAL),  # noqa: E501
    Column("duration", _NO, gettext_lazy("Length of the recording: seconds, M:SS or H:MM:SS."), "1:02:30", _ORAL),  # noqa: E501
    Column("narrators", _NO, gettext_lazy("Names separated by |."), "Jeannine D.", _ORAL),
    Column("interviewers", _NO, gettext_lazy("Names separated by |."), "Camille Delannoy", _ORAL),
    Column("recording_date", _NO, gettext_lazy("A date, 2023-11-14 or 14/11/2023."), "2023-11-14", _ORAL),  # noqa: E501
    Column("recording_place", _NO, gettext_lazy("Text."), "Roubaix", _ORAL),
    Column("language", _NO, gettext_lazy("Language spoken, as a code."), "fr", _ORAL),
    Column("consent_date", _NO, gettext_lazy("A date: when the narrator consented (needed to submit an oral history)."), "2023-11-14", _ORAL),  # noqa: E501
    Column("consent_scope", _NO, gettext_lazy("public_web or research; needed with consent_date."), "public_web", _ORAL),  # noqa: E501
    Column("embargo_until", _NO, gettext_lazy("A date: not shown publicly before it."), "2030-01-01", _ORAL),  # noqa: E501
    Column("consent_notes", _NO, gettext_lazy("Text."), "Formulaire signé, dossier 12.", _ORAL),
    Column("techniques", _NO, gettext_lazy("Separated by | or line breaks."), "Ourdissage|Tissage", _SAVOIR),  # noqa: E501
    Column("materials", _NO, gettext_lazy("Separated by | or line breaks."), "Laine", _SAVOIR),
    Column("tools", _NO, gettext_lazy("Separated by | or line breaks."), "Navette", _SAVOIR),
    Column("steps", _NO, gettext_lazy("The steps' texts, in order, separated by |."), "Monter la chaîne|Tisser", _SAVOIR),  # noqa: E501
    Column("step_media", _NO, gettext_lazy("One photo or video file name per step (empty for none), separated by |."), "chaine.jpg|", _SAVOIR),  # noqa: E501
)  # fmt: skip
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}

# Model fields each plain column sets (the others are read one by one).
_FIELDS_OF = {
    "inventory_number": ("inventory_number",),
    "title": ("title",),
    "summary": ("summary",),
    "description": ("description",),
    "place_name": ("place_name",),
    "commune": ("commune",),
    "region": ("region",),
    "country": ("country",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "geonames_id": ("geonames_id",),
    "wikidata_id": ("wikidata_id",),
    "date": ("date", "year_from", "year_to", "date_approximate"),
    "rights": ("rights",),
    "credit_line": ("credit_line",),
    "access": ("access",),
    "narrators": ("narrators",),
    "interviewers": ("interviewers",),
    "recording_date": ("recording_date",),
    "recording_place": ("recording_place",),
    "language": ("language",),
    "techniques": ("techniques",),
    "materials": ("materials",),
    "tools": ("tools",),
}
COLUMN_OF_FIELD = {name: column for column, names in _FIELDS_OF.items() for name in names}


@cache
def model_fields() -> tuple[str, ...]:
    return tuple(f.name for f in ArchiveItem._meta.concrete_fields)


CONSENT_COLUMNS = ("consent_date", "consent_scope", "embargo_until", "consent_notes")
# The column behind each part of an item that is not a model field.
_COLUMN_OF_PART = {"images": "media", "media": "media", "consent": "consent_date"}


def column_of(name: str) -> str:
    """The file's column behind a model field or a part of an item (its images, consent…)."""
    return COLUMN_OF_FIELD.get(name) or _COLUMN_OF_PART.get(name, name)


def columns_of(changed: set[str]) -> tuple[str, ...]:
    """The file's columns behind the changed fields and parts, in the file's order."""
    columns = {column_of(name) for name in changed}
    return tuple(name for name in COLUMN_NAMES if name in columns)
