"""`manage.py search_selftest`: the conformance cases against the configured engine, in an
index of their own that is gone afterwards, with a failing case failing the command."""

from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from search import conformance
from search.models import SearchEntry
from search.outbox import apply_items
from tests.factories.items import PublishedItemFactory

pytestmark = pytest.mark.django_db


def selftest() -> str:
    out = StringIO()
    call_command("search_selftest", stdout=out, stderr=out)
    return out.getvalue()


def indexes(engine) -> set[str]:
    return set(engine.client.indices.get(index="*"))


def failing_case(engine, corpus):
    raise AssertionError("the engine found nothing")


def test_the_emulator_passes_every_case_and_keeps_no_index(es_engine):
    es_engine.ensure_index()  # the live alias, which the self-test must leave alone
    before = indexes(es_engine)

    output = selftest()

    assert output.count("pass ") == len(conformance.CASES)
    assert "FAIL" not in output
    assert f"{len(conformance.CASES)} of {len(conformance.CASES)} case(s) passed" in output
    assert "selftest" in output and " ms " in output
    assert indexes(es_engine) == before
    assert es_engine.count() == 0  # nothing of the corpus reached the live index


def test_a_failing_case_fails_the_command_and_the_index_is_deleted(es_engine, monkeypatch):
    es_engine.ensure_index()
    before = indexes(es_engine)
    monkeypatch.setattr(
        conformance,
        "CASES",
        [*conformance.CASES[:2], conformance.Case("finds_nothing", failing_case)],
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 case\\(s\\) failed"):
        call_command("search_selftest", stdout=out, stderr=out)
    output = out.getvalue()
    assert "FAIL" in output and "finds_nothing" in output and "the engine found nothing" in output
    assert output.count("pass ") == 2
    assert indexes(es_engine) == before


def test_an_unreachable_cluster_fails_the_command(es_engine, running_search_server):
    running_search_server.stop()
    with pytest.raises(CommandError, match="unreachable"):
        selftest()


def test_the_database_engine_passes_and_its_live_entries_stay(settings, world):
    settings.ARCHIVE_SEARCH = {**settings.ARCHIVE_SEARCH, "ENGINE": "database"}
    live = PublishedItemFactory(institution=world.institution, title="Une entrée vivante")
    apply_items(item_ids=[live.pk])
    assert SearchEntry.objects.filter(pk=live.pk).exists()

    output = selftest()

    assert output.count("pass ") == len(conformance.CASES)
    assert list(SearchEntry.objects.values_list("pk", flat=True)) == [live.pk]


def test_a_failing_case_on_the_database_engine(settings, monkeypatch):
    settings.ARCHIVE_SEARCH = {**settings.ARCHIVE_SEARCH, "ENGINE": "database"}
    monkeypatch.setattr(conformance, "CASES", [conformance.Case("finds_nothing", failing_case)])
    with pytest.raises(CommandError):
        selftest()
    assert not SearchEntry.objects.exists()
