from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The collection opened to the heritage world: OAI-PMH for aggregators (`opendata.oai`),
    IIIF manifests and images for viewers (`opendata.iiif`) and the read-only JSON API
    (`opendata.api`). It reads the archive through `archive.selectors` and the search contract
    (`search.contract.ArchiveQuery`) only, so what it exposes is what the public site shows."""

    name = "opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # Here rather than in archive: archive imports no app of ours (docs/architecture.md).
        from opendata.oai.exposure import connect_handlers

        connect_handlers()
