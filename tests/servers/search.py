"""The search server of the test suite: osmem-server, an in-memory emulator of the OpenSearch
API (PyPI `osmem-server`, pinned in the dev extra).

No real Elasticsearch can be installed on these machines (see SERVICES.md), so the
Elasticsearch engine is tested against this emulator through the plain-JSON transport
(settings.ARCHIVE_SEARCH["OPENSEARCH_COMPAT"]). The server listens on a free 127.0.0.1 port,
keeps that port when it is stopped and started again (the outage tests do that; its indexes
are in memory, so a restart empties them), and exits with the test process even if that one
is killed (`-parent-pid`).

Nothing here imports pytest or Django, so a benchmark may use it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from tests.servers.postgres import free_port


class SearchServerUnavailable(RuntimeError):
    """The emulator could not be found or started; the message says why."""


class SearchServer:
    """One osmem-server process on 127.0.0.1:`port`; `start()`, `stop()`, `url`."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @staticmethod
    def binary() -> str:
        try:
            import osmem_server
        except ImportError as error:
            raise SearchServerUnavailable(
                "The search tests need the osmem-server emulator: pip install -e '.[dev]'."
            ) from error
        return osmem_server.resolve_binary()

    def start(self, timeout: float = 20.0) -> str:
        """Start the server (on the same port as before, if it ran already); returns its URL
        once it answers."""
        if self.running:
            return self.url
        began = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 - our own pinned binary, fixed arguments
            [
                self.binary(),
                "-addr",
                f"127.0.0.1:{self.port}",
                "-no-stdin-watch",
                "-no-ja",
                "-parent-pid",
                str(os.getpid()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                error = (
                    self.process.stderr.read().decode(errors="replace")
                    if self.process.stderr
                    else ""
                )
                self.process = None
                raise SearchServerUnavailable(f"osmem-server exited at start: {error.strip()}")
            if self.answers():
                self.startup_seconds = time.monotonic() - began
                return self.url
            time.sleep(0.02)
        self.stop()
        raise SearchServerUnavailable(f"osmem-server did not answer on {self.url} in {timeout} s")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=1) as response:  # noqa: S310 - local
                return "version" in json.loads(response.read())
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def stop(self) -> None:
        """Stop the server and wait until its port is closed."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()
        deadline = time.monotonic() + 5
        while self.answers() and time.monotonic() < deadline:
            time.sleep(0.02)
