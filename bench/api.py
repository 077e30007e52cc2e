"""Benchmark the open API: `items/` against the search engine's own query, and the heritage
map's viewports (`map/`), on PostgreSQL with 100,000 items and 400 event sites.

Run from the project root:  .venv/bin/python bench/api.py   (see bench/README.md)

Steps: start a throwaway PostgreSQL (tests/servers/postgres.py), migrate, generate the synthetic
archive of bench/search.py (its `generate`), index it with the database engine, add a site tree
with 400 event sites of upcoming open-factory days and extra members; then
1. `items/`: each query through Django's test client (middleware, parameter reading, engine,
   selectors, JSON), and right after it the same ArchiveQuery straight to the engine
   (`get_engine().search()`), so that both meet the same load;
2. `map/`: viewports of a 1280×800 map at zooms 5 to 15 over the network's towns, all three
   layers: time and size of each answer.
Prints a table; stops PostgreSQL whatever happens.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/search.py's services, Django setup and synthetic archive (bench/ is not a package, and
# `search` is the name of our app).
_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench_search = importlib.util.module_from_spec(_spec)
sys.modules["bench_search"] = bench_search  # its dataclasses look their module up
_spec.loader.exec_module(bench_search)

ITEMS_RATIO_TARGET = 1.2
MAP_KB_TARGET = 300
MAP_MS_TARGET = 150
MAP_WIDTH, MAP_HEIGHT = 1280, 800  # pixels of the map page's viewport


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="items to generate")
    parser.add_argument("--sites", type=int, default=400, help="event sites on the map")
    parser.add_argument("--members", type=int, default=200, help="members added on the map")
    parser.add_argument("--queries", type=int, default=300, help="items/ queries")
    parser.add_argument("--viewports", type=int, default=200, help="map/ viewports")
    parser.add_argument("--seed", type=int, default=4, help="random seed")
    return parser.parse_args(argv)


def add_map_content(sites: int, members: int, rng: random.Random) -> None:
    """Members and event sites spread over the network's towns, as the map page shows them."""
    from archive.models import Member
    from home.models import EventSite
    from tests.factories.pages import (
        EventIndexPageFactory,
        EventPageFactory,
        in_days,
    )
    from tests.factories.sites import build_site_tree

    tree = build_site_tree()
    agenda = EventIndexPageFactory(parent=tree.home, title="Agenda", slug="agenda")
    pages = [
        EventPageFactory(
            parent=agenda, title=f"Journées portes ouvertes {n}", start=in_days(20 + n)
        )
        for n in range(4)
    ]

    def near(place):
        _commune, _region, _country, lat, lon = place
        return (
            Decimal(str(round(lat + rng.uniform(-0.1, 0.1), 6))),
            Decimal(str(round(lon + rng.uniform(-0.15, 0.15), 6))),
        )

    rows = []
    for n in range(sites):
        place = rng.choice(bench_search.PLACES)
        latitude, longitude = near(place)
        page = pages[n % len(pages)]
        rows.append(
            EventSite(
                page=page,
                locale_id=page.locale_id,
                name=f"Usine ouverte n° {n} à {place[0]}",
                commune=place[0],
                address="1 rue de l'Usine",
                latitude=latitude,
                longitude=longitude,
                sort_order=n,
            )
        )
    EventSite.objects.bulk_create(rows)
    extra = []
    for n in range(members):
        place = rng.choice(bench_search.PLACES)
        latitude, longitude = near(place)
        extra.append(
            Member(
                name=f"Membre du réseau n° {n}",
                slug=f"membre-reseau-{n}",
                commune=place[0],
                region=place[1],
                country=place[2],
                latitude=latitude,
                longitude=longitude,
            )
        )
    Member.objects.bulk_create(extra)


def api_queries(count: int, rng: random.Random, data: dict) -> list[dict]:
    """items/ parameters like a client's: words, facets, viewports, periods, later pages."""
    words = ["tisserand", "mineur", "verre", "grève", "fosse", "machines", "charbon", "usine"]
    slugs = [trade.slug for trade in data["trades"]]
    tags = [tag.slug for tag in data["tags"]]
    queries = []
    for _ in range(count):
        params: dict = {"lang": rng.choice(["fr", "fr", "en", "de", "nl"])}
        shape = rng.choices(
            ["text", "text+facet", "facets", "bbox", "mixed"], [30, 20, 20, 20, 10]
        )[0]
        if shape in ("text", "text+facet", "mixed"):
            params["text"] = rng.choice(words)
        if shape in ("text+facet", "facets", "mixed"):
            choice = rng.choice(["trade", "kind", "period", "tag", "institution"])
            if choice == "trade":
                params["trade"] = rng.choice(slugs)
            elif choice == "kind":
                params["kind"] = rng.choice(["photo", "oral_history", "savoir_faire"])
            elif choice == "period":
                start = rng.randrange(1860, 2000, 10)
                params["period"] = f"{start}-{start + rng.choice([9, 19, 49])}"
            elif choice == "tag":
                params["tag"] = rng.choice(tags)
            else:
                params["institution"] = rng.choice(data["institutions"])
        if shape in ("bbox", "mixed"):
            _commune, _region, _country, lat, lon = rng.choice(bench_search.PLACES)
            half = rng.choice([0.05, 0.2, 0.8, 2.5])
            params["bbox"] = f"{lat - half},{lon - half * 1.5},{lat + half},{lon + half * 1.5}"
        if shape == "mixed":
            params.update(
                page=rng.randint(2, 5), sort=rng.choice(["relevance", "newest", "oldest"])
            )
        queries.append(params)
    return queries


