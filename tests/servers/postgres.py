"""A throwaway PostgreSQL server for one test run.

Two ways to get one, picked by who runs the suite:

- as root (CI, these machines): PostgreSQL refuses to run as root, so the cluster is created with
  Debian's `pg_createcluster` (owned by the `postgres` user), started with `pg_ctl` under
  `runuser -u postgres`, given a password role, reached over TCP on 127.0.0.1, and removed with
  `pg_dropcluster --stop`;
- as an ordinary user: `initdb` + `pg_ctl` on a data directory in a temporary folder, with trust
  authentication, its unix socket in that folder too, and the folder deleted afterwards.

Names carry the owning process id (`fabrique_test_<pid>`, `fabrique-pg-<pid>-*`), so parallel runs
never clash and leftovers of killed runs are recognised and removed by the next run.

Nothing here imports pytest or Django: `tests/pg_plugin.py` drives it, and a benchmark may too.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

CLUSTER_PREFIX = "fabrique_test_"
TEMPDIR_PREFIX = "fabrique-pg-"
ROLE = "fabrique"
DATABASE = "fabrique"
PREFERRED_VERSION = "15"
DEBIAN_LIB = Path("/usr/lib/postgresql")
# Only settings that trade crash safety for speed: a test cluster never survives a crash anyway.
SPEED_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
# Planner costs of a server whose data sits on SSD or in memory, as on any current host (the
# defaults assume spinning disks, and then prefer reading a whole table to an index lookup of a
# third of it): the settings docker/compose.yml gives production's PostgreSQL.
SSD_SETTINGS = {"random_page_cost": "1.1", "effective_io_concurrency": "200"}
SERVER_SETTINGS = {**SPEED_SETTINGS, **SSD_SETTINGS}
INSTALL_HINT = (
    "The test suite starts its own PostgreSQL server and needs PostgreSQL 15 installed: "
    "`apt-get install postgresql` (Debian/Ubuntu; as root this also provides pg_createcluster). "
    "Or point the suite at an existing server with "
    "DATABASE_URL=postgres://user:password@host:port/name (the role needs CREATEDB)."
)


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started; the message says what to do."""


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


