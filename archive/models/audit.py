"""The audit log of archive items.

Wagtail writes log entries of plain models to one shared ModelLogEntry table, and its site
history report shows them to anyone holding any permission on the model: every contributor
would read the titles of other institutions' drafts there. Archive items therefore get their
own log model (registered in archive/wagtail_hooks.py, as Wagtail does for pages), whose
`viewable_by_user` applies the same isolation as the admin workspace.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import BaseLogEntry, BaseLogEntryManager


class ArchiveItemLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.update(item=instance)
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(item_id=instance.pk)

    def viewable_by_user(self, user):
        # Imported here: selectors import the models package.
        from archive.selectors import items_editable_by, user_is_moderator

        if user_is_moderator(user=user):
            return self.all()
        return self.filter(item_id__in=items_editable_by(user=user).values("pk"))


class ArchiveItemLogEntry(BaseLogEntry):
    """One action on an archive item (created, edited, submitted, published…) and who did it.

    No database constraint on `item`: the history of a deleted item is kept."""

    item = models.ForeignKey(
        "archive.ArchiveItem",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("item"),
    )

    objects = ArchiveItemLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("archive item log entry")
        verbose_name_plural = _("archive item log entries")

    def __str__(self):
        return f"{self.action} on item {self.item_id}"

    @property
    def object_id(self):
        return self.item_id
