"""pytest plugin: a real PostgreSQL for the whole run, started before Django reads its settings.

Loaded with `-p tests.pg_plugin` (pyproject addopts). It must be a plugin, not tests/conftest.py:
pytest-django imports the settings and calls django.setup() in its own
`pytest_load_initial_conftests`, before any conftest.py is imported, and config.settings.test
reads DATABASE_URL at import time. This hook runs first (tryfirst) and sets DATABASE_URL.

- DATABASE_URL already set: used as is, nothing is started (a developer's own server, or an
  xdist worker inheriting the URL of the server its controller started).
- Otherwise a throwaway server is started (tests/servers/postgres.py) and removed at the end:
  in pytest_unconfigure (also reached after Ctrl-C), at interpreter exit (atexit), and on
  SIGTERM/SIGHUP (CI timeouts, closed terminals) from the signal handler itself. A run killed with
  SIGKILL leaves a cluster behind; the next run removes it.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

import pytest

from tests.servers.postgres import PostgresUnavailable, ThrowawayServer, make_server

# Collection only (IDEs run it on every save): nothing talks to the database, so no server is
# started; this address refuses connections should anything try.
COLLECT_ONLY_URL = "postgres://unused@127.0.0.1:9/fabrique_collect_only"

_server: ThrowawayServer | None = None
_header: list[str] = []


def _stop_server(*, close_connections: bool = True) -> None:
    global _server
    server, _server = _server, None
    if server is None:
        return
    if close_connections and "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    server.stop()


def _stop_and_die(signum, frame):
    # An exception raised from a signal handler can land in a finalizer and be swallowed, so
    # the server is removed right here; open connections are cut by the forced shutdown.
    _stop_server(close_connections=False)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _stop_and_die)


def _describe_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}{parts.path}"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _server
    options = early_config.known_args_namespace
    if getattr(options, "help", False) or getattr(options, "version", 0):
        return
    if os.environ.get("DATABASE_URL"):
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            _header.append(
                f"postgresql: DATABASE_URL from the environment "
                f"({_describe_url(os.environ['DATABASE_URL'])}), nothing started"
            )
        return
    if getattr(options, "collectonly", False):
        os.environ["DATABASE_URL"] = COLLECT_ONLY_URL
        return

    try:
        server = make_server()
    except PostgresUnavailable as exc:
        raise pytest.UsageError(str(exc)) from None
    _server = server
    atexit.register(_stop_server)
    _install_signal_handlers()
    try:
        url = server.start()
    except PostgresUnavailable as exc:
        _stop_server()
        raise pytest.UsageError(f"Could not start the test PostgreSQL server.\n{exc}") from None
    except BaseException:
        _stop_server()
        raise
    os.environ["DATABASE_URL"] = url
    _header.append(
        f"postgresql: {server.server_version} on 127.0.0.1:{server.port}, "
        f"{server.description}, ready in {server.startup_seconds:.1f} s"
    )
    if server.stale_removed:
        _header.append(f"postgresql: removed leftovers of killed runs: {server.stale_removed}")


def pytest_report_header(config):
    return list(_header)


def pytest_unconfigure(config):
    _stop_server()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    # -q hides the report header; one line still tells which database the run used.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and session.config.get_verbosity() == -1 and not reporter.no_header:
        for line in _header:
            reporter.write_line(line)
