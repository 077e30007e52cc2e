"""pytest plugin: storage fixtures, against a real S3 server (SeaweedFS) and local files.

Loaded with `-p tests.s3_plugin` (pyproject addopts). Nothing starts unless a test asks: the
first test that uses `s3_server` (directly or through `s3_storage` / `any_storage`) starts
SeaweedFS (tests/servers/s3.py, about a second), which then serves the rest of the run and
stops at its end. Each xdist worker starts its own, on ports of its own.

- `s3_server`: the running server (`endpoint_url`, `access_key`, `secret_key`, `region`,
  `client()`, `create_bucket()`, `remove_bucket()`).
- `s3_storage`: for one test, `settings.STORAGES["default"]` is `storages.backends.s3.S3Storage`
  on a fresh, empty bucket, with the OPTIONS of config/settings/base.py's S3 block. Django's
  `default_storage`, `storages["default"]` and the Wagtail image and rendition fields (which
  use `default_storage`) all reach that bucket during the test. Returns the storage; the bucket
  is emptied and removed afterwards and the previous storage comes back.
- `local_storage`: the same for local files: FileSystemStorage in an empty folder of its own.
- `any_storage`: parametrized, the test runs once with each (ids `local` and `s3`).

How the switch works: assigning STORAGES (or MEDIA_ROOT) through pytest-django's `settings`
fixture sends `setting_changed`, whose receiver in django.test.signals forgets the storages
Django built (`storages._backends`, `storages._storages`) and empties `default_storage`'s lazy
wrapper; the next use builds the new backend. File fields of models keep the `default_storage`
wrapper itself (Wagtail's image `file` field, and its rendition storage unless
WAGTAILIMAGES_RENDITION_STORAGE is set), so they follow. Restoring the settings afterwards does
the same in reverse. Code that keeps a storage *instance* (`storages["default"]` saved in a
module) would not follow: none of ours does.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import os
from pathlib import Path

import pytest

from tests.servers.s3 import S3Unavailable, SeaweedServer

BASE_SETTINGS = Path(__file__).resolve().parent.parent / "config" / "settings" / "base.py"
PLACEHOLDER_BUCKET = "fabrique-placeholder"


@functools.cache
def base_s3_storage(endpoint_url: str, access_key: str, secret_key: str, region: str) -> dict:
    """STORAGES["default"] exactly as config/settings/base.py builds it when a bucket is
    configured, for this server. The settings module is executed again in a copy of the
    environment holding only these AWS_* variables, so that the tests use the production
    options (file_overwrite, default_acl, querystring_auth, signature...) rather than a copy of
    them that could drift."""
    saved = dict(os.environ)
    try:
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(
            AWS_STORAGE_BUCKET_NAME=PLACEHOLDER_BUCKET,
            AWS_S3_ENDPOINT_URL=endpoint_url,
            AWS_ACCESS_KEY_ID=access_key,
            AWS_SECRET_ACCESS_KEY=secret_key,
            AWS_S3_REGION_NAME=region,
        )
        spec = importlib.util.spec_from_file_location("_fabrique_base_settings_s3", BASE_SETTINGS)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    storage = module.STORAGES["default"]
    if storage["BACKEND"] != "storages.backends.s3.S3Storage":
        raise RuntimeError("config/settings/base.py did not switch to S3 for a named bucket.")
    return storage


def s3_storage_settings(server: SeaweedServer, bucket: str) -> dict:
    """The STORAGES["default"] entry for `bucket` on `server` (benchmarks use it too)."""
    base = base_s3_storage(server.endpoint_url, server.access_key, server.secret_key, server.region)
    return {**base, "OPTIONS": {**base["OPTIONS"], "bucket_name": bucket}}


@pytest.fixture(scope="session")
def s3_server():
    """A SeaweedFS server for the whole run, started on first use."""
    try:
        server = SeaweedServer()
        atexit.register(server.stop)
        server.start()
    except S3Unavailable as error:
        pytest.fail(f"Could not start the test S3 server.\n{error}", pytrace=False)
    yield server
    server.stop()


@contextlib.contextmanager
def _storage_switched(settings, entry: dict, **extra):
    from django.core.files.storage import storages

    settings.STORAGES = {**settings.STORAGES, "default": entry}
    for name, value in extra.items():
        setattr(settings, name, value)
    # The instance `default_storage` wraps from now on (built once, then cached by Django).
    yield storages["default"]


@contextlib.contextmanager
def _s3_storage(s3_server, settings):
    client = s3_server.client()
    bucket = s3_server.create_bucket(client=client)
    try:
        with _storage_switched(settings, s3_storage_settings(s3_server, bucket)) as storage:
            yield storage
    finally:
        s3_server.remove_bucket(bucket, client=client)


@contextlib.contextmanager
def _local_storage(settings, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    entry = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    with _storage_switched(settings, entry, MEDIA_ROOT=str(folder)) as storage:
        yield storage


@pytest.fixture
def s3_storage(s3_server, settings):
    """The default storage is S3Storage on a fresh bucket for this test (see module doc)."""
    with _s3_storage(s3_server, settings) as storage:
        yield storage


@pytest.fixture
def local_storage(settings, tmp_path):
    """The default storage is FileSystemStorage in an empty folder for this test."""
    with _local_storage(settings, tmp_path / "media") as storage:
        yield storage


@pytest.fixture(params=["local", "s3"])
def any_storage(request, settings, tmp_path):
    """The test runs twice: with local files, then with S3 (a fresh bucket)."""
    if request.param == "s3":
        context = _s3_storage(request.getfixturevalue("s3_server"), settings)
    else:
        context = _local_storage(settings, tmp_path / "media")
    with context as storage:
        yield storage


@pytest.fixture(scope="module")
def private_s3_server():
    """A SeaweedFS of the module's own, for fault tests that stop it (`pause()`, `resume()`):
    the session's server, shared by other tests, is never interrupted."""
    try:
        server = SeaweedServer()
        atexit.register(server.stop)
        server.start()
    except S3Unavailable as error:
        pytest.fail(f"Could not start the private S3 server.\n{error}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def outage_s3_storage(private_s3_server, settings):
    """`s3_storage` on `private_s3_server`, which the test may pause; it is running again
    (same data) after the test."""
    client = private_s3_server.client()
    bucket = private_s3_server.create_bucket(client=client)
    try:
        entry = s3_storage_settings(private_s3_server, bucket)
        with _storage_switched(settings, entry) as storage:
            yield storage
    finally:
        private_s3_server.resume()
        private_s3_server.remove_bucket(bucket, client=client)
