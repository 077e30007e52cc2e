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
