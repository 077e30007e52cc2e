"""The public search form: whatever arrives in the query string becomes a valid ArchiveQuery.

No parameter can make the page fail. Each one is read leniently; a value that cannot be used is
dropped and a notice says so (`SearchForm.notices`), and the rest of the search still runs. The
form also gives the canonical state of the search (`params`), from which the page builds every
link (facets, sorting, pages), so that each state is one shareable URL.

Values that name things (trades, places, tags) are checked against what visitors may see: a
place or a tag used only by unpublished items is as unknown as a misspelt one, so the notice
gives nothing away.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taggit.models import Tag

from archive.models import ArchiveItem, Institution, Member, Trade
from archive.selectors import trades_labelled
from search.contract import MAX_MAP_ZOOM, MAX_RESULT_WINDOW, ArchiveQuery, BoundingBox, Sort

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# Both engines stop where Elasticsearch does (search.contract.MAX_RESULT_WINDOW), so that a
# URL means the same thing on either.
MAX_PAGE = MAX_RESULT_WINDOW // PER_PAGE
MAX_VALUES = 20  # per multi-valued parameter; more is never a person clicking facets
MAX_VALUE_LENGTH = 200  # any other parameter: longer is never a real trade, place or tag
YEAR_MIN, YEAR_MAX = 1000, 2100
DEFAULT_ZOOM = 6  # the map's zoom before the visitor moves it: a region and its neighbours
# Clusters come from cells this many zoom levels finer than the map shows (each level halves a
# cell), so that search.js can merge them to the map's zoom and split them as the visitor
# zooms in, without asking the server again; at the default zoom that is still at most a few
# hundred cells for the whole network.
CLUSTER_DETAIL = 4

# C0 controls (NUL included) and DEL: never part of a search, and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID = re.compile(r"\d{1,9}", re.ASCII)
_NUMBER = re.compile(r"[+-]?\d{1,6}", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


def single_line(value: str) -> str:
    """A visitor's value as one line: control characters removed, each run of whitespace
    (line breaks and tabs too) one space, none at either end."""
    return " ".join(_CONTROL.sub("", value).split())


def _shown(value: str) -> str:
    """A visitor's value quoted back in a notice: short (it is escaped by the template)."""
    return Truncator(value).chars(40)


class ValuesField(forms.Field):
    """A parameter that may be repeated (`?trade=a&trade=b`): a list of non-empty strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [v for v in (str(v).strip() for v in values) if v]


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in force, with a label for the visitor; `params` are the query-string pairs
    that hold it, so that a link can drop them."""

    label: str
    params: tuple[tuple[str, str], ...]


