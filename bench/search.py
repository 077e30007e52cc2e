"""Benchmark the archive search engines: bulk indexing, then 1,000 mixed queries end to end and
straight to the engine.

Run from the project root:  .venv/bin/python bench/search.py   (see bench/README.md)

Steps: start a throwaway PostgreSQL (tests/servers/postgres.py) and the osmem-server search
emulator (tests/servers/search.py), migrate, generate synthetic archive items with bulk_create
(real trade vocabulary, places across France, Belgium, Luxembourg and Germany, transcripts for
oral histories), then for each engine: rebuild its index (docs/s), apply a share of the items
through the outbox worker (docs/s), run the queries through `get_engine(name).search()` and
replay exactly what the engine sent (the SQL statements, or the HTTP requests) straight to the
database or the search server. Prints a table; stops both servers whatever happens.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENGINES = ("database", "elasticsearch")

# (commune, region, country, latitude, longitude): industrial towns of the network's area.
PLACES = [
    ("Roubaix", "Hauts-de-France", "FR", 50.6942, 3.1746),
    ("Tourcoing", "Hauts-de-France", "FR", 50.7239, 3.1612),
    ("Lille", "Hauts-de-France", "FR", 50.6292, 3.0573),
    ("Fourmies", "Hauts-de-France", "FR", 50.0158, 4.0539),
    ("Lewarde", "Hauts-de-France", "FR", 50.3411, 3.1681),
    ("Oignies", "Hauts-de-France", "FR", 50.4686, 2.9939),
    ("Lens", "Hauts-de-France", "FR", 50.4329, 2.8277),
    ("Denain", "Hauts-de-France", "FR", 50.3289, 3.3953),
    ("Saint-Quentin", "Hauts-de-France", "FR", 49.8465, 3.2876),
    ("Amiens", "Hauts-de-France", "FR", 49.8941, 2.2958),
    ("Longwy", "Grand Est", "FR", 49.5197, 5.7608),
    ("Hayange", "Grand Est", "FR", 49.3290, 6.0620),
    ("Uckange", "Grand Est", "FR", 49.3036, 6.1547),
    ("Mulhouse", "Grand Est", "FR", 47.7508, 7.3359),
    ("Baccarat", "Grand Est", "FR", 48.4500, 6.7400),
    ("Meisenthal", "Grand Est", "FR", 48.9714, 7.3536),
    ("Le Creusot", "Bourgogne-Franche-Comté", "FR", 46.8078, 4.4167),
    ("Montceau-les-Mines", "Bourgogne-Franche-Comté", "FR", 46.6667, 4.3667),
    ("Saint-Étienne", "Auvergne-Rhône-Alpes", "FR", 45.4397, 4.3872),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR", 45.7640, 4.8357),
    ("Elbeuf", "Normandie", "FR", 49.2866, 1.0075),
    ("Charleroi", "Wallonie", "BE", 50.4108, 4.4446),
    ("Liège", "Wallonie", "BE", 50.6326, 5.5797),
    ("Seraing", "Wallonie", "BE", 50.5833, 5.5000),
    ("Mons", "Wallonie", "BE", 50.4542, 3.9523),
    ("Verviers", "Wallonie", "BE", 50.5891, 5.8627),
    ("Bois-du-Luc", "Wallonie", "BE", 50.4700, 4.1500),
    ("Gent", "Vlaanderen", "BE", 51.0543, 3.7174),
    ("Genk", "Vlaanderen", "BE", 50.9650, 5.5008),
    ("Kortrijk", "Vlaanderen", "BE", 50.8280, 3.2649),
    ("Esch-sur-Alzette", "Sud", "LU", 49.4958, 5.9806),
    ("Differdange", "Sud", "LU", 49.5242, 5.8914),
    ("Dudelange", "Sud", "LU", 49.4806, 6.0875),
    ("Rumelange", "Sud", "LU", 49.4597, 6.0306),
    ("Wiltz", "Nord", "LU", 49.9661, 5.9322),
    ("Völklingen", "Saarland", "DE", 49.2500, 6.8500),
    ("Neunkirchen", "Saarland", "DE", 49.3500, 7.1833),
    ("Saarbrücken", "Saarland", "DE", 49.2402, 6.9969),
    ("Essen", "Nordrhein-Westfalen", "DE", 51.4556, 7.0116),
    ("Bochum", "Nordrhein-Westfalen", "DE", 51.4818, 7.2162),
    ("Dortmund", "Nordrhein-Westfalen", "DE", 51.5136, 7.4653),
    ("Aachen", "Nordrhein-Westfalen", "DE", 50.7753, 6.0839),
    ("Krefeld", "Nordrhein-Westfalen", "DE", 51.3388, 6.5853),
    ("Trier", "Rheinland-Pfalz", "DE", 49.7499, 6.6371),
]
SITES = [
    "Fosse 9",
    "Filature Motte-Bossut",
    "Haut fourneau U4",
    "Verrerie",
    "Atelier central",
    "Carreau de fosse",
    "Tissage",
    "Brasserie",
    "Tannerie",
    "Imprimerie",
    "Gare",
    "Laminoir",
]
TAGS = [
    "grève",
    "accident",
    "fête",
    "syndicat",
    "femmes",
    "enfants",
    "machines",
    "patron",
    "apprentissage",
    "exposition",
    "inondation",
    "guerre",
    "reconstruction",
    "sport",
    "musique",
    "cité ouvrière",
    "cantine",
    "sécurité",
    "vapeur",
    "électricité",
    "immigration",
    "polonais",
    "italiens",
    "retraite",
    "fermeture",
    "modernisation",
    "photographie aérienne",
    "famille",
    "école",
    "médaille",
]
SENTENCES = [
    "On commençait à six heures, avant le jour, et on finissait quand la sirène sonnait.",
    "Les métiers à tisser faisaient un bruit qu'on entendait depuis la rue.",
    "Mon père était {trade} comme son père avant lui.",
    "Le contremaître passait dans les rangs pour vérifier les pièces.",
    "Après la guerre, l'usine a reconstruit les ateliers et installé des machines neuves.",
    "Nous habitions la cité ouvrière, juste derrière le carreau de la fosse.",
    "Le verre sortait du four et il fallait le souffler tout de suite.",
    "La grève de 1948 a duré plusieurs semaines et tout le quartier a aidé les familles.",
    "On apprenait le métier sur le tas, en regardant les anciens.",
    "Les femmes triaient le charbon sur les tapis, à la main, par tous les temps.",
    "Le haut fourneau ne s'arrêtait jamais, il fallait des équipes jour et nuit.",
    "À la fermeture, beaucoup sont partis travailler au Luxembourg ou en Sarre.",
    "Les teinturiers avaient les mains bleues pendant des semaines.",
    "Le dimanche, il y avait la fanfare de la mine et le bal de la société.",
    "Il fallait graisser les machines chaque matin avant la mise en route.",
]
TITLES = [
    "{trade} à {commune}",
    "{site} de {commune}, {trade_lower}",
    "Souvenirs d'un {trade_lower} de {commune}",
    "{trade} au travail, {site}",
    "Atelier de {commune} : {trade_lower}s",
    "{site}, {commune} ({year})",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="items to generate")
    parser.add_argument("--queries", type=int, default=1_000, help="queries per engine")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES)
    )
    parser.add_argument(
        "--outbox-items",
        type=int,
        default=2_000,
        help="items applied through the outbox worker per engine (0 to skip)",
    )
    parser.add_argument("--seed", type=int, default=4, help="random seed (data and queries)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    args.engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    return args


# --- Services and Django ---------------------------------------------------------------------


@contextmanager
def services(engines: list[str]):
    """PostgreSQL and (when benchmarked) the search emulator, both stopped on the way out."""
    from tests.servers.postgres import make_server

    with ExitStack() as stack:
        postgres = make_server()
        url = postgres.start()
        stack.callback(postgres.stop)
        os.environ["DATABASE_URL"] = url
        if "elasticsearch" in engines:
            from tests.servers.search import SearchServer

            search = SearchServer()
            search.start()
            stack.callback(search.stop)
            os.environ["ARCHIVE_SEARCH_URLS"] = search.url
            os.environ["ARCHIVE_SEARCH_OPENSEARCH_COMPAT"] = "true"
            os.environ["ARCHIVE_SEARCH_INDEX"] = "bench-archive"
            # On a large index the emulator takes tens of seconds over some bulk requests
            # (about 40 s each, whatever their size, at 23,000 documents): measure slow
            # requests rather than fail them.
            os.environ["ARCHIVE_SEARCH_BULK_TIMEOUT"] = "900"
            os.environ["ARCHIVE_SEARCH_TIMEOUT"] = "60"
        yield


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def cleanup_django() -> None:
    from django.conf import settings

    # config.settings.test makes fresh temporary media and static folders per process.
    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        if Path(folder).parent == Path(tempfile.gettempdir()):
            shutil.rmtree(folder, ignore_errors=True)


# --- Synthetic archive -----------------------------------------------------------------------


def generate(n: int, rng: random.Random) -> dict:
    """`n` items written with bulk_create (no signals, so the outbox stays empty), in ~30 s per
    100,000 on two cores. Returns what the query generator needs."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from taggit.models import Tag
    from wagtail.models import Locale

    from archive import services as archive_services
    from archive.models import (
        ArchiveItem,
        ArchiveItemTag,
        Consent,
        Member,
        Trade,
        TranscriptSegment,
    )
    from archive.vocabulary import ensure_trades

    started = time.perf_counter()
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    ensure_trades()
    source = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    trades = list(Trade.objects.filter(locale=source))
    leaves = [t for t in trades if t.parent_id] or trades
    weights = [rng.paretovariate(1.2) for _ in leaves]  # a few common trades, a long tail

    institutions = []
    for index, (commune, region, country, lat, lon) in enumerate(PLACES[::4]):
        member = Member.objects.create(
            name=f"Musée du travail de {commune}",
            slug=f"musee-travail-{index}",
            commune=commune,
            region=region,
            country=country,
            latitude=lat,
            longitude=lon,
            description="Membre fictif du banc d'essai.",
        )
        institutions.append(archive_services.institution_setup(member=member, code=f"B{index:02d}"))
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]

    Kind, Status, Access = ArchiveItem.Kind, ArchiveItem.Status, ArchiveItem.Access
    now = timezone.now()
    batch_size = 5000
    numbers = {institution.pk: 0 for institution in institutions}
    for start in range(0, n, batch_size):
        count = min(batch_size, n - start)
        items, item_trades, item_tags = [], [], []
        for _ in range(count):
            institution = rng.choice(institutions)
            numbers[institution.pk] += 1
            commune, region, country, lat, lon = rng.choice(PLACES)
            trade = rng.choices(leaves, weights)[0]
            year = rng.randint(1860, 2005)
            kind = rng.choices([Kind.PHOTO, Kind.ORAL_HISTORY, Kind.SAVOIR_FAIRE], [5, 3, 2])[0]
            site = rng.choice(SITES)
            title = rng.choice(TITLES).format(
                trade=trade.name,
                trade_lower=trade.name.lower(),
                commune=commune,
                site=site,
                year=year,
            )
            words = {"trade": trade.name.lower()}
            sentences = [s.format(**words) for s in rng.sample(SENTENCES, 3)]
            exact = rng.random() < 0.2
            span = rng.choice([0, 0, 5, 10, 20])
            items.append(
                ArchiveItem(
                    kind=kind,
                    identifier=f"FAB-{institution.code}-{numbers[institution.pk]:06d}",
                    institution=institution,
                    title=title[:255],
                    summary=sentences[0],
                    description=" ".join(sentences[1:]),
                    place_name=f"{site} de {commune}",
                    commune=commune,
                    region=region,
                    country=country,
                    latitude=round(lat + rng.uniform(-0.06, 0.06), 6),
                    longitude=round(lon + rng.uniform(-0.09, 0.09), 6),
                    date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    if exact
                    else None,
                    year_from=None if exact else year,
                    year_to=None if exact else min(year + span, 2024),
                    date_approximate=not exact and rng.random() < 0.3,
                    rights=rng.choice(ArchiveItem.Rights.values),
                    access=rng.choices(
                        [Access.PUBLIC, Access.MEMBERS, Access.RESTRICTED], [90, 6, 4]
                    )[0],
                    status=rng.choices(
                        [Status.PUBLISHED, Status.SUBMITTED, Status.DRAFT, Status.WITHDRAWN],
                        [88, 5, 5, 2],
                    )[0],
                    published_at=now - datetime.timedelta(days=rng.randint(0, 2000)),
                    narrators="Jeannine D., Marcel L." if kind == Kind.ORAL_HISTORY else "",
                    language="fr" if kind == Kind.ORAL_HISTORY else "",
                    techniques="Soufflage\nÉtirage" if kind == Kind.SAVOIR_FAIRE else "",
                    tools="Canne\nPince" if kind == Kind.SAVOIR_FAIRE else "",
                )
            )
            extra = [trade] + (rng.sample(leaves, 1) if rng.random() < 0.25 else [])
            item_trades.append({t.pk for t in extra})
            item_tags.append(rng.sample(tags, rng.choice([0, 1, 1, 2, 3])))
        with transaction.atomic():
            ArchiveItem.objects.bulk_create(items)
            through = ArchiveItem.trades.through
            through.objects.bulk_create(
                through(archiveitem_id=item.pk, trade_id=trade_id)
                for item, ids in zip(items, item_trades, strict=True)
                for trade_id in ids
            )
            ArchiveItemTag.objects.bulk_create(
                ArchiveItemTag(content_object_id=item.pk, tag_id=tag.pk)
                for item, chosen in zip(items, item_tags, strict=True)
                for tag in chosen
            )
            oral = [item for item in items if item.kind == Kind.ORAL_HISTORY]
            Consent.objects.bulk_create(
                Consent(
                    item_id=item.pk,
                    consent_date=datetime.date(2022, 3, 1),
                    scope=rng.choices([Consent.Scope.PUBLIC_WEB, Consent.Scope.RESEARCH], [92, 8])[
                        0
                    ],
                    embargo_until=datetime.date(2040, 1, 1) if rng.random() < 0.04 else None,
                )
                for item in oral
            )
            TranscriptSegment.objects.bulk_create(
                TranscriptSegment(
                    item_id=item.pk,
                    position=position,
                    start_ms=position * 41_000,
                    end_ms=position * 41_000 + 40_000,
                    speaker=rng.choice(["Jeannine", "Marcel", "Enquêtrice"]),
                    text=rng.choice(SENTENCES).format(trade=item.title.split(" ")[0].lower()),
                )
                for item in oral
                for position in range(1, rng.randint(4, 9))
            )
        print(f"  generated {start + count:>7} / {n} items", end="\r", flush=True)
    seconds = time.perf_counter() - started
    print(f"  generated {n} items in {seconds:.1f} s" + " " * 20)
    return {"trades": trades, "institutions": [i.code for i in institutions], "tags": tags}


