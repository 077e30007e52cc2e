"""The Elasticsearch engine (production): the archive query contract on an Elasticsearch 8
index, through elasticsearch-dsl.

Texts go through the french analyser with english, german and dutch sub-fields, to find a word
in the five languages as search.engines.analysis does for the database engine; that module also
marks the snippets, so both engines mark alike. Transcript segments are nested documents, so
that a match says where in the recording the words were said. Reads and writes go through an
alias, so that a rebuild swaps a complete new index in at once.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from taggit.models import Tag

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch_dsl import (
    A,
    Date,
    Document,
    Float,
    GeoPoint,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Nested,
    Q,
    Search,
    Text,
    analyzer,
)

from archive.models import ArchiveItem, Institution, Trade
from search.contract import (
    FACETS,
    MAX_RESULT_WINDOW,
    ArchiveQuery,
    ArchiveResults,
    Hit,
    MapCluster,
    Sort,
    TranscriptMoment,
)
from search.documents import ItemDocument, TradeVocabulary, load_documents
from search.engines import EngineUnavailable
from search.engines.analysis import highlight, query_terms, query_words
from search.engines.common import (
    MOMENTS_PER_HIT,
    build_facets,
    cluster_zoom,
    facet_tokens,
    folded_key,
    hit_snippet,
    largest_first,
    parse_facet_counts,
    place_keys,
    rank_suggestions,
    trade_candidates,
    without_nul,
)
from search.transport import PlainJsonHttpNode

# Built-in language analysers; Dutch is declared as a named analyser of type "dutch", which
# every Elasticsearch 8 and OpenSearch server accepts (the emulator only knows it that way).
DUTCH = analyzer("fabrique_dutch", type="dutch")
FOLDED = analyzer("fabrique_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
# Documents per bulk request: about 6 MB of JSON, within what Elasticsearch advises (5–15 MB).
# OpenSearch-API emulators index a large batch once, where they merge and re-analyse small
# ones.
BULK_CHUNK = 2000
# Bulk requests in flight while the next chunk is prepared (the server indexes on its cores).
BULK_THREADS = 2
WILDCARD_SPECIALS = re.compile(r"[*?\\]")
# geotile_grid's own ceiling on buckets; far above the clusters a map can show.
MAX_CLUSTERS = 10_000


def multilingual(*, folded: bool = True) -> Text:
    fields = {
        "en": Text(analyzer="english"),
        "de": Text(analyzer="german"),
        "nl": Text(analyzer=DUTCH),
    }
    if folded:
        fields["folded"] = Text(analyzer=FOLDED)
    return Text(analyzer="french", fields=fields)


class SegmentDocument(InnerDoc):
    """A transcript segment, analysed like the item's texts, so that a word found in the
    transcript also says where it was said."""

    position = Integer()
    start = Float()
    text = multilingual()


class ArchiveItemDocument(Document):
    """One visible archive item in the index; its `_id` is the item's primary key.

    The prose of the item (summary, description, details, place, tags, institution) is
    analysed once, as `text`: every analysed field costs indexing time for each of its five
    analysers. `summary` and `description` are kept, unindexed, for the snippets."""

    item_id = Integer()
    identifier = Keyword()
    version = Keyword()
    kind = Keyword()
    title = multilingual()
    trade_labels = multilingual()
    text = multilingual(folded=False)
    summary = Text(index=False)
    description = Text(index=False)
    trades = Integer()  # canonical ids, with every broader trade (filters and facets)
    trades_own = Integer()
    place_name = Keyword()
    commune = Keyword()
    region = Keyword()
    commune_key = Keyword()
    region_key = Keyword()
    country = Keyword()
    location = GeoPoint()
    year_from = Integer()
    year_to = Integer()
    decade = Integer()
    sort_date = Date()
    published_at = Date()
    tags = Keyword()
    institution = Keyword()
    rights = Keyword()
    # Every facet value as "<facet>\x1f<value>": one terms aggregation counts all facets.
    facet_values = Keyword()
    segments = Nested(SegmentDocument)

    @staticmethod
    def source(document: ItemDocument) -> dict:
        """The `_source` of `document` for this mapping. Built as a plain dict: going through
        the Document instance costs more than the rest of the document's preparation."""
        source = {
            "item_id": document.id,
            "identifier": document.identifier,
            "version": document.version,
            "kind": document.kind,
            "title": document.title,
            "trade_labels": document.all_trade_labels,
            "text": "\n".join(
                filter(
                    None,
                    [
                        document.summary,
                        document.description,
                        document.details,
                        document.place_text,
                        *(name for _slug, name in document.tags),
                        document.institution_name,
                    ],
                )
            ),
            "summary": document.summary,
            "description": document.description,
            "trades": document.trade_path,
            "trades_own": document.trades,
            "place_name": document.place_name,
            "commune": document.commune,
            "region": document.region,
            "commune_key": document.commune_key,
            "region_key": document.region_key,
            "country": document.country,
            "year_from": document.year_from,
            "year_to": document.year_to,
            "decade": document.decades,
            "sort_date": document.sort_date.isoformat() if document.sort_date else None,
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "tags": [slug for slug, _name in document.tags],
            "institution": document.institution,
            "rights": document.rights,
            "facet_values": facet_tokens(document),
            "segments": [
                {"position": segment.position, "start": segment.start, "text": segment.text}
                for segment in document.segments
            ],
        }
        if document.has_location:
            source["location"] = {"lat": document.latitude, "lon": document.longitude}
        return source


