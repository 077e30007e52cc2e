"""What both engines share, so that they answer a query alike: the visitor's values reduced to
the keys the index holds, the facet tokens and the facets built from their counts, the snippet
of a hit, the order of map clusters, and the ranking of suggestions. The conformance suite
(tests/search/test_conformance.py) holds the two engines to the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils import translation

from taggit.models import Tag

from archive.models import ArchiveItem, Institution
from search.contract import FACETS, MAX_MAP_ZOOM, ArchiveQuery, FacetValue, MapCluster
from search.documents import ItemDocument, TradeVocabulary
from search.engines.analysis import fold, highlight

# Transcript moments shown under a hit, at most.
MOMENTS_PER_HIT = 3
# Facet tokens are "<facet><SEP><value>" strings; commune values are "<region><SEP><commune>".
# The database engine's trade, decade and tag sets are their values joined by SEP too.
SEP = "\x1f"
TOTAL = "all"


# --- Visitor values as the index keys them -------------------------------------------------


def without_nul(value: str) -> str:
    """`value` without NUL, which no database accepts in a string. Engines take queries from
    any caller, not only the search form (which removes every control character)."""
    return (value or "").replace("\x00", "")


def folded_key(value: str) -> str:
    """A place or a prefix as the index keys it: folded (analysis.fold), no NUL, no outer
    spaces."""
    return fold(without_nul(value)).strip()


def place_keys(query: ArchiveQuery) -> dict[str, str] | None:
    """The place filters as the index stores them (commune and region folded, country upper
    case), or None when one was given but holds nothing usable (it then matches nothing,
    rather than the items without a place)."""
    keys = {}
    for name, value in (
        ("commune_key", folded_key(query.commune)),
        ("region_key", folded_key(query.region)),
        ("country", without_nul(query.country).strip().upper()),
    ):
        given = getattr(query, name.removesuffix("_key"))
        if given and not value:
            return None
        if value:
            keys[name] = value
    return keys


def cluster_zoom(zoom: int) -> int:
    """The zoom at which map clusters are counted: the query's, within 0 and MAX_MAP_ZOOM."""
    return max(0, min(int(zoom), MAX_MAP_ZOOM))


# --- Hits and clusters -----------------------------------------------------------------------


def hit_snippet(terms: list[frozenset[str]], *texts: str) -> str:
    """The first of `texts` (summary, description, title) that holds a query word, cut around
    it and marked (analysis.highlight); empty without a match."""
    return next((marked for text in texts if (marked := highlight(text or "", terms))), "")


def largest_first(clusters: Iterable[MapCluster]) -> list[MapCluster]:
    """Map clusters, the largest first, then by position: the same order on both engines."""
    return sorted(
        clusters, key=lambda cluster: (-cluster.count, cluster.latitude, cluster.longitude)
    )


# --- Facets ----------------------------------------------------------------------------------


def decade_label(decade: int) -> str:
    return f"{decade}–{decade + 9}"


def facet_tokens(document: ItemDocument) -> list[str]:
    """The facet values of a document as tokens: what the Elasticsearch engine's single terms
    aggregation counts, and what the database engine's groups add up to; `all` counts the
    result set itself."""
    tokens = [TOTAL, f"kind{SEP}{document.kind}", f"institution{SEP}{document.institution}"]
    if document.region:
        tokens.append(f"region{SEP}{document.region}")
    if document.commune:
        tokens.append(f"commune{SEP}{document.region}{SEP}{document.commune}")
    tokens += [f"trade{SEP}{pk}" for pk in document.trade_path]
    tokens += [f"decade{SEP}{decade}" for decade in document.decades]
    tokens += [f"tag{SEP}{slug}" for slug, _name in document.tags]
    return tokens