def utf8_locale() -> str | None:
    """A UTF-8 locale with real character classes, so that lower()/upper(), ILIKE and full-text
    parsing handle accented letters (the plain C locale does not)."""
    try:
        available = subprocess.run(
            ["locale", "-a"],  # noqa: S607 - a system tool, found on PATH like the others
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
    except OSError:
        return None
    normalised = {name.lower().replace("-", ""): name for name in available}
    for wanted in ("c.utf8", "en_us.utf8", "en_gb.utf8", "fr_fr.utf8"):
        if wanted in normalised:
            return normalised[wanted]
    return None


def _run(cmd: list[str], *, what: str, log: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
        cmd, capture_output=True, text=True, check=False, cwd="/"
    )
    if result.returncode != 0:
        message = [f"{what} failed ({shlex.join(cmd)}), exit status {result.returncode}:"]
        message += [result.stdout.strip(), result.stderr.strip()]
        if log is not None and log.exists():
            tail = log.read_text(errors="replace").splitlines()[-20:]
            message += [f"--- last lines of {log} ---", *tail]
        raise PostgresUnavailable("\n".join(line for line in message if line))
    return result.stdout


def _server_options(port: int, extra: dict[str, str] | None = None) -> str:
    settings = {"port": str(port), "listen_addresses": "127.0.0.1", **SERVER_SETTINGS}
    settings.update(extra or {})
    return " ".join(f"-c {name}={shlex.quote(value)}" for name, value in settings.items())


def _wait_until_ready(url_parts: dict, *, timeout: float = 30.0) -> str:
    """Connect the way Django will, and return the server version."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(**url_parts, connect_timeout=3) as conn:
                return conn.execute("show server_version").fetchone()[0]
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"PostgreSQL did not accept connections: {exc}") from exc
            time.sleep(0.05)


class ThrowawayServer:
    """Common interface: `start()` returns a DATABASE_URL, `stop()` removes every trace and
    may be called any number of times."""

    url: str = ""
    port: int = 0
    server_version: str = ""
    description: str = ""
    startup_seconds: float = 0.0
    stale_removed: tuple[str, ...] = ()

    def start(self) -> str:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class DebianCluster(ThrowawayServer):
    """A cluster of its own created with postgresql-common's wrappers; used when running as root."""

    def __init__(self) -> None:
        self.version = self._pick_version()
        self.name = f"{CLUSTER_PREFIX}{os.getpid()}"
        self.created = False
        self.owner_pid = os.getpid()

    @staticmethod
    def _pick_version() -> str:
        versions = sorted(
            (p.parent.parent.name for p in DEBIAN_LIB.glob("*/bin/postgres")),
            key=lambda v: [int(x) for x in re.findall(r"\d+", v)],
        )
        if not versions or not shutil.which("pg_createcluster"):
            raise PostgresUnavailable(
                "Running as root, PostgreSQL is started through Debian's pg_createcluster "
                "(PostgreSQL refuses to run as root), and it is not installed. " + INSTALL_HINT
            )
        return PREFERRED_VERSION if PREFERRED_VERSION in versions else versions[-1]

    @property
    def bindir(self) -> Path:
        return DEBIAN_LIB / self.version / "bin"

    @staticmethod
    def clusters() -> list[dict]:
        out = _run(["pg_lsclusters", "--no-header"], what="pg_lsclusters")
        rows = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 7:
                rows.append(
                    {"version": fields[0], "name": fields[1], "port": fields[2],
                     "status": fields[3], "datadir": fields[5], "log": fields[6]}
                )  # fmt: skip
        return rows

    def remove_stale(self) -> list[str]:
        """Drop our clusters whose pytest process is gone (killed runs), and any leftover with
        this run's own name (a recycled pid)."""
        removed = []
        for row in self.clusters():
            match = re.fullmatch(rf"{CLUSTER_PREFIX}(\d+)", row["name"])
            if not match:
                continue
            pid = int(match.group(1))
            if row["name"] == self.name or not pid_alive(pid):
                subprocess.run(  # noqa: S603
                    ["pg_dropcluster", "--stop", row["version"], row["name"]],  # noqa: S607
                    capture_output=True,
                    check=False,
                    cwd="/",
                )
                removed.append(f"{row['version']}/{row['name']}")
        return removed

    def _as_postgres(self, cmd: list[str]) -> list[str]:
        if shutil.which("runuser"):
            return ["runuser", "-u", "postgres", "--", *cmd]
        return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]

    def start(self) -> str:
        began = time.monotonic()
        self.stale_removed = tuple(self.remove_stale())
        locale_args = ["--locale", loc] if (loc := utf8_locale()) else []
        self.port = free_port()
        self.created = True  # from here on, stop() must drop whatever got created
        _run(
            [
                "pg_createcluster",
                "--port", str(self.port),
                "--encoding", "UTF8",
                *locale_args,
                "--start-conf", "manual",  # never started by the system's init scripts
                *(arg for k, v in SERVER_SETTINGS.items() for arg in ("-o", f"{k}={v}")),
                self.version,
                self.name,
                "--",
                "--no-sync",
            ],
            what="pg_createcluster",
        )  # fmt: skip
        row = next(r for r in self.clusters() if r["name"] == self.name)
        log = Path(row["log"])
        conf_root = os.environ.get("PG_CLUSTER_CONF_ROOT", "/etc/postgresql")
        config_file = f"{conf_root}/{self.version}/{self.name}/postgresql.conf"
        # pg_ctl directly rather than pg_ctlcluster: the wrapper polls in half-second steps and
        # takes ~2 s; pg_ctl -w is ready in ~0.1 s.
        _run(
            self._as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "start", "-w", "-s", "-t", "30",
                    "-D", row["datadir"],
                    "-l", str(log),
                    "-o", f"-c config_file={config_file} {_server_options(self.port)}",
                ]
            ),
            what="pg_ctl start",
            log=log,
        )  # fmt: skip
        password = secrets.token_hex(16)
        _run(
            self._as_postgres(
                [
                    str(self.bindir / "psql"),
                    "-X", "-q", "-v", "ON_ERROR_STOP=1",
                    "-h", "/var/run/postgresql", "-p", str(self.port), "-d", "postgres",
                    "-c", f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{password}'",
                    "-c", f"CREATE DATABASE {DATABASE} OWNER {ROLE}",
                ]
            ),
            what="creating the test role",
            log=log,
        )  # fmt: skip
        parts = {"host": "127.0.0.1", "port": self.port, "user": ROLE, "password": password}
        self.server_version = _wait_until_ready({**parts, "dbname": DATABASE})
        self.url = f"postgres://{ROLE}:{password}@127.0.0.1:{self.port}/{DATABASE}"
        self.startup_seconds = time.monotonic() - began
        self.description = (
            f"cluster {self.version}/{self.name} (pg_createcluster, runs as user postgres), "
            f"role {ROLE} with password over TCP"
        )
        return self.url

    def stop(self) -> None:
        if not self.created or os.getpid() != self.owner_pid:
            return
        self.created = False
        subprocess.run(  # noqa: S603
            ["pg_dropcluster", "--stop", self.version, self.name],  # noqa: S607
            capture_output=True,
            check=False,
            cwd="/",
        )


