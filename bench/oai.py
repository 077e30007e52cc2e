"""Benchmark the OAI-PMH repository: a whole ListRecords harvest of 100,000 items, page by
page through resumption tokens, in Dublin Core and in EDM.

Run from the project root:  .venv/bin/python bench/oai.py   (see bench/README.md)

Steps: start a throwaway PostgreSQL (tests/servers/postgres.py), migrate, generate synthetic
archive items with bench/search.py's generator (the same trades, places and mix of kinds,
statuses and access), give photos an image each, spread the items' datestamps over five years
and record the withdrawn ones as having left (deleted records). Then harvest the whole
repository through the OAI endpoint (Django's test client, in process: the view, the queries
and the XML, without a network in between) and print, for each format, records per second,
the SQL queries of every page and the memory each page allocates (tracemalloc, on sampled
pages only, outside the timing). Stops PostgreSQL whatever happens.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import cleanup_django, generate, services, setup_django  # noqa: E402

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
RECORD = b"<record>"


@dataclass
class Row:
    prefix: str
    records: int = 0
    pages: int = 0
    seconds: float = 0.0
    page_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    memory: dict[int, float] = field(default_factory=dict)  # page number -> peak KiB

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="items to generate")
    parser.add_argument("--page-size", type=int, default=200, help="OAI_PAGE_SIZE")
    parser.add_argument("--formats", nargs="+", default=["oai_dc", "edm"])
    parser.add_argument("--samples", type=int, default=5, help="pages whose memory is traced")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="PAGES",
        help="instead of a whole harvest, profile this many pages of each format (cProfile)"
        " and print the CPU time per record and where it goes",
    )
    return parser.parse_args(argv)


def dress(rng: random.Random) -> None:
    """What bench/search.py's generator leaves out and a harvest reads: images, spread
    datestamps and deleted records."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from wagtail.models import Collection

    from archive.models import ArchiveItem, CustomImage, ItemImage
    from opendata.models import ExposedItem

    started = time.perf_counter()
    with transaction.atomic():
        ArchiveItem.objects.update(updated_at=F("published_at"))
        collection = Collection.get_first_root_node()
        photos = list(
            ArchiveItem.objects.filter(kind=ArchiveItem.Kind.PHOTO).values_list("pk", flat=True)
        )
        images = CustomImage.objects.bulk_create(
            CustomImage(
                title=f"Photo {pk}",
                file=f"original_images/bench-{pk}.jpg",
                width=3000,
                height=2000,
                collection=collection,
            )
            for pk in photos
        )
        ItemImage.objects.bulk_create(
            ItemImage(item_id=pk, image_id=image.pk, sort_order=0)
            for pk, image in zip(photos, images, strict=True)
        )
        now = timezone.now()
        withdrawn = ArchiveItem.objects.filter(status=ArchiveItem.Status.WITHDRAWN)
        ExposedItem.objects.bulk_create(
            ExposedItem(
                item_id=pk,
                identifier=identifier,
                set_specs=f" institution:{code} kind:{kind} ",
                left_at=now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 365)),
            )
            for pk, identifier, code, kind in withdrawn.values_list(
                "pk", "identifier", "institution__code", "kind"
            )
        )
    print(
        f"  {len(images)} images, {withdrawn.count()} deleted records"
        f" in {time.perf_counter() - started:.1f} s"
    )


