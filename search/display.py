"""What the public search page shows, built from the form's state and the engine's answer.

Every link on the page (facet toggles, sorting, pages, "remove this filter") is made here from
`SearchForm.params`, the canonical state of the search, so each state has exactly one URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from archive.models import ArchiveItem, Trade
from archive.transcripts import format_timestamp
from search.contract import ArchiveResults, FacetValue, Hit

Params = list[tuple[str, str]]

_MARK = re.compile(r"(</?mark>)")


def safe_snippet(html: str) -> SafeString:
    """An engine's snippet with nothing but <mark> left as markup.

    The contract says snippets are already escaped; this is defence in depth, so that a faulty
    or compromised engine (an index written by another program) can never put markup on the
    page. Entities are decoded and encoded again, so an escaped snippet comes out unchanged."""
    parts = _MARK.split(html or "")
    return mark_safe(  # noqa: S308  every part but <mark> and </mark> is escaped just here
        "".join(part if _MARK.fullmatch(part) else escape(unescape(part)) for part in parts)
    )


def url(params: Params) -> str:
    """A query string for these pairs (empty pairs dropped), "?" included; "?" alone for none."""
    return "?" + urlencode([(k, v) for k, v in params if v != ""])


def without(params: Params, *drop: tuple[str, str]) -> Params:
    return [pair for pair in params if pair not in drop]


def toggled(params: Params, name: str, value: str, *, single: bool = False) -> Params:
    """`params` with name=value removed when present, else added (replacing any other value
    of a single-valued name)."""
    if (name, value) in params:
        return without(params, (name, value))
    if single:
        params = [pair for pair in params if pair[0] != name]
    return [*params, (name, value)]


@dataclass
class FacetEntry:
    """One value of a facet as the page shows it: label, count, whether it is in force, the
    URL that toggles it, and the entries under it (trades under a sector, communes under a
    region)."""

    label: str
    count: int
    selected: bool
    url: str
    children: list[FacetEntry] = field(default_factory=list)


@dataclass
class Facet:
    name: str
    title: str
    entries: list[FacetEntry]


def _tree(entries: dict[str, FacetEntry], parents: dict[str, str | None]) -> list[FacetEntry]:
    """Nest entries under their parent; an entry whose parent is not listed stays at the top."""
    roots = []
    for value, entry in entries.items():
        parent = parents.get(value)
        if parent is not None and parent in entries and parent != value:
            entries[parent].children.append(entry)
        else:
            roots.append(entry)
    return roots


def build_facets(results: ArchiveResults, params: Params) -> list[Facet]:
    """The facets of the page, in FACETS order, each a list (or tree) of toggle links."""
    facets = results.facets
    facet_list = []

    # Trades: the URL names them by slug, whatever the engine calls them, so that a shared
    # link works in every language.
    trade_values = facets.get("trade", [])
    slugs = _trade_slugs(
        [fv.value for fv in trade_values] + [fv.parent or "" for fv in trade_values]
    )
    selected_trades = {v for k, v in params if k == "trade"}
    entries, parents = {}, {}
    for fv in trade_values:
        slug = slugs.get(fv.value, fv.value)
        entries[fv.value] = FacetEntry(
            fv.label,
            fv.count,
            slug in selected_trades,
            url(toggled(params, "trade", slug)),
        )
        parents[fv.value] = fv.parent
    if entries:
        facet_list.append(Facet("trade", gettext("Trade"), _tree(entries, parents)))

    # Places: communes under their region; a region replaces the other, and drops the commune.
    region = next((v for k, v in params if k == "region"), "")
    commune = next((v for k, v in params if k == "commune"), "")
    entries, parents = {}, {}
    for fv in facets.get("region", []):
        selected = fv.value == region
        if selected:
            target = without(params, ("region", fv.value), ("commune", commune))
        else:
            target = toggled(without(params, ("commune", commune)), "region", fv.value, single=True)
        entries[("region", fv.value)] = FacetEntry(fv.label, fv.count, selected, url(target))
    for fv in facets.get("commune", []):
        selected = fv.value == commune
        target = toggled(params, "commune", fv.value, single=True)
        entry = FacetEntry(fv.label, fv.count, selected, url(target))
        parent = entries.get(("region", fv.parent)) if fv.parent else None
        if parent is not None:
            parent.children.append(entry)
        else:
            entries[("commune", fv.value)] = entry
    if entries:
        facet_list.append(Facet("place", gettext("Place"), list(entries.values())))

    for name, title in (("kind", gettext("Kind")), ("institution", gettext("Institution"))):
        values = facets.get(name, [])
        if values:
            facet_list.append(Facet(name, title, [_flat_entry(fv, name, params) for fv in values]))

    decades = _decade_entries(facets.get("decade", []), params)
    if decades:
        facet_list.append(Facet("decade", gettext("Decade"), decades))

    tags = facets.get("tag", [])
    if tags:
        facet_list.append(
            Facet("tag", gettext("Tags"), [_flat_entry(fv, "tag", params) for fv in tags])
        )
    return facet_list


def _flat_entry(fv: FacetValue, name: str, params: Params) -> FacetEntry:
    return FacetEntry(
        fv.label, fv.count, (name, fv.value) in params, url(toggled(params, name, fv.value))
    )


def _trade_slugs(values: list[str]) -> dict[str, str]:
    """Facet value -> trade slug, whether the engine gives trade ids or slugs."""
    ids = [int(v) for v in values if v.isdigit() and len(v) < 10]
    if not ids:
        return {}
    return {
        str(pk): slug for pk, slug in Trade.objects.filter(pk__in=ids).values_list("pk", "slug")
    }


def _decade_entries(values: list[FacetValue], params: Params) -> list[FacetEntry]:
    """A decade is a period filter from its first to its last year."""
    year_from = next((v for k, v in params if k == "from"), "")
    year_to = next((v for k, v in params if k == "to"), "")
    rest = [(k, v) for k, v in params if k not in ("from", "to")]
    entries = []
    for fv in values:
        match = re.match(r"\d{3,4}", fv.value)
        if not match:
            continue
        start = int(match.group())
        first, last = str(start), str(start + 9)
        selected = (year_from, year_to) == (first, last)
        target = rest if selected else [*rest, ("from", first), ("to", last)]
        entries.append(FacetEntry(fv.label, fv.count, selected, url(target)))
    return entries


@dataclass
class Moment:
    """A place in a recording where the words matched: "12:34", its ?t= link and the words."""

    time: str
    url: str
    snippet: SafeString


@dataclass
class ResultRow:
    item: ArchiveItem
    snippet: SafeString
    moments: list[Moment]


def result_rows(hits: list[Hit], items: list[ArchiveItem], *, item_url) -> list[ResultRow]:
    """Hits joined to the items the visitor may see, in the engine's order. A hit without its
    item (the index not yet up to date with an unpublished item) is left out."""
    by_id = {item.pk: item for item in items}
    rows = []
    for hit in hits:
        item = by_id.get(hit.item_id)
        if item is None:
            continue
        link = item_url(item.identifier)
        moments = [
            Moment(
                format_timestamp(int(moment.start * 1000)),
                f"{link}?t={int(moment.start)}",
                safe_snippet(moment.snippet),
            )
            for moment in hit.moments
            if moment.start is not None and moment.start >= 0
        ]
        rows.append(ResultRow(item, safe_snippet(hit.snippet), moments))
    return rows


@dataclass
class Pagination:
    """Numbers and links for the pages of results."""

    number: int
    count: int
    previous_url: str = ""
    next_url: str = ""
    pages: list[tuple[int | None, str]] = field(default_factory=list)


def pagination(params: Params, *, number: int, count: int) -> Pagination:
    def link(n: int) -> str:
        return url(params if n == 1 else [*params, ("page", str(n))])

    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    pages: list[tuple[int | None, str]] = []
    for n in shown:
        if pages and pages[-1][0] is not None and n - pages[-1][0] > 1:
            pages.append((None, ""))  # a gap: "…"
        pages.append((n, link(n)))
    return Pagination(
        number=number,
        count=count,
        previous_url=link(number - 1) if number > 1 else "",
        next_url=link(number + 1) if number < count else "",
        pages=pages,
    )


def map_clusters(results: ArchiveResults, *, item_url) -> list[dict]:
    """Clusters for search.js: position, count, and for a cluster of one item its link and
    title (read from the items anonymous visitors may see, like the index itself)."""
    single = [c.identifier for c in results.clusters if c.count == 1 and c.identifier]
    titles = (
        dict(
            ArchiveItem.objects.public()
            .filter(identifier__in=single)
            .values_list("identifier", "title")
        )
        if single
        else {}
    )
    return [
        {
            "lat": cluster.latitude,
            "lng": cluster.longitude,
            "count": cluster.count,
            "url": item_url(cluster.identifier) if cluster.identifier in titles else "",
            "title": titles.get(cluster.identifier, ""),
            "label": ngettext("%(count)d item", "%(count)d items", cluster.count)
            % {"count": cluster.count},
        }
        for cluster in results.clusters
    ]


def map_strings() -> dict:
    """What search.js says about markers, in the visitor's language."""
    return {
        "zoom": gettext("zoom in"),
        # Merged markers always hold two items or more: the plural form for 2 fits them in
        # every language of the site.
        "many": ngettext("%(count)d item", "%(count)d items", 2),
    }
