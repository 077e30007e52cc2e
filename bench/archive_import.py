"""Benchmark the bulk import of archive items (archive/importing/), and the 1 GiB presigned
upload of bench/archive_upload.py.

    .venv/bin/python bench/archive_import.py              # SQLite, about 3 minutes
    .venv/bin/python bench/archive_import.py --postgres   # a throwaway PostgreSQL cluster

Each measurement runs in a process of its own, so that its peak RSS is its own: 10,000
metadata-only rows, the same file again (every row unchanged: half found by inventory number,
half by values), 200 real JPEG photos in a ZIP, and the 1 GiB upload when its benchmark
exists. Times exclude Django setup. Targets: at least 300 items/s for metadata-only rows; RSS
growth under 50 MB for the 1 GB upload. Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSON_MARK = "BENCH-JSON "
PHASE = "_phase"
CODE = "BENCH"
UPLOAD_BENCH = ROOT / "bench" / "archive_upload.py"
TRADES = ("mineur-de-fond", "Porion", "tisserand", "Verrier", "Glasbläser", "fondeur")
COMMUNES = ("Lens", "Roubaix", "Esch-sur-Alzette", "Charleroi", "Oignies", "Fourmies")


class BenchError(Exception):
    pass


# --- Input files -------------------------------------------------------------------------------


def metadata_rows(count: int) -> list[dict]:
    """Rows of every kind and most columns, without media; deterministic."""
    rng = random.Random(1950)
    kinds = ("photo", "oral_history", "savoir_faire")
    rows = []
    for n in range(count):
        kind = kinds[n % 3]
        first = 1880 + rng.randrange(120)
        row = {
            # Half the rows carry a museum's inventory number (found again exactly), half none
            # (found again by their values).
            "inventory_number": f"{1990 + n % 30}.{n:05d}" if n % 2 == 0 else "",
            "kind": kind,
            "title": f"Fiche {n:05d} – {rng.choice(COMMUNES)}",
            "summary": "Un moment de travail au carreau, raconté par ceux qui y étaient.",
            "description": "Description détaillée de la fiche. " * rng.randrange(1, 6),
            "trades": "|".join(rng.sample(TRADES, 2)),
            "tags": f"lot-{n % 40}|patrimoine",
            "commune": rng.choice(COMMUNES),
            "region": "Hauts-de-France",
            "country": "FR",
            "latitude": f"{50 + rng.random():.5f}",
            "longitude": f"{2 + rng.random():.5f}",
            "date": f"c. {first}–{first + rng.randrange(1, 15)}",
            "rights": rng.choice(("cc-by-4.0", "cc-by-sa-4.0", "inc")),
            "credit_line": "Coll. banc d'essai",
            "access": "public",
            "narrators": "Jeannine D." if kind == "oral_history" else "",
            "language": "fr" if kind == "oral_history" else "",
            "techniques": "Ourdissage|Tissage" if kind == "savoir_faire" else "",
        }
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fileobj:
        writer = csv.DictWriter(fileobj, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def photos_zip(path: Path, count: int) -> list[dict]:
    """`count` JPEG photos in a ZIP (stored: JPEG does not compress) and their rows."""
    from PIL import Image, ImageDraw

    rng = random.Random(1954)
    rows = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for n in range(count):
            image = Image.effect_noise((640, 480), 40).convert("RGB")
            draw = ImageDraw.Draw(image)
            draw.rectangle((rng.randrange(300), rng.randrange(200), 600, 440), outline=(n, 90, 60))
            data = io.BytesIO()
            image.save(data, "JPEG", quality=80)
            name = f"photos/cliche-{n:03d}.jpg"
            archive.writestr(name, data.getvalue())
            rows.append(
                {
                    "kind": "photo",
                    "title": f"Cliché {n:03d}",
                    "trades": rng.choice(TRADES),
                    "media": name,
                    "captions": f"Vue {n}",
                }
            )
    return rows


# --- Phases (each in a fresh process) ----------------------------------------------------------


def _rss_now() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _phase(csv_path: str, media_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from wagtail.models import Locale

    from archive import services
    from archive.importing import import_items, media_source
    from archive.models import Institution, Member
    from archive.vocabulary import ensure_trades

    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    ensure_trades()
    institution = Institution.objects.filter(code=CODE).first()
    if institution is None:
        member = Member.objects.create(
            name="Banc d'essai", slug="banc-essai", commune="Lens", region="Hauts-de-France"
        )
        institution = services.institution_setup(member=member, code=CODE)
    data = Path(csv_path).read_bytes()
    rss_before = _rss_now()
    with media_source(media_path or None) as media:
        began = time.perf_counter()
        report = import_items(csv_data=data, media=media, institution=institution)
        seconds = time.perf_counter() - began
    if report.errors:
        raise SystemExit(f"import refused: {report.errors[:5]}")
    print(
        JSON_MARK
        + json.dumps(
            {
                "rows": report.rows,
                "created": report.created,
                "unchanged": report.unchanged,
                "photos": report.photos_stored,
                "seconds": seconds,
                "rss_before": rss_before,
                # Linux reports KiB: the process's peak, Django setup included.
                "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
    )


def _upload_phase(size: int) -> None:
    sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("archive_upload_bench", UPLOAD_BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(JSON_MARK + json.dumps(module.run(size)))


# --- Orchestration -----------------------------------------------------------------------------


def run_phase(args: list[str], env: dict[str, str], what: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n{tail}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(JSON_MARK):
            return json.loads(line[len(JSON_MARK) :])
    raise BenchError(f"{what}: no result line in its output:\n{proc.stdout[-2000:]}")


def mb(value: int | float) -> str:
    return f"{value / 1e6:.0f} MB"


def table(rows: list[list[str]]) -> str:
    head = ["measure", "amount", "seconds", "rate", "peak RSS", "note"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(r) for r in rows)])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="metadata rows (10,000)")
    parser.add_argument("--photos", type=int, default=200, help="photos (200)")
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite"
    )
    parser.add_argument(
        "--upload-size", type=int, default=1024**3, help="bytes for the upload row (1 GiB)"
    )
    parser.add_argument("--no-upload", action="store_true", help="skip the upload row")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="fabrique-bench-import-"))
    server = None
    try:
        if args.postgres:
            from tests.services.postgres import make_server

            server = make_server()
            database_url = server.start()
            database = f"PostgreSQL {server.server_version} (throwaway cluster)"
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            database = "SQLite (throwaway file)"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(tmp / "media"),
            # DEBUG keeps every query in memory: it would be measured as the import's.
            DEBUG="False",
        )
        print(f"database: {database}; migrating…", flush=True)
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if migrate.returncode != 0:
            raise BenchError(f"migrate failed:\n{migrate.stderr[-2000:]}")

        print(f"generating {args.rows} rows and {args.photos} photos…", flush=True)
        metadata = tmp / "metadata.csv"
        write_csv(metadata, metadata_rows(args.rows))
        photos_archive = tmp / "photos.zip"
        photos = tmp / "photos.csv"
        write_csv(photos, photos_zip(photos_archive, args.photos))

        rows = []
        for label, csv_path, media, key in (
            ("metadata rows", metadata, "", "created"),
            ("same file again (unchanged)", metadata, "", "unchanged"),
            ("photo rows (JPEG in a ZIP)", photos, str(photos_archive), "created"),
        ):
            print(f"importing: {label}…", flush=True)
            result = run_phase([PHASE, str(csv_path), media], env, label)
            rate = result["rows"] / result["seconds"]
            note = f"{result[key]} {key}"
            if result["photos"]:
                note += f", {result['photos']} photos stored"
            rows.append(
                [
                    label,
                    f"{result['rows']:,} items",
                    f"{result['seconds']:.1f}",
                    f"{rate:,.0f} items/s",
                    mb(result["rss_peak"]),
                    note,
                ]
            )

        if args.no_upload:
            rows.append(["1 GiB presigned upload", "-", "-", "-", "-", "skipped (--no-upload)"])
        elif not UPLOAD_BENCH.exists():
            rows.append(
                ["presigned upload", "-", "-", "-", "-", "bench/archive_upload.py not found"]
            )
        else:
            print("uploading through the presigned POST (bench/archive_upload.py)…", flush=True)
            upload_env = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
            try:
                up = run_phase(["_upload", str(args.upload_size)], upload_env, "upload")
            except BenchError as error:
                print(f"bench/archive_upload.py failed:\n{error}", file=sys.stderr)
                last = str(error).strip().splitlines()[-1]
                rows.append(["presigned upload", "-", "-", "-", "-", f"failed: {last}"[:120]])
            else:
                rows.append(
                    [
                        "presigned upload + completion",
                        f"{up['size_bytes'] / 1024**2:,.0f} MiB",
                        f"{up['upload_seconds'] + up['complete_seconds']:.1f}",
                        f"{up['complete_mb_s']:.0f} MB/s completion",
                        mb(up["rss_peak"]),
                        f"RSS growth {up['rss_growth'] / 1e6:.1f} MB (target < 50 MB)",
                    ]
                )
    except BenchError as error:
        print(f"bench/archive_import.py: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(
        f"{database}; config.settings.dev with DEBUG off; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; peak RSS: whole import process, Django included"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == PHASE:
        _phase(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_upload":
        _upload_phase(int(sys.argv[2]))
    else:
        sys.path.insert(0, str(ROOT))
        sys.exit(main(sys.argv[1:]))
