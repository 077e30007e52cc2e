"""The index outbox: every change to an archive item leaves exactly one pending task for that
item, written in the change's own transaction (a rolled-back change leaves none)."""

import datetime

from django.db import transaction
from django.utils import timezone

from taggit.models import Tag
from wagtail.models import Locale

import pytest

from archive import services
from archive.models import ArchiveItem, Consent
from search.models import IndexTask
from search.outbox import embargoes_enqueue
from tests.factories import TradeFactory
from tests.factories.archive import (
    ArchiveItemFactory,
)
from tests.factories.items import PublishedItemFactory, PublishedOralHistoryFactory

UPSERT, DELETE = IndexTask.Action.UPSERT, IndexTask.Action.DELETE
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Marcel>On descendait au fond.\n"


def tasks() -> set[tuple[int, str]]:
    return set(IndexTask.objects.values_list("item_id", "action"))


def after(change) -> set[tuple[int, str]]:
    """The tasks a change writes, on an empty outbox."""
    IndexTask.objects.all().delete()
    change()
    return tasks()


def draft(world, **fields) -> ArchiveItem:
    return services.item_create(
        institution=world.institution,
        kind=ArchiveItem.Kind.PHOTO,
        user=world.contributor,
        title="Salle des pendus",
        **fields,
    )


def submitted(world) -> ArchiveItem:
    item = ArchiveItemFactory(institution=world.institution, created_by=world.contributor, images=1)
    ArchiveItem.objects.filter(pk=item.pk).update(status=ArchiveItem.Status.SUBMITTED)
    item.refresh_from_db()
    return item


def test_creating_an_item_writes_a_task(world):
    IndexTask.objects.all().delete()
    item = draft(world)
    assert tasks() == {(item.pk, UPSERT)}


def test_each_moderation_step_writes_one_task(world):
    item = submitted(world)
    user = world.moderator

    assert after(lambda: services.item_publish(item=item, user=user)) == {(item.pk, UPSERT)}
    assert after(lambda: services.item_withdraw(item=item, user=user)) == {(item.pk, UPSERT)}
    assert after(lambda: services.item_submit(item=item, user=user)) == {(item.pk, UPSERT)}
    assert after(lambda: services.item_reject(item=item, user=user, reason="Flou")) == {
        (item.pk, UPSERT)
    }


def test_an_edit_and_a_change_of_access_write_a_task(world):
    item = PublishedItemFactory(institution=world.institution)

    def edit():
        item.title = "Salle des pendus, 1950"
        services.item_save(item=item, user=world.moderator)

    def members_only():
        item.access = ArchiveItem.Access.MEMBERS
        services.item_save(item=item, user=world.moderator)

    assert after(edit) == {(item.pk, UPSERT)}
    assert after(members_only) == {(item.pk, UPSERT)}
    assert ArchiveItem.objects.get(pk=item.pk).access == ArchiveItem.Access.MEMBERS


def test_a_contributors_edit_of_a_published_item_writes_a_task(world):
    # The resubmission rule takes it off the public site: the index must hear of it.
    item = PublishedItemFactory(institution=world.institution)
    item.summary = "Une autre légende."

    assert after(lambda: services.item_save(item=item, user=world.contributor)) == {
        (item.pk, UPSERT)
    }
    assert ArchiveItem.objects.get(pk=item.pk).status == ArchiveItem.Status.SUBMITTED


def test_deleting_an_item_writes_a_delete_task(world):
    item = PublishedOralHistoryFactory(institution=world.institution)
    pk = item.pk

    # The consent goes with the item: still one task, and it says delete.
    assert after(item.delete) == {(pk, DELETE)}


def test_consent_changes_write_a_task(world):
    item = PublishedOralHistoryFactory(institution=world.institution)

    def consent(**changes):
        values = {"consent_date": datetime.date(2023, 5, 1), "scope": Consent.Scope.PUBLIC_WEB}
        return lambda: services.item_consent_set(
            item=item, user=world.moderator, **{**values, **changes}
        )

    assert after(consent(embargo_until=datetime.date(2040, 1, 1))) == {(item.pk, UPSERT)}
    assert after(consent(withdrawn_at=timezone.now())) == {(item.pk, UPSERT)}
    assert after(consent(scope=Consent.Scope.RESEARCH)) == {(item.pk, UPSERT)}


def test_tags_and_a_transcript_write_a_task(world):
    item = PublishedOralHistoryFactory(institution=world.institution)
    other = PublishedItemFactory(institution=world.institution)

    assert after(
        lambda: services.items_tag(items=[item, other], tags=["grève"], user=world.moderator)
    ) == {(item.pk, UPSERT), (other.pk, UPSERT)}
    assert after(
        lambda: services.item_transcript_import(item=item, data=VTT, user=world.moderator)
    ) == {(item.pk, UPSERT)}