class SearchForm(forms.Form):
    """GET parameters of /<lang>/search/. Always valid: read `query`, `params`, `notices` and
    `active_filters` after `is_valid()`."""

    q = forms.CharField(
        label=_("Search the archive"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    trade = ValuesField(label=_("Trade"), required=False)
    place = forms.CharField(label=_("Place"), required=False)
    region = forms.CharField(required=False)
    commune = forms.CharField(required=False)
    country = forms.CharField(required=False)
    bbox = forms.CharField(required=False)
    zoom = forms.CharField(required=False)
    kind = ValuesField(required=False)
    institution = ValuesField(required=False)
    year_from = forms.CharField(label=_("From (year)"), required=False)
    year_to = forms.CharField(label=_("To (year)"), required=False)
    tag = ValuesField(required=False)
    sort = forms.CharField(label=_("Sort by"), required=False)
    page = forms.CharField(required=False)

    # The query string's names for fields whose Python name would clash with a keyword.
    PARAM_NAMES = {"year_from": "from", "year_to": "to"}
    MULTI = ("trade", "kind", "institution", "tag")

    def __init__(self, data=None, *, language: str = "fr", locale_id: int | None = None):
        self.language = language
        self.locale_id = locale_id
        self.notices: list[str] = []
        super().__init__(self._readable(data) if data is not None else None)

    def add_prefix(self, field_name):
        return self.PARAM_NAMES.get(field_name, field_name)

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    # --- reading the raw parameters -------------------------------------------------------

    def _readable(self, data) -> MultiValueDict:
        """Only our parameters, without control characters, of a sane length and number."""
        known = {self.add_prefix(name) for name in self.base_fields}
        readable = MultiValueDict()
        for key in data:
            if key not in known:
                continue
            values = [single_line(str(v)) for v in data.getlist(key)]
            if key == "q":
                values = values[:1]
            elif key in self.MULTI:
                if len(values) > MAX_VALUES:
                    self.notice(
                        gettext("Only the first %(count)d values of a filter are used.")
                        % {"count": MAX_VALUES}
                    )
                values = [v[:MAX_VALUE_LENGTH] for v in values[:MAX_VALUES]]
            else:
                values = [v[:MAX_VALUE_LENGTH] for v in values[-1:]]
            readable.setlist(key, values)
        return readable

    def full_clean(self):
        super().full_clean()
        # The fields never raise; this is a safety net should one ever do: the search runs
        # without the faulty parameter rather than failing.
        for name in list(self.errors):
            self.cleaned_data.pop(name, None)
        self._errors = ErrorDict()

    # --- one parameter at a time ------------------------------------------------------------

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
            self.notice(
                gettext("Your search was too long: only its first %(count)d characters are used.")
                % {"count": MAX_QUERY_LENGTH}
            )
        return text

    def clean_trade(self) -> list[Trade]:
        """Ids, slugs or labels in any language (what autocomplete fills in) -> Trade rows,
        one per trade of the vocabulary whatever the language named it."""
        values = self.cleaned_data.get("trade") or []
        if not values:
            return []
        ids = [int(v) for v in values if _ID.fullmatch(v)]
        lookup = Q(pk__in=ids) | Q(slug__in=[v.lower() for v in values])
        for value in values:
            lookup |= Q(name__iexact=value)
        found = list(Trade.objects.filter(lookup).select_related("locale"))
        trades: list[Trade] = []
        keys = set()
        for value in values:
            match = next(
                (
                    t
                    for t in found
                    if str(t.pk) == value
                    or t.slug == value.lower()
                    or t.name.lower() == value.lower()
                ),
                None,
            )
            if match is None:
                self.notice(
                    gettext("Unknown trade “%(value)s” ignored.") % {"value": _shown(value)}
                )
            elif match.translation_key not in keys:
                keys.add(match.translation_key)
                trades.append(match)
        return trades

    def _visible_value(self, field: str, value: str) -> str:
        """The spelling visible items use for a place (case-insensitive match), or ""."""
        return (
            ArchiveItem.objects.public()
            .filter(**{f"{field}__iexact": value})
            .values_list(field, flat=True)
            .first()
            or ""
        )

    def clean_region(self):
        return self._place("region", self.cleaned_data.get("region") or "")

    def clean_commune(self):
        return self._place("commune", self.cleaned_data.get("commune") or "")

    def _place(self, field: str, value: str) -> str:
        if not value:
            return ""
        known = self._visible_value(field, value)
        if not known:
            message = {
                "region": gettext("Unknown region “%(value)s” ignored."),
                "commune": gettext("Unknown commune “%(value)s” ignored."),
            }[field]
            self.notice(message % {"value": _shown(value)})
        return known

    def clean_country(self):
        value = (self.cleaned_data.get("country") or "").upper()
        if value and value not in Member.Country.values:
            self.notice(gettext("Unknown country “%(value)s” ignored.") % {"value": _shown(value)})
            return ""
        return value

    def clean_bbox(self) -> BoundingBox | None:
        value = self.cleaned_data.get("bbox") or ""
        if not value:
            return None
        box = parse_bbox(value)
        if box is None:
            self.notice(
                gettext(
                    "The map area could not be read and was ignored: it should be four "
                    "numbers, south,west,north,east."
                )
            )
        return box

    def clean_zoom(self) -> int | None:
        value = self.cleaned_data.get("zoom") or ""
        if not value:
            return None
        if not _NUMBER.fullmatch(value) or not 0 <= int(value) <= MAX_MAP_ZOOM:
            self.notice(gettext("The map zoom could not be read and was ignored."))
            return None
        return int(value)

    def clean_kind(self):
        kinds = []
        for value in self.cleaned_data.get("kind") or []:
            if value in ArchiveItem.Kind.values:
                if value not in kinds:
                    kinds.append(value)
            else:
                self.notice(
                    gettext("Unknown kind of item “%(value)s” ignored.") % {"value": _shown(value)}
                )
        return kinds

    def clean_institution(self) -> list[Institution]:
        values = self.cleaned_data.get("institution") or []
        if not values:
            return []
        found = {
            i.code: i
            for i in Institution.objects.filter(
                code__in=[v.upper() for v in values]
            ).select_related("member")
        }
        institutions = []
        for value in values:
            institution = found.get(value.upper())
            if institution is None:
                self.notice(
                    gettext("Unknown institution “%(value)s” ignored.") % {"value": _shown(value)}
                )
            elif institution not in institutions:
                institutions.append(institution)
        return institutions

    def clean_tag(self) -> list[Tag]:
        values = self.cleaned_data.get("tag") or []
        if not values:
            return []
        visible = ArchiveItem.objects.public().values("pk")
        found = {
            t.slug: t
            for t in Tag.objects.filter(
                slug__in=[v.lower() for v in values],
                archive_archiveitemtag_items__content_object__in=visible,
            ).distinct()
        }
        tags = []
        for value in values:
            tag = found.get(value.lower())
            if tag is None:
                self.notice(gettext("Unknown tag “%(value)s” ignored.") % {"value": _shown(value)})
            elif tag not in tags:
                tags.append(tag)
        return tags

    def _year(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) or ""
        if not value:
            return None
        if not _NUMBER.fullmatch(value) or not YEAR_MIN <= int(value) <= YEAR_MAX:
            self.notice(
                gettext("“%(value)s” is not a year between %(min)d and %(max)d; ignored.")
                % {"value": _shown(value), "min": YEAR_MIN, "max": YEAR_MAX}
            )
            return None
        return int(value)

    def clean_year_from(self):
        return self._year("year_from")

    def clean_year_to(self):
        return self._year("year_to")

    def clean_sort(self):
        value = self.cleaned_data.get("sort") or Sort.RELEVANCE
        if value not in Sort.choices:
            self.notice(gettext("Unknown sort order ignored: sorted by relevance."))
            return Sort.RELEVANCE
        return value

    def clean_page(self) -> int:
        value = self.cleaned_data.get("page") or ""
        if not value:
            return 1
        if not _INTEGER.fullmatch(value):
            self.notice(gettext("The page number could not be read: showing the first page."))
            return 1
        number = int(value)
        if number < 1:
            self.notice(
                gettext("There is no page %(number)s: showing the first page.")
                % {"number": _shown(value)}
            )
            return 1
        if number > MAX_PAGE:
            self.notice(
                gettext("There is no page %(number)s: showing the last page.")
                % {"number": _shown(value)}
            )
            return MAX_PAGE
        return number

    def clean(self):
        data = super().clean()
        place = data.get("place") or ""
        if place:
            self._resolve_place(place, data)
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from and year_to and year_from > year_to:
            data["year_from"], data["year_to"] = year_to, year_from
            self.notice(gettext("The period was given backwards; it has been turned round."))
        return data

    def _resolve_place(self, place: str, data: dict) -> None:
        """The free "place" box (filled by autocomplete) sets the region, the commune or the
        country it names."""
        for field in ("commune", "region"):
            known = self._visible_value(field, place)
            if known:
                data[field] = known
                return
        for code, label in Member.Country.choices:
            if place.upper() == code or place.lower() == str(label).lower():
                data["country"] = code
                return
        self.notice(gettext("Unknown place “%(value)s” ignored.") % {"value": _shown(place)})

    # --- what the rest of the page reads ----------------------------------------------------

    def _data(self) -> dict:
        return getattr(self, "cleaned_data", None) or {}

    @property
    def query(self) -> ArchiveQuery:
        data = self._data()
        box = data.get("bbox")
        zoom = data.get("zoom")
        if zoom is None:
            zoom = zoom_for(box) if box else DEFAULT_ZOOM
        zoom = min(MAX_MAP_ZOOM, zoom + CLUSTER_DETAIL)
        return ArchiveQuery(
            text=data.get("q", ""),
            trades=tuple(t.pk for t in data.get("trade", [])),
            commune=data.get("commune", ""),
            region=data.get("region", ""),
            country=data.get("country", ""),
            bbox=box,
            kinds=tuple(data.get("kind", [])),
            institutions=tuple(i.code for i in data.get("institution", [])),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            tags=tuple(t.slug for t in data.get("tag", [])),
            language=self.language,
            sort=data.get("sort") or Sort.RELEVANCE,
            page=data.get("page", 1),
            per_page=PER_PAGE,
            map_zoom=zoom,
        )

    @property
    def params(self) -> list[tuple[str, str]]:
        """The search's state as query-string pairs in a fixed order, without the page."""
        data = self._data()
        pairs: list[tuple[str, str]] = []
        if data.get("q"):
            pairs.append(("q", data["q"]))
        pairs += [("trade", t.slug) for t in data.get("trade", [])]
        for name in ("region", "commune", "country"):
            if data.get(name):
                pairs.append((name, data[name]))
        if box := data.get("bbox"):
            pairs.append(("bbox", format_bbox(box)))
            if data.get("zoom") is not None:
                pairs.append(("zoom", str(data["zoom"])))
        pairs += [("kind", k) for k in data.get("kind", [])]
        pairs += [("institution", i.code) for i in data.get("institution", [])]
        if data.get("year_from"):
            pairs.append(("from", str(data["year_from"])))
        if data.get("year_to"):
            pairs.append(("to", str(data["year_to"])))
        pairs += [("tag", t.slug) for t in data.get("tag", [])]
        if data.get("sort") and data["sort"] != Sort.RELEVANCE:
            pairs.append(("sort", data["sort"]))
        return pairs

    @property
    def active_filters(self) -> list[ActiveFilter]:
        """Every filter in force (not the text or the sort), labelled for the visitor."""
        data = self._data()
        filters = []
        trades = data.get("trade", [])
        if trades:
            labels = dict(
                trades_labelled(locale_id=self.locale_id)
                .filter(pk__in=[t.pk for t in trades])
                .values_list("pk", "label")
            )
            for trade in trades:
                label = labels.get(trade.pk, trade.name)
                filters.append(ActiveFilter(gettext("Trade: %s") % label, (("trade", trade.slug),)))
        if data.get("region"):
            filters.append(
                ActiveFilter(gettext("Region: %s") % data["region"], (("region", data["region"]),))
            )
        if data.get("commune"):
            filters.append(
                ActiveFilter(
                    gettext("Commune: %s") % data["commune"], (("commune", data["commune"]),)
                )
            )
        if data.get("country"):
            label = Member.Country(data["country"]).label
            filters.append(
                ActiveFilter(gettext("Country: %s") % label, (("country", data["country"]),))
            )
        if data.get("bbox"):
            pairs = [("bbox", format_bbox(data["bbox"]))]
            if data.get("zoom") is not None:
                pairs.append(("zoom", str(data["zoom"])))
            filters.append(ActiveFilter(gettext("Map area"), tuple(pairs)))
        for kind in data.get("kind", []):
            filters.append(
                ActiveFilter(gettext("Kind: %s") % ArchiveItem.Kind(kind).label, (("kind", kind),))
            )
        for institution in data.get("institution", []):
            filters.append(
                ActiveFilter(
                    gettext("Institution: %s") % institution.member.name,
                    (("institution", institution.code),),
                )
            )
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from or year_to:
            pairs = []
            if year_from:
                pairs.append(("from", str(year_from)))
            if year_to:
                pairs.append(("to", str(year_to)))
            if year_from and year_to:
                label = gettext("Period: %(start)d–%(end)d") % {"start": year_from, "end": year_to}
            elif year_from:
                label = gettext("Period: from %(start)d") % {"start": year_from}
            else:
                label = gettext("Period: until %(end)d") % {"end": year_to}
            filters.append(ActiveFilter(label, tuple(pairs)))
        for tag in data.get("tag", []):
            filters.append(ActiveFilter(gettext("Tag: %s") % tag.name, (("tag", tag.slug),)))
        return filters


def parse_bbox(value: str) -> BoundingBox | None:
    """ "south,west,north,east" in degrees -> BoundingBox, or None when it is not one."""
    parts = value.split(",")
    if len(parts) != 4:
        return None
    try:
        south, west, north, east = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (south, west, north, east)):
        return None
    # A map always shows some area: a box without height or width is no viewport (and
    # Elasticsearch refuses it).
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    return BoundingBox(south=south, west=west, north=north, east=east)


def format_bbox(box: BoundingBox) -> str:
    # Five decimals are about a metre: enough for a viewport, and short URLs.
    return ",".join(
        f"{v:.5f}".rstrip("0").rstrip(".") for v in (box.south, box.west, box.north, box.east)
    )


def zoom_for(box: BoundingBox) -> int:
    """The map zoom at which a box about fills a map: each zoom level halves the degrees."""
    span = max(box.east - box.west, (box.north - box.south) * 1.5, 1e-6)
    return max(0, min(MAX_MAP_ZOOM - 2, round(math.log2(360 / span))))