# Searched fields and their weights; each also through its language sub-fields.
TEXT_FIELDS = {"title": 3, "trade_labels": 2, "text": 1}
FOLDED_FIELDS = ("title", "trade_labels")
SEGMENT_FIELDS = [
    "segments.text",
    *(f"segments.text.{sub}" for sub in ("en", "de", "nl", "folded")),
]


def _fields(names: Iterable[str]) -> list[str]:
    fields = []
    for name in names:
        boost = TEXT_FIELDS[name]
        suffix = f"^{boost}" if boost != 1 else ""
        subfields = ("en", "de", "nl", *(("folded",) if name in FOLDED_FIELDS else ()))
        fields.append(f"{name}{suffix}")
        fields.extend(f"{name}.{sub}{suffix}" for sub in subfields)
    return fields


SEARCH_FIELDS = _fields(TEXT_FIELDS)


@functools.lru_cache(maxsize=8)
def _client(urls: tuple[str, ...], api_key: str, timeout: float, compat: bool) -> Elasticsearch:
    # One client (and connection pool) per configuration, shared by every request.
    options = {"request_timeout": timeout, "max_retries": 1, "retry_on_timeout": False}
    if api_key:
        options["api_key"] = api_key
    if compat:
        options["node_class"] = PlainJsonHttpNode
    return Elasticsearch(list(urls), **options)


@contextlib.contextmanager
def unavailable_on_failure(action: str) -> Iterator[None]:
    """Transport failures (server down, timeout, refused request) -> EngineUnavailable."""
    try:
        yield
    except (TransportConnectionError, TransportError) as error:
        raise EngineUnavailable(f"Elasticsearch {action}: {error}") from error
    except ApiError as error:
        if error.meta.status >= 500 or error.meta.status in (401, 403, 406, 429):
            raise EngineUnavailable(f"Elasticsearch {action}: {error}") from error
        raise


