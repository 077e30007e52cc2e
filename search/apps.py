from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Public search of the archive: the query contract, its engines, and the index outbox
    that every change to an archive item writes to (see search.outbox)."""

    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        # Here rather than in archive: archive imports no app of ours (docs/architecture.md).
        from search.outbox import connect_handlers

        connect_handlers()
