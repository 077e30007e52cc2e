"""The database engine: the archive query contract answered from SQL, no server needed.

So that `make run` (SQLite) and a small network (PostgreSQL) need no search server. Both
databases store and match the same search forms (search.engines.analysis), so they find the
same items and only ranking differs; map clusters are counted on the tiles of Elasticsearch's
geotile_grid, so both engines cluster alike.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from archive.models import ArchiveItem, TranscriptSegment
from search.contract import (
    MAX_MAP_ZOOM,
    MAX_RESULT_WINDOW,
    ArchiveQuery,
    ArchiveResults,
    Hit,
    MapCluster,
    Sort,
    TranscriptMoment,
)
from search.documents import ItemDocument, TradeVocabulary, load_documents
from search.engines.analysis import highlight, matches, query_terms, text_forms
from search.engines.common import (
    MOMENTS_PER_HIT,
    SEP,
    TOTAL,
    build_facets,
    cluster_zoom,
    folded_key,
    hit_snippet,
    largest_first,
    parse_facet_counts,
    place_keys,
    rank_suggestions,
    trade_candidates,
    without_nul,
)
from search.models import SearchEntry, SearchFacet

# Web-map tiles are square only up to this latitude (what geotile_grid clamps to as well).
MAX_TILE_LATITUDE = 85.05112878
# Entries per COPY, and documents per read: fewer round trips, a few MB of memory.
WRITE_BATCH = 2000
APPLY_ATTEMPTS = 3


def tile_of(latitude: float, longitude: float, zoom: int) -> tuple[int, int]:
    """The web-map tile (x, y) holding a point at `zoom`, as geotile_grid computes it."""
    scale = 2**zoom
    latitude = max(min(latitude, MAX_TILE_LATITUDE), -MAX_TILE_LATITUDE)
    x = int((longitude + 180) / 360 * scale)
    radians = math.radians(latitude)
    y = int((1 - math.log(math.tan(radians) + 1 / math.cos(radians)) / math.pi) / 2 * scale)
    return min(max(x, 0), scale - 1), min(max(y, 0), scale - 1)


def _stored_forms(forms: Iterable[str]) -> str:
    # Leading and trailing spaces so that " form " matches whole forms only.
    return f" {' '.join(sorted(forms))} "


@lru_cache(maxsize=20_000)
def _label_forms(text: str) -> frozenset[str]:
    # Trade labels, places, tags and institution names repeat from item to item.
    return frozenset(text_forms(text))


def tsvector_literal(title_forms: set[str], forms: set[str]) -> str:
    """The tsvector of an entry, written directly in PostgreSQL's input syntax: the forms are
    already normalised (analysis.forms), so no text search configuration may change them.
    Title forms weigh A, the others D (the default), which is all ranking needs."""
    return " ".join(
        f"'{form}':1A" if form in title_forms else f"'{form}'" for form in sorted(forms)
    )


ENTRY_COLUMNS = (
    "item_id", "identifier", "version", "kind", "institution", "country", "region", "commune",
    "region_key", "commune_key", "latitude", "longitude", "map_x", "map_y", "year_from",
    "year_to", "sort_date", "published_at", "title_terms", "terms", "trade_set", "decade_set",
    "tag_set",
)  # fmt: skip
# Entries keep their web-map tile at the deepest zoom a query may ask clusters for.
MAP_ZOOM = MAX_MAP_ZOOM
# The columns the facet counts group the result set by, one grouping each. Kind, institution
# and place make one grouping (a few thousand combinations at most): each grouping costs a
# hash lookup per entry.
FACET_GROUPS = (
    ("kind", "institution", "region", "commune"), ("trade_set",), ("decade_set",), ("tag_set",),
)  # fmt: skip
GROUPED_COLUMNS = tuple(column for group in FACET_GROUPS for column in group)
# Where grouped_tokens finds each value set in a grouped row, and the facet it counts.
SET_POSITIONS = tuple(
    (column.removesuffix("_set"), position)
    for position, column in enumerate(GROUPED_COLUMNS)
    if column.endswith("_set")
)


def grouped_tokens(rows: Iterable[tuple]) -> Counter:
    """The facet tokens (see facet_tokens) and their counts, from rows grouped by one of
    FACET_GROUPS each: the group's columns hold its values, the others None."""
    counts: Counter = Counter()
    for row in rows:
        count = row[-1]
        kind, institution, region, commune = row[: len(FACET_GROUPS[0])]
        if kind is not None:
            counts[TOTAL] += count
            counts[f"kind{SEP}{kind}"] += count
            counts[f"institution{SEP}{institution}"] += count
            if region:
                counts[f"region{SEP}{region}"] += count
            if commune:
                counts[f"commune{SEP}{region}{SEP}{commune}"] += count
            continue
        for name, position in SET_POSITIONS:
            if row[position]:
                for value in row[position].split(SEP):
                    counts[f"{name}{SEP}{value}"] += count
    return counts


