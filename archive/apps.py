from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The ground floor: member institutions, their images, the trade vocabulary, their items."""

    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"