class ElasticsearchEngine:
    """search.contract.Engine on Elasticsearch 8 (or an OpenSearch-API server)."""

    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, *, alias: str, bulk_timeout: float = 60.0):
        self.client = client
        self.alias = alias
        self.bulk_timeout = bulk_timeout

    @classmethod
    def from_settings(cls, config: dict) -> ElasticsearchEngine:
        client = _client(
            tuple(config["URLS"]),
            config["API_KEY"],
            float(config["TIMEOUT"]),
            bool(config["OPENSEARCH_COMPAT"]),
        )
        return cls(client, alias=config["INDEX"], bulk_timeout=float(config["BULK_TIMEOUT"]))

    # --- Index management ------------------------------------------------------------------

    def _new_index(self) -> Index:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        index = Index(name, using=self.client)
        index.settings(number_of_shards=1)
        index.document(ArchiveItemDocument)
        return index

    def _alias_targets(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        """Create an empty index behind the alias if there is none (a first start before any
        `search_reindex`), so that the worker can apply changes right away."""
        with unavailable_on_failure("index check"):
            if self._alias_targets():
                return
            if self.client.indices.exists(index=self.alias):
                return  # a concrete index under the alias's name: used as it is
            index = self._new_index()
            index.create()
            self.client.indices.put_alias(index=index._name, name=self.alias)

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests, and `search_reindex --drop`)."""
        with unavailable_on_failure("drop"):
            for name in self._alias_targets():
                self.client.indices.delete(index=name)
            if self.client.indices.exists(index=self.alias):
                self.client.indices.delete(index=self.alias)

    # --- Writing ---------------------------------------------------------------------------

    def _actions(self, index: str, documents: Iterable[ItemDocument]) -> Iterator[dict]:
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": document.id,
                "_source": ArchiveItemDocument.source(document),
            }

    def _bulk_pipelined(self, client, actions: Iterable[dict], progress=None) -> int:
        """Send `actions` in chunks, the next chunk prepared (database reads, documents built)
        while the server indexes the previous ones. Chunks are prepared in this thread, whose
        database connection (and transaction) is the caller's; only the HTTP requests run in
        the pool. Returns the number of actions sent."""

        def send(chunk: list[dict]) -> int:
            helpers.bulk(client, chunk, chunk_size=len(chunk))
            return len(chunk)

        sent = 0
        pending: deque[Future] = deque()
        with ThreadPoolExecutor(max_workers=BULK_THREADS) as pool:
            try:
                chunk: list[dict] = []
                for action in actions:
                    chunk.append(action)
                    if len(chunk) == BULK_CHUNK:
                        pending.append(pool.submit(send, chunk))
                        chunk = []
                    while len(pending) >= BULK_THREADS or (pending and pending[0].done()):
                        sent += pending.popleft().result()
                        if progress:
                            progress(sent)
                if chunk:
                    pending.append(pool.submit(send, chunk))
                while pending:
                    sent += pending.popleft().result()
                    if progress:
                        progress(sent)
            finally:
                for future in pending:
                    future.cancel()
        return sent

    def apply(self, *, upsert_ids: list[int], delete_ids: list[int]) -> None:
        self.ensure_index()
        documents = list(load_documents(ids=upsert_ids))
        visible = {document.id for document in documents}
        gone = (set(upsert_ids) - visible) | set(delete_ids)
        actions = [
            *self._actions(self.alias, documents),
            *({"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in sorted(gone)),
        ]
        if not actions:
            return
        # No forced refresh: Elasticsearch shows the changes at its next refresh (a second by
        # default), and the worker's throughput does not hang on refreshes.
        with unavailable_on_failure("bulk"):
            helpers.bulk(
                self.client.options(request_timeout=self.bulk_timeout),
                actions,
                chunk_size=BULK_CHUNK,
                ignore_status=(404,),  # deleting what is already gone is fine
            )

    def rebuild(self, *, progress=None) -> int:
        with unavailable_on_failure("rebuild"):
            index = self._new_index()
            index.create()
            client = self.client.options(request_timeout=self.bulk_timeout)
            try:
                client.indices.put_settings(
                    index=index._name, settings={"index": {"refresh_interval": "-1"}}
                )
                done = [0]

                def advance(sent: int) -> None:
                    progress(sent - done[0])
                    done[0] = sent

                self._bulk_pipelined(
                    client,
                    self._actions(index._name, load_documents()),
                    advance if progress else None,
                )
                client.indices.put_settings(
                    index=index._name, settings={"index": {"refresh_interval": "1s"}}
                )
                client.indices.refresh(index=index._name)
                previous = self._alias_targets()
                actions = [{"add": {"index": index._name, "alias": self.alias}}]
                actions += [{"remove": {"index": name, "alias": self.alias}} for name in previous]
                if not previous and client.indices.exists(index=self.alias):
                    actions.append({"remove_index": {"index": self.alias}})
                client.indices.update_aliases(actions=actions)
            except BaseException:
                with contextlib.suppress(Exception):
                    client.indices.delete(index=index._name)
                raise
            for name in previous:
                with contextlib.suppress(NotFoundError):
                    client.indices.delete(index=name)
        return self.count()

    def indexed_versions(self) -> dict[int, str]:
        with unavailable_on_failure("scan"):
            if not self._alias_targets() and not self.client.indices.exists(index=self.alias):
                return {}
            return {
                int(hit["_id"]): hit["_source"].get("version", "")
                for hit in helpers.scan(
                    self.client, index=self.alias, _source=["version"], size=2000
                )
            }

    def count(self) -> int:
        with unavailable_on_failure("count"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    # --- Searching -------------------------------------------------------------------------

    def _filters(self, query: ArchiveQuery, vocabulary: TradeVocabulary) -> list[Q] | None:
        """Filter clauses, or None when a filter can match nothing (an unknown trade)."""
        filters = []
        if query.trades:
            wanted = vocabulary.descendants(vocabulary.canonical_ids(query.trades))
            if not wanted:
                return None
            filters.append(Q("terms", trades=sorted(wanted)))
        places = place_keys(query)
        if places is None:
            return None
        filters.extend(Q("term", **{field: value}) for field, value in places.items())
        if query.bbox:
            box = query.bbox
            filters.append(
                Q(
                    "geo_bounding_box",
                    location={
                        "top_left": {"lat": box.north, "lon": box.west},
                        "bottom_right": {"lat": box.south, "lon": box.east},
                    },
                )
            )
        if query.kinds:
            filters.append(Q("terms", kind=[without_nul(kind) for kind in query.kinds]))
        if query.institutions:
            filters.append(
                Q("terms", institution=[without_nul(code) for code in query.institutions])
            )
        if query.year_from is not None:
            filters.append(Q("range", year_to={"gte": query.year_from}))
        if query.year_to is not None:
            filters.append(Q("range", year_from={"lte": query.year_to}))
        filters.extend(Q("term", tags=without_nul(slug)) for slug in query.tags)
        return filters

    def _search(self, query: ArchiveQuery, words: list[str], filters: list[Q]) -> Search:
        """Every word must match, in the item's fields (any language's analysis) or in one of
        its transcript segments; the matching segments come back as inner hits (the moments).
        Snippets are marked by search.engines.analysis, as with the database engine: the same
        forms, the same escaping, and no highlighting work for the server."""
        musts = [
            Q(
                "bool",
                should=[
                    Q("multi_match", query=word, fields=SEARCH_FIELDS, type="best_fields"),
                    Q(
                        "nested",
                        path="segments",
                        score_mode="max",
                        query=Q("multi_match", query=word, fields=SEGMENT_FIELDS),
                        inner_hits={
                            "name": f"moments{position}",
                            "size": MOMENTS_PER_HIT,
                            "_source": ["segments.start", "segments.text"],
                        },
                    ),
                ],
                minimum_should_match=1,
            )
            for position, word in enumerate(words)
        ]
        search = Search(using=self.client, index=self.alias).extra(track_total_hits=True)
        search = search.query(Q("bool", must=musts, filter=filters))
        newest = [
            {"sort_date": {"order": "desc", "missing": "_last"}},
            {"published_at": {"order": "desc", "missing": "_last"}},
            {"item_id": {"order": "desc"}},
        ]
        if query.sort == Sort.OLDEST:
            search = search.sort(
                {"sort_date": {"order": "asc", "missing": "_last"}}, {"item_id": {"order": "asc"}}
            )
        elif query.sort == Sort.NEWEST or not words:
            search = search.sort(*newest)
        else:
            search = search.sort("_score", *newest)
        return search.source(["identifier", "title", "summary", "description"])

    def _facet_size(self) -> int:
        """How many buckets the facet aggregation needs to list every value: the size of each
        facet's vocabulary in the database, cached for a few minutes. Should the values
        outnumber it anyway (values added since), the aggregation is asked again, larger:
        counts stay exact."""
        sizes = cache.get_or_set(FACET_SIZES_KEY, _facet_sizes, 300)
        return max(sum(sizes.values()) + 1, 10)

    def search(self, query: ArchiveQuery) -> ArchiveResults:
        vocabulary = TradeVocabulary.load()
        filters = self._filters(query, vocabulary)
        text = without_nul(query.text)
        words = query_words(text)
        if filters is None or (text.strip() and not words):
            return ArchiveResults(hits=[], total=0, facets={name: [] for name in FACETS})
        search = self._search(query, words, filters)
        size = self._facet_size()
        search.aggs.bucket("facets", A("terms", field="facet_values", size=size))
        if query.map_zoom is not None:
            zoom = cluster_zoom(query.map_zoom)
            grid = search.aggs.bucket(
                "clusters", "geotile_grid", field="location", precision=zoom, size=MAX_CLUSTERS
            )
            grid.metric("centre", "geo_centroid", field="location")
            # A cluster of one item links to it: its id, far cheaper than a top_hits per cell.
            grid.metric("first", "min", field="item_id")
        if query.offset + query.per_page <= MAX_RESULT_WINDOW:
            search = search[query.offset : query.offset + query.per_page]
        else:
            search = search.extra(size=0)
        with unavailable_on_failure("search"):
            try:
                response = search.execute()
            except NotFoundError as error:
                raise EngineUnavailable(f"Elasticsearch index {self.alias!r} missing") from error
            total = response.hits.total.value
            aggregation = response.aggregations.facets
            if aggregation.sum_other_doc_count:
                aggregation = self._all_facet_values(search, size)
            buckets, commune_regions, _total = parse_facet_counts(
                (bucket.key, bucket.doc_count) for bucket in aggregation.buckets
            )
        terms = query_terms(text)
        hits = [self._hit(hit, terms) for hit in response.hits]
        facets = (
            build_facets(buckets, query, vocabulary, commune_regions=commune_regions)
            if total
            else {name: [] for name in FACETS}
        )
        clusters = []
        if query.map_zoom is not None and total:
            cells = response.aggregations.clusters.buckets
            single = [int(cell.first.value) for cell in cells if cell.doc_count == 1]
            identifiers = dict(
                ArchiveItem.objects.filter(pk__in=single).values_list("pk", "identifier")
            )
            clusters = largest_first(
                MapCluster(
                    latitude=cell.centre.location.lat,
                    longitude=cell.centre.location.lon,
                    count=cell.doc_count,
                    identifier=(
                        identifiers.get(int(cell.first.value)) if cell.doc_count == 1 else None
                    ),
                )
                for cell in cells
            )
        return ArchiveResults(hits=hits, total=total, facets=facets, clusters=clusters)

    def _all_facet_values(self, search: Search, size: int):
        """The facet aggregation asked again, larger, until every value fits."""
        while True:
            size *= 4
            again = Search(using=self.client, index=self.alias).extra(size=0)
            again.query = search.query._proxied
            again.aggs.bucket("facets", A("terms", field="facet_values", size=size))
            aggregation = again.execute().aggregations.facets
            if not aggregation.sum_other_doc_count:
                return aggregation

    def _hit(self, hit, terms) -> Hit:
        source = hit.to_dict()
        snippet = hit_snippet(
            terms, *(source.get(name) for name in ("summary", "description", "title"))
        )
        moments: dict[float, TranscriptMoment] = {}
        inner = getattr(hit.meta, "inner_hits", None)
        for name in inner or ():
            for segment in inner[name].hits:
                start = getattr(segment, "start", None)
                # Untimed segments match too, but there is no moment to link to.
                if start is not None and float(start) not in moments:
                    moments[float(start)] = TranscriptMoment(
                        start=float(start), snippet=highlight(segment.text or "", terms)
                    )
        return Hit(
            item_id=int(hit.meta.id),
            identifier=source.get("identifier", ""),
            score=hit.meta.score,
            snippet=snippet,
            moments=tuple(sorted(moments.values(), key=lambda m: m.start)[:MOMENTS_PER_HIT]),
        )

    # --- Autocomplete ------------------------------------------------------------------------

    def suggest(self, *, field: str, prefix: str, language: str, limit: int = 10) -> list[str]:
        prefix = folded_key(prefix)
        if not prefix or limit <= 0 or field not in ("trade", "place"):
            return []
        search = Search(using=self.client, index=self.alias).extra(size=0)
        size = self._facet_size()
        if field == "trade":
            candidates = trade_candidates(TradeVocabulary.load(), prefix, language)
            # Asked even without candidates, so that an unreachable server is always said so.
            search = search.filter(
                Q("terms", trades=sorted(candidates)) if candidates else Q("match_none")
            )
            search.aggs.bucket("values", A("terms", field="trades", size=size))
        else:
            # Keys are folded like the prefix; which word starts with it is sorted out below.
            pattern = "*" + WILDCARD_SPECIALS.sub(lambda match: "\\" + match.group(), prefix) + "*"
            search = search.query(
                "bool",
                should=[
                    Q("wildcard", commune_key=pattern),
                    Q("wildcard", region_key=pattern),
                ],
                minimum_should_match=1,
            )
            search.aggs.bucket("regions", A("terms", field="region", size=size))
            search.aggs.bucket("values", A("terms", field="commune", size=size))
        with unavailable_on_failure("suggest"):
            try:
                response = search.execute()
            except NotFoundError:
                return []
        if field == "trade":
            labels = {
                candidates[int(bucket.key)]
                for bucket in response.aggregations["values"].buckets
                if int(bucket.key) in candidates
            }
        else:
            labels = {
                str(bucket.key)
                for name in ("regions", "values")
                for bucket in response.aggregations[name].buckets
                if bucket.key
            }
        return rank_suggestions(labels, prefix, limit)


FACET_SIZES_KEY = "search:es-facet-sizes"


def _facet_sizes() -> dict[str, int]:
    counts = ArchiveItem.objects.aggregate(
        regions=Count("region", distinct=True), communes=Count("commune", distinct=True)
    )
    return {
        "trade": Trade.objects.values("translation_key").distinct().count(),
        "region": counts["regions"],
        "commune": counts["communes"],
        "kind": len(ArchiveItem.Kind),
        "decade": 300,
        "institution": Institution.objects.count(),
        "tag": Tag.objects.count(),
    }


__all__ = ["ArchiveItemDocument", "ElasticsearchEngine", "unavailable_on_failure"]
