from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The ground floor: member institutions, their images, the trade vocabulary, their items."""

    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.cache import cache
        from django.db.models.signals import post_delete, post_save

        from archive.models import Member
        from archive.selectors import MEMBER_COUNT_KEY

        def forget_member_count(**kwargs):
            cache.delete(MEMBER_COUNT_KEY)

        post_save.connect(forget_member_count, sender=Member, weak=False, dispatch_uid="mc-s")
        post_delete.connect(forget_member_count, sender=Member, weak=False, dispatch_uid="mc-d")

        self._connect_iiif_tiles()

    def _connect_iiif_tiles(self):
        from django.db.models.signals import post_delete, post_save, pre_delete

        from archive import iiif_tiles
        from archive.models import ArchiveItem, Consent, CustomImage, ItemImage, SavoirFaireStep
        from archive.signals import items_changed

        post_save.connect(iiif_tiles.on_item_saved, sender=ArchiveItem, dispatch_uid="iiif-i")
        pre_delete.connect(iiif_tiles.on_item_deleting, sender=ArchiveItem, dispatch_uid="iiif-d")
        items_changed.connect(iiif_tiles.on_items_changed, dispatch_uid="iiif-bulk")
        for part in (ItemImage, SavoirFaireStep):
            for signal in (post_save, post_delete):
                signal.connect(
                    iiif_tiles.on_item_part_changed,
                    sender=part,
                    dispatch_uid=f"iiif-{part.__name__}-{id(signal)}",
                )
        for signal in (post_save, post_delete):
            signal.connect(
                iiif_tiles.on_consent_changed, sender=Consent, dispatch_uid=f"iiif-c-{id(signal)}"
            )
        for signal in (post_save, post_delete):
            signal.connect(
                iiif_tiles.on_image_changed, sender=CustomImage, dispatch_uid=f"iiif-x-{id(signal)}"
            )
