"""Erasing an item for good, with its private originals: a moderator's answer to a rights
holder or a narrator who withdraws. Kept apart from everyday changes because it deletes files
that no withdrawal or rejection touches, and what it may delete depends on who else uses them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from archive.models import ArchiveItem, CustomImage, CustomRendition, MediaFile
from archive.selectors import ids_used_elsewhere, item_image_ids, item_media_ids
from archive.services import Actor, ArchiveError
from archive.storage import storage_reachable


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing an item removes, and what it keeps because something else still uses it
    (of those, only the renditions go)."""

    images: tuple[CustomImage, ...]
    shared_images: tuple[CustomImage, ...]
    media: tuple[MediaFile, ...]
    shared_media: tuple[MediaFile, ...]
    renditions: int


def item_erasure_plan(*, item: ArchiveItem) -> ErasurePlan:
    """What `item_erase` would remove now (the admin's confirmation page shows it)."""
    image_ids, media_ids = item_image_ids(item_id=item.pk), item_media_ids(item_id=item.pk)
    used_images = ids_used_elsewhere(model=CustomImage, ids=image_ids, item=item)
    used_media = ids_used_elsewhere(model=MediaFile, ids=media_ids, item=item)
    images = list(CustomImage.objects.filter(pk__in=image_ids).order_by("pk"))
    media = list(MediaFile.objects.filter(pk__in=media_ids).order_by("pk"))
    return ErasurePlan(
        images=tuple(image for image in images if image.pk not in used_images),
        shared_images=tuple(image for image in images if image.pk in used_images),
        media=tuple(file for file in media if file.pk not in used_media),
        shared_media=tuple(file for file in media if file.pk in used_media),
        renditions=CustomRendition.objects.filter(image_id__in=image_ids).count(),
    )


def item_erase(*, item: ArchiveItem, user, reason: str) -> ErasurePlan:
    """Erase an item for good (moderators only): the item with its transcript, consent and
    history rows, its renditions, and its originals (image files and rows, stored recordings
    and their rows) unless another item or a page still uses them. Written to the audit log
    (`archive.erase`, with the reason and what was removed), which outlives the item.

    Stored files are deleted only once the transaction commits: an erasure that fails or is
    rolled back leaves every file in place. Nothing is erased while the storage cannot be
    reached: the rows would go and the files stay, renditions publicly readable. A file
    whose deletion still fails after the commit is left as an orphan for
    `manage.py storage_audit --delete-orphans`."""
    if not Actor.of(user).may(item, "erase"):
        raise PermissionDenied(_("Only moderators can erase items."))
    reason = (reason or "").strip()
    if not reason:
        raise ArchiveError(
            _("Give the reason for the erasure: it is kept in the audit log."),
            code="reason_required",
        )
    if not storage_reachable(default_storage):
        raise ArchiveError(
            _("The file storage could not be reached: nothing was erased. Try again in a moment."),
            code="storage",
        )
    with transaction.atomic():
        locked = ArchiveItem.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None:
            raise ArchiveError(_("This item has already been erased."), code="gone")
        plan = item_erasure_plan(item=locked)
        log(
            instance=locked,
            action="archive.erase",
            user=user,
            data={
                "reason": reason,
                "identifier": locked.identifier,
                "title": locked.title,
                "status": locked.status,
                "images": [image.pk for image in plan.images],
                "media": [file.pk for file in plan.media],
                "kept_images": [image.pk for image in plan.shared_images],
                "kept_media": [file.pk for file in plan.shared_media],
                "renditions": plan.renditions,
            },
        )
        CustomRendition.objects.filter(
            image_id__in=[image.pk for image in (*plan.images, *plan.shared_images)]
        ).delete()
        locked.delete()
        # Wagtail's handlers delete image and rendition files after commit.
        CustomImage.objects.filter(pk__in=[image.pk for image in plan.images]).delete()
        MediaFile.objects.filter(pk__in=[file.pk for file in plan.media]).delete()
        for file in plan.media:
            _delete_after_commit(file.key)
    return plan


def _delete_after_commit(name: str) -> None:
    # A named function, not a functools.partial: Django names a robust callback that fails
    # by its __qualname__, and a partial has none (the error would escape the commit, skip
    # the callbacks after it and answer a server error for an erasure that happened).
    def delete_stored_file():
        default_storage.delete(name)

    transaction.on_commit(delete_stored_file, robust=True)