def test_a_relabelled_trade_writes_tasks_for_its_items_and_those_below_it(world):
    textile = TradeFactory(name="Textile")
    weaver = TradeFactory(name="Tisserand", parent=textile)
    miner = TradeFactory(name="Mineur")
    on_textile = PublishedItemFactory(institution=world.institution, trades=[textile])
    on_weaver = PublishedItemFactory(institution=world.institution, trades=[weaver])
    PublishedItemFactory(institution=world.institution, trades=[miner])
    english = textile.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.save()

    def relabel():
        english.name = "Textiles"
        english.save()

    assert after(relabel) == {(on_textile.pk, UPSERT), (on_weaver.pk, UPSERT)}
    assert after(lambda: weaver.items.clear()) == {(on_weaver.pk, UPSERT)}
    on_weaver.trades.set([weaver])
    on_weaver.save()
    assert after(weaver.delete) == {(on_weaver.pk, UPSERT)}


def test_a_renamed_tag_writes_tasks_for_its_items(world):
    tagged = PublishedItemFactory(institution=world.institution)
    PublishedItemFactory(institution=world.institution)
    services.items_tag(items=[tagged], tags=["Grève"], user=world.moderator)
    tag = Tag.objects.get(name="Grève")

    def rename():
        tag.name = "Grève de 1948"
        tag.save()

    assert after(rename) == {(tagged.pk, UPSERT)}


def test_changes_to_one_item_coalesce_into_one_task(world):
    item = PublishedItemFactory(institution=world.institution)
    IndexTask.objects.all().delete()
    services.item_save(item=item, user=world.moderator)
    first = IndexTask.objects.get()

    for title in ("Un", "Deux", "Trois"):
        item.title = title
        services.item_save(item=item, user=world.moderator)

    task = IndexTask.objects.get()
    assert (task.item_id, task.action) == (item.pk, UPSERT)
    # Still as old as the first change it stands for, but stamped by the last one.
    assert task.created_at == first.created_at
    assert task.token != first.token


def test_a_rolled_back_change_writes_no_task(world):
    item = submitted(world)
    IndexTask.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.item_publish(item=item, user=world.moderator)
        assert tasks() == {(item.pk, UPSERT)}  # written with the change…
        raise RuntimeError("the request fails after the change")

    assert tasks() == set()  # …and gone with it
    assert ArchiveItem.objects.get(pk=item.pk).status == ArchiveItem.Status.SUBMITTED


def test_a_refused_change_writes_no_task(world):
    item = draft(world)
    IndexTask.objects.all().delete()

    with pytest.raises(services.TransitionError):
        services.item_publish(item=item, user=world.moderator)

    assert tasks() == set()


def test_the_end_of_an_embargo_writes_a_task_on_that_day(world):
    today = datetime.date(2031, 6, 1)
    ends_today = PublishedOralHistoryFactory(
        institution=world.institution, consent__embargo_until=today
    )
    ends_later = PublishedOralHistoryFactory(
        institution=world.institution, consent__embargo_until=today + datetime.timedelta(days=3)
    )
    ended_long_ago = PublishedOralHistoryFactory(
        institution=world.institution, consent__embargo_until=datetime.date(2020, 1, 1)
    )
    unpublished = PublishedOralHistoryFactory(
        institution=world.institution, consent__embargo_until=today
    )
    ArchiveItem.objects.filter(pk=unpublished.pk).update(status=ArchiveItem.Status.WITHDRAWN)

    # The first run ever queues every embargo already over (it cannot know what was seen).
    IndexTask.objects.all().delete()
    assert embargoes_enqueue(today=today - datetime.timedelta(days=1)) == 1
    assert tasks() == {(ended_long_ago.pk, UPSERT)}

    assert after(lambda: embargoes_enqueue(today=today)) == {(ends_today.pk, UPSERT)}
    assert after(lambda: embargoes_enqueue(today=today)) == set()  # once only
    later = today + datetime.timedelta(days=5)
    assert after(lambda: embargoes_enqueue(today=later)) == {(ends_later.pk, UPSERT)}


def test_embargoes_end_on_the_sites_day(world, paris_past_midnight):
    # 23:30 UTC on the 7th is already the 8th in Paris, the site's time zone.
    ends_today = PublishedOralHistoryFactory(
        institution=world.institution, consent__embargo_until=datetime.date(2026, 12, 8)
    )
    embargoes_enqueue(today=datetime.date(2026, 12, 7))

    assert after(embargoes_enqueue) == {(ends_today.pk, UPSERT)}


def test_a_bulk_write_that_sends_items_changed_writes_tasks(world):
    # Paths that bypass model signals (bulk_create, QuerySet.update) announce their items.
    from archive.signals import items_changed

    items = [PublishedItemFactory(institution=world.institution) for _ in range(3)]

    def bulk_withdraw():
        ids = [item.pk for item in items]
        ArchiveItem.objects.filter(pk__in=ids).update(status=ArchiveItem.Status.WITHDRAWN)
        items_changed.send(sender=ArchiveItem, item_ids=ids)

    assert after(bulk_withdraw) == {(item.pk, UPSERT) for item in items}
