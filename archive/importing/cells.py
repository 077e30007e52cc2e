"""Reading one cell's text as a value: dates, periods, numbers, durations, choices in any site
language, and trades of the vocabulary. Each refusal is a message for the row's report."""

from __future__ import annotations

import datetime
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.models import Locale

from archive.models import ArchiveItem, Member, Trade

LIST_SEPARATOR = "|"


class CellError(ValueError):
    """A cell that cannot be read; the message is for the row's report."""


def fold(text: str) -> str:
    """Comparison key: no accents, no case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


def choice_lookup(choices) -> dict[str, str]:
    """Value of a TextChoices from its value or its label in any site language."""
    lookup = {}
    for value, _label in choices.choices:
        lookup[fold(value)] = value
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(fold(str(label)), value)
    return lookup


def split(value: str, separators: str = LIST_SEPARATOR) -> list[str]:
    parts = re.split("|".join(re.escape(s) for s in separators), value) if value else []
    return [part.strip() for part in parts if part.strip()]


_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_APPROXIMATE = re.compile(
    r"^(?:c\.|ca\.|c|ca|circa|env\.|env|environ|vers|um|rond|omstreeks|~)\s*", re.IGNORECASE
)
_PERIOD = re.compile(r"^(\d{3,4})\s*(?:-|–|—|/|à|a|to|bis|tot)\s*(\d{3,4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{3,4})$")


def parse_exact_date(value: str) -> datetime.date:
    """2023-11-14 or 14/11/2023 (also 14.11.2023): day first, as in the site's languages."""
    try:
        match = _DMY.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date: write 2023-11-14 or 14/11/2023.") % {"value": value}
        ) from None


def parse_period(
    value: str, *, this_year: int | None = None
) -> tuple[datetime.date | None, int | None, int | None, bool]:
    """(exact date, first year, last year, approximate) from the `date` column."""
    text = value.strip()
    approximate = False
    stripped = _APPROXIMATE.sub("", text)
    if stripped != text:
        approximate, text = True, stripped.strip()
    if text.endswith("?"):
        approximate, text = True, text[:-1].strip()
    match = _PERIOD.fullmatch(text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
    elif _YEAR.fullmatch(text):
        first = last = int(text)
    elif not approximate:
        return parse_exact_date(text), None, None, False
    else:
        first = last = None
    if first is None:
        raise CellError(
            _(
                "“%(value)s” is not a date: write 1954-03-12, 12/03/1954, 1954, 1950-1960 "
                "or c. 1950–1960."
            )
            % {"value": value}
        )
    this_year = this_year or timezone.localdate().year
    for year in (first, last):
        if not 100 <= year <= this_year:
            raise CellError(
                _("%(year)d is not a year between 100 and %(now)d.")
                % {"year": year, "now": this_year}
            )
    if first > last:
        raise CellError(_("The period cannot end before it starts."))
    return None, first, last, approximate


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    # Six decimals are about 10 cm: more precision than any source has.
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def parse_duration(value: str) -> int:
    parts = value.split(":")
    if not 1 <= len(parts) <= 3 or not all(part.strip().isdigit() for part in parts):
        raise CellError(
            _("“%(value)s” is not a duration: write seconds, M:SS or H:MM:SS.") % {"value": value}
        )
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


_MESSAGES = {
    "country": gettext_lazy("“%(value)s” is not one of FR, BE, LU, DE, NL."),
    "rights": gettext_lazy(
        "“%(value)s” is not a rights statement: write cc-by-4.0, cc-by-sa-4.0, cc0-1.0 or inc."
    ),
    "access": gettext_lazy(
        "“%(value)s” is not an access level: write public, members or restricted."
    ),
    "geonames_id": gettext_lazy("“%(value)s” is not a GeoNames id (digits)."),
    "wikidata_id": gettext_lazy("“%(value)s” is not a Wikidata id (Q and digits)."),
    "language": gettext_lazy("“%(value)s” is not a language code such as fr."),
}
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_GEONAMES = re.compile(r"\d{1,20}")
_WIKIDATA = re.compile(r"Q\d{1,19}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,4})?")


def field_parsers() -> dict[str, tuple[Callable[[str], object], object]]:
    """Column -> (parser of a non-empty cell, value of an empty cell), for the columns that
    set one model field each."""
    rights = choice_lookup(ArchiveItem.Rights)
    rights.update({fold(label): value for value, label in ArchiveItem.Rights.choices})

    def choice(lookup, message):
        seen: dict[str, str] = {}

        def parse(value):
            if value not in seen:
                found = lookup.get(fold(value))
                if found is None:
                    raise CellError(message % {"value": value})
                seen[value] = found
            return seen[value]

        return parse

    def pattern(regex, message):
        def parse(value):
            if not regex.fullmatch(value):
                raise CellError(message % {"value": value})
            return value

        return parse

    def names(value):
        return ", ".join(split(value))

    def lines(value):
        return "\n".join(split(value, (LIST_SEPARATOR, "\n")))

    return {
        "country": (choice(choice_lookup(Member.Country), _MESSAGES["country"]), ""),
        "latitude": (parse_decimal, None),
        "longitude": (parse_decimal, None),
        "rights": (choice(rights, _MESSAGES["rights"]), ArchiveItem.Rights.IN_COPYRIGHT),
        "access": (
            choice(choice_lookup(ArchiveItem.Access), _MESSAGES["access"]),
            ArchiveItem.Access.PUBLIC,
        ),
        "recording_date": (parse_exact_date, None),
        "geonames_id": (pattern(_GEONAMES, _MESSAGES["geonames_id"]), ""),
        "wikidata_id": (pattern(_WIKIDATA, _MESSAGES["wikidata_id"]), ""),
        "language": (pattern(_LANGUAGE, _MESSAGES["language"]), ""),
        "narrators": (names, ""),
        "interviewers": (names, ""),
        "techniques": (lines, ""),
        "materials": (lines, ""),
        "tools": (lines, ""),
    }


class TradeIndex:
    """Every trade by slug and by name in every locale (and as "Broader > Name"), read in one
    query; items link to the default locale's rows, as in the admin form."""

    def __init__(self):
        rows = list(
            Trade.objects.select_related("parent").values_list(
                "pk", "slug", "name", "translation_key", "locale_id", "parent__name"
            )
        )
        default_locale = Locale.get_default().pk
        target: dict[uuid.UUID, int] = {}
        for pk, _slug, _name, key, locale_id, _parent in rows:
            if locale_id == default_locale or key not in target:
                target[key] = pk
        self.keys: dict[str, set[uuid.UUID]] = defaultdict(set)
        for _pk, slug, name, key, _locale, parent in rows:
            self.keys[fold(slug)].add(key)
            self.keys[fold(name)].add(key)
            if parent:
                self.keys[fold(f"{parent} > {name}")].add(key)
        self.target = target
        self.slug_of = {key: slug for _pk, slug, _n, key, _l, _p in rows}

    def find(self, label: str) -> int:
        keys = self.keys.get(fold(label), set())
        if len(keys) == 1:
            return self.target[next(iter(keys))]
        if keys:
            raise CellError(
                _("“%(label)s” names several trades (%(slugs)s): use the slug.")
                % {"label": label, "slugs": ", ".join(sorted(self.slug_of[key] for key in keys))}
            )
        raise CellError(_("“%(label)s” is not a trade of the vocabulary.") % {"label": label})
