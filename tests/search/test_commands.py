"""search_reindex, search_reconcile and search_status, on the database engine (PostgreSQL) and
on the Elasticsearch engine against the emulator the suite starts."""

import datetime
import re
from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest

from archive.models import ArchiveItem
from search.contract import ArchiveQuery
from search.documents import indexable_versions
from search.engines import get_engine
from search.models import IndexTask
from search.outbox import rebuild, work
from tests.factories.items import PublishedItemFactory


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def drift(world, engine):
    """An index in line with the database, then three changes it never heard of (written
    behind the ORM's back, as a restore from backup or a manual fix would)."""
    items = [PublishedItemFactory(institution=world.institution) for _ in range(5)]
    work(engine=engine, once=True)
    assert engine.indexed_versions() == indexable_versions()

    missing = PublishedItemFactory(institution=world.institution)
    IndexTask.objects.filter(item_id=missing.pk).delete()
    stale, extra = items[0], items[1]
    ArchiveItem.objects.filter(pk=stale.pk).update(title="Retouché", updated_at=timezone.now())
    ArchiveItem.objects.filter(pk=extra.pk).update(status=ArchiveItem.Status.WITHDRAWN)
    return SimpleNamespace(missing=missing.pk, stale=stale.pk, extra=extra.pk)


def test_reconcile_repairs_and_reports_drift_on_the_database_engine(world):
    engine = get_engine("database")
    ids = drift(world, engine)

    dry = run("search_reconcile", "--dry-run")
    assert engine.indexed_versions() != indexable_versions()  # a dry run changes nothing

    out = run("search_reconcile")

    for text in (dry, out):
        assert f"Missing (indexed now): 1  [{ids.missing}]" in text
        assert f"Stale (indexed again): 1  [{ids.stale}]" in text
        assert f"Extra (removed): 1  [{ids.extra}]" in text
    assert "database: 3 document(s) fixed" in out
    assert engine.indexed_versions() == indexable_versions()
    assert "0 document(s) fixed" in run("search_reconcile")


def test_reindex_rebuilds_the_database_engine(world):
    for _ in range(4):
        PublishedItemFactory(institution=world.institution)
    engine = get_engine("database")
    assert engine.count() == 0

    out = run("search_reindex", "--no-progress")

    assert re.search(r"database: 4 document\(s\) indexed in [\d.]+ s", out)
    assert engine.indexed_versions() == indexable_versions()


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_a_rebuild_catches_up_with_changes_committed_while_it_ran(world, engine_name, request):
    """What search_reindex runs. Changes committed while the index fills went to the index
    being replaced, or came after their items were read: the rebuild must not lose them."""
    engine = (
        get_engine("database")
        if engine_name == "database"
        else request.getfixturevalue("es_engine")
    )
    edited, withdrawn, _kept = (
        PublishedItemFactory(institution=world.institution, title="Chevalement") for _ in range(3)
    )
    added = []

    def meanwhile(written):
        # Called as documents are written, so after every item was read.
        if added:
            return
        ArchiveItem.objects.filter(pk=edited.pk).update(title="Lavoir", updated_at=timezone.now())
        ArchiveItem.objects.filter(pk=withdrawn.pk).update(status=ArchiveItem.Status.WITHDRAWN)
        added.append(PublishedItemFactory(institution=world.institution, title="Lavoir"))

    assert rebuild(engine=engine, progress=meanwhile) == 3

    assert engine.indexed_versions() == indexable_versions()
    found = {hit.identifier for hit in engine.search(ArchiveQuery(text="lavoir")).hits}
    assert found == {edited.identifier, added[0].identifier}


def test_status_on_the_database_engine(world):
    PublishedItemFactory(institution=world.institution)
    IndexTask.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    out = run("search_status")

    assert "Engine: database" in out
    assert "Reachable: yes" in out
    assert "Documents: 0" in out
    assert "Pending tasks: 1" in out
    assert re.search(r"Oldest pending task: 30\d s old \(5", out)
    assert "Worker last seen: never" in out

    work(engine=get_engine("database"), once=True)
    out = run("search_status")
    assert "Documents: 1" in out
    assert "Pending tasks: 0" in out
    assert "Oldest pending task: none" in out
    assert "Worker last seen: 0" in out


def test_reconcile_repairs_drift_on_the_elasticsearch_engine(world, es_engine):
    ids = drift(world, es_engine)

    out = run("search_reconcile")

    assert f"Missing (indexed now): 1  [{ids.missing}]" in out
    assert f"Stale (indexed again): 1  [{ids.stale}]" in out
    assert f"Extra (removed): 1  [{ids.extra}]" in out
    assert "elasticsearch: 3 document(s) fixed" in out
    assert es_engine.indexed_versions() == indexable_versions()


def indexes_behind(engine) -> set[str]:
    return set(engine.client.indices.get_alias(name=engine.alias))


def test_reindex_swaps_in_a_new_elasticsearch_index_with_a_progress_bar(world, es_engine):
    items = [PublishedItemFactory(institution=world.institution) for _ in range(3)]
    run("search_reindex", "--no-progress")
    first = indexes_behind(es_engine)
    items.append(PublishedItemFactory(institution=world.institution))

    out, err = StringIO(), StringIO()
    call_command("search_reindex", stdout=out, stderr=err)

    assert "elasticsearch: 4 document(s) indexed" in out.getvalue()
    assert "4/4" in err.getvalue()  # the progress bar, on stderr
    second = indexes_behind(es_engine)
    assert len(second) == 1 and second != first  # a new index behind the alias, the old gone
    assert set(es_engine.indexed_versions()) == {item.pk for item in items}


def test_status_on_the_elasticsearch_engine_and_its_outage(world, es_engine, search_server):
    PublishedItemFactory(institution=world.institution)
    work(engine=es_engine, once=True)
    PublishedItemFactory(institution=world.institution)

    out = run("search_status")
    assert "Engine: elasticsearch" in out
    assert "Reachable: yes" in out
    assert "Documents: 1" in out
    assert "Pending tasks: 1" in out

    search_server.stop()
    out = StringIO()
    with pytest.raises(CommandError, match="elasticsearch engine is unreachable"):
        call_command("search_status", stdout=out)
    assert "Reachable: NO" in out.getvalue()
    assert "Pending tasks: 1" in out.getvalue()
