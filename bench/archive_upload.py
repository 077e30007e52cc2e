"""Benchmark: a 1 GiB recording through the presigned-POST path, and what it costs the Django
process.

    .venv/bin/python bench/archive_upload.py            # 1 GiB, about a minute
    .venv/bin/python bench/archive_upload.py --size 256M

1. Starts SeaweedFS (tests/servers/s3.py) on free ports and creates a bucket.
2. Django (this process): unless Django is already set up by the caller, config.settings.dev
   on a throwaway SQLite database (migrated here) with the bucket as default storage. An
   institution and a contributor are created inside a transaction rolled back at the end.
3. `archive.uploads.upload_start` signs the presigned POST.
4. Another process sends a generated file (a WAV header, then pseudo-random bytes) to the
   bucket with that POST, streamed with http.client: the file never exists on disk nor in one
   piece in memory, and never passes through Django.
5. `archive.uploads.upload_complete` runs here: server-side move, streamed read, magic bytes,
   SHA-256, MediaFile row. This process's resident memory (RSS) is measured before, at its
   peak during completion (Linux: VmHWM, reset through /proc/self/clear_refs; elsewhere a
   sampling thread) and after.

Prints a table; `run()` returns the same figures as a dict (bench/archive_import.py calls it).
Target: RSS growth under 50 MB for 1 GB. Not a test: nothing asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GiB = 1024**3
MiB = 1024**2
BLOCK = 1 * MiB
TARGET_GROWTH_MB = 50


# --- The sender (a separate process) ------------------------------------------------------------


def wav_header(total_size: int) -> bytes:
    """The 44-byte header of a 16-bit mono 48 kHz WAV file of `total_size` bytes."""
    fmt = struct.pack("<HHIIHH", 1, 1, 48000, 96000, 2, 16)
    data_size = min(total_size - 44, 0xFFFFFFFF)
    riff_size = min(total_size - 8, 0xFFFFFFFF)
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVEfmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", data_size)
    )


def generated_chunks(size: int, seed: int = 1950):
    """`size` bytes: a WAV header, then a 1 MiB pseudo-random block over and over (not
    compressible, never held whole)."""
    block = random.Random(seed).randbytes(BLOCK)
    header = wav_header(size)
    yield header
    remaining = size - len(header)
    while remaining > 0:
        piece = block[: min(BLOCK, remaining)]
        remaining -= len(piece)
        yield piece


def generated_sha256(size: int) -> str:
    digest = hashlib.sha256()
    for chunk in generated_chunks(size):
        digest.update(chunk)
    return digest.hexdigest()


def send(url: str, fields: dict[str, str], size: int, filename: str) -> dict:
    """POST the generated file as multipart/form-data, fields first, file last (S3's rule),
    with an exact Content-Length (S3 refuses chunked POSTs)."""
    boundary = "fabrique-bench-" + os.urandom(8).hex()
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    head_bytes = head.encode()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    began = time.perf_counter()
    connection.putrequest("POST", parts.path or "/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head_bytes) + size + len(tail)))
    connection.endheaders()
    connection.send(head_bytes)
    for chunk in generated_chunks(size):
        connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    seconds = time.perf_counter() - began
    connection.close()
    return {"status": response.status, "body": body[:500], "seconds": seconds}


# --- Memory of this process --------------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class PeakRss:
    """Resident memory of this process before, at its peak during, and after a `with` block,
    in bytes. Linux: the kernel's high-water mark (VmHWM), reset at the start. Elsewhere a
    thread samples ru_maxrss-less RSS every 5 ms (psutil-free, hence approximate)."""

    def __init__(self):
        self.before = self.peak = self.after = 0
        self._stop = threading.Event()
        self._thread = None
        self._kernel_peak = False

    @staticmethod
    def current() -> int:
        kib = _status_kib("VmRSS")
        if kib is not None:
            return kib * 1024
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def __enter__(self):
        self.before = self.current()
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self._kernel_peak = _status_kib("VmHWM") is not None
        except OSError:
            self._kernel_peak = False
        if not self._kernel_peak:
            self.peak = self.before
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.current())

    def __exit__(self, *exc_info):
        if self._kernel_peak:
            self.peak = _status_kib("VmHWM") * 1024
        else:
            self._stop.set()
            self._thread.join()
        self.after = self.current()
        self.peak = max(self.peak, self.after)


# --- Django --------------------------------------------------------------------------------------


def _django_ready(workdir: Path) -> bool:
    """Set Django up on a throwaway SQLite database unless the caller already did. Returns
    whether it was set up here."""
    from django.conf import settings

    if settings.configured:
        return False
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DEBUG"] = "False"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return True


def run(size_bytes: int = GiB, *, verbose: bool = False) -> dict:
    """Upload `size_bytes` through the presigned POST and complete it; return the figures:
    sizes in bytes, times in seconds, throughputs in MB/s (10^6 bytes), RSS in bytes."""
    from tests.servers.s3 import SeaweedServer

    with tempfile.TemporaryDirectory(prefix="fabrique-bench-upload-") as tmp:
        setup_here = _django_ready(Path(tmp))
        with SeaweedServer() as server:
            if verbose:
                print(
                    f"SeaweedFS at {server.endpoint_url}, ready in {server.startup_seconds:.1f} s"
                )
            bucket = server.create_bucket()
            try:
                return _measure(server, bucket, size_bytes, verbose=verbose) | {
                    "django_setup_here": setup_here
                }
            finally:
                server.remove_bucket(bucket)


def _measure(server, bucket: str, size_bytes: int, *, verbose: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test.utils import override_settings

    from archive import services, uploads
    from archive.models import Member
    from tests.s3_plugin import s3_storage_settings

    storages = {"default": s3_storage_settings(server, bucket)}
    from django.conf import settings

    storages["staticfiles"] = settings.STORAGES["staticfiles"]
    limits = {**settings.ARCHIVE_MAX_UPLOAD_BYTES, "audio": max(size_bytes, GiB)}
    with (
        override_settings(STORAGES=storages, ARCHIVE_MAX_UPLOAD_BYTES=limits),
        transaction.atomic(),
    ):
        member = Member.objects.create(
            name="Banc d'essai", slug=f"banc-essai-{os.getpid()}", commune="Lens", region="HdF"
        )
        institution = services.institution_setup(member=member, code="BENCH")
        user = get_user_model().objects.create_user(f"bench-{os.getpid()}", password=None)
        services.contributor_add(user=user, institution=institution)

        start = uploads.upload_start(
            user=user, institution=institution, kind="audio", size=size_bytes, name="bench.wav"
        )
        if verbose:
            print(f"Sending {size_bytes / MiB:.0f} MiB from another process…")
        sender = subprocess.run(
            [
                sys.executable,
                __file__,
                "--send",
                json.dumps({"url": start.url, "fields": start.fields, "size": size_bytes}),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if sender.returncode != 0:
            raise RuntimeError(f"The sender failed:\n{sender.stderr}")
        sent = json.loads(sender.stdout)
        if sent["status"] != 204:
            raise RuntimeError(f"S3 refused the upload ({sent['status']}): {sent['body']}")

        if verbose:
            print("Completing (move, streamed read, SHA-256) in this process…")
        with PeakRss() as memory:
            began = time.perf_counter()
            result = uploads.upload_complete(user=user, token=start.token)
            complete_seconds = time.perf_counter() - began
        expected = generated_sha256(size_bytes)
        figures = {
            "size_bytes": size_bytes,
            "upload_seconds": sent["seconds"],
            "upload_mb_s": size_bytes / sent["seconds"] / 1e6,
            "complete_seconds": complete_seconds,
            "complete_mb_s": size_bytes / complete_seconds / 1e6,
            "rss_before": memory.before,
            "rss_peak": memory.peak,
            "rss_after": memory.after,
            "rss_growth": memory.peak - memory.before,
            "sha256_ok": result.media.sha256 == expected,
            "stored_size_ok": result.media.size == size_bytes,
        }
        transaction.set_rollback(True)
    return figures


def print_table(figures: dict) -> None:
    mb = 1e6
    growth_mb = figures["rss_growth"] / mb
    rows = [
        ("file size", f"{figures['size_bytes'] / MiB:,.0f} MiB"),
        ("upload to S3 (other process)", f"{figures['upload_seconds']:.1f} s"),
        ("upload throughput", f"{figures['upload_mb_s']:.0f} MB/s"),
        ("completion (move + check + SHA-256)", f"{figures['complete_seconds']:.1f} s"),
        ("completion throughput", f"{figures['complete_mb_s']:.0f} MB/s"),
        ("Django RSS before", f"{figures['rss_before'] / mb:.1f} MB"),
        ("Django RSS peak during completion", f"{figures['rss_peak'] / mb:.1f} MB"),
        ("Django RSS after", f"{figures['rss_after'] / mb:.1f} MB"),
        (
            "Django RSS growth (peak - before)",
            f"{growth_mb:.1f} MB (target < {TARGET_GROWTH_MB} MB: "
            f"{'met' if growth_mb < TARGET_GROWTH_MB else 'NOT met'})",
        ),
        (
            "SHA-256 and size as sent",
            "yes" if figures["sha256_ok"] and figures["stored_size_ok"] else "NO",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def _size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": GiB}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=_size, default=GiB, help="file size, e.g. 1G, 256M")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--send", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.send:
        job = json.loads(args.send)
        print(json.dumps(send(job["url"], job["fields"], job["size"], "bench.wav")))
        return 0
    figures = run(args.size, verbose=True)
    print_table(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