def joined(values: Iterable) -> str:
    return SEP.join(sorted({str(value) for value in values}))


def entry_rows(document: ItemDocument, *, full_text: bool) -> tuple[dict, list[tuple[str, str]]]:
    """The entry's column values and its (facet, value) rows for filtering; with `full_text`
    (PostgreSQL) the words go to the vector only, otherwise to the terms only."""
    title_forms = text_forms(document.title)
    forms = text_forms(
        document.identifier,
        document.title,
        document.summary,
        document.description,
        document.details,
        *(segment.text for segment in document.segments),
    )
    for label in (
        document.institution_name,
        document.place_text,
        *document.all_trade_labels,
        *(name for _slug, name in document.tags),
    ):
        forms |= _label_forms(label)
    tile = (
        tile_of(document.latitude, document.longitude, MAP_ZOOM) if document.has_location else None
    )
    entry = {
        "item_id": document.id,
        "identifier": document.identifier,
        "version": document.version,
        "kind": document.kind,
        "institution": document.institution,
        "country": document.country,
        "region": document.region,
        "commune": document.commune,
        "region_key": document.region_key,
        "commune_key": document.commune_key,
        "latitude": document.latitude,
        "longitude": document.longitude,
        "map_x": tile[0] if tile else None,
        "map_y": tile[1] if tile else None,
        "year_from": document.year_from,
        "year_to": document.year_to,
        "sort_date": document.sort_date,
        "published_at": document.published_at,
        "title_terms": "" if full_text else _stored_forms(title_forms),
        "terms": "" if full_text else _stored_forms(forms),
        "trade_set": joined(document.trade_path),
        "decade_set": joined(document.decades),
        "tag_set": joined(slug for slug, _name in document.tags),
        "search_vector": tsvector_literal(title_forms, forms) if full_text else None,
    }
    facets = [
        # The item's own trades: a filter on a trade looks for it and its narrower trades.
        *((SearchFacet.Name.TRADE, str(trade_id)) for trade_id in document.trades),
        *((SearchFacet.Name.TAG, slug) for slug, _name in document.tags),
    ]
    return entry, facets


class TsQuery(SearchQuery):
    """A tsquery written in PostgreSQL's input syntax from search forms, cast rather than
    parsed (to_tsquery would run the forms through a text search configuration again)."""

    def __init__(self, value: str):
        super().__init__(value, search_type="raw")

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[-1])
        return f"({sql})::tsquery", params