class TempDirCluster(ThrowawayServer):
    """initdb + pg_ctl as the current (non-root) user, everything inside one temporary folder."""

    def __init__(self) -> None:
        self.bindir = self._find_bindir()
        self.tmp: Path | None = None
        self.owner_pid = os.getpid()

    @staticmethod
    def _find_bindir() -> Path:
        candidates = [DEBIAN_LIB / PREFERRED_VERSION / "bin"]
        if pg_config := shutil.which("pg_config"):
            with contextlib.suppress(OSError):
                out = subprocess.run(  # noqa: S603
                    [pg_config, "--bindir"], capture_output=True, text=True, check=False
                ).stdout.strip()
                if out:
                    candidates.append(Path(out))
        if initdb := shutil.which("initdb"):
            candidates.append(Path(initdb).resolve().parent)
        candidates += sorted(DEBIAN_LIB.glob("*/bin"), reverse=True)
        for bindir in candidates:
            if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
                return bindir
        raise PostgresUnavailable("initdb and pg_ctl were not found. " + INSTALL_HINT)

    def remove_stale(self) -> list[str]:
        removed = []
        pattern = os.path.join(tempfile.gettempdir(), f"{TEMPDIR_PREFIX}*")
        for path in map(Path, glob.glob(pattern)):
            match = re.match(rf"{TEMPDIR_PREFIX}(\d+)-", path.name)
            if not match or pid_alive(int(match.group(1))):
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_uid != os.getuid():
                    continue
            self._stop_and_delete(path)
            removed.append(str(path))
        return removed

    def _stop_and_delete(self, tmp: Path) -> None:
        data = tmp / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                [str(self.bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-s"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(tmp, ignore_errors=True)

    def start(self) -> str:
        began = time.monotonic()
        self.stale_removed = tuple(self.remove_stale())
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TEMPDIR_PREFIX}{os.getpid()}-"))
        data, log = self.tmp / "data", self.tmp / "postgres.log"
        locale_args = [f"--locale={loc}"] if (loc := utf8_locale()) else ["--no-locale"]
        _run(
            [
                str(self.bindir / "initdb"),
                "-D", str(data),
                "-U", ROLE,
                "--auth=trust",
                "--encoding=UTF8",
                *locale_args,
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )  # fmt: skip
        self.port = free_port()
        options = _server_options(self.port, {"unix_socket_directories": str(self.tmp)})
        _run(
            [str(self.bindir / "pg_ctl"), "start", "-w", "-s", "-t", "30",
             "-D", str(data), "-l", str(log), "-o", options],
            what="pg_ctl start",
            log=log,
        )  # fmt: skip
        parts = {"host": "127.0.0.1", "port": self.port, "user": ROLE}
        _wait_until_ready({**parts, "dbname": "postgres"})
        with psycopg.connect(**parts, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        self.server_version = _wait_until_ready({**parts, "dbname": DATABASE})
        self.url = f"postgres://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"
        self.startup_seconds = time.monotonic() - began
        self.description = f"initdb + pg_ctl in {self.tmp} (trust auth) over TCP"
        return self.url

    def stop(self) -> None:
        if self.tmp is None or os.getpid() != self.owner_pid:
            return
        tmp, self.tmp = self.tmp, None
        self._stop_and_delete(tmp)


def make_server() -> ThrowawayServer:
    """The right kind of server for the current user; raises PostgresUnavailable with install
    instructions when PostgreSQL is missing."""
    return DebianCluster() if os.geteuid() == 0 else TempDirCluster()
