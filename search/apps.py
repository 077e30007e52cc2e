from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Public search (archive query contract, engines and index outbox arrive with the search
    issue)."""

    name = "search"
    label = "search"
    verbose_name = _("Search")