def harvest(prefix: str, samples: int, expected_pages: int) -> Row:
    from django.db import connection
    from django.test import Client

    client = Client()
    row = Row(prefix)
    traced = {round(i * (expected_pages - 1) / max(samples - 1, 1)) + 1 for i in range(samples)}
    count = {"queries": 0}
    # One persistent connection, as a production worker keeps: otherwise the queries that
    # open a new one would be counted on whichever page the old one expired.
    connection.settings_dict["CONN_MAX_AGE"] = None

    def counter(execute, sql, params, many, context):
        count["queries"] += 1
        return execute(sql, params, many, context)

    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    with connection.execute_wrapper(counter):
        while True:
            page = row.pages + 1
            if page in traced:
                tracemalloc.start()
            count["queries"] = 0
            started = time.perf_counter()
            response = client.get("/oai/", params)
            elapsed = time.perf_counter() - started
            if page in traced:
                row.memory[page] = tracemalloc.get_traced_memory()[1] / 1024
                tracemalloc.stop()
            else:
                row.seconds += elapsed
                row.page_ms.append(elapsed * 1000)
            body = response.content
            assert response.status_code == 200 and b"<error" not in body, body[:300]
            row.pages = page
            row.records += body.count(RECORD)
            row.queries.append(count["queries"])
            token = TOKEN.search(body)
            if not token or not token.group(1):
                break
            params = {"verb": "ListRecords", "resumptionToken": token.group(1).decode()}
    # Traced pages are left out of the timing; count their records at the mean rate.
    timed_pages = len(row.page_ms)
    if timed_pages:
        row.seconds *= row.pages / timed_pages
    return row


def profile(prefix: str, pages: int) -> None:
    """CPU time (this process: the view, the ORM and the XML; not PostgreSQL's) per record
    over `pages` pages after a first one (imports, caches), and the functions it goes to.
    Machine load hardly changes CPU time, unlike wall time."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    params = {"verb": "ListRecords", "metadataPrefix": prefix}

    def fetch(params):
        body = client.get("/oai/", params).content
        token = TOKEN.search(body)
        if not token or not token.group(1):
            return body.count(RECORD), None
        return body.count(RECORD), {"verb": "ListRecords", "resumptionToken": token[1].decode()}

    _records, params = fetch(params)
    profiler = cProfile.Profile(time.process_time)
    records, cpu = 0, 0.0
    for _page in range(pages):
        if params is None:
            break
        started = time.process_time()
        profiler.enable()
        found, params = fetch(params)
        profiler.disable()
        cpu += time.process_time() - started
        records += found
    print(
        f"\n{prefix}: {records:,} records in {cpu:.2f} s of CPU:"
        f" {cpu * 1000 / max(records, 1):.3f} ms per record,"
        f" {records / cpu if cpu else 0:,.0f} records/s of CPU"
    )
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def print_table(rows: list[Row], args, public: int, deleted: int) -> None:
    print()
    print(
        f"OAI-PMH ListRecords, {args.items:,} items generated ({public:,} public,"
        f" {deleted:,} deleted records), {args.page_size} records a page, PostgreSQL"
    )
    header = (
        f"{'format':<8} {'records':>8} {'pages':>6} {'records/s':>10} {'page p50 ms':>12}"
        f" {'page p95 ms':>12} {'queries x pages':>16} {'peak KiB per traced page':<40}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ms = sorted(row.page_ms)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))] if ms else 0
        counts = Counter(row.queries)
        queries = " ".join(f"{n}x{times}" for n, times in sorted(counts.items()))
        memory = " ".join(f"p{page}:{kib:,.0f}" for page, kib in sorted(row.memory.items()))
        print(
            f"{row.prefix:<8} {row.records:>8,} {row.pages:>6} {row.rate:>10,.0f}"
            f" {statistics.median(ms) if ms else 0:>12.1f} {p95:>12.1f} {queries:>16}"
            f" {memory:<40}"
        )
    print(
        "records/s: whole harvest, traced pages excluded; queries x pages: how many pages made"
        " that many SQL queries (the first page also counts the list);\npeak KiB: memory"
        " allocated while answering that page (first, last and pages between)."
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    rows: list[Row] = []
    with services(["database"]):
        setup_django()
        try:
            from django.conf import settings

            from archive.models import ArchiveItem
            from opendata.models import ExposedItem

            generate(args.items, rng)
            dress(rng)
            settings.OAI_PAGE_SIZE = args.page_size
            settings.ALLOWED_HOSTS = ["testserver"]
            public = ArchiveItem.objects.public().count()
            deleted = ExposedItem.objects.count()
            pages = -(-(public + deleted) // args.page_size)
            for prefix in args.formats:
                if args.profile:
                    profile(prefix, args.profile)
                    continue
                print(f"  harvesting {prefix}...", flush=True)
                rows.append(harvest(prefix, args.samples, pages))
        finally:
            cleanup_django()
    if rows:
        print_table(rows, args, public, deleted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
