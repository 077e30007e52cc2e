"""The index outbox: one pending task per changed item, written in the change's own transaction
(search.outbox).

Tasks for the same item coalesce into one row: ten edits before the worker runs give one task.
Each change stamps a fresh `token`; the worker deletes a row only if its token is still the one
it read, so a change committed while the worker was applying the previous one stays pending.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["IndexTask", "IndexerState"]


class IndexTask(models.Model):
    """An item whose index entry must be brought in line with the database."""

    class Action(models.TextChoices):
        UPSERT = "upsert", _("Index or remove, as the item now is")
        DELETE = "delete", _("Remove")

    # Not a foreign key: the task of a deleted item must outlive the item.
    item_id = models.PositiveBigIntegerField(
        _("item id"), unique=True, help_text=_("Primary key of the archive item that changed.")
    )
    action = models.CharField(
        _("action"),
        max_length=8,
        choices=Action.choices,
        default=Action.UPSERT,
        help_text=_("Delete when the item itself was deleted; otherwise upsert."),
    )
    token = models.UUIDField(
        _("change token"),
        default=uuid.uuid4,
        help_text=_("Renewed on every change, so the worker never clears a newer change."),
    )
    created_at = models.DateTimeField(
        _("pending since"),
        default=timezone.now,
        help_text=_("When the oldest change not yet indexed was made."),
    )
    changed_at = models.DateTimeField(
        _("last change"), default=timezone.now, help_text=_("When the latest change was made.")
    )
    attempts = models.PositiveIntegerField(
        _("attempts"), default=0, help_text=_("Failed attempts to apply this task.")
    )
    last_error = models.TextField(
        _("last error"), blank=True, help_text=_("Why the last attempt failed.")
    )
    retry_at = models.DateTimeField(
        _("retry at"),
        null=True,
        blank=True,
        help_text=_("Set after a failure that was this item's own: not retried before then."),
    )

    class Meta:
        verbose_name = _("index task")
        verbose_name_plural = _("index tasks")
        ordering = ["created_at"]
        # Every row is pending (done rows are deleted): the worker takes the oldest first.
        indexes = [models.Index(fields=["created_at"], name="search_indextask_pending")]

    def __str__(self):
        return f"{self.get_action_display()} #{self.item_id}"


class IndexerState(models.Model):
    """The index worker's memory between runs (a single row): when it last ran, and up to which
    day it has queued the items whose embargo ended (embargo end is a date, not an event)."""

    worker_seen_at = models.DateTimeField(
        _("worker last seen"),
        null=True,
        blank=True,
        help_text=_("When an index worker last showed it was running (its heartbeat)."),
    )
    embargoes_checked_on = models.DateField(
        _("embargoes checked on"),
        null=True,
        blank=True,
        help_text=_("Items whose embargo ended on or before this day are already queued."),
    )

    class Meta:
        verbose_name = _("indexer state")
        verbose_name_plural = _("indexer state")

    def __str__(self):
        return str(_("Indexer state"))
