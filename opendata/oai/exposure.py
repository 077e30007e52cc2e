"""Keeps `ExposedItem` rows, the memory behind OAI-PMH deleted records.

Before an item or its consent changes (or is deleted), an item that is public at that moment
is recorded as exposed, in the same transaction. Once the transaction commits, every item it
touched is looked at again: one still public is live (and, if it had left, is live again from
now); one no longer public that was exposed has left, now. An item that will become public by
itself when its embargo ends gets that moment in `since`, so that its record's datestamp is
never older than the moment it appears and an incremental harvest picks it up.

Whether an item is public is always `ArchiveItem.objects.public()`, asked at the right time.
Bulk writes that send `archive.signals.items_changed` instead of model signals are looked at
after commit only: an item they hide is remembered as deleted if it was recorded as exposed.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from archive.models import ArchiveItem, Consent
from archive.signals import items_changed
from opendata.models import ExposedItem
from opendata.oai.sets import set_specs_of


def _joined(specs: list[str]) -> str:
    return f" {' '.join(specs)} " if specs else ""


def exposure_record(*, item_id: int, now: datetime.datetime | None = None) -> None:
    """Record the item as exposed if it is public now (called before it changes)."""
    item = ArchiveItem.objects.public(now=now).filter(pk=item_id).first()
    if item is None:
        return
    ExposedItem.objects.update_or_create(
        item_id=item_id,
        defaults={
            "identifier": item.identifier,
            "set_specs": _joined(set_specs_of(item_ids=[item_id]).get(item_id, [])),
            "left_at": None,
        },
    )


def _embargo_end(item_id: int, now: datetime.datetime) -> datetime.datetime | None:
    """The moment the item becomes public by itself, if an embargo is all that keeps it off
    the public site: midnight of the embargo's last day, in the site's time zone (the date
    `public()` compares with)."""
    until = (
        Consent.objects.filter(item_id=item_id, embargo_until__gt=timezone.localdate(now))
        .values_list("embargo_until", flat=True)
        .first()
    )
    if until is None:
        return None
    moment = timezone.make_aware(datetime.datetime.combine(until, datetime.time.min))
    if ArchiveItem.objects.public(now=moment).filter(pk=item_id).exists():
        return moment
    return None


def exposures_update(*, item_ids: Iterable[int], now: datetime.datetime | None = None) -> None:
    """Look at these items again after a change: live, gone, or coming back later."""
    now = now or timezone.now()
    item_ids = set(item_ids)
    public = {
        item.pk: item
        for item in ArchiveItem.objects.public(now=now).filter(pk__in=item_ids).only("identifier")
    }
    rows = {row.item_id: row for row in ExposedItem.objects.filter(item_id__in=item_ids)}
    specs = set_specs_of(item_ids=public) if public else {}
    for item_id in item_ids:
        row = rows.get(item_id)
        if item_id in public:
            row = row or ExposedItem(item_id=item_id)
            if row.left_at is not None:
                row.left_at, row.since = None, now
            row.identifier = public[item_id].identifier
            row.set_specs = _joined(specs.get(item_id, []))
            row.save()
            continue
        if row is not None and row.left_at is None and (row.since is None or row.since <= now):
            row.left_at = now
            row.save(update_fields=["left_at"])
        comes_back = _embargo_end(item_id, now)
        if comes_back is not None:
            if row is None:
                item = ArchiveItem.objects.filter(pk=item_id).only("identifier").first()
                row = ExposedItem(
                    item_id=item_id,
                    identifier=item.identifier,
                    set_specs=_joined(set_specs_of(item_ids=[item_id]).get(item_id, [])),
                )
            row.since = comes_back
            row.save()


def _update_after_commit(item_ids: Iterable[int]) -> None:
    item_ids = list(item_ids)
    if item_ids:
        transaction.on_commit(lambda: exposures_update(item_ids=item_ids))


def _item_before(sender, instance, **kwargs):
    if not kwargs.get("raw") and instance.pk is not None:
        exposure_record(item_id=instance.pk)


def _item_after(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        _update_after_commit([instance.pk])


def _consent_before(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        exposure_record(item_id=instance.item_id)


def _consent_after(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        _update_after_commit([instance.item_id])


def _items_changed(sender, item_ids, **kwargs):
    _update_after_commit(item_ids)


def connect_handlers() -> None:
    """Connected by OpendataConfig.ready(); archive knows nothing of opendata."""
    uid = "opendata.exposure"
    pre_save.connect(_item_before, sender=ArchiveItem, dispatch_uid=f"{uid}.item_before")
    pre_delete.connect(_item_before, sender=ArchiveItem, dispatch_uid=f"{uid}.item_gone_before")
    post_save.connect(_item_after, sender=ArchiveItem, dispatch_uid=f"{uid}.item_after")
    post_delete.connect(_item_after, sender=ArchiveItem, dispatch_uid=f"{uid}.item_gone_after")
    pre_save.connect(_consent_before, sender=Consent, dispatch_uid=f"{uid}.consent_before")
    pre_delete.connect(_consent_before, sender=Consent, dispatch_uid=f"{uid}.consent_gone_before")
    post_save.connect(_consent_after, sender=Consent, dispatch_uid=f"{uid}.consent_after")
    post_delete.connect(_consent_after, sender=Consent, dispatch_uid=f"{uid}.consent_gone_after")
    items_changed.connect(_items_changed, dispatch_uid=f"{uid}.items_changed")