def viewports(count: int, rng: random.Random) -> list[dict]:
    """A 1280×800 map centred on one of the towns, at zoom 5 (the whole network) to 15."""
    result = []
    for _ in range(count):
        _commune, _region, _country, lat, lon = rng.choice(bench_search.PLACES)
        zoom = rng.randint(5, 15)
        width = MAP_WIDTH / 256 * 360 / 2**zoom
        height = width * MAP_HEIGHT / MAP_WIDTH * 0.65  # degrees of latitude at ~50° N
        box = (
            max(-85.0, lat - height / 2),
            max(-180.0, lon - width / 2),
            min(85.0, lat + height / 2),
            min(180.0, lon + width / 2),
        )
        result.append({"bbox": ",".join(f"{v:.5f}" for v in box), "zoom": zoom})
    return result


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def measure_items(client, queries: list[dict]) -> tuple[list[float], list[float], int]:
    """items/ end to end, then the engine's own query for the same parameters (read into an
    ArchiveQuery as the endpoint does, outside the timing)."""
    from django.utils import translation

    from opendata.api.queries import ItemsParameters, items_query
    from search.engines import get_engine

    engine = get_engine()
    api_ms, engine_ms, errors = [], [], 0
    for params in queries:
        started = time.perf_counter()
        response = client.get(f"/api/v1/items/?{urlencode(params)}")
        api_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            errors += 1
        fields = {
            name: (value,) if name in ("trade", "kind", "institution", "tag") else value
            for name, value in params.items()
        }
        with translation.override(params["lang"]):
            asked, _errors = items_query(ItemsParameters(**fields))
        if asked is None:
            continue
        started = time.perf_counter()
        engine.search(asked.query)
        engine_ms.append((time.perf_counter() - started) * 1000)
    return api_ms, engine_ms, errors


def measure_map(client, boxes: list[dict]) -> tuple[list[float], list[float], list[int], int]:
    times, sizes, features, errors = [], [], [], 0
    for params in boxes:
        started = time.perf_counter()
        response = client.get(f"/api/v1/map/?{urlencode(params)}")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            errors += 1
            continue
        sizes.append(len(response.content) / 1024)
        features.append(response.content.count(b'"Feature"'))
    return times, sizes, features, errors


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with bench_search.services(["database"]):
        bench_search.setup_django()
        try:
            data = bench_search.generate(args.items, rng)
            from django.db import connection
            from django.test import Client

            from search.engines import get_engine

            started = time.perf_counter()
            get_engine().rebuild()
            print(f"  indexed in {time.perf_counter() - started:.1f} s")
            add_map_content(args.sites, args.members, rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            queries = api_queries(args.queries, random.Random(args.seed + 1), data)
            measure_items(client, queries[:20])  # warm-up: caches, connections, plans
            api_ms, engine_ms, item_errors = measure_items(client, queries)
            boxes = viewports(args.viewports, random.Random(args.seed + 2))
            measure_map(client, boxes[:20])
            map_ms, map_kb, map_features, map_errors = measure_map(client, boxes)
            whole = measure_map(client, [{"zoom": 5}, {}])
        finally:
            bench_search.cleanup_django()
    ratio = p(api_ms, 95) / p(engine_ms, 95)
    print()
    print(
        f"open API, {args.items:,} items, {args.sites} event sites, PostgreSQL "
        f"({datetime.date.today().isoformat()})"
    )
    print(f"{'measure':<34}{'n':>6}{'p50':>10}{'p95':>10}{'max':>10}  target")
    print("-" * 82)
    print(
        f"{'items/ end to end (ms)':<34}{len(api_ms):>6}{p(api_ms, 50):>10.1f}"
        f"{p(api_ms, 95):>10.1f}{max(api_ms):>10.1f}"
    )
    print(
        f"{'engine.search(), same queries (ms)':<34}{len(engine_ms):>6}{p(engine_ms, 50):>10.1f}"
        f"{p(engine_ms, 95):>10.1f}{max(engine_ms):>10.1f}"
    )
    target = f"≤ {ITEMS_RATIO_TARGET}"
    print(f"{'items/ p95 ÷ engine p95':<34}{'':>6}{'':>10}{ratio:>10.2f}{'':>10}  {target}")
    print(
        f"{'map/ viewport (ms)':<34}{len(map_ms):>6}{p(map_ms, 50):>10.1f}"
        f"{p(map_ms, 95):>10.1f}{max(map_ms):>10.1f}  p95 ≤ {MAP_MS_TARGET}"
    )
    print(
        f"{'map/ viewport size (KB)':<34}{len(map_kb):>6}{p(map_kb, 50):>10.1f}"
        f"{p(map_kb, 95):>10.1f}{max(map_kb):>10.1f}  < {MAP_KB_TARGET}"
    )
    print(
        f"{'map/ features per viewport':<34}{len(map_features):>6}{p(map_features, 50):>10.0f}"
        f"{p(map_features, 95):>10.0f}{max(map_features):>10.0f}"
    )
    whole_ms, whole_kb, _features, _errors = whole
    print(
        f"{'map/ whole network, zoom 5 / none':<34}{2:>6}{'':>10}"
        f"{max(whole_ms):>10.1f}{max(whole_kb):>10.1f}  (ms, KB)"
    )
    if item_errors or map_errors:
        print(f"errors: items/ {item_errors}, map/ {map_errors} (non-200 answers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