class DatabaseEngine:
    """search.contract.Engine on the project's database (SQLite or PostgreSQL)."""

    name = "database"

    @property
    def full_text(self) -> bool:
        """PostgreSQL full-text search (a tsvector with a GIN index) rather than text matching."""
        return connection.vendor == "postgresql"

    # --- Writing ---------------------------------------------------------------------------

    def _write(self, documents: Iterable[ItemDocument], progress: Callable | None = None) -> int:
        written = 0
        batch: list[ItemDocument] = []

        def flush():
            rows = [entry_rows(document, full_text=self.full_text) for document in batch]
            if self.full_text:
                self._copy(rows)
            else:
                SearchEntry.objects.bulk_create([SearchEntry(**entry) for entry, _ in rows])
                SearchFacet.objects.bulk_create(
                    SearchFacet(entry_id=entry["item_id"], name=name, value=value)
                    for entry, facets in rows
                    for name, value in facets
                )
            if progress:
                progress(len(batch))
            batch.clear()

        for document in documents:
            batch.append(document)
            written += 1
            if len(batch) >= WRITE_BATCH:
                flush()
        if batch:
            flush()
        return written

    @staticmethod
    def _copy(rows: list[tuple[dict, list[tuple[str, str]]]]) -> None:
        """PostgreSQL's COPY: several times faster than INSERTs for a whole index."""
        columns = (*ENTRY_COLUMNS, "search_vector")
        entry_table = connection.ops.quote_name(SearchEntry._meta.db_table)
        facet_table = connection.ops.quote_name(SearchFacet._meta.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {entry_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for entry, _facets in rows:
                    copy.write_row([entry[column] for column in columns])
            with raw.copy(f"COPY {facet_table} (entry_id, name, value) FROM STDIN") as copy:
                for entry, facets in rows:
                    for name, value in facets:
                        copy.write_row((entry["item_id"], name, value))

    @staticmethod
    def _delete(ids: list[int] | None) -> None:
        """Delete the entries of `ids` (all of them with None) and their filter values, in two
        DELETE statements: the ORM's collector would first read every entry whole to find
        what cascades, and the facets are all that does."""
        facets, entries = SearchFacet.objects.all(), SearchEntry.objects.all()
        if ids is not None:
            facets, entries = facets.filter(entry_id__in=ids), entries.filter(pk__in=ids)
        facets._raw_delete(connection.alias)
        entries._raw_delete(connection.alias)

    def apply(self, *, upsert_ids: list[int], delete_ids: list[int]) -> None:
        upsert_ids = sorted(set(upsert_ids))
        for attempt in range(APPLY_ATTEMPTS):
            try:
                with transaction.atomic():
                    # Two processes applying the same item one after the other must not both
                    # insert its entry: the item's row is the lock (taken in id order).
                    list(
                        ArchiveItem.objects.filter(pk__in=upsert_ids)
                        .order_by("pk")
                        .select_for_update()
                        .values_list("pk", flat=True)
                    )
                    self._delete([*upsert_ids, *delete_ids])
                    if upsert_ids:
                        self._write(load_documents(ids=upsert_ids))
                return
            except IntegrityError:
                # A rebuild committed entries this transaction could not see yet: again,
                # with a fresh view.
                if attempt == APPLY_ATTEMPTS - 1:
                    raise

    def rebuild(self, *, progress=None) -> int:
        # One transaction: searches see the old entries until the new ones are all written.
        with transaction.atomic():
            self._delete(None)
            written = self._write(load_documents(), progress)
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, as after any bulk load: it chooses between
            # the full-text index and a scan by how many entries a word matches.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {SearchEntry._meta.db_table}, {SearchFacet._meta.db_table}"
                )
        return written

    def indexed_versions(self) -> dict[int, str]:
        return dict(SearchEntry.objects.values_list("pk", "version"))

    def count(self) -> int:
        return SearchEntry.objects.count()

    def ping(self) -> bool:
        return True

    # --- Searching -------------------------------------------------------------------------

    def _text_filter(self, terms: list[frozenset[str]]) -> tuple[Q, SearchQuery | None]:
        if self.full_text:
            # Forms are letters and digits only (analysis.WORD_RE), so they need no escaping
            # inside the quotes of a tsquery; the string is a query parameter anyway.
            raw = " & ".join(
                "(" + " | ".join(f"'{form}'" for form in sorted(term)) + ")" for term in terms
            )
            search_query = TsQuery(raw)
            return Q(search_vector=search_query), search_query
        condition = Q()
        for term in terms:
            condition &= _any_form(term, "terms")
        return condition, None

    def _filtered(
        self, query: ArchiveQuery, vocabulary: TradeVocabulary
    ) -> tuple[QuerySet[SearchEntry], list[frozenset[str]], SearchQuery | None]:
        qs = SearchEntry.objects.all()
        if query.trades:
            wanted = vocabulary.descendants(vocabulary.canonical_ids(query.trades))
            if not wanted:
                qs = qs.none()
            qs = qs.filter(
                Exists(
                    SearchFacet.objects.filter(
                        entry=OuterRef("pk"),
                        name=SearchFacet.Name.TRADE,
                        value__in=[str(pk) for pk in sorted(wanted)],
                    )
                )
            )
        places = place_keys(query)
        qs = qs.none() if places is None else qs.filter(**places)
        if query.bbox:
            box = query.bbox
            qs = qs.filter(
                latitude__gte=box.south,
                latitude__lte=box.north,
                longitude__gte=box.west,
                longitude__lte=box.east,
            )
        if query.kinds:
            qs = qs.filter(kind__in=[without_nul(kind) for kind in query.kinds])
        if query.institutions:
            qs = qs.filter(institution__in=[without_nul(code) for code in query.institutions])
        if query.year_from is not None:
            qs = qs.filter(year_to__gte=query.year_from)
        if query.year_to is not None:
            qs = qs.filter(year_from__lte=query.year_to)
        for slug in query.tags:
            qs = qs.filter(
                Exists(
                    SearchFacet.objects.filter(
                        entry=OuterRef("pk"), name=SearchFacet.Name.TAG, value=without_nul(slug)
                    )
                )
            )
        text = without_nul(query.text)
        terms = query_terms(text)
        search_query = None
        if text.strip() and not terms:
            # Only punctuation: nothing can match (rather than listing everything).
            qs = qs.none()
        elif terms:
            condition, search_query = self._text_filter(terms)
            qs = qs.filter(condition)
        return qs, terms, search_query

    def _ordered(
        self,
        qs: QuerySet[SearchEntry],
        query: ArchiveQuery,
        terms: list[frozenset[str]],
        search_query: SearchQuery | None,
    ) -> QuerySet[SearchEntry]:
        newest = [F("sort_date").desc(nulls_last=True), F("published_at").desc(nulls_last=True)]
        if query.sort == Sort.OLDEST:
            return qs.order_by(F("sort_date").asc(nulls_last=True), "pk")
        if query.sort == Sort.NEWEST or not terms:
            return qs.order_by(*newest, "-pk")
        if search_query is not None:
            qs = qs.annotate(rank=SearchRank(F("search_vector"), search_query))
        else:
            # Simpler ranking on SQLite: how many of the query's words the title holds.
            qs = qs.annotate(
                rank=sum(
                    (
                        Case(
                            When(
                                _any_form(term, "title_terms"),
                                then=Value(1.0),
                            ),
                            default=Value(0.0),
                            output_field=FloatField(),
                        )
                        for term in terms
                    ),
                    start=Value(0.0, output_field=FloatField()),
                )
            )
        return qs.order_by("-rank", *newest, "-pk")

    @contextlib.contextmanager
    def _reading_many_rows(self) -> Iterator[None]:
        """A transaction whose statements may read most of the entries (facet counts and map
        clusters of a broad query, the ranking of a common word), with PostgreSQL's planner
        told so. PostgreSQL makes the grouping sets of the facet counts in one process; with
        its default costs of passing rows between processes, it then also scans and matches
        the rows in that one process, where parallel workers take a third to a half off
        (bench/search.py: p95 about 145 → 130 ms at 100,000 items on two cores). Just-in-time
        compilation costs more than it saves on statements of tens of milliseconds. SET LOCAL
        ends with the transaction. Other databases have no such settings: no transaction."""
        if connection.vendor != "postgresql":
            yield
            return
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL parallel_setup_cost = 200; "
                    "SET LOCAL parallel_tuple_cost = 0.001; SET LOCAL jit = off"
                )
            yield

    def search(self, query: ArchiveQuery) -> ArchiveResults:
        vocabulary = TradeVocabulary.load()
        qs, terms, search_query = self._filtered(query, vocabulary)
        with self._reading_many_rows():
            buckets, commune_regions, total = self._facet_counts(qs)
            page = []
            if (
                total
                and query.offset < total
                and query.offset + query.per_page <= MAX_RESULT_WINDOW
            ):
                ordered = self._ordered(qs, query, terms, search_query)
                fields = [
                    "pk",
                    "identifier",
                    "kind",
                    *(["rank"] if "rank" in ordered.query.annotations else []),
                ]
                page = list(ordered.values(*fields)[query.offset : query.offset + query.per_page])
            clusters = (
                self._clusters(qs, query.map_zoom) if total and query.map_zoom is not None else []
            )
        hits = self._hits(page, terms)
        facets = build_facets(buckets, query, vocabulary, commune_regions=commune_regions)
        return ArchiveResults(hits=hits, total=total, facets=facets, clusters=clusters)

    def _hits(self, page: list[dict], terms: list[frozenset[str]]) -> list[Hit]:
        if not page:
            return []
        snippets: dict[int, str] = {}
        moments: dict[int, list[TranscriptMoment]] = defaultdict(list)
        if terms:
            ids = [row["pk"] for row in page]
            for pk, title, summary, description in ArchiveItem.objects.filter(
                pk__in=ids
            ).values_list("pk", "title", "summary", "description"):
                snippets[pk] = hit_snippet(terms, summary, description, title)
            oral = [row["pk"] for row in page if row["kind"] == ArchiveItem.Kind.ORAL_HISTORY]
            if oral:
                for item_id, start_ms, text in (
                    TranscriptSegment.objects.filter(item_id__in=oral, start_ms__isnull=False)
                    .order_by("item_id", "position")
                    .values_list("item_id", "start_ms", "text")
                ):
                    if len(moments[item_id]) < MOMENTS_PER_HIT and matches(text, terms):
                        moments[item_id].append(
                            TranscriptMoment(start=start_ms / 1000, snippet=highlight(text, terms))
                        )
        return [
            Hit(
                item_id=row["pk"],
                identifier=row["identifier"],
                score=row.get("rank"),
                snippet=snippets.get(row["pk"], ""),
                moments=tuple(moments.get(row["pk"], ())),
            )
            for row in page
        ]

    def _facet_counts(
        self, qs: QuerySet[SearchEntry]
    ) -> tuple[dict[str, list[tuple[str, int]]], dict[str, str], int]:
        """Every facet's (value, count) pairs, each commune's region, and the total.

        The result set is grouped once per FACET_GROUPS entry: by kind, institution and
        place together, and by the whole set of trades (decades, tags) of each entry; the
        groups are split into values here (grouped_tokens). Hashing a few columns per
        entry costs several times less than counting each entry once per facet value.
        PostgreSQL makes all the groupings in one pass (GROUPING SETS); SQLite, which has no
        grouping sets, in one GROUP BY each."""
        try:
            inner, params = qs.order_by().values(*GROUPED_COLUMNS).query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (an unknown trade)
            return {}, {}, 0
        # The inner query is the ORM's own SQL with its parameters kept apart: nothing from
        # the visitor is formatted into the statement.
        columns = ", ".join(GROUPED_COLUMNS)
        if connection.vendor == "postgresql":
            sets = ", ".join(f"({', '.join(group)})" for group in FACET_GROUPS)
            sql = f"SELECT {columns}, COUNT(*) FROM ({inner}) AS f GROUP BY GROUPING SETS ({sets})"  # noqa: S608
        else:
            sql = " UNION ALL ".join(
                f"SELECT {', '.join(c if c in group else 'NULL' for c in GROUPED_COLUMNS)}, "  # noqa: S608
                f"COUNT(*) FROM ({inner}) AS f GROUP BY {', '.join(group)}"
                for group in FACET_GROUPS
            )
            params = tuple(params) * len(FACET_GROUPS)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return parse_facet_counts(grouped_tokens(rows).items())

    def _clusters(self, qs: QuerySet[SearchEntry], zoom: int) -> list[MapCluster]:
        shift = 2 ** (MAP_ZOOM - cluster_zoom(zoom))
        rows = (
            qs.filter(map_x__isnull=False, map_y__isnull=False)
            .order_by()
            .annotate(
                tile_x=ExpressionWrapper(F("map_x") / shift, output_field=IntegerField()),
                tile_y=ExpressionWrapper(F("map_y") / shift, output_field=IntegerField()),
            )
            .values("tile_x", "tile_y")
            .annotate(
                n=Count("pk"),
                latitude_mean=Avg("latitude"),
                longitude_mean=Avg("longitude"),
                identifier=Max("identifier"),
            )
        )
        return largest_first(
            MapCluster(
                latitude=row["latitude_mean"],
                longitude=row["longitude_mean"],
                count=row["n"],
                identifier=row["identifier"] if row["n"] == 1 else None,
            )
            for row in rows
        )

    # --- Autocomplete ------------------------------------------------------------------------

    def suggest(self, *, field: str, prefix: str, language: str, limit: int = 10) -> list[str]:
        prefix = folded_key(prefix)
        if not prefix or limit <= 0:
            return []
        if field == "trade":
            vocabulary = TradeVocabulary.load()
            candidates = trade_candidates(vocabulary, prefix, language)
            narrower = vocabulary.descendants(candidates)
            own = (
                SearchFacet.objects.filter(
                    name=SearchFacet.Name.TRADE, value__in=[str(pk) for pk in sorted(narrower)]
                )
                .order_by()
                .values_list("value", flat=True)
                .distinct()
            )
            # A trade is in use when an item has it or a narrower trade.
            used = {ancestor for value in own for ancestor in vocabulary.path(int(value))}
            labels = {label for pk, label in candidates.items() if pk in used}
        elif field == "place":
            labels = set()
            for region, commune in (
                SearchEntry.objects.filter(
                    Q(region_key__contains=prefix) | Q(commune_key__contains=prefix)
                )
                .order_by()
                .values_list("region", "commune")
                .distinct()
            ):
                labels.update(filter(None, (region, commune)))
        else:
            return []
        return rank_suggestions(labels, prefix, limit)


def _any_form(term: frozenset[str], field: str) -> Q:
    condition = Q()
    for form in term:
        condition |= Q(**{f"{field}__contains": f" {form} "})
    return condition
