"""Benchmark the main public pages under gunicorn with production settings.

Run from the project root:  .venv/bin/python bench/pages.py   (see bench/README.md)

Steps: migrate and load the demo content into the current database, collect static files into a
temporary STATIC_ROOT, start gunicorn on a free loopback port, find one URL per page type through
Wagtail, warm up, load each URL with wrk (or locust), count SQL queries per request with Django's
test client, print a table, and stop gunicorn whatever happens.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# (key, label, model in the home app). The first page of each type in the chosen language is used.
PAGES = [
    ("home", "home", "HomePage"),
    ("news_index", "news index", "NewsIndexPage"),
    ("news_page", "news page", "NewsPage"),
    ("event_page", "event page", "EventPage"),
    ("members", "member directory", "MemberDirectoryPage"),
]

# Any query string keeps a request out of the page cache (home/pagecache/): the page rows are
# measured uncached with this one, the `home (cached)` row without it.
UNCACHED = "?nocache=bench"
# A minimal Django view behind the same middleware, enabled by BENCH_BARE_VIEW (config/urls.py):
# the framework's limit on this machine.
BARE_PATH = "/bench/bare/"
# The archive search page with a query, measured like the pages.
SEARCH_PATH = "/{lang}/search/?q=tissage"

# Sub-commands the script runs in its own subprocesses (each needs a fresh Django setup).
DISCOVER = "_discover"
QUERIES = "_queries"
JSON_MARK = "BENCH-JSON "


@dataclass
class Row:
    """One line of the result table."""

    page: str
    url: str | None
    status: int | None = None
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    queries: int | None = None
    errors: int | None = None
    note: str = ""


class BenchError(Exception):
    """A step failed; the message says which and why."""


# --- subprocess helpers ----------------------------------------------------------------------


def run(cmd: list[str], env: dict[str, str], what: str, tail_lines: int = 12) -> str:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-tail_lines:])
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n{textwrap.indent(tail, '  ')}")
    return proc.stdout


def json_from(output: str) -> dict:
    # Django or the project may print to stdout during setup; only the marked line is ours.
    for line in reversed(output.splitlines()):
        if line.startswith(JSON_MARK):
            return json.loads(line[len(JSON_MARK) :])
    raise BenchError(f"no result line in subprocess output:\n{output[-2000:]}")


def dev_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    env["BENCH_BARE_VIEW"] = "True"
    return env


def production_env(static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on the loopback: no redirect to HTTPS, no HSTS.
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        BENCH_BARE_VIEW="True",
    )
    return env


# --- steps -------------------------------------------------------------------------------------


def prepare_database(skip_load: bool) -> str:
    run([sys.executable, "manage.py", "migrate", "--noinput"], dev_env(), "migrate")
    if skip_load:
        return "demo content: not loaded (--no-load)"
    try:
        run([sys.executable, "manage.py", "load_demo"], dev_env(), "load_demo", tail_lines=1)
    except BenchError as exc:
        # The pages are still measured (and may 404): the table shows what the site serves.
        return f"demo content: WARNING, {exc}"
    return "demo content: loaded (manage.py load_demo)"


def collect_static(env: dict[str, str]) -> None:
    run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env,
        "collectstatic (production settings)",
    )


def discover_urls(lang: str) -> dict[str, str | None]:
    out = run([sys.executable, __file__, DISCOVER, lang], dev_env(), "URL discovery")
    return json_from(out)


def count_queries(urls: list[str]) -> dict[str, dict]:
    out = run([sys.executable, __file__, QUERIES, *urls], dev_env(), "query count")
    return json_from(out)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_tool(name: str) -> str | None:
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


@contextmanager
def gunicorn(env: dict[str, str], workers: int, tmp: Path) -> Iterator[str]:
    """Run gunicorn for the duration of the block; yield its base URL."""
    exe = find_tool("gunicorn")
    if exe is None:
        raise BenchError("gunicorn not found next to this Python nor on PATH")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "gunicorn.log"
    cmd = [
        exe,
        "config.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        # Two gunicorns (two benches, or a developer's server) would share the default socket.
        "--no-control-socket",
        "--worker-tmp-dir",
        str(tmp),
        "--graceful-timeout",
        "5",
    ]
    with log_path.open("w") as log:
        # A session of its own, so that stopping the group reaches the workers as well.
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(proc, base, log_path)
        yield base
    finally:
        stop(proc)


def wait_ready(proc: subprocess.Popen, base: str, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{log_tail(log_path)}")
        if fetch_status(base + "/robots.txt", timeout=2) == 200:
            return
        time.sleep(0.2)
    raise BenchError(f"gunicorn not ready after {timeout:.0f} s:\n{log_tail(log_path)}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    # The master stops its workers on SIGTERM; SIGKILL on the group if it lingers.
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "  (no log)"
    return textwrap.indent("\n".join(text.strip().splitlines()[-lines:]), "  ")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch_status(url: str, timeout: float = 30) -> int | None:
    """Status code of one GET, redirects not followed; None when nothing answered."""
    try:
        with _opener.open(url, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


# --- load tools --------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> dict:
    """Requests/s, p50, p99 (ms), request count and errors from `wrk --latency` output."""

    def latency(pct: str) -> float | None:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        return float(m.group(1)) * _UNIT_MS[m.group(2)] if m else None

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if rps is None or total is None:
        raise BenchError(f"unexpected wrk output:\n{output}")
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(n) for n in sock.groups())
    return {
        "rps": float(rps.group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": int(total.group(1)),
        "errors": errors,
    }


def run_wrk(wrk: str, url: str, threads: int, connections: int, seconds: int) -> dict:
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if out.returncode != 0:
        raise BenchError(f"wrk failed (exit {out.returncode}): {out.stderr.strip()}")
    return parse_wrk(out.stdout)


LOCUSTFILE = """
import os
from locust import FastHttpUser, constant, task


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        self.client.get(os.environ["BENCH_PATH"])
"""


def parse_locust_csv(path: Path) -> dict:
    with path.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("Name") == "Aggregated"]
    if not rows:
        raise BenchError(f"no Aggregated row in {path}")
    r = rows[0]
    return {
        "rps": float(r["Requests/s"]),
        "p50_ms": float(r["50%"]),
        "p99_ms": float(r["99%"]),
        "requests": int(r["Request Count"]),
        "errors": int(r["Failure Count"]),
    }


def run_locust(locust: str, base: str, path: str, users: int, seconds: int, tmp: Path) -> dict:
    locustfile = tmp / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    prefix = tmp / "locust"
    cmd = [
        locust,
        "-f",
        str(locustfile),
        "--headless",
        "--host",
        base,
        "-u",
        str(users),
        "-r",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
    ]
    env = dict(os.environ, BENCH_PATH=path)
    out = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise BenchError(f"locust failed (exit {out.returncode}): {out.stderr.strip()[-1500:]}")
    return parse_locust_csv(stats)


# --- output ------------------------------------------------------------------------------------


def fmt(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def table(rows: list[Row]) -> str:
    head = ["page", "URL", "status", "req/s", "p50 ms", "p99 ms", "SQL/request", "errors", "note"]
    body = [
        [
            r.page,
            r.url or "-",
            fmt(r.status),
            fmt(r.rps),
            fmt(r.p50_ms, 2),
            fmt(r.p99_ms, 2),
            fmt(r.queries),
            fmt(r.errors),
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(b) for b in body)])


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lang", default="fr", help="language of the pages (default: fr)")
    p.add_argument("--duration", type=int, default=10, help="seconds per URL (default: 10)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    p.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    p.add_argument("--warmup", type=int, default=20, help="GETs per URL before measuring (20)")
    p.add_argument("--tool", choices=["auto", "wrk", "locust"], default="auto")
    p.add_argument("--no-load", action="store_true", help="skip manage.py load_demo")
    p.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="measure this path too (or instead of the discovered page with the same label)",
    )
    p.add_argument(
        "--only-url", action="store_true", help="measure only the --url paths, skip discovery"
    )
    p.add_argument("--json", type=Path, help="also write the results to this JSON file")
    return p.parse_args(argv)


def pick_tool(choice: str) -> tuple[str, str]:
    wrk, locust = find_tool("wrk"), find_tool("locust")
    if choice in ("auto", "wrk") and wrk:
        return "wrk", wrk
    if choice in ("auto", "locust") and locust:
        return "locust", locust
    raise BenchError(
        "no load tool: install wrk (`apt-get install -y wrk`, preferred) or put locust on PATH "
        "(`pip install locust` in a separate virtualenv)"
    )


def targets(args: argparse.Namespace, rows: list[Row]) -> list[Row]:
    if not args.only_url:
        found = discover_urls(args.lang)
        home = found.get("home") or f"/{args.lang}/"
        for key, label, _model in PAGES:
            url = home if key == "home" else found.get(key)
            rows.append(
                Row(
                    page=label,
                    url=url + UNCACHED if url else None,
                    note="" if url else "no such page",
                )
            )
        rows.append(Row(page="search", url=SEARCH_PATH.format(lang=args.lang)))
        rows.append(Row(page="home (cached)", url=home))
        rows.append(Row(page="bare view", url=BARE_PATH))
    for spec in args.url:
        label, sep, path = spec.partition("=")
        if not sep or not path.startswith("/"):
            raise BenchError(f"--url expects LABEL=/path/, got {spec!r}")
        rows[:] = [r for r in rows if r.page != label]
        rows.append(Row(page=label, url=path))
    return rows


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    tool_name, tool = pick_tool(args.tool)
    rows: list[Row] = []
    server_log = ""
    tmp = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
    try:
        print(prepare_database(args.no_load), flush=True)
        env = production_env(tmp / "static")
        collect_static(env)
        targets(args, rows)
        measured = [r for r in rows if r.url]
        with gunicorn(env, args.workers, tmp) as base:
            for r in measured:
                r.status = fetch_status(base + r.url)
            for r in measured:
                if r.status != 200:
                    r.note = r.note or "not measured: not 200"
                    continue
                for _ in range(args.warmup):
                    fetch_status(base + r.url)
                if tool_name == "wrk":
                    res = run_wrk(tool, base + r.url, args.threads, args.connections, args.duration)
                else:
                    res = run_locust(tool, base, r.url, args.connections, args.duration, tmp)
                r.rps, r.p50_ms, r.p99_ms, r.errors = (
                    res["rps"],
                    res["p50_ms"],
                    res["p99_ms"],
                    res["errors"],
                )
                print(f"measured {r.page}: {r.rps:.1f} req/s", flush=True)
            server_log = log_tail(tmp / "gunicorn.log", lines=10)
        if measured:
            counts = count_queries([r.url for r in measured])
            for r in measured:
                c = counts.get(r.url, {})
                r.queries = c.get("queries")
                if c.get("status") not in (None, r.status):
                    r.note = (r.note + f"; dev status {c['status']}").lstrip("; ")
    except BenchError as exc:
        print(f"bench/pages.py: {exc}", file=sys.stderr)
        if rows:
            print(table(rows))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    load = (
        f"wrk {args.threads} threads, {args.connections} connections"
        if tool_name == "wrk"
        else f"locust {args.connections} users"
    )
    print(
        f"{load}, {args.duration} s per URL; "
        f"gunicorn {args.workers} sync workers, config.settings.production; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        "SQL/request: 2nd request, Django test client, config.settings.dev"
    )
    print(table(rows))
    by_page = {r.page: r for r in rows}
    cached, bare = by_page.get("home (cached)"), by_page.get("bare view")
    if cached and bare and cached.rps and bare.rps:
        print(f"\nhome (cached) / bare view: {cached.rps / bare.rps:.2f}x (target >= 0.9x)")
    if any(r.status and r.status >= 500 for r in rows) and server_log.strip():
        print("\nlast lines of the gunicorn log:\n" + server_log)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    return 0


# --- subprocess entry points (Django set up from scratch) --------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _discover(lang: str) -> None:
    _setup_django()
    from django.apps import apps

    found: dict[str, str | None] = {}
    for key, _label, model_name in PAGES:
        try:
            model = apps.get_model("home", model_name)
        except LookupError:
            found[key] = None
            continue
        page = (
            model.objects.live()
            .public()
            .filter(locale__language_code=lang)
            .order_by("-first_published_at", "path")
            .first()
        )
        parts = page.get_url_parts() if page else None
        found[key] = parts[2] if parts else None
    print(JSON_MARK + json.dumps(found))


def _queries(urls: list[str]) -> None:
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    # A page that fails should show up in the table, not abort the count for the others.
    client = Client(raise_request_exception=False)
    result = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for url in urls:
            client.get(url)  # first request fills caches (site root paths, renditions...)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            result[url] = {"status": response.status_code, "queries": len(ctx)}
    print(JSON_MARK + json.dumps(result))


def _entry() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == DISCOVER:
        _discover(sys.argv[2])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == QUERIES:
        _queries(sys.argv[2:])
        return 0

    # A SIGTERM (CI timeout, kill) unwinds like Ctrl-C, so gunicorn is stopped in `finally`.
    def on_term(signum, frame):
        print(f"bench/pages.py: stopped by signal {signum}", file=sys.stderr)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        return main(sys.argv[1:])
    except BenchError as exc:
        print(f"bench/pages.py: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_entry())