# --- Queries ---------------------------------------------------------------------------------


def make_queries(count: int, rng: random.Random, data: dict) -> tuple[list, list[str]]:
    """A mix like the public page's traffic: words alone, words with a facet, facets alone,
    map viewports with clusters, and combinations on later pages."""
    from archive.models import ArchiveItem, Trade
    from search.contract import ArchiveQuery, BoundingBox, Sort

    labels = list(Trade.objects.values_list("name", flat=True))  # every language
    words = [
        "tisserand", "tisserands", "mineur", "verre", "grève", "fosse", "machines", "weaver",
        "Weber", "glassblower", "haut fourneau", "sidérurgie", "siderurgie", "cité ouvrière",
        "charbon", "teinturier", "Roubaix", "Liège", "Völklingen", "fanfare", "usine",
    ]  # fmt: skip
    trade_ids = [trade.pk for trade in data["trades"]]
    regions = sorted({place[1] for place in PLACES})
    kinds = ArchiveItem.Kind.values
    tags = [tag.slug for tag in data["tags"]]

    def text() -> str:
        return rng.choice(words if rng.random() < 0.7 else labels)

    def viewport() -> tuple[BoundingBox, int]:
        _commune, _region, _country, lat, lon = rng.choice(PLACES)
        half = rng.choice([0.05, 0.2, 0.8, 2.5])
        box = BoundingBox(
            south=lat - half, west=lon - half * 1.5, north=lat + half, east=lon + half * 1.5
        )
        return box, {0.05: 12, 0.2: 10, 0.8: 8, 2.5: 6}[half]

    queries, kinds = [], []
    for _ in range(count):
        kind = rng.choices(["text", "text+facet", "facets", "map", "mixed"], [30, 20, 20, 20, 10])[
            0
        ]
        fields: dict = {"language": rng.choice(["fr", "fr", "en", "de", "nl"])}
        if kind in ("text", "text+facet", "mixed"):
            fields["text"] = text()
        if kind in ("text+facet", "facets", "mixed"):
            choice = rng.choice(["trade", "region", "kind", "country", "period", "tag", "inst"])
            if choice == "trade":
                fields["trades"] = (rng.choice(trade_ids),)
            elif choice == "region":
                fields["region"] = rng.choice(regions)
            elif choice == "kind":
                fields["kinds"] = (rng.choice(kinds),)
            elif choice == "country":
                fields["country"] = rng.choice(["FR", "BE", "LU", "DE"])
            elif choice == "period":
                start = rng.randrange(1860, 2000, 10)
                fields.update(year_from=start, year_to=start + rng.choice([9, 19, 49]))
            elif choice == "tag":
                fields["tags"] = (rng.choice(tags),)
            else:
                fields["institutions"] = (rng.choice(data["institutions"]),)
        if kind in ("map", "mixed"):
            fields["bbox"], fields["map_zoom"] = viewport()
        if kind == "mixed":
            fields.update(page=rng.randint(2, 5), sort=rng.choice(Sort.choices))
        queries.append(ArchiveQuery(**fields))
        kinds.append(kind)
    return queries, kinds


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the result table."""

    engine: str
    documents: int = 0
    rebuild_docs_s: float | None = None
    outbox_docs_s: float | None = None
    e2e_ms: dict = field(default_factory=dict)
    raw_ms: dict = field(default_factory=dict)
    errors: int = 0
    note: str = ""
    by_kind: dict = field(default_factory=dict)


def percentiles(samples: list[float | None]) -> dict:
    samples = [sample for sample in samples if sample is not None]
    if len(samples) < 2:
        return {}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def measure_indexing(engine, row: Row, outbox_items: int) -> None:
    from search.documents import indexable_items
    from search.engines import EngineUnavailable
    from search.models import IndexTask
    from search.outbox import rebuild, work

    started = time.perf_counter()
    row.documents = rebuild(engine=engine)  # what search_reindex does
    row.rebuild_docs_s = row.documents / (time.perf_counter() - started)
    print(f"  rebuild: {row.documents} documents, {row.rebuild_docs_s:,.0f} docs/s")

    if outbox_items:
        # The path every change takes: tasks written, then applied by the worker in batches.
        # Written directly: search.outbox.enqueue would apply them at commit with the
        # database engine, and the worker's batches are what is measured here.
        ids = list(indexable_items().order_by("?").values_list("pk", flat=True)[:outbox_items])
        IndexTask.objects.bulk_create(IndexTask(item_id=pk) for pk in ids)
        started = time.perf_counter()
        try:
            stats = work(engine=engine, once=True, batch_size=500)
        except EngineUnavailable as error:
            # Reported, and the queries are measured all the same.
            row.note = f"outbox: {error}"[:120]
            print(f"  outbox worker failed after {time.perf_counter() - started:.0f} s: {error}")
            IndexTask.objects.all().delete()
            return
        row.outbox_docs_s = stats.applied / (time.perf_counter() - started)
        assert not IndexTask.objects.exists(), "the worker left tasks behind"
        print(f"  outbox worker: {stats.applied} tasks, {row.outbox_docs_s:,.0f} docs/s")


def timed(function, queries) -> tuple[list[float | None], int]:
    """Seconds per query, in order (None where it failed), and the number of failures."""
    samples, errors = [], 0
    for query in queries:
        started = time.perf_counter()
        try:
            function(query)
        except Exception as error:  # counted and shown, the run goes on
            errors += 1
            if errors <= 3:
                print(f"  error: {type(error).__name__}: {error}")
            samples.append(None)
            continue
        samples.append(time.perf_counter() - started)
    return samples, errors


def database_raw(engine, queries) -> tuple[list, object]:
    """The SQL statements each search sent, and how to replay them as they are on the same
    connection (every row fetched)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    recorded = []
    for query in queries:
        # The log keeps 9,000 statements: full, it would capture nothing more.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            engine.search(query)
        # Transaction control is the replay's own (below); the statements in between, the
        # engine's SET LOCAL planner settings among them, are replayed as they are.
        recorded.append(
            [
                entry["sql"]
                for entry in captured.captured_queries
                if not entry["sql"].startswith(
                    ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
                )
            ]
        )

    def replay(statements):
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return recorded, replay


