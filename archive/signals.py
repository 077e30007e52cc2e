"""Signals archive sends for other apps (archive imports none of them; see docs/architecture.md).

Saving or deleting an item through the ORM already sends Django's model signals, which the
search index listens to. Writes that bypass them (`bulk_create`, `QuerySet.update`, e.g. a
bulk import) must send `items_changed` instead, inside their transaction, so that the search
index outbox records the change in the same transaction:

    items_changed.send(sender=ArchiveItem, item_ids=[...])
"""

from django.dispatch import Signal

items_changed = Signal()  # keyword argument: item_ids (iterable of ArchiveItem primary keys)
