"""The dependencies /health/ready/ checks, on django-health-check's `HealthCheck`.

Each check raises a HealthCheckException when its dependency fails; the library logs it with
its cause (host, port, error text), and the view answers only the check's name. Checks that
touch the database run in the request's thread (`sync_to_async`), on its connection, rather
than in an executor thread that would open connections of its own and leave them open.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

import boto3
from asgiref.sync import sync_to_async
from botocore.config import Config
from health_check import checks as library
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from archive.storage import is_s3
from search.engines import EngineUnavailable, get_engine
from search.outbox import outbox_summary, worker_alive

# Seconds a dependency gets before it counts as down: a readiness probe answers quickly.
PROBE_TIMEOUT = 3.0


@dataclasses.dataclass
class Database(library.Database):
    name: ClassVar[str] = "database"
    timeout = datetime.timedelta(seconds=PROBE_TIMEOUT)

    async def run(self):
        await sync_to_async(super().run)()


@dataclasses.dataclass
class Cache(library.Cache):
    """A value written to the cache reads back."""

    name: ClassVar[str] = "cache"


@dataclasses.dataclass
class Storage(HealthCheck):
    """S3: the bucket answers HEAD with the site's credentials. Local storage: a file can be
    written, read back and deleted."""

    name: ClassVar[str] = "storage"
    timeout = datetime.timedelta(seconds=PROBE_TIMEOUT)

    def run(self):
        if not is_s3(default_storage):
            library.Storage().run()
            return
        try:
            _quick_s3_client(default_storage).head_bucket(Bucket=default_storage.bucket_name)
        except Exception as error:
            raise ServiceUnavailable("bucket unreachable") from error


def _quick_s3_client(storage):
    """A client like the storage's own, with short timeouts and one attempt: the storage's
    waits a minute for an unreachable endpoint and retries."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=storage.endpoint_url,
        region_name=storage.region_name,
        aws_access_key_id=storage.access_key,
        aws_secret_access_key=storage.secret_key,
        aws_session_token=storage.security_token,
        verify=storage.verify,
        config=Config(
            connect_timeout=PROBE_TIMEOUT,
            read_timeout=PROBE_TIMEOUT,
            retries={"total_max_attempts": 1},
            signature_version=storage.signature_version,
        ),
    )


@dataclasses.dataclass
class SearchEngine(HealthCheck):
    """Elasticsearch: the cluster answers and is not red. The database engine: its table
    answers a query."""

    name: ClassVar[str] = "search"
    timeout = datetime.timedelta(seconds=PROBE_TIMEOUT + 2)

    async def run(self):
        await sync_to_async(self._check)()

    def _check(self):
        engine = get_engine()
        try:
            if engine.name == "elasticsearch":
                status = engine.client.options(request_timeout=PROBE_TIMEOUT).cluster.health()
                if status.get("status") == "red":
                    raise ServiceUnavailable("cluster red")
            else:
                engine.count()
        except ServiceUnavailable:
            raise
        except (EngineUnavailable, Exception) as error:
            raise ServiceUnavailable("search engine unreachable") from error


@dataclasses.dataclass
class IndexOutbox(HealthCheck):
    """The oldest pending index task is younger than HEALTH_OUTBOX_MAX_AGE seconds. With the
    database engine, tasks are applied as their change commits: one left pending that long
    failed and waits for the next change or the worker."""

    name: ClassVar[str] = "index_outbox"

    async def run(self):
        await sync_to_async(self._check)()

    def _check(self):
        oldest = outbox_summary()["oldest"]
        if oldest is None:
            return
        age = (timezone.now() - oldest).total_seconds()
        if age > settings.HEALTH_OUTBOX_MAX_AGE:
            raise ServiceUnavailable(f"oldest pending index task is {age:.0f} s old")


@dataclasses.dataclass
class IndexWorker(HealthCheck):
    """The index worker wrote its heartbeat less than HEALTH_WORKER_MAX_SILENCE seconds ago.
    Only with Elasticsearch: the database engine needs no worker."""

    name: ClassVar[str] = "index_worker"

    async def run(self):
        await sync_to_async(self._check)()

    def _check(self):
        if not worker_alive(max_silence=settings.HEALTH_WORKER_MAX_SILENCE):
            raise ServiceUnavailable("no index worker heartbeat")


def readiness_checks() -> list[type[HealthCheck]]:
    checks = [Database, Cache, Storage, SearchEngine, IndexOutbox]
    if get_engine().name == "elasticsearch":
        checks.append(IndexWorker)
    return checks
