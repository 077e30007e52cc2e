"""Signal receivers that purge the page cache after commit (connected by HomeConfig.ready()).

The page cache belongs to home, the app that serves the site's chrome: archive sends its own
signals and Django's model signals and knows nothing of the cache.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete

from wagtail.models import Page, get_page_models
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from archive.models import ArchiveItem, Member
from archive.signals import items_changed
from home.models import NavigationSettings, Slot
from home.models.registrations import Registration
from home.pagecache import affected
from home.pagecache.store import purge_on_commit
from home.selectors import slot_for_registration


def page_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) and not instance.is_root():
        purge_on_commit(affected.for_page(instance))


def page_moving(sender, instance, **kwargs) -> None:
    """Before and after a move: the old URLs and listings, then the new ones."""
    purge_on_commit(affected.for_subtree(instance))


def page_slug_changed_(sender, instance, instance_before, **kwargs) -> None:
    """The new URLs, and the old ones: the subtree's paths under the old slug."""
    paths = affected.for_subtree(instance)
    new = instance.get_url_parts()
    if new and new[2]:
        new_prefix = new[2]
        old_prefix = new_prefix[: -len(instance.slug) - 1] + instance_before.slug + "/"
        paths |= {old_prefix + p[len(new_prefix) :] for p in paths if p.startswith(new_prefix)}
    purge_on_commit(paths)


def item_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        purge_on_commit(affected.for_items([instance.pk]))


def items_bulk_changed(sender, item_ids, **kwargs) -> None:
    purge_on_commit(affected.for_items(item_ids))


def member_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        purge_on_commit(affected.for_member(instance))


def navigation_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    # Created empty by NavigationSettings.for_site() on a first read: nothing shown changes.
    if not raw and not created:
        purge_on_commit(affected.everything())


def registration_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    slot: Slot | None = slot_for_registration(registration=instance)
    if slot is not None:
        purge_on_commit(affected.for_slot_page(slot.page))


def connect() -> None:
    uid = "home.pagecache"
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished")):
        signal.connect(page_changed, dispatch_uid=f"{uid}.{name}")
    # Before the rows go: the page's URL, its parent and its translations are still readable.
    # Per page model: a receiver for every model would stop Django's fast deletes.
    for model in {Page, *get_page_models()}:
        pre_delete.connect(page_changed, sender=model, dispatch_uid=f"{uid}.del.{model.__name__}")
    pre_page_move.connect(page_moving, dispatch_uid=f"{uid}.pre_move")
    post_page_move.connect(page_moving, dispatch_uid=f"{uid}.post_move")
    page_slug_changed.connect(page_slug_changed_, dispatch_uid=f"{uid}.slug")
    post_save.connect(item_saved, sender=ArchiveItem, dispatch_uid=f"{uid}.item_saved")
    pre_delete.connect(item_saved, sender=ArchiveItem, dispatch_uid=f"{uid}.item_deleted")
    items_changed.connect(items_bulk_changed, dispatch_uid=f"{uid}.items_changed")
    post_save.connect(member_changed, sender=Member, dispatch_uid=f"{uid}.member_saved")
    pre_delete.connect(member_changed, sender=Member, dispatch_uid=f"{uid}.member_deleted")
    post_save.connect(navigation_saved, sender=NavigationSettings, dispatch_uid=f"{uid}.nav")
    post_save.connect(registration_changed, sender=Registration, dispatch_uid=f"{uid}.reg")
    post_delete.connect(registration_changed, sender=Registration, dispatch_uid=f"{uid}.reg_del")