def elasticsearch_raw(engine, queries) -> tuple[list, object]:
    """The HTTP requests each search sent, and how to replay them with a bare urllib3 pool:
    what the server itself takes, plus the least a client can spend."""
    import urllib3

    from search.transport import PlainJsonHttpNode

    recorded: list[list[tuple[str, str, bytes | None]]] = []
    original = PlainJsonHttpNode.perform_request

    def recording(node, method, target, body=None, headers=None, **kwargs):
        recorded[-1].append((method, target, body))
        return original(node, method, target, body=body, headers=headers, **kwargs)

    PlainJsonHttpNode.perform_request = recording
    try:
        for query in queries:
            recorded.append([])
            engine.search(query)
    finally:
        PlainJsonHttpNode.perform_request = original

    base = os.environ["ARCHIVE_SEARCH_URLS"].rstrip("/")
    pool = urllib3.PoolManager(maxsize=1)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def replay(requests):
        for method, target, body in requests:
            response = pool.request(method, base + target, body=body, headers=headers)
            if response.status >= 400:
                raise RuntimeError(f"{response.status} on {target}")

    return recorded, replay


def measure_engine(row: Row, queries: list, kinds: list[str], outbox_items: int) -> None:
    """Fill `row` as the measures come, so that a failure keeps those already taken."""
    from search.engines import get_engine

    name = row.engine
    engine = get_engine(name)
    print(f"{name}:")
    measure_indexing(engine, row, outbox_items)
    # The recording pass also warms the caches up.
    recorded, replay = (database_raw if name == "database" else elasticsearch_raw)(engine, queries)
    # Each query end to end, then its replay at once: both meet the same load on a shared
    # machine, which separate passes would not.
    samples, raw_samples = [], []
    for query, recording in zip(queries, recorded, strict=True):
        e2e, e2e_errors = timed(engine.search, [query])
        raw, raw_errors = timed(replay, [recording])
        samples += e2e
        raw_samples += raw
        row.errors += e2e_errors + raw_errors
    row.e2e_ms, row.raw_ms = percentiles(samples), percentiles(raw_samples)
    print("  end to end (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in row.e2e_ms.items()))
    print("  raw (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in row.raw_ms.items()))
    # Which sort of query costs what: where to look first.
    for kind in sorted(set(kinds)):
        e2e = percentiles([t for t, k in zip(samples, kinds, strict=True) if k == kind])
        raw = percentiles([t for t, k in zip(raw_samples, kinds, strict=True) if k == kind])
        row.by_kind[kind] = {"e2e_p95": e2e.get("p95"), "raw_p95": raw.get("p95")}
        print(
            f"  {kind:<11} ({kinds.count(kind):>4}) p95 end to end "
            f"{e2e.get('p95', float('nan')):8.1f} ms, raw {raw.get('p95', float('nan')):8.1f} ms"
        )


# --- Output ----------------------------------------------------------------------------------

TARGETS = {
    "indexing": "≥ 2,000 docs/s",
    "elasticsearch": "p95 ≤ 50 ms end to end, ≤ 30% above raw",
    "database": "p95 ≤ 150 ms end to end (PostgreSQL)",
}


def print_table(rows: list[Row], args) -> None:
    def ms(values: dict, key: str) -> str:
        return f"{values[key]:.1f}" if key in values else "–"

    header = (
        f"{'engine':<14}{'docs':>8}{'rebuild/s':>11}{'outbox/s':>10}"
        f"{'e2e p50':>9}{'p95':>7}{'p99':>7}{'raw p50':>9}{'p95':>7}{'p99':>7}{'overhead':>10}"
        f"{'errors':>8}  note"
    )
    print()
    print(f"{args.items:,} items, {args.queries:,} queries per engine (latencies in ms)")
    print(header)
    print("-" * len(header))
    for row in rows:
        overhead = (
            f"{(row.e2e_ms['p95'] / row.raw_ms['p95'] - 1) * 100:+.0f}%"
            if row.e2e_ms and row.raw_ms
            else "–"
        )
        rebuild = f"{row.rebuild_docs_s:,.0f}" if row.rebuild_docs_s else "–"
        outbox = f"{row.outbox_docs_s:,.0f}" if row.outbox_docs_s else "–"
        print(
            f"{row.engine:<14}{row.documents:>8}{rebuild:>11}{outbox:>10}"
            f"{ms(row.e2e_ms, 'p50'):>9}{ms(row.e2e_ms, 'p95'):>7}{ms(row.e2e_ms, 'p99'):>7}"
            f"{ms(row.raw_ms, 'p50'):>9}{ms(row.raw_ms, 'p95'):>7}{ms(row.raw_ms, 'p99'):>7}"
            f"{overhead:>10}{row.errors:>8}  {row.note}"
        )
    print()
    print(
        "overhead: end-to-end p95 over raw p95. Targets: "
        + "; ".join(f"{key}: {value}" for key, value in TARGETS.items())
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    rows: list[Row] = []
    with services(args.engines):
        setup_django()
        try:
            data = generate(args.items, rng)
            queries, kinds = make_queries(args.queries, random.Random(args.seed + 1), data)
            for name in args.engines:
                rows.append(Row(engine=name))
                try:
                    measure_engine(rows[-1], queries, kinds, args.outbox_items)
                except Exception as error:
                    # One engine failing must not lose the other's figures.
                    print(f"  {name} failed: {type(error).__name__}: {error}")
                    rows[-1].note = f"failed: {type(error).__name__}: {error}"[:120]
        finally:
            cleanup_django()
    print_table(rows, args)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(row) for row in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
