"""What the open collection remembers about the items it has exposed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from archive.models import ArchiveItem


class ExposedItem(models.Model):
    """An archive item the OAI-PMH repository has exposed, or will expose when its embargo
    ends. Harvesters keep what they harvested until told otherwise, so an item that leaves the
    public site must go on being answered as a deleted record (`deletedRecord` persistent):
    this row keeps its identifier and sets after the item is withdrawn, unpublished, embargoed
    or erased. Whether the item is public now is always asked of
    `ArchiveItem.objects.public()`; the row only says when it left (`left_at`) and since when
    it is, or will be, back (`since`). Written by opendata.oai.exposure."""

    # No database constraint: the row outlives an erased item.
    item = models.OneToOneField(
        ArchiveItem,
        verbose_name=_("item"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="oai_exposure",
        help_text=_("The archive item (it may have been erased since)."),
    )
    identifier = models.CharField(
        _("identifier"), max_length=40, help_text=_("The item's identifier when it was exposed.")
    )
    set_specs = models.TextField(
        _("sets"),
        blank=True,
        help_text=_("The OAI sets the item belonged to, separated and surrounded by spaces."),
    )
    since = models.DateTimeField(
        _("public since"),
        null=True,
        blank=True,
        help_text=_("When the item came back, or will come back when an embargo ends."),
    )
    left_at = models.DateTimeField(
        _("left at"),
        null=True,
        blank=True,
        help_text=_("When the item left the public site; empty while it is exposed."),
    )

    class Meta:
        verbose_name = _("exposed item")
        verbose_name_plural = _("exposed items")
        indexes = [
            models.Index(fields=["left_at", "item"], name="opendata_exposed_left"),
            models.Index(fields=["since", "item"], name="opendata_exposed_since"),
        ]

    def __str__(self):
        return self.identifier

    @property
    def sets(self) -> list[str]:
        return self.set_specs.split()
