"""The index worker: it applies pending tasks to the engine, deletes them only once applied,
keeps them while the engine is unreachable, and leaves the index equal to the database.

The database engine runs on the suite's PostgreSQL; the Elasticsearch engine against the
osmem-server emulator the suite starts (tests/search/conftest.py), stopped and started again
for the outage test."""

import threading
import time

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from archive import services
from archive.models import ArchiveItem
from search.documents import indexable_versions
from search.engines import get_engine
from search.models import IndexerState, IndexTask
from search.outbox import Backoff, apply_batch, work
from tests.factories import TradeFactory
from tests.factories.items import PublishedItemFactory, PublishedOralHistoryFactory


@pytest.fixture
def weaver(db):
    return TradeFactory(name="Tisserand")


def assert_index_equals_database(engine):
    """Ids and versions: what `search_reconcile` compares."""
    assert engine.indexed_versions() == indexable_versions()


# --- The database engine -------------------------------------------------------------------


def test_database_engine_applies_the_outbox_right_after_commit(
    world, weaver, django_capture_on_commit_callbacks
):
    engine = get_engine("database")
    with django_capture_on_commit_callbacks(execute=True):
        item = PublishedItemFactory(institution=world.institution, trades=[weaver])

    # As `make run` shows it: searchable at once, with no worker running.
    assert IndexTask.objects.count() == 0
    assert set(engine.indexed_versions()) == {item.pk}
    assert_index_equals_database(engine)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_withdraw(item=item, user=world.moderator)

    assert engine.indexed_versions() == {}
    assert IndexTask.objects.count() == 0


def test_worker_drains_the_outbox_into_the_database_engine(world):
    # Inside the test's transaction no commit happens: the tasks wait for the worker.
    items = [PublishedItemFactory(institution=world.institution) for _ in range(7)]
    hidden = PublishedOralHistoryFactory(institution=world.institution, consent__scope="research")
    services.item_withdraw(item=items[0], user=world.moderator)
    assert IndexTask.objects.count() == 8

    stats = work(engine=get_engine("database"), once=True, batch_size=3)

    assert (stats.applied, stats.failed) == (8, 0)
    assert IndexTask.objects.count() == 0
    indexed = get_engine("database").indexed_versions()
    assert set(indexed) == {item.pk for item in items[1:]}
    assert hidden.pk not in indexed
    assert_index_equals_database(get_engine("database"))
    assert IndexerState.objects.get().worker_seen_at is not None


class EditsWhileApplying:
    """The real database engine, with a contributor's edit committed while it applies: the
    interleaving of a save and the worker, made deterministic."""

    def __init__(self, engine, edit):
        self.engine, self.edit, self.name = engine, edit, engine.name

    def apply(self, **ids):
        self.engine.apply(**ids)
        self.edit()


def test_a_change_made_while_its_task_is_applied_stays_pending(world):
    item = PublishedItemFactory(institution=world.institution)

    def edit():
        item.title = "Nouveau titre"
        services.item_save(item=item, user=world.moderator)

    result = apply_batch(engine=EditsWhileApplying(get_engine("database"), edit))

    assert result.applied == 1
    # The worker applied the version before the edit: the edit's task must survive.
    assert list(IndexTask.objects.values_list("item_id", flat=True)) == [item.pk]
    work(engine=get_engine("database"), once=True)
    assert_index_equals_database(get_engine("database"))


def test_backoff_grows_to_its_cap_with_jitter():
    backoff = Backoff(base=1.0, cap=8.0)
    delays = [backoff.next_delay() for _ in range(8)]

    for attempt, delay in enumerate(delays):
        ceiling = min(8.0, 2.0**attempt)
        assert ceiling / 2 <= delay <= ceiling
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_index_worker_command_drains_and_reports(world, capsys):
    for _ in range(3):
        PublishedItemFactory(institution=world.institution)

    call_command("index_worker", "--once")

    out = capsys.readouterr().out
    assert "3 task(s) pending" in out
    assert "Done: 3 applied, 0 failed" in out
    assert IndexTask.objects.count() == 0
    assert_index_equals_database(get_engine("database"))


# --- The Elasticsearch engine, and its outage ------------------------------------------------