def parse_facet_counts(
    rows: Iterable[tuple[str, int]],
) -> tuple[dict[str, list[tuple[str, int]]], dict[str, str], int]:
    """(facet token, count) pairs (see facet_tokens) -> each facet's (value, count) pairs, each
    commune's region, and the total: from the database engine's groups, or from the
    Elasticsearch engine's single terms aggregation on the same tokens."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total = 0
    spellings: dict[str, dict[str, int]] = defaultdict(dict)
    commune_regions: dict[str, str] = {}
    for token, count in rows:
        if token == TOTAL:
            total = count
            continue
        name, _sep, value = token.partition(SEP)
        if name == "commune":
            region, _sep, value = value.partition(SEP)
            if region:
                commune_regions[value] = region
        if name in ("region", "commune"):
            # Spellings that differ only by case or accents are one place (filters fold).
            spellings[name][value] = spellings[name].get(value, 0) + count
            continue
        counts[name][value] += count
    for name, values in spellings.items():
        merged: dict[str, tuple[str, int, int]] = {}
        for value, count in values.items():
            key = folded_key(value)
            label, best, summed = merged.get(key, (value, -1, 0))
            merged[key] = (
                (value, count, summed + count) if count > best else (label, best, summed + count)
            )
        counts[name] = {label: summed for label, _best, summed in merged.values()}
    buckets = {name: list(values.items()) for name, values in counts.items()}
    return buckets, commune_regions, total


def build_facets(
    buckets: dict[str, list[tuple[str, int]]],
    query: ArchiveQuery,
    vocabulary: TradeVocabulary,
    *,
    commune_regions: dict[str, str],
) -> dict[str, list[FacetValue]]:
    """Every facet of FACETS from (value, count) pairs, with labels in the query's language,
    parents (a trade's broader trade, a commune's region) and the selected flags."""
    with translation.override(query.language):
        kind_labels = {value: str(label) for value, label in ArchiveItem.Kind.choices}
    codes = [code for code, _count in buckets.get("institution", [])]
    names = dict(Institution.objects.filter(code__in=codes).values_list("code", "member__name"))
    region_key = folded_key(query.region)
    commune_key = folded_key(query.commune)
    facets = {
        "kind": [
            FacetValue(value, kind_labels.get(value, value), count, selected=value in query.kinds)
            for value, count in buckets.get("kind", [])
        ],
        "institution": [
            FacetValue(value, names.get(value, value), count, selected=value in query.institutions)
            for value, count in buckets.get("institution", [])
        ],
        "region": [
            FacetValue(
                value, value, count, selected=bool(region_key) and folded_key(value) == region_key
            )
            for value, count in buckets.get("region", [])
            if value
        ],
        "commune": [
            FacetValue(
                value,
                value,
                count,
                parent=commune_regions.get(value),
                selected=bool(commune_key) and folded_key(value) == commune_key,
            )
            for value, count in buckets.get("commune", [])
            if value
        ],
        **facet_values_many(buckets, query, vocabulary),
    }
    return {name: sort_facet(name, facets[name]) for name in FACETS}


def facet_values_many(
    counts: dict[str, list[tuple[str, int]]], query: ArchiveQuery, vocabulary: TradeVocabulary
) -> dict[str, list[FacetValue]]:
    """The trade, decade and tag facets from (value, count) pairs."""
    selected_trades = {str(pk) for pk in vocabulary.canonical_ids(query.trades)}
    trades = []
    for value, count in counts.get("trade", []):
        pk = int(value)
        if pk not in vocabulary.labels:
            continue  # a trade deleted since indexing
        parent = vocabulary.parent.get(pk)
        trades.append(
            FacetValue(
                value=value,
                label=vocabulary.label(pk, query.language),
                count=count,
                parent=str(parent) if parent else None,
                selected=value in selected_trades,
            )
        )
    decades = [
        FacetValue(
            value=value,
            label=decade_label(int(value)),
            count=count,
            selected=query.year_from == int(value) and query.year_to == int(value) + 9,
        )
        for value, count in counts.get("decade", [])
    ]
    tag_counts = dict(counts.get("tag", []))
    tag_names = dict(Tag.objects.filter(slug__in=tag_counts).values_list("slug", "name"))
    tags = [
        FacetValue(
            value=slug,
            label=tag_names.get(slug, slug),
            count=count,
            selected=slug in query.tags,
        )
        for slug, count in tag_counts.items()
    ]
    return {"trade": trades, "decade": decades, "tag": tags}


def sort_facet(name: str, values: list[FacetValue]) -> list[FacetValue]:
    """Decades in time order, trades by label (a tree reads better so), the others by count."""
    if name == "decade":
        return sorted(values, key=lambda value: int(value.value))
    if name == "trade":
        return sorted(values, key=lambda value: (fold(value.label), value.value))
    return sorted(values, key=lambda value: (-value.count, fold(value.label), value.value))


# --- Suggestions ----------------------------------------------------------------------------------


def suggestion_rank(label: str, prefix: str) -> int | None:
    """0 when the folded `label` starts with `prefix`, 1 when one of its words does, else
    None."""
    folded = fold(label)
    if folded.startswith(prefix):
        return 0
    if any(word.startswith(prefix) for word in folded.replace("-", " ").split()):
        return 1
    return None


def trade_candidates(vocabulary: TradeVocabulary, prefix: str, language: str) -> dict[int, str]:
    """Canonical id -> label in `language` of the trades whose label matches `prefix`; the
    engine then keeps those some visible item has."""
    candidates = {}
    for pk in vocabulary.parent:
        label = vocabulary.label(pk, language)
        if suggestion_rank(label, prefix) is not None:
            candidates[pk] = label
    return candidates


def rank_suggestions(labels: Iterable[str], prefix: str, limit: int) -> list[str]:
    """Labels whose start, or the start of one of their words, is the folded `prefix`: those
    starting with it first, then alphabetically."""
    ranked = []
    for label in labels:
        rank = suggestion_rank(label, prefix)
        if rank is not None:
            ranked.append((rank, fold(label), label))
    return [label for _rank, _folded, label in sorted(ranked)[:limit]]
