"""/health/ answers without touching anything; /health/ready/ checks each dependency on the
real servers and answers 503 naming the one that is down, and nothing about where it runs."""

import datetime
import json

from django.core.management import CommandError, call_command
from django.db import connections
from django.test import override_settings
from django.utils import timezone

import pytest

from search.models import IndexTask
from search.outbox import worker_heartbeat
from tests.s3_plugin import s3_storage_settings
from tests.search.conftest import search_settings_for, unique_alias
from tests.servers.postgres import free_port
from tests.servers.s3 import SeaweedServer
from tests.servers.search import SearchServer

READY = "/health/ready/"
CHECKS = {"database", "cache", "storage", "search", "index_outbox", "index_worker"}


@pytest.fixture(scope="module")
def private_search_server():
    """A search server of this module's own: stopping it leaves the suite's one alone."""
    server = SearchServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def everything_up(db, settings, s3_storage, private_search_server, empty_cache):
    """S3 storage, Elasticsearch (the emulator) and a worker that has just beaten."""
    private_search_server.start()
    settings.ARCHIVE_SEARCH = search_settings_for(private_search_server, unique_alias())
    worker_heartbeat()
    return settings


def ready(client):
    response = client.get(READY)
    return response.status_code, json.loads(response.content), response.content.decode()


def failed(body) -> set[str]:
    return {name for name, state in body["checks"].items() if state != "ok"}


def test_liveness_answers_without_any_query(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_everything_is_up(client, everything_up):
    status, body, _ = ready(client)
    assert status == 200
    assert body == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


def test_the_database_engine_needs_no_worker(client, settings, local_storage, db, empty_cache):
    settings.ARCHIVE_SEARCH = {**settings.ARCHIVE_SEARCH, "ENGINE": "database"}
    status, body, _ = ready(client)
    assert status == 200
    assert set(body["checks"]) == CHECKS - {"index_worker"}


def test_search_server_down(client, everything_up, private_search_server):
    private_search_server.stop()
    status, body, text = ready(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert failed(body) == {"search"}
    assert str(private_search_server.port) not in text and "127.0.0.1" not in text


def test_storage_down(client, everything_up, settings):
    server = SeaweedServer()
    server.start()
    try:
        bucket = server.create_bucket()
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(server, bucket)}
        assert ready(client)[0] == 200
    finally:
        server.stop()
    status, body, text = ready(client)
    assert status == 503
    assert failed(body) == {"storage"}
    assert str(server.port) not in text and bucket not in text


def test_local_storage_that_cannot_be_written(client, everything_up, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(blocker / "media")
    status, body, _ = ready(client)
    assert status == 503
    assert failed(body) == {"storage"}


def test_cache_down(client, everything_up, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    broken = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(blocker / "cache"),
    }
    # Restored before the fixtures' teardown, which clears the cache.
    with override_settings(CACHES={"default": broken}):
        status, body, _ = ready(client)
    assert status == 503
    assert failed(body) == {"cache"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_down(client, settings, local_storage, empty_cache):
    settings.ARCHIVE_SEARCH = {**settings.ARCHIVE_SEARCH, "ENGINE": "database"}
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there
    try:
        status, body, text = ready(client)
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert status == 503
    assert "database" in failed(body)
    assert body["checks"]["cache"] == body["checks"]["storage"] == "ok"
    assert saved["HOST"] not in text and str(saved["PORT"]) not in text
    assert saved["NAME"] not in text and saved["USER"] not in text


def test_an_old_pending_index_task(client, everything_up):
    IndexTask.objects.create(item_id=1, created_at=timezone.now() - datetime.timedelta(hours=1))
    status, body, _ = ready(client)
    assert status == 503
    assert failed(body) == {"index_outbox"}


def test_a_fresh_pending_index_task_is_fine(client, everything_up):
    IndexTask.objects.create(item_id=1, created_at=timezone.now() - datetime.timedelta(minutes=1))
    assert ready(client)[0] == 200


def test_a_silent_worker(client, everything_up, time_machine):
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=3), tick=False)
    status, body, _ = ready(client)
    assert status == 503
    assert failed(body) == {"index_worker"}


def test_the_worker_loop_beats_and_the_compose_check_reads_it(everything_up, time_machine):
    start = timezone.now()
    time_machine.move_to(start + datetime.timedelta(minutes=10), tick=False)
    with pytest.raises(CommandError):
        call_command("index_worker_alive")
    call_command("index_worker", "--once", verbosity=0)
    call_command("index_worker_alive")
    time_machine.move_to(start + datetime.timedelta(minutes=13), tick=False)
    with pytest.raises(CommandError):
        call_command("index_worker_alive")