Status = ArchiveItem.Status


def workload(world, items) -> float:
    """Publish, edit and delete `items` through archive.services, as moderators and
    contributors do; returns the seconds it took."""
    started = time.perf_counter()
    for item in items:
        services.item_publish(item=item, user=world.moderator)
    for item in items:
        item.title = f"{item.title} (légende revue)"
        services.item_save(item=item, user=world.moderator)
    for item in items[::4]:
        item.delete()
    return time.perf_counter() - started


def submitted_items(world, trade, count: int) -> list[ArchiveItem]:
    items = [
        services.item_create(
            institution=world.institution,
            kind=ArchiveItem.Kind.PHOTO,
            user=world.contributor,
            title=f"Métiers à tisser, salle {n}",
            trades=[trade],
        )
        for n in range(count)
    ]
    ArchiveItem.objects.filter(pk__in=[i.pk for i in items]).update(status=Status.SUBMITTED)
    for item in items:
        item.refresh_from_db()
    return items


def test_outage_saves_succeed_and_the_worker_brings_the_index_back(
    world, weaver, es_engine, search_server, capsys, search_index_off
):
    """An outage: with the search server stopped, publishing, editing and
    deleting 100 items all succeed; once it is back, the worker makes the index equal to the
    database. Timings are printed for comparison, never asserted. (Wagtail's own search index
    of the items is off: it is not what this measures.)"""
    up_items = submitted_items(world, weaver, 100)
    down_items = submitted_items(world, weaver, 100)

    seconds_up = workload(world, up_items)
    # With the server up too, no save wrote to the index itself: the worker does.
    assert es_engine.count() == 0
    search_server.stop()
    seconds_down = workload(world, down_items)
    with capsys.disabled():
        print(
            f"\n100 items published, edited, 25 deleted: {seconds_up:.2f} s with the search "
            f"server up, {seconds_down:.2f} s with it down"
        )

    # Every change is waiting in the outbox, none was lost, none applied.
    assert IndexTask.objects.count() == 200
    assert IndexTask.objects.filter(action=IndexTask.Action.DELETE).count() == 50
    with pytest.raises(CommandError, match="unreachable.*200 task\\(s\\) kept"):
        call_command("index_worker", "--once", verbosity=0)
    assert IndexTask.objects.count() == 200

    search_server.start()  # the emulator comes back empty: the worker must rebuild it all
    stats = work(engine=es_engine, once=True, batch_size=64)

    assert stats.applied == 200
    assert IndexTask.objects.count() == 0
    assert_index_equals_database(es_engine)
    assert len(es_engine.indexed_versions()) == 150  # 200 published, 50 deleted


def test_worker_retries_with_backoff_until_the_engine_is_back(
    world, weaver, es_engine, search_server
):
    for _ in range(5):
        PublishedItemFactory(institution=world.institution, trades=[weaver])
    search_server.stop()
    threading.Timer(1.5, search_server.start).start()

    stats = work(engine=es_engine, once=True, retry_for=60, backoff=Backoff(base=0.2, cap=0.5))

    assert stats.retries >= 2
    assert stats.applied == 5
    assert_index_equals_database(es_engine)


def test_a_document_the_engine_refuses_does_not_hold_back_the_others(world, es_engine):
    good = [PublishedItemFactory(institution=world.institution) for _ in range(4)]
    refused = PublishedItemFactory(institution=world.institution)
    # A position no geo_point accepts, written behind the model's validation.
    ArchiveItem.objects.filter(pk=refused.pk).update(latitude=95, longitude=400)

    stats = work(engine=es_engine, once=True)

    assert (stats.applied, stats.failed) == (4, 1)
    assert set(es_engine.indexed_versions()) == {item.pk for item in good}
    task = IndexTask.objects.get()
    assert task.item_id == refused.pk
    assert task.attempts == 1
    assert task.retry_at > task.changed_at
    assert task.last_error

    # Fixed by an editor: the new change gets its chance at once.
    refused.latitude, refused.longitude = 50.69, 3.17
    services.item_save(item=refused, user=world.moderator)
    work(engine=es_engine, once=True)
    assert IndexTask.objects.count() == 0
    assert_index_equals_database(es_engine)
